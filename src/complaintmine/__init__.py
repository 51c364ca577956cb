"""complaintmine: sort Chinese e-commerce complaints by issue (pre-sale price hikes, price protection, gifts,
late shipping, false "lowest price" claims) with a jieba + scikit-learn classifier.

    >>> import complaintmine
    >>> model = complaintmine.load_model()            # the shipped default model
    >>> complaintmine.classify_texts(model, ["付了定金，尾款涨了50"])  # doctest: +SKIP

Importing the package changes no global state (jieba is imported only when a tokenizer first segments text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .artifact import Model, ModelVersionWarning, save_model
from .artifact import load_model as _load_model_dir
from .classifier import TARGETS, ComplaintClassifier
from .corpus import Corpus, load_corpus
from .defaults import DEFAULT_MODEL_NAME, default_model_dir
from .errors import (
    ComplaintMineError,
    CorpusError,
    InputError,
    MissingColumnError,
    ModelError,
    TrainingError,
)
from .extract import Extraction, extract, parse_chinese_number
from .head import ThresholdedOneVsRest
from .labels import ALL_LABELS, ISSUE_LABELS, OTHER
from .privacy import MaskResult, PrivateSpan, find_private, mask, mask_text
from .scoring import Prediction, classify_frame, classify_texts, predict_texts
from .tokenizer import Token, Tokenizer, TokenizerConfig
from .training import TrainConfig, evaluate, train_model

__version__ = "0.1.0"


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory, or the shipped default model when ``path`` is None."""
    return _load_model_dir(path if path is not None else default_model_dir())


def evaluate_model(model: Model, data: Corpus | str | Path, split: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Metrics of ``model`` on a corpus (or a labelled file / corpus directory), optionally one split of it."""
    corpus = data if isinstance(data, Corpus) else load_corpus(data, **kwargs)
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
    "MaskResult",
    "MissingColumnError",
    "Model",
    "ModelError",
    "ModelVersionWarning",
    "Prediction",
    "PrivateSpan",
    "ThresholdedOneVsRest",
    "Token",
    "Tokenizer",
    "TokenizerConfig",
    "TrainConfig",
    "TrainingError",
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
    "save_model",
    "train_model",
]
