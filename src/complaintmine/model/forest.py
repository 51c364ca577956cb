"""Boosted trees over a model's TF-IDF features, scored only where the linear model is unsure.

A linear model over n-grams cannot learn a conjunction such as "a gift word and no remedy word"; a forest of
boosted trees per issue label can. Their probabilities are averaged, but only where the linear model gives the
label at least ``gate``:

    p = (1 - weight) * p_linear + weight * sigmoid(sum of the text's leaf values)   if p_linear >= gate
    p = p_linear                                                                     otherwise

With weight 0.5 and a gate well below the 0.5 threshold, the forest can still turn most decisions the linear
model is unsure of either way, and a text the linear model is sure has no issue costs nothing more: on the shared
review pool about 1% of (text, label) cells reach a gate of 0.1 (models/README.md has the figures).

Fitting uses LightGBM (imported only by :func:`fit_forest`, i.e. by training); what is kept is plain arrays
(``forest_*``, in ``scorer.npz`` and in the classifier's weights), so scoring needs NumPy only. Every node is a
row: the feature it splits on (a column of the classifier's feature matrix, words then characters), the
threshold (``x <= threshold`` goes left), its two children (a leaf is its own child; a child always comes after
its parent), and its value: a leaf's output, or for an inner node LightGBM's ``internal_value`` (the
hessian-weighted mean output below it, as LightGBM prints it: about six significant digits), from which
:meth:`Forest.contributions` tells what each feature added on a text's path (Saabas's attribution), so
explanations can cover the trees. Splits on n-grams a text lacks (a remedy word that is absent) move its score
too, but point at nothing in the text, so explanations leave them out. Tests check the traversal against LightGBM's own
raw scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..labels import TARGETS
from .tfidf import csr_take

__all__ = ["FOREST_ARRAYS", "FOREST_SETTINGS", "Forest", "check_forest", "fit_forest", "from_boosters", "node_depths"]

# Named settings a TrainConfig can ask for ("none": a linear model). "trees-200" is the forest of
# experiments/boosted_trees.py, chosen there by 3-fold cross-validation on the training split (one setting,
# not tuned; the gate chosen by a rule fixed before its run).
FOREST_SETTINGS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "trees-200": {
        "trees": {
            "n_estimators": 200,
            "learning_rate": 0.1,
            "num_leaves": 31,
            "min_child_samples": 10,
            "colsample_bytree": 0.3,
            "subsample": 0.8,
            "subsample_freq": 1,
            "reg_lambda": 1.0,
        },
        "min_df": 20,  # only features in at least this many training texts
        "weight": 0.5,  # of the forest's probability in the average
        "gate": 0.1,  # the forest is scored where the linear probability is at least this
    },
}

MAX_DEPTH = 64  # LightGBM with 31 leaves grows at most 30 levels; anything deeper is not a forest we wrote
SMALL_ROWS = 5000  # fit_forest trains corpora smaller than this on one thread
BLOCK_ROWS = 512  # gated texts read at a time: their dense columns take BLOCK_ROWS x (1 + used) x 8 bytes

# The arrays as they are saved: name -> (dtype kinds, dimensions)
FOREST_ARRAYS: dict[str, tuple[str, int]] = {
    "forest_feature": ("iu", 1),
    "forest_threshold": ("f", 1),
    "forest_left": ("iu", 1),
    "forest_right": ("iu", 1),
    "forest_value": ("f", 1),
    "forest_roots": ("iu", 2),
    "forest_labels": ("iu", 1),
    "forest_blend": ("f", 1),  # [weight, gate]
}


@dataclass(frozen=True)
class Forest:
    """One forest per label in ``labels`` (target columns), all with the same number of trees."""

    feature: np.ndarray  # per node: the feature matrix column it tests (0 for a leaf)
    threshold: np.ndarray  # per node: x <= threshold goes left
    left: np.ndarray  # per node: child nodes (a leaf: itself)
    right: np.ndarray
    value: np.ndarray  # per node: a leaf's output; an inner node's mean output below it
    roots: np.ndarray  # (len(labels), trees per label): root nodes
    labels: np.ndarray  # target columns the forests score
    weight: float  # of the forest's probability in the average with the linear model's
    gate: float  # the linear probability from which the forest is scored
    used: np.ndarray = field(init=False, repr=False)  # the columns the trees read, sorted
    slot: np.ndarray = field(init=False, repr=False)  # per node: its column's place among `used`
    depth: int = field(init=False, repr=False)  # steps until every path has reached its leaf
    leaf: np.ndarray = field(init=False, repr=False)  # per node: whether it is a leaf

    def __post_init__(self) -> None:
        inner = self.left != np.arange(len(self.left))
        used, slot = np.unique(np.where(inner, self.feature, -1), return_inverse=True)
        if len(used) and used[0] == -1:  # leaves read nothing: point them at column 0 of a (rows, 1 + used) array
            used = used[1:]
        else:
            slot = slot + 1
        object.__setattr__(self, "used", used)
        object.__setattr__(self, "slot", slot.astype(np.intp))
        depths = node_depths(self.left, self.right)
        if depths is None:
            raise ValueError(f"forest trees deeper than {MAX_DEPTH} levels")
        object.__setattr__(self, "depth", int(depths.max(initial=0)))
        object.__setattr__(self, "leaf", ~inner)

    # -- arrays ------------------------------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "forest_feature": self.feature.astype(np.int32),
            "forest_threshold": self.threshold.astype(np.float64),
            "forest_left": self.left.astype(np.int32),
            "forest_right": self.right.astype(np.int32),
            "forest_value": self.value.astype(np.float64),
            "forest_roots": self.roots.astype(np.int32),
            "forest_labels": self.labels.astype(np.int32),
            "forest_blend": np.asarray([self.weight, self.gate], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Forest | None:
        """The forest in ``arrays``, or None when they hold none (a linear model). check_forest checks them."""
        if "forest_roots" not in arrays:
            return None
        weight, gate = (float(v) for v in arrays["forest_blend"])
        index = {name: np.asarray(arrays[f"forest_{name}"], dtype=np.intp) for name in ("feature", "left", "right")}
        return cls(
            index["feature"],
            np.asarray(arrays["forest_threshold"], dtype=np.float64),
            index["left"],
            index["right"],
            np.asarray(arrays["forest_value"], dtype=np.float64),
            np.asarray(arrays["forest_roots"], dtype=np.intp),
            np.asarray(arrays["forest_labels"], dtype=np.intp),
            weight,
            gate,
        )

    # -- scoring -----------------------------------------------------------------------------------------------

    def columns(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> np.ndarray:
        """CSR rows as a dense (rows, 1 + len(used)) array of the columns the trees read (column 0: leaves)."""
        n = len(indptr) - 1
        dense = np.zeros((n, 1 + len(self.used)))
        if not len(self.used) or not len(indices):
            return dense
        place = np.minimum(np.searchsorted(self.used, indices), len(self.used) - 1)
        hit = self.used[place] == indices
        rows = np.repeat(np.arange(n), np.diff(indptr))
        dense[rows[hit], place[hit] + 1] = data[hit]
        return dense

    def cell_leaves(self, dense: np.ndarray, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The leaf reached in each tree by each cell (row ``rows[k]`` of ``dense``, the forest of
        ``labels[positions[k]]``): shape (cells, trees). All the cells walk in one loop, whatever their forest;
        each step moves only the walks not yet at a leaf (most trees are a few levels deep, a few reach 30)."""
        trees = self.roots.shape[1]
        nodes = self.roots[positions].ravel()
        cell = np.repeat(rows * dense.shape[1], trees)  # where each walk's row starts in dense.ravel()
        flat = dense.ravel()
        walking = np.flatnonzero(~self.leaf[nodes])
        while len(walking):
            at = nodes[walking]
            goes_left = np.take(flat, cell[walking] + np.take(self.slot, at)) <= np.take(self.threshold, at)
            following = np.where(goes_left, np.take(self.left, at), np.take(self.right, at))
            nodes[walking] = following
            walking = walking[~np.take(self.leaf, following)]
        leaves: np.ndarray = nodes.reshape(len(positions), trees)
        return leaves

    def cell_raw(self, dense: np.ndarray, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Sum of leaf values per cell (see :meth:`cell_leaves`): LightGBM's raw score of each cell's forest."""
        return np.asarray(self.value[self.cell_leaves(dense, rows, positions)].sum(axis=1))

    def raw(self, dense: np.ndarray, position: int) -> np.ndarray:
        """Sum of leaf values per row of ``dense`` for the forest of ``labels[position]``."""
        n = len(dense)
        return self.cell_raw(dense, np.arange(n), np.full(n, position, dtype=np.int64))

    def gated(self, proba: np.ndarray) -> np.ndarray:
        """Per forest (column) and text (row): whether the forest is scored, shape (len(proba), len(labels))."""
        return np.asarray(proba[:, self.labels] >= self.gate)

    def blend(self, proba: np.ndarray, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> np.ndarray:
        """``proba`` (the linear model's, all targets) with each forest's probability averaged in where the
        linear probability reaches the gate; ``indptr``/``indices``/``data``: the texts' CSR feature rows.
        Gated texts are read BLOCK_ROWS at a time, so the dense columns stay small whatever the input."""
        gated = self.gated(proba)
        out = proba.copy()
        rows = np.flatnonzero(gated.any(axis=1))
        for block in range(0, len(rows), BLOCK_ROWS):
            mine = rows[block : block + BLOCK_ROWS]
            sub_indptr, take = csr_take(indptr, mine)
            dense = self.columns(sub_indptr, indices[take], data[take])
            local, positions = np.nonzero(gated[mine])  # the block's gated cells, row by row
            trees = 1.0 / (1.0 + np.exp(-self.cell_raw(dense, local, positions)))
            target, label = mine[local], self.labels[positions]
            out[target, label] = (1.0 - self.weight) * proba[target, label] + self.weight * trees
        return out

    def contributions(self, dense_row: np.ndarray, position: int) -> tuple[np.ndarray, np.ndarray]:
        """What each feature on one text's paths added to the raw score of the forest of ``labels[position]``
        (the change in node value at each split it decided, summed over trees): (columns, contributions)."""
        nodes = self.roots[position].copy()
        columns: list[np.ndarray] = []
        added: list[np.ndarray] = []
        for _ in range(self.depth):
            inner = self.left[nodes] != nodes
            goes_left = dense_row[self.slot[nodes]] <= self.threshold[nodes]
            following = np.where(goes_left, self.left[nodes], self.right[nodes])
            columns.append(self.feature[nodes[inner]])
            added.append(self.value[following[inner]] - self.value[nodes[inner]])
            nodes = following
        if not columns:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        column, total = np.unique(np.concatenate(columns), return_inverse=True)
        return column, np.bincount(total, weights=np.concatenate(added), minlength=len(column))


def node_depths(left: np.ndarray, right: np.ndarray, limit: int = MAX_DEPTH) -> np.ndarray | None:
    """Each node's depth in its tree (children after their parents, a leaf its own child), or None when a tree
    is deeper than ``limit``: each pass settles one more level, so a tree of depth D settles in D + 1 passes."""
    inner = np.flatnonzero(left != np.arange(len(left)))
    depth = np.zeros(len(left), dtype=np.int64)
    for _ in range(limit + 1):
        settled = depth.copy()
        settled[left[inner]] = depth[inner] + 1
        settled[right[inner]] = depth[inner] + 1
        if np.array_equal(settled, depth):
            return depth
        depth = settled
    return None


def check_forest(arrays: Mapping[str, np.ndarray], width: int, labels: int) -> list[str]:
    """Problems with the forest arrays of a scoring file (none: an empty list), for validate.check_arrays and
    artifact.load_classifier. The nodes must form trees: children after their parents, every node but a root
    the child of exactly one node, the roots exactly the nodes without a parent, each the root of one tree, at
    most MAX_DEPTH levels (so scoring and loading take time and memory in proportion to the file); every
    feature within ``width`` columns, forest labels distinct and below ``labels`` (the issue labels), finite
    values, weight and gate from 0 to 1."""
    present = [name for name in FOREST_ARRAYS if name in arrays]
    if not present:
        return []
    if len(present) < len(FOREST_ARRAYS):
        return [f"forest arrays missing: {', '.join(sorted(set(FOREST_ARRAYS) - set(present)))}"]
    for name, (kinds, ndim) in FOREST_ARRAYS.items():
        if arrays[name].dtype.kind not in kinds or arrays[name].ndim != ndim:
            return [f"{name} has dtype {arrays[name].dtype} and {arrays[name].ndim} dimension(s)"]
    n = len(arrays["forest_feature"])
    if any(len(arrays[f"forest_{name}"]) != n for name in ("threshold", "left", "right", "value")) or n == 0:
        return ["forest node arrays differ in length or are empty"]
    problems = []
    node = np.arange(n)
    left, right = arrays["forest_left"].astype(np.int64), arrays["forest_right"].astype(np.int64)
    leaf = left == node
    if ((right == node) != leaf).any() or (~leaf & ((left <= node) | (right <= node))).any():
        problems.append("forest children must come after their parent (a leaf: itself)")
    if ((left < 0) | (left >= n) | (right < 0) | (right >= n)).any():
        problems.append(f"forest children outside [0, {n})")
    feature = arrays["forest_feature"]
    if len(feature) and (feature.min() < 0 or feature.max() >= width):
        problems.append(f"forest_feature holds columns outside [0, {width})")
    for name in ("forest_threshold", "forest_value", "forest_blend"):
        if not np.isfinite(arrays[name]).all():
            problems.append(f"{name} holds NaN or infinite values")
    roots, forest_labels = arrays["forest_roots"].astype(np.int64), arrays["forest_labels"]
    if roots.shape[0] != len(forest_labels) or roots.size == 0 or roots.min() < 0 or roots.max() >= n:
        problems.append(f"forest_roots must hold one row of nodes in [0, {n}) per forest label")
    labels_seen = forest_labels.tolist()
    if len(forest_labels) and (
        min(labels_seen) < 0 or max(labels_seen) >= labels or len(set(labels_seen)) < len(labels_seen)
    ):
        problems.append(f"forest_labels must be distinct issue labels in [0, {labels})")
    blend = arrays["forest_blend"]
    if blend.shape != (2,) or ((blend < 0) | (blend > 1)).any():
        problems.append("forest_blend must hold a weight and a gate from 0 to 1")
    if problems:
        return problems
    children = np.concatenate([left[~leaf], right[~leaf]])
    parents = np.bincount(children, minlength=n)
    parentless = np.flatnonzero(parents == 0)
    if (
        (parents > 1).any()
        or len(np.unique(roots)) != roots.size
        or not np.array_equal(np.sort(roots.ravel()), parentless)
    ):
        return ["forest nodes must form trees: one parent per node, the roots exactly the parentless nodes, once each"]
    return problems if node_depths(left, right) is not None else [f"forest trees deeper than {MAX_DEPTH} levels"]


def fit_forest(
    X: Any,
    Y: np.ndarray,
    labels: Sequence[int],
    setting: str,
    seed: int = 0,
    sample_weight: Any = None,
    progress: Callable[[str], None] | None = None,
) -> Forest | None:
    """Fit one LightGBM forest per label column of ``Y`` on the CSR matrix ``X`` and keep its node arrays; None
    when no feature occurs in the setting's ``min_df`` texts (a tiny corpus: nothing for trees to split on).
    ``progress``, when given, is told each label's forest as it starts.

    Raises ImportError (with the reason) when LightGBM is not installed: it is needed to train, not to score.
    """
    chosen = FOREST_SETTINGS.get(setting)
    if chosen is None:
        raise ValueError(f"fit_forest needs one of {sorted(set(FOREST_SETTINGS) - {'none'})}, got {setting!r}")
    try:
        import lightgbm
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"training a model with forest={setting!r} needs LightGBM: pip install lightgbm") from exc
    X = X.tocsr().astype(np.float64)
    keep = np.flatnonzero(np.diff(X.tocsc().indptr) >= chosen["min_df"])
    if not len(keep) or not len(labels):
        return None
    boosters = []
    for k, label in enumerate(labels):
        if progress:
            progress(f"boosted trees for {TARGETS[label]} ({k + 1} of {len(labels)})")
        y = np.asarray(Y[:, label], dtype=int)
        balance = (len(y) - y.sum()) / max(int(y.sum()), 1)
        model = lightgbm.LGBMClassifier(  # deterministic: the same corpus and seed give the same trees
            **chosen["trees"],
            scale_pos_weight=balance,
            random_state=seed,
            # Two threads for a real corpus; one below SMALL_ROWS, where threads gain nothing and two processes'
            # spinning OpenMP threads (another LightGBM fit beside this one) slowed a test's tiny fit from 1.4 s
            # to 288 s on two cores. A given corpus always gets the same count, so fits stay reproducible.
            n_jobs=1 if X.shape[0] < SMALL_ROWS else 2,
            deterministic=True,
            force_col_wise=True,
            verbose=-1,
        ).fit(X[:, keep], y, sample_weight=sample_weight)
        boosters.append(model.booster_)
    return from_boosters(boosters, keep, labels, float(chosen["weight"]), float(chosen["gate"]))


def from_boosters(
    boosters: Sequence[Any], columns: np.ndarray, labels: Sequence[int], weight: float, gate: float
) -> Forest:
    """The node arrays of LightGBM boosters (one per label), whose feature ``k`` is column ``columns[k]``."""
    nodes: dict[str, list[Any]] = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}

    def add(node: dict[str, Any]) -> int:
        at = len(nodes["feature"])
        for name, empty in (("feature", 0), ("threshold", 0.0), ("left", at), ("right", at), ("value", 0.0)):
            nodes[name].append(empty)
        if "leaf_value" in node:
            nodes["value"][at] = float(node["leaf_value"])
            return at
        missing = node.get("missing_type", "None")
        zero_left = missing in ("None", "NaN") or node.get("default_left", True)
        if node["decision_type"] != "<=" or not zero_left or float(node["threshold"]) < 0:
            raise ValueError(f"unexpected LightGBM split: {node['decision_type']}, {missing}, {node['threshold']}")
        nodes["feature"][at], nodes["threshold"][at] = int(columns[node["split_feature"]]), float(node["threshold"])
        nodes["value"][at] = float(node.get("internal_value", 0.0))
        nodes["left"][at] = add(node["left_child"])
        nodes["right"][at] = add(node["right_child"])
        return at

    roots = [[add(tree["tree_structure"]) for tree in booster.dump_model()["tree_info"]] for booster in boosters]
    width = max(len(r) for r in roots)
    for r in roots:  # a forest that stopped early: pad with single-leaf trees worth 0
        r.extend(add({"leaf_value": 0.0}) for _ in range(width - len(r)))
    return Forest(
        np.asarray(nodes["feature"], dtype=np.intp),
        np.asarray(nodes["threshold"], dtype=np.float64),
        np.asarray(nodes["left"], dtype=np.intp),
        np.asarray(nodes["right"], dtype=np.intp),
        np.asarray(nodes["value"], dtype=np.float64),
        np.asarray(roots, dtype=np.intp),
        np.asarray(list(labels), dtype=np.intp),
        weight,
        gate,
    )
