"""The character reader (model/reader.py): its NumPy reading against PyTorch's and against a one-text-at-a-time
reference, the cells it is read on, the array checks, and a classifier with a reader saved, loaded and scored
from its arrays. Tests that train or compare with PyTorch skip where it is not installed."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from complaintmine.labels import TARGETS
from complaintmine.model.reader import READER_SETTINGS, Reader, check_reader, fit_reader, reader_blend, reader_cells

from ..conftest import needs_blas_threads

DOCS = ["尾款涨价了，赠品没给", "发货很快", "说好0天发货，一周了还没动静", "", "价保不给补", "很满意", "没"]
TINY = {**READER_SETTINGS["gru-128"], "dim": 8, "hidden": 6, "epochs": 40, "batch": 8, "learning_rate": 0.03}
TINY.update(dropout=0.0, max_chars=12)


def _random_reader(seed: int = 0, chars: str = "尾款涨价了赠品没给发货很快说好天", hidden: int = 6) -> Reader:
    dim = 5
    rng = np.random.default_rng(seed)

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    embedding = r(len(chars) + 2, dim)
    embedding[0] = 0
    return Reader(
        chars=np.asarray(list(chars)),
        embedding=embedding,
        input=r(2, 3 * hidden, dim),
        hidden=r(2, 3 * hidden, hidden),
        bias=r(2, 2, 3 * hidden),
        attention=r(2 * hidden + 1),
        out=r(len(TARGETS), 4 * hidden + 1),
        weight=1 / 3,
        max_chars=12,
    )


def _one_text(reader: Reader, ids: np.ndarray) -> np.ndarray:
    """The reader's logits for one text, written out step by step (no batching, no lookup table)."""
    size = reader.hidden.shape[2]

    def run(direction: int, sequence: np.ndarray) -> list[np.ndarray]:
        h, states = np.zeros(size), []
        for i in sequence:
            x = reader.embedding[i].astype(np.float64)
            gi = reader.input[direction] @ x + reader.bias[direction, 0]
            gh = reader.hidden[direction] @ h + reader.bias[direction, 1]
            r = 1 / (1 + np.exp(-(gi[:size] + gh[:size])))
            z = 1 / (1 + np.exp(-(gi[size : 2 * size] + gh[size : 2 * size])))
            n = np.tanh(gi[2 * size :] + r * gh[2 * size :])
            h = (1 - z) * n + z * h
            states.append(h)
        return states

    forward, backward = run(0, ids), run(1, ids[::-1])[::-1]
    states = np.stack([np.r_[f, b] for f, b in zip(forward, backward)])
    scores = states @ reader.attention[:-1] + reader.attention[-1]
    weights = np.exp(scores - scores.max())
    weights /= weights.sum()
    pooled = np.r_[weights @ states, states.max(axis=0)]
    return reader.out[:, :-1] @ pooled + reader.out[:, -1]


def test_batched_reading_equals_reading_one_text_at_a_time():
    reader = _random_reader()
    docs = [*DOCS, "尾款" * 20]  # the last is cut at max_chars
    got = reader.logits(docs)
    for doc, row, ids in zip(docs, got, reader.encode(docs)):
        assert len(ids) == max(1, min(len(doc), reader.max_chars))
        np.testing.assert_allclose(row, _one_text(reader, ids), rtol=0, atol=1e-4)
    np.testing.assert_allclose(np.vstack([reader.logits([d]) for d in docs]), got, rtol=0, atol=1e-5)
    assert reader.encode(["x尾"])[0].tolist() == [1, 2]  # unknown characters read as 1, the first known as 2


def test_reading_many_texts_in_several_batches_equals_reading_each_alone():
    reader = _random_reader(seed=5)
    rng = np.random.default_rng(1)
    alphabet = list("尾款涨价了赠品没给发货很快说好天x")
    docs = ["".join(rng.choice(alphabet, size=int(k))) for k in rng.integers(0, 20, 150)]  # 3 batches of 64
    got = reader.logits(docs)
    np.testing.assert_allclose(got, np.vstack([reader.logits([d]) for d in docs]), rtol=0, atol=1e-5)
    for k in (0, 70, 149):
        np.testing.assert_allclose(got[k], _one_text(reader, reader.encode([docs[k]])[0]), rtol=0, atol=1e-4)


def test_numpy_reading_equals_pytorchs_packed_gru():
    torch = pytest.importorskip("torch")
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    reader = _random_reader(seed=3)
    hidden, dim = reader.hidden.shape[2], reader.embedding.shape[1]
    gru = torch.nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
    names = {"weight_ih": reader.input, "weight_hh": reader.hidden}
    names.update(bias_ih=reader.bias[:, 0], bias_hh=reader.bias[:, 1])
    directions = ((0, ""), (1, "_reverse"))
    state = {f"{name}_l0{suffix}": torch.tensor(value[d]) for name, value in names.items() for d, suffix in directions}
    gru.load_state_dict(state)
    ids = reader.encode(DOCS)
    lengths = torch.tensor([len(i) for i in ids])
    x = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)
    for row, seq in enumerate(ids):
        x[row, : len(seq)] = torch.tensor(seq)
    with torch.no_grad():
        embedded = torch.tensor(reader.embedding)[x]
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        states = pad_packed_sequence(gru(packed)[0], batch_first=True)[0]
        keep = x > 0
        attention, out = torch.tensor(reader.attention), torch.tensor(reader.out)
        weights = (states @ attention[:-1] + attention[-1]).masked_fill(~keep, -1e4).softmax(1)
        maxed = states.masked_fill(~keep.unsqueeze(-1), -1e4).amax(1)
        pooled = torch.cat([(states * weights.unsqueeze(-1)).sum(1), maxed], 1)
        expected = (pooled @ out[:, :-1].T + out[:, -1]).numpy()
    np.testing.assert_allclose(reader.logits(DOCS), expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("threshold", [0.5, 0.2, 0.8])
def test_the_reader_is_read_only_where_it_can_change_the_decision(threshold):
    rng = np.random.default_rng(0)
    n, labels = 400, np.asarray([0, 1, 3])
    blended, read = rng.random((n, len(TARGETS))), rng.random((n, len(TARGETS)))
    read[:40] = np.round(read[:40])  # readers that say 0 or 1 outright
    gated = rng.random((n, len(labels))) < 0.5
    thresholds = np.full(len(TARGETS), threshold)
    cells = reader_cells(gated, labels, blended, thresholds, 1 / 3)
    assert not cells[:, [2, 4, 5]].any() and cells.any() and (cells[:, labels] <= gated).all()

    class Fixed:
        weight = 1 / 3

        def proba(self, documents: list[str]) -> np.ndarray:
            return read[[int(d) for d in documents]]

    got = reader_blend(Fixed(), blended, cells, lambda rows: [str(r) for r in rows])  # type: ignore[arg-type]
    everywhere = blended.copy()  # the average on every gated cell: the design cross-validation measured
    mask = np.zeros_like(cells)
    mask[:, labels] = gated
    everywhere[mask] = (2 * blended[mask] + read[mask]) / 3
    assert ((got >= threshold) == (everywhere >= threshold)).all()
    assert (got[~cells] == blended[~cells]).all()
    np.testing.assert_allclose(got[cells], everywhere[cells], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda a: a.pop("reader_out"), "reader arrays missing: reader_out"),
        (lambda a: a.update(reader_out=a["reader_out"][:, :-1]), "reader_out has shape"),
        (lambda a: a.update(reader_chars=np.asarray(["ab", "c"])), "single characters"),
        (lambda a: a["reader_hidden"].__setitem__((0, 0, 0), np.nan), "reader_hidden holds NaN"),
        (lambda a: a.update(reader_settings=np.asarray([1.5, 300.0])), "weight in [0, 1)"),
        (lambda a: a.update(reader_settings=np.asarray([1.0, 300.0])), "weight in [0, 1)"),  # divides by 1 - w
        (lambda a: a.update(reader_settings=np.asarray([0.3, 1e15])), "max_chars from 1 to 4096"),
        (lambda a: a.update(reader_settings=np.asarray([0.3, 12.5])), "whole max_chars"),
        (lambda a: a.update(reader_chars=np.asarray(["尾"] * len(a["reader_chars"]))), "distinct single characters"),
        (lambda a: a.update(reader_embedding=np.zeros((200_000, 5), np.float32)), "larger than allowed"),
        (lambda a: a.update(reader_input=a["reader_input"].astype(np.int64)), "reader_input has dtype"),
    ],
)
def test_damaged_reader_arrays_are_named(damage, problem):
    arrays = _random_reader().arrays()
    assert check_reader(arrays, len(TARGETS), True) == [] and check_reader({}, len(TARGETS), False) == []
    damage(arrays)
    assert any(problem in p for p in check_reader(arrays, len(TARGETS), True))
    assert Reader.from_arrays({}) is None


def test_a_model_file_with_a_reader_and_no_forest_is_refused(tmp_path):
    """The reader reads the cells the forest's gate opens: a scoring file holding one without the other (hashes
    consistent) is refused on load, naming the file, as check_reader says."""
    import shutil

    import complaintmine as cm
    from complaintmine.errors import ModelError

    from ..integration.test_model_validation import FROZEN, arrays_of, write_arrays

    arrays = _random_reader().arrays()
    assert check_reader(arrays, len(TARGETS), forest=False) == [
        "a reader needs the boosted trees' arrays (it reads the cells their gate opens)"
    ]
    model = tmp_path / "model"
    shutil.copytree(FROZEN, model)
    write_arrays(model, {**arrays_of(model), **arrays})
    with pytest.raises(ModelError, match=r"scorer\.npz: .*a reader needs the boosted trees"):
        cm.load_model(model)


def test_training_without_pytorch_names_the_extra(monkeypatch):
    from complaintmine.errors import TrainingError

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(TrainingError, match=r"complaintmine\[reader\]"):
        fit_reader(DOCS, np.zeros((len(DOCS), len(TARGETS)), int), "gru-128", seed=0)
    with pytest.raises(TrainingError, match="reader must be one of"):
        fit_reader(DOCS, np.zeros((len(DOCS), len(TARGETS)), int), "huge", seed=0)


def _labelled() -> tuple[list[str], np.ndarray]:
    """Word order decides: 没 before 给 is a gift not given, 给 ... 没 问题 is fine."""
    texts = ["赠品没给", "没给赠品", "赠品给了没问题", "给了赠品没问题", "发货没给单号", "单号给了没事"] * 4
    Y = np.zeros((len(texts), len(TARGETS)), int)
    Y[[i for i, t in enumerate(texts) if t in ("赠品没给", "没给赠品")], 2] = 1
    return texts, Y


def test_a_trained_reader_learns_and_scores_the_same_from_its_arrays(monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.setitem(READER_SETTINGS, "tiny", TINY)
    texts, Y = _labelled()
    reader = fit_reader(texts, Y, "tiny", seed=0)
    again = Reader.from_arrays(reader.arrays())
    assert again is not None and check_reader(reader.arrays(), len(TARGETS), True) == []
    proba = again.proba(texts)
    assert ((proba[:, 2] >= 0.5) == (Y[:, 2] == 1)).all()
    np.testing.assert_array_equal(fit_reader(texts, Y, "tiny", seed=0).out, reader.out)  # seeded


def test_a_classifier_with_a_reader_saves_loads_and_scores_the_same_from_its_arrays(monkeypatch, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("lightgbm")
    import complaintmine as cm
    from complaintmine.model.classifier import ComplaintClassifier
    from complaintmine.model.runtime import Model
    from complaintmine.model.scorer import LinearScorer

    monkeypatch.setitem(READER_SETTINGS, "tiny", TINY)
    texts, Y = _labelled()
    Y[:4, 0] = 1  # every target needs both classes for the forest to be fitted on it
    said: list[str] = []
    clf = ComplaintClassifier(C=1.0, tune_thresholds=False, min_df=1, forest="trees-200", reader="tiny").fit(
        texts, Y, progress=said.append
    )
    assert clf.reader_ is not None
    epochs = TINY["epochs"]
    assert said[-epochs:] == [f"the reader, epoch {k} of {epochs}" for k in range(1, epochs + 1)]
    scorer = LinearScorer.from_classifier(clf)
    assert scorer is not None and scorer.reader is not None
    probe = [*texts, "赠品到现在没给", "赠品给了", ""]
    np.testing.assert_allclose(scorer.predict_proba(probe), clf.predict_proba(probe), rtol=0, atol=1e-6)
    cm.save_model(Model(clf, {"name": "t", "version": "1"}), tmp_path / "m")
    loaded = cm.load_model(tmp_path / "m")
    assert loaded.scorer is not None and loaded.scorer.reader is not None
    np.testing.assert_allclose(loaded.predict_proba(probe), clf.predict_proba(probe), rtol=0, atol=1e-6)
    np.testing.assert_allclose(loaded.classifier.predict_proba(probe), clf.predict_proba(probe), rtol=0, atol=1e-6)
    with pytest.raises(cm.TrainingError, match="it needs a forest"):
        ComplaintClassifier(tune_thresholds=False, reader="tiny").fit(texts, Y)


def test_explanations_weigh_in_what_the_reader_loses_without_each_word(monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("lightgbm")
    import complaintmine.model.explain as explain
    import complaintmine.model.gated as gated
    from complaintmine.model.classifier import ComplaintClassifier
    from complaintmine.model.runtime import Model
    from complaintmine.model.scorer import LinearScorer

    monkeypatch.setitem(READER_SETTINGS, "tiny", TINY)
    texts, Y = _labelled()
    Y[:4, 0] = 1
    clf = ComplaintClassifier(C=1.0, tune_thresholds=False, min_df=1, forest="trees-200", reader="tiny").fit(texts, Y)
    model = Model(clf, {"name": "t", "version": "1"}, scorer=LinearScorer.from_classifier(clf))
    text, label = "赠品没给", "gift_not_honored"

    # open every gated cell to the reader, so that this text's label is explained with it whatever its probability
    def every_gated_cell(gated: np.ndarray, labels: np.ndarray, blended: np.ndarray, *rest: object) -> np.ndarray:
        cells = np.zeros(blended.shape, dtype=bool)
        cells[:, labels] = gated
        return cells

    monkeypatch.setattr(gated, "reader_cells", every_gated_cell)  # where scoring and explanations find the cells
    with_reader = explain.Explainer(model)
    assert with_reader._opened([text], with_reader.space.featurize([text]))[1][0, 2]
    without = explain.Explainer(model)
    without.reader = None
    base = {e.term: e.weight for e in without.explain(text, [label], top=10)[label]}
    got = {e.term: e.weight for e in with_reader.explain(text, [label], top=10)[label]}
    tokens = with_reader._tokens(text, explain.normalize_with_offsets(text), None)
    lost = dict(zip([t[0] for t in tokens], with_reader._without_each_word(text, tokens, 2)))
    w = with_reader.reader.weight
    for term, weight in got.items():
        assert weight == pytest.approx((1 - w) * base.get(term, 0.0) + w * lost[term], abs=1e-9)
    assert got and any(abs(v) > 1e-3 for v in lost.values())  # the reader's part moved the evidence
    # the cut texts are read as scoring reads them: a traditional twin (normalised one character for one, so the
    # same offsets) loses the same per word, and a cut at the wrong offsets would not
    twin = "贈品沒給"
    twin_tokens = with_reader._tokens(twin, explain.normalize_with_offsets(twin), None)
    assert [(a, b) for _, a, b in twin_tokens] == [(a, b) for _, a, b in tokens]
    np.testing.assert_allclose(with_reader._without_each_word(twin, twin_tokens, 2), list(lost.values()), atol=1e-6)


def test_a_reader_the_settings_cannot_have_is_refused_before_training(monkeypatch):
    """One check, in ComplaintClassifier.fit (every way of training passes there) before anything is fitted:
    the same TrainingError whether the estimator comes from a TrainConfig or is built directly."""
    import complaintmine as cm
    import complaintmine.model.classifier as classifier
    from complaintmine.model.classifier import ComplaintClassifier

    def refused(estimator: ComplaintClassifier) -> str:
        texts, Y = _labelled()
        with pytest.raises(cm.TrainingError) as raised:
            estimator.fit(texts, Y)
        return str(raised.value)

    monkeypatch.setattr(classifier, "fit_forest", None)  # nothing is fitted before the check
    monkeypatch.setattr(classifier.ThresholdedOneVsRest, "fit", None)
    monkeypatch.setattr(classifier, "torch_available", lambda: False)
    pattern = r"PyTorch, not installed: pip install 'complaintmine\[reader\]'"
    assert re.search(pattern, refused(cm.TrainConfig(reader="gru-128").classifier()))
    no_forest = refused(cm.TrainConfig(reader="gru-128", forest="none").classifier())  # before PyTorch is looked for
    assert "needs a forest" in no_forest
    assert refused(ComplaintClassifier(forest="none", reader="gru-128", C=60.0, tune_thresholds=False)) == no_forest
    assert "needs a forest" in refused(cm.TrainConfig(reader="gru-128", features="words").classifier())
    assert "reader must be one of" in refused(cm.TrainConfig(reader="huge").classifier())
    assert cm.TrainConfig().classifier().reader == "none"  # the default trains without PyTorch


def test_reading_holds_blas_to_one_thread_and_restores_it():
    from threadpoolctl import threadpool_info

    reader = _random_reader()
    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    seen = []
    original = reader._batch

    def watched(seqs):
        seen.append([pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"])
        return original(seqs)

    object.__setattr__(reader, "_batch", watched)
    reader.logits(DOCS)
    assert seen and all(threads == [1] * len(before) for threads in seen)
    assert [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"] == before
    import pickle

    used = _random_reader()
    expected = used.logits(DOCS)  # builds the tables and the thread-pool handle
    again = pickle.loads(pickle.dumps(used))
    assert not {"_table", "_index", "_blas"} & set(again.__dict__)
    np.testing.assert_array_equal(again.logits(DOCS), expected)


@needs_blas_threads
@pytest.mark.parametrize("build", ["warm_up", "logits"])
def test_the_input_table_is_built_on_one_blas_thread_however_it_is_built(build):
    """The table's product rounds float32 entries by how BLAS splits it; built by ``warm_up`` (before workers
    fork) or by the first reading, it runs on one thread, so both give the same table."""
    from threadpoolctl import threadpool_info

    seen: list[list[int]] = []

    class Watched(np.ndarray):
        def __matmul__(self, other):
            seen.append([pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"])
            return np.asarray(self) @ other

    reader = _random_reader()
    object.__setattr__(reader, "embedding", reader.embedding.view(Watched))
    reader.warm_up() if build == "warm_up" else reader.logits(DOCS)
    assert len(seen) == 2 and all(counts and set(counts) == {1} for counts in seen)


@needs_blas_threads
def test_readings_in_two_threads_each_keep_blas_to_one_thread():
    """threadpoolctl's limit is the process's: a thread that ended its reading gave the BLAS library its threads
    back while another thread still read (skipped where BLAS has one thread: it could not fail)."""
    import threading

    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    first_inside, second_inside, first_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[list[int]] = []

    def reading(inside: threading.Event, waits_for: threading.Event, timeout: float) -> Reader:
        reader = _random_reader()
        original = reader._batch

        def watched(seqs):
            inside.set()
            waits_for.wait(timeout)
            seen.append(blas_threads())
            return original(seqs)

        object.__setattr__(reader, "_batch", watched)
        return reader

    first = reading(first_inside, second_inside, 0.5)  # waits a moment for the second to start reading
    second = reading(second_inside, first_done, 5.0)  # then reads after the first is done

    def run_first() -> None:
        first.logits(DOCS[:1])
        first_done.set()

    def run_second() -> None:
        first_inside.wait(5.0)
        second.logits(DOCS[:1])

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(seen) == 2 and all(counts and set(counts) == {1} for counts in seen)
