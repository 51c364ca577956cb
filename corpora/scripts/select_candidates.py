"""Propose real texts for labelling: keyword searches per issue type plus a uniform random sample.

A proposal is only a candidate: every label is decided by a person (or annotator) reading the text
against ../shared/LABELS.md. The `proposer` column records which search surfaced each text.

    python corpora/scripts/select_candidates.py ../shared/corpora/real_reviews.csv OUT.tsv
"""

from __future__ import annotations

import csv
import random
import re
import sys

from complaintmine.corpus.keys import text_sha1

SEED = 20261125
RANDOM_SAMPLE = 1600

# Searches by issue type, including paraphrases (降价/便宜了/差价, 送的/小样, 还没到/等了N天).
SEARCHES: dict[str, str] = {
    "kw_price": r"降价|便宜了|差价|保价|价保|退差|涨价|尾款|定金|订金|预售|掉价|跌价|变价|价格变|又降|降了|贵了|涨了",
    "kw_gift": r"赠品|赠送|送的|小样|礼品|没送|送了|附送|满送|说送|不送|赠",
    "kw_ship": r"发货|还没到|没到货|迟迟|没收到|缺货|没货|承诺|预计|次日达|当日达|几天了|多少天|一周|一个星期|半个月|一个月|等了",
    "kw_low": r"最低|全网|最便宜|历史低|比.{0,8}便宜|便宜.{0,4}(元|块)",
}


def main(pool_path: str, out_path: str) -> None:
    csv.field_size_limit(1 << 30)
    with open(pool_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    seen: set[str] = set()
    picked: list[tuple[str, dict[str, str]]] = []
    for row in rows:
        digest = text_sha1(row["text"])
        if digest in seen or not row["text"].strip():
            continue
        hits = [name for name, pattern in SEARCHES.items() if re.search(pattern, row["text"])]
        if hits:
            seen.add(digest)
            picked.append(("+".join(hits), row))
    rest = [r for r in rows if text_sha1(r["text"]) not in seen and r["text"].strip()]
    rng = random.Random(SEED)
    for row in rng.sample(rest, RANDOM_SAMPLE):
        digest = text_sha1(row["text"])
        if digest not in seen:
            seen.add(digest)
            picked.append(("random", row))
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["source", "source_id", "text_sha1", "proposer"])
        for proposer, row in picked:
            writer.writerow([row["source"], row["source_id"], text_sha1(row["text"]), proposer])
    print(f"{len(picked)} candidates written to {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
