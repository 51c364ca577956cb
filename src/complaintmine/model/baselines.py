"""What a user would write without complaintmine, kept as yardsticks for the model comparison.

- :class:`KeywordRules`: one regular expression per label (and one for presale).
- :class:`DiyTfidfLogreg`: the 30-line script: global ``jieba.lcut``, default ``TfidfVectorizer``, one
  ``LogisticRegression`` per target, threshold 0.5.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..labels import TARGETS

KEYWORD_RULES: dict[str, str] = {
    "price_hike": r"尾款.{0,6}(涨|贵|多)|涨价|加价|多付|多收|没有?抵扣|定金.{0,6}没.{0,2}(抵|膨胀)",
    "no_price_protection": r"降价|便宜了|保价|价保|退差|差价",
    "gift_not_honored": r"(赠品|送的|礼品|小样).{0,8}(没|未|少|不)|(没|未)(收到|给|送).{0,4}(赠品|礼品|小样)",
    "late_shipping": r"不发货|没发货|未发货|迟迟|发货慢|发货太慢|虚假发货|缺货",
    "false_lowest_price": r"最低价|全网最低|历史最低|保证最低|全年最低",
    "presale": r"预售|定金|订金|尾款|预约|预定",
}


class KeywordRules:
    """Predicts a target when its regex matches; nothing to fit."""

    def fit(self, texts: Sequence[str], Y: Any) -> KeywordRules:
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        patterns = [re.compile(KEYWORD_RULES[name]) for name in TARGETS]
        return np.array([[int(bool(p.search(text))) for p in patterns] for text in texts], dtype=int).reshape(
            -1, len(TARGETS)
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict(texts).astype(float)


class DiyTfidfLogreg:
    """jieba.lcut + TfidfVectorizer + LogisticRegression per target, as a user would write it."""

    def fit(self, texts: Sequence[str], Y: Any) -> DiyTfidfLogreg:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer_ = TfidfVectorizer(tokenizer=_jieba_lcut, token_pattern=None, lowercase=False)
        X = self.vectorizer_.fit_transform(texts)
        Y = np.asarray(Y)
        self.models_ = [LogisticRegression(max_iter=1000).fit(X, Y[:, j]) for j in range(Y.shape[1])]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        X = self.vectorizer_.transform(texts)
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models_])

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(texts) >= 0.5).astype(int)


def _jieba_lcut(text: str) -> list[str]:
    import jieba  # the global tokenizer, on purpose: this is the do-it-yourself baseline

    return list(jieba.lcut(text))
