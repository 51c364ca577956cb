"""A character reader (a bidirectional GRU) that reads word order, scored only where the decision is open.

The linear model reads a bag of n-grams and the forest conjunctions of them; neither reads order: whether a 没 or
a 如果 governs the gift word, whether the remedy comes after the complaint. A small recurrent reader trained on
the same corpus (minimal pairs included) does. It is costly per text, so it is scored only on the (text, label)
cells where the linear probability reaches the forest's gate (forest.py), about 1% of a review stream's cells,
and averaged in there:

    p = (1 - weight) * p_forest_blend + weight * p_reader      where p_linear >= gate (weight 1/3: the mean of
    p = p_linear                                               elsewhere                the linear, forest and
                                                                                        reader probabilities)

The reader: each character of the model's character document (the normalised, digit-masked text that the
character n-grams read), cut at ``max_chars``, is embedded (characters seen fewer than ``min_count`` times in
training read as one unknown character), read by a GRU forwards and one backwards, and the states are pooled by
attention and by maximum; a linear layer gives one logit per target. Chosen by 3-fold cross-validation on the
training split (experiments/gated_reader.py; models/README.md, "A reader of word order behind the gate").

Training uses PyTorch (imported only by :func:`fit_reader`; ``pip install complaintmine[reader]``); what is kept
is plain arrays (``reader_*``, in ``scorer.npz`` and the classifier's weights), and scoring is NumPy
(:meth:`Reader.logits`). Sequences are read at their own length (packed), so a text's score does not depend on
the batch it is scored in; tests check the NumPy reading against PyTorch's.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import TrainingError

__all__ = [
    "READER_ARRAYS",
    "READER_SETTINGS",
    "Reader",
    "check_reader",
    "fit_reader",
    "reader_blend",
    "reader_cells",
    "torch_available",
]

# Named settings a TrainConfig can ask for ("none": no reader). "gru-128" is experiments/gated_reader.py's
# (one setting, not tuned; 0.7.0's), "gru-128-e8" the same trained 8 epochs (0.8.0's; chosen over it and over
# reader ensembles by experiments/reader_variants.py). Both read alike, so they cost the same to score.
_GRU_128: dict[str, Any] = {
    "dim": 128,  # character embedding
    "hidden": 128,  # GRU units each way
    "epochs": 5,
    "batch": 32,
    "learning_rate": 2e-3,
    "dropout": 0.4,
    "max_chars": 300,
    "min_count": 2,  # rarer characters read as unknown
    "weight": 1 / 3,  # of the reader's probability on gated cells
}
READER_SETTINGS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "gru-128": _GRU_128,
    "gru-128-e8": {**_GRU_128, "epochs": 8},
}
_BLAS_TURN = threading.RLock()  # one reading at a time holds the process's BLAS limit (Reader._one_blas_thread)
PAD, UNKNOWN = 0, 1  # the first two rows of the embedding
# Limits a model file's reader must keep (check_reader): scoring builds a (2 x vocabulary, 3 x units) table and
# reads at most SCORE_BATCH x MAX_CHARS x 2 x units states at a time.
MAX_CHARS = 4096
MAX_UNITS = 1024
MAX_VOCABULARY = 100_000
SCORE_BATCH = 64  # texts read at a time (longest first: similar lengths, little padding)

# The arrays as they are saved: name -> (dtype kinds, dimensions)
READER_ARRAYS: dict[str, tuple[str, int]] = {
    "reader_chars": ("U", 1),  # the vocabulary: character k has embedding row k + 2
    "reader_embedding": ("f", 2),  # (vocabulary + 2, dim); row 0 (padding) is zero
    "reader_input": ("f", 3),  # (2 directions, 3 * hidden, dim): GRU input weights, gates r, z, n
    "reader_hidden": ("f", 3),  # (2, 3 * hidden, hidden)
    "reader_bias": ("f", 3),  # (2, 2, 3 * hidden): input and hidden biases per direction
    "reader_attention": ("f", 1),  # (2 * hidden + 1,): attention weights, then its bias
    "reader_out": ("f", 2),  # (targets, 4 * hidden + 1): output weights, then the bias
    "reader_settings": ("f", 1),  # [weight, max_chars]
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow warnings


@dataclass(frozen=True)
class Reader:
    chars: np.ndarray
    embedding: np.ndarray
    input: np.ndarray
    hidden: np.ndarray
    bias: np.ndarray
    attention: np.ndarray
    out: np.ndarray
    weight: float
    max_chars: int

    # -- arrays ------------------------------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "reader_chars": np.asarray(self.chars, dtype=str),
            "reader_embedding": self.embedding.astype(np.float32),
            "reader_input": self.input.astype(np.float32),
            "reader_hidden": self.hidden.astype(np.float32),
            "reader_bias": self.bias.astype(np.float32),
            "reader_attention": self.attention.astype(np.float32),
            "reader_out": self.out.astype(np.float32),
            "reader_settings": np.asarray([self.weight, self.max_chars], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Reader | None:
        """The reader in ``arrays``, or None when they hold none. check_reader checks them."""
        if "reader_embedding" not in arrays:
            return None
        weight, max_chars = (float(v) for v in arrays["reader_settings"])
        parts = ("embedding", "input", "hidden", "bias", "attention", "out")
        f32 = {name: np.asarray(arrays[f"reader_{name}"], dtype=np.float32) for name in parts}
        return cls(np.asarray(arrays["reader_chars"]), weight=weight, max_chars=int(max_chars), **f32)

    # -- scoring -----------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Build the tables scoring builds on first use (before worker processes fork and share them)."""
        self._projections()
        self.encode([""])

    def encode(self, documents: Sequence[str]) -> list[np.ndarray]:
        """Character ids of each document (at least one: an empty text reads as one unknown character)."""
        index = getattr(self, "_index", None)
        if index is None:
            index = {ch: k + 2 for k, ch in enumerate(self.chars.tolist())}
            object.__setattr__(self, "_index", index)
        return [
            np.fromiter((index.get(ch, UNKNOWN) for ch in doc[: self.max_chars]), dtype=np.intp)
            if doc
            else np.asarray([UNKNOWN], dtype=np.intp)
            for doc in documents
        ]

    def logits(self, documents: Sequence[str]) -> np.ndarray:
        """Logits per target, shape (len(documents), targets); batch-independent (each read at its length)."""
        ids = self.encode(documents)
        out = np.zeros((len(ids), self.out.shape[0]), dtype=np.float32)
        order = np.argsort([-len(s) for s in ids], kind="stable")  # longest first: live rows are a prefix
        with self._one_blas_thread():
            for start in range(0, len(order), SCORE_BATCH):
                rows = order[start : start + SCORE_BATCH]
                out[rows] = self._batch([ids[r] for r in rows])
        return out

    @contextmanager
    def _one_blas_thread(self) -> Iterator[None]:
        """While reading, the BLAS library runs the small matrix products on the calling thread. Its own
        threads would spin on the cores other worker processes score on: ``classify --workers 2`` took 26 s
        instead of 8.7 s on 300,000 rows with them. The limit is restored when reading ends; it holds for the
        whole process meanwhile (threadpoolctl sets the library's thread count), so in a program that also runs
        BLAS work in other threads, that work runs on one thread while a text is read.

        Readings in several threads of one process (Dask's threaded scheduler) take turns (``_BLAS_TURN``):
        threadpoolctl's limit is the process's, so a thread ending its reading would give the BLAS library its
        threads back while another still reads, whose products (the input table's) could then round otherwise."""
        controller = getattr(self, "_blas", None)
        if controller is None:
            from threadpoolctl import ThreadpoolController

            controller = ThreadpoolController()
            object.__setattr__(self, "_blas", controller)
        with _BLAS_TURN, controller.limit(limits=1, user_api="blas"):
            yield

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the tables and the thread-pool handle it builds on first use."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_table", "_index", "_blas")}

    def proba(self, documents: Sequence[str]) -> np.ndarray:
        return _sigmoid(self.logits(documents).astype(np.float64))

    def _batch(self, seqs: list[np.ndarray]) -> np.ndarray:
        lengths = np.asarray([len(s) for s in seqs])  # longest first
        steps = int(lengths[0])
        hidden = self.hidden.shape[2]
        ids = np.zeros((2, len(seqs), steps), dtype=np.intp)  # forwards, and backwards in the table's second half
        for row, seq in enumerate(seqs):
            ids[0, row, : len(seq)] = seq
            ids[1, row, : len(seq)] = seq[::-1] + len(self.embedding)
        states = np.zeros((len(seqs), steps, 2 * hidden), dtype=np.float32)  # both directions, in reading order
        self._read(ids, lengths, states)
        pad = np.where(np.arange(steps)[None, :] < lengths[:, None], 0.0, -np.inf).astype(np.float32)
        scores = states @ self.attention[:-1] + self.attention[-1] + pad
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights = scores / scores.sum(axis=1, keepdims=True)
        attended = np.einsum("bt,bth->bh", weights, states)
        states += pad[:, :, None]  # padding never wins the maximum
        pooled = np.concatenate([attended, states.max(axis=1)], axis=1)
        result: np.ndarray = pooled @ self.out[:, :-1].T + self.out[:, -1]
        return result

    def _projections(self) -> tuple[np.ndarray, np.ndarray]:
        """The GRU's input projection of every vocabulary entry's embedding (with the input bias), forwards
        then backwards, shape (2 * vocabulary, 3 * hidden): a table lookup replaces a matrix product per
        character; and the hidden weights transposed, (2, hidden, 3 * hidden). Built on first use, on one BLAS
        thread wherever that use is: a product split across BLAS threads rounds some float32 entries differently,
        and a table built by ``warm_up`` (before workers fork) differed from one built while reading, so the
        last printed digit of a probability depended on ``--workers``."""
        table = getattr(self, "_table", None)
        if table is None:
            with self._one_blas_thread():
                projected = [self.embedding @ self.input[d].T + self.bias[d, 0] for d in (0, 1)]
            hidden = np.ascontiguousarray(self.hidden.transpose(0, 2, 1))
            table = (np.concatenate(projected).astype(np.float32), hidden)
            object.__setattr__(self, "_table", table)
        return table

    def _read(self, ids: np.ndarray, lengths: np.ndarray, states: np.ndarray) -> None:
        """Both GRU directions, step by step together (a backward row is live exactly when its forward row is),
        as torch.nn.GRU computes them, over ids (2, rows sorted longest first, steps) left-aligned: written into
        ``states`` in reading order (the backward direction read each text reversed)."""
        table, w_hid = self._projections()
        b_hid = self.bias[:, 1][:, None, :]
        size = w_hid.shape[1]
        h = np.zeros((2, ids.shape[1], size), dtype=np.float32)
        rows = np.arange(ids.shape[1])
        live = ids.shape[1]
        for t in range(ids.shape[2]):
            while live and lengths[live - 1] <= t:
                live -= 1
            now = h[:, :live]
            g = np.matmul(now, w_hid) + b_hid
            p = table[ids[:, :live, t]]  # the input projections of this step's characters, both directions
            rz = _sigmoid(p[..., : 2 * size] + g[..., : 2 * size])
            n = np.tanh(p[..., 2 * size :] + rz[..., :size] * g[..., 2 * size :])
            now = n + rz[..., size:] * (now - n)  # (1 - z) n + z h
            h[:, :live] = now
            states[:live, t, :size] = now[0]
            states[rows[:live], lengths[:live] - 1 - t, size:] = now[1]


def reader_cells(
    gated: np.ndarray, labels: np.ndarray, blended: np.ndarray, thresholds: np.ndarray, weight: float
) -> np.ndarray:
    """The cells the reader is scored on, shape ``blended.shape``: the forest's ``gated`` cells (per text and
    forest label, ``labels`` their target columns) where averaging the reader in can change the decision. With
    threshold t, (1 - w) b + w r crosses t for some r in [0, 1] only if b lies in [(t - w) / (1 - w), t / (1 - w)):
    elsewhere the decision is b's whatever the reader says, so it is not read (it costs about as much per text
    as the rest of the model) and the probability stays b. Decisions are exactly those of the average on every
    gated cell, as cross-validated."""
    cells = np.zeros(blended.shape, dtype=bool)
    low = (thresholds[labels] - weight) / (1.0 - weight)
    high = thresholds[labels] / (1.0 - weight)
    band = (blended[:, labels] >= low) & (blended[:, labels] < high)
    cells[:, labels] = gated & band
    return cells


def reader_blend(
    reader: Reader, blended: np.ndarray, cells: np.ndarray, documents: Callable[[np.ndarray], list[str]]
) -> np.ndarray:
    """``blended`` (the forest's average) with the reader's probability weighed in on ``cells``;
    ``documents(rows)`` gives the character documents of those rows (only rows with a cell are read)."""
    rows = np.flatnonzero(cells.any(axis=1))
    if not len(rows):
        return blended
    read = reader.proba(documents(rows))
    out = blended.copy()
    mine = cells[rows]
    out[rows] = np.where(mine, (1.0 - reader.weight) * blended[rows] + reader.weight * read, blended[rows])
    return out


def check_reader(arrays: Mapping[str, np.ndarray], targets: int, forest: bool) -> list[str]:
    """Problems with the reader arrays of a model file (none: an empty list): all or none present, a forest
    beside them (``forest``: whether the file holds one; the reader reads the forest's gated cells), dtypes,
    shapes that fit together, finite weights, distinct single characters, a weight in [0, 1) and a whole
    max_chars from 1 to MAX_CHARS, and sizes within the limits (what scoring builds from the arrays, the
    per-character table and a batch's states, stays bounded whatever the file says)."""
    present = [name for name in READER_ARRAYS if name in arrays]
    if not present:
        return []
    if not forest:
        return ["a reader needs the boosted trees' arrays (it reads the cells their gate opens)"]
    if len(present) < len(READER_ARRAYS):
        return [f"reader arrays missing: {', '.join(sorted(set(READER_ARRAYS) - set(present)))}"]
    for name, (kinds, ndim) in READER_ARRAYS.items():
        if arrays[name].dtype.kind not in kinds or arrays[name].ndim != ndim:
            return [f"{name} has dtype {arrays[name].dtype} and {arrays[name].ndim} dimension(s)"]
    embedding, w_hid = arrays["reader_embedding"], arrays["reader_hidden"]
    vocabulary, dim = embedding.shape
    hidden = w_hid.shape[2]
    expected = {
        "reader_embedding": (len(arrays["reader_chars"]) + 2, dim),
        "reader_input": (2, 3 * hidden, dim),
        "reader_hidden": (2, 3 * hidden, hidden),
        "reader_bias": (2, 2, 3 * hidden),
        "reader_attention": (2 * hidden + 1,),
        "reader_out": (targets, 4 * hidden + 1),
        "reader_settings": (2,),
    }
    problems = [
        f"{name} has shape {arrays[name].shape}, expected {shape}"
        for name, shape in expected.items()
        if arrays[name].shape != shape
    ]
    if vocabulary < 2 or hidden < 1:
        problems.append("reader_embedding needs the padding and unknown rows; reader_hidden at least one unit")
    if vocabulary > MAX_VOCABULARY or hidden > MAX_UNITS or dim > MAX_UNITS:
        problems.append(
            f"the reader is larger than allowed: at most {MAX_VOCABULARY:,} characters and {MAX_UNITS} units"
        )
    chars = arrays["reader_chars"].tolist()
    if any(len(ch) != 1 for ch in chars) or len(set(chars)) != len(chars):
        problems.append("reader_chars must hold distinct single characters")
    for name in READER_ARRAYS:
        if name != "reader_chars" and not np.isfinite(arrays[name]).all():
            problems.append(f"{name} holds NaN or infinite values")
    weight, max_chars = (float(v) for v in arrays["reader_settings"])
    if not 0.0 <= weight < 1.0 or not (max_chars.is_integer() and 1 <= max_chars <= MAX_CHARS):
        problems.append(f"reader_settings must hold a weight in [0, 1) and a whole max_chars from 1 to {MAX_CHARS}")
    return problems


# -- training (PyTorch) ----------------------------------------------------------------------------------------

NO_TORCH = 'pip install \'complaintmine[reader]\' (scoring needs no PyTorch), or set "reader": "none"'


def torch_available() -> bool:
    """Whether PyTorch can be imported (training a reader needs it), without importing it."""
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def fit_reader(
    documents: Sequence[str], Y: np.ndarray, setting: str, seed: int, progress: Callable[[str], None] | None = None
) -> Reader:
    """Train the reader of ``setting`` on the character documents and their 0/1 targets (all columns).

    Imports PyTorch (TrainingError naming the extra to install when it is missing) and uses its default
    threads; seeded, but PyTorch does not promise the same weights on another machine or version."""
    found = READER_SETTINGS.get(setting)
    if found is None:
        raise TrainingError(f'reader must be one of {", ".join(READER_SETTINGS)}, not "{setting}"')
    chosen: dict[str, Any] = found
    try:
        import torch
        from torch import nn
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    except ImportError:
        raise TrainingError(f'the reader "{setting}" is trained with PyTorch, not installed: {NO_TORCH}') from None
    prepared = [doc[: chosen["max_chars"]] for doc in documents]
    counts = Counter(ch for doc in prepared for ch in doc)
    chars = [ch for ch, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n >= chosen["min_count"]]
    index = {ch: k + 2 for k, ch in enumerate(chars)}
    encoded = [[index.get(ch, UNKNOWN) for ch in doc] or [UNKNOWN] for doc in prepared]
    lengths = np.asarray([len(e) for e in encoded])
    dim, hidden = chosen["dim"], chosen["hidden"]

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(len(chars) + 2, dim, padding_idx=PAD)
            self.rnn = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
            self.att = nn.Linear(2 * hidden, 1)
            self.drop = nn.Dropout(chosen["dropout"])
            self.out = nn.Linear(4 * hidden, Y.shape[1])

        def forward(self, x: Any, n: Any) -> Any:
            packed = pack_padded_sequence(self.drop(self.emb(x)), n, batch_first=True, enforce_sorted=False)
            states, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=x.shape[1])
            keep = x > PAD
            weights = self.att(states).squeeze(-1).masked_fill(~keep, -1e4).softmax(1)
            attended = (states * weights.unsqueeze(-1)).sum(1)
            maxed = states.masked_fill(~keep.unsqueeze(-1), -1e4).amax(1)
            return self.out(self.drop(torch.cat([attended, maxed], 1)))

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = Net()
    positives = Y.sum(0)
    balance = np.sqrt(np.minimum((len(Y) - positives) / np.maximum(positives, 1), 10))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(balance, dtype=torch.float32))
    optimizer = torch.optim.AdamW(net.parameters(), lr=chosen["learning_rate"])
    targets = torch.from_numpy(np.asarray(Y, dtype=np.float32))
    for epoch in range(chosen["epochs"]):
        if progress:
            progress(f"the reader, epoch {epoch + 1} of {chosen['epochs']}")
        net.train()
        for batch in _length_batches(lengths, chosen["batch"], rng):
            x = torch.zeros(len(batch), int(lengths[batch].max()), dtype=torch.long)
            for row, i in enumerate(batch):
                x[row, : lengths[i]] = torch.tensor(encoded[i])
            loss = loss_fn(net(x, torch.from_numpy(lengths[batch])), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    state = {name: value.detach().numpy() for name, value in net.state_dict().items()}
    return Reader(
        chars=np.asarray(chars, dtype=str),
        embedding=state["emb.weight"],
        input=np.stack([state["rnn.weight_ih_l0"], state["rnn.weight_ih_l0_reverse"]]),
        hidden=np.stack([state["rnn.weight_hh_l0"], state["rnn.weight_hh_l0_reverse"]]),
        bias=np.stack(
            [
                np.stack([state["rnn.bias_ih_l0"], state["rnn.bias_hh_l0"]]),
                np.stack([state["rnn.bias_ih_l0_reverse"], state["rnn.bias_hh_l0_reverse"]]),
            ]
        ),
        attention=np.r_[state["att.weight"].ravel(), state["att.bias"]],
        out=np.c_[state["out.weight"], state["out.bias"]],
        weight=float(chosen["weight"]),
        max_chars=int(chosen["max_chars"]),
    )


def _length_batches(lengths: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of similar length (less padding), in random order: shuffled, then sorted within blocks of 50."""
    order = rng.permutation(len(lengths))
    out = []
    for start in range(0, len(order), size * 50):
        block = order[start : start + size * 50]
        block = block[np.argsort(lengths[block], kind="stable")]
        out += [block[k : k + size] for k in range(0, len(block), size)]
    return [out[i] for i in rng.permutation(len(out))]
