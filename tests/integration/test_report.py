"""The HTML report: sections, numbers that match the scored frame, masking, no URLs, and a real browser render.

The browser test drives headless Chromium over ``--remote-debugging-pipe`` (the DevTools protocol as
NUL-separated JSON on file descriptors 3 and 4), so it needs no extra package and no network port. It records
every console error, uncaught exception and network request, checks each chart has marks and a size on screen,
asks Chromium which font drew the Chinese text, and saves a full-page screenshot to tests/artifacts/report.png.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.labels import ISSUE_LABELS
from complaintmine.mining.report import build_report, distinctive_terms, write_report
from tests.conftest import ROOT

MODEL = ROOT / "models" / "complaintmine-zh-0.1.0"
ARTIFACTS = ROOT / "tests" / "artifacts"
SECTIONS = ("overview", "issues", "trends", "groups", "terms", "amounts", "examples")
PHONES = ("13812345678", "13987654321", "15011112222", "18600001111", "17755556666", "13500002468", "13312341234")
MERCHANTS = ["天猫旗舰店", "京东自营", "拼多多百亿补贴店", "抖音直播间", "唯品会", "<b>A&B</b>数码专营店"]
MERCHANTS += [f"第{i}号小店" for i in range(1, 26)]
CJK_FONTS = ("CJK", "Source Han", "PingFang", "Hiragino", "YaHei", "WenQuanYi")


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    """300 team-written texts scored with --explain, with dates, merchants, and phone numbers in some texts.

    Phone numbers go into the texts the model is surest about per label (plus two others), so they are among
    the representative complaints the report shows: that is where an unmasked number would leak.
    """
    corpus = pd.read_csv(ROOT / "corpora" / "team_written.csv", dtype=str, keep_default_na=False)
    frame = corpus.sample(300, random_state=7).reset_index(drop=True)[["id", "text"]]
    model = cm.load_model(MODEL)
    first = cm.classify_frame(model, frame, id_column="id")
    chosen = [int(first[f"p_{label}"].idxmax()) for label in ISSUE_LABELS] + [10, 20]
    for row, phone in zip(dict.fromkeys(chosen), PHONES):
        frame.loc[row, "text"] = f"联系电话{phone}，" + frame.loc[row, "text"]
    rng = random.Random(7)
    start = pd.Timestamp("2024-08-01")
    frame["date"] = [(start + pd.Timedelta(days=rng.randrange(150))).strftime("%Y-%m-%d") for _ in range(len(frame))]
    frame.loc[3, "date"] = "不是日期"
    frame["merchant"] = [rng.choice(MERCHANTS) for _ in range(len(frame))]
    out = cm.classify_frame(model, frame, id_column="id", explain=True)
    kept = frame[["text", "date", "merchant"]]
    return pd.concat([out[["id"]], kept, out.drop(columns=["id"])], axis=1)


@pytest.fixture(scope="module")
def page(scored: pd.DataFrame) -> str:
    return build_report(
        scored,
        date_column="date",
        group_column="merchant",
        model_name="complaintmine-zh",
        model_version="0.1.0",
        scored_at="2026-11-25 01:47 UTC",
    )


class _Parsed(HTMLParser):
    """Collects elements with their attributes and enclosing charts, and every nesting error (html.parser is lax)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []  # (tag, attrs, ancestors' data-chart)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        charts = [a["data-chart"] for _, a in self.stack if "data-chart" in a]
        self.elements.append((tag, values, charts))
        if tag not in self.VOID:
            self.stack.append((tag, values))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        charts = [a["data-chart"] for _, a in self.stack if "data-chart" in a]
        self.elements.append((tag, {k: v or "" for k, v in attrs}, charts))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> does not close {self.stack[-1][0] if self.stack else 'anything'}")
        else:
            self.stack.pop()


def parse(html: str) -> _Parsed:
    parser = _Parsed()
    parser.feed(html)
    parser.close()
    return parser


def bar_values(parsed: _Parsed, chart: str) -> dict[str, float]:
    return {
        a["data-key"]: float(a["data-value"]) for tag, a, charts in parsed.elements if tag == "g" and chart in charts
    }


def label_counts(scored: pd.DataFrame) -> dict[str, int]:
    ok = scored[scored["error"] == ""]
    return {
        label: int(ok["labels"].str.split("|").map(lambda found, x=label: x in found).sum()) for label in ISSUE_LABELS
    }


# -------------------------------------------------------------------------------------------------- unit-level


@pytest.mark.slow
def test_every_section_and_chart_is_present_and_well_formed(page: str):
    parsed = parse(page)
    assert parsed.problems == [] and parsed.stack == []
    sections = [a["data-section"] for tag, a, _ in parsed.elements if tag == "section"]
    assert sections == list(SECTIONS)
    charts = [a for tag, a, _ in parsed.elements if tag == "svg"]
    names = {a["data-chart"] for a in charts}
    assert {"issues", "presale", "groups", "money", "waited", "trend-all"} <= names
    assert {f"trend-{label}" for label in ISSUE_LABELS} <= names
    assert {f"terms-{label}" for label in ISSUE_LABELS} <= names
    assert all(a["role"] == "img" and a["aria-label"] for a in charts)
    assert all("Noto Sans CJK SC" in a["font-family"] for a in charts)
    titled = {charts_[-1] for tag, _, charts_ in parsed.elements if tag == "title" and charts_}
    assert titled == names
    assert page.count('class="example"') == 3 * len(ISSUE_LABELS)
    assert "complaintmine-zh 0.1.0" in page and "2026-11-25 01:47 UTC" in page


def test_numbers_in_the_page_equal_the_frame(scored: pd.DataFrame, page: str):
    parsed = parse(page)
    issues = bar_values(parsed, "issues")
    counts = label_counts(scored)
    ok = scored[scored["error"] == ""]
    assert {k: int(v) for k, v in issues.items() if k != "other"} == counts
    assert issues["other"] == (ok["labels"] == "other").sum()
    presale = int((pd.to_numeric(ok["presale"]) == 1).sum())
    assert f"({presale:,}/{len(ok):,})" in page
    groups = bar_values(parsed, "groups")
    expected = ok["merchant"].value_counts()
    assert len(groups) == 20
    assert all(groups[name] == expected[name] for name in groups)  # names unescaped: "<b>A&B</b>..." too
    assert max(groups.values()) == expected.max()
    points = [
        int(title.rsplit(": ", 1)[1]) for title in re.findall(r"<circle [^>]*><title>([^<]*)</title>", trend(page))
    ]
    assert sum(points) == len(ok) - 1  # one row has no readable date
    assert "1 行没有可读日期" in page


def trend(page: str) -> str:
    return page.split('data-chart="trend-all"', 1)[1].split("</svg>", 1)[0]


def test_masking_is_on_by_default_and_can_be_turned_off(scored: pd.DataFrame, page: str):
    shown = [phone for phone in PHONES if phone in scored["text"].str.cat()]
    assert shown, "the fixture must put phone numbers in texts"
    assert not any(phone in page for phone in PHONES)
    assert "[PHONE]" in page
    unmasked = build_report(scored, date_column="date", group_column="merchant", mask=False)
    assert any(phone in unmasked for phone in PHONES)
    assert "[PHONE]" not in unmasked


def test_no_urls_and_everything_escaped(page: str):
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|data:)""", page)
    assert "<b>A&B</b>" not in page and "&lt;b&gt;A&amp;B&lt;/b&gt;" in page


def test_evidence_spans_survive_masking_that_changes_lengths():
    text = "联系电话13812345678，定金付了，尾款涨了50元"
    term_at = text.index("尾款涨")
    evidence = {
        "price_hike": [
            {"term": "尾款 涨", "weight": 0.9, "spans": [[term_at, term_at + 3]]},
            {"term": "电话", "weight": 0.2, "spans": [[text.index("电话13"), text.index("电话13") + 6]]},
        ]
    }
    frame = pd.DataFrame(
        {
            "row": [0, 1],
            "text": [text, ""],
            "labels": ["price_hike", ""],
            "presale": [1, None],
            **{f"p_{label}": [0.9 if label == "price_hike" else 0.1, None] for label in ISSUE_LABELS},
            "evidence": [json.dumps(evidence, ensure_ascii=False), ""],
            "error": ["", "empty text"],
        }
    )
    masked = build_report(frame)
    assert "<mark>尾款涨</mark>" in masked and "13812345678" not in masked
    assert "<mark>电话" not in masked  # that span touches the phone number, so it is dropped
    plain = build_report(frame, mask=False)
    assert "<mark>尾款涨</mark>" in plain and "<mark>电话1381</mark>" in plain
    assert "empty text ×1" in masked and "无法分类" in masked


@pytest.mark.parametrize("with_text", [True, False], ids=["text column", "evidence only"])
def test_evidence_terms_that_are_personal_data_are_neither_listed_nor_charted(with_text):
    """A file scored without classify --mask holds evidence terms such as a recipient's name: the masked text
    showed [NAME] while the evidence line under it and the distinctive-terms chart named the person (found by a
    newcomer's first hour)."""
    text = "赠品少了，收件人：王小明，客服一直不回"
    at = text.index("王小明")
    evidence = {
        "gift_not_honored": [
            {"term": "赠品", "weight": 4.8, "spans": [[0, 2]]},
            {"term": "王小明", "weight": 0.6, "spans": [[at, at + 3]]},
            {"term": "客服", "weight": 0.3, "spans": [[text.index("客服"), text.index("客服") + 2]]},
        ]
    }
    frame = pd.DataFrame(
        {
            "text": [text],
            "labels": ["gift_not_honored"],
            "presale": [0],
            **{f"p_{label}": [0.9 if label == "gift_not_honored" else 0.1] for label in ISSUE_LABELS},
            "evidence": [json.dumps(evidence, ensure_ascii=False)],
            "error": [""],
        }
    )
    if not with_text:
        frame = frame.drop(columns=["text"])
    masked = build_report(frame)
    assert "王小明" not in masked and "赠品" in masked
    assert "王小明" in build_report(frame, mask=False)


def test_without_text_date_or_group_the_report_says_what_is_missing(scored: pd.DataFrame):
    bare = scored.drop(columns=["text", "date", "merchant"])
    html = build_report(bare)
    parsed = parse(html)
    assert parsed.problems == []
    assert [a["data-section"] for tag, a, _ in parsed.elements if tag == "section"] == list(SECTIONS)
    assert "--date-column" in html and "--group-column" in html
    assert any(a.get("data-chart") == "terms-price_hike" for _, a, _ in parsed.elements)  # from the evidence


def test_rows_without_a_readable_date_are_said_before_the_page_is_written():
    frame = pd.DataFrame(
        {
            "labels": ["other", "price_hike", "other", "other", "not-a-label"],
            "date": ["2026-11-11", "昨天", None, "2026-11-12", "前天"],
            "text": ["a", "b", "c", "", "d"],
            "error": ["", "", "", "x", ""],
        }
    )

    def notes(frame: pd.DataFrame, date_column: str | None) -> list[str]:
        said: list[str] = []
        build_report(frame, date_column=date_column, on_note=said.append)
        return said

    # the row with an error and the one whose labels cell cannot be read are left out of the page, so of the note too
    assert notes(frame, "date") == [
        "2 scored rows have no readable date in column 'date' (e.g. '昨天'): the trends leave them out"
    ]
    assert notes(frame, None) == [] and notes(frame.iloc[[0]], "date") == []
    assert notes(frame.drop(columns="text"), None)[0].startswith("no text column 'text'")


def test_large_files_sample_texts_but_count_every_row(scored: pd.DataFrame, page: str):
    sampled = build_report(scored, date_column="date", group_column="merchant", max_text_rows=50)
    ok = int((scored["error"] == "").sum())
    assert f"From a random sample of 50 of {ok:,} complaints" in sampled
    assert "random sample" not in page
    assert bar_values(parse(sampled), "issues") == bar_values(parse(page), "issues")
    assert bar_values(parse(sampled), "groups") == bar_values(parse(page), "groups")


def test_distinctive_terms_prefer_words_typical_of_the_label():
    docs = [{"尾款", "涨价", "客服"}] * 6 + [{"发货", "客服"}] * 6 + [{"发货", "尾款"}]
    member = [True] * 6 + [False] * 7
    found = distinctive_terms(docs, member)
    assert [term for term, _, _ in found][:2] == ["涨价", "尾款"]
    assert all(term != "发货" for term, _, _ in found)
    assert found[0][2] == 6


def test_missing_named_columns_raise(scored: pd.DataFrame):
    with pytest.raises(cm.MissingColumnError, match=r"Did you mean 'date'\?"):
        build_report(scored, date_column="dates", source="scored.csv")
    with pytest.raises(cm.MissingColumnError, match="body"):
        build_report(scored, text_column="body")
    # a column that is not near any: a scored file has only the input columns classify carried
    with pytest.raises(cm.MissingColumnError, match=r"no column '店铺'.*classify \.\.\. --keep-columns 店铺$"):
        build_report(scored, group_column="店铺", source="scored.csv")


def test_write_report_writes_utf8(tmp_path: Path, page: str):
    path = write_report(tmp_path / "sub" / "report.html", page)
    assert path.read_text(encoding="utf-8") == page


def test_a_report_that_cannot_be_written_is_an_output_error(tmp_path: Path):
    with pytest.raises(cm.OutputError, match="cannot write the report") as caught:
        write_report(tmp_path, "<html></html>")  # a directory
    assert caught.value.exit_code == 6 and caught.value.path == str(tmp_path)


def example_ids(html: str) -> list[str]:
    """What heads each representative complaint: the text after '#' in its first meta line."""
    return re.findall(r'<div class="example"[^>]*><div class="meta">#([^<]*?)(?: · [^<]*)?</div>', html)


def test_build_report_is_public():
    assert {"build_report", "write_report"} <= set(cm.__all__)
    assert cm.build_report is build_report and cm.write_report is write_report


def test_examples_are_headed_by_the_id_classify_frame_puts_before_labels():
    texts = [
        "付了定金，尾款涨了50元",
        "刚买就降价200，不给保价",
        "说好送的赠品一直没发",
        "说好48小时发货，一周了还没发",
    ]
    df = pd.DataFrame({"id": [f"t-{i}" for i in range(len(texts))], "text": texts})
    model = cm.load_model(MODEL)
    natural = pd.concat([df.drop(columns="id"), cm.classify_frame(model, df, id_column="id")], axis=1)
    assert list(natural.columns[:3]) == ["text", "id", "labels"]
    shown = example_ids(build_report(natural))
    assert shown and set(shown) <= set(df["id"]), shown
    assert example_ids(build_report(natural, id_column="text", mask=False))[0] in texts
    # without an id column, classify_frame's row numbers; with labels first, the rows' positions
    by_row = pd.concat([df[["text"]], cm.classify_frame(model, df[["text"]])], axis=1)
    assert list(by_row.columns[:3]) == ["text", "row", "labels"]
    labels_first = cm.classify_frame(model, df[["text"]]).drop(columns="row").join(df["text"])
    assert labels_first.columns[0] == "labels"
    assert example_ids(build_report(labels_first)) == example_ids(build_report(by_row))
    assert example_ids(build_report(by_row)) and set(example_ids(build_report(by_row))) <= {"0", "1", "2", "3"}


def test_a_frame_shaped_like_the_classify_commands_file_takes_its_id_column_by_name(scored: pd.DataFrame):
    # the command writes the id first and --keep-columns before labels: here 'merchant' comes right before labels
    assert list(scored.columns[:5]) == ["id", "text", "date", "merchant", "labels"]
    shown = example_ids(build_report(scored, id_column="id"))
    assert len(shown) == 3 * len(ISSUE_LABELS) and set(shown) <= set(scored["id"])
    with pytest.raises(cm.MissingColumnError, match=r"no column 'ID'.*Did you mean 'id'\?"):
        build_report(scored, id_column="ID", source="scored.csv")


# ------------------------------------------------------------------------------------------------ the browser

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("chromium not installed (apt-get install chromium fonts-noto-cjk; .ci/run does it as root)")
    return found


class Browser:
    """A minimal DevTools-protocol client over Chromium's --remote-debugging-pipe."""

    def __init__(self, binary: str, profile: Path, log: Path):
        commands_r, commands_w = os.pipe()
        replies_r, replies_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; a tiny Python launcher puts the pipes there
        # (no preexec_fn, and POSIX sh cannot name descriptors above 9).
        launcher = f"import os,sys; os.dup2({commands_r},3); os.dup2({replies_w},4); os.execv(sys.argv[1],sys.argv[1:])"
        with open(log, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-c", launcher, binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                pass_fds=(commands_r, replies_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        os.close(commands_r)
        os.close(replies_w)
        self.commands = os.fdopen(commands_w, "wb")
        self.replies = replies_r
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.last_id = 0
        self.log = log

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.replies], [], [], max(deadline - time.monotonic(), 0))
            chunk = os.read(self.replies, 1 << 20) if ready else b""
            if not chunk:
                tail = self.log.read_text(errors="replace").splitlines()[-15:]
                raise AssertionError("Chromium stopped answering (timeout or exit); its log ends:\n" + "\n".join(tail))
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.commands.write(json.dumps(message).encode() + b"\0")
        self.commands.flush()
        deadline = time.monotonic() + 60
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self.last_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + 60
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._message(deadline))

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError):  # it may exit before it answers
            self.send("Browser.close")
        with contextlib.suppress(OSError):
            self.commands.close()
        os.close(self.replies)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


CHECK_CHARTS = """JSON.stringify({
  charts: [...document.querySelectorAll('svg[data-chart]')].map(s => ({
    name: s.dataset.chart, marks: s.querySelectorAll('rect, path, circle').length,
    width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height})),
  sections: [...document.querySelectorAll('section[data-section]')].map(s => s.dataset.section),
  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})"""


def fonts_for(browser: Browser, session: str, selector: str) -> list[str]:
    root = browser.send("DOM.getDocument", {"depth": 0}, session)["root"]["nodeId"]
    node = browser.send("DOM.querySelector", {"nodeId": root, "selector": selector}, session)["nodeId"]
    fonts = browser.send("CSS.getPlatformFontsForNode", {"nodeId": node}, session)["fonts"]
    return [str(f["familyName"]) for f in fonts]


@pytest.mark.slow
def test_report_renders_in_headless_chromium_without_errors(page: str, tmp_path: Path):
    binary = chromium()
    report = write_report(tmp_path / "report.html", page)
    browser = Browser(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page", "DOM", "CSS"):
            browser.send(f"{domain}.enable", {}, session)
        metrics = {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False}
        browser.send("Emulation.setDeviceMetricsOverride", metrics, session)
        browser.send("Page.navigate", {"url": report.as_uri()}, session)
        browser.wait_for("Page.loadEventFired")
        result = browser.send("Runtime.evaluate", {"expression": CHECK_CHARTS, "returnByValue": True}, session)
        state = json.loads(result["result"]["value"])
        heading_fonts = fonts_for(browser, session, "h1")
        chart_fonts = fonts_for(browser, session, 'svg[data-chart="issues"] text')
        size = browser.send("Page.getLayoutMetrics", {}, session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": 1366, "height": min(size["height"], 16000), "scale": 1}
        shot = browser.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}, session
        )
    finally:
        browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))

    errors = [
        e
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == [], f"console errors: {errors}"
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests and all(url.startswith(("file:", "data:")) for url in requests), requests
    assert state["sections"] == list(SECTIONS)
    assert len(state["charts"]) == page.count("<svg ") >= 15
    for chart in state["charts"]:
        assert chart["marks"] > 0 and chart["width"] > 50 and chart["height"] > 20, chart
    assert state["scrollWidth"] <= state["innerWidth"], "the page scrolls sideways at 1366 px"
    for fonts in (heading_fonts, chart_fonts):
        assert any(name in font for font in fonts for name in CJK_FONTS), (
            f"Chinese text drawn with {fonts}: install a CJK font (Debian: fonts-noto-cjk)"
        )


def test_groups_of_extracted_lists_read_the_same_from_json_lines_as_from_csv(tmp_path):
    # classify --extract writes gifts, platforms, channels and money as lists in JSON Lines (session 21); the
    # report grouped by such a column showed "['保温杯']" where the CSV's groups read 保温杯 (review).
    from complaintmine.scoring.batch import JobOptions, run_job

    from ..conftest import FROZEN

    texts = ["说好送保温杯，没收到", "赠品的保温杯没给", "送的雨伞到现在没发", "发货很快"]
    pd.DataFrame({"id": [str(k) for k in range(len(texts))], "text": texts}).to_csv(tmp_path / "in.csv", index=False)
    for name in ("scored.jsonl", "scored.csv"):
        options = JobOptions(str(tmp_path / "in.csv"), str(tmp_path / name), str(FROZEN), id_column="id", extract=True)
        run_job(options)
    pages = [
        build_report(cm.read_table(tmp_path / name), group_column="gifts", mask=False)
        for name in ("scored.jsonl", "scored.csv")
    ]
    jsonl, csv = (bar_values(parse(page), "groups") for page in pages)
    assert jsonl == csv and "保温杯" in jsonl and not any("[" in name for name in jsonl)
