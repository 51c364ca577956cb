"""Retraining on a team's own labels: choose what to label, adapt a base model, compare two models, promote.

    suggest.py  pick the texts most worth labelling from a scored file and write a labelling sheet
    sheets.py   read filled sheets (CSV, TSV, JSONL or XLSX) back as a labelled corpus
    adapt.py    adapt a base model with the user's labels (its own corpus plus the user's, user rows up-weighted)
    compare.py  two models on the same labelled data: per-label F1, bootstrap intervals, paired differences
    promote.py  a models folder with a ``current`` pointer; promote a candidate only when it is better

Built on the public library API (load_model, load_corpus, TrainConfig, train_model); nothing here prints or exits.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .adapt import AdaptResult, adapt_model, anchor_corpus
    from .compare import Comparison, compare_models
    from .promote import PromotionResult, current_model, promote_model
    from .sheets import SHEET_COLUMNS, read_label_sheets, write_sheet
    from .suggest import suggest_from_file, suggest_texts

# Imported on first use: the CLI imports this package to register its commands, and `classify` must start fast.
_LAZY = {
    "AdaptResult": ".adapt",
    "adapt_model": ".adapt",
    "anchor_corpus": ".adapt",
    "Comparison": ".compare",
    "compare_models": ".compare",
    "PromotionResult": ".promote",
    "current_model": ".promote",
    "promote_model": ".promote",
    "SHEET_COLUMNS": ".sheets",
    "read_label_sheets": ".sheets",
    "write_sheet": ".sheets",
    "suggest_from_file": ".suggest",
    "suggest_texts": ".suggest",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SHEET_COLUMNS",
    "AdaptResult",
    "Comparison",
    "PromotionResult",
    "adapt_model",
    "anchor_corpus",
    "compare_models",
    "current_model",
    "promote_model",
    "read_label_sheets",
    "suggest_from_file",
    "suggest_texts",
    "write_sheet",
]
