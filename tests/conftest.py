from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("COMPLAINTMINE_SHARED", ROOT.parent / "shared"))
POOL = SHARED / "corpora" / "real_reviews.csv"


@pytest.fixture(scope="session")
def tiny_corpus_path() -> Path:
    return DATA / "tiny_corpus.csv"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory):
    """A model trained on the tiny team-written corpus and saved to disk (train -> save)."""
    import complaintmine as cm
    from complaintmine.model.model_card import write_model_card
    from complaintmine.model.training import train_and_report

    trained = train_and_report(cm.load_corpus(DATA / "tiny_corpus.csv"), cm.TrainConfig(min_df=1, cv=2))
    directory = tmp_path_factory.mktemp("models") / "tiny"
    cm.save_model(trained, directory)
    write_model_card(trained, directory)
    return directory


def _blas_threads() -> int:
    import numpy  # noqa: F401 - loads the BLAS library threadpoolctl looks for
    from threadpoolctl import threadpool_info

    return max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=1)


# For tests of what BLAS's own threads change: where it has one thread (one core, OPENBLAS_NUM_THREADS=1) they
# could not fail, so they are skipped rather than counted as passed.
needs_blas_threads = pytest.mark.skipif(_blas_threads() < 2, reason="BLAS runs one thread here")

FROZEN = DATA / "models" / "frozen-tiny-0.1.0"  # a committed model file: old versions must keep loading


@pytest.fixture(scope="session")
def frozen_model():
    """The frozen tiny model, loaded once (its version warning silenced: a frozen model outlives the library's)."""
    import warnings

    import complaintmine as cm
    from complaintmine.model.artifact import ModelVersionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        return cm.load_model(FROZEN)


def complaints_file(path: Path, rows: int = 40, gift: str = "赠品没给") -> Path:
    """A CSV of ``rows`` short complaints (``id``, ``text``), one of five kinds after another, numbered."""
    texts = ["尾款涨了五十", gift, "发货太慢了", "买完就降价不保价", "好评"]
    path.write_text("id,text\n" + "".join(f"{n},{texts[n % len(texts)]}{n}\n" for n in range(rows)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shared_pool() -> Path:
    if not POOL.exists():
        pytest.skip(f"{POOL} not available")
    return POOL


def entry_point() -> list[str]:
    """The installed `complaintmine` console script next to this interpreter."""
    script = Path(sys.executable).with_name("complaintmine")
    if not script.exists():
        pytest.fail(f"console script {script} missing: is the package installed (pip install -e .)?")
    return [str(script)]
