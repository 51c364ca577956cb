"""complaintmine: sort Chinese e-commerce complaints by issue (pre-sale price hikes, price protection, gifts,
late shipping, false "lowest price" claims) with a jieba + scikit-learn classifier.

    >>> import complaintmine
    >>> model = complaintmine.load_model()            # the shipped default model
    >>> complaintmine.classify_texts(model, ["付了定金，尾款涨了50"])  # doctest: +SKIP

Importing the package changes no global state (jieba is imported only when a tokenizer first segments text).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    ComplaintMineError,
    CorpusError,
    InputError,
    JobStopped,
    MissingColumnError,
    ModelError,
    OutputError,
    PromotionRefused,
    TrainingError,
)
from .labels import ALL_LABELS, ISSUE_LABELS, OTHER, TARGETS
from .model.artifact import ModelVersionWarning, save_model
from .model.artifact import load_model as _load_model_dir
from .model.defaults import DEFAULT_MODEL_NAME, default_model_dir, model_directory
from .model.runtime import Model
from .scoring.frame import Prediction, classify_frame, classify_texts, predict_texts
from .text.tokenizer import Token, Tokenizer, TokenizerConfig

if TYPE_CHECKING:
    import pandas as pd

    from .corpus.load import Corpus, load_corpus
    from .io.tables import read_table, write_table
    from .mining.extract import Extraction, extract, parse_chinese_number
    from .mining.privacy import MaskResult, PrivateSpan, find_private, mask, mask_text
    from .mining.report import build_report, write_report
    from .model.classifier import ComplaintClassifier
    from .model.head import ThresholdedOneVsRest
    from .model.training import TrainConfig, evaluate, train_model

__version__ = "0.1.0"

# Names whose modules import scikit-learn (about 0.5 s), pandas (corpora, report: 0.3 s) or compile many patterns
# (extract, privacy: 40 ms), or that scoring does not need (the whole-table reader and writer): imported on first
# use, so that scoring, which needs none of them (see model/scorer.py and io/rows.py), starts fast.
_LAZY = {
    "Corpus": ".corpus.load",
    "load_corpus": ".corpus.load",
    "read_table": ".io.tables",
    "write_table": ".io.tables",
    "Extraction": ".mining.extract",
    "extract": ".mining.extract",
    "parse_chinese_number": ".mining.extract",
    "MaskResult": ".mining.privacy",
    "PrivateSpan": ".mining.privacy",
    "find_private": ".mining.privacy",
    "mask": ".mining.privacy",
    "mask_text": ".mining.privacy",
    "build_report": ".mining.report",
    "write_report": ".mining.report",
    "ComplaintClassifier": ".model.classifier",
    "ThresholdedOneVsRest": ".model.head",
    "TrainConfig": ".model.training",
    "evaluate": ".model.training",
    "train_model": ".model.training",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (``__all__``), not the helpers this module imports for itself."""
    return sorted([*__all__, "__version__"])


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory, or the shipped default model when ``path`` is None or ``"default"``."""
    return _load_model_dir(model_directory(path))


def evaluate_model(
    model: Model, data: Corpus | pd.DataFrame | str | Path, split: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Metrics of ``model`` on a corpus, a labelled DataFrame (columns text, labels, presale; see :class:`Corpus`)
    or a labelled file / corpus directory, optionally one split of it (CorpusError for a split it lacks)."""
    from .corpus.load import Corpus, load_corpus
    from .errors import CorpusError
    from .model.runtime import check_model
    from .model.training import evaluate

    check_model(model)
    if isinstance(data, Corpus):
        corpus = data
    elif isinstance(data, (str, Path)):
        corpus = load_corpus(data, **kwargs)
    else:
        corpus = Corpus(data)  # a DataFrame; anything else is refused by Corpus
    if split and len(corpus) and not (corpus.frame["split"] == split).any():
        present = sorted(map(str, corpus.frame["split"].unique()))
        raise CorpusError(f"no rows of split {split!r}; the data has the split(s) {', '.join(map(repr, present))}")
    return evaluate(model, corpus.select(split=split) if split else corpus)


__all__ = [
    "ALL_LABELS",
    "DEFAULT_MODEL_NAME",
    "ISSUE_LABELS",
    "OTHER",
    "TARGETS",
    "ComplaintClassifier",
    "ComplaintMineError",
    "Corpus",
    "CorpusError",
    "Extraction",
    "InputError",
    "JobStopped",
    "MaskResult",
    "MissingColumnError",
    "Model",
    "ModelError",
    "ModelVersionWarning",
    "OutputError",
    "Prediction",
    "PrivateSpan",
    "PromotionRefused",
    "ThresholdedOneVsRest",
    "Token",
    "Tokenizer",
    "TokenizerConfig",
    "TrainConfig",
    "TrainingError",
    "build_report",
    "classify_frame",
    "classify_texts",
    "default_model_dir",
    "evaluate",
    "evaluate_model",
    "extract",
    "find_private",
    "load_corpus",
    "load_model",
    "mask",
    "mask_text",
    "parse_chinese_number",
    "predict_texts",
    "read_table",
    "save_model",
    "train_model",
    "write_report",
    "write_table",
]
