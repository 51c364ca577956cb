"""Checks on where output goes, made before any scoring: a job must not run for an hour and then find that it
cannot write, and it must never write over its own input.

Each failure is an :class:`~complaintmine.errors.OutputError` naming the output; :func:`write_failure` turns
an ``OSError`` met while writing (a full disk, ``/dev/full``, a closed pipe) into one as well. A whole file
written at once goes to a temporary file beside it first (:func:`replaced_when_done`), built on the two steps
every such write in the package shares (:func:`open_file_beside`, or :func:`new_file_beside` for writers that
take a name; :func:`moved_onto`). It and the batch writer (io/writers.py) both write the file a link names
(:func:`written_file`) and keep an existing file's mode (:func:`keep_mode`).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError

# What the system calls this process's standard output: as an output name, the same as "-".
STANDARD_OUTPUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def output_name(output: str | os.PathLike[str]) -> str:
    """``output`` as a job writes it: ``-`` for standard output under any of its names (:data:`STANDARD_OUTPUT_NAMES`),
    else the name as given. Written as a file, ``/dev/stdout`` got a temporary file beside the file standard output
    was redirected to, renamed onto it (``-o /dev/stdout >> log`` replaced the log instead of appending to it), and
    was refused on a pipe or terminal; ``-`` writes to the stream as the shell set it up. An absolute name is
    normalised first (``/dev//stdout``); ``./-`` is a file named ``-``, as it is to other tools."""
    name = os.fspath(output)
    spelled = os.path.normpath(name) if os.path.isabs(name) else name  # /dev//stdout too; ./- stays a file
    return "-" if spelled in STANDARD_OUTPUT_NAMES else name


def _same_file(a: Path | str, b: Path | str) -> bool:
    """Whether ``a`` and ``b`` are one file; ``-`` as ``a`` is standard input, as ``b`` standard output, each
    counted only where it is redirected to or from a regular file."""
    try:
        first = os.fstat(0) if a == "-" else os.stat(a)
        second = os.fstat(1) if b == "-" else os.stat(b)
        regular = stat.S_ISREG(first.st_mode) and stat.S_ISREG(second.st_mode)
        return (regular or (a != "-" and b != "-")) and os.path.samestat(first, second)
    except OSError:
        return False


def written_file(output: str) -> Path:
    """The file that writing ``output`` replaces: ``output`` with every link on the way followed (to where the file
    will be, for a link to a file not made yet), so that a link stays a link and the file it points at is written.
    The name as given where no link is on the way, so that messages name what was typed."""
    real = os.path.realpath(output)
    return Path(output) if real == os.path.abspath(output) else Path(real)


def keep_mode(temporary: Path, target: Path) -> None:
    """Give ``temporary``, about to be moved onto ``target``, the mode bits of ``target`` if it is there: the
    new file replaces it, and who may read or write the output stays as its owner set it."""
    with suppress(FileNotFoundError):
        os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))


def companion_files(output: str) -> tuple[Path, Path]:
    """The files a job writes beside ``output`` while it runs: ``OUTPUT.partial`` (the rows so far, renamed to
    ``OUTPUT`` when the job is complete) and ``OUTPUT.progress.json`` (what ``--resume`` reads; removed at the end).
    Beside the file a link names (:func:`written_file`): on its file system, where the rename is atomic, and found
    again by a ``--resume`` given the same name."""
    target = written_file(output)
    return Path(f"{target}.partial"), Path(f"{target}.progress.json")


def check_not_an_input(output: str, inputs: Iterable[str], option: str = "-o") -> None:
    """Raise OutputError where writing ``output`` (``-`` for standard output) would replace one of ``inputs``, or
    grow it through a redirect (``>> INPUT``), or where a file the job writes beside it (:func:`companion_files`)
    is one: the job would read back as it writes, or delete, its own input. ``option``: the command's name for
    the output, which the message asks for another of."""
    for name in inputs:
        shown = "the file on standard input" if name == "-" else f"the input file {name}"
        if output == "-":  # ... >> INPUT: the job would read back what it writes, and grow the input forever
            if _same_file(name, "-"):
                why = f"is redirected to {shown}; writing it would grow the input. Pass another {option}"
                raise OutputError(output, why)
            continue
        if _same_file(name, written_file(output)):
            raise OutputError(output, f"is {shown}; writing it would replace the input. Pass another {option}")
        for companion, role in zip(companion_files(output), ("its rows while it runs", "its --resume progress")):
            if _same_file(name, companion):
                raise OutputError(
                    output,
                    f"the job would write {role} to {companion}, which is {shown}. Rename the input or pass another -o",
                )


def check_output_place(output: str, inputs: Iterable[str] = ()) -> None:
    """Raise OutputError unless ``output`` (``-`` for standard output) can be written and is none of ``inputs``
    (:func:`check_not_an_input`). The folder of ``output`` must be writable (of the file a link there points at:
    the job writes in that one)."""
    if output == "-" and sys.stdout is None:
        raise OutputError(output, "standard output is closed; pass -o FILE")
    check_not_an_input(output, inputs)
    if output == "-":
        return
    target = written_file(output)  # a link's folder may take files where the one it points into does not
    named = Path(output)  # told by the name, links followed: /dev/stdout on a pipe resolves to no path at all
    if named.is_dir():
        raise OutputError(output, "is a directory; pass a file name with -o")
    if named.exists() and not named.is_file():
        # The job writes OUTPUT.partial and renames it over OUTPUT: that would replace a device node or FIFO.
        raise OutputError(output, "is not a regular file (a device, FIFO or socket); write to standard output instead")
    folder = target.parent
    if not folder.exists():
        raise OutputError(output, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(output, f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(output, f"cannot write in {folder} (permission denied)")
    if named.exists() and not os.access(named, os.W_OK):
        raise OutputError(output, "exists and is read-only")


def open_file_beside(target: Path, mode: int = 0o666) -> tuple[Path, BinaryIO]:
    """Create an empty hidden file beside ``target``, under a name unique to this call, and return its path and
    the file, open for writing (binary): where all of ``target`` is written before :func:`moved_onto` puts it
    under its name (a rename is atomic only within one file system, so beside it, not in a temporary folder).
    ``mode`` is the new file's from the start, less the umask, as ``open`` makes a file: 0o600 keeps it private
    before a byte is written. Made exclusively (``O_CREAT | O_EXCL``, and ``O_NOFOLLOW`` where the system has
    it): never an existing file, nor one a link planted under the name points at. Write through the file
    returned, not by the name: in a folder without the sticky bit another user may put their own file under the
    name once it is made. OSError when the folder takes no new file (read-only, full, a name too long)."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, mode)
    try:
        return temporary, os.fdopen(descriptor, "wb")
    except BaseException:
        os.close(descriptor)
        with suppress(OSError):
            temporary.unlink()
        raise


def new_file_beside(target: Path, mode: int = 0o666) -> Path:
    """:func:`open_file_beside`'s file, closed, for writers that take a name (pandas' Excel and Parquet writers,
    under :func:`replaced_when_done`): they open it again by name, so this is for an output's folder, which the
    user chose, not for a shared one (the tokenizer's cache writes through the open file)."""
    temporary, handle = open_file_beside(target, mode)
    handle.close()
    return temporary


@contextmanager
def moved_onto(temporary: Path, target: Path) -> Iterator[None]:
    """Move ``temporary`` onto ``target`` (``os.replace``: a reader sees the old file or the new one, never half
    of it) when the block ends without an error; remove it when the block or the move raises, and pass that
    error on (Ctrl-C too). ``target`` itself is replaced: a link there becomes the file, the file it pointed at
    is untouched (:func:`replaced_when_done` and the batch writer resolve links first, :func:`written_file`, to
    write through them)."""
    try:
        yield
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):  # the error that stopped the writing is the one to report
            temporary.unlink(missing_ok=True)
        raise


@contextmanager
def replaced_when_done(output: str) -> Iterator[str]:
    """A temporary file beside ``output`` to write all of it to, moved onto ``output`` (``os.replace``) when the
    block ends without an error and removed when it raises: ``output`` is left as it was, or complete. An
    existing file keeps its mode bits (not its owner, group, ACLs or other hard links: it is a new file); a link
    keeps pointing at the new file. Written in place instead: anything but a regular file (``/dev/null``, a FIFO,
    ``/dev/stdout`` on a pipe: a rename would replace the node itself), and a target whose folder takes no new
    file (a writable file in a read-only folder, a name too long for a temporary one). OSErrors pass through (see
    :func:`write_failure`)."""
    try:
        regular = stat.S_ISREG(os.stat(output).st_mode)  # follows links: /dev/stdout -> a pipe is not regular
    except OSError:
        regular = True  # not there yet (or not reachable): a new file, whose own errors writing will report
    target = written_file(output)
    temporary = None
    if regular:
        with suppress(OSError):
            temporary = new_file_beside(target)  # as an open() would create it: the umask applies
    if temporary is None:
        yield output
        return
    with moved_onto(temporary, target):
        keep_mode(temporary, target)
        yield str(temporary)


def write_failure(output: str, exc: OSError, resumable: bool = False) -> OutputError:
    """The OutputError for an OSError met while writing ``output``. ``resumable``: the writer of a batch job,
    whose rows so far stay for ``--resume``; a whole file written at once (a table, a labelling sheet) is not
    (advising --resume there sent users to an option those commands lack)."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
        if output != "-":
            reason += "; free some and run again" + (" with --resume (CSV, TSV and JSONL output)" if resumable else "")
    elif isinstance(exc, BrokenPipeError):
        reason = "the reader went away (broken pipe)"
    else:
        reason = f"cannot write: {exc.strerror or exc}"
    return OutputError(output, reason)
