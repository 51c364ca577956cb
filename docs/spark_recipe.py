"""Score a Spark DataFrame with complaintmine: ``mapInPandas`` over the per-partition function the Dask engine uses.

    from spark_recipe import classify_spark

    scored = classify_spark(df, "/shared/models/complaintmine-zh-0.8.0", text_column="body", id_column="ticket_id")
    scored.write.parquet("/shared/scored/")

Every executor needs ``pip install complaintmine`` (the Dask extra is not needed) and the model directory, either
on storage all executors mount at the same path, or shipped with ``spark.sparkContext.addFile(model_dir,
recursive=True)`` and named with ``from_spark_files=True``. Each Python worker loads the model once, into
complaintmine's per-process cache, and reuses it for every batch it scores (Spark reuses Python workers by
default, ``spark.python.worker.reuse``).

Spark has no stable global row number, so the recipe needs an id column; ids are passed through as strings.
This module imports pyspark only for type checking and, with ``from_spark_files``, inside the function that runs
on the executor: it imports and type-checks without pyspark installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from complaintmine.distributed import output_meta, score_partition

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def spark_schema(id_column: str) -> str:
    """The output schema as a Spark DDL string: the id (string), labels, presale, p_<label> ..., error."""
    fields = []
    for name, dtype in output_meta(id_column, "string").dtypes.items():
        if name == id_column:
            kind = "string"
        elif pd.api.types.is_float_dtype(dtype):
            kind = "double"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "bigint"
        else:
            kind = "string"
        fields.append(f"`{name}` {kind}")
    return ", ".join(fields)


def score_batches(
    batches: Iterable[pd.DataFrame],
    model_path: str,
    text_column: str,
    id_column: str,
    from_spark_files: bool = False,
) -> Iterator[pd.DataFrame]:
    """What each Spark task runs: score every Arrow batch with this Python worker's cached model."""
    if from_spark_files:
        from pyspark import SparkFiles  # on the executor, where addFile put the model directory

        model_path = SparkFiles.get(model_path)
    for batch in batches:
        yield score_partition(batch, model_path, text_column, id_column).reset_index(drop=True)


def classify_spark(
    df: DataFrame,
    model_path: str,
    text_column: str = "text",
    id_column: str = "id",
    from_spark_files: bool = False,
) -> DataFrame:
    """Classify ``df[text_column]``; one output row per input row, with the columns of ``complaintmine classify``.

    ``model_path`` is a model directory every executor can read, or, with ``from_spark_files``, the name of a
    directory added with ``SparkContext.addFile``.
    """
    function = partial(
        score_batches,
        model_path=model_path,
        text_column=text_column,
        id_column=id_column,
        from_spark_files=from_spark_files,
    )
    selected = df.select(df[id_column].cast("string").alias(id_column), df[text_column])
    return selected.mapInPandas(function, schema=spark_schema(id_column))
