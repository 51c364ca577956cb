"""Worker processes for a batch job, each with a pipe of its own: chunks go out in turn, results come back in order.

Why not ``multiprocessing.Pool``: its workers share one task queue and one result queue, each behind a lock
that a worker holds while it reads or writes. A worker that dies holding one (killed with the whole process
group by ``timeout`` or systemd, or by the out-of-memory killer) leaves the pool's shutdown waiting for that lock
for ever, and a chunk a dead worker held is never answered, so the parent waits for it for ever too. An audit
and a review of this project hit all three (``timeout 4``, a second Ctrl-C while stopping, a worker killed
with SIGKILL). Here nothing is shared: worker ``k`` reads chunks from its own pipe and writes results into it,
so stopping is killing the workers, which cannot leave anything locked, and a worker that dies is seen at once
(its process sentinel) and stops the job with an error instead of a hang.

Chunks are dealt out in turn (chunk ``i`` to worker ``i % n``), at most ``depth`` per worker in flight, and
results are read in the same order, so the rows come back in input order. Workers ignore SIGINT and SIGTERM:
stopping is the parent's business (stopping.py); it kills them with SIGKILL.
"""

from __future__ import annotations

import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from typing import Any, NoReturn

from ..errors import ComplaintMineError
from .stopping import quiet_worker_signals

__all__ = ["WorkerDied", "Workers"]


class WorkerDied(ComplaintMineError):
    """A worker process of a batch job ended before it answered (killed, or out of memory)."""

    exit_code = 1


def _serve(
    connection: Connection, setup: Callable[..., Any], setup_args: tuple[Any, ...], work: Callable[..., Any]
) -> None:
    """A worker's life: set up, then answer each task ``args`` from the pipe with ``(True, work(*args))`` or
    ``(False, exception)``, until the pipe says ``None`` or closes. A thread reads the pipe all the time, so the
    parent's sends never wait for this worker to finish a chunk (the parent, meanwhile, may be waiting for this
    worker's answer: a chunk of a few thousand rows fills a pipe's buffer)."""
    quiet_worker_signals()
    setup(*setup_args)
    tasks: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):  # the parent is gone
                task = None
            tasks.put(task)
            if task is None:
                return

    threading.Thread(target=read, daemon=True).start()
    while (task := tasks.get()) is not None:
        try:
            answer: tuple[bool, Any] = (True, work(*task))
        except BaseException as exc:  # the parent raises it where the result is read
            answer = (False, exc)
        try:
            connection.send(answer)
        except OSError:  # the parent is gone
            return


class Workers:
    """``workers`` processes of the multiprocessing ``context``, each running ``setup(*setup_args)`` and then
    ``work(*task)`` for the tasks :meth:`results` deals it. Use as a context manager: however the block ends (an
    exception, SIGTERM), the workers are killed and reaped before it does."""

    def __init__(
        self,
        context: Any,
        workers: int,
        setup: Callable[..., Any],
        setup_args: tuple[Any, ...],
        work: Callable[..., Any],
    ):
        self.processes: list[Any] = []
        self.pipes: list[Connection] = []
        try:
            for _ in range(workers):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, setup, setup_args, work), daemon=True)
                process.start()
                theirs.close()
                self.processes.append(process)
                self.pipes.append(mine)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def results(self, tasks: Iterable[tuple[Any, ...]], depth: int = 2) -> Iterator[Any]:
        """``work(*task)`` for each task, in the order of ``tasks``, with at most ``depth`` tasks per worker in
        flight; then each worker is told to return."""
        n = len(self.processes)
        in_flight: deque[int] = deque()  # the worker of each task sent and not yet answered, in task order
        for sent, task in enumerate(tasks):
            if len(in_flight) >= depth * n:
                yield self._answer(in_flight.popleft())
            try:
                self.pipes[sent % n].send(task)
            except OSError:  # BrokenPipeError: the worker died, and its end of the pipe with it
                self._died(sent % n)
            in_flight.append(sent % n)
        while in_flight:
            yield self._answer(in_flight.popleft())
        for pipe in self.pipes:
            with suppress(OSError):  # a worker that died after its last answer: every result is in
                pipe.send(None)
        for process in self.processes:
            process.join(timeout=10)  # each returns at once; close() kills one that does not

    def _answer(self, k: int) -> Any:
        """The next answer of worker ``k``: its result, its exception raised here, or WorkerDied if it ended."""
        pipe, process = self.pipes[k], self.processes[k]
        if pipe in wait([pipe, process.sentinel]):
            try:
                ok, value = pipe.recv()
            except (EOFError, OSError):  # it died while answering
                ok, value = False, None
            if ok:
                return value
            if value is not None:
                raise value
        self._died(k)

    def _died(self, k: int) -> NoReturn:
        process = self.processes[k]
        process.join()
        raise WorkerDied(
            f"worker process {process.pid} ended (exit code {process.exitcode}) before it answered; "
            "what was written is kept: run the job again with --resume"
        )

    def close(self) -> None:
        """Kill the workers still running (none, after :meth:`results` ran to its end) and reap them all. A
        second Ctrl-C or SIGTERM must not cut this short: a worker left alive ignores both, and Python's exit
        would wait for it."""
        blocked = {signal.SIGINT, signal.SIGTERM}
        masked = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if masked else None
        try:
            for process in self.processes:
                if process.is_alive():
                    process.kill()
            for process in self.processes:
                process.join()
            for pipe in self.pipes:
                pipe.close()
        finally:
            if previous is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
