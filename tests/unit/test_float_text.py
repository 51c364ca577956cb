"""float_text.py writes floats as repr does: on every value a scored file holds, and on any other float."""

import csv
import io

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from complaintmine.io.float_text import float_cells
from complaintmine.io.rows import Rows
from complaintmine.io.writers import format_csv


def _reference(values):
    return ["" if v != v else repr(v) for v in values]


def test_every_probability_rounded_to_six_decimals_is_written_as_repr():
    values = np.round(np.arange(1_000_001) / 1e6, 6).tolist()  # each k / 10^6 as scoring/frame.py rounds it
    assert float_cells(values) == _reference(values)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.integers(0, 10**6).map(lambda k: k / 1e6)))
@settings(max_examples=300, deadline=None)
@example([0.0, -0.0, 1.0, 1e-06, 5e-05, 0.0001, 0.000999, 0.5, 1.000001, 1e-07, 2.5e-06, float("nan"), -0.25])
@example([])
def test_any_float_is_written_as_repr_and_nan_as_an_empty_cell(values):
    assert float_cells(values) == _reference(values)


def test_a_csv_of_probabilities_is_what_csv_writes_for_the_floats():
    rng = np.random.default_rng(0)
    probabilities = [*np.round(rng.random(500) ** 6, 6).tolist(), float("nan"), 1.0, 0.0]
    ids = [f"r{i}" for i in range(len(probabilities))]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "p"])
    writer.writerows([i, "" if p != p else p] for i, p in zip(ids, probabilities))
    assert format_csv(Rows({"id": ids, "p": probabilities}), ",", header=True) == buffer.getvalue()
