"""The retraining job of docs/retraining.md (docs/retrain_job.sh) run as cron would run it: the first run adapts
and promotes, a run with no new sheets is skipped, and every run leaves a line in MODELS/runs.jsonl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pandas as pd
import pytest

from ..conftest import DATA, ROOT, entry_point

JOB = ROOT / "docs" / "retrain_job.sh"


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("flock") is None, reason="needs bash and flock")
def test_the_documented_job_promotes_then_skips(tmp_path, tiny_model, tiny_corpus_path):
    gold = pd.read_csv(DATA / "retrain_domain.csv", dtype=str, keep_default_na=False)
    (tmp_path / "labels" / "sheets").mkdir(parents=True)
    gold.iloc[:30].to_csv(tmp_path / "labels" / "holdout.csv", index=False)
    gold.iloc[30:].to_csv(tmp_path / "labels" / "sheets" / "week1.csv", index=False)
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2}), encoding="utf-8")
    env = {
        **os.environ,
        "CM": entry_point()[0],
        "BASE": str(tiny_model),
        "ANCHOR": str(tiny_corpus_path),
        "TRAIN_CONFIG": str(config),
        "BASELINE": str(tiny_model),
        "REQUIRE": "not-worse",
    }

    def job():
        return subprocess.run(["bash", str(JOB)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)

    first = job()
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("promoted"), first.stdout
    current = tmp_path / "models" / "current"
    assert os.readlink(current).startswith("candidate-")
    second = job()
    assert second.returncode == 0, second.stderr
    log = [json.loads(line) for line in (tmp_path / "models" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["event"] for entry in log] == ["promote", "skipped"]
    assert log[0]["promoted"] is True and "no new or changed sheets" in log[1]["reason"]

    # a sheet restored with an old time but other rows is a change (the job compared times, and missed it)
    sheet = tmp_path / "labels" / "sheets" / "week1.csv"
    gold.iloc[32:].to_csv(sheet, index=False)
    os.utime(sheet, (0, 0))
    env["KEEP"] = "1"
    third = job()
    assert third.returncode == 0, third.stderr
    log = [json.loads(line) for line in (tmp_path / "models" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["event"] for entry in log] == ["promote", "skipped", "promote"]
    kept = sorted(p.name for p in (tmp_path / "models").glob("candidate-*") if p.is_dir())
    newest = max(kept)  # KEEP=1: the newest candidate and the one in use stay, older ones go
    assert set(kept) == {newest, os.readlink(current)}


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("flock") is None, reason="needs bash and flock")
@pytest.mark.parametrize(("status", "events"), [(7, ["refused"]), (1, ["failed"])])
def test_a_refused_promote_is_logged_once_as_refused(tmp_path, status, events):
    """promote exits 7 when it refuses to judge (the holdout holds the candidate's training texts), having logged a
    'refused' line itself: the job adds no 'failed' line to it, while any other failure is logged 'failed'. A stub
    stands in for complaintmine and logs as promote does."""
    (tmp_path / "labels" / "sheets").mkdir(parents=True)
    (tmp_path / "labels" / "holdout.csv").write_text("text,labels\n", encoding="utf-8")
    (tmp_path / "labels" / "sheets" / "week1.csv").write_text("text,labels\n", encoding="utf-8")
    stub = tmp_path / "cm"
    stub.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = train ]; then mkdir -p "${@: -1}"; exit 0; fi\n'
        f'if [ {status} = 7 ]; then echo \'{{"event": "refused", "reason": "seen"}}\' >> models/runs.jsonl; fi\n'
        f'echo "error: the reason" >&2; exit {status}\n',
        encoding="utf-8",
    )
    stub.chmod(0o755)
    env = {**os.environ, "CM": str(stub)}
    run = subprocess.run(["bash", str(JOB)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    log = [json.loads(line) for line in (tmp_path / "models" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["event"] for entry in log] == events
    if status != 7:
        assert log[0]["reason"] == "promote failed: error: the reason"
