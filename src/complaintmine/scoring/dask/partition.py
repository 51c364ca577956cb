"""Scoring one partition, the unit of work Dask's ``map_partitions`` and Spark's ``mapInPandas`` call."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ...errors import MissingColumnError
from ...io.readers import ERROR, LINE
from ...io.rows import Rows
from ..batch import JobOptions, score_chunk
from ..frame import OUTPUT_COLUMNS, PROBABILITY_COLUMNS, frame_of, output_id_name
from .cache import cached_model
from .common import import_dask_dataframe, string_dtype, task_errors

if TYPE_CHECKING:
    import dask.dataframe as dd


def _output_id_dtype(input_dtype: Any) -> Any:
    """String ids stay strings; anything else stays object, where a row without an id (or one that could not be
    read) holds a missing value: an empty CSV cell, null in Parquet and JSONL."""
    return string_dtype() if pd.api.types.is_string_dtype(input_dtype) else np.dtype(object)


def output_meta(id_column: str | None = None, id_dtype: Any = None) -> pd.DataFrame:
    """An empty frame with exactly the columns and dtypes that :func:`score_partition` returns.

    ``id_dtype`` is the dtype of the input's id column (ignored without one: ``row`` is int64). Dask needs this
    as ``meta`` (it would otherwise call the function on fake data, loading the model on the client); Spark
    users can derive their output schema from it.
    """
    text = string_dtype()
    first = pd.Series([], dtype=_output_id_dtype(id_dtype) if id_column else "int64")
    columns: dict[str, pd.Series] = {output_id_name(id_column) if id_column else "row": first}
    for name in OUTPUT_COLUMNS:
        if name == "presale":
            columns[name] = pd.Series([], dtype="Int64")
        elif name in PROBABILITY_COLUMNS:
            columns[name] = pd.Series([], dtype="float64")
        else:
            columns[name] = pd.Series([], dtype=text)
    return pd.DataFrame(columns)


def score_partition(
    frame: pd.DataFrame,
    model_path: str | None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    row_offset: int | None = None,
) -> pd.DataFrame:
    """Classify one partition: the rows ``complaintmine classify`` writes for these input rows, indexed like
    ``frame``.

    The model comes from the per-process cache, so calling this for every partition loads it once per process
    (``model_path`` None: the shipped default model).
    Several text columns (title and body) are joined as the CLI joins them. Without ``id_column`` the ids are
    the row numbers within ``frame`` plus ``row_offset`` (pass the number of rows before this partition to get
    the input's global 0-based row numbers); with it, ``row_offset`` is unused. A ``__error__`` column (from the
    readers) marks rows that could not be read. The result has :func:`output_meta`'s dtypes even when empty.
    """
    texts = (text_column,) if isinstance(text_column, str) else tuple(text_column)
    options = JobOptions(input="<partition>", model_dir=str(model_path or ""), text_columns=texts, id_column=id_column)
    needed = [c for c in [*texts, *([id_column] if id_column else []), ERROR, LINE] if c in frame.columns]
    scored = frame_of(
        score_chunk(cached_model(model_path), options, Rows.from_pandas(frame[needed]), row_offset or 0), id_column
    )
    scored.index = frame.index
    meta = output_meta(id_column, frame[id_column].dtype if id_column and id_column in frame else None)
    return scored.astype(meta.dtypes.to_dict())


def _score_at_offset(
    frame: pd.DataFrame, offset: pd.DataFrame, model_path: str | None, text_column: str | Sequence[str]
) -> pd.DataFrame:
    """score_partition with the offset taken from the matching one-row partition of the offsets collection."""
    return score_partition(frame, model_path, text_column, None, int(offset["offset"].iloc[0]))


def _offset_frame(offset: int) -> pd.DataFrame:
    return pd.DataFrame({"offset": [offset]}, dtype="int64")


def classify_dask(
    ddf: dd.DataFrame,
    model_path: str | os.PathLike[str] | None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    *,
    source: str = "<dask dataframe>",
) -> dd.DataFrame:
    """Classify a Dask DataFrame lazily with ``map_partitions`` and an explicit meta; returns a Dask DataFrame.

    Without ``id_column`` this first computes the partition lengths (one pass over the input, with the current
    Dask scheduler) so that each partition's ids continue where the previous partition's ended. The offsets
    travel as a one-row-per-partition collection aligned with ``ddf``, so each task carries one number, not the
    whole list. Raises MissingColumnError (naming ``source``) before any work when a column is absent.
    """
    dask_dataframe = import_dask_dataframe()
    frame: Any = ddf
    available = [str(c) for c in frame.columns if c not in (LINE, ERROR)]
    texts = [text_column] if isinstance(text_column, str) else list(text_column)
    for column in [*texts, id_column] if id_column else texts:
        if column not in available:
            raise MissingColumnError(source, column, available)
    path = None if model_path is None else os.fspath(model_path)
    if id_column is not None:
        meta = output_meta(id_column, frame.dtypes[id_column])
        return cast("dd.DataFrame", frame.map_partitions(score_partition, path, text_column, id_column, meta=meta))
    with task_errors():
        lengths = [int(n) for n in frame.map_partitions(len).compute()]
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int).tolist()
    offset_parts = dask_dataframe.from_map(_offset_frame, offsets, meta=_offset_frame(0).iloc[:0], label="row-offsets")
    scored = frame.map_partitions(
        _score_at_offset, offset_parts, path, text_column, meta=output_meta(None), align_dataframes=False
    )
    return cast("dd.DataFrame", scored)
