"""Choose the texts most worth labelling: uncertain, diverse, every label covered, nothing already labelled.

From a scored file (the output of ``complaintmine classify`` with the text kept) or plain texts scored here:

1. Uncertainty of a text: how close its closest target (five issues and presale) is to that target's threshold,
   as a share of the distance to 0 or 1 (1 = on the threshold, 0 = certain).
2. Coverage: every label (the five issues and ``other``) gets a quota of the sheet (``coverage`` of it in all),
   filled with the texts nearest that label's threshold among those the model thinks plausible for it.
3. Exploration: a small random share (``explore``), so the labels also describe texts the model is sure about
   (its confident mistakes are found no other way) and the next model is not only trained on borderline texts.
4. The rest: most uncertain first, traded off against similarity to texts already chosen (maximal marginal
   relevance on character n-grams), so the sheet does not fill up with one topic.

Throughout, a text is skipped when it is a near-duplicate (shared character 5-grams, as the corpus checks use)
of a text already labelled or already chosen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..corpus.dedup import shingles
from ..errors import ComplaintMineError, InputError
from ..labels import ISSUE_LABELS, OTHER, TARGETS, labels_of
from .sheets import SHEET_COLUMNS

NEAR_DUPLICATE = 0.8  # share of the smaller text's 5-grams found in the other one


class _Dedup:
    """An inverted index of character 5-grams: is a text a near-duplicate of one already added?"""

    def __init__(self) -> None:
        self.index: dict[str, list[int]] = defaultdict(list)
        self.sizes: list[int] = []

    def add(self, grams: set[str]) -> None:
        doc = len(self.sizes)
        self.sizes.append(len(grams))
        for gram in grams:
            self.index[gram].append(doc)

    def duplicate(self, grams: set[str]) -> bool:
        if not grams:
            return True  # nothing left after normalisation: not worth a labeller's time
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            for doc in self.index.get(gram, ()):
                shared[doc] += 1
        return any(count >= NEAR_DUPLICATE * min(len(grams), self.sizes[doc]) for doc, count in shared.items())


def uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per text and target: 1 on the threshold, 0 at probability 0 or 1 (shape of ``proba``)."""
    proba = np.asarray(proba, dtype=float)
    t = np.asarray(thresholds, dtype=float)[None, :]
    below = proba < t
    scale = np.where(below, np.maximum(t, 1e-9), np.maximum(1 - t, 1e-9))
    out: np.ndarray = np.clip(1 - np.abs(proba - t) / scale, 0.0, 1.0)
    return out


def suggest_texts(
    texts: Sequence[str],
    proba: np.ndarray,
    thresholds: np.ndarray,
    n: int = 200,
    ids: Sequence[object] | None = None,
    labelled: Sequence[str] = (),
    coverage: float | None = None,
    explore: float = 0.1,
    diversity: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """A labelling sheet (columns ``SHEET_COLUMNS``) of at most ``n`` texts, in the order they were chosen.

    ``proba`` has one column per name in TARGETS (five issues, then presale), as ``Model.predict_proba`` returns;
    ``labelled`` are texts already labelled (they and their near-duplicates are never suggested).
    ``coverage`` defaults to 0.3 of the sheet, or what ``explore`` leaves of it (``explore=1``: a sheet picked
    wholly at random, as a holdout should be). Raises InputError when there is nothing to choose from.
    """
    proba = np.asarray(proba, dtype=float)
    thresholds = np.asarray(thresholds, dtype=float)
    if proba.shape != (len(texts), len(TARGETS)):
        raise ComplaintMineError(f"proba must have shape ({len(texts)}, {len(TARGETS)}), got {proba.shape}")
    if n < 1:
        raise InputError("-n", "the number of texts to suggest must be at least 1")
    if coverage is None:
        coverage = max(0.0, min(0.3, 1 - explore))
    if not 0 <= coverage <= 1 or not 0 <= explore <= 1 or coverage + explore > 1 + 1e-9:
        raise InputError("coverage/explore", "shares must lie in [0, 1] and add up to at most 1")
    ids = list(ids) if ids is not None else list(range(len(texts)))
    rng = np.random.default_rng(seed)

    seen = _Dedup()
    for text in labelled:
        seen.add(shingles(text))
    per_target = uncertainty(proba, thresholds)
    overall = per_target.max(axis=1)
    predicted = proba >= thresholds[None, :]
    issues = predicted[:, : len(ISSUE_LABELS)]

    # Candidate pools, kept small enough for the similarity step whatever the size of the input.
    width = max(20 * n, 200)
    order_overall = np.argsort(-overall, kind="stable")[:width]
    pools: dict[str, np.ndarray] = {}
    for j, label in enumerate(ISSUE_LABELS):
        plausible = np.flatnonzero(proba[:, j] >= thresholds[j] / 2)
        pools[label] = plausible[np.argsort(-per_target[plausible, j], kind="stable")][:width]
    nothing = np.flatnonzero(~issues.any(axis=1))
    pools[OTHER] = nothing[np.argsort(-overall[nothing], kind="stable")][:width]
    random_pool = rng.permutation(len(texts))[: max(4 * n, 100)]
    candidates = np.unique(np.concatenate([order_overall, random_pool, *pools.values()]))
    if len(candidates) == 0:
        raise InputError("input", "no texts to choose from")

    from sklearn.feature_extraction.text import TfidfVectorizer

    position = {int(row): k for k, row in enumerate(candidates)}
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(
        [texts[int(row)] for row in candidates]
    )
    max_sim = np.zeros(len(candidates))
    chosen: list[tuple[int, str]] = []
    taken: set[int] = set()

    def take(row: int, why: str) -> bool:
        if row in taken:
            return False
        taken.add(row)  # looked at once, chosen or not
        grams = shingles(texts[row])
        if seen.duplicate(grams):
            return False
        seen.add(grams)
        chosen.append((row, why))
        nonlocal max_sim
        k = position[row]
        max_sim = np.maximum(max_sim, (vectors @ vectors[k].T).toarray().ravel())
        return True

    # 1. coverage, round-robin over labels so a short sheet still has each of them
    quota = round(n * coverage / len(pools)) if coverage else 0
    if coverage and n >= len(pools):
        quota = max(quota, 1)
    filled = dict.fromkeys(pools, 0)
    cursors = dict.fromkeys(pools, 0)
    while len(chosen) < n and any(filled[label] < quota and cursors[label] < len(pools[label]) for label in pools):
        for label, pool in pools.items():
            while filled[label] < quota and cursors[label] < len(pool) and len(chosen) < n:
                row = int(pool[cursors[label]])
                cursors[label] += 1
                if take(row, f"covers {label}"):
                    filled[label] += 1
                    break
    # 2. exploration
    n_explore = round(n * explore)
    for row in random_pool:
        if n_explore <= 0 or len(chosen) >= n:
            break
        if take(int(row), "random (checks confident texts)"):
            n_explore -= 1
    # 3. uncertain and unlike what is already chosen
    open_pos = np.array([k for k, row in enumerate(candidates) if int(row) not in taken], dtype=int)
    while len(chosen) < n and len(open_pos):
        gain = overall[candidates[open_pos]] - diversity * max_sim[open_pos]
        best = int(np.argmax(gain))
        row = int(candidates[open_pos[best]])
        open_pos = np.delete(open_pos, best)
        # the most uncertain target: "uncertainty" runs from 0 (p at 0 or 1) to 1 (p on the threshold)
        target = int(np.argmax(per_target[row]))
        take(row, f"uncertain about {TARGETS[target]}: p={proba[row, target]:.2f}, uncertainty {overall[row]:.2f} of 1")

    rows = [row for row, _ in chosen]
    return pd.DataFrame(
        {
            "id": [ids[row] for row in rows],
            "text": [texts[row] for row in rows],
            "model_labels": [labels_of(issues[row]) for row in rows],
            "model_presale": [int(predicted[row, -1]) for row in rows],
            "why": [why for _, why in chosen],
            "labels": "",
            "presale": "",
            "note": "",
        },
        columns=list(SHEET_COLUMNS),
    )


def suggest_from_file(
    path: str,
    n: int = 200,
    text_column: str = "text",
    id_column: str | None = None,
    labelled: Sequence[str] = (),
    model_path: str | None = None,
    **options: float,
) -> pd.DataFrame:
    """:func:`suggest_texts` over a scored file (from ``classify --keep-columns text``) or any table of texts.

    The ``p_<label>`` columns of a scored file are used as they are (its ``presale`` column as the presale
    probability), with each label's threshold read off the file's own decisions (midway between the highest
    probability of a text without the label and the lowest of a text with it; 0.5 when the file has no texts
    on one side). A file without them, or any file when ``model_path`` is given, is scored here with
    ``model_path`` (default: the shipped model). Rows with an ``error`` or an
    empty text are skipped. ``id_column`` defaults to the scored file's ``id`` or ``row`` column.
    """
    from ..errors import MissingColumnError
    from ..io.columns import title_advice
    from ..io.tables import read_table

    frame = read_table(path)
    if text_column not in frame.columns:
        if "labels" in frame.columns:  # what classify wrote, without --keep-columns
            advice, found = f"Carry the texts into the scored file: classify ... --keep-columns {text_column}", False
        else:
            advice, found = title_advice(frame, [text_column])
        raise MissingColumnError(path, text_column, list(frame.columns), advice=advice, advice_first=found)
    keep = frame[text_column].astype(str).str.strip() != ""
    if "error" in frame.columns:
        keep &= frame["error"].astype(str).str.strip() == ""
    frame = frame[keep].reset_index(drop=True)
    if id_column is None:
        id_column = next((c for c in ("id", "row") if c in frame.columns), None)
    elif id_column not in frame.columns:
        raise MissingColumnError(path, id_column, list(frame.columns))
    texts = frame[text_column].astype(str).tolist()
    columns = [f"p_{name}" for name in ISSUE_LABELS]
    if all(c in frame.columns for c in columns) and model_path is None:
        try:
            proba = frame[columns].astype(float).to_numpy()
            presale = frame["p_presale" if "p_presale" in frame.columns else "presale"].astype(float).to_numpy()
        except (KeyError, ValueError) as exc:
            raise InputError(path, f"cannot read the model's probabilities: {exc}") from None
        proba = np.column_stack([proba, presale])
        thresholds = _implied_thresholds(frame, proba)
    else:
        from .. import load_model

        model = load_model(model_path)
        proba = model.predict_proba(texts)
        thresholds = model.thresholds()
    ids = frame[id_column].tolist() if id_column else None
    return suggest_texts(texts, proba, thresholds, n=n, ids=ids, labelled=labelled, **options)  # type: ignore[arg-type]


def _implied_thresholds(frame: pd.DataFrame, proba: np.ndarray) -> np.ndarray:
    """The thresholds a scored file was decided with, as far as its labels column shows them."""
    thresholds = np.full(len(TARGETS), 0.5)
    if "labels" not in frame.columns:
        return thresholds
    decided = frame["labels"].map(  # JSON Lines holds a list of labels, the other formats "a|b"
        lambda cell: [str(name) for name in cell] if isinstance(cell, list) else str(cell).split("|")
    )
    for j, name in enumerate(ISSUE_LABELS):
        on = decided.map(lambda names, name=name: name in names).to_numpy(dtype=bool)
        if on.any() and (~on).any():
            low, high = proba[~on, j].max(), proba[on, j].min()
            if low <= high:
                thresholds[j] = (low + high) / 2
    return thresholds
