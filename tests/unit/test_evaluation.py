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
