"""Near-duplicate detection for corpora: texts that share most of their character 5-grams.

Used to keep near-duplicates on one side of a train/test split and to flag them when validating a corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..text.normalize import normalize

_NOT_WORD = re.compile(r"[\W_]+")
SHINGLE = 5
# Shingles shared by more texts than this are stock phrases (质量很好…); they prove nothing about duplication.
_COMMON = 50


def squash(text: str) -> str:
    """Normalised text without whitespace or punctuation: what duplicate checks compare. Traditional characters
    stay as written: these checks look for texts the team copied, and a text written in traditional characters
    was not copied from a simplified one (the model reads both alike; corpora/README.md, "Known gaps", lists the
    phrases the two scripts share across the split line)."""
    return _NOT_WORD.sub("", normalize(text, fold_traditional=False))


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    s = squash(text)
    if len(s) <= n:
        return {s} if s else set()
    return {s[i : i + n] for i in range(len(s) - n + 1)}


# A short text inside a much longer one ("根本不是最低价" in a long post) is a quotation, not a duplicate.
_MIN_SIZE_RATIO = 0.5


def near_duplicate_pairs(texts: Sequence[str], threshold: float = 0.8) -> list[tuple[int, int, float]]:
    """Pairs (i, j, containment) with i < j whose shingle overlap, over the smaller set, is >= ``threshold``
    and whose shingle sets differ in size by at most a factor of two."""
    sets = [shingles(text) for text in texts]
    index: dict[str, list[int]] = defaultdict(list)
    for doc, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(doc)
    pairs = []
    for doc, grams in enumerate(sets):
        if not grams:
            continue
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            posting = index[gram]
            if len(posting) > _COMMON:
                continue
            for other in posting:
                if other > doc:
                    shared[other] += 1
        for other, count in shared.items():
            small, large = sorted((len(grams), len(sets[other])))
            if small < _MIN_SIZE_RATIO * large:
                continue
            score = count / small
            if score >= threshold:
                pairs.append((doc, other, round(score, 3)))
    return pairs


def containing(texts: Sequence[str], others: Sequence[str], min_length: int) -> set[int]:
    """Indices of ``texts`` that hold one of ``others`` whole, compared squashed; only ``others`` of at least
    ``min_length`` squashed characters count. ``near_duplicate_pairs`` leaves these out (a quotation is not a
    duplicate); where a held-out text must not reach training at all, they matter."""
    short = {s for s in map(squash, others) if len(s) >= min_length}
    return {i for i, text in enumerate(map(squash, texts)) if any(s in text for s in short)}


def near_duplicate_groups(texts: Sequence[str], threshold: float = 0.8) -> list[int]:
    """A group id per text; near-duplicates (transitively) share one. Ids are the smallest member index."""
    return linked_groups(len(texts), ((i, j) for i, j, _ in near_duplicate_pairs(texts, threshold)))


def linked_groups(n: int, links: Iterable[tuple[int, int]]) -> list[int]:
    """A group id per index of ``range(n)`` once every linked pair is joined, transitively (union-find); ids are
    the smallest member index, whatever the order of the links."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in links:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(n)]


def shared_phrases(texts: Sequence[str], length: int = 10) -> list[tuple[int, int, str]]:
    """Pairs of texts (i < j) that share a phrase of ``length`` characters (punctuation and spaces ignored)."""
    owner: dict[str, int] = {}
    found = []
    for doc, text in enumerate(texts):
        s = squash(text)
        reported: set[int] = set()
        for k in range(len(s) - length + 1):
            gram = s[k : k + length]
            first = owner.setdefault(gram, doc)
            if first != doc and first not in reported:
                reported.add(first)
                found.append((first, doc, gram))
    return found
