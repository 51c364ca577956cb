"""Issue #13: two more cue classes for modality marking, screened by 3-fold CV on the training split.

Modality marking (text/modality.py) copies the words of a sentence that holds a cue, prefixed by the cue's class,
so a linear model can weigh 慢 in a courier sentence apart from 慢 in a seller sentence. The shipped scheme
(``sentence-2``) has six classes: hypothetical, question, hearsay, remedy, satisfied, negation. Two decisions of
the label spec have no class: who is blamed (the courier or the seller: "slow courier transit is not
late_shipping") and promise against outcome (a gift, a date or a price that was promised). This tries

- ``COU``: 快递, 物流, 配送, 派送, 驿站, 快递员 ... (the carrier);
- ``PRM``: 说好, 承诺, 保证, 答应, 写着, 页面, 详情页, 宣传, 号称, 声称 ... (a promise),

each alone and both, added to ``sentence-2``'s classes, with 0.6.1's configuration (its linear part, forest
off, as the other screening runs), on the same folds. The scheme is patched in for this process only (a real
one would get a new name, as the module says). The contrast set is not read.

    .venv/bin/python experiments/modality_classes.py     # about 8 minutes on 2 cores
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import complaintmine as cm
import complaintmine.model.word_batch as word_batch
import complaintmine.text.modality as modality
import mil_windows
from complaintmine.model.selection import fold_groups, folds
from mil_windows import figures  # real / team micro-F1, held-out pairs' two sides, per-label real F1

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = json.loads((ROOT / "models" / "complaintmine-zh-0.6.1.train.json").read_text("utf-8"))
NEW = {
    "COU": "快递|物流|配送|派送|驿站|快递员|快递小哥|送货|中转|揽收|揽件|顺丰|韵达|圆通|中通|申通|邮政|菜鸟",
    "PRM": "说好|承诺|保证|答应|写着|写的|页面|详情页|宣传|号称|声称|标注|标明|介绍说|客服说|主播说|说是",
}


def add_scheme(name: str, classes: tuple[str, ...]) -> None:
    for cls in classes:
        modality.MODES.setdefault(cls, NEW[cls])  # the class order of the marks (MODES order)
    word_batch.MODES_LIST = list(modality.MODES)
    modality.PREFIXES = (*(f"{mode}:" for mode in modality.MODES), "DOC:")
    cues = {**modality.MODES_2, **{cls: NEW[cls] for cls in classes}}
    modality.SCHEMES[name] = modality.Scheme.of(cues, "。!?;…~", doc=False)


def main() -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    frame = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    part = mil_windows.parts(frame)
    fold_list = folds(texts, Y, fold_groups(texts, frame["group"].tolist()))
    add_scheme("sentence-2+COU", ("COU",))
    add_scheme("sentence-2+PRM", ("PRM",))
    add_scheme("sentence-2+COU+PRM", ("COU", "PRM"))
    for scheme in sys.argv[1:] or ("sentence-2", "sentence-2+COU", "sentence-2+PRM", "sentence-2+COU+PRM"):
        started = time.time()
        config = cm.TrainConfig.from_dict({**SHIPPED, "forest": "none", "modality": scheme})
        pred = np.zeros_like(Y)
        for train_idx, test_idx in fold_list:
            weights = config.sample_weights(frame.iloc[train_idx])
            clf = config.classifier().fit([texts[i] for i in train_idx], Y[train_idx], sample_weight=weights)
            pred[test_idx] = clf.predict([texts[i] for i in test_idx])
        row = figures(Y, pred, part)
        print(f"{scheme} ({time.time() - started:.0f}s): {json.dumps(row, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
