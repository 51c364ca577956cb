"""What every part of the Dask engine shares: its error, the lazy imports of Dask itself, the string dtype."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from ...errors import ComplaintMineError

INSTALL_HINT = "pip install 'complaintmine[dask]'"


class DistributedError(ComplaintMineError):
    """Dask is not installed, the cluster cannot be reached, or workers kept dying on a partition."""

    exit_code = 6


def import_dask_dataframe() -> Any:
    """``dask.dataframe``, or a DistributedError with an install hint when the dask extra is missing.

    Typed ``Any`` on purpose, like every Dask object inside this package: Dask's DataFrame methods carry no
    annotations, so mypy --strict would reject each call into them. Public signatures still name the types.
    """
    try:
        import dask.dataframe
        import distributed  # noqa: F401
    except ImportError as exc:
        raise DistributedError(
            f"the Dask engine needs the optional dask extra ({exc.name or exc} is missing): {INSTALL_HINT}"
        ) from None
    return dask.dataframe


def import_distributed() -> Any:
    """``distributed`` (Client, LocalCluster, KilledWorker), typed ``Any`` like the rest of Dask here."""
    import_dask_dataframe()
    import distributed

    return distributed


def string_dtype() -> Any:
    """The dtype pandas gives a column of Python strings (``str`` from pandas 3, ``object`` before), which is what
    the scorer's ``labels`` and ``error`` columns have."""
    return pd.Series([""]).dtype


@contextmanager
def task_errors() -> Iterator[None]:
    """Turn workers that kept dying into a DistributedError on the client (complaintmine's own errors raised in a
    task arrive as themselves: they pickle whole, errors.py)."""
    killed_worker = import_distributed().KilledWorker
    try:
        yield
    except killed_worker as exc:
        raise DistributedError(
            f"workers kept dying while running a task ({exc}); they may be running out of memory: "
            "use fewer threads per worker, more memory per worker, or a smaller blocksize"
        ) from None
