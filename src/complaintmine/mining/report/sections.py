"""The report's sections as HTML: overview, issues, trends, groups, terms, amounts, examples."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

import pandas as pd

from ...labels import ISSUE_LABELS, LABEL_ZH, OTHER
from ..privacy import MaskResult, touches_private
from ..privacy import mask as mask_private
from ..svg_charts import Bar, Point, bar_chart, histogram, line_chart
from .data import (
    COLORS,
    DAY_EDGES,
    EXAMPLES,
    MONEY_EDGES,
    SNIPPET,
    TOP_GROUPS,
    _name,
    _Rows,
    unmasked_evidence,
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
    from ..extract import extract

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
        if touches_private(s, e, result.spans):
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
            if rows.mask_on and evidence:
                evidence = unmasked_evidence({label: evidence}, rows.texts[i]).get(label, [])
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
