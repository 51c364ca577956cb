"""SIGTERM during a batch job: stop cleanly, as for Ctrl-C, instead of dying between two writes.

Without a handler SIGTERM ends the parent at once: the progress record is up to a second old, and the worker
processes, writing results into a pipe nobody reads any more, die with BrokenPipeError tracebacks. With
:class:`StopOnTerm` the signal raises :class:`~complaintmine.errors.JobStopped` in the parent, but never in
the middle of writing a chunk (it waits for the chunk to be written whole), so the job abandons its output
as an interrupted job does (kept for ``--resume``).

Workers ignore SIGINT and SIGTERM: stopping the job is the parent's business. ``timeout``, systemd and a
terminal's Ctrl-C signal the whole process group; the parent stops as above and kills its workers, which share
no lock with it or with each other (scoring/workers.py), so nothing can be left waiting.

The handler is installed only for the job's duration and only from the main thread (the only one that can).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from ..errors import JobStopped


class StopOnTerm:
    """Context manager: SIGTERM raises JobStopped, deferred while inside :meth:`writing`."""

    def __init__(self, output: str):
        self.output = output
        self._previous: Any = None
        self._installed = False
        self._writing = 0
        self._pending = False

    def __enter__(self) -> StopOnTerm:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._on_term)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGTERM, self._previous)
            self._installed = False

    def _stop(self) -> JobStopped:
        where = "" if self.output == "-" else "; what was written is kept: run it again with --resume"
        return JobStopped(f"stopped by SIGTERM{where}")

    def _on_term(self, signum: int, frame: FrameType | None) -> None:
        if self._writing:
            self._pending = True
            return
        raise self._stop()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A stretch (writing one chunk and its progress) that SIGTERM must not cut in half."""
        self._writing += 1
        try:
            yield
        finally:
            self._writing -= 1
        if self._pending and not self._writing:
            self._pending = False
            raise self._stop()


def quiet_worker_signals() -> None:
    """In a worker process: Ctrl-C and SIGTERM are the parent's business (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
