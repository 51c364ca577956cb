"""Training: one configuration dataclass, saved in each model's manifest, and ``train_model``."""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..corpus.keys import user_text_key
from ..corpus.load import Corpus
from ..errors import TrainingError
from ..labels import ALL_LABELS, TARGETS
from ..text.tokenizer import TokenizerConfig
from .classifier import ComplaintClassifier
from .evaluation import compute_metrics
from .runtime import UNNAMED, Model, score_texts
from .scorer import LinearScorer


@dataclass
class TrainConfig:
    """Everything that decides a trained model. Saved as ``training_config`` in ``model.json``.

    The defaults are the shipped model's design (``models/complaintmine-zh-0.8.0.train.json``; a test keeps them
    equal) but for its reader, which needs PyTorch to train: ``complaintmine train corpora -o m`` trains that
    design without the reader, named ``m 0.1.0`` (the default name is :data:`UNNAMED`; a model is named after its
    folder); with ``--config`` that file, it rebuilds the shipped model, by name too.

    name, version : the model's name and version, written to the manifest and model card.
    features, word_ngram_range, char_ngram_range, min_df, model, C, class_weight, mask_digits, modality : see
        ComplaintClassifier.
    tune_thresholds, cv : per-label thresholds from cross-validated probabilities.
    pair_weight : how much each team-written minimal pair (``corpora/team_pairs.csv``) counts in the loss,
        against 1 for every other text.
    derived_weight : how much each text derived from the evidence spans of a real text counts
        (corpus/evidence.py); 0 leaves those texts out of training altogether.
    forest : boosted trees averaged with the linear model where it is unsure: "none" or a setting of
        forest.FOREST_SETTINGS (training needs LightGBM; scoring does not).
    reader : a character BiGRU averaged in on the forest's gated cells where it can change the decision: "none"
        or a setting of reader.READER_SETTINGS (training needs PyTorch, ``pip install complaintmine[reader]``;
        scoring does not). The default is "none" so that training needs no PyTorch; the shipped model's
        configuration file names its reader.
    seed : the one seed for every random choice.
    train_split : rows of the corpus whose ``split`` equals this are trained on; "" trains on every row.
    tokenizer : TokenizerConfig fields.
    """

    name: str = UNNAMED  # save_model names an unnamed model after its folder (name_from_directory)
    version: str = "0.1.0"
    features: str = "both"
    word_ngram_range: tuple[int, int] = (1, 2)
    char_ngram_range: tuple[int, int] = (1, 3)
    min_df: int = 2
    model: str = "logreg"
    C: float = 60.0
    class_weight: str | None = "balanced"
    tune_thresholds: bool = False
    cv: int = 5
    seed: int = 0
    mask_digits: bool = True
    modality: str = "sentence-2"
    pair_weight: float = 1.0
    derived_weight: float = 0.0
    forest: str = "trees-200"
    reader: str = "none"
    train_split: str = "train"
    tokenizer: dict[str, Any] = field(default_factory=lambda: TokenizerConfig().to_dict())

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TrainingError(f"unknown training option(s): {', '.join(sorted(unknown))}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sample_weights(self, frame: Any) -> np.ndarray | None:
        """Per-row loss weights for a corpus frame: ``pair_weight`` for minimal pairs, ``derived_weight`` for the
        rows derived from evidence spans, 1 otherwise (None when every weight is 1). A weight of 0 still lets a
        row count in the vocabulary and the class balance: ``train_model`` leaves derived rows out instead."""
        is_pair = frame["key"].astype(str).str.startswith("pair:").to_numpy()
        is_derived = (frame["origin"] == "derived").to_numpy()
        weights = np.where(is_pair, float(self.pair_weight), np.where(is_derived, float(self.derived_weight), 1.0))
        return None if (weights == 1.0).all() else weights

    def classifier(self) -> ComplaintClassifier:
        """The estimator this configuration describes, not fitted: its ``fit`` refuses a forest or a reader that
        the other fields cannot have (ComplaintClassifier._check_models), before any fitting."""
        return ComplaintClassifier(
            features=self.features,
            word_ngram_range=_pair(self.word_ngram_range),
            char_ngram_range=_pair(self.char_ngram_range),
            min_df=self.min_df,
            model=self.model,
            C=self.C,
            class_weight=self.class_weight,
            tune_thresholds=self.tune_thresholds,
            cv=self.cv,
            random_state=self.seed,
            tokenizer_config=TokenizerConfig(**self.tokenizer),
            mask_digits=self.mask_digits,
            modality=self.modality,
            forest=self.forest,
            reader=self.reader,
        )


# Fewer positive training examples than this for a target and training warns (``manifest["warnings"]``): with
# a handful, a linear model picks up whatever words those few texts share, and the threshold is tuned on one or
# two examples per fold.
MIN_EXAMPLES = 10


def few_examples(label_counts: dict[str, int], minimum: int = MIN_EXAMPLES) -> list[str]:
    """One warning per target with fewer than ``minimum`` positive training examples."""
    return [
        f"only {count} training example(s) of {name} (fewer than {minimum}): its predictions will be unreliable; "
        "add labelled texts"
        for name, count in label_counts.items()
        if name in TARGETS and count < minimum
    ]


def name_from_directory(directory: str | Path) -> tuple[str, str]:
    """A model's name and version from the folder it is written to: ``models/shop-zh-1.2`` gives
    ("shop-zh", "1.2"), ``models/my-model`` gives ("my-model", "0.1.0")."""
    folder = Path(directory).resolve().name
    found = re.fullmatch(r"(.+?)-v?(\d+(?:\.\d+)*)", folder)
    if found is None or re.fullmatch(r"\d{5,}", found[2]):  # candidate-20261207-021500: a time, not a version
        return folder, "0.1.0"
    return found[1], found[2]


def _pair(values: Any) -> tuple[int, int]:
    """JSON configs give n-gram ranges as lists; the classifier wants a pair."""
    low, high = values
    return int(low), int(high)


Progress = Callable[[str], None]  # told what training is doing, one short line per step


def train_model(
    corpus: Corpus,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
    target_domain: Sequence[bool] | None = None,
) -> Model:
    """Fit a classifier on the training rows of ``corpus``; the manifest records data, config and metrics.

    ``progress``, when given, is told each step as it starts. ``target_domain``: one flag per row of ``corpus``,
    set on the rows of the domain the model is for, the others being data to learn from by feature augmentation
    (``ComplaintClassifier.fit``). Raises TrainingError when there is nothing to learn from (no rows, or a target
    with no positive example).
    """
    config = config or TrainConfig()
    say = progress or (lambda _message: None)
    rows = np.ones(len(corpus), dtype=bool)
    if config.train_split:
        rows &= (corpus.frame["split"] == config.train_split).to_numpy()
    if config.derived_weight == 0:  # the rows derived from evidence spans are left out
        rows &= (corpus.frame["origin"] != "derived").to_numpy()
    train = Corpus(corpus.frame[rows].reset_index(drop=True), list(corpus.notes))
    if len(train) == 0:
        raise TrainingError(f"the corpus has no rows with split == {config.train_split!r}")
    Y = train.targets()
    missing = [name for name, count in zip(TARGETS, Y.sum(axis=0)) if count == 0]
    if missing:
        raise TrainingError(
            f"no positive training example for: {', '.join(missing)}. A model learns every label from examples; "
            "to teach the shipped model your examples without writing all of them, adapt it: "
            "complaintmine train CORPUS --base default -o models/ours, CORPUS being your labels (docs/retraining.md)"
        )
    started = datetime.now(UTC)
    how_long = "minutes on 2 cores" if len(train) > 2000 else "seconds"
    trees = "" if config.forest == "none" else f", then boosted trees ({config.forest}: {how_long})"
    trees += "" if config.reader == "none" else f", then the reader ({config.reader}: {how_long})"
    say(f"training on {len(train):,} texts ({config.model}, {config.features} n-grams{trees})")
    domain = None
    if target_domain is not None:
        domain = np.asarray(target_domain, dtype=bool)
        if domain.shape != (len(corpus),):
            raise TrainingError(f"target_domain needs one flag per corpus row ({len(corpus)}), got {domain.shape}")
        domain = domain[rows]
    weights = config.sample_weights(train.frame)
    classifier = config.classifier().fit(train.texts, Y, target_domain=domain, sample_weight=weights, progress=say)
    say(f"fitted in {(datetime.now(UTC) - started).total_seconds():.1f}s; scoring the training texts")
    fitted = classifier.predict(train.texts)
    counts = {name: int(n) for name, n in zip(TARGETS, Y.sum(axis=0))}
    counts["other"] = int((Y[:, :5].sum(axis=1) == 0).sum())
    manifest = {
        "name": config.name,
        "version": config.version,
        "labels": list(ALL_LABELS),
        "created": started.isoformat(timespec="seconds"),
        "training_seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "training_config": config.to_dict(),
        "seed": config.seed,
        "python": platform.python_version(),
        "corpus": {
            "sha256": train.sha256(),
            "n_texts": len(train),
            "label_counts": counts,
            "by_origin": {k: int(v) for k, v in train.frame["origin"].value_counts().sort_index().items()},
            "notes": list(corpus.notes),
        },
        "metrics": {"train": compute_metrics(Y, fitted)},
        "warnings": few_examples(counts),
    }
    user = train.frame["origin"] == "user"
    if user.any():  # so that compare and promote can tell when they are asked to judge it on its own training texts
        manifest["user_texts"] = sorted({user_text_key(text) for text in train.frame["text"][user]})
    return Model(classifier, manifest, scorer=LinearScorer.from_classifier(classifier))


def evaluate(model: Model, corpus: Corpus) -> dict[str, Any]:
    """Metrics of ``model`` on every row of ``corpus`` (select the split you want first)."""
    if len(corpus) == 0:
        why = "".join(f"; {note}" for note in corpus.notes)  # e.g. the real texts' pool was not found
        raise TrainingError(f"nothing to evaluate: the data has no rows{why}")
    scores = score_texts(model, corpus.texts)
    proba, predicted = scores.proba, scores.decided.astype(int)
    # A text predicted with no issue is "other"; the presale column is decided on its own.
    return compute_metrics(corpus.targets(), predicted, proba)


def train_and_report(corpus: Corpus, config: TrainConfig | None = None, progress: Progress | None = None) -> Model:
    """Train on the train split, then score every held-out test part (by origin) into the manifest.

    ``manifest["errors"]`` lists, per test part and label, false positives and negatives: team-written and
    user texts are quoted (shortened); real texts from the research-only pool are cited by key and by the
    evidence terms that drove the decision, never quoted.
    """
    config = config or TrainConfig()
    model = train_model(corpus, config, progress)
    model.manifest["errors"] = {}
    for origin in sorted(corpus.frame["origin"].unique()):
        held_out = corpus.select(split="test", origin=origin)
        if len(held_out):
            if progress:
                progress(f"scoring {len(held_out):,} held-out {origin} texts")
            model.manifest["metrics"][f"test_{origin}"] = evaluate(model, held_out)
            model.manifest["errors"][f"test_{origin}"] = _errors(model, held_out, quote=origin != "real")
    return model


def _errors(model: Model, corpus: Corpus, quote: bool, per_kind: int = 3) -> dict[str, Any]:
    scores = score_texts(model, corpus.texts)
    proba, decided, thresholds = scores.proba, scores.decided, model.thresholds()
    truth = corpus.targets()
    found: dict[str, Any] = {}
    for j, label in enumerate(TARGETS[:-1]):
        for kind, mask in (
            ("false_positive", decided[:, j] & (truth[:, j] == 0)),
            ("false_negative", ~decided[:, j] & (truth[:, j] == 1)),
        ):
            rows = np.flatnonzero(mask)
            # The most confident mistakes first.
            rows = rows[np.argsort(-np.abs(proba[rows, j] - thresholds[j]))]
            examples = []
            for row in rows[:per_kind]:
                example: dict[str, Any] = {"gold": corpus.frame["labels"][row], "p": round(float(proba[row, j]), 3)}
                if quote:
                    example["text"] = corpus.texts[row][:120]
                else:
                    example["key"] = corpus.frame["key"][row]
                    evidence = model.explainer().explain(corpus.texts[row], labels=[label], top=4)[label]
                    example["evidence"] = [e.term for e in evidence]
                examples.append(example)
            found.setdefault(label, {})[kind] = {"count": int(mask.sum()), "examples": examples}
    return found


def read_train_config(
    path: str | Path | None = None,
    seed: int | None = None,
    *,
    name: str | None = None,
    version: str | None = None,
    output: str | Path | None = None,
) -> TrainConfig:
    """A TrainConfig from a JSON file of its fields (the defaults without one), with ``seed``, ``name`` and
    ``version`` overriding. A name or version that neither gives comes from the ``output`` folder's name (see
    :func:`name_from_directory`), so a model trained to models/my-model is not called complaintmine-zh."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            values = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise TrainingError(f"{path}: cannot read training config: {exc}") from None
        if not isinstance(values, dict):
            raise TrainingError(f"{path}: a training config is a JSON object of TrainConfig fields")
    if seed is not None:
        values["seed"] = seed
    if output is not None:
        folder_name, folder_version = name_from_directory(output)
        values.setdefault("name", folder_name)
        values.setdefault("version", folder_version)
    values.update({key: value for key, value in (("name", name), ("version", version)) if value})
    return TrainConfig.from_dict(values)


def train_to_directory(
    data: str | Path,
    output: str | Path,
    config: TrainConfig | None = None,
    shared: str | Path | None = None,
    comparison: str | Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Model:
    """``complaintmine train``: load a corpus (directory or labelled file), train and report on it, and write the
    model directory with its model card (and, when given, a comparison table: model_card.comparison_table).

    An existing model directory (or a folder that is not empty) is refused before any training unless ``force``,
    and so is a comparison file that does not render: the default model trains for minutes.
    """
    from ..corpus.load import load_corpus
    from .artifact import check_model_target, save_model
    from .contrast import CONTRAST_FILE, contrast_report, load_contrast_set

    check_model_target(output, force)
    table = None if comparison is None else _comparison(Path(comparison))
    corpus = load_corpus(data, shared, derived=(config or TrainConfig()).derived_weight > 0)
    for note in corpus.notes:
        if progress:
            progress(f"note: {note}")
    trained = train_and_report(corpus, config, progress)
    contrast_path = Path(data) / CONTRAST_FILE
    if contrast_path.is_file():  # a corpus directory with a contrast set: scored, never trained on
        if progress:
            progress(f"scoring the contrast set {contrast_path}")
        report = contrast_report(trained, load_contrast_set(contrast_path))
        trained.manifest["contrast"] = {key: value for key, value in report.items() if key != "errors"}
    if table is not None:
        trained.manifest["comparison"] = table
    save_model(trained, output, force=force)  # with its model card
    return trained


def _comparison(path: Path) -> str:
    """The card's comparison table from ``path`` (model_card.comparison_table's layouts); TrainingError if it cannot
    be read or rendered. A file of another shape fails on a missing key or on a value of the wrong type (one of the
    experiments' own rows files given instead of card_comparison.json, say)."""
    from .model_card import comparison_table

    try:
        return comparison_table(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise TrainingError(f"{path}: not a comparison file for the model card ({exc})") from None
