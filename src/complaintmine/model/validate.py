"""Checks on a model directory before anything in it is used: files, manifest schema, arrays and lexicon.

The hashes in ``model.json`` prove that the files are the ones the manifest names, not that the manifest is
sane: a directory with consistent hashes can still hold a manifest with missing keys or wrong types, a wrong
number of thresholds, NaN coefficients, feature indices beyond the coefficient table, a ``.npy`` header that
claims a huge shape, a small ``.npz`` that expands to gigabytes, a 40-digit lexicon frequency, or a "file"
that is a FIFO (reading it hangs) or a link to ``/dev/zero`` (reading it never ends). Each of those becomes one
:class:`~complaintmine.errors.ModelError` naming the file, before it can hang, exhaust memory or be accepted.

- :func:`read_regular` reads a file once, refusing anything but a regular file and anything over its limit.
- :func:`parse_manifest` and :func:`check_manifest` parse and check ``model.json`` against the schema below.
- :func:`read_arrays` reads ``scorer.npz`` with every member's size and ``.npy`` header checked before its
  data is read, and :func:`check_arrays` checks shapes, dtypes, index ranges and values against each other
  and the manifest. Models written by this version declare each array's shape and dtype in the manifest
  (``"arrays"``), and each ``.npy`` header must match its declaration before any data is read; older models
  declare none, so their arrays are bounded by the archive's own directory (at most ``EXPANSION`` times the
  file's size in all). Either way, arrays are bounded by each other (an index must point into its table).
- :func:`check_lexicon` checks the lexicon text (UTF-8, ``WORD FREQ [TAG]`` lines, frequencies in range).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ComplaintMineError, ModelError
from ..io.row_errors import json_reason
from ..labels import ISSUE_LABELS, TARGETS
from .forest import FOREST_ARRAYS, check_forest
from .reader import READER_ARRAYS, check_reader

MiB = 1 << 20
LIMITS = {"model.json": 16 * MiB, "lexicon.txt": 64 * MiB}
DEFAULT_LIMIT = 2048 * MiB  # weights.skops, scorer.npz
EXPANSION = 4  # scorer.npz is written uncompressed: its arrays take about its size; allow some headroom
MAX_FREQUENCY = 10**9  # jieba's own dictionary peaks below 10^7; rjieba keeps frequencies in 64 bits
MAX_NGRAM = 10
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FILE_KIND = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``, read once; ModelError if it is missing, not a regular file (a FIFO, a device,
    a link to one), or larger than ``limit`` (default: by file name, see LIMITS)."""
    limit = limit if limit is not None else LIMITS.get(path.name, DEFAULT_LIMIT)
    try:
        found = os.stat(path)  # follows links: a link to /dev/zero is judged by what it points to
    except FileNotFoundError:
        raise ModelError(f"{path}: missing from the model directory") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(found.st_mode):
        kind = _FILE_KIND.get(stat.S_IFMT(found.st_mode), "not a regular file")
        raise ModelError(f"{path}: is {kind}, not a regular file; refusing to read it")
    if found.st_size > limit:
        raise ModelError(f"{path}: {found.st_size:,} bytes, more than the {limit:,} a model file may have")
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the check above, opening it must not hang
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ModelError(f"{path}: is not a regular file; refusing to read it")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ModelError(f"{path}: more than the {limit:,} bytes a model file may have")
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_manifest(path: Path, data: bytes) -> Any:
    """``model.json``'s bytes as JSON: UTF-8, no NaN/Infinity, not nested beyond Python's recursion limit."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: manifest is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        reason = json_reason(exc.msg)
        raise ModelError(f"{path}:{exc.lineno}:{exc.colno}: manifest is not valid JSON ({reason})") from None
    except RecursionError:
        raise ModelError(f"{path}: manifest is nested too deeply to be a model manifest") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with more digits than Python converts
        raise ModelError(f"{path}: manifest is not valid JSON for a model ({exc})") from None


def _problem(where: str, what: str) -> str:
    return f"{where}: {what}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_range(where: str, value: Any, problems: list[str]) -> None:
    if not (isinstance(value, list) and len(value) == 2 and all(map(_is_int, value))):
        problems.append(_problem(where, f"must be [low, high] integers, found {value!r:.80}"))
    elif not 1 <= value[0] <= value[1] <= MAX_NGRAM:
        problems.append(_problem(where, f"must satisfy 1 <= low <= high <= {MAX_NGRAM}, found {value}"))


def check_manifest(path: Path, manifest: Any) -> None:
    """Raise ModelError listing what in ``manifest`` does not match the schema a loader relies on."""
    if not isinstance(manifest, dict):
        raise ModelError(f"{path}: the manifest must be a JSON object, found {type(manifest).__name__}")
    problems: list[str] = []

    def need(key: str, kind: type, name: str) -> Any:
        value = manifest.get(key)
        if key not in manifest:
            problems.append(_problem(key, "missing"))
        elif not isinstance(value, kind):
            problems.append(_problem(key, f"must be {name}, found {type(value).__name__}"))
        else:
            return value
        return None

    for key in ("name", "version"):
        if key in manifest and not isinstance(manifest[key], str):
            problems.append(_problem(key, f"must be a string, found {type(manifest[key]).__name__}"))
    targets = need("targets", list, "a list of target names")
    if targets is not None and targets != list(TARGETS):
        problems.append(_problem("targets", f"must be {list(TARGETS)}, found {targets!r:.200}"))
    thresholds = need("thresholds", dict, "an object of target: threshold")
    if thresholds is not None:
        if sorted(thresholds) != sorted(TARGETS):
            problems.append(
                _problem("thresholds", f"must have one value for each of {list(TARGETS)}, found {len(thresholds)} keys")
            )
        for name, value in thresholds.items():
            if not _is_number(value) or not 0.0 <= value <= 1.0:
                problems.append(_problem(f"thresholds.{name}", f"must be a number from 0 to 1, found {value!r:.40}"))
    files = need("files", dict, "an object of file name: SHA-256")
    if files is not None:
        for name in ("weights.skops", "lexicon.txt"):
            if name not in files:
                problems.append(_problem("files", f"has no hash for {name}"))
        for name, digest in files.items():
            if name not in ("weights.skops", "lexicon.txt", "scorer.npz"):
                problems.append(_problem("files", f"names an unknown file {name!r:.80}"))
            elif not (isinstance(digest, str) and _HEX64.fullmatch(digest)):
                problems.append(_problem(f"files.{name}", "must be a SHA-256 as 64 lowercase hex digits"))
    tokenizer = need("tokenizer", dict, "an object")
    if tokenizer is not None:
        for key in ("hmm", "drop_punctuation"):
            if key in tokenizer and not isinstance(tokenizer[key], bool):
                problems.append(_problem(f"tokenizer.{key}", f"must be true or false, found {tokenizer[key]!r:.40}"))
        if "lexicon" in tokenizer and tokenizer["lexicon"] != "lexicon.txt":
            problems.append(_problem("tokenizer.lexicon", f"must be 'lexicon.txt', found {tokenizer['lexicon']!r:.80}"))
        if "backend" in tokenizer and tokenizer["backend"] not in ("auto", "rjieba", "jieba"):
            problems.append(
                _problem("tokenizer.backend", f"must be auto, rjieba or jieba, not {tokenizer['backend']!r:.40}")
            )
    params = manifest.get("classifier_params", {})
    if not isinstance(params, dict):
        problems.append(_problem("classifier_params", f"must be an object, found {type(params).__name__}"))
    else:
        if params.get("features", "both") not in ("words", "chars", "both"):
            problems.append(
                _problem("classifier_params.features", f"must be words, chars or both, not {params['features']!r:.30}")
            )
        if not isinstance(params.get("mask_digits", False), bool):
            problems.append(_problem("classifier_params.mask_digits", "must be true or false"))
        for key in ("word_ngram_range", "char_ngram_range"):
            if key in params:
                _check_range(f"classifier_params.{key}", params[key], problems)
        for key in ("forest", "reader"):
            if not isinstance(params.get(key, "none"), str):
                problems.append(_problem(f"classifier_params.{key}", "must be a string"))
    versions = manifest.get("library_versions", {})
    if not (isinstance(versions, dict) and all(isinstance(v, str) for v in versions.values())):
        problems.append(_problem("library_versions", "must be an object of package: version string"))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise ModelError(f"{path}: malformed manifest: {shown}")


def check_lexicon(path: Path, data: bytes) -> str:
    """The lexicon's text, after checking it is UTF-8 and every frequency is in range."""
    from ..text.tokenizer import parse_lexicon

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: lexicon is not UTF-8 text (byte {exc.start})") from None
    try:
        entries = parse_lexicon(text, str(path))
    except ComplaintMineError as exc:
        raise ModelError(str(exc)) from None
    for word, frequency, _tag in entries:
        if frequency > MAX_FREQUENCY:
            raise ModelError(f"{path}: frequency of {word!r} is {str(frequency)[:20]}..., above {MAX_FREQUENCY:,}")
    return text


# -- scoring arrays -----------------------------------------------------------------------------------------

# name: (dtype kinds allowed, number of dimensions)
_ARRAYS: dict[str, tuple[str, int]] = {
    "word_terms": ("U", 1),
    "word_features": ("iu", 1),
    "bigram_keys": ("iu", 1),
    "bigram_values": ("iu", 1),
    "word_idf": ("f", 1),
    "word_coef": ("f", 2),
    "char_keys": ("iu", 1),
    "char_values": ("iu", 1),
    "char_ngram_range": ("iu", 1),
    "char_idf": ("f", 1),
    "char_coef": ("f", 2),
    "intercept": ("f", 1),
    "constant": ("f", 1),
    "thresholds": ("f", 1),
    **FOREST_ARRAYS,  # boosted trees (forest.py), checked by forest.check_forest
    **READER_ARRAYS,  # the character reader (reader.py), checked by reader.check_reader
}


def declared_arrays(arrays: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """What a manifest declares about the scoring arrays (``"arrays"``): each one's shape and dtype."""
    return {name: {"shape": list(array.shape), "dtype": array.dtype.str} for name, array in arrays.items()}


def _check_declared(path: Path, declared: Any) -> dict[str, tuple[tuple[int, ...], str]]:
    problem = ModelError(f"{path.parent / 'model.json'}: malformed manifest: arrays must map names to shape and dtype")
    if not isinstance(declared, dict):
        raise problem
    found: dict[str, tuple[tuple[int, ...], str]] = {}
    for name, entry in declared.items():
        shape = entry.get("shape") if isinstance(entry, dict) else None
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        if name not in _ARRAYS or not isinstance(shape, list) or not isinstance(dtype, str):
            raise problem
        if not all(_is_int(n) and 0 <= n < 2**40 for n in shape):
            raise problem
        found[name] = (tuple(shape), dtype)
    return found


def read_arrays(path: Path, data: bytes, declared: Any = None) -> dict[str, np.ndarray]:
    """The arrays of ``scorer.npz`` (its bytes), each member's size and header checked before its data is read;
    with ``declared`` (the manifest's ``"arrays"``), each header must also match the shape and dtype declared."""
    wanted = _check_declared(path, declared) if declared is not None else None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ModelError(f"{path}: cannot read scoring arrays: {exc}") from None
    budget = EXPANSION * len(data) + MiB
    arrays: dict[str, np.ndarray] = {}
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > budget:
            raise ModelError(
                f"{path}: its arrays would expand to {sum(m.file_size for m in members):,} bytes, far more than "
                f"a {len(data):,}-byte scoring file holds"
            )
        for member in members:
            name = member.filename.removesuffix(".npy")
            if name not in _ARRAYS or not member.filename.endswith(".npy"):
                raise ModelError(f"{path}: unexpected member {member.filename!r:.80} in the scoring arrays")
            if wanted is not None and name not in wanted:
                raise ModelError(f"{path}: array {name} is not among those the manifest declares")
            try:
                with archive.open(member) as stream:
                    arrays[name] = _read_npy(stream, member.file_size, wanted[name] if wanted is not None else None)
            except ModelError as exc:
                raise ModelError(f"{path}: array {name}: {exc}") from None
            except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
                raise ModelError(f"{path}: array {name}: cannot read: {exc}") from None
    if wanted is not None and set(wanted) - set(arrays):
        raise ModelError(
            f"{path}: arrays the manifest declares are missing: {', '.join(sorted(set(wanted) - set(arrays)))}"
        )
    return arrays


def _read_npy(stream: Any, size: int, declared: tuple[tuple[int, ...], str] | None = None) -> np.ndarray:
    """One ``.npy`` member whose header must promise no more data than the member holds; no pickles."""
    fmt = np.lib.format
    version = fmt.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = fmt.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = fmt.read_array_header_2_0(stream)
    else:  # pragma: no cover - read_magic accepts only these
        raise ModelError(f"unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in "biufU":
        raise ModelError(f"dtype {dtype} is not allowed in a scoring array")
    if declared is not None and (tuple(shape), dtype.str) != declared:
        raise ModelError(
            f"its header says shape {shape} {dtype.str}, the manifest declares {declared[0]} {declared[1]}"
        )
    count = math.prod(shape)
    if count * dtype.itemsize > size:
        raise ModelError(
            f"its header claims shape {shape} ({count * dtype.itemsize:,} bytes) in a {size:,}-byte member"
        )
    raw = stream.read(count * dtype.itemsize)
    if len(raw) != count * dtype.itemsize:
        raise ModelError("its data is shorter than its header says")
    array = np.frombuffer(bytearray(raw), dtype=dtype, count=count)  # writable, as np.load gives it
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


def check_arrays(path: Path, arrays: Mapping[str, np.ndarray], manifest: Mapping[str, Any]) -> None:
    """Shapes, dtypes, index ranges and values of the scoring arrays, against each other and the manifest."""
    problems: list[str] = []
    targets = len(TARGETS)

    def shaped(name: str, shape: tuple[int | None, ...]) -> bool:
        array = arrays.get(name)
        if array is None:
            problems.append(f"{name} is missing")
            return False
        kinds, ndim = _ARRAYS[name]
        if array.dtype.kind not in kinds or array.ndim != ndim:
            problems.append(f"{name} has dtype {array.dtype} and {array.ndim} dimension(s)")
            return False
        if any(want is not None and have != want for have, want in zip(array.shape, shape)):
            problems.append(f"{name} has shape {array.shape}, expected {tuple('n' if s is None else s for s in shape)}")
            return False
        return True

    def finite(name: str) -> None:
        if name in arrays and arrays[name].dtype.kind == "f" and not np.isfinite(arrays[name]).all():
            problems.append(f"{name} holds NaN or infinite values")

    def indices(name: str, bound: int) -> None:
        values = arrays[name]
        if len(values) and (values.min() < 0 or values.max() >= bound):
            problems.append(f"{name} holds indices outside [0, {bound})")

    for name in ("intercept", "constant", "thresholds"):
        shaped(name, (targets,))
    for name in ("intercept", "thresholds"):
        finite(name)
    if "thresholds" in arrays and arrays["thresholds"].shape == (targets,):
        values = arrays["thresholds"]
        if np.isfinite(values).all() and ((values < 0) | (values > 1)).any():
            problems.append("thresholds must lie from 0 to 1")
        stated = manifest.get("thresholds")
        if isinstance(stated, dict) and sorted(stated) == sorted(TARGETS):
            wanted = np.asarray([float(stated[name]) for name in TARGETS])
            if not np.allclose(values, wanted, rtol=0, atol=1e-12, equal_nan=False):
                problems.append("thresholds differ from the manifest's")
    if "constant" in arrays and arrays["constant"].shape == (targets,):
        fixed = arrays["constant"][~np.isnan(arrays["constant"])]
        if ((fixed < 0) | (fixed > 1)).any():
            problems.append("constant probabilities must lie from 0 to 1")

    features = str(manifest.get("classifier_params", {}).get("features", "both"))
    if (features in ("words", "both") or "word_idf" in arrays) and shaped("word_idf", (None,)):
        width = len(arrays["word_idf"])
        finite("word_idf")
        if shaped("word_coef", (width, targets)):
            finite("word_coef")
        if shaped("word_terms", (None,)) and shaped("word_features", (len(arrays["word_terms"]),)):
            indices("word_features", width)
        bigrams = "bigram_keys" in arrays or "bigram_values" in arrays
        if bigrams and shaped("bigram_keys", (None,)) and shaped("bigram_values", (len(arrays["bigram_keys"]),)):
            indices("bigram_values", width)
            slots = len(arrays.get("word_terms", ()))
            indices("bigram_keys", max(slots * slots, 1))
    if (features in ("chars", "both") or "char_idf" in arrays) and shaped("char_idf", (None,)):
        width = len(arrays["char_idf"])
        finite("char_idf")
        if shaped("char_coef", (width, targets)):
            finite("char_coef")
        if shaped("char_keys", (None,)) and shaped("char_values", (len(arrays["char_keys"]),)):
            indices("char_values", width)
        if shaped("char_ngram_range", (2,)):
            low, high = (int(v) for v in arrays["char_ngram_range"])
            if not 1 <= low <= high <= 3:
                problems.append(f"char_ngram_range must satisfy 1 <= low <= high <= 3, found [{low}, {high}]")
    widths = [len(arrays[name]) for name in ("word_idf", "char_idf") if name in arrays]
    forest_problems = check_forest(arrays, sum(widths), len(ISSUE_LABELS))
    problems += forest_problems
    constant = arrays.get("constant") if not forest_problems and "forest_labels" in arrays else None
    if constant is not None and constant.shape == (targets,) and not np.isnan(constant[arrays["forest_labels"]]).all():
        problems.append("forest_labels name a label whose probability is constant")
    problems += check_reader(arrays, targets, forest="forest_labels" in arrays)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise ModelError(f"{path}: inconsistent scoring arrays: {shown}")
