"""Rows derived from evidence spans (corpus/evidence.py): what each gets, when none is made, and the join."""

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.evidence import derived_rows, parse_spans
from complaintmine.corpus.keys import text_sha1

TEXT = "衣服版型不错，颜色也正。赠品说好送腰带，到现在都没给，客服也不回。洗了一次有点掉色"
GIFT = "赠品说好送腰带，到现在都没给"
LATE_TEXT = "鞋子挺舒服的，尺码也准。说好48小时发货，结果5天才发，赠品也没有给，差评"


def _real(*rows):
    return pd.DataFrame(
        [
            {
                "key": f"real:src:{i}",
                "text": text,
                "labels": labels,
                "presale": presale,
                "split": split,
                "origin": "real",
                "kind": "kw",
                "group": "",
            }
            for i, (text, labels, presale, split) in enumerate(rows)
        ]
    )


def _evidence(real, marks):
    """marks: (row number, label, [substrings]) -> the evidence file's rows, spans found by position."""
    rows = []
    for i, label, pieces in marks:
        text = real["text"][i]
        spans = "|".join(f"{text.index(p)}-{text.index(p) + len(p)}" for p in pieces)
        rows.append(
            {"source": "src", "source_id": str(i), "text_sha1": text_sha1(text), "label": label, "spans": spans}
        )
    return pd.DataFrame(rows)


def test_a_marked_label_gives_its_evidence_and_the_text_without_it():
    real = _real((TEXT, "gift_not_honored", 0, "train"))
    rows = derived_rows(real, _evidence(real, [(0, "gift_not_honored", [GIFT])])).set_index("kind")
    assert rows.loc["evidence", "text"] == GIFT and rows.loc["evidence", "labels"] == "gift_not_honored"
    assert rows.loc["remainder", "text"] == "衣服版型不错，颜色也正。客服也不回。洗了一次有点掉色"
    assert rows.loc["remainder", "labels"] == "other"
    assert set(rows["origin"]) == {"derived"} and set(rows["split"]) == {"train"}
    assert set(rows["group"]) == {"real:src:0"}


def test_the_remainder_keeps_the_other_labels_only_when_their_evidence_is_known_and_untouched():
    real = _real((LATE_TEXT, "gift_not_honored|late_shipping", 0, "train"))
    both = _evidence(
        real, [(0, "late_shipping", ["说好48小时发货，结果5天才发"]), (0, "gift_not_honored", ["赠品也没有给"])]
    )
    rows = derived_rows(real, both)
    remainder = rows[rows["key"].str.startswith("remainder:late_shipping")].iloc[0]
    assert remainder["labels"] == "gift_not_honored" and "48小时" not in remainder["text"]
    one = derived_rows(real, both.iloc[:1])  # the gift's evidence was not marked: where it sits is unknown
    assert list(one["kind"]) == ["evidence"] and one["labels"].iloc[0] == "late_shipping"


def test_no_rows_from_whole_text_evidence_or_too_little_left():
    real = _real(("赠品没给", "gift_not_honored", 0, "train"), ("赠品没给，哦", "gift_not_honored", 0, "train"))
    marks = _evidence(real, [(0, "gift_not_honored", ["赠品没给"]), (1, "gift_not_honored", ["赠品没给"])])
    assert derived_rows(real, marks).empty  # the whole text; a duplicate of a corpus text; a one-letter rest


def test_presale_stays_only_where_the_derived_text_names_it():
    text = "定金付了50，尾款的时候发现赠品清单里的面膜没了，其他都还行"
    real = _real((text, "gift_not_honored", 1, "train"))
    rows = derived_rows(real, _evidence(real, [(0, "gift_not_honored", ["赠品清单里的面膜没了"])])).set_index("kind")
    assert rows.loc["evidence", "presale"] == 0 and rows.loc["remainder", "presale"] == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"spans": "5-999"}, "outside the text"),
        ({"spans": "five"}, "spans must look like"),
        ({"text_sha1": "0" * 40}, "changed since its evidence was marked"),
        ({"label": "price_hike"}, "is not labelled price_hike"),
        ({"label": "gift_not_honored"}, "second evidence row for real:src:0 gift_not_honored .the first is at line 2"),
        ({"source_id": "9"}, "is not a labelled real text"),
        ({"source_id": "1", "text_sha1": text_sha1(LATE_TEXT)}, "is a test text"),
    ],
)
def test_a_bad_evidence_row_is_named_by_file_and_line(change, message):
    real = _real((TEXT, "gift_not_honored|late_shipping", 0, "train"), (LATE_TEXT, "late_shipping", 0, "test"))
    marks = _evidence(real, [(0, "gift_not_honored", [GIFT]), (0, "late_shipping", ["颜色也正"])])
    assert len(derived_rows(real, marks)) > 0  # valid as they are
    bad = pd.concat([marks.iloc[:1], marks.iloc[1:].assign(**change)])
    with pytest.raises(cm.CorpusError, match=rf"^corpora/real_evidence\.csv:3: .*{message}"):
        derived_rows(real, bad, "corpora/real_evidence.csv")


def test_spans_are_sorted_and_merged_and_a_punctuation_span_adds_no_empty_piece():
    assert parse_spans("10-12|0-4|3-6", 20, "f") == [(0, 6), (10, 12)]
    real = _real((TEXT, "gift_not_honored", 0, "train"))
    comma = TEXT.index("，")
    marks = _evidence(real, [(0, "gift_not_honored", [GIFT])])
    marks["spans"] = f"{comma}-{comma + 1}|" + marks["spans"]
    evidence = derived_rows(real, marks).set_index("kind").loc["evidence", "text"]
    assert evidence == GIFT


def test_load_corpus_adds_the_derived_rows_in_their_source_group(tmp_path):
    shared = tmp_path / "shared" / "corpora"
    shared.mkdir(parents=True)
    pool = pd.DataFrame({"source": ["src"], "source_id": ["0"], "domain": [""], "sentiment": [""], "text": [TEXT]})
    pool.to_csv(shared / "real_reviews.csv", index=False)
    directory = tmp_path / "corpora"
    directory.mkdir()
    team = pd.DataFrame(
        {"id": ["t1"], "text": ["尾款比说好的多了30块"], "labels": ["price_hike"], "presale": ["1"], "split": ["train"]}
    ).assign(kind="seed", author="t")
    team.to_csv(directory / "team_written.csv", index=False)
    labels = {"source": "src", "source_id": "0", "text_sha1": text_sha1(TEXT), "labels": "gift_not_honored"}
    pd.DataFrame([{**labels, "presale": "0", "split": "train", "proposer": "kw"}]).to_csv(
        directory / "real_labels.csv", index=False
    )
    real = _real((TEXT, "gift_not_honored", 0, "train"))
    _evidence(real, [(0, "gift_not_honored", [GIFT])]).to_csv(directory / "real_evidence.csv", index=False)
    assert list(cm.load_corpus(directory, tmp_path / "shared").frame["origin"]) == ["team", "real"]  # asked for only
    frame = cm.load_corpus(directory, tmp_path / "shared", derived=True).frame
    assert list(frame["origin"]) == ["team", "real", "derived", "derived"]
    assert set(frame.loc[frame["origin"] != "team", "group"]) == {"real:src:0"}
    assert len(cm.load_corpus(directory, tmp_path / "shared", derived=True).select(origin="real")) == 1
