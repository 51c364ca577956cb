"""Errors cross process boundaries (local workers send them through a pipe): each pickles as itself."""

from __future__ import annotations

import pickle

import pytest

import complaintmine as cm
from complaintmine.errors import JobStopped, ModelError, OutputError, TrainingError

ERRORS = [
    cm.InputError("in.csv", "not valid text", line=3, column=7),
    cm.InputError("in.csv", "not valid text", line=3, encoding_hint="for example gb18030"),
    cm.MissingColumnError("in.csv", "txt", ["id", "text"]),
    OutputError("out.csv", "its folder does not exist"),
    cm.CorpusError("a.csv:3: unknown label", path="a.csv", line=3),
    cm.CorpusError("no rows"),
    ModelError("model: damaged"),
    TrainingError("no positive example"),
    JobStopped("stopped"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle_as_themselves(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.__dict__ == error.__dict__
    assert back.exit_code == error.exit_code


def test_input_error_keeps_its_place_through_pickling():
    back = pickle.loads(pickle.dumps(cm.InputError("in.csv", "bad quote", line=3, column=7)))
    assert (back.path, back.line, back.column, back.reason) == ("in.csv", 3, 7, "bad quote")
    assert str(back) == "in.csv:3:7: bad quote"
    missing = pickle.loads(pickle.dumps(cm.MissingColumnError("in.csv", "Text", ["id", "text"])))
    assert missing.column_name == "Text" and "Did you mean 'text'?" in str(missing)


def test_advice_to_name_the_encoding_is_kept_apart_from_the_problem():
    error = cm.InputError("in.csv", "bytes that are not valid text", line=3, encoding_hint="for example gb18030")
    assert str(error) == "in.csv:3: bytes that are not valid text; name the file's encoding (for example gb18030)"
    assert error.reason == "bytes that are not valid text"
    assert error.advised("pass --encoding (for example gb18030)") == (
        "in.csv:3: bytes that are not valid text; pass --encoding (for example gb18030)"
    )
    assert str(cm.InputError("in.csv", "bad quote", line=3, column=7)) == "in.csv:3:7: bad quote"
