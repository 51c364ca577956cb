"""The out-of-fold dumps the design experiments of issue #13 share, written and read in one place.

``gated_reader.py --dump`` writes the base dump (the labels, each row's part, and the linear, forest, shipped and
reader probabilities out of fold); ``reader_variants.py``, ``reader_guidance.py`` and ``reader_pretrained.py``
``--dump`` their readers' probabilities. stacking.py, reader_variants.py, reader_guidance.py and
reader_pretrained.py read them (``--from SEED.npz``, ``--readers VAR.npz``) and draw the folds again from their
own ``--seed``: out-of-fold probabilities only combine on the folds they were made on. So each dump records the
fold seed it was made with (``seed``), and :func:`load` refuses a dump of another seed or another corpus.

Dumps written before they recorded the seed are read as before, with a note on standard error: whether they
match cannot be told from them (their labels and parts are the same on every seed). They also hold the parts as
a pickled object array, which is why they alone are read with pickling allowed; later dumps store plain strings.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np


def save(path: str | Path, seed: int, **arrays: np.ndarray) -> None:
    """``arrays`` (one row per training text) into ``path``, with the fold seed they were made with."""
    np.savez(path, seed=np.int64(seed), **arrays)


def load(flag: str, seed: int, Y: np.ndarray) -> Any:
    """The dump the command line names after ``flag``; SystemExit unless it was made on the folds of ``seed``
    and on the corpus whose training labels are ``Y``."""
    path = sys.argv[sys.argv.index(flag) + 1]
    dump = np.load(path)
    if "seed" not in dump.files:
        print(f"note: {path} records no fold seed (an older dump); taken to be seed {seed}'s", file=sys.stderr)
        dump = np.load(path, allow_pickle=True)
    elif int(dump["seed"]) != seed:
        raise SystemExit(
            f"{path} was made on the folds of seed {int(dump['seed'])}, this run draws seed {seed}'s: "
            "out-of-fold probabilities of other folds do not combine (pass --seed and dumps of one seed)"
        )
    if "Y" in dump.files and not np.array_equal(dump["Y"], Y):
        raise SystemExit(f"{path} was made on another corpus")
    if any(dump[name].shape[:1] != Y.shape[:1] for name in dump.files if name != "seed"):
        raise SystemExit(f"{path} was made on another corpus: not one row per training text")
    return dump
