"""The adaptation domains of corpora/domains/ (issue 17): well-formed, labelled by the spec, split without leaks,
and new to the project corpus."""

import pandas as pd
import pytest

from complaintmine.corpus.dedup import near_duplicate_groups, near_duplicate_pairs
from complaintmine.corpus.load import load_corpus
from complaintmine.labels import format_labels, parse_labels

from ..conftest import ROOT

DOMAINS = sorted((ROOT / "corpora" / "domains").glob("*.csv"))
COLUMNS = ["id", "text", "labels", "presale", "split", "kind", "author"]


def test_both_domains_are_there():
    assert {path.stem for path in DOMAINS} >= {"ev_orders", "figure_preorders"}


@pytest.mark.parametrize("path", DOMAINS, ids=lambda p: p.stem)
def test_domain_rows_are_well_formed(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    assert frame["id"].is_unique and frame["text"].is_unique
    assert (frame["text"].str.strip() != "").all()
    assert not frame["text"].str.contains("\n").any()
    # canonical label cells: known names, in the spec's order, `other` never with an issue
    assert [format_labels(parse_labels(cell)) for cell in frame["labels"]] == frame["labels"].tolist()
    assert frame["presale"].isin(["0", "1"]).all()
    assert set(frame["split"]) == {"train", "test"}
    assert 0.15 <= (frame["split"] == "test").mean() <= 0.25
    assert (frame["author"] != "").all()


@pytest.mark.parametrize("path", DOMAINS, ids=lambda p: p.stem)
def test_near_duplicates_never_straddle_the_split(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    groups = pd.Series(near_duplicate_groups(frame["text"].tolist()))
    assert (frame.groupby(groups)["split"].nunique() == 1).all()


def test_figure_preorders_holds_four_writers_and_every_label():
    frame = pd.read_csv(ROOT / "corpora" / "domains" / "figure_preorders.csv", dtype=str, keep_default_na=False)
    assert frame["author"].nunique() == 4
    for split in ("train", "test"):
        counts = frame.loc[frame["split"] == split, "labels"].str.split("|").explode().value_counts()
        assert counts.min() >= 30, counts.to_dict()  # enough of each label to measure it on either side
    assert (frame["split"] == "train").sum() >= 1000  # the experiment samples up to 1,000 labels from it


@pytest.mark.slow
def test_figure_preorders_is_new_to_the_project_corpus():
    """No domain text is a near-duplicate of a corpus text (so adapting is measured on a domain the shipped model
    does not know). Without ../shared the real pool is absent and only team texts are checked."""
    domain = pd.read_csv(ROOT / "corpora" / "domains" / "figure_preorders.csv", dtype=str, keep_default_na=False)
    texts = domain["text"].tolist()
    corpus = load_corpus(ROOT / "corpora").frame["text"].tolist()
    crossing = [(i, j) for i, j, _ in near_duplicate_pairs(texts + corpus) if i < len(texts) <= j]
    assert crossing == []
