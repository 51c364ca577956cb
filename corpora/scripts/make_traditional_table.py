"""Write src/complaintmine/data/traditional.txt, the traditional-to-simplified table normalisation uses.

    pip download --no-deps opencc-python-reimplemented==0.1.7 && unzip the wheel, then
    python corpora/scripts/make_traditional_table.py path/to/opencc/dictionary/TSCharacters.txt

Source: OpenCC's TSCharacters.txt (Copyright (c) BYVoid, Apache License 2.0), one traditional character and its
simplified form(s) per line. Kept: one character for one (offsets must stay valid), the first simplified form,
and only traditional characters that GB2312 cannot encode (so a character simplified Chinese also writes, such
as 著 in 著名, 乾 in 乾隆 or the surname 於, is never changed) mapped to one it can. Added by hand: 後 -> 后 (GB2312
encodes 後, but simplified text writes 后; the extraction rules mapped it before this table existed).
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "src" / "complaintmine" / "data" / "traditional.txt"
BY_HAND = {"後": "后"}


def encodable(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def main(source: str) -> None:
    pairs: dict[str, str] = {}
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        traditional, simplified = line.split("\t")
        first = simplified.split(" ")[0]
        one_for_one = len(traditional) == 1 and len(first) == 1 and traditional != first
        if one_for_one and not encodable(traditional) and encodable(first):
            pairs[traditional] = first
    pairs.update(BY_HAND)
    header = (
        "# Traditional character, tab, its simplified form: what complaintmine's normalisation maps (text/normalize.py).\n"
        "# Derived from OpenCC's TSCharacters.txt, Copyright (c) BYVoid, Apache License 2.0\n"
        "# (https://github.com/BYVoid/OpenCC); written by corpora/scripts/make_traditional_table.py.\n"
    )
    OUT.write_text(header + "".join(f"{t}\t{s}\n" for t, s in sorted(pairs.items())), encoding="utf-8")
    print(f"wrote {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
