"""The model card's comparison section (model_card.comparison_table) on small, hand-made results of both layouts."""

import importlib.util
import json

import pytest

from complaintmine.labels import ISSUE_LABELS
from complaintmine.model.defaults import DEFAULT_MODEL_NAME
from complaintmine.model.model_card import comparison_table

from ..conftest import ROOT

_HEAD = (
    "| variant | seeds | real micro-F1 | team micro-F1 | held-out pairs: complaint | held-out pairs: non-complaint "
    "| mean of four |"
)


def _figures(real: float, team: float, complaint: float, non_complaint: float) -> dict[str, float]:
    mean = (real + team + complaint + non_complaint) / 4
    return {
        "real": real,
        "team": team,
        "pairs: complaint": complaint,
        "pairs: non-complaint": non_complaint,
        "mean of four": mean,
    }


def _design_rows() -> dict:
    """Two experiments in the layout experiments/card_comparison.py writes: rows of {seed: figures}, one chosen."""
    return {
        "experiments": [
            {
                "title": "**first.py**: the base design against a blend.",
                "rows": {
                    "base": {"seed 0": _figures(0.7, 0.8, 0.9, 0.8), "seed 1": _figures(0.71, 0.81, 0.91, 0.81)},
                    "blend": {"seed 0": _figures(0.75, 0.85, 0.95, 0.85), "seed 1": _figures(0.76, 0.86, 0.96, 0.86)},
                },
                "chosen": "blend",
                "mark": "chosen for 1.0",
                "notes": ["Rule: the highest mean of four wins."],
            },
            {
                "title": "**second.py**: variants of the blend.",
                "rows": {
                    "blend": {"seed 0": _figures(0.75, 0.85, 0.95, 0.85)},
                    "longer": {"seed 0": _figures(0.8, 0.9, 0.95, 0.85)},
                },
                "chosen": "longer",
                "mark": "shipped in 2.0",
                "notes": [],
            },
        ]
    }


def test_the_comparison_section_shows_each_experiments_rows_by_seed_with_the_chosen_row_marked():
    table = comparison_table(_design_rows())
    lines = table.splitlines()
    assert lines[0] == "**first.py**: the base design against a blend."
    assert lines.count(_HEAD) == 2  # one table per experiment
    assert "| base | 0 / 1 | 0.700 / 0.710 | 0.800 / 0.810 | 0.900 / 0.910 | 0.800 / 0.810 | 0.800 / 0.810 |" in lines
    assert (
        "| **blend** (chosen for 1.0) | 0 / 1 | 0.750 / 0.760 | 0.850 / 0.860 | 0.950 / 0.960 | 0.850 / 0.860 "
        "| 0.850 / 0.860 |" in lines
    )
    assert "| blend | 0 | 0.750 | 0.850 | 0.950 | 0.850 | 0.850 |" in lines  # one seed: one figure, not marked
    assert "| **longer** (shipped in 2.0) | 0 | 0.800 | 0.900 | 0.950 | 0.850 | 0.875 |" in lines
    assert "Rule: the highest mean of four wins." in lines
    assert lines.index("**second.py**: variants of the blend.") > lines.index("Rule: the highest mean of four wins.")
    assert sum("**" in line and line.startswith("|") for line in lines) == 2  # only the chosen rows are marked


def test_a_chosen_row_the_experiment_does_not_hold_is_refused():
    """``train --comparison`` turns a KeyError into 'not a comparison file': a mark that names no row must not
    silently leave the card without one."""
    results = _design_rows()
    results["experiments"][1]["chosen"] = "reader 9 epochs"
    with pytest.raises(KeyError, match="reader 9 epochs"):
        comparison_table(results)


def test_figures_read_as_models_readme_rounds_them_half_up_from_the_recorded_four_digits():
    results = _design_rows()
    results["experiments"][1]["rows"]["longer"]["seed 0"]["pairs: complaint"] = 0.9065
    assert "| **longer** (shipped in 2.0) | 0 | 0.800 | 0.900 | 0.907 | 0.850 | 0.875 |" in comparison_table(results)


@pytest.mark.parametrize("figure", [None, "0.8", float("nan"), True])
def test_a_figure_that_is_no_number_is_a_type_error_which_train_refuses(figure):
    """A null or quoted figure in a hand-edited file raised decimal.InvalidOperation, which ``train --comparison``
    did not turn into its 'not a comparison file' error (a traceback); NaN rendered as "NaN" on the card."""
    results = _design_rows()
    results["experiments"][0]["rows"]["base"]["seed 1"]["real"] = figure
    with pytest.raises(TypeError, match="a figure must be a finite number"):
        comparison_table(results)


def test_notes_given_as_one_string_are_refused_not_shown_a_character_a_paragraph():
    results = _design_rows()
    results["experiments"][0]["notes"] = "Rule: the highest mean of four wins."
    with pytest.raises(TypeError, match="must be a list of paragraphs"):
        comparison_table(results)


def _metrics(micro: float) -> dict:
    labels = {label: {"f1": micro} for label in ISSUE_LABELS}
    return {"labels": labels, "micro_f1": micro, "presale_accuracy": 0.99}


def test_the_variant_layout_of_compare_py_still_renders_ranked_by_real_plus_team():
    """experiments/compare.py's and contrast_variants.py's layout: {variant: {"real": metrics, "team": metrics}}."""
    table = comparison_table(
        {
            "worse": {"real": _metrics(0.70), "team": _metrics(0.80)},
            "better": {"real": _metrics(0.75), "team": _metrics(0.85)},
        }
    )
    lines = table.splitlines()
    assert lines[0].startswith("| variant | micro-F1 R | micro-F1 T | price_hike R/T |")
    assert lines[2].startswith("| better | 0.750 | 0.850 | 0.75/0.85 |") and lines[2].endswith("| 0.990/0.990 |")
    assert lines[3].startswith("| worse | 0.700 | 0.800 |")


def test_the_default_models_card_shows_the_rows_that_chose_its_design(monkeypatch):
    """The shipped card's comparison section is models/card_comparison.json's table, which is what
    experiments/card_comparison.py gathers from the two rows files; the manifest holds the same table (a card
    re-rendered from it keeps it), and both rebuild commands (docs/design.md, models/README.md) pass that file, so a
    rebuild does too."""
    monkeypatch.syspath_prepend(str(ROOT / "experiments"))  # its sibling cv_rule, as `python experiments/...` has
    spec = importlib.util.spec_from_file_location(
        "card_comparison_for_test", ROOT / "experiments" / "card_comparison.py"
    )
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    committed = json.loads(builder.OUT.read_text(encoding="utf-8"))
    assert builder.build() == committed
    table = comparison_table(committed)
    model = ROOT / "models" / DEFAULT_MODEL_NAME
    card = (model / "README.md").read_text(encoding="utf-8")
    section = card.split("## Model comparison (cross-validation on the training split)\n\n", 1)[1].split("\n\n## ", 1)[
        0
    ]
    assert section == table
    assert json.loads((model / "model.json").read_text(encoding="utf-8"))["comparison"] == table
    assert "| **reader 8 epochs** (chosen: 0.8.0's design, this model's) | 0 / 1 |" in table
    for readme in (ROOT / "docs" / "design.md", ROOT / "models" / "README.md"):
        text = readme.read_text(encoding="utf-8")
        assert "--comparison models/card_comparison.json --force" in text, readme
        assert "--comparison models/contrast_variants.json --force" not in text, readme


def test_the_cards_metrics_table_shows_a_label_with_nothing_to_measure_as_n_a():
    import numpy as np

    from complaintmine.model.evaluation import compute_metrics
    from complaintmine.model.model_card import _metrics_table

    truth = np.array([[1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]])
    lines = _metrics_table(compute_metrics(truth, truth))
    assert "| price_hike | 1.000 | 1.000 | 1.000 | 1 |" in lines
    assert "| false_lowest_price | n/a | n/a | n/a | 0 |" in lines  # was 0.000 for a label no text has
