"""Writing scored partitions as part files, each under a temporary name renamed into place."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from ...errors import STANDARD_OUTPUT, InputError, OutputError
from ...io.output_place import output_name, replaced_when_done
from ...io.rows import Rows
from ...io.writers import OutputWriter, check_output_format
from .common import import_dask_dataframe, string_dtype, task_errors

if TYPE_CHECKING:
    import dask.dataframe as dd

OUTPUT_FORMATS = ("parquet", "csv")


def _part_name(number: int, width: int, fmt: str) -> str:
    return f"part-{number:0{width}d}.{fmt}"


def _write_partition(
    frame: pd.DataFrame,
    out_dir: str,
    fmt: str,
    width: int,
    metadata: dict[str, str] | None = None,
    partition_info: dict[str, Any] | None = None,
    bom: bool = False,
    raw_formulas: bool = False,
) -> pd.DataFrame:
    """Write one scored partition to ``part-<number>.<fmt>`` with the CLI's writer; report its row counts.

    The file is written under a hidden name unique to this attempt and renamed into place, as write_table writes
    (``replaced_when_done``), so a reader never sees half a file and a retried partition (after a worker died)
    simply replaces its own file.
    """
    if partition_info is None:
        raise ValueError("_write_partition must run under map_partitions, which supplies partition_info")
    number = int(partition_info["number"])
    target = Path(out_dir) / _part_name(number, width, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = frame.reset_index(drop=True)
    writer: OutputWriter | None = None
    try:
        with replaced_when_done(str(target)) as temporary:
            writer = OutputWriter(temporary, fmt, fingerprint="", metadata=metadata, raw_formulas=raw_formulas, bom=bom)
            writer.write(Rows.from_pandas(plain))
            writer.finish()
    except BaseException:  # nor the writer's own files beside the temporary one: no resume here
        if writer is not None:
            writer.abandon()
            for leftover in (writer.partial, writer.state_path):
                with suppress(OSError):
                    leftover.unlink(missing_ok=True)
        raise
    failed = int((plain["error"] != "").sum())
    return pd.DataFrame({"partition": [number], "rows": [len(plain)], "failed": [failed], "file": [target.name]})


def _counts_meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partition": pd.Series([], dtype="int64"),
            "rows": pd.Series([], dtype="int64"),
            "failed": pd.Series([], dtype="int64"),
            "file": pd.Series([], dtype=string_dtype()),
        }
    )


def check_output_dir(out_dir: str | os.PathLike[str], fmt: str) -> Path:
    if fmt not in OUTPUT_FORMATS:
        raise InputError(
            str(out_dir), f"unknown output format {fmt!r}; the Dask engine writes {', '.join(OUTPUT_FORMATS)}"
        )
    if output_name(out_dir) == "-":  # /dev/stdout too
        raise InputError(STANDARD_OUTPUT, "the Dask engine writes a directory of part files; name one with --output")
    target = Path(out_dir)
    suffix = target.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "jsonl", "json", "parquet", "xlsx") and suffix != fmt:
        # -o out.csv would be a folder named out.csv full of Parquet files
        raise InputError(
            target,
            f"the Dask engine writes a folder of {fmt} part files, not a .{suffix} file; name a folder such as "
            f"{target.with_suffix('')}/" + (" and pass --output-format csv for CSV parts" if suffix == "csv" else ""),
        )
    if target.exists() and not target.is_dir():
        raise InputError(target, "exists and is not a directory; the Dask engine writes a directory of part files")
    if target.is_dir() and any(target.iterdir()):
        raise InputError(target, "output directory is not empty; choose a new or empty directory")
    # The folder is created when writing starts: the nearest existing folder above it must let us (issue #14).
    existing = next((folder for folder in (target, *target.absolute().parents) if folder.exists()), None)
    if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        raise OutputError(target, f"cannot create or write it: {existing} is not a writable folder")
    return target


def write_outputs(
    ddf: dd.DataFrame,
    out_dir: str | os.PathLike[str],
    fmt: str = "parquet",
    metadata: dict[str, str] | None = None,
    bom: bool = False,
    raw_formulas: bool = False,
) -> pd.DataFrame:
    """Compute ``ddf`` and write one ``part-NNNNN.<fmt>`` file per partition into ``out_dir`` (new or empty).

    Part numbers follow partition order, so reading the files in name order gives the rows in input order;
    each file is what ``complaintmine classify -o FILE.<fmt>`` writes for its rows (CSV parts each have a
    header, with ``bom`` after a byte-order mark, and cells that a spreadsheet would run as formulas
    neutralised unless ``raw_formulas``; Parquet parts carry ``metadata``, which model scored them, as
    ``classify`` does). Returns one row per partition: ``partition``, ``rows``, ``failed`` (rows with an error)
    and ``file``. Uses the current Dask scheduler.
    """
    import_dask_dataframe()
    target = check_output_dir(out_dir, fmt)
    check_output_format(str(out_dir), fmt, bom)  # here, not in every task
    target.mkdir(parents=True, exist_ok=True)
    frame: Any = ddf
    width = max(5, len(str(frame.npartitions - 1)))
    written = frame.map_partitions(
        _write_partition,
        str(target.resolve()),
        fmt,
        width,
        metadata=metadata,
        bom=bom,
        raw_formulas=raw_formulas,
        meta=_counts_meta(),
    )
    with task_errors():
        counts = cast(pd.DataFrame, written.compute())
    for leftover in target.glob(".part-*.tmp*"):  # from attempts on workers that died mid-write
        leftover.unlink(missing_ok=True)
    return counts.sort_values("partition").reset_index(drop=True)
