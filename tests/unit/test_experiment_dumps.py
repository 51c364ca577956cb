"""experiments/dumps.py: the design experiments refuse out-of-fold dumps made on other folds or another corpus."""

import sys

import numpy as np
import pytest

from ..conftest import ROOT

Y = np.array([[1, 0], [0, 1], [0, 0]])


@pytest.fixture
def dumps(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))  # as `python experiments/stacking.py` has it
    import dumps

    return dumps


def _load(dumps, monkeypatch, path, seed):
    monkeypatch.setattr(sys, "argv", ["stacking.py", "--from", str(path), "--seed", str(seed)])
    return dumps.load("--from", seed, Y)


def test_a_dump_of_the_runs_seed_is_read_without_pickling(dumps, monkeypatch, tmp_path):
    part = np.array(["real", "team", "pair"], dtype=object)  # as gated_reader.py computes it
    dumps.save(tmp_path / "seed1.npz", 1, Y=Y, part=part.astype(str), linear=np.full(Y.shape, 0.5))
    dump = _load(dumps, monkeypatch, tmp_path / "seed1.npz", 1)
    assert np.array_equal(dump["Y"], Y) and dump["part"].tolist() == ["real", "team", "pair"]
    assert int(dump["seed"]) == 1


def test_a_dump_of_another_seed_is_refused(dumps, monkeypatch, tmp_path):
    dumps.save(tmp_path / "var1.npz", 1, r8=np.zeros(Y.shape))
    with pytest.raises(SystemExit, match="made on the folds of seed 1, this run draws seed 0's"):
        _load(dumps, monkeypatch, tmp_path / "var1.npz", 0)


@pytest.mark.parametrize("arrays", [{"Y": 1 - Y}, {"r8": np.zeros((4, 2))}])
def test_a_dump_of_another_corpus_is_refused(dumps, monkeypatch, tmp_path, arrays):
    dumps.save(tmp_path / "other.npz", 0, **arrays)
    with pytest.raises(SystemExit, match="made on another corpus"):
        _load(dumps, monkeypatch, tmp_path / "other.npz", 0)


def test_an_older_dump_without_a_seed_is_read_as_before_with_a_note(dumps, monkeypatch, tmp_path, capsys):
    """Dumps written before the seed was recorded: their parts are a pickled object array (as in /work/gr18)."""
    np.savez(tmp_path / "seed0.npz", Y=Y, part=np.array(["real", "team", "pair"], dtype=object))
    dump = _load(dumps, monkeypatch, tmp_path / "seed0.npz", 0)
    assert dump["part"].tolist() == ["real", "team", "pair"]
    assert "records no fold seed" in capsys.readouterr().err
