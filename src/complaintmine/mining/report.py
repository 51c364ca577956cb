"""The HTML report of a scored file (``complaintmine report``): one self-contained page, offline, masked.

Why one file with inline SVG and CSS and no script: reports are mailed around and opened on laptops without
network access, and a page that loads nothing cannot break, leak or track. A Content-Security-Policy in the
page forbids every fetch, so a mistake here shows up as a console error in the browser test, not as a request.

What it shows: complaints per issue type and the pre-sale share; counts per week or month per issue type
(``date_column``); the top 20 values of a grouping column (``group_column``); the most distinctive terms per
issue type; the money amounts and waiting times found by :mod:`complaintmine.extract`; a few representative
complaints per issue type with their evidence highlighted; the model and when it ran.

Privacy: with ``mask`` (the default) every complaint text, id and group value shown passes through
:func:`complaintmine.privacy.mask`, and distinctive terms are computed from the masked texts, so no phone
number or name can surface as a "term". Evidence spans point into the original text; masking changes lengths,
so each span is shifted by the length changes of the private spans before it, and a span that overlaps a
private span is dropped (it would highlight a placeholder). Without an evidence column the label's distinctive
terms are highlighted where they occur instead. Amounts and waiting times are extracted from the original text
(they are not personal data, and a placeholder must not hide a price).

Rows with an ``error`` (or an unreadable ``labels`` cell) are counted in the overview and left out of the rest.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, MissingColumnError
from ..labels import ISSUE_LABELS, OTHER, parse_labels
from .privacy import PLACEHOLDERS, MaskResult
from .privacy import mask as mask_private
from .svg_charts import FONT_STACK, Bar, Point, bar_chart, histogram, line_chart

DEFAULT_TITLE = "投诉分析报告 Complaint report"
LABEL_ZH = {
    "price_hike": "尾款涨价",
    "no_price_protection": "不保价",
    "gift_not_honored": "赠品不兑现",
    "late_shipping": "承诺时间不发货",
    "false_lowest_price": "最低价不实",
    OTHER: "其他",
}
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


def _prepare(
    frame: pd.DataFrame,
    text_column: str,
    date_column: str | None,
    group_column: str | None,
    mask_on: bool,
    source: str,
    max_text_rows: int,
) -> _Rows:
    columns = [str(c) for c in frame.columns]
    for needed in ["labels", date_column, group_column] + ([text_column] if text_column != "text" else []):
        if needed is not None and needed not in frame.columns:
            raise MissingColumnError(source, needed, columns)
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
            parsed.append(tuple(parse_labels(str(cell))))
        except ValueError:
            failures["unreadable labels cell"] += 1
            continue
        keep.append(i)
    rows = frame.iloc[keep]
    texts = [str(t) if isinstance(t, str) else "" for t in rows[text_column]] if text_column in columns else None
    presale = (
        pd.to_numeric(rows["presale"], errors="coerce") if "presale" in columns else pd.Series([math.nan] * len(rows))
    )
    groups = None
    if group_column is not None:
        raw = [
            str(g).strip() if g is not None and not (isinstance(g, float) and math.isnan(g)) else ""
            for g in rows[group_column]
        ]
        shown = {g: (mask_private(g).text if mask_on else g) or "(空 empty)" for g in set(raw)}
        groups = [shown[g] for g in raw]
    return _Rows(
        total=len(frame),
        failures=failures,
        ids=[str(v) for v in rows.iloc[:, 0]],
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
        groups=groups,
        mask_on=mask_on,
        sample=sorted(random.Random(0).sample(range(len(keep)), min(len(keep), max_text_rows))),
    )


# ------------------------------------------------------------------------------------------------ sections


def _section(key: str, heading: str, body: str) -> str:
    return f'<section id="{key}" data-section="{key}"><h2>{escape(heading)}</h2>{body}</section>'


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def _note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _sampled(rows: _Rows) -> str:
    n, k = len(rows.labels), len(rows.sample)
    return (
        f" 基于随机抽取的 {k:,} 条（共 {n:,} 条）。From a random sample of {k:,} of {n:,} complaints." if k < n else ""
    )


def _overview(rows: _Rows) -> str:
    n = len(rows.labels)
    with_issue = sum(1 for found in rows.labels if found)
    known = [p for p in rows.presale if p is not None]
    cards = [
        ("total", "投诉总数 Rows", f"{rows.total:,}", ""),
        ("scored", "已分类 Scored", f"{n:,}", _pct(n, rows.total)),
        ("failed", "无法分类 Not scored", f"{sum(rows.failures.values()):,}", ""),
        ("issues", "有问题类型 With an issue", f"{with_issue:,}", _pct(with_issue, n)),
        ("presale", "预售 Pre-sale", f"{sum(known):,}", _pct(sum(known), len(known))),
    ]
    html = '<div class="cards">' + "".join(
        f'<div class="card" data-card="{key}"><div class="k">{escape(k)}</div><div class="n">{v}</div>'
        f'<div class="sub">{escape(sub)}</div></div>'
        for key, k, v, sub in cards
    )
    html += "</div>"
    if rows.failures:
        reasons = "；".join(f"{reason} ×{count:,}" for reason, count in rows.failures.most_common(5))
        html += _note(f"未分类的原因 Why rows were not scored: {reasons}")
    return _section("overview", "概览 Overview", html)


def _issues(rows: _Rows) -> str:
    n = len(rows.labels)
    counts = {label: sum(rows.has(label)) for label in (*ISSUE_LABELS, OTHER)}
    bars = [
        Bar(label, _name(label), counts[label], f"{counts[label]:,} · {_pct(counts[label], n)}", COLORS[label])
        for label in counts
    ]
    share_bars = []
    for label in ("all", *ISSUE_LABELS, OTHER):
        member = [True] * n if label == "all" else rows.has(label)
        known = [p for p, m in zip(rows.presale, member) if m and p is not None]
        share = sum(known) / len(known) if known else 0.0
        share_bars.append(
            Bar(
                label,
                "全部 all" if label == "all" else _name(label),
                round(100 * share, 1),
                f"{share:.0%} ({sum(known):,}/{len(known):,})",
                COLORS.get(label, "#3b6ea8"),
            )
        )
    body = '<div class="grid wide">' + _figure(
        "各问题类型的投诉数（占已分类的比例）Complaints per issue type (share of scored rows)",
        bar_chart("issues", "各问题类型的投诉数 Complaints per issue type", bars),
    )
    body += _figure(
        "预售占比 Pre-sale share, per issue type",
        bar_chart("presale", "预售占比 Pre-sale share per issue type", share_bars),
    )
    body += "</div>" + _note(
        "一条投诉可同时属于多个问题类型，比例之和可超过 100%。A complaint can have several issue types."
    )
    return _section("issues", "问题类型与预售 Issue types and pre-sale", body)


def _trends(rows: _Rows, date_column: str | None) -> str:
    heading = "时间趋势 Trends over time"
    if rows.dates is None:
        return _section("trends", heading, _note("未提供日期列（--date-column），没有时间趋势。No date column given."))
    dated = [(d, found) for d, found in zip(rows.dates, rows.labels) if d is not None]
    if not dated:
        return _section("trends", heading, _note(f"列 {date_column} 中没有可读的日期。No readable dates."))
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    weekly = (last - first).days <= 182
    freq = "W-SUN" if weekly else "M"
    periods = pd.period_range(first.to_period(freq), last.to_period(freq), freq=freq)
    names = [str(p.start_time.date()) if weekly else str(p) for p in periods]
    positions = periods.get_indexer(pd.DatetimeIndex([d for d, _ in dated]).to_period(freq))
    table = {label: [0] * len(periods) for label in ("all", *ISSUE_LABELS, OTHER)}
    for i, (_, found) in zip(positions, dated):
        table["all"][i] += 1
        for label in found or (OTHER,):
            table[label][i] += 1
    shared_max = max(max(table[label]) for label in (*ISSUE_LABELS, OTHER))
    figures = []
    for label, series in table.items():
        title = "全部 all" if label == "all" else _name(label)
        points = [Point(name, v) for name, v in zip(names, series)]
        chart = line_chart(
            f"trend-{label}",
            f"{title}: 每{'周' if weekly else '月'}投诉数",
            points,
            y_max=max(series) if label == "all" else shared_max,
            color=COLORS.get(label, "#3b6ea8"),
        )
        figures.append(_figure(f"{title} · 共 {sum(series):,}", chart))
    unit = "周（周一起）per week" if weekly else "月 per month"
    notes = f"每{unit}；问题类型共用同一纵轴。Issue types share one y axis. "
    if len(dated) < len(rows.dates):
        notes += f"{len(rows.dates) - len(dated):,} 行没有可读日期，未计入。rows without a readable date left out."
    return _section("trends", heading, '<div class="grid">' + "".join(figures) + "</div>" + _note(notes))


def _groups(rows: _Rows, group_column: str | None) -> str:
    heading = "分组 Breakdown by group"
    if rows.groups is None:
        return _section("groups", heading, _note("未提供分组列（--group-column）。No grouping column given."))
    counts = Counter(rows.groups)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_GROUPS]
    bars = [Bar(g, g, c, f"{c:,}") for g, c in top]
    chart = bar_chart("groups", f"{group_column}: 投诉最多的 {len(top)} 个", bars, width=620)
    head = "".join(f"<th>{escape(LABEL_ZH[label])}<br><small>{label}</small></th>" for label in ISSUE_LABELS)
    cell: Counter[tuple[str, str]] = Counter()  # (group, label or "presale"/"known") in one pass over the rows
    for group, found, presale in zip(rows.groups, rows.labels, rows.presale):
        cell.update((group, label) for label in found)
        if presale is not None:
            cell.update([(group, "known")] + [(group, "presale")] * presale)
    lines = []
    for group, total in top:
        cells = "".join(
            f'<td style="background:rgba(213,94,0,{0.5 * cell[group, label] / total:.2f})">{cell[group, label]:,}</td>'
            for label in ISSUE_LABELS
        )
        lines.append(
            f"<tr><td>{escape(group)}</td><td>{total:,}</td>{cells}"
            f"<td>{_pct(cell[group, 'presale'], cell[group, 'known'])}</td></tr>"
        )
    table = (
        f'<div class="scroll"><table data-table="groups"><thead><tr><th>{escape(str(group_column))}</th>'
        f"<th>总数<br><small>total</small></th>{head}<th>预售<br><small>pre-sale</small></th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table></div>"
    )
    rest = len(counts) - len(top)
    more = (
        _note(f"另有 {rest:,} 个分组（{sum(counts.values()) - sum(c for _, c in top):,} 条）未显示。") if rest else ""
    )
    figure = _figure(
        f"按 {group_column} 的投诉数（前 {len(top)} 个）Complaints by {group_column}, top {len(top)}", chart
    )
    return _section("groups", heading, figure + "<h3>各问题类型 Per issue type</h3>" + table + more)


def distinctive_terms(
    docs: Sequence[set[str]], member: Sequence[bool], top: int = TOP_TERMS
) -> list[tuple[str, float, int]]:
    """Terms most typical of the member documents: (term, z-score, member documents containing it), best first.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008) over document
    frequencies, so one long complaint repeating a word cannot dominate and rare terms are shrunk to the
    background rate instead of topping the list with a single occurrence.
    """
    everywhere: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for doc, m in zip(docs, member):
        everywhere.update(doc)
        if m:
            inside.update(doc)
    n_all, n_in = sum(everywhere.values()), sum(inside.values())
    n_out, prior = n_all - n_in, 500.0
    minimum = 2 if sum(member) >= 10 else 1
    scored = []
    for term, y_in in inside.items():
        if y_in < minimum:
            continue
        y_out, alpha = everywhere[term] - y_in, prior * everywhere[term] / n_all
        rest_in, rest_out = n_in + prior - y_in - alpha, n_out + prior - y_out - alpha
        if rest_in <= 0 or rest_out <= 0:  # a one-word vocabulary: nothing to contrast
            continue
        delta = math.log((y_in + alpha) / rest_in) - math.log((y_out + alpha) / rest_out)
        z = delta / math.sqrt(1 / (y_in + alpha) + 1 / (y_out + alpha))
        if z > 0:
            scored.append((term, z, y_in))
    return sorted(scored, key=lambda t: (-t[1], t[0]))[:top]


def _term_table(rows: _Rows) -> tuple[dict[str, list[tuple[str, float, int]]], str]:
    """Distinctive terms per issue label, and where they come from (texts or evidence)."""
    if rows.texts is not None:
        from ..text.tokenizer import Tokenizer

        tokenizer = Tokenizer()
        docs = [
            {t for t in tokenizer.tokenize(rows.show(rows.texts[i])) if any(c.isalpha() for c in t)}
            - _PLACEHOLDER_WORDS
            for i in rows.sample
        ]
        labels = [rows.labels[i] for i in rows.sample]
        return {label: distinctive_terms(docs, [label in found for found in labels]) for label in ISSUE_LABELS}, "text"
    if rows.evidence is None:
        return {}, ""
    terms: dict[str, list[tuple[str, float, int]]] = {}
    for label in ISSUE_LABELS:
        weight: dict[str, float] = {}
        seen: Counter[str] = Counter()
        for found in rows.evidence:
            for item in found.get(label) or []:
                if isinstance(item, dict) and isinstance(item.get("term"), str):
                    value = item.get("weight")
                    added = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0
                    weight[item["term"]] = weight.get(item["term"], 0.0) + added
                    seen[item["term"]] += 1
        terms[label] = sorted(((t, w, seen[t]) for t, w in weight.items()), key=lambda t: (-t[1], t[0]))[:TOP_TERMS]
    return terms, "evidence"


def _terms(rows: _Rows, terms: dict[str, list[tuple[str, float, int]]], origin: str) -> str:
    heading = "各问题类型的特征词 Distinctive terms per issue type"
    if not origin:
        return _section("terms", heading, _note("没有文本列或 evidence 列。Needs a text or evidence column."))
    figures = []
    for label, found in terms.items():
        if not found:
            continue
        bars = [
            Bar(t, t, round(v, 2), f"{v:.1f} · {k:,}条", COLORS[label], f"{t}: {v:.2f}, {k:,} 条投诉")
            for t, v, k in found
        ]
        figures.append(
            _figure(_name(label), bar_chart(f"terms-{label}", f"{_name(label)} 特征词", bars, width=360, max_label=130))
        )
    how = (
        "数值：对数几率 z 分数（该类投诉与其余投诉相比）· 出现该词的该类投诉条数。Value: log-odds z-score vs the other "
        "complaints · complaints of the type containing the term."
        if origin == "text"
        else "数值：模型证据权重之和 · 条数（无文本列，取自 evidence 列）。Value: summed evidence weight · complaints."
    ) + (_sampled(rows) if origin == "text" else "")
    return _section("terms", heading, '<div class="grid">' + "".join(figures) + "</div>" + _note(how))


def _binned(values: Sequence[float], edges: Sequence[float], names: Sequence[str], color: str) -> list[Bar]:
    counts = [0] * (len(edges) - 1)
    for v in values:
        for i in range(len(counts)):
            if v <= edges[i + 1] or i == len(counts) - 1:
                counts[i] += 1
                break
    return [Bar(name, name, c, f"{c:,}", color) for name, c in zip(names, counts)]


def _amounts(rows: _Rows) -> str:
    heading = "金额与等待时间 Money and waiting time"
    if rows.texts is None:
        return _section("amounts", heading, _note("没有文本列（classify --keep-columns text）。Needs the text column."))
    from .extract import extract

    money: list[float] = []
    differences: list[float] = []
    waited: list[float] = []
    for i in rows.sample:
        found = extract(rows.texts[i])
        money.extend(m.amount for m in found.money if m.amount > 0)
        waited.extend(w.days for w in found.waited)
        if found.difference is not None and found.difference > 0:
            differences.append(found.difference)
    yuan = [
        "≤10",
        "10–50",
        "50–100",
        "100–200",
        "200–500",
        "500–1千",
        "1千–2千",
        "2千–5千",
        "5千–1万",
        "1万–5万",
        ">5万",
    ]
    days = ["≤1", "1–3", "3–7", "7–14", "14–30", "30–60", ">60"]
    figures = []
    for key, caption, values, edges, names, unit, color in (
        ("money", "投诉中的金额 Amounts mentioned", money, MONEY_EDGES, yuan, "元 yuan", "#0072b2"),
        ("difference", "差价 Price differences", differences, MONEY_EDGES, yuan, "元 yuan", "#d55e00"),
        ("waited", "等待天数 Days waited", waited, DAY_EDGES, days, "天 days", "#e69f00"),
    ):
        if not values:
            figures.append(_figure(caption, "") + _note("没有找到。None found."))
            continue
        median = float(pd.Series(values).median())
        chart = histogram(key, caption, _binned(values, edges, names, color), unit=unit)
        figures.append(_figure(f"{caption}：{len(values):,} 个，中位数 median {median:,.1f} {unit}", chart))
    sampled = _note(_sampled(rows).strip()) if len(rows.sample) < len(rows.labels) else ""
    return _section("amounts", heading, '<div class="grid wide">' + "".join(figures) + "</div>" + sampled)


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, spans in ``<mark>``, cut to a window around the first mark when it is long."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    start = max(0, merged[0][0] - 80) if merged and merged[0][0] > SNIPPET - 80 else 0
    end = min(len(text), start + SNIPPET)
    out, pos = ["…" if start else ""], start
    for s, e in merged:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out += [escape(text[pos:s]), f"<mark>{escape(text[s:e])}</mark>"]
        pos = e
    out += [escape(text[pos:end]), "…" if end < len(text) else ""]
    return "".join(out)


def _evidence_spans(evidence: Sequence[Any], length: int) -> list[tuple[int, int]]:
    """The [start, end) spans of evidence items that fit a text of ``length`` (others are skipped, not fatal)."""
    out = []
    for item in evidence:
        for span in item.get("spans") or [] if isinstance(item, dict) else []:
            try:
                start, end = int(span[0]), int(span[1])
            except (TypeError, ValueError, IndexError, KeyError):
                continue
            if 0 <= start < end <= length:
                out.append((start, end))
    return out


def _masked_spans(result: MaskResult, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        if any(p.start < e and s < p.end for p in result.spans):
            continue  # the evidence touches personal data: do not point at it
        shift = sum(len(p.placeholder) - (p.end - p.start) for p in result.spans if p.end <= s)
        out.append((s + shift, e + shift))
    return out


def _find_terms(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return [(m.start(), m.end()) for t in terms if t for m in re.finditer(re.escape(t), lowered)]


def _examples(rows: _Rows, terms: dict[str, list[tuple[str, float, int]]]) -> str:
    """The complaints the model is surest about per issue type (distinct texts), masked, evidence marked."""
    heading = "代表性投诉 Representative complaints"
    if rows.texts is None:
        return _section("examples", heading, _note("没有文本列。Needs the text column."))
    blocks = []
    for label in ISSUE_LABELS:
        scores = rows.proba.get(label)
        order = sorted((i for i, m in enumerate(rows.has(label)) if m), key=lambda i: -scores[i] if scores else 0.0)
        shown: dict[int, str] = {}
        for i in order:
            if len(shown) == EXAMPLES:
                break
            text = rows.show(rows.texts[i])
            if text not in shown.values():
                shown[i] = text
        items = []
        for i, masked in shown.items():
            evidence = (rows.evidence[i].get(label) if rows.evidence else None) or []
            text, terms_shown = rows.texts[i], [str(e.get("term", "")) for e in evidence if isinstance(e, dict)]
            spans = _evidence_spans(evidence, len(text))
            if rows.mask_on and spans:
                spans = _masked_spans(mask_private(text), spans)
            if not evidence:  # no evidence column: the label's distinctive words (2+ characters) found in the text
                spans = _find_terms(masked, [t for t, _, _ in terms.get(label, []) if len(t) > 1])
                terms_shown = list(dict.fromkeys(masked[s:e] for s, e in sorted(spans)))
            meta = [f"#{rows.show(rows.ids[i])}"]
            if scores:
                meta.append(f"p={scores[i]:.2f}")
            meta.append("预售 pre-sale" if rows.presale[i] == 1 else "")
            day = rows.dates[i] if rows.dates else None
            meta += [str(day.date()) if day is not None else "", rows.groups[i] if rows.groups else ""]
            source = "证据 evidence" if evidence else "特征词 distinctive terms"
            items.append(
                f'<div class="example" data-example="{label}" style="--c:{COLORS[label]}">'
                f'<div class="meta">{escape(" · ".join(m for m in meta if m))}</div>'
                f'<p lang="zh-CN">{_marked(masked, spans)}</p>'
                f'<div class="meta">{source}: {escape("、".join(terms_shown[:8]))}</div></div>'
            )
        body = "".join(items) or _note("没有这一类的投诉。None of this type.")
        blocks.append(f"<h3>{escape(_name(label))}</h3>{body}")
    masked_note = "已遮蔽个人信息（电话、证件号、地址、姓名等）。Personal data masked."
    note = masked_note if rows.mask_on else "未遮蔽 NOT masked."
    return _section("examples", heading, "".join(blocks) + _note(note))


# ---------------------------------------------------------------------------------------------------- page

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:@FONT@;color:#1f2933;background:#f3f5f7;line-height:1.55;font-size:15px}
header,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:1.5rem;margin:0 0 2px}
h2{font-size:1.15rem;margin:0 0 10px}
h3{font-size:1rem;margin:16px 0 6px}
nav a{margin-right:14px;color:#3b6ea8;text-decoration:none;font-size:.9rem}
.meta,.note,figcaption,.sub,.k{color:#616e7c;font-size:.85rem}
section{background:#fff;border-radius:8px;padding:14px 20px;margin:14px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.card{border:1px solid #e4e7eb;border-radius:6px;padding:8px 12px}
.card .n{font-size:1.5rem;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px 28px;align-items:start}
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(520px,1fr))}
figure{margin:0;min-width:0}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-family:@FONT@}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{padding:3px 8px;text-align:right;border-bottom:1px solid #e4e7eb;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
.example{border-left:4px solid var(--c);background:#fafbfc;padding:6px 12px;margin:8px 0}
.example p{margin:4px 0}
mark{background:#ffe58a;border-radius:2px;padding:0 1px}
@media (max-width:600px){.grid.wide{grid-template-columns:1fr}}
""".replace("@FONT@", FONT_STACK)


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "未知 unknown"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") + (f" {value.tzname()}" if value.tzinfo else "")
    return str(value)


def build_report(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    date_column: str | None = None,
    group_column: str | None = None,
    mask: bool = True,
    model_name: str = "",
    model_version: str = "",
    scored_at: datetime | str | None = None,
    title: str = DEFAULT_TITLE,
    source: str = "<dataframe>",
    max_text_rows: int = MAX_TEXT_ROWS,
) -> str:
    """The report of a scored frame (output of ``classify``) as one HTML document; see the module docstring.

    ``text_column`` may be absent when it is the default ``text`` (sections that need text say so); a named
    date, group or non-default text column that is absent raises MissingColumnError naming ``source``.
    Terms, amounts and waiting times come from a fixed random sample of ``max_text_rows`` texts when there are
    more (they cost about 1 ms per text); every count, trend and group figure uses all rows.
    """
    from .. import __version__

    rows = _prepare(frame, text_column, date_column, group_column, mask, source, max_text_rows)
    terms, origin = _term_table(rows)
    sections = [
        _overview(rows),
        _issues(rows),
        _trends(rows, date_column),
        _groups(rows, group_column),
        _terms(rows, terms, origin),
        _amounts(rows),
        _examples(rows, terms),
    ]
    links = [
        ("overview", "概览"),
        ("issues", "问题类型"),
        ("trends", "趋势"),
        ("groups", "分组"),
        ("terms", "特征词"),
        ("amounts", "金额与时间"),
        ("examples", "代表性投诉"),
    ]
    nav = "".join(f'<a href="#{key}">{escape(name)}</a>' for key, name in links)
    model = f"{model_name} {model_version}".strip() or "未知 unknown"
    meta = f"模型 Model: {model} · 分类时间 Scored: {_when(scored_at)} · {len(rows.labels):,} / {rows.total:,} 条已分类"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f'<link rel="icon" href="data:,"><title>{escape(title)}</title><style>{_CSS}</style></head><body>'
        f'<header><h1>{escape(title)}</h1><div class="meta" data-model>{escape(meta)}</div>'
        f"<nav>{nav}</nav></header>"
        f"<main>{''.join(sections)}</main>"
        f'<footer class="meta"><p>complaintmine {escape(__version__)} · {escape(meta)}</p></footer></body></html>\n'
    )


def write_report(path: str | Path, html: str) -> Path:
    """Write the report as UTF-8 (parent folders created) and return its path."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(target, f"cannot write the report: {exc.strerror}") from None
    return target
