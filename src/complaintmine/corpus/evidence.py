"""Evidence spans of labelled real training texts, and the training texts they give.

A reader marked, for each issue label of a real training text, the span(s) that say it (``real_evidence.csv``:
``source``, ``source_id``, ``text_sha1`` as in ``real_labels.csv``, ``label``, ``spans`` as ``start-end`` offsets
into the pool text joined by ``|``). The spans give two texts per label, both in the real register:

- the **evidence** alone (the spans joined by "，"): labelled with that label (and any other label whose spans
  all lie inside it): what a complaint of that kind says, without the review around it;
- the **remainder**, the text with the spans cut out: labelled with the text's other labels: the review a
  complaint was buried in, which the label must not be read from (counterfactuals derived from rationales,
  in the spirit of Kaushik et al. 2020 and Zaidan et al. 2007).

The texts come from the research-only pool, so only offsets are committed; ``load_corpus`` derives the rows at
training time when asked (``load_corpus(..., derived=True)``), with origin ``derived`` and split ``train``, in
the group of their source text so that cross-validation keeps them in its fold. Evaluation never reads them.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import CorpusError
from ..labels import ISSUE_LABELS
from ..text.presale import has_presale_cue
from .keys import text_sha1

EVIDENCE_FILE = "real_evidence.csv"
EVIDENCE_COLUMNS = ["source", "source_id", "text_sha1", "label", "spans"]
MIN_CHARS = 4  # a derived text needs this many letters, digits or Han characters to be kept
_SEPARATORS = "，,。.！!？?；;、~～ \t\n"
_SEPARATOR_RUN = re.compile(f"[{re.escape(_SEPARATORS)}]{{2,}}")
_CONTENT = re.compile(r"[^\W_]")


def parse_spans(cell: str, length: int, where: str) -> list[tuple[int, int]]:
    """``"3-10|15-20"`` as sorted, merged [start, end) spans within a text of ``length`` characters."""
    spans = []
    for part in str(cell).split("|"):
        found = re.fullmatch(r"\s*(\d+)-(\d+)\s*", part)
        if not found:
            raise CorpusError(f"{where}: spans must look like 3-10|15-20, got {cell!r}")
        start, end = int(found[1]), int(found[2])
        if not 0 <= start < end <= length:
            raise CorpusError(f"{where}: span {start}-{end} is outside the text ({length} characters)")
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tidy(text: str) -> str:
    """Cut-out seams: a run of separators becomes its first character; none at either end."""
    return _SEPARATOR_RUN.sub(lambda m: m.group(0)[0], text).strip(_SEPARATORS)


def _enough(text: str) -> bool:
    return len(_CONTENT.findall(text)) >= MIN_CHARS


def _inside(spans: list[tuple[int, int]], cover: list[tuple[int, int]]) -> bool:
    return all(any(s >= cs and e <= ce for cs, ce in cover) for s, e in spans)


def _disjoint(spans: list[tuple[int, int]], cover: list[tuple[int, int]]) -> bool:
    return all(e <= cs or s >= ce for s, e in spans for cs, ce in cover)


def derived_rows(
    real: pd.DataFrame, evidence: pd.DataFrame, path: str = EVIDENCE_FILE, lines: list[int] | None = None
) -> pd.DataFrame:
    """The evidence and remainder rows of the real training texts in ``real`` (corpus columns, keys
    ``real:<source>:<source_id>``) that ``evidence`` marks; exact duplicates of any corpus text are left out.
    A bad evidence row is named by ``path`` and the line it starts on: ``lines`` as ``read_corpus_file`` gives
    them, or, for a frame not read from a file, its row number after a header line."""
    by_key: dict[str, dict[str, list[tuple[int, int]]]] = {}
    text_of: dict[str, str] = dict(zip(real["key"].astype(str), real["text"].astype(str)))
    labels_of: dict[str, str] = dict(zip(real["key"].astype(str), real["labels"].astype(str)))
    split_of: dict[str, str] = dict(zip(real["key"].astype(str), real["split"].astype(str)))
    first_at: dict[tuple[str, str], int] = {}  # the line of each (key, label)'s evidence row
    columns = [evidence[name].astype(str) for name in EVIDENCE_COLUMNS]
    numbers = lines if lines is not None else list(range(2, len(evidence) + 2))
    for number, source, source_id, digest, label, cell in zip(numbers, *columns):
        key = f"real:{source}:{source_id}"
        where = f"{path}:{number}"
        if key not in text_of:
            raise CorpusError(f"{where}: {key} is not a labelled real text")
        if digest != text_sha1(text_of[key]):
            raise CorpusError(f"{where}: the text of {key} changed since its evidence was marked")
        if label not in ISSUE_LABELS:
            raise CorpusError(f"{where}: unknown issue label {label!r}")
        if label not in labels_of[key].split("|"):
            raise CorpusError(f"{where}: {key} is not labelled {label}")
        if split_of[key] != "train":
            raise CorpusError(f"{where}: {key} is a {split_of[key]} text; evidence is marked on training texts only")
        if label in by_key.get(key, {}):
            raise CorpusError(
                f"{where}: a second evidence row for {key} {label} (the first is at line {first_at[key, label]})"
            )
        first_at[key, label] = number
        by_key.setdefault(key, {})[label] = parse_spans(cell, len(text_of[key]), where)
    rows = []
    seen = set(text_of.values())
    sources = zip(*(real[name].astype(str) for name in ("key", "text", "labels", "presale", "split")))
    for key, text, cell, presale, split in sources:
        marked = by_key.get(key)
        if not marked or split != "train":
            continue
        labels = [name for name in cell.split("|") if name in ISSUE_LABELS]
        for label, spans in marked.items():
            found = "，".join(piece for piece in (_tidy(text[s:e]) for s, e in spans) if piece)
            found_labels = [n for n in labels if n == label or (n in marked and _inside(marked[n], spans))]
            pieces, last = [], 0
            for start, end in spans:
                pieces.append(text[last:start])
                last = end
            rest = _tidy("".join([*pieces, text[last:]]))
            others = [n for n in labels if n != label]
            clear = all(n in marked and _disjoint(marked[n], spans) for n in others)
            candidates = [("evidence", found, found_labels)]
            if clear:  # where another label's evidence is unknown or was cut, the remainder's labels are unknown
                candidates.append(("remainder", rest, others))
            for kind, derived, names in candidates:
                if derived == text or derived in seen or not _enough(derived):
                    continue
                seen.add(derived)
                rows.append(
                    {
                        "key": f"{kind}:{label}:{key}",
                        "text": derived,
                        "labels": "|".join(n for n in ISSUE_LABELS if n in names) or "other",
                        "presale": int(presale == "1" and has_presale_cue(derived)),
                        "split": "train",
                        "origin": "derived",
                        "kind": kind,
                        "group": key,
                    }
                )
    return pd.DataFrame(rows, columns=list(real.columns))
