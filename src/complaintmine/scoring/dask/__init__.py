"""Scale-out scoring on Dask: classify a Dask DataFrame partition by partition, on a cluster.

One per-partition function, :func:`score_partition`, does the work for Dask's ``map_partitions`` and for Spark's
``mapInPandas`` alike. It scores rows with the function ``complaintmine classify`` uses for each chunk
(``batch.score_chunk``, which calls ``scoring.frame.score_rows``), so the output has exactly the CLI's columns and
values. Only the model's *path* travels with a task: each worker process loads the model the first time it needs
it, keeps it in a process-local cache (``distributed.cache``), and reuses it for every later partition.

Same results as the single-machine path: CSV/TSV files are read with the same parser (``readers``) over byte
ranges that end exactly where a record ends, so ragged rows and undecodable bytes become the same error rows
with the same line numbers; without an id column the ids are global 0-based row numbers, computed from the
partition lengths before scoring; output part files are written by the CLI's writer. A worker that dies mid-job
loses nothing: Dask recomputes its partitions, and each part file is written under a temporary name and renamed
into place, so a retried partition replaces its own file and every row appears exactly once.

Dask is an optional extra (``pip install complaintmine[dask]``). It is imported inside functions only, so
``import complaintmine`` never needs it, and neither does :func:`score_partition` (Spark executors call it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...io.writers import check_output_format, scoring_metadata
from .cache import cached_model, clear_model_cache, model_cache_info
from .common import INSTALL_HINT, DistributedError, import_distributed
from .inputs import DEFAULT_BLOCKSIZE, match_files, read_inputs
from .outputs import OUTPUT_FORMATS, check_output_dir, write_outputs
from .partition import classify_dask, output_meta, score_partition

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "INSTALL_HINT",
    "OUTPUT_FORMATS",
    "DistributedError",
    "RunSummary",
    "cached_model",
    "classify_dask",
    "clear_model_cache",
    "model_cache_info",
    "output_meta",
    "read_inputs",
    "run",
    "score_partition",
    "write_outputs",
]

_MIN_AUTO_BLOCK = 1 << 20
_MAX_AUTO_BLOCK = 64 << 20


@dataclass(frozen=True)
class RunSummary:
    """What a Dask scoring job did: rows written (and how many could not be scored), partitions, where to."""

    rows: int
    failed: int
    partitions: int
    output_dir: str
    files: tuple[str, ...]
    scheduler_address: str
    dashboard_link: str | None
    started_cluster: bool
    model_name: str
    model_version: str


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _auto_blocksize(files: Sequence[Path], slots: int) -> int:
    """About four partitions per worker thread, between 1 MiB and 64 MiB: a file of a few hundred megabytes
    still keeps every worker busy, and a huge one is cut into blocks a worker scores in well under a minute."""
    total = sum(path.stat().st_size for path in files)
    return min(_MAX_AUTO_BLOCK, max(_MIN_AUTO_BLOCK, total // (4 * max(slots, 1)) + 1))


def _installed_version() -> str:
    from ... import __version__

    return __version__


def _check_workers(client: Any, model_path: str | None) -> tuple[str, str]:
    """Fail before any work when workers run another complaintmine (results could differ), cannot import it, or
    cannot load the model; returns the model's name and version, loaded into one worker's cache."""
    from ... import __version__

    try:
        versions = client.run(_installed_version)
        name, version = client.submit(_model_identity, model_path, pure=False).result()
    except ImportError as exc:
        raise DistributedError(
            f"the Dask workers cannot import complaintmine ({exc}); "
            f"pip install 'complaintmine[dask]=={__version__}' on every worker"
        ) from None
    others = sorted({found for found in versions.values() if found != __version__})
    if others:
        raise DistributedError(
            f"the Dask workers run complaintmine {', '.join(others)}, this is {__version__}; install the same "
            "version everywhere so the results match"
        )
    return name, version


def _model_identity(model_path: str | None) -> tuple[str, str]:
    """Load the model into this worker's cache (a worker that cannot read it fails here, before any scoring)."""
    model = cached_model(model_path)
    return model.name, model.version


def run(
    input_pattern: str,
    output_dir: str | os.PathLike[str],
    model_path: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    fmt: str = "parquet",
    n_workers: int | None = None,
    *,
    blocksize: int | str | None = "auto",
    encoding: str | None = None,
    dashboard_address: str = ":8787",
    on_dashboard: Callable[[str], None] | None = None,
    bom: bool = False,
    raw_formulas: bool = False,
) -> RunSummary:
    """Classify files matching ``input_pattern`` on a Dask cluster and write partitioned output to ``output_dir``.

    With ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``) it uses that cluster: the workers must be
    able to read the input files and the model directory and write ``output_dir`` at the same paths (a shared
    file system). Without it, it starts a LocalCluster of worker processes, one single-threaded worker per
    usable CPU unless ``n_workers`` says otherwise (scoring is CPU-bound Python, so processes beat threads), and
    closes it at the end. ``on_dashboard`` is called with the dashboard address as soon as the cluster is up,
    so a caller can show it while the job runs. ``model_path`` None means the shipped default model, found by
    each worker in its own installation; a path is made absolute here, so relative paths name the same
    directory on every worker of a local cluster. ``blocksize="auto"`` aims at four partitions per worker
    thread, between 1 and 64 MiB each (see read_inputs for the others). ``bom``: CSV part files begin with a
    UTF-8 byte-order mark (``classify --bom``); InputError with Parquet. ``raw_formulas``: CSV part files keep
    cells that begin with =, +, -, @ as they are (``classify --raw-formulas``); by default they get an apostrophe.

    Inputs are checked (files, format, columns, output directory) before a local cluster starts.
    """
    distributed = import_distributed()
    model = None if model_path is None else os.path.abspath(model_path)
    target = check_output_dir(output_dir, fmt)
    check_output_format(str(output_dir), fmt, bom)
    files, _ = match_files(input_pattern)

    def inputs(slots: int) -> dd.DataFrame:
        size = _auto_blocksize(files, slots) if blocksize == "auto" else blocksize
        return read_inputs(input_pattern, text_column, size, id_column=id_column, encoding=encoding)

    ddf = inputs(n_workers or _usable_cpus()) if scheduler is None else None
    cluster: Any = None
    client: Any
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=n_workers or _usable_cpus(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=dashboard_address,
            )
            client = distributed.Client(cluster, set_as_default=False)
        else:
            client = distributed.Client(scheduler, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise DistributedError(f"cannot reach {where}: {exc}") from None
    try:
        link = client.dashboard_link if "dashboard" in client.scheduler_info().get("services", {}) else None
        if link and on_dashboard is not None:
            on_dashboard(link)
        if ddf is None:
            ddf = inputs(sum(client.nthreads().values()))
        name, version = _check_workers(client, model)
        # as_current, not dask.config.set(scheduler=client): the config is copied into every worker a nanny
        # (re)starts, and a Client in it cannot be pickled, so a dead worker could not be replaced.
        with client.as_current():
            scored = classify_dask(ddf, model, text_column, id_column, source=input_pattern)
            counts = write_outputs(
                scored, target, fmt, metadata=scoring_metadata(name, version), bom=bom, raw_formulas=raw_formulas
            )
        return RunSummary(
            rows=int(counts["rows"].sum()),
            failed=int(counts["failed"].sum()),
            partitions=len(counts),
            output_dir=str(target),
            files=tuple(str(f) for f in counts["file"]),
            scheduler_address=str(client.scheduler_info()["address"]),
            dashboard_link=link,
            started_cluster=cluster is not None,
            model_name=name,
            model_version=version,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
