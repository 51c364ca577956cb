"""The report's statistics: the terms most distinctive of each issue type."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ...labels import ISSUE_LABELS
from .data import _PLACEHOLDER_WORDS, TOP_TERMS, _Rows, name_like


def distinctive_terms(
    docs: Sequence[set[str]], member: Sequence[bool], top: int = TOP_TERMS
) -> list[tuple[str, float, int]]:
    """Terms most typical of the member documents: (term, z-score, member documents containing it), best first.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008) over document
    frequencies, so one long complaint repeating a word cannot dominate and rare terms are shrunk to the
    background rate instead of topping the list with a single occurrence.
    """
    everywhere: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for doc, m in zip(docs, member):
        everywhere.update(doc)
        if m:
            inside.update(doc)
    n_all, n_in = sum(everywhere.values()), sum(inside.values())
    n_out, prior = n_all - n_in, 500.0
    minimum = 2 if sum(member) >= 10 else 1
    scored = []
    for term, y_in in inside.items():
        if y_in < minimum:
            continue
        y_out, alpha = everywhere[term] - y_in, prior * everywhere[term] / n_all
        rest_in, rest_out = n_in + prior - y_in - alpha, n_out + prior - y_out - alpha
        if rest_in <= 0 or rest_out <= 0:  # a one-word vocabulary: nothing to contrast
            continue
        delta = math.log((y_in + alpha) / rest_in) - math.log((y_out + alpha) / rest_out)
        z = delta / math.sqrt(1 / (y_in + alpha) + 1 / (y_out + alpha))
        if z > 0:
            scored.append((term, z, y_in))
    return sorted(scored, key=lambda t: (-t[1], t[0]))[:top]


def _term_table(rows: _Rows) -> tuple[dict[str, list[tuple[str, float, int]]], str]:
    """Distinctive terms per issue label, and where they come from (texts or evidence)."""
    if rows.texts is not None:
        from ...text.tokenizer import Tokenizer

        tokenizer = Tokenizer()
        docs = [
            {t for t in tokenizer.tokenize(rows.show(rows.texts[i])) if any(c.isalpha() for c in t)}
            - _PLACEHOLDER_WORDS
            for i in rows.sample
        ]
        labels = [rows.labels[i] for i in rows.sample]
        return {label: distinctive_terms(docs, [label in found for found in labels]) for label in ISSUE_LABELS}, "text"
    if rows.evidence is None:
        return {}, ""
    terms: dict[str, list[tuple[str, float, int]]] = {}
    for label in ISSUE_LABELS:
        weight: dict[str, float] = {}
        seen: Counter[str] = Counter()
        for found in rows.evidence:
            for item in found.get(label) or []:
                if isinstance(item, dict) and isinstance(item.get("term"), str):
                    if rows.mask_on and name_like(item["term"]):
                        continue  # no text to tell: a term that would be masked as a name is not charted
                    value = item.get("weight")
                    added = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0
                    weight[item["term"]] = weight.get(item["term"], 0.0) + added
                    seen[item["term"]] += 1
        terms[label] = sorted(((t, w, seen[t]) for t, w in weight.items()), key=lambda t: (-t[1], t[0]))[:TOP_TERMS]
    return terms, "evidence"
