"""The one format of an error row's place (io/row_errors.py): written by the readers, read back by read_table,
classify and the Dask engine."""

from hypothesis import given
from hypothesis import strategies as st

from complaintmine.io.row_errors import NOT_TEXT, at, json_reason, shifted, where

reasons = st.text(min_size=1).filter(lambda r: where(r)[0] is None)  # a reason that does not itself name a line


@given(st.integers(1, 10**9), reasons, st.none() | st.integers(1, 10**6))
def test_where_reads_back_what_at_writes(line, reason, column):
    assert where(at(line, reason, column)) == (line, column, reason)


@given(st.integers(1, 10**6), reasons, st.none() | st.integers(1, 10**6), st.integers(0, 10**6))
def test_shifting_moves_the_line_alone(line, reason, column, offset):
    assert shifted(at(line, reason, column), offset) == at(line + offset, reason, column)


def test_the_written_form_and_messages_that_name_no_line():
    assert at(7, NOT_TEXT) == "line 7: bytes that are not valid text"
    assert at(2, "not valid JSON (Expecting value)", 10) == "line 2 column 10: not valid JSON (Expecting value)"
    for message in ("empty text", "lines 3 to 4: x", "line x: y", "line 5 is long"):
        assert where(message) == (None, None, message) and shifted(message, 3) == message


def test_a_json_message_that_expects_a_position_after_it_does_not_read_cut_off():
    """json says "Unterminated string starting at" and puts the position after it; in an error row the position
    is the "line N column C" before it, so the message ended in a dangling "at"."""
    assert json_reason("Unterminated string starting at") == "Unterminated string starting here"
    assert json_reason("Invalid control character at") == "Invalid control character here"
    assert json_reason("Expecting value") == "Expecting value"  # nothing expected after it: as it is
