"""Rows: the pandas-free chunk the readers, scoring and writers pass along."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintmine.io.rows import Rows, concat

CELLS = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.booleans())


def test_columns_keep_their_order_and_insert_goes_where_asked():
    rows = Rows({"id": ["a", "b"], "text": ["x", "y"]})
    rows["error"] = ["", ""]
    rows.insert(1, "kept", [1, 2])
    assert rows.columns == ["id", "kept", "text", "error"] and len(rows) == 2
    assert list(rows.tuples()) == [("a", 1, "x", ""), ("b", 2, "y", "")]
    assert rows.get("missing", "default") == "default" and "kept" in rows


def test_a_column_of_the_wrong_length_or_a_name_twice_is_refused():
    rows = Rows({"id": ["a", "b"]})
    with pytest.raises(ValueError, match="1 cells for 2 rows"):
        rows["text"] = ["x"]
    with pytest.raises(ValueError, match="already exists"):
        rows.insert(0, "id", ["c", "d"])


def test_names_that_are_one_name_as_text_are_refused():
    with pytest.raises(ValueError, match="'0' appears twice"):
        Rows.from_pandas(pd.DataFrame([[1, "a"]], columns=[0, "0"]))


def test_rows_without_columns_still_count_their_rows():
    rows = Rows(length=3)
    assert len(rows) == 3 and list(rows.tuples()) == [(), (), ()]
    assert len(Rows.from_pandas(pd.DataFrame(index=range(3)))) == 3


@given(st.lists(st.tuples(CELLS, CELLS), max_size=20))
@settings(max_examples=80, deadline=None)
def test_to_pandas_and_back_gives_the_same_cells(cells):
    rows = Rows({"a": [a for a, _ in cells], "b": [b for _, b in cells]}, len(cells))
    frame = rows.to_pandas()
    assert list(frame.dtypes) == [object, object]  # nothing inferred: an id column never turns float
    back = Rows.from_pandas(frame)
    assert back.columns == rows.columns and back["a"] == rows["a"] and back["b"] == rows["b"]


def test_from_pandas_gives_python_values_and_none_for_every_kind_of_missing():
    frame = pd.DataFrame(
        {
            "f": [0.5, np.nan],
            "i": pd.array([1, None], dtype="Int64"),
            "n": np.array([7, 8], dtype=np.int64),
            "s": pd.array(["x", None], dtype="string"),
        }
    )
    rows = Rows.from_pandas(frame)
    assert rows["f"] == [0.5, None] and rows["i"] == [1, None] and rows["s"] == ["x", None]
    assert rows["n"] == [7, 8] and type(rows["n"][0]) is int


def test_concat_keeps_row_order_and_fills_columns_a_chunk_lacks():
    first = Rows({"id": ["1"], "text": ["a"]})
    second = Rows({"id": ["2"], "text": ["b"], "extra": [math.pi]})
    both = concat([first, second])
    assert both.columns == ["id", "text", "extra"]
    assert both["id"] == ["1", "2"] and both["extra"] == [None, math.pi]
