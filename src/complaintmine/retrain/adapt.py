"""Adapt a base model with a team's own labels instead of replacing it.

The shipped model's real training texts cannot be redistributed, and a few hundred labels alone teach a model
little. ``adapt_model`` retrains the base model's own configuration on its anchor corpus (the corpus it was trained
on: the project's ``corpora/`` directory, joined with the shared real-review pool where present) plus the user's
labelled rows, each user row counted ``user_weight`` times, so the user's domain is learnt without forgetting the
anchor's. This method was chosen by measurement against the alternatives (the base model's scores as extra
features, the user's labels alone, other weights): see ``docs/retraining.md`` and ``experiments/adaptation.py``.

User rows with ``split`` = ``test`` are never trained on; they are scored after training (``test_user``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..corpus.load import Corpus, load_corpus
from ..errors import TrainingError
from ..model.defaults import default_model_dir, is_default_model, model_directory
from ..model.reader import torch_available

# Each user row counts DEFAULT_WEIGHT times, up to DEFAULT_WEIGHT * WEIGHT_LABELS rows; beyond that the weight
# falls so that the user rows keep about the share they had there. Measured on a new domain with 200, 500 and
# 1,000 labels (docs/retraining.md): with 0.1.0 as the base, 5 was best or within 0.003 of the best weight at every
# size; with 0.3.0, 5 beat the other weight tried (a 30% share: 20, 17, 9) at all three sizes; with 0.4.0 the two
# were within 0.007 of each other (the share ahead at 500 labels, 5 at 1,000). On a second domain written later
# by four writers (figure_preorders), weight 5 and the share were within 0.008 at every size, and adapting beat
# both the base and the labels alone at all three sizes.
DEFAULT_WEIGHT = 5
WEIGHT_LABELS = 1000
METHODS = {
    "repeat": "anchor corpus plus user labels, user rows repeated",
    "augment": "anchor corpus plus user labels, user rows repeated, shared and user-domain weights "
    "(feature augmentation)",
}
DEFAULT_METHOD = "repeat"


@dataclass
class AdaptResult:
    """The adapted model (not yet saved), with notes for the user and what went into it."""

    model: Any  # complaintmine.Model
    notes: list[str] = field(default_factory=list)
    user_weight: int = 1
    n_anchor: int = 0
    n_user: int = 0


def _base_dir(base: str | Path | None) -> Path:
    return Path(model_directory(base))


def anchor_corpus(
    base: str | Path | None, manifest: dict[str, Any], corpus_dir: str | Path | None = None, shared: Path | None = None
) -> Corpus:
    """The corpus a base model was trained on, as far as it can be found.

    ``corpus_dir`` when given; else the corpus an adapted base recorded; else, for the shipped model, the
    ``corpora/`` directory of the source checkout it lives in. Raises TrainingError when none is found.
    """
    if corpus_dir is None:
        recorded = manifest.get("adaptation", {}).get("anchor", {}).get("path")
        if recorded and Path(recorded).is_dir():
            corpus_dir = recorded
        elif is_default_model(base):
            checkout = default_model_dir().resolve().parent.parent / "corpora"
            if (checkout / "team_written.csv").exists():
                corpus_dir = checkout
    if corpus_dir is None:
        corpus = manifest.get("corpus", {})
        n_texts = corpus.get("n_texts")
        what = f"{manifest.get('name', base)} {manifest.get('version', '')}".strip()
        size = f" ({n_texts:,} texts, hash {str(corpus.get('sha256', ''))[:12]})" if isinstance(n_texts, int) else ""
        raise TrainingError(
            f"adapting {what} needs the corpus it was trained on{size}, and only the shipped default model (or a "
            "model adapted from one) finds it by itself: pass --anchor DIR with a corpus directory, e.g. "
            "--anchor corpora (a complaintmine checkout's), to adapt on that corpus instead"
        )
    derived = float(manifest.get("training_config", {}).get("derived_weight", 0.0)) > 0
    return load_corpus(corpus_dir, shared, derived=derived)


def default_user_weight(n_user: int) -> int:
    """Times each user row counts: 5 up to 1,000 rows, then less (2 at 2,500 rows, 1 from 7,500)."""
    if n_user <= WEIGHT_LABELS:
        return DEFAULT_WEIGHT
    return max(1, round(DEFAULT_WEIGHT * WEIGHT_LABELS / n_user))


def adapt_model(
    labels: Corpus,
    base: str | Path | None = "default",
    anchor: Corpus | None = None,
    user_weight: int | None = None,
    overrides: dict[str, Any] | None = None,
    anchor_dir: str | Path | None = None,
    shared: Path | None = None,
    method: str = DEFAULT_METHOD,
    progress: Callable[[str], None] | None = None,
) -> AdaptResult:
    """Train the base model's configuration on its anchor corpus plus ``labels`` (user rows repeated).

    ``base``: "default" (or None) for the shipped model, or a model directory. ``anchor``: the anchor corpus
    (default: :func:`anchor_corpus`). ``user_weight``: times each user row counts (default:
    :func:`default_user_weight`). ``overrides``: TrainConfig fields to change (name, version, seed, ...).
    ``method``: "repeat" (one set of weights for anchor and user rows) or "augment" (shared weights plus
    weights of the user's domain, see ``ComplaintClassifier.fit``; logistic regression only). ``progress``, when
    given, is told each step as it starts (training takes minutes), and each note as soon as it is known, before
    the training (a reader dropped for want of PyTorch, say); the notes are also returned.
    Raises TrainingError (no anchor found, no user rows to train on, unknown method), ModelError (unreadable base).
    """
    from .. import TrainConfig, evaluate, load_model, train_model
    from ..model.runtime import UNNAMED

    if method not in METHODS:
        raise TrainingError(f"adaptation method must be one of {', '.join(METHODS)}, got {method!r}")
    base_dir = _base_dir(base)
    manifest = load_model(base_dir).manifest
    notes: list[str] = []
    if anchor is None:
        anchor = anchor_corpus(base, manifest, anchor_dir, shared)
        notes += anchor.notes
    # A configuration recorded before boosted trees existed (forest.py) is a linear model's: keep it linear.
    config_values = {"forest": "none", **manifest.get("training_config", {})}
    if config_values.get("reader", "none") != "none" and not torch_available():
        notes.append(
            f"the base model's reader ({config_values['reader']}) is trained with PyTorch, which is not installed: "
            "the adapted model has none (pip install 'complaintmine[reader]' to keep it)"
        )
        config_values["reader"] = "none"
    base_config = TrainConfig.from_dict(config_values)
    anchor_train = anchor.select(split=base_config.train_split) if base_config.train_split else anchor
    recorded = manifest.get("corpus", {}).get("sha256")
    if recorded and recorded != anchor_train.sha256():
        notes.append(
            f"the anchor corpus ({len(anchor_train):,} training texts) is not exactly what {manifest.get('name')} "
            f"{manifest.get('version')} was trained on ({manifest.get('corpus', {}).get('n_texts', '?')} texts)"
        )
    user_train = labels.frame[labels.frame["split"] != "test"]
    if len(user_train) == 0:
        raise TrainingError("no user rows to train on (every labelled row has split = test)")
    weight = user_weight if user_weight is not None else default_user_weight(len(user_train))
    if weight < 1:
        raise TrainingError(f"user weight must be at least 1, got {weight}")
    frame = pd.concat([anchor_train.frame] + [user_train] * weight, ignore_index=True)
    frame["split"] = "train"
    values = {
        **base_config.to_dict(),
        "name": UNNAMED,  # named after the folder it is saved to (save_model), as train names a model
        "version": "0.1.0",
        "train_split": "train",
        **(overrides or {}),
    }
    config = TrainConfig.from_dict(values)
    domain = None
    if method == "augment":
        if config.model != "logreg" or config.tune_thresholds:
            raise TrainingError("the augment method needs a logistic-regression base without tuned thresholds")
        domain = [False] * len(anchor_train) + [True] * (len(frame) - len(anchor_train))
    anchor_path = str(Path(anchor_dir).resolve()) if anchor_dir else _anchor_path(base, manifest)
    if progress:
        real = int((anchor_train.frame["origin"] == "real").sum())
        where = anchor_path or "(passed in)"
        progress(
            f"anchor corpus {where}: {len(anchor_train):,} training texts, {real:,} of them real reviews joined "
            "from the shared pool (--shared)"
        )
        for note in notes:
            progress(f"note: {note}")
    model = train_model(Corpus(frame, list(anchor.notes)), config, progress, target_domain=domain)
    model.manifest["adaptation"] = {
        "method": METHODS[method],
        "base": {
            "name": manifest.get("name"),
            "version": manifest.get("version"),
            "path": str(base_dir),
            "corpus_sha256": recorded,
        },
        "anchor": {
            "path": anchor_path,
            "sha256": anchor_train.sha256(),
            "n_texts": len(anchor_train),
        },
        "user": {
            "sha256": Corpus(user_train.reset_index(drop=True)).sha256(),
            "n_texts": len(user_train),
            "sources": sorted(set(user_train["kind"])),
        },
        "user_weight": weight,
    }
    held_out = labels.select(split="test")
    if len(held_out):
        model.manifest["metrics"]["test_user"] = evaluate(model, held_out)
    return AdaptResult(model, notes, weight, len(anchor_train), len(user_train))


def _anchor_path(base: str | Path | None, manifest: dict[str, Any]) -> str | None:
    recorded = manifest.get("adaptation", {}).get("anchor", {}).get("path")
    if recorded:
        return str(recorded)
    if is_default_model(base):
        return str(default_model_dir().resolve().parent.parent / "corpora")
    return None
