import pytest

from complaintmine.labels import ALL_LABELS, ISSUE_LABELS, format_labels, parse_labels


def test_labels_match_the_spec():
    assert ISSUE_LABELS == (
        "price_hike",
        "no_price_protection",
        "gift_not_honored",
        "late_shipping",
        "false_lowest_price",
    )
    assert ALL_LABELS[-1] == "other"


def test_parse_and_format_round_trip_in_canonical_order():
    assert parse_labels("late_shipping|price_hike") == ["price_hike", "late_shipping"]
    assert format_labels(["late_shipping", "price_hike"]) == "price_hike|late_shipping"
    assert parse_labels("other") == []
    assert format_labels([]) == "other"


@pytest.mark.parametrize("cell", ["other|price_hike", "gift", "", "price_hike|unknown"])
def test_parse_rejects_bad_cells(cell):
    with pytest.raises(ValueError):
        parse_labels(cell)
