"""Evidence for a decision: the features that pushed a label up, with their weights and where they occur.

For a linear head the contribution of feature f to label l is ``x_f * w_lf`` (TF-IDF value times weight). Where a
model's boosted trees were averaged in (forest.py: the label's linear probability reached the gate), each feature
present in the text also gets what it added on the text's paths through the trees, and the two are weighed as the
average weighs the models: ``(1 - weight) * linear + weight * trees``. Where the model's character reader was
averaged in too (reader.py), each word also gets what the reader loses without it (its logit for the whole text
minus its logit for the text with that word cut out), weighed in the same way.
The explainer is built once per job from the scorer's arrays (no scikit-learn) and reads the TF-IDF rows the
scorer computed for the same texts, for the labels already decided, so explaining tokenises nothing again.
Word features are located by finding the text's tokens in its normalised text in order; character features by
searching the normalised text. Spans are half-open [start, end) offsets into the ORIGINAL text.

Evidence is shown to people, so it is given in the text's own words: each feature's contribution is shared among
the words (the model's tokens) it lies in, and the words with the largest totals are the evidence (Explainer's
``_shares``). A character n-gram thus counts for the word it was read in, a digit-masked feature ("0元") for the
text's own number and word, and a word made of digits and punctuation alone is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError
from ..labels import TARGETS
from ..text.modality import is_marked, strip_mode
from ..text.normalize import Normalized, normalize, normalize_with_offsets
from .forest import Forest
from .gated import Opened, opened_cells
from .ngrams import CharNgrams, char_documents, mask_digits, normalized_texts
from .reader import Reader
from .runtime import Model, score_texts
from .scorer import FeatureKind, Featurized, LinearFeatures


@dataclass(frozen=True)
class Evidence:
    """One contributing term: the feature text, its contribution to the label's score, and its spans."""

    term: str
    weight: float
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "weight": round(self.weight, 4), "spans": [list(s) for s in self.spans]}


def linear_weights(estimator: Any) -> np.ndarray | None:
    """The weight vector of a fitted binary linear classifier, or None when it has none."""
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_).ravel()
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:
        return np.asarray(np.mean([np.asarray(c.estimator.coef_).ravel() for c in calibrated], axis=0))
    return None


def _classifier_features(model: Model) -> LinearFeatures:
    """The linear features of a model without scoring arrays (an SVM head, longer n-grams): from its classifier."""
    from .ngrams import engine_of

    clf = model.classifier
    weights = [linear_weights(est) for est in clf.head_.estimators_]
    if any(w is None for w in weights[:-1]):
        raise ModelError(f"{model.name}: explanations need a linear model (logreg or svm), not {clf.model!r}")
    width = clf.head_.n_features_in_
    coef = np.column_stack([w if w is not None else np.zeros(width) for w in weights])
    kinds: list[FeatureKind | None] = []
    offset = 0
    for vectorizer in (clf.word_vectorizer_, clf.char_vectorizer_):
        if vectorizer is None:
            kinds.append(None)
            continue
        size = len(vectorizer.vocabulary_)
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        kinds.append(FeatureKind(engine_of(vectorizer), idf, coef[offset : offset + size]))
        offset += size
    modality = getattr(clf, "modality", "none")
    return LinearFeatures(clf._tokenizer(), clf.features, bool(clf.mask_digits), kinds[0], kinds[1], modality)


class Explainer:
    """Explains a linear model's decisions. Build once per model (or job): it holds the weights and n-grams."""

    def __init__(self, model: Model):
        self.model = model
        self.space = model.scorer.space if model.scorer is not None else _classifier_features(model)
        self.forest: Forest | None = model.scorer.forest if model.scorer is not None else model.classifier._forest()
        self._terms: dict[tuple[str, int], str] = {}  # (kind, feature) -> its n-gram, decoded once
        # target -> its forest's position in forest.labels (targets without a forest are absent)
        self._forest_of = {int(t): k for k, t in enumerate(self.forest.labels)} if self.forest is not None else {}
        self.reader: Reader | None = model.scorer.reader if model.scorer is not None else model.classifier._reader()

    def warm_up(self) -> None:
        """Build the feature-to-term tables now (before worker processes fork and share them)."""
        for kind in (self.space.word, self.space.char):
            if kind is not None and len(kind.idf):
                kind.ngrams.term(0)

    def _mask(self, text: str) -> str:
        return mask_digits(text) if self.space.masked else text

    def explain(self, text: str, labels: list[str] | None = None, top: int = 5) -> dict[str, list[Evidence]]:
        """Evidence per label (default: the labels the model predicts for ``text``), strongest first."""
        featurized = self.space.featurize([text])
        if labels is None:
            decided = score_texts(self.model, [text]).decided[0]
            labels = [name for name, on in zip(TARGETS, decided) if on]
        return self._explain_row(text, featurized, 0, labels, top, self._opened([text], featurized))

    def explain_decided(
        self,
        texts: Sequence[str],
        featurized: Featurized,
        decided: np.ndarray,
        top: int = 5,
        opened: Opened = None,
    ) -> list[dict[str, list[Evidence]]]:
        """Evidence for the labels already decided (``decided``: one row of booleans per text, TARGETS order),
        from the rows the scorer computed for these texts, and where it averaged the forest and the reader in
        (``opened``, from LinearScorer.proba_opened; found again here when not given)."""
        opened = opened if opened is not None else self._opened(texts, featurized)
        return [
            self._explain_row(text, featurized, i, [n for n, on in zip(TARGETS, decided[i]) if on], top, opened)
            for i, text in enumerate(texts)
        ]

    def _opened(self, texts: Sequence[str], featurized: Featurized) -> Opened:
        """Where scoring averages the forest and the reader in (see :data:`Opened`), found as scoring finds it
        (gated.opened_cells) from the linear head's probabilities."""
        if self.forest is None or not len(texts):
            return None
        scorer = self.model.scorer
        if scorer is not None and scorer.space is self.space:
            linear, rows = scorer.linear_proba(featurized), lambda picked: self.space.rows(featurized, picked)
            return opened_cells(linear, self.forest, self.reader, scorer.thresholds, rows)
        classifier = self.model.classifier  # a model without scorer arrays: its scikit-learn head
        linear, every_row = classifier._linear(list(texts))
        return opened_cells(linear, self.forest, self.reader, classifier.thresholds(), every_row.take)

    def _without_each_word(self, text: str, tokens: list[tuple[str, int, int]], target: int) -> np.ndarray:
        """Per word, the reader's logit for ``target`` on the whole text minus that on the text without the word."""
        assert self.reader is not None
        variants = [text] + [text[:start] + text[end:] for _word, start, end in tokens]
        documents = char_documents(normalized_texts(variants), "chars", self.space.masked)
        logits = self.reader.logits(documents)[:, target].astype(np.float64)
        difference: np.ndarray = logits[0] - logits[1:]
        return difference

    def _explain_row(
        self,
        text: str,
        featurized: Featurized,
        i: int,
        labels: list[str],
        top: int,
        opened: Opened,
    ) -> dict[str, list[Evidence]]:
        if not labels:
            return {}
        parts = []  # (prefix, kind, feature indices, TF-IDF values) of the row, per feature kind
        kinds = (("w", self.space.word, featurized.word_rows), ("c", self.space.char, featurized.char_rows))
        for prefix, kind, rows in kinds:
            if kind is not None and rows is not None:
                indices, values = rows.row(i)
                parts.append((prefix, kind, indices, values))
        part_of = np.concatenate([np.full(len(p[2]), k) for k, p in enumerate(parts)] or [np.zeros(0, dtype=int)])
        features = np.concatenate([p[2] for p in parts] or [np.zeros(0, dtype=np.int64)])
        word_width = len(self.space.word.idf) if self.space.word is not None else 0
        columns = np.concatenate([p[2] + (word_width if p[0] == "c" else 0) for p in parts] or [features])
        normalized = normalize_with_offsets(text)
        tokens = self._tokens(text, normalized, featurized.words[i] if featurized.words else None)
        shares = self._shares(tokens, normalized, parts, part_of, features)
        result: dict[str, list[Evidence]] = {}
        for label in labels:
            target = TARGETS.index(label)
            contributions = np.concatenate([p[3] * p[1].coef[p[2], target] for p in parts] or [np.zeros(0)])
            position = self._forest_of.get(target)
            if opened is not None and position is not None and opened[0][i, position]:
                values = np.concatenate([p[3] for p in parts] or [features])
                contributions = self._with_trees(position, columns, values, contributions)
            feature, token, share = shares
            weights: np.ndarray = np.bincount(token, weights=contributions[feature] * share, minlength=len(tokens))
            read = opened[1] if opened is not None else None
            if read is not None and read[i, target] and self.reader is not None and tokens:
                reader_weight = self.reader.weight
                weights = (1 - reader_weight) * weights + reader_weight * self._without_each_word(text, tokens, target)
            result[label] = _evidence(text, tokens, weights, top)
        return result

    def _shares(
        self,
        tokens: list[tuple[str, int, int]],
        normalized: Normalized,
        parts: list[Any],
        part_of: np.ndarray,
        features: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """How each feature of the row (position k) is shared among the text's words: (k, token, share) triplets.
        A feature's contribution is split evenly among its occurrences and, within one, among the words it
        overlaps by characters shared; a feature with no place in the text (DOC:HYP, an n-gram across marked
        pieces) has no triplet. So a word's weight is what its n-grams add up to: a character n-gram counts for
        the word it was read in (款 of 退款 counts for 退款, not for 尾款), and a term read both as a word and as
        characters lands in one word."""
        at: dict[str, list[int]] = {}
        for t, token in enumerate(tokens):
            at.setdefault(token[0], []).append(t)
        seen = self._mask(normalized.text)
        owner: list[int] = []  # per occurrence: the row position k of its feature, its span, its share
        first: list[int] = []
        last: list[int] = []
        part: list[float] = []
        located = np.zeros(len(features), dtype=bool)
        for j, (prefix, kind, indices, _values) in enumerate(parts):
            if prefix == "c" and isinstance(kind.ngrams, CharNgrams):  # all short n-grams at once
                rows = np.flatnonzero(part_of == j)
                found, found_start, found_end = _char_occurrences(kind.ngrams, seen, normalized, indices, rows)
                count = np.bincount(found, minlength=len(features))
                owner += found.tolist()
                first += found_start.tolist()
                last += found_end.tolist()
                part += (1.0 / count[found]).tolist()
                located[found] = True
        for k in np.flatnonzero(~located):  # word n-grams, and character n-grams beyond 3 or not found above
            prefix, kind = parts[int(part_of[k])][:2]
            key = (prefix, int(features[k]))
            term = self._terms.get(key)
            if term is None:  # n-grams recur across texts: decode each once per job
                term = self._terms[key] = kind.ngrams.term(key[1])
            spans = _word_spans(tokens, at, term) if prefix == "w" else _char_spans(normalized, seen, term)
            for start, end in spans:
                owner.append(int(k))
                first.append(start)
                last.append(end)
                part.append(1.0 / len(spans))
        if not owner or not tokens:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0)
        starts = np.asarray([t[1] for t in tokens])
        ends = np.asarray([t[2] for t in tokens])
        span_start, span_end = np.asarray(first), np.asarray(last)
        # the tokens [lo, hi) overlap each occurrence (tokens are ordered and do not overlap)
        lo = np.searchsorted(ends, span_start, side="right")
        hi = np.searchsorted(starts, span_end, side="left")
        count = np.maximum(hi - lo, 0)
        occurrence = np.repeat(np.arange(len(owner)), count)
        token = np.repeat(lo, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
        size = np.minimum(ends[token], span_end[occurrence]) - np.maximum(starts[token], span_start[occurrence])
        covered = np.bincount(occurrence, weights=size, minlength=len(owner))
        share = np.asarray(part)[occurrence] * size / covered[occurrence]
        return np.asarray(owner, dtype=np.intp)[occurrence], token.astype(np.intp), share

    def _with_trees(self, position: int, columns: np.ndarray, values: np.ndarray, linear: np.ndarray) -> np.ndarray:
        """``linear`` (one contribution per feature of the row, at ``columns`` with ``values``), with the
        attributions of the forest at ``position`` (of ``forest.labels``) weighed in as the average weighs them;
        only for a row and label whose forest was averaged in (see the module docstring)."""
        forest = self.forest
        assert forest is not None
        dense = forest.columns(np.asarray([0, len(columns)]), columns, values)[0]
        split_on, added = forest.contributions(dense, position)
        trees = np.zeros(len(columns))
        order = np.argsort(columns)
        place = np.minimum(np.searchsorted(columns, split_on, sorter=order), max(len(columns) - 1, 0))
        present = (columns[order[place]] == split_on) if len(columns) else np.zeros(len(split_on), dtype=bool)
        trees[order[place[present]]] = added[present]  # a split on an n-gram the text lacks points at nothing
        return (1.0 - forest.weight) * linear + forest.weight * trees

    def _tokens(self, text: str, normalized: Normalized, words: str | None) -> list[tuple[str, int, int]]:
        """The tokens the model read (as it read them) with their spans in the original text: each found in the
        normalised text after the previous one, since tokens are consecutive pieces of it (``words``: the
        model's word input for the text; None for a model of characters alone, whose text is segmented here)."""
        if words is None:
            return [(self._mask(t.text), t.start, t.end) for t in self.space.tokenizer.tokens(text)]
        seen = self._mask(normalized.text)
        tokens, position = [], 0
        for token in words.split():
            if is_marked(token):  # the modality-marked copies follow the text's own tokens
                break
            start = seen.find(token, position)
            if start < 0:  # not a piece of the text after all: segment it again
                return [(self._mask(t.text), t.start, t.end) for t in self.space.tokenizer.tokens(text)]
            position = start + len(token)
            tokens.append((token, *normalized.source_span(start, position)))
        return tokens


def _evidence(text: str, tokens: list[tuple[str, int, int]], weights: np.ndarray, top: int) -> list[Evidence]:
    """The ``top`` words with the largest positive weights, strongest first; a word met twice is one entry with its
    spans, and a word of digits and punctuation alone (it says nothing a person can read) is left out."""
    by_term: dict[str, list[int]] = {}
    for t in np.flatnonzero(weights > 0):
        by_term.setdefault(text[tokens[t][1] : tokens[t][2]], []).append(int(t))
    evidence = [
        Evidence(term, float(weights[members].sum()), tuple((tokens[t][1], tokens[t][2]) for t in members))
        for term, members in by_term.items()
        if any(c.isalpha() for c in normalize(term))  # as the model read it: ㎏ is kg, a word
    ]
    evidence.sort(key=lambda e: (-e.weight, e.spans[0]))
    return evidence[:top]


def _word_spans(tokens: list[tuple[str, int, int]], at: dict[str, list[int]], term: str) -> list[tuple[int, int]]:
    """Where the word n-gram ``term`` occurs among ``tokens`` (``at``: each token's positions)."""
    words = [strip_mode(word) for word in term.split(" ")]  # HYP:涨 is read where 涨 is
    spans = []
    for i in at.get(words[0], ()):
        end = i + len(words)
        if end <= len(tokens) and all(tokens[i + k][0] == words[k] for k in range(1, len(words))):
            spans.append((tokens[i][1], tokens[end - 1][2]))
    return spans


def _char_occurrences(
    ngrams: CharNgrams, seen: str, normalized: Normalized, row_features: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence in ``seen`` of the row's character n-grams of up to 3 characters (``row_features``, at row
    positions ``positions``): its row position k and its [start, end) span in the original text. The same spans
    as :func:`_char_spans` gives each such n-gram, found in one vectorised pass."""
    starts, sizes, found = ngrams.positions(seen)
    order = np.argsort(row_features, kind="stable")
    place = np.minimum(np.searchsorted(row_features, found, sorter=order), max(len(row_features) - 1, 0))
    hit = (row_features[order[place]] == found) if len(row_features) else np.zeros(len(found), dtype=bool)
    offsets = np.asarray(normalized.offsets, dtype=np.int64)
    start, size = starts[hit], sizes[hit]
    return positions[order[place[hit]]], offsets[start], offsets[start + size - 1] + 1


def _char_spans(normalized: Normalized, seen: str, term: str) -> list[tuple[int, int]]:
    """Spans of ``term`` in ``seen`` (the normalised text, digit-masked if the model masks: masking maps character
    to character, so offsets still line up)."""
    spans, start = [], seen.find(term)
    while start != -1:
        spans.append(normalized.source_span(start, start + len(term)))
        start = seen.find(term, start + 1)
    return spans
