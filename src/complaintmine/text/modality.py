"""Modality-marked words: what a sentence says about its topic words (a question, a worry, hearsay, a remedy ...).

A bag of n-grams weighs 尾款 and 涨 the same in "尾款涨了50" and in "如果尾款涨了我就退", and 降价 the same in "刚买就
降价，不给保价" and "降价了，客服主动补了差价". So each sentence (split at 。!?;…~) that holds a cue of one of the
classes below also yields its tokens once more, prefixed by the class: ``HYP:尾款 HYP:涨``. A linear model can
then give 涨 under a hypothetical its own (negative) weight: an interaction between the sentence's modality and
its words, learned from the minimal pairs in ``corpora/team_pairs.csv``.

The classes are cue lists, not decisions: they only say which words to copy; what a copy means is learned.
``MODALITY_VERSION`` names the list; a model records it, and a model trained with another list is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

MODALITY_VERSION = "1"
MODES: dict[str, str] = {
    "HYP": "如果|要是|万一|假如|担心|怕|会不会|希望|但愿|以防|的话",
    "Q": r"吗|\?|请问|能不能|可不可以|什么时候|是否|多久|怎么|咋|几号|啥时",
    "HEAR": "听说|朋友|同事|室友|闺蜜|别人|别家|人家|我妈|老公|老婆|网上说|看到有人",
    "RES": "补了|补发了|补寄了|补上了|退了差价|差价退了|价保成功|保价成功|已经退|给补|补给我|处理好了|解决了|补偿了|"
    "赔了|退回来了|秒退|主动退",
    "SAT": "满意|很快|挺快|及时|给力|齐全|收到了|好评|点赞|划算|开心|确实|果然|没问题|放心",
    "NEG": "没有|没|未|并不|不是|不会|无",
}
# One pass over a text finds every cue and its class (a named group per class). The lookahead on the cues' first
# characters lets the regex skip most positions without trying each alternative (about twice as fast).
_FIRST = "".join(sorted({word.replace("\\", "")[0] for pattern in MODES.values() for word in pattern.split("|")}))
_CUES = re.compile(
    f"(?=[{re.escape(_FIRST)}])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in MODES.items()) + ")"
)
_SENTENCE_END = re.compile(r"[。!?;…~]+")
PREFIXES = tuple(f"{name}:" for name in MODES)


def sentences(normalized: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of a normalised text (punctuation kept with the sentence before it)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(normalized):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(normalized):
        spans.append((start, len(normalized)))
    return spans


def _modes_by_sentence(spans: list[tuple[int, int]], cues: Iterable[re.Match[str]]) -> list[tuple[str, ...]]:
    """The cue classes (in ``MODES`` order) of each sentence in ``spans``, from the cue matches of the text."""
    found: list[set[str]] = [set() for _ in spans]
    k = 0
    for match in cues:
        while spans[k][1] <= match.start():
            k += 1
        found[k].add(str(match.lastgroup))
    return [tuple(mode for mode in MODES if mode in classes) for classes in found]


def sentence_modes(normalized: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each sentence's span and the cue classes it holds (in ``MODES`` order), or None of them."""
    spans = sentences(normalized)
    modes = _modes_by_sentence(spans, _CUES.finditer(normalized))
    return [(start, end, classes) for (start, end), classes in zip(spans, modes)]


def words_with_modality(normalized: str, tokenize: Callable[[str], Sequence[str]]) -> list[str]:
    """The text's tokens, then the tokens of each sentence with cues once per class, prefixed ``CLASS:``.

    The definition is :func:`words_with_modality_reference` (each sentence segmented on its own). This is the
    fast path: the text is segmented once and each token placed in its sentence by its position; jieba splits
    at sentence punctuation anyway, so both give the same tokens (tests compare them on real reviews). Where a
    token cannot be placed, the reference decides.
    """
    joined = words_with_modality_joined(normalized, tokenize)
    return joined.split(" ") if joined else []


def words_with_modality_joined(normalized: str, tokenize: Callable[[str], Sequence[str]]) -> str:
    """:func:`words_with_modality` joined by single spaces, built with one ``join`` per sentence and class (the
    scoring path: a Python string per marked token was most of the modality cost)."""
    tokens = list(tokenize(normalized))
    cues = list(_CUES.finditer(normalized))
    plain = " ".join(tokens)
    if not cues or not tokens:
        return plain
    spans = sentences(normalized)
    found = _modes_by_sentence(spans, cues)
    if len(spans) == 1:
        return " ".join([plain, *(f"{mode}:" + f" {mode}:".join(tokens) for mode in found[0])])
    ends = [end for _, end in spans]
    groups: list[list[str]] = [[] for _ in spans]
    position = k = 0
    for token in tokens:
        at = normalized.find(token, position)
        if at < 0:
            return " ".join(words_with_modality_reference(normalized, tokenize))
        while ends[k] <= at:
            k += 1
        if at + len(token) > ends[k]:  # a token across a sentence end: let the reference segment it
            return " ".join(words_with_modality_reference(normalized, tokenize))
        groups[k].append(token)
        position = at + len(token)
    marked = [f"{mode}:" + f" {mode}:".join(part) for part, modes in zip(groups, found) if part for mode in modes]
    return " ".join([plain, *marked])


def words_with_modality_reference(normalized: str, tokenize: Callable[[str], Sequence[str]]) -> list[str]:
    """What :func:`words_with_modality` returns, by definition: each sentence segmented on its own."""
    if not _CUES.search(normalized):
        return list(tokenize(normalized))
    tokens: list[str] = []
    marked: list[str] = []
    for start, end, modes in sentence_modes(normalized):
        part = list(tokenize(normalized[start:end]))
        tokens += part
        marked += [f"{mode}:{token}" for mode in modes for token in part]
    return tokens + marked


def strip_mode(token: str) -> str:
    """``HYP:涨`` -> ``涨``; other tokens unchanged."""
    if token.startswith(PREFIXES):
        return token.split(":", 1)[1]
    return token


def is_marked(token: str) -> bool:
    return token.startswith(PREFIXES)
