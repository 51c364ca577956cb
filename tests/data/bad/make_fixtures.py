"""Writes the bad-input fixtures of this folder and ``cases.json`` (run it after changing a case; commit both).

Each case is a file that once broke a reader (issue #14) or is close to one, with what ``classify`` must give
for it: the ids of the output rows in order (exactly as in the input: an integer stays an integer, a string
stays the same string), the error rows counted by reason, or the one-line InputError it must raise instead.
tests/integration/test_bad_inputs.py runs every reader over every case.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CASES: list[dict[str, Any]] = []


def case(
    name: str,
    content: bytes,
    ids: list[Any] | None = None,
    errors: dict[str, int] | None = None,
    raises: str | None = None,
    **options: Any,
) -> None:
    (HERE / name).write_bytes(content)
    CASES.append({"file": name, "options": options, "ids": ids, "errors": errors or {}, "raises": raises})


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet(columns: dict[str, Any]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


BIG = 1234567890123456789
ID = {"id_column": "id"}

# 1. ids: an integer id must not become a float when a row in its chunk has no id
case(
    "ids_with_a_gap.jsonl",
    utf8(f'{{"id": {BIG}, "text": "尾款涨价了"}}\n[1, 2]\n{{"id": 1, "text": "发货慢"}}\n{{"text": "没有编号"}}\n'),
    ids=[BIG, None, 1, None],  # a row without an id (or unreadable) keeps none: null, not ""
    errors={"line is not a JSON object": 1},
    **ID,
)
case(
    "ids_with_a_null.parquet",
    parquet({"id": [BIG, None, 1], "text": ["尾款涨价", "赠品没给", "发货慢"]}),
    ids=[BIG, None, 1],
    **ID,
)
# 2. text that cannot be tokenized or written
case(
    "lone_surrogate_escape.jsonl",
    utf8('{"id": "a1", "text": "\\ud800尾款涨价"}\n{"id": "a2", "text": "好评"}\n'),
    ids=["a1", "a2"],
    errors={"lone surrogate (broken \\u escape)": 1},
    **ID,
)
case(
    "utf16_lone_surrogate.csv",
    b"\xff\xfe" + "id,text\n1,好评\n2,".encode("utf-16-le") + b"\x00\xd8" + "尾款\n3,差评\n".encode("utf-16-le"),
    ids=["1", "2", "3"],
    errors={"undecodable bytes": 1},
    **ID,
)
case(
    "bad_bytes_in_header.csv",
    b"id,\xff\xfetext\n1,x\n",
    raises="header has bytes that are not valid text",
    encoding="utf-8",
    **ID,
)
# 4. quotes that used to swallow rows
case(
    "unterminated_quote_at_the_end.csv",
    utf8('id,text\n1,好评\n2,"赠品没给\n3,发货慢\n4,差评\n'),
    ids=["1", "2", "3", "4"],
    errors={"unterminated quote": 1},
    **ID,
)
stray = ["id,text", "1,好评", '2,"说好的赠品没给'] + [f"{i},第{i}条投诉" for i in range(3, 40)]
stray += ['40,"好评,很好"'] + [f"{i},第{i}条" for i in range(41, 53)]
case(
    "stray_quote_mid_file.csv",
    utf8("\n".join(stray) + "\n"),
    ids=[str(i) for i in range(1, 53)],
    errors={"unterminated quote": 1},
    **ID,
)
case("unterminated_quote_in_header.csv", utf8('id,"text\n1,好评\n'), raises="malformed header", **ID)
case(
    "quoted_line_breaks_stay_one_row.csv",
    utf8('id,text\r\n1,"第一行\r\n第二行"\r\n2,"a\rb"\r\n3,好评\r\n'),
    ids=["1", "2", "3"],
    **ID,
)
# 6. ragged rows keep their id
case(
    "ragged_rows.csv",
    utf8("id,text\n1,好评,多余\n2\n3,差评\n"),
    ids=["1", "2", "3"],
    errors={"wrong number of fields": 2},
    **ID,
)
# 8. Excel headers
case("duplicate_header.xlsx", xlsx([["id", "text", "text"], [1, "好评", "差评"]]), raises="appears twice", **ID)
case(
    "cells_beyond_the_header.xlsx",
    xlsx([["id", "text"], [1, "好评", "多余"], [2, "差评"]]),
    ids=[1, 2],
    errors={"cells beyond the header": 1},
    **ID,
)
case("blank_header_cell.xlsx", xlsx([["id", None, "text"], [1, "x", "好评"]]), ids=[1], **ID)
# 9. a raw CR inside a JSON string is text, and later line numbers stay right
case(
    "raw_cr_in_json_string.jsonl",
    utf8('{"id": 1, "text": "尾款\r涨价"}\r\n[2]\n{"id": 3, "text": "好评"}\n'),
    ids=[1, None, 3],
    errors={"line is not a JSON object": 1},
    **ID,
)
# 5. short GBK
case("short_gbk.csv", "id,text\n1,尾款涨价\n".encode("gbk"), ids=["1"], **ID)
# 11. decoder failures
case(
    "utf16_without_bom.csv", "id,text\n1,好评\n".encode("utf-16-le"), raises="byte order mark", encoding="utf-16", **ID
)
case(
    "undecodable_jsonl_line.jsonl",
    utf8('{"id": "x1", "text": "好评"}\n') + b'{"id": "x2", "text": "\xb7\xa2\xbb\xf5"}\n',
    ids=["x1", "x2"],
    errors={"undecodable bytes": 1},
    encoding="utf-8",
    **ID,
)
# binary garbage: a clear error or rows with errors, never a traceback
case("binary_garbage.csv", random.Random(14).randbytes(3000), raises="")

(HERE / "cases.json").write_text(json.dumps(CASES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
