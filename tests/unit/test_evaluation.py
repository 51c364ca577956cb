import numpy as np
import pytest

from complaintmine.model.evaluation import compute_metrics, expected_calibration_error, format_metrics


def test_ece_is_zero_for_perfect_calibration_and_large_for_confident_errors():
    assert expected_calibration_error(np.array([0, 1, 0, 1]), np.array([0.0, 1.0, 0.0, 1.0])) == 0.0
    assert expected_calibration_error(np.array([0, 0]), np.array([0.95, 0.95])) == pytest.approx(0.95)


def test_metrics_match_hand_counts():
    # targets: 5 issues + presale
    Y = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0]])
    P = np.array([[1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0]])
    m = compute_metrics(Y, P)
    # issue positives: 4 true, 3 predicted, 2 correct -> P=2/3, R=1/2, micro-F1 = 4/7
    assert m["micro_f1"] == pytest.approx(4 / 7)
    assert m["labels"]["no_price_protection"]["f1"] == 0.0
    assert m["labels"]["other"]["support"] == 1
    assert m["presale_accuracy"] == 0.75
    assert "micro-F1" in format_metrics(m)
    # false_lowest_price is neither in the texts nor predicted: macro-F1 averages the other four, and says so
    assert m["macro_labels"] == ["price_hike", "no_price_protection", "gift_not_honored", "late_shipping"]
    assert m["macro_f1"] == pytest.approx((1 + 0 + 1 + 0) / 4)
    assert "macro-F1 (over 4 issues present) 0.500" in format_metrics(m)


def test_macro_f1_counts_an_issue_predicted_but_absent_from_the_texts_as_zero():
    Y = np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    P = np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0]])  # a false alarm of an issue the texts lack
    m = compute_metrics(Y, P)
    assert m["macro_labels"] == ["price_hike", "false_lowest_price"]
    assert m["macro_f1"] == pytest.approx(0.5)
    everything = compute_metrics(np.ones((2, 6), dtype=int), np.ones((2, 6), dtype=int))
    assert everything["macro_f1"] == 1.0 and "(over" not in format_metrics(everything)


def test_a_label_neither_in_the_texts_nor_predicted_is_not_measurable_not_zero():
    # 'evaluate' printed F1 0.000 for false_lowest_price on a file without any, which the model rightly never gave
    Y = np.array([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    P = np.array([[1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]])
    m = compute_metrics(Y, P)
    labels = m["labels"]
    assert labels["false_lowest_price"]["undefined"] == ["precision", "recall", "f1"]
    assert labels["gift_not_honored"]["undefined"] == ["recall"]  # predicted once, never there: F1 0 is measured
    assert labels["no_price_protection"]["undefined"] == ["precision"]  # there once, never predicted
    assert labels["price_hike"]["undefined"] == [] and m["undefined"] == []
    assert labels["false_lowest_price"]["f1"] == 0.0  # the number JSON readers got before stays
    rows = {line.split()[0]: line for line in format_metrics(m).splitlines()[1:7]}
    assert rows["false_lowest_price"].split() == ["false_lowest_price", "n/a", "n/a", "n/a", "0", "no", "texts", "of",
                                                  "it,", "none", "predicted"]  # fmt: skip
    assert rows["gift_not_honored"].split()[1:5] == ["0.000", "n/a", "0.000", "0"]
    assert rows["no_price_protection"].split()[1:5] == ["n/a", "0.000", "0.000", "1"]
    assert rows["price_hike"].split()[1:] == ["1.000", "1.000", "1.000", "1"]


def test_micro_macro_and_presale_f1_of_texts_without_any_issue_or_presale_are_not_measurable():
    m = compute_metrics(np.zeros((3, 6), dtype=int), np.zeros((3, 6), dtype=int))
    assert m["undefined"] == ["micro_f1", "macro_f1", "presale_f1"] and m["exact_match"] == 1.0
    table = format_metrics(m)
    assert "micro-F1 (5 issues) n/a   macro-F1 (no issue in the texts or predicted) n/a" in table
    assert "presale F1 n/a (support 0)" in table
    assert compute_metrics(np.zeros((3, 6), dtype=int), np.ones((3, 6), dtype=int))["undefined"] == []
