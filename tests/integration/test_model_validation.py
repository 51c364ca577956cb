"""Malformed model directories whose hashes are all consistent: each is refused with one ModelError, in time.

Every case copies the frozen tiny model, damages one thing, then rewrites the manifest's hashes so that only
the damage itself can be caught (a tampered file with a stale hash is refused by the hash check, tested in
test_artifact.py). Nothing here may hang, allocate gigabytes or be accepted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import complaintmine as cm
from complaintmine.errors import ModelError
from complaintmine.model.artifact import LEXICON, MANIFEST, SCORER, ModelVersionWarning

from ..conftest import DATA, entry_point

FROZEN = DATA / "models" / "frozen-tiny-0.1.0"


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block takes longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load(path: Path) -> cm.Model:
    with warnings.catch_warnings(), deadline(20):
        warnings.simplefilter("ignore", ModelVersionWarning)
        return cm.load_model(path)


def manifest_of(directory: Path) -> dict:
    return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))


def rehash(directory: Path, manifest: dict | None = None) -> None:
    """Write ``manifest`` (or the current one) with every listed file's hash recomputed."""
    manifest = manifest if manifest is not None else manifest_of(directory)
    for name in manifest.get("files", {}):
        path = directory / name
        if path.is_file():
            manifest["files"][name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def model(tmp_path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(FROZEN, target)
    return target


def arrays_of(directory: Path) -> dict[str, np.ndarray]:
    with np.load(directory / SCORER, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def write_arrays(directory: Path, arrays: dict[str, np.ndarray]) -> None:
    np.savez(directory / SCORER, allow_pickle=False, **arrays)
    rehash(directory)


def test_the_undamaged_copy_loads(model):
    assert load(model).name == "frozen-tiny"


def edit_manifest(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(directory: Path) -> None:
        manifest = manifest_of(directory)
        change(manifest)
        rehash(directory, manifest)

    return damage


def edit_arrays(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(directory: Path) -> None:
        arrays = arrays_of(directory)
        change(arrays)
        write_arrays(directory, arrays)

    return damage


def set_both_thresholds(value: float) -> Callable[[Path], None]:
    def damage(directory: Path) -> None:
        manifest = manifest_of(directory)
        manifest["thresholds"]["price_hike"] = value
        arrays = arrays_of(directory)
        arrays["thresholds"][0] = value
        np.savez(directory / SCORER, allow_pickle=False, **arrays)
        rehash(directory, manifest)

    return damage


def raw_manifest(text: str) -> Callable[[Path], None]:
    def damage(directory: Path) -> None:
        (directory / MANIFEST).write_text(text, encoding="utf-8")

    return damage


def huge_npy_header(directory: Path) -> None:
    """A member whose .npy header claims 10^12 float64s while holding 48 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(directory / SCORER) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "intercept.npy":
                header = np.lib.format.header_data_from_array_1_0(np.zeros(6))
                header["shape"] = (10**12,)
                head = io.BytesIO()
                np.lib.format.write_array_header_1_0(head, header)
                data = head.getvalue() + np.zeros(6).tobytes()
            target.writestr(info.filename, data)
    (directory / SCORER).write_bytes(buffer.getvalue())
    rehash(directory)


def npz_bomb(directory: Path) -> None:
    """A few hundred kilobytes that would expand to 256 MB (the same trick scales to gigabytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(directory / SCORER) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with target.open("padding.npy", "w") as member:
            block = bytes(1 << 20)
            for _ in range(256):
                member.write(block)
    (directory / SCORER).write_bytes(buffer.getvalue())
    rehash(directory)


def object_array(directory: Path) -> None:
    """A pickled object array inside the npz (np.load with allow_pickle=False refuses it too; so must we)."""
    arrays = arrays_of(directory)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.save(member, np.array([{"x": 1}] * 6, dtype=object) if name == "constant" else array, allow_pickle=True)
            target.writestr(f"{name}.npy", member.getvalue())
    (directory / SCORER).write_bytes(buffer.getvalue())
    rehash(directory)


def lexicon_frequency(frequency: str) -> Callable[[Path], None]:
    def damage(directory: Path) -> None:
        with open(directory / LEXICON, "a", encoding="utf-8") as handle:
            handle.write(f"尾款涨价 {frequency} n\n")
        manifest = manifest_of(directory)
        manifest["tokenizer"]["lexicon_sha256"] = hashlib.sha256((directory / LEXICON).read_bytes()).hexdigest()
        rehash(directory, manifest)

    return damage


def lexicon_to_dev_zero(directory: Path) -> None:
    (directory / LEXICON).unlink()
    os.symlink("/dev/zero", directory / LEXICON)


def manifest_as_fifo(directory: Path) -> None:
    (directory / MANIFEST).unlink()
    os.mkfifo(directory / MANIFEST)


def scorer_as_fifo(directory: Path) -> None:
    (directory / SCORER).unlink()
    os.mkfifo(directory / SCORER)


def drop(key: str) -> Callable[[dict], None]:
    return lambda manifest: manifest.pop(key)


CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("missing thresholds", edit_manifest(drop("thresholds")), "thresholds: missing"),
    ("missing files", edit_manifest(drop("files")), "files: missing"),
    ("missing tokenizer", edit_manifest(drop("tokenizer")), "tokenizer: missing"),
    (
        "thresholds as a list",
        edit_manifest(lambda m: m.update(thresholds=[0.5] * 6)),
        "thresholds: must be an object",
    ),
    (
        "a threshold as a string",
        edit_manifest(lambda m: m["thresholds"].update(presale="0.5")),
        "thresholds.presale: must be a number",
    ),
    ("five thresholds", edit_manifest(lambda m: m["thresholds"].pop("presale")), "one value for each"),
    ("hmm as a string", edit_manifest(lambda m: m["tokenizer"].update(hmm="yes")), "tokenizer.hmm"),
    (
        "a lexicon elsewhere",
        edit_manifest(lambda m: m["tokenizer"].update(lexicon="../../etc/passwd")),
        "tokenizer.lexicon",
    ),
    ("a name as a number", edit_manifest(lambda m: m.update(name=5)), "name: must be a string"),
    (
        "an n-gram range of a million",
        edit_manifest(lambda m: m["classifier_params"].update(char_ngram_range=[1, 10**6])),
        "char_ngram_range",
    ),
    ("unknown feature kind", edit_manifest(lambda m: m["classifier_params"].update(features="all")), "features"),
    ("an unknown file", edit_manifest(lambda m: m["files"].update({"run.py": "0" * 64})), "unknown file"),
    ("the manifest is a list", raw_manifest("[1, 2, 3]"), "not a complaintmine model manifest"),
    ("deeply nested JSON", raw_manifest('{"x": ' + "[" * 200_000 + "]" * 200_000 + "}"), "nested too deeply"),
    ("a 5000-digit number", raw_manifest('{"format": "complaintmine-model", "x": ' + "9" * 5000 + "}"), "manifest"),
    ("NaN in the manifest", edit_manifest(lambda m: m["thresholds"].update(presale=float("nan"))), "manifest"),
    ("a negative threshold", set_both_thresholds(-0.5), "from 0 to 1"),
    ("a threshold above one", set_both_thresholds(1.5), "from 0 to 1"),
    (
        "array thresholds differ from the manifest",
        edit_arrays(lambda a: a["thresholds"].__setitem__(0, 0.9)),
        "differ from the manifest",
    ),
    (
        "wrong number of array thresholds",
        edit_arrays(lambda a: a.update(thresholds=np.full(5, 0.5))),
        "thresholds has shape",
    ),
    ("NaN coefficients", edit_arrays(lambda a: a["char_coef"].__setitem__((0, 0), np.nan)), "NaN"),
    ("infinite idf", edit_arrays(lambda a: a["word_idf"].__setitem__(0, np.inf)), "NaN or infinite"),
    (
        "a feature index past the table",
        edit_arrays(lambda a: a["char_values"].__setitem__(0, len(a["char_idf"]))),
        "indices outside",
    ),
    ("a negative feature index", edit_arrays(lambda a: a["word_features"].__setitem__(0, -1)), "indices outside"),
    (
        "a bigram pointing past the table",
        edit_arrays(lambda a: a["bigram_values"].__setitem__(0, 10**6)),
        "indices outside",
    ),
    ("coefficients of the wrong shape", edit_arrays(lambda a: a.update(word_coef=a["word_coef"][:, :5])), "word_coef"),
    ("a missing array", edit_arrays(lambda a: a.pop("intercept")), "intercept is missing"),
    ("a .npy header claiming a huge shape", huge_npy_header, "header claims"),
    ("a small npz that expands hugely", npz_bomb, "expand"),
    ("an object array", object_array, "not allowed"),
    ("a 40-digit lexicon frequency", lexicon_frequency("9" * 40), "frequency"),
    ("a lexicon linked to /dev/zero", lexicon_to_dev_zero, "character device"),
    ("model.json as a FIFO", manifest_as_fifo, "FIFO"),
    ("scorer.npz as a FIFO", scorer_as_fifo, "FIFO"),
]


@pytest.mark.parametrize(("damage", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_malformed_model_is_refused_with_one_clear_error(model, damage, expected):
    damage(model)
    with pytest.raises(ModelError) as raised:
        load(model)
    message = str(raised.value)
    assert expected in message, message
    assert "\n" not in message and len(message) < 1000


def test_the_cli_reports_a_fifo_manifest_in_one_line_without_hanging(model, tmp_path):
    manifest_as_fifo(model)
    source = tmp_path / "in.csv"
    source.write_text("text\n尾款涨价\n", encoding="utf-8")
    result = subprocess.run(
        [*entry_point(), "classify", str(source), "--model", str(model)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == ModelError.exit_code
    assert result.stderr.count("\n") == 1 and "FIFO" in result.stderr and "Traceback" not in result.stderr


def test_the_lexicon_is_read_once(model, monkeypatch):
    """The bytes whose hash was checked are the bytes the tokenizer uses: no second read to race."""
    from complaintmine.model import validate

    reads: list[str] = []
    real = validate.read_regular
    monkeypatch.setattr(
        "complaintmine.model.artifact.read_regular", lambda path, limit=None: reads.append(path.name) or real(path)
    )
    opened: list[str] = []
    original_read_text = Path.read_text

    def spy(self, *args, **kwargs):
        opened.append(self.name)
        return original_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy)
    load(model)
    assert reads.count(LEXICON) == 1 and LEXICON not in opened


# -- models that declare their arrays (written by this version) -----------------------------------------------


@pytest.fixture
def declared(tiny_model, tmp_path) -> Path:
    target = tmp_path / "declared"
    shutil.copytree(tiny_model, target)
    return target


def test_a_new_model_declares_its_arrays_and_loads(declared):
    arrays = manifest_of(declared)["arrays"]
    assert arrays["thresholds"] == {"shape": [6], "dtype": "<f8"}
    assert load(declared).scorer is not None


def test_an_array_other_than_declared_is_refused_before_its_data_is_read(declared):
    arrays = arrays_of(declared)
    arrays["char_idf"] = arrays["char_idf"][:-1]  # consistent with nothing, but the header is what is checked first
    write_arrays(declared, arrays)
    with pytest.raises(ModelError, match="the manifest declares"):
        load(declared)


def test_an_array_the_manifest_does_not_declare_is_refused(declared):
    manifest = manifest_of(declared)
    del manifest["arrays"]["intercept"]
    rehash(declared, manifest)
    with pytest.raises(ModelError, match="not among those the manifest declares"):
        load(declared)


@pytest.mark.parametrize("arrays", [[1, 2], {"thresholds": {"shape": "6", "dtype": "<f8"}}, {"x": {}}])
def test_a_malformed_array_declaration_is_refused(declared, arrays):
    manifest = manifest_of(declared)
    manifest["arrays"] = arrays
    rehash(declared, manifest)
    with pytest.raises(ModelError, match="arrays must map names to shape and dtype"):
        load(declared)
