"""A models folder with a ``current`` pointer, promotion only when a candidate is better, and a log of runs.

    models/
      current -> complaintmine-zh-adapted-20261206-0300    (a relative symbolic link, switched atomically)
      complaintmine-zh-adapted-20261206-0300/
      runs.jsonl                                          (one JSON object per run, appended)

``complaintmine classify --model models/current`` always scores with the promoted model. Promoting replaces the
link in one ``os.replace``, so a job reading ``current`` sees the old model or the new one, never neither.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..corpus.load import Corpus
from ..errors import ModelError, OutputError, PromotionRefused, TrainingError
from .compare import Comparison, compare_models, trained_on

CURRENT = "current"
LOG = "runs.jsonl"
RULES = ("better", "not-worse")


@dataclass
class PromotionResult:
    promoted: bool
    reason: str
    candidate: Path
    previous: Path | None  # what ``current`` pointed to before (None: nothing, compared with the default model)
    current: Path | None  # what it points to now
    comparison: Comparison

    def to_dict(self) -> dict[str, Any]:
        return {
            "promoted": self.promoted,
            "reason": self.reason,
            "candidate": str(self.candidate),
            "previous": str(self.previous) if self.previous else None,
            "current": str(self.current) if self.current else None,
            "verdict": self.comparison.verdict,
            "micro_f1": self.comparison.row("micro_f1"),
            "n_texts": self.comparison.n_texts,
        }


def current_model(models: str | Path) -> Path | None:
    """The model directory ``models/current`` points to, or None when there is no pointer yet."""
    pointer = Path(models) / CURRENT
    if not pointer.is_symlink() and not pointer.exists():
        return None
    target = pointer.resolve()
    if not target.is_dir():
        raise ModelError(f"{pointer} points to {target}, which is not a model directory")
    return target


def set_current(models: str | Path, model_dir: str | Path) -> Path:
    """Point ``models/current`` at ``model_dir`` (which must be inside ``models``), atomically."""
    models = Path(models)
    model_dir = Path(model_dir).resolve()
    if model_dir.parent != models.resolve():
        raise ModelError(f"{model_dir} is not directly inside {models}")
    temporary = models / f".{CURRENT}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(model_dir.name, temporary, target_is_directory=True)
    os.replace(temporary, models / CURRENT)
    return model_dir


def _inside(models: Path, model_dir: Path, advice: str) -> Path:
    """``model_dir``, copied into ``models`` first when it lies elsewhere (``current`` points within ``models``);
    a folder there of that name holding the same model files (an earlier copy) is used as it is."""
    if model_dir.parent == models.resolve():
        return model_dir
    target = models / model_dir.name
    if target.exists():
        if _files(target) == _files(model_dir):
            return target.resolve()
        raise OutputError(target, f"exists already and holds another model; {advice}")
    shutil.copytree(model_dir, target)
    return target.resolve()


def _files(model_dir: Path) -> Any:
    """The files and hashes a model directory's manifest records (None without a readable manifest)."""
    try:
        return json.loads((model_dir / "model.json").read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError):
        return None


def append_log(models: str | Path, record: dict[str, Any]) -> Path:
    """Append one JSON line, stamped with the time, to ``models/runs.jsonl``."""
    path = Path(models) / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **record}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def promote_model(
    candidate: str | Path,
    models: str | Path,
    data: Corpus,
    require: str = "better",
    n_boot: int = 1000,
    seed: int = 0,
    log: bool = True,
    baseline: str | Path | None = None,
) -> PromotionResult:
    """Compare ``candidate`` with ``models/current`` (or, with no current model yet, ``baseline``: by default the
    shipped default model) on ``data`` and promote it only when it passes ``require``:

    - "better": the interval of the micro-F1 difference lies above 0;
    - "not-worse": micro-F1 is not lower and no label's F1 is significantly lower.

    A candidate outside ``models`` is copied in first. Every call appends a line to ``models/runs.jsonl``
    (``log=False`` to skip). Raises ModelError (unreadable models), TrainingError (bad rule, no data) or
    PromotionRefused (a TrainingError: the candidate was trained on some of ``data``'s texts).
    """
    from .. import load_model

    if require not in RULES:
        raise TrainingError(f"require must be one of {', '.join(RULES)}, got {require!r}")
    models = Path(models)
    models.mkdir(parents=True, exist_ok=True)
    candidate = Path(candidate).resolve()
    new = load_model(candidate)
    previous = current_model(models)
    old = load_model(previous if previous is not None else baseline)  # both None: the shipped default model
    seen = trained_on(new, data)
    if seen:
        refusal = (
            f"the candidate was trained on {seen:,} of the {len(data):,} texts it would be judged on: promote it on "
            "labelled texts it never saw (a holdout kept out of its training labels)"
        )
        if log:
            append_log(models, {"event": "refused", "candidate": str(candidate), "reason": refusal})
        raise PromotionRefused(refusal)
    comparison = compare_models(old, new, data, n_boot=n_boot, seed=seed)
    micro = comparison.row("micro_f1")
    not_worse = micro["diff"] >= 0 and not comparison.worse_labels
    passed = comparison.better == "b" if require == "better" else not_worse
    first = f"{old.name} {old.version} (no current model yet)"
    against = "the current model" if previous else first
    if passed:
        candidate = _inside(models, candidate, "give the candidate another name")
        set_current(models, candidate)
        reason = f"promoted: {comparison.verdict} (against {against})"
    else:
        reason = f"kept {old.name} {old.version}: {comparison.verdict} (rule: {require})"  # as first named, by name
        if previous is None and old.path is not None:  # so that models/current names the model in force from now
            kept_dir = _inside(models, Path(old.path).resolve(), "move it away or promote by hand")
            set_current(models, kept_dir)
            reason += f"; {models / CURRENT} now points to it ({kept_dir.name})"
    result = PromotionResult(passed, reason, candidate, previous, current_model(models), comparison)
    if log:
        append_log(models, {"event": "promote", "require": require, **result.to_dict()})
    return result
