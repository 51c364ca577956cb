"""Score evidence-field extraction against an annotated JSONL gold file (per field type precision and recall).

A predicted item is correct when its span overlaps an unmatched gold item of the same field type and its value
matches (money amount, days, gift item, platform or channel name); each gold item is matched at most once, so
a field reported twice over the same words counts once. ``difference`` is one value per text: a prediction is
correct when it equals the gold value, and support is the number of texts whose gold value is not None.

With no predictions, precision is 1.0 (nothing was claimed wrongly); with no gold items, recall is 1.0.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.row_errors import json_reason
from ..text.normalize import normalize
from .extract import Extraction, extract

SPAN_FIELDS = ("money", "promised_time", "waited", "gifts", "platforms", "channels")
FIELD_TYPES = (*SPAN_FIELDS, "difference")
_VALUE_KEY = {
    "money": "amount",
    "promised_time": "days",
    "waited": "days",
    "gifts": "item",
    "platforms": "name",
    "channels": "name",
}
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class GoldRecord:
    """One annotated text: the text, the gold items of each span field, and the gold difference."""

    line: int
    text: str
    fields: Mapping[str, Sequence[Mapping[str, Any]]]
    difference: float | None


def _values_match(field: str, predicted: Any, gold: Any) -> bool:
    if field in {"money", "promised_time", "waited"}:
        if predicted is None or gold is None:
            return predicted is None and gold is None
        return abs(float(predicted) - float(gold)) <= _TOLERANCE
    if field == "gifts":
        return normalize(str(predicted)) == normalize(str(gold))
    return bool(predicted == gold)


def _check_item(path: Path, line: int, text: str, field: str, item: Any) -> None:
    if not isinstance(item, dict) or _VALUE_KEY[field] not in item:
        raise InputError(path, f"{field}: each item needs {_VALUE_KEY[field]!r}, start and end", line=line)
    start, end = item.get("start"), item.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise InputError(path, f"{field}: span [{start}, {end}) is not inside the text", line=line)


def read_gold(gold_path: str | Path) -> list[GoldRecord]:
    """Read and check a gold JSONL file; raises InputError naming the line of a malformed record."""
    path = Path(gold_path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read gold file: {error}") from error
    records = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not JSON: {json_reason(error.msg)}", line=number, column=error.colno) from error
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(path, "each line must be an object with a string 'text'", line=number)
        fields: dict[str, list[Mapping[str, Any]]] = {}
        for field in SPAN_FIELDS:
            items = data.get(field, [])
            if not isinstance(items, list):
                raise InputError(path, f"{field} must be a list", line=number)
            for item in items:
                _check_item(path, number, data["text"], field, item)
            fields[field] = items
        difference = data.get("difference")
        if difference is not None and not isinstance(difference, int | float):
            raise InputError(path, "difference must be a number or null", line=number)
        records.append(GoldRecord(number, data["text"], fields, None if difference is None else float(difference)))
    return records


def _predicted_items(extraction: Extraction, field: str) -> Iterator[tuple[Any, int, int]]:
    key = _VALUE_KEY[field]
    for item in getattr(extraction, field):
        yield getattr(item, key), item.start, item.end


def _match(field: str, predicted: list[tuple[Any, int, int]], gold: Sequence[Mapping[str, Any]]) -> int:
    """Number of predicted items that match a distinct gold item (greedy, in text order)."""
    used: set[int] = set()
    correct = 0
    for value, start, end in predicted:
        for index, item in enumerate(gold):
            if index in used or not (start < item["end"] and item["start"] < end):
                continue
            if _values_match(field, value, item[_VALUE_KEY[field]]):
                used.add(index)
                correct += 1
                break
    return correct


def _scores(correct: int, predicted: int, support: int) -> dict[str, float | int]:
    return {
        "precision": correct / predicted if predicted else 1.0,
        "recall": correct / support if support else 1.0,
        "support": support,
        "predicted": predicted,
        "correct": correct,
    }


def evaluate_extraction(
    gold_path: str | Path, extractor: Callable[[str], Extraction] = extract
) -> dict[str, dict[str, float | int]]:
    """Per field type: precision, recall, support (gold items), predicted and correct counts.

    ``extractor`` defaults to :func:`complaintmine.extract.extract`; pass another to compare variants."""
    counts = {field: [0, 0, 0] for field in FIELD_TYPES}  # correct, predicted, support
    for record in read_gold(gold_path):
        extraction = extractor(record.text)
        for field in SPAN_FIELDS:
            predicted = list(_predicted_items(extraction, field))
            gold = record.fields[field]
            counts[field][0] += _match(field, predicted, gold)
            counts[field][1] += len(predicted)
            counts[field][2] += len(gold)
        if extraction.difference is not None:
            counts["difference"][1] += 1
            if record.difference is not None and abs(extraction.difference - record.difference) <= _TOLERANCE:
                counts["difference"][0] += 1
        if record.difference is not None:
            counts["difference"][2] += 1
    return {field: _scores(*counts[field]) for field in FIELD_TYPES}


def evaluate_money_roles(
    gold_path: str | Path, extractor: Callable[[str], Extraction] = extract
) -> dict[str, float | int]:
    """Among predicted amounts that match a gold amount (same rule as above), how often the role agrees too."""
    agree = total = 0
    for record in read_gold(gold_path):
        gold = list(record.fields["money"])
        used: set[int] = set()
        for money in extractor(record.text).money:
            for index, item in enumerate(gold):
                if index in used or not (money.start < item["end"] and item["start"] < money.end):
                    continue
                if _values_match("money", money.amount, item["amount"]):
                    used.add(index)
                    total += 1
                    agree += money.role == item.get("role")
                    break
    return {"accuracy": agree / total if total else 1.0, "matched": total}
