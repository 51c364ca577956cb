"""The batch job's worker processes (scoring/workers.py): order, errors, a worker that dies, stopping early."""

from __future__ import annotations

import os
import signal
from multiprocessing import get_all_start_methods, get_context

import pytest

from complaintmine.scoring.workers import WorkerDied, Workers

CONTEXT = get_context("fork" if "fork" in get_all_start_methods() else "spawn")


def nothing() -> None:
    return None


def square(n: int) -> tuple[int, int]:
    if n == 13:
        raise ValueError("thirteen")
    if n == 21:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return n, n * n


def alive(processes) -> list[int]:
    return [p.pid for p in processes if p.is_alive()]


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_come_back_in_task_order_and_the_workers_return(workers):
    with Workers(CONTEXT, workers, nothing, (), square) as pool:
        # chunks a few times larger than a pipe's buffer: the parent sends while a worker still owes an answer
        assert list(pool.results((n,) for n in range(12))) == [(n, n * n) for n in range(12)]
        processes = pool.processes
    assert alive(processes) == [] and all(p.exitcode == 0 for p in processes)


def test_large_tasks_and_answers_do_not_block_each_other():
    big = "赠" * 300_000  # about 900 kB pickled each way, many times a pipe's buffer
    with Workers(CONTEXT, 2, nothing, (), len) as pool:
        assert list(pool.results((big + str(n),) for n in range(8))) == [300_001] * 8


def test_an_error_in_a_worker_is_raised_where_its_result_is_read_and_the_workers_are_killed():
    with pytest.raises(ValueError, match="thirteen"), Workers(CONTEXT, 2, nothing, (), square) as pool:
        processes = pool.processes
        for n, _ in pool.results((n,) for n in range(10, 20)):
            assert n < 13
    assert alive(processes) == []


def test_a_worker_that_dies_stops_the_job_with_an_error_instead_of_a_hang():
    died = pytest.raises(WorkerDied, match=r"ended \(exit code -9\) before it answered")
    with died, Workers(CONTEXT, 2, nothing, (), square) as pool:
        processes = pool.processes
        list(pool.results((n,) for n in range(16, 30)))
    assert alive(processes) == []


def test_stopping_early_kills_the_workers():
    with Workers(CONTEXT, 2, nothing, (), square) as pool:
        processes = pool.processes
        results = pool.results((n,) for n in range(100))
        assert next(results) == (0, 0)
    assert alive(processes) == [] and all(p.exitcode == -signal.SIGKILL for p in processes)


def test_a_task_sent_to_a_worker_that_has_died_stops_the_job_with_worker_died_not_a_broken_pipe():
    # the parent found the dead worker by writing into its pipe: BrokenPipeError, which the CLI took for
    # `| head` closing standard output and ended with exit code 0 and no message, the output left unfinished
    died = pytest.raises(WorkerDied, match=r"ended \(exit code -9\) before it answered")
    with died, Workers(CONTEXT, 2, nothing, (), square) as pool:
        os.kill(pool.processes[1].pid, signal.SIGKILL)
        pool.processes[1].join()
        list(pool.results((n,) for n in range(10)))  # task 1 goes to the dead worker
