"""Model directories: weights in skops format, scoring arrays, the lexicon, and a ``model.json`` manifest.

Loading never unpickles: skops rebuilds only types on an explicit trusted list (plus scikit-learn, NumPy and
SciPy types skops itself trusts) and refuses anything else, naming it; the scoring arrays (``scorer.npz``,
see scorer.py) are read with ``allow_pickle=False``. Every file's SHA-256 is checked against the manifest
before it is read, and manifests from a newer format are refused with a message saying so.

Scoring and explaining use the arrays alone, so ``complaintmine classify`` never imports scikit-learn. The full
classifier (for retraining, or a model without arrays) is loaded from the skops file on first use. The model
at run time is runtime.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ModelError, OutputError
from ..labels import ISSUE_LABELS, TARGETS
from ..text.tokenizer import Tokenizer, TokenizerConfig
from .forest import check_forest
from .reader import check_reader
from .runtime import UNNAMED, Model
from .scorer import LinearScorer
from .validate import (
    check_arrays,
    check_lexicon,
    check_manifest,
    declared_arrays,
    parse_manifest,
    read_arrays,
    read_regular,
)

if TYPE_CHECKING:
    from .classifier import ComplaintClassifier

FORMAT_NAME = "complaintmine-model"
FORMAT_VERSION = 1
MANIFEST = "model.json"
WEIGHTS = "weights.skops"
SCORER = "scorer.npz"
LEXICON = "lexicon.txt"

# Types outside scikit-learn/NumPy/SciPy that a complaintmine model file may contain.
TRUSTED_TYPES: tuple[str, ...] = (
    "complaintmine.model.head.ThresholdedOneVsRest",
    "complaintmine.model.head._ConstantProbability",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)

# Modules that held trusted types in earlier versions, and where those types live now. Files written before
# the package was regrouped name ``complaintmine.head.ThresholdedOneVsRest``; their schema is read with the
# current names (the bytes on disk, and their hash, stay as they are).
TYPE_MODULE_ALIASES: dict[str, str] = {"complaintmine.head": "complaintmine.model.head"}


class ModelVersionWarning(UserWarning):
    """A model was written with other library versions than the ones loading it."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


LIBRARIES = ("complaintmine", "scikit-learn", "jieba", "numpy", "scipy", "skops", "lightgbm")


def library_versions(packages: tuple[str, ...] = LIBRARIES) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in packages:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "unknown"
    return versions


def check_model_target(directory: str | Path, force: bool = False) -> Path:
    """Refuse, before any training, to write a model over an existing model or into a folder that is not empty,
    unless ``force``; a file at ``directory`` is always refused. OutputError: the output cannot be written
    (exit code 6; 3 is for a model that cannot be loaded)."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise OutputError(target, "exists and is not a directory; a model is a directory")
    if not force and target.is_dir() and any(target.iterdir()):
        what = "holds a model" if (target / MANIFEST).exists() else "is not empty"
        raise OutputError(target, f"{what}; pass --force to overwrite it, or choose another output directory")
    return target


def save_model(model: Model, directory: str | Path, force: bool = False) -> Path:
    """Write ``model`` to ``directory`` (created if needed) and return the path of its manifest.

    A directory that holds a model or other files is refused (OutputError) unless ``force``, as ``complaintmine
    train`` refuses it without ``--force``; with ``force``, the model files are replaced and the old model's
    card is replaced by this model's (``README.md``, model_card.py). ``model`` then belongs to ``directory``: its
    ``path``, ``manifest`` (with the files' hashes) and scorer are updated.
    """
    import skops.io as sio

    if not isinstance(model, Model):
        raise ModelError(f"{directory}: expected a Model to save, got {type(model).__name__}")
    target = check_model_target(directory, force)
    if model.manifest.get("name") == UNNAMED:  # trained without a name: called as its folder
        from .training import name_from_directory

        model.manifest["name"], model.manifest["version"] = name_from_directory(target)
    target.mkdir(parents=True, exist_ok=True)
    clf = model.classifier
    tokenizer = clf._tokenizer()
    (target / LEXICON).write_text(tokenizer.lexicon_text, encoding="utf-8")
    scorer = LinearScorer.from_classifier(clf)
    files = [WEIGHTS, LEXICON]
    (target / SCORER).unlink(missing_ok=True)
    if scorer is not None:
        # uncompressed: reading it is part of every start-up (12 ms against 46 ms compressed)
        np.savez(target / SCORER, allow_pickle=False, **scorer.arrays)
        files.append(SCORER)
    sio.dump(
        {
            "word_vectorizer": _vectorizer_state(clf.word_vectorizer_),
            "char_vectorizer": _vectorizer_state(clf.char_vectorizer_),
            "head": clf.head_,
            "forest": getattr(clf, "forest_", None),  # a dict of arrays (forest.py) or None
            "reader": getattr(clf, "reader_", None),  # a dict of arrays (reader.py) or None
        },
        target / WEIGHTS,
        compression=zipfile.ZIP_DEFLATED,
        compresslevel=9,
    )
    params = clf.get_params()
    params.pop("tokenizer_config")
    config = tokenizer.config.to_dict()
    manifest = {
        **model.manifest,
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "targets": list(TARGETS),
        "thresholds": {name: float(value) for name, value in zip(TARGETS, clf.thresholds())},
        "classifier_params": params,
        "tokenizer": {**config, "lexicon": LEXICON, "lexicon_sha256": tokenizer.lexicon_sha256},
        "library_versions": library_versions(),
        "files": {name: sha256_file(target / name) for name in files},
    }
    manifest.pop("arrays", None)
    if scorer is not None:  # what scorer.npz holds: loading checks each array's header against it before reading
        manifest["arrays"] = declared_arrays(scorer.arrays)
    path = target / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    model.manifest, model.path, model.scorer = manifest, target, scorer
    if "corpus" in manifest and "training_config" in manifest:  # what train_model records: a card can be written
        from .model_card import write_model_card

        write_model_card(model, target)
    else:  # a model built by hand: no card, and none of a model this one replaced
        (target / "README.md").unlink(missing_ok=True)
    return path


def _vectorizer_state(vectorizer: Any) -> dict[str, Any] | None:
    """A fitted TfidfVectorizer as arrays: skops would write its vocabulary dict as ~500 bytes of JSON per term.

    The vectoriser's parameters are not stored: they follow from the classifier parameters in the manifest.
    """
    if vectorizer is None:
        return None
    terms = np.empty(len(vectorizer.vocabulary_), dtype=object)
    for term, index in vectorizer.vocabulary_.items():
        terms[index] = term
    return {"terms": terms.astype(str), "idf": np.asarray(vectorizer.idf_)}


def _restore_vectorizer(vectorizer: Any, state: dict[str, Any] | None) -> Any:
    if (vectorizer is None) != (state is None):
        raise ModelError("the weights file and the manifest disagree about which feature kinds the model uses")
    if vectorizer is None or state is None:
        return None
    vectorizer.vocabulary_ = {str(term): index for index, term in enumerate(state["terms"])}
    vectorizer.idf_ = state["idf"]
    return vectorizer


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """Read and check the manifest of a model directory (format name and version)."""
    path = Path(directory) / MANIFEST
    if not Path(directory).is_dir():
        raise ModelError(f"{directory}: not a model directory (it does not exist or is not a directory)")
    if not path.exists() and not path.is_symlink():
        raise ModelError(f"{path}: missing; a model directory holds {MANIFEST}, {WEIGHTS} and {LEXICON}")
    manifest = parse_manifest(path, read_regular(path))  # a FIFO or device is refused, not read
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelError(f"{path}: not a complaintmine model manifest (format is not {FORMAT_NAME!r})")
    found = manifest.get("format_version")
    if not isinstance(found, int) or found < 1:
        raise ModelError(f"{path}: format_version {found!r} is not a positive integer")
    if found > FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format {found} is newer than this complaintmine reads (up to {FORMAT_VERSION}); "
            "upgrade complaintmine to load it"
        )
    return manifest


def _verified_bytes(directory: Path, name: str, manifest: dict[str, Any]) -> bytes:
    """The bytes of one model file, read once (regular files only, size-bounded) and checked against its hash."""
    expected = manifest.get("files", {}).get(name)
    path = directory / name
    data = read_regular(path)
    if expected is None:
        raise ModelError(f"{directory / MANIFEST}: no hash recorded for {name}")
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(
            f"{path}: SHA-256 {actual[:12]}… does not match the manifest ({expected[:12]}…); "
            "the file was changed or damaged"
        )
    return data


def load_model(directory: str | Path) -> Model:
    """Load a model directory safely (see module docstring): its scoring arrays when it has them, else the
    full classifier."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest.get("targets", list(TARGETS)) != list(TARGETS):
        raise ModelError(f"{directory / MANIFEST}: targets {manifest['targets']} differ from this version's {TARGETS}")
    check_manifest(directory / MANIFEST, manifest)  # schema: keys, types, one threshold per target in [0, 1]
    # The lexicon is read once: the bytes whose hash was checked are the bytes the tokenizer gets.
    lexicon = check_lexicon(directory / LEXICON, _verified_bytes(directory, LEXICON, manifest))
    _verified_bytes(directory, WEIGHTS, manifest)  # a damaged directory fails now, not on first explanation
    tokenizer = Tokenizer(_tokenizer_config(directory, manifest), lexicon_text=lexicon)
    _warn_on_version_drift(directory, manifest, ("jieba",))  # jieba decides every token
    if SCORER not in manifest.get("files", {}):
        model = Model(None, manifest, directory)
        model._classifier = load_classifier(directory, manifest, tokenizer)
        return model
    data = _verified_bytes(directory, SCORER, manifest)
    # sizes and headers checked before any data is read, against the shapes the manifest declares (if it does)
    arrays = read_arrays(directory / SCORER, data, manifest.get("arrays"))
    check_arrays(directory / SCORER, arrays, manifest)
    try:
        scorer = LinearScorer.from_arrays(arrays, tokenizer, manifest.get("classifier_params", {}))
    except (KeyError, ValueError) as exc:
        raise ModelError(f"{directory / SCORER}: inconsistent scoring arrays ({exc})") from None
    return Model(None, manifest, directory, scorer)


def _tokenizer_config(directory: Path, manifest: dict[str, Any]) -> TokenizerConfig:
    fields = {k: v for k, v in manifest["tokenizer"].items() if k in ("hmm", "drop_punctuation")}
    return TokenizerConfig(lexicon=str(directory / LEXICON), **fields)


def load_classifier(directory: Path, manifest: dict[str, Any], tokenizer: Tokenizer) -> ComplaintClassifier:
    """The scikit-learn classifier from the skops weights, sharing ``tokenizer`` with the scoring arrays."""
    import skops.io as sio

    from .classifier import ComplaintClassifier

    weights = _with_current_type_names(_verified_bytes(directory, WEIGHTS, manifest))
    untrusted = [name for name in sio.get_untrusted_types(data=weights) if name not in TRUSTED_TYPES]
    if untrusted:
        raise ModelError(f"{directory / WEIGHTS}: refusing to load untrusted types: {', '.join(untrusted)}")
    try:
        parts = sio.loads(weights, trusted=list(TRUSTED_TYPES))
    except Exception as exc:  # skops raises many types for damaged files; report them all the same way
        raise ModelError(f"{directory / WEIGHTS}: cannot read weights: {exc}") from None
    _warn_on_version_drift(directory, manifest, ("scikit-learn",))
    params = dict(manifest.get("classifier_params", {}))
    for key in ("word_ngram_range", "char_ngram_range"):
        if key in params:
            params[key] = tuple(params[key])
    clf = ComplaintClassifier(**params, tokenizer_config=tokenizer.config)
    clf._tokenizer_instance = tokenizer
    words, chars = clf._vectorizers()
    clf.word_vectorizer_ = _restore_vectorizer(words, parts["word_vectorizer"])
    clf.char_vectorizer_ = _restore_vectorizer(chars, parts["char_vectorizer"])
    clf.head_ = parts["head"]
    clf.forest_ = _checked_forest(directory / WEIGHTS, parts.get("forest"), clf)
    clf.reader_ = _checked_reader(directory / WEIGHTS, parts.get("reader"), forest=clf.forest_ is not None)
    clf.targets_ = tuple(manifest["targets"])
    return clf


def _checked_forest(path: Path, forest: Any, clf: ComplaintClassifier) -> dict[str, np.ndarray] | None:
    """The boosted trees' arrays from the weights file (None: a linear model), checked as scorer.npz's are."""
    if forest is None:
        return None
    if not isinstance(forest, dict) or not all(isinstance(v, np.ndarray) for v in forest.values()):
        raise ModelError(f"{path}: the boosted trees must be a mapping of arrays, found {type(forest).__name__}")
    width = sum(len(v.vocabulary_) for v in (clf.word_vectorizer_, clf.char_vectorizer_) if v is not None)
    problems = check_forest(forest, width, len(ISSUE_LABELS)) or (
        [] if "forest_roots" in forest else ["forest arrays missing: forest_roots"]
    )
    if problems:
        raise ModelError(f"{path}: inconsistent boosted trees: {'; '.join(problems[:5])}")
    return forest


def _checked_reader(path: Path, reader: Any, forest: bool) -> dict[str, np.ndarray] | None:
    """The reader's arrays from the weights file (None: no reader), checked as scorer.npz's are."""
    if reader is None:
        return None
    if not isinstance(reader, dict) or not all(isinstance(v, np.ndarray) for v in reader.values()):
        raise ModelError(f"{path}: the reader must be a mapping of arrays, found {type(reader).__name__}")
    problems = check_reader(reader, len(TARGETS), forest) or ([] if reader else ["reader arrays missing"])
    if problems:
        raise ModelError(f"{path}: inconsistent reader: {'; '.join(problems[:5])}")
    return reader


def _with_current_type_names(weights: bytes) -> bytes:
    """``weights`` with the modules of ``TYPE_MODULE_ALIASES`` renamed in its schema (unchanged if none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(weights)) as archive:
            schema = json.loads(archive.read("schema.json"))
            if not _rename_type_modules(schema):
                return weights
            members = [(info, archive.read(info)) for info in archive.infolist() if info.filename != "schema.json"]
    except (zipfile.BadZipFile, KeyError, ValueError):
        return weights  # not a readable skops file: skops itself reports it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("schema.json", json.dumps(schema))
        for info, data in members:
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def _rename_type_modules(node: Any) -> bool:
    """Rename aliased ``__module__`` values in a skops schema tree in place; whether any was renamed."""
    renamed = False
    if isinstance(node, dict):
        module = node.get("__module__")
        if isinstance(module, str) and module in TYPE_MODULE_ALIASES:
            node["__module__"] = TYPE_MODULE_ALIASES[module]
            renamed = True
        for value in node.values():
            renamed = _rename_type_modules(value) or renamed
    elif isinstance(node, list):
        for value in node:
            renamed = _rename_type_modules(value) or renamed
    return renamed


def _warn_on_version_drift(directory: Path, manifest: dict[str, Any], packages: tuple[str, ...]) -> None:
    saved = manifest.get("library_versions", {})
    current = library_versions(packages)
    for package in packages:
        if saved.get(package) not in (None, current[package]):
            warnings.warn(
                f"{directory}: model was trained with {package} {saved[package]}, this is {current[package]}; "
                "results may differ slightly",
                ModelVersionWarning,
                stacklevel=3,
            )
