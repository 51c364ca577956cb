"""Assemble corpora/real_labels.csv and corpora/team_written.csv from an annotation work folder, and assign splits.

The work folder (not committed: its batch files hold research-only texts) has:
  keymap.tsv            key, source, source_id, text_sha1, proposer   (from select_candidates.py)
  labels/bNN.tsv        key, labels, presale                          (one file per annotated batch)
  annotators.tsv        batch, annotator
  written/*.tsv         id, text, labels, presale                     (team-written texts)

Splits: complaintmine.corpus.splits.assign_splits (20% of near-duplicate groups to `test`, stratified, stable;
texts already in the committed corpus keep their split; a text bridging a training and a test group is left out).

    python corpora/scripts/build_corpus.py WORKDIR [../shared]
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

from complaintmine.corpus.dedup import near_duplicate_pairs
from complaintmine.corpus.keys import text_sha1
from complaintmine.corpus.splits import TEST_SHARE, assign_splits, stratum
from complaintmine.labels import format_labels, parse_labels

ROOT = Path(__file__).resolve().parents[2]

KINDS = {
    "price_hike": "price_hike",
    "false_lowest_price": "false_lowest_price",
    "presale": "presale",
    "hard_negative": "hard_negative",
    "complaint_post": "complaint_post",
    "complaint_negative": "complaint_negative",
    "price_negative": "price_negative",
}


def drop_double_labelled(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Keep the first labelling of a text labelled twice (batches drawn before an earlier one was merged).

    The pairs are independent double annotations, so their agreement is printed for the datasheet.
    """
    first: dict[str, dict[str, str]] = {}
    pairs = []
    for row in rows:
        if row["text_sha1"] in first:
            pairs.append((first[row["text_sha1"]], row))
        else:
            first[row["text_sha1"]] = row
    if pairs:
        names = [
            "price_hike",
            "no_price_protection",
            "gift_not_honored",
            "late_shipping",
            "false_lowest_price",
            "other",
        ]
        print(f"{len(pairs)} texts labelled twice; kept the first labelling. Agreement on them:")
        for name in names:
            a = [name in p[0]["labels"].split("|") for p in pairs]
            b = [name in p[1]["labels"].split("|") for p in pairs]
            both = sum(x and y for x, y in zip(a, b))
            print(
                f"  {name:22s} first {sum(a):3d} second {sum(b):3d} both {both:3d} "
                f"agree {sum(x == y for x, y in zip(a, b)) / len(pairs):.3f}"
            )
        print(
            f"  exact label set {sum(p[0]['labels'] == p[1]['labels'] for p in pairs) / len(pairs):.3f}, "
            f"presale {sum(p[0]['presale'] == p[1]['presale'] for p in pairs) / len(pairs):.3f}"
        )
    return list(first.values())


def drop_team_texts_like_real(team: list[dict[str, str]], real_texts: list[str]) -> list[dict[str, str]]:
    """Drop team-written texts that happen to be near-duplicates of real reviews (stock phrases like 发货快，好评):
    they add nothing and would tie the two parts of the corpus together across splits."""
    texts = [r["text"] for r in team] + real_texts
    clash = {i for i, j, _ in near_duplicate_pairs(texts) if i < len(team) <= j}
    for i in sorted(clash):
        print(f"dropping team text {team[i]['id']}: near-duplicate of a real review")
    return [r for i, r in enumerate(team) if i not in clash]


def _committed_splits(path: Path, key: str) -> dict[str, str]:
    """The split of every row of the committed corpus file (empty on the first build)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {row[key]: row["split"] for row in csv.DictReader(handle)}


def drop_new_team_near_duplicates(team: list[dict[str, str]], committed: dict[str, str]) -> list[dict[str, str]]:
    """Drop a newly written team text that is a near-duplicate of another team text (committed or written
    earlier): it would add little, and its split could not be chosen freely."""
    clash = set()
    for i, j, _ in near_duplicate_pairs([r["text"] for r in team]):
        newer = j if team[j]["id"] not in committed else i
        if team[newer]["id"] not in committed:
            clash.add(newer)
    for i in sorted(clash):
        print(f"dropping team text {team[i]['id']}: near-duplicate of another team text")
    return [r for i, r in enumerate(team) if i not in clash]


def main(workdir: str, shared: str = str(ROOT.parent / "shared")) -> None:
    work = Path(workdir)
    csv.field_size_limit(1 << 30)
    with open(Path(shared) / "corpora" / "real_reviews.csv", encoding="utf-8", newline="") as fh:
        pool = {(r["source"], r["source_id"]): r["text"] for r in csv.DictReader(fh)}
    keymap = {r["key"]: r for r in csv.DictReader(open(work / "keymap.tsv", encoding="utf-8"), delimiter="\t")}
    annotators = dict(line.rstrip("\n").split("\t") for line in open(work / "annotators.tsv", encoding="utf-8"))
    rows = []
    for path in sorted((work / "labels").glob("b*.tsv")):
        batch = path.stem
        for line in open(path, encoding="utf-8"):
            key, labels, presale = line.rstrip("\n").split("\t")
            meta = keymap[key]
            text = pool[(meta["source"], meta["source_id"])]
            assert text_sha1(text) == meta["text_sha1"], key
            rows.append(
                {
                    **meta,
                    "labels": format_labels(parse_labels(labels)),
                    "presale": presale,
                    "annotator": annotators[batch],
                    "text": text,
                }
            )
    rows = drop_double_labelled(rows)
    strata = [stratum(parse_labels(r["labels"]), int(r["presale"])) for r in rows]
    committed = _committed_splits(ROOT / "corpora" / "real_labels.csv", "text_sha1")
    fixed = [committed.get(r["text_sha1"]) for r in rows]
    for r, s in zip(rows, assign_splits([r["text"] for r in rows], strata, fixed)):
        r["split"] = s
    left_out = [r for r in rows if r["split"] is None]
    if left_out:
        print(f"left out {len(left_out)} new texts that are near-duplicates of both a train and a test text")
    keep = [i for i, r in enumerate(rows) if r["split"] is not None]
    rows, strata = [rows[i] for i in keep], [strata[i] for i in keep]
    with open(ROOT / "corpora" / "real_labels.csv", "w", encoding="utf-8", newline="") as fh:
        fields = ["source", "source_id", "text_sha1", "labels", "presale", "split", "proposer", "annotator"]
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print("real:", Counter((r["split"], s) for r, s in zip(rows, strata)))

    team = []
    for path in sorted((work / "written").glob("*.tsv")):
        for line in open(path, encoding="utf-8"):
            tid, text, labels, presale = line.rstrip("\n").split("\t")
            team.append(
                {
                    "id": tid,
                    "text": text,
                    "labels": format_labels(parse_labels(labels)),
                    "presale": presale,
                    "kind": KINDS[path.stem],
                    "author": "team-writer-" + path.stem.replace("_", "-"),
                }
            )
    team = drop_team_texts_like_real(team, [r["text"] for r in rows])
    committed_team = _committed_splits(ROOT / "corpora" / "team_written.csv", "id")
    team = drop_new_team_near_duplicates(team, committed_team)
    strata = [stratum(parse_labels(r["labels"]), int(r["presale"])) + ":" + r["kind"] for r in team]
    # Stratify new team texts by label and by the writer's assignment, so both test parts mirror training.
    by_kind: dict[str, list[int]] = {}
    for i, s in enumerate(strata):
        if team[i]["id"] in committed_team:
            team[i]["split"] = committed_team[team[i]["id"]]
        else:
            by_kind.setdefault(s, []).append(i)
    texts = [r["text"] for r in team]
    for s, idx in by_kind.items():
        ordered = sorted(idx, key=lambda i: hashlib.sha1(texts[i].encode("utf-8")).hexdigest())
        for rank, i in enumerate(ordered):
            team[i]["split"] = "test" if rank % TEST_SHARE == TEST_SHARE - 1 else "train"
    splits = [r["split"] for r in team]
    with open(ROOT / "corpora" / "team_written.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["id", "text", "labels", "presale", "split", "kind", "author"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(team)
    print("team:", Counter(zip(splits, [s.split(":")[0] for s in strata])))


if __name__ == "__main__":
    main(*sys.argv[1:3])
