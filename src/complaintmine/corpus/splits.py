"""Train/test split assignment for the corpus: per near-duplicate group, stratified, stable.

20% of near-duplicate groups go to ``test``, stratified by the group's rarest label and chosen by a hash of the
group's first text, so a rebuild assigns the same splits. Near-duplicates never straddle splits. Texts that
already have a split keep it (a held-out text must never move into training); new texts join the split of a
near-duplicate already there, and the rest are split among themselves by the same rule. A new text that is a
near-duplicate of both a training and a test text is left out (None): it cannot be placed without leaking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .dedup import near_duplicate_groups

PRIORITY = ("false_lowest_price", "price_hike", "late_shipping", "gift_not_honored", "no_price_protection")
TEST_SHARE = 5  # one group in five
_RARITY = (*PRIORITY, "presale", "other")


def stratum(labels: Sequence[str], presale: int) -> str:
    """The stratum of a labelled text: its rarest issue label, else ``presale`` or ``other``."""
    for name in PRIORITY:
        if name in labels:
            return name
    return "presale" if presale else "other"


def assign_splits(
    texts: Sequence[str], strata: Sequence[str], fixed: Sequence[str | None] | None = None
) -> list[str | None]:
    """``train``/``test`` per text (see the module docstring); ``fixed`` holds the split of texts that already
    have one. None in the result marks a text left out (it bridges a training and a test group)."""
    fixed = list(fixed) if fixed is not None else [None] * len(texts)
    groups = near_duplicate_groups(list(texts))
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    split: list[str | None] = ["train"] * len(texts)
    by_stratum: dict[str, list[int]] = {}
    for g, idx in members.items():
        known = {fixed[i] for i in idx if fixed[i] is not None}
        if known:
            joined = known.pop() if len(known) == 1 else None
            for i in idx:
                split[i] = fixed[i] if fixed[i] is not None else joined
            continue
        rarest = min((strata[i] for i in idx), key=_RARITY.index)
        by_stratum.setdefault(rarest, []).append(g)
    for group_ids in by_stratum.values():
        ordered = sorted(group_ids, key=lambda g: hashlib.sha1(texts[g].encode("utf-8")).hexdigest())
        for rank, g in enumerate(ordered):
            if rank % TEST_SHARE == TEST_SHARE - 1:
                for i in members[g]:
                    split[i] = "test"
    return split
