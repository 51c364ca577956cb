"""The retraining loop through the installed command: classify, suggest, label (a fixture), train --base with
--compare-to, compare, promote, then keep; and `classify --model MODELS/current` scores with the promoted model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from ..conftest import DATA
from .test_cli import run


def test_the_whole_loop_through_the_command(tmp_path, tiny_model, tiny_corpus_path):
    gold = pd.read_csv(DATA / "retrain_domain.csv", dtype=str, keep_default_na=False)
    gold.iloc[:30].to_csv(tmp_path / "holdout.csv", index=False)
    gold.iloc[30:][["id", "text"]].to_csv(tmp_path / "inbox.csv", index=False)
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2}), encoding="utf-8")

    result = run("classify", tmp_path / "inbox.csv", "--id-column", "id", "--keep-columns", "text",
                 "--model", tiny_model, "-o", tmp_path / "scored.csv", "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    sheet = tmp_path / "to_label.xlsx"
    result = run("suggest", tmp_path / "scored.csv", "-n", "40", "-o", sheet, "--labelled", tmp_path / "holdout.csv")
    assert result.returncode == 0, result.stderr
    assert "wrote 40 texts to label" in result.stderr

    # the labeller fills the sheet (and keeps five rows back as a test split for --compare-to)
    frame = pd.read_excel(sheet, dtype=str).fillna("")
    assert {"id", "text", "model_labels", "why", "labels", "presale"} <= set(frame.columns)
    answers = gold.set_index("id")
    frame["labels"] = [answers.at[i, "labels"] for i in frame["id"]]
    frame["presale"] = [answers.at[i, "presale"] for i in frame["id"]]
    frame["split"] = ["test"] * 5 + [""] * (len(frame) - 5)
    frame.to_excel(sheet, index=False)

    candidate = tmp_path / "candidate"
    result = run("train", sheet, "--base", tiny_model, "--anchor", tiny_corpus_path, "--config", config,
                 "-o", candidate, "--compare-to", tiny_model)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "36 anchor texts + 35 of yours" in result.stderr
    assert "with 35 labelled texts of yours (5 more held out as split=test)" in result.stderr.splitlines()[0]
    assert f"anchor corpus {Path(tiny_corpus_path).resolve()}: 36 training texts" in result.stderr
    assert "micro_f1" in result.stdout and ("better" in result.stdout or "no clear difference" in result.stdout)
    manifest = json.loads((candidate / "model.json").read_text(encoding="utf-8"))
    assert manifest["adaptation"]["user"]["n_texts"] == 35 and "test_user" in manifest["metrics"]
    assert (manifest["name"], manifest["version"]) == ("candidate", "0.1.0")  # named after its folder

    result = run("compare", tiny_model, candidate, tmp_path / "holdout.csv", "--json", tmp_path / "cmp.json",
                 "--disagreements", tmp_path / "differ.csv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict.split(":")[0] in ("B is better", "no clear difference", "A is better")
    compared = json.loads((tmp_path / "cmp.json").read_text(encoding="utf-8"))
    assert compared["verdict"] == verdict
    differ = pd.read_csv(tmp_path / "differ.csv", dtype=str, keep_default_na=False)
    assert list(differ.columns) == ["row", "text", "labels", "labels_a", "labels_b"]
    assert len(differ) == len(compared["disagreements"]) and (differ["labels_a"] != differ["labels_b"]).all()

    models = tmp_path / "models"
    result = run("promote", candidate, tmp_path / "holdout.csv", "--models", models, "--baseline", tiny_model,
                 "--require", "not-worse")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("promoted"), result.stdout
    assert os.readlink(models / "current") == "candidate"
    result = run("promote", tiny_model, tmp_path / "holdout.csv", "--models", models)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("kept candidate"), result.stdout
    assert len((models / "runs.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    # judged on the sheet it was trained on: refused, with the exit code of a refusal (was 5, "training")
    refused = run("promote", candidate, sheet, "--models", models)
    assert refused.returncode == 7, refused.stderr
    assert "the candidate was trained on 35 of the 40 texts it would be judged on" in refused.stderr
    assert os.readlink(models / "current") == "candidate"

    result = run("classify", tmp_path / "holdout.csv", "--model", models / "current", "--quiet")
    assert result.returncode == 0, result.stderr


def test_compare_to_without_held_out_rows_fails_before_training(tmp_path, tiny_model):
    path = tmp_path / "labels.csv"
    path.write_text("text,labels,presale\n尾款涨了,price_hike,1\n", encoding="utf-8")
    result = run("train", path, "-o", tmp_path / "m", "--compare-to", tiny_model)
    assert result.returncode == 5
    assert "--compare-to needs held-out rows" in result.stderr
    assert not (tmp_path / "m").exists()


def test_evaluate_and_the_retraining_commands_print_the_notes_of_labelled_data_alike(tmp_path, tiny_model):
    path = tmp_path / "labels.csv"
    path.write_text("text,labels\n尾款涨价了，多付了50,price_hike\n发货很快,other\n还没看完,\n", encoding="utf-8")
    expected = [
        f"note: {path}: 1 row(s) with an empty labels cell skipped (not labelled yet)",
        f"note: {path}: no presale column; presale is taken as 0 for every row",
    ]
    for args in (("evaluate", tiny_model, path), ("compare", tiny_model, tiny_model, path)):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert [line for line in result.stderr.splitlines() if line.startswith("note: ")] == expected, args


def test_suggest_when_every_text_is_labelled_already_says_so(tmp_path, tiny_model):
    """A second suggest on the same scored file, --labelled with the first sheet: nothing is left, which ended in a
    pandas AttributeError traceback (the empty sheet's why column has no strings)."""
    (tmp_path / "inbox.csv").write_text("id,text\n1,付了定金，尾款涨了五十\n2,赠品一直没寄来\n", encoding="utf-8")
    scored = tmp_path / "scored.csv"
    result = run("classify", tmp_path / "inbox.csv", "--id-column", "id", "--keep-columns", "text",
                 "--model", tiny_model, "-o", scored, "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    first = tmp_path / "labels" / "w1.csv"
    first.parent.mkdir()
    assert run("suggest", scored, "-n", "5", "-o", first).returncode == 0
    result = run("suggest", scored, "-n", "5", "-o", tmp_path / "w2.csv", "--labelled", first.parent)
    assert result.returncode == 0, result.stderr
    assert "wrote no texts to label" in result.stderr and "labelled already" in result.stderr
    assert pd.read_csv(tmp_path / "w2.csv").empty


def test_suggest_refuses_to_write_over_a_filled_sheet_without_force(tmp_path, tiny_model):
    """The first-round command of docs/retraining.md run again from the shell history, after the sheet was
    labelled: it wrote a fresh empty sheet over the labels. Now exit 6 naming the sheet, and --force writes."""
    (tmp_path / "inbox.csv").write_text("id,text\n1,付了定金，尾款涨了五十\n2,赠品一直没寄来\n", encoding="utf-8")
    scored = tmp_path / "scored.csv"
    result = run("classify", tmp_path / "inbox.csv", "--id-column", "id", "--keep-columns", "text",
                 "--model", tiny_model, "-o", scored, "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    sheet = tmp_path / "w1.xlsx"
    assert run("suggest", scored, "-n", "5", "-o", sheet).returncode == 0
    assert run("suggest", scored, "-n", "5", "-o", sheet).returncode == 0  # not labelled yet: rewritten
    frame = pd.read_excel(sheet, dtype=str).fillna("")
    frame["labels"] = ["price_hike"] + ["gift_not_honored"] * (len(frame) - 1)
    frame.to_excel(sheet, index=False)
    labelled = sheet.read_bytes()
    result = run("suggest", scored, "-n", "5", "-o", sheet)
    assert result.returncode == 6
    assert f"{sheet}: holds 2 filled labels" in result.stderr and "--force" in result.stderr
    assert sheet.read_bytes() == labelled
    assert run("suggest", scored, "-n", "5", "-o", sheet, "--force").returncode == 0
    assert (pd.read_excel(sheet, dtype=str)["labels"].isna()).all()


def _corpus_directory(tmp_path):
    """A corpus directory of four team-written texts and one labelled real text, and a shared folder holding
    that text (texts written for this test)."""
    from complaintmine.corpus.keys import text_sha1

    corpus, shared, real_text = tmp_path / "corpus", tmp_path / "pool", "买完第二天就降价了，客服不给保价"
    corpus.mkdir()
    (shared / "corpora").mkdir(parents=True)
    (corpus / "team_written.csv").write_text(
        "id,text,labels,presale,split,kind,author\n"
        + "".join(
            f"t{i},{text},{labels},{presale},test,plain,test\n"
            for i, (text, labels, presale) in enumerate(
                [
                    ("付了定金，尾款涨了五十", "price_hike", 1),
                    ("说好的赠品没给", "gift_not_honored", 0),
                    ("发货很快，包装完好", "other", 0),
                    ("等了半个月还没发货", "late_shipping", 0),
                ]
            )
        ),
        encoding="utf-8",
    )
    (corpus / "real_labels.csv").write_text(
        "source,source_id,text_sha1,labels,presale,split,proposer,annotator\n"
        f"shop,r1,{text_sha1(real_text)},no_price_protection,0,test,random,a\n",
        encoding="utf-8",
    )
    (shared / "corpora" / "real_reviews.csv").write_text(
        f"source,source_id,text\nshop,r1,{real_text}\n", encoding="utf-8"
    )
    return corpus, shared


def test_compare_and_promote_take_shared_as_evaluate_does(tmp_path, tiny_model):
    corpus, shared = _corpus_directory(tmp_path)
    missing = tmp_path / "no-such-folder"
    commands = {
        "evaluate": ("evaluate", tiny_model, corpus),
        "compare": ("compare", tiny_model, tiny_model, corpus, "--n-boot", "5"),
        "promote": ("promote", tiny_model, corpus, "--models", tmp_path / "models", "--baseline", tiny_model,
                    "--n-boot", "5"),
    }  # fmt: skip
    for name in ("compare", "promote"):
        result = run(name, "--help")
        assert result.returncode == 0
        assert re.search(r"--shared DIR +The shared data folder \(see train\)\.", result.stdout), result.stdout
    notes = {}
    for name, args in commands.items():
        result = run(*args, "--shared", missing)
        assert result.returncode == 0, result.stderr
        notes[name] = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes["evaluate"] == [
        f"note: {missing / 'corpora' / 'real_reviews.csv'} not found: using the 4 team-written texts only, without "
        "the 1 labelled real texts (they need that research-only file; point --shared or $COMPLAINTMINE_SHARED at "
        "the folder holding corpora/real_reviews.csv)"
    ]
    assert notes["compare"] == notes["promote"] == notes["evaluate"]
    # train --compare-to reads its labels the same way (and then finds no split=train rows to train on)
    result = run("train", corpus, "-o", tmp_path / "m", "--compare-to", tiny_model, "--shared", missing)
    assert [line for line in result.stderr.splitlines() if line.startswith("note: ")] == notes["evaluate"]
    result = run(*commands["compare"], "--shared", shared, "--json", tmp_path / "cmp.json")
    assert result.returncode == 0, result.stderr
    assert "note:" not in result.stderr
    assert json.loads((tmp_path / "cmp.json").read_text(encoding="utf-8"))["n_texts"] == 5  # the real text joined


def test_the_retraining_library_imports_no_command_line():
    """retrain/ is library code (its commands live in cli/retrain_commands.py): importing it loads neither typer
    nor the cli package, and the CLI still registers the retraining commands."""
    names = ("adapt", "compare", "promote", "sheets", "suggest")
    modules = ", ".join(f"complaintmine.retrain.{name}" for name in names)
    code = f"import sys, {modules}; print('typer' in sys.modules, 'complaintmine.cli' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
    code = "import typer.main; from complaintmine.cli import app; print(*typer.main.get_command(app).commands)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert {"suggest", "evaluate", "compare", "promote"} <= set(result.stdout.split())


def test_suggest_and_compare_refuse_an_unknown_output_suffix_before_any_scoring(tmp_path, monkeypatch):
    """A sheet named to_label.docx must fail in a second, not after the texts were scored (or both models ran on
    the labelled data): each step that does that work is a stub here that notes it was called."""
    from typer.testing import CliRunner

    from complaintmine.cli import app, retrain_commands
    from complaintmine.retrain import compare, suggest

    called: list[str] = []

    def stub(name):
        def noted(*args, **kwargs):
            called.append(name)
            raise AssertionError(f"{name} ran before the output name was checked")

        return noted

    monkeypatch.setattr(suggest, "suggest_from_file", stub("suggest_from_file"))
    for name in ("_labelled", "_model"):
        monkeypatch.setattr(retrain_commands, name, stub(name))
    monkeypatch.setattr(compare, "compare_models", stub("compare_models"))
    scored = tmp_path / "scored.csv"
    scored.write_text("id,text\n1,尾款涨了五十\n", encoding="utf-8")
    runs = {
        "suggest": ["suggest", str(scored), "-o", str(tmp_path / "to_label.docx")],
        "compare": ["compare", "default", "default", str(scored), "--disagreements", str(tmp_path / "d.docx")],
    }
    for command, arguments in runs.items():
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 2, (command, result.output)
        assert f"{arguments[-1]}: unknown output format 'docx'" in result.output, (command, result.output)
    assert called == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scored.csv"]
    # a missing folder is named before the work too; suggest said "cannot write: No such file or directory" after it
    runs = {
        "suggest": ["suggest", str(scored), "-o", str(tmp_path / "sheets" / "to_label.xlsx")],
        "compare": ["compare", "default", "default", str(scored), "--disagreements", str(tmp_path / "out" / "d.csv")],
    }
    for command, arguments in runs.items():
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 6, (command, result.output)
        assert f"the folder {Path(arguments[-1]).parent} does not exist" in result.output, (command, result.output)
    assert called == []


def test_train_with_compare_to_tells_its_steps_as_it_trains(tmp_path, tiny_model):
    # train LABELS --compare-to MODEL (no --base) trained in silence; train --base and plain train say each step
    path = tmp_path / "labels.csv"
    frame = pd.read_csv(DATA / "retrain_domain.csv", dtype=str, keep_default_na=False).iloc[:40].copy()
    frame["split"] = ["test"] * 8 + ["train"] * 32
    frame.to_csv(path, index=False)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2}), encoding="utf-8")
    result = run("train", path, "-o", tmp_path / "m", "--compare-to", tiny_model, "--config", config)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("training on 32 texts") for line in lines), lines
    assert any(line.startswith("fitted in") for line in lines), lines


def test_a_bad_require_is_a_command_line_error_before_any_work(tmp_path):
    # it was a TrainingError (exit code 5), and only after the data had been read
    models = tmp_path / "models"
    result = run("promote", tmp_path / "no-model", tmp_path / "no-data.csv", "--models", models, "--require", "best")
    assert result.returncode == 2 and "'best' is not one of 'better', 'not-worse'" in result.stderr, result.stderr
    assert not models.exists()
    from complaintmine.cli.retrain_commands import Rule
    from complaintmine.retrain.promote import RULES

    assert tuple(Rule) == RULES  # the CLI's choices are the library's rules
