"""The report's data: scored rows read back, dates parsed, evidence decoded, texts masked and sampled."""

from __future__ import annotations

import functools
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...errors import InputError, MissingColumnError
from ...labels import ISSUE_LABELS, LABEL_ZH, OTHER, parse_labels
from ..privacy import PLACEHOLDERS, without_private_evidence
from ..privacy import mask as mask_private

DEFAULT_TITLE = "投诉分析报告 Complaint report"
COLORS = {  # Okabe-Ito: distinguishable with the common colour-vision deficiencies
    "price_hike": "#d55e00",
    "no_price_protection": "#0072b2",
    "gift_not_honored": "#cc79a7",
    "late_shipping": "#e69f00",
    "false_lowest_price": "#009e73",
    OTHER: "#8a939c",
}
TOP_GROUPS, TOP_TERMS, EXAMPLES, SNIPPET, MAX_TEXT_ROWS = 20, 15, 3, 360, 20_000
MONEY_EDGES = (0, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 50000, math.inf)
DAY_EDGES = (0, 1, 3, 7, 14, 30, 60, math.inf)
_PLACEHOLDER_WORDS = frozenset(p.strip("[]").lower() for p in PLACEHOLDERS.values())
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|^\s*(\d{4})(\d{2})(\d{2})(?!\d)")


def _name(label: str) -> str:
    return f"{LABEL_ZH[label]} {label}"


@dataclass(frozen=True)
class _Rows:
    """The scored rows (errors left out) as aligned lists, original text; ``sample`` is the rows whose texts
    are analysed (all of them up to ``max_text_rows``). Group values are already masked when ``mask_on``."""

    total: int
    failures: Counter[str]
    ids: list[str]
    labels: list[tuple[str, ...]]
    presale: list[int | None]
    proba: dict[str, list[float]]
    texts: list[str] | None
    evidence: list[dict[str, Any]] | None
    dates: list[pd.Timestamp | None] | None
    date_cells: list[Any]  # the date column's cells of these rows, as read ([] without a date column)
    groups: list[str] | None
    mask_on: bool
    sample: list[int]

    def has(self, label: str) -> list[bool]:
        return [(label in found) if label != OTHER else not found for found in self.labels]

    def show(self, text: str) -> str:
        """``text`` as the report may show it."""
        return mask_private(text).text if self.mask_on else text


def _evidence(cell: Any) -> dict[str, Any]:
    if isinstance(cell, str) and cell.strip():
        try:
            cell = json.loads(cell)
        except json.JSONDecodeError:
            return {}
    return cell if isinstance(cell, dict) else {}


def unmasked_evidence(found: dict[str, Any], text: str | None) -> dict[str, Any]:
    """A row's evidence without the terms that are personal data, for a report with masking on. A file scored
    without ``classify --mask`` holds evidence terms such as a recipient's name (the model's vocabulary has a few),
    which the report listed beside the masked text and charted as distinctive terms. Where the text is there, a
    term goes when its spans touch what the mask hides (as ``classify --mask`` decides); without the text (or
    spans), when it would be masked as a name after an explicit name context (收件人：王小明), which drops a few
    ordinary words that look like names, the safe side for a page meant to be shared. Called for what is shown
    (finding the private spans of a text costs about 0.1 ms, too much for every row of a large file)."""
    if text is not None:
        try:
            cleaned = without_private_evidence(found, text)
            return cleaned if isinstance(cleaned, dict) else {}
        except (KeyError, TypeError, ValueError):  # evidence edited by hand, without spans: judge the terms alone
            pass
    return {
        label: [item for item in items if not (isinstance(item, dict) and _is_name(item.get("term")))]
        for label, items in found.items()
        if isinstance(items, list)
    }


def _is_name(term: Any) -> bool:
    return isinstance(term, str) and name_like(term)


@functools.lru_cache(maxsize=65536)  # evidence terms are vocabulary words: a few thousand, met over and over
def name_like(term: str) -> bool:
    """Whether ``term`` would be masked as a name after an explicit name context."""
    return bool(term) and mask_private(f"收件人：{term}").text != f"收件人：{term}"


def _parse_dates(values: pd.Series) -> list[pd.Timestamp | None]:
    """Calendar dates from ISO, slash, dotted, 2024年11月11日 or 20241111 cells; the time of day is ignored."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return [None if pd.isna(v) else pd.Timestamp(year=v.year, month=v.month, day=v.day) for v in values]
    out: list[pd.Timestamp | None] = []
    for value in values:
        found = _DATE.match(str(value)) if isinstance(value, str) else None
        parts = [int(g) for g in found.groups() if g is not None] if found else []
        try:
            out.append(pd.Timestamp(year=parts[0], month=parts[1], day=parts[2]) if parts else None)
        except ValueError:  # 2024-02-31
            out.append(None)
    return out


def _id_position(columns: list[str], id_column: str | None) -> int | None:
    """Where the ids are: ``id_column``, else the column right before ``labels`` (classify's output contract: the
    id column or ``row``, then ``labels``); None when ``labels`` comes first (the rows' positions serve)."""
    if id_column is not None:
        return columns.index(id_column)
    at = columns.index("labels")
    return at - 1 if at > 0 else None


def _group_of(cell: Any) -> str:
    """A group cell as text: empty for a missing one; a JSON Lines list (the extracted gifts, platforms, channels
    and money of ``classify --extract``) joined by "|" as the other formats write it."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return "|".join(map(str, cell)) if isinstance(cell, list) else str(cell).strip()


def _prepare(
    frame: pd.DataFrame,
    text_column: str,
    date_column: str | None,
    group_column: str | None,
    mask_on: bool,
    source: str,
    max_text_rows: int,
    id_column: str | None = None,
) -> _Rows:
    columns = [str(c) for c in frame.columns]
    named = [text_column] if text_column != "text" else []
    for needed in ["labels", date_column, group_column, id_column, *named]:
        if needed is not None and needed not in frame.columns:
            advice = (
                "A report reads what complaintmine classify writes: classify it first"
                if needed == "labels"
                else f"Carry it from the input into the scored file: classify ... --keep-columns {needed}"
            )
            raise MissingColumnError(source, needed, columns, advice=advice)
    if frame.empty:
        raise InputError(source, "the scored file has no rows")
    failures: Counter[str] = Counter()
    keep: list[int] = []
    parsed: list[tuple[str, ...]] = []
    errors = frame["error"].tolist() if "error" in frame.columns else [""] * len(frame)
    for i, (cell, error) in enumerate(zip(frame["labels"].tolist(), errors)):
        if isinstance(error, str) and error.strip():
            failures[error.strip()] += 1
            continue
        try:
            # JSONL output holds a list of labels, the other formats "a|b"
            parsed.append(tuple(parse_labels("|".join(map(str, cell)) if isinstance(cell, list) else str(cell))))
        except ValueError:
            failures["unreadable labels cell"] += 1
            continue
        keep.append(i)
    rows = frame.iloc[keep]
    at = _id_position(columns, id_column)
    texts = [str(t) if isinstance(t, str) else "" for t in rows[text_column]] if text_column in columns else None
    presale = (
        pd.to_numeric(rows["presale"], errors="coerce") if "presale" in columns else pd.Series([math.nan] * len(rows))
    )
    groups = None
    if group_column is not None:
        raw = [_group_of(g) for g in rows[group_column]]
        shown = {g: (mask_private(g).text if mask_on else g) or "(空 empty)" for g in set(raw)}
        groups = [shown[g] for g in raw]
    return _Rows(
        total=len(frame),
        failures=failures,
        ids=[str(v) for v in (keep if at is None else rows.iloc[:, at])],
        labels=parsed,
        presale=[None if math.isnan(v) else int(v == 1) for v in presale.astype(float)],
        proba={
            label: pd.to_numeric(rows[f"p_{label}"], errors="coerce").fillna(0.0).astype(float).tolist()
            for label in ISSUE_LABELS
            if f"p_{label}" in columns
        },
        texts=texts,
        evidence=[_evidence(cell) for cell in rows["evidence"]] if "evidence" in columns else None,
        dates=_parse_dates(rows[date_column]) if date_column is not None else None,
        date_cells=rows[date_column].tolist() if date_column is not None else [],
        groups=groups,
        mask_on=mask_on,
        sample=sorted(random.Random(0).sample(range(len(keep)), min(len(keep), max_text_rows))),
    )
