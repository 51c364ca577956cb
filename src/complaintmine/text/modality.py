"""Modality-marked words: what a sentence says about its topic words (a question, a worry, hearsay, a remedy ...).

A bag of n-grams weighs 尾款 and 涨 the same in "尾款涨了50" and in "如果尾款涨了我就退", and 降价 the same in "刚买就
降价，不给保价" and "降价了，客服主动补了差价". So each piece of a text (a sentence, or a clause) that holds a cue of
one of the classes below also yields its tokens once more, prefixed by the class: ``HYP:尾款 HYP:涨``. A linear
model can then give 涨 under a hypothetical its own (negative) weight: an interaction between the piece's modality
and its words, learned from the minimal pairs in ``corpora/team_pairs.csv``.

The classes are cue lists, not decisions: they only say which words to copy; what a copy means is learned.
A **scheme** fixes the cue lists, where a piece ends, and whether the text also gets one ``DOC:<class>`` word per
class it holds anywhere. A model names its scheme (``modality`` in its configuration); a scheme's definition never
changes once a model uses it (a new one gets a new name):

- ``sentence`` (models 0.2.x): the first cue lists; pieces are sentences (split at 。!?;…~); no text words.
- ``sentence-2`` (models 0.3.x): longer cue lists (more remedies such as 已退 and 按原价, questions such as 呢
  and 有没有, hearsay such as 群里 and 有人), pieces still sentences.
- ``clause``: the longer cue lists; pieces are clauses (also split at , and :), so 如果 in "赠品没给，要是明天还不补我
  就差评" marks only its own clause; plus ``DOC:`` words, so a remedy in one clause can still weigh on the rest.
  Measured, not chosen: cross-validation found sentence scope as good or better (models/README.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MODES: dict[str, str] = {  # the ``sentence`` scheme's cue lists
    "HYP": "如果|要是|万一|假如|担心|怕|会不会|希望|但愿|以防|的话",
    "Q": r"吗|\?|请问|能不能|可不可以|什么时候|是否|多久|怎么|咋|几号|啥时",
    "HEAR": "听说|朋友|同事|室友|闺蜜|别人|别家|人家|我妈|老公|老婆|网上说|看到有人",
    "RES": "补了|补发了|补寄了|补上了|退了差价|差价退了|价保成功|保价成功|已经退|给补|补给我|处理好了|解决了|补偿了|"
    "赔了|退回来了|秒退|主动退",
    "SAT": "满意|很快|挺快|及时|给力|齐全|收到了|好评|点赞|划算|开心|确实|果然|没问题|放心",
    "NEG": "没有|没|未|并不|不是|不会|无",
}
MODES_2: dict[str, str] = {  # the ``sentence-2`` and ``clause`` schemes': the first lists, each longer
    "HYP": MODES["HYP"] + "|假设|到时候|打算|准备|想问|不知道会|是不是会|预防",
    "Q": MODES["Q"] + "|呢|有没有|能否|多长时间|为啥|为什么|何时",
    "HEAR": MODES["HEAR"] + "|有人|群里|隔壁|邻居|据说|评论区|其他买家|另一家|家人|姐姐|妹妹",
    "RES": MODES["RES"]
    + "|已补|已退|已保价|已经补|已经保价|补差了|给换了|改回|改过来了|按原价|重新发了|已发出|退款到账",
    "SAT": MODES["SAT"] + "|准时|按时|提前|如期|不错|喜欢|值得|靠谱|惊喜",
    "NEG": MODES["NEG"] + "|别|从未|从来没",
}
PREFIXES = (*(f"{name}:" for name in MODES), "DOC:")


_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]()|]|\\\W)+")  # regex source that matches one fixed word


@dataclass(frozen=True)
class CueScan:
    """Where a scheme's cues are and which class each is: the one scan of every path (training, scoring, explaining).

    By definition the cues found are those of one regex with a named group per class, in class order
    (``(?P<HYP>如果|要是...)|(?P<Q>吗|...)|...``; tests/unit/test_modality.py keeps it as the reference): at each
    position the cues are tried in list order and the first that matches is taken, and the search goes on after
    it. Every cue is a literal word, so cues that begin with different characters never compete for a position:
    here they are grouped by first character, each group keeping the list order (``没(?:问题|有|)``: SAT's 没问题
    before NEG's 没有 and 没), which gives the same match at every position, and a pattern whose alternatives all
    begin with a literal, which the regex engine skips to in C (about a third faster than the named groups). The
    class of a match is the first class that lists the matched word."""

    source: str  # the regex, compiled on first use (by re's cache): an import of this module compiles nothing more
    classes: dict[str, str]  # cue word -> the first class listing it

    @classmethod
    def of(cls, modes: dict[str, str]) -> CueScan:
        classes: dict[str, str] = {}
        for name, pattern in modes.items():
            for alternative in pattern.split("|"):
                if not _LITERAL.fullmatch(alternative):
                    raise ValueError(f"cue {alternative!r} of {name} is not a literal word")
                classes.setdefault(re.sub(r"\\(.)", r"\1", alternative), name)
        groups: dict[str, list[str]] = {}
        for word in classes:  # first occurrences, in list order
            groups.setdefault(word[0], []).append(word)
        alternatives = [
            re.escape(first) + "(?:" + "|".join(re.escape(word[1:]) for word in words) + ")"
            for first, words in groups.items()
        ]
        return cls("|".join(alternatives), classes)

    def places(self, text: str) -> tuple[list[int], list[str]]:
        """The start and the class of every cue found in ``text``, in order."""
        found = [(match.start(), match.group()) for match in re.compile(self.source).finditer(text)]
        classes = self.classes
        return [start for start, _ in found], [classes[word] for _, word in found]


@dataclass(frozen=True)
class Scheme:
    """Cue classes (class -> cue words joined by ``|``, as regex literals, in ``MODES`` order), the characters that
    end a piece, and whether ``DOC:`` words are added; ``scan`` finds the cues. Build with :meth:`of`."""

    modes: dict[str, str]
    end_chars: str
    doc: bool
    scan: CueScan

    @classmethod
    def of(cls, modes: dict[str, str], end_chars: str, doc: bool) -> Scheme:
        """The scheme of cue lists ``modes``."""
        return cls(modes, end_chars, doc, CueScan.of(modes))

    @property
    def ends(self) -> re.Pattern[str]:
        """Matches each run of the characters that end a piece."""
        return _ends_regex(self.end_chars)


@functools.cache
def _ends_regex(end_chars: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(end_chars)}]+")


SCHEMES: dict[str, Scheme] = {
    "sentence": Scheme.of(MODES, "。!?;…~", doc=False),
    "sentence-2": Scheme.of(MODES_2, "。!?;…~", doc=False),
    "clause": Scheme.of(MODES_2, "。!?;…~,:", doc=True),
}
_SENTENCE_END = SCHEMES["sentence"].ends


def pieces(normalized: str, ends: re.Pattern[str] = _SENTENCE_END) -> list[tuple[int, int]]:
    """[start, end) spans of the pieces of a normalised text (punctuation kept with the piece before it)."""
    spans, start = [], 0
    for match in ends.finditer(normalized):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(normalized):
        spans.append((start, len(normalized)))
    return spans


def sentences(normalized: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of a normalised text (the ``sentence`` scheme's pieces)."""
    return pieces(normalized)


def _modes_by_sentence(spans: list[tuple[int, int]], starts: list[int], classes: list[str]) -> list[tuple[str, ...]]:
    """The cue classes (in ``MODES`` order) of each sentence in ``spans``, from the cues found in the text (their
    starts and classes, :meth:`CueScan.places`)."""
    found: list[set[str]] = [set() for _ in spans]
    k = 0
    for start, name in zip(starts, classes):
        while spans[k][1] <= start:
            k += 1
        found[k].add(name)
    return [tuple(mode for mode in MODES if mode in names) for names in found]


def piece_modes(normalized: str, scheme: str = "sentence") -> list[tuple[int, int, tuple[str, ...]]]:
    """Each piece's span and the cue classes it holds (in ``MODES`` order), under a scheme of ``SCHEMES``."""
    rule = SCHEMES[scheme]
    spans = pieces(normalized, rule.ends)
    modes = _modes_by_sentence(spans, *rule.scan.places(normalized))
    return [(start, end, classes) for (start, end), classes in zip(spans, modes)]


def sentence_modes(normalized: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each sentence's span and the cue classes it holds (in ``MODES`` order), or None of them."""
    return piece_modes(normalized, "sentence")


def _doc_words(found: Iterable[tuple[str, ...]]) -> list[str]:
    present = {mode for modes in found for mode in modes}
    return [f"DOC:{mode}" for mode in MODES if mode in present]


# Segments a normalised text: its tokens, and a function giving the tokens in a span [start, end) of it without
# segmenting again, or None when it cannot tell (Tokenizer.tokenize_normalized_pieces).
Segment = Callable[[str], tuple[list[str], Callable[[int, int], "list[str] | None"]]]


def words_with_modality(normalized: str, segment: Segment, scheme: str = "sentence") -> list[str]:
    """The text's tokens, then the tokens of each piece with cues once per class, prefixed ``CLASS:`` (then, if
    the scheme says so, one ``DOC:CLASS`` per class found anywhere).

    ``segment``: see :data:`Segment` (``Tokenizer.tokenize_normalized_pieces``). The definition is
    :func:`words_with_modality_reference`, each piece segmented on its own; this is the fast path (see
    :func:`words_with_modality_joined`).
    """
    joined = words_with_modality_joined(normalized, segment, scheme)
    return joined.split(" ") if joined else []


def words_with_modality_joined(normalized: str, segment: Segment, scheme: str = "sentence") -> str:
    """:func:`words_with_modality` joined by single spaces (the scoring path).

    The text is segmented once; the cues are found in one pass over it, and the tokens of a piece with cues are
    the text's tokens that lie inside it. jieba splits at punctuation anyway, so they are the tokens the piece
    gets on its own (tests compare both on real reviews); a piece the segmenter cannot tell is segmented again.
    """
    rule = SCHEMES[scheme]
    tokens, between = segment(normalized)
    plain = " ".join(tokens)
    if not tokens:
        return plain
    starts, classes = rule.scan.places(normalized)
    if not starts:
        return plain
    spans = pieces(normalized, rule.ends)
    found = _modes_by_sentence(spans, starts, classes)  # the definition's own placing of cues in pieces
    parts = [plain]
    for (start, end), modes in zip(spans, found):
        if not modes:
            continue
        words = tokens if len(spans) == 1 else between(start, end)
        if words is None:
            words = segment(normalized[start:end])[0]
        if words:
            parts += [f"{mode}:" + f" {mode}:".join(words) for mode in modes]
    if rule.doc:
        parts += _doc_words(found)
    return " ".join(parts)


def words_with_modality_reference(
    normalized: str, tokenize: Callable[[str], Sequence[str]], scheme: str = "sentence"
) -> list[str]:
    """What :func:`words_with_modality` returns, by definition: each piece segmented on its own."""
    rule = SCHEMES[scheme]
    if not rule.scan.places(normalized)[0]:
        return list(tokenize(normalized))
    tokens: list[str] = []
    marked: list[str] = []
    found = piece_modes(normalized, scheme)
    for start, end, modes in found:
        part = list(tokenize(normalized[start:end]))
        tokens += part
        marked += [f"{mode}:{token}" for mode in modes for token in part]
    doc = _doc_words(modes for _, _, modes in found) if rule.doc and tokens else []
    return tokens + marked + doc


def strip_mode(token: str) -> str:
    """``HYP:涨`` -> ``涨``; other tokens unchanged."""
    if token.startswith(PREFIXES):
        return token.split(":", 1)[1]
    return token


def is_marked(token: str) -> bool:
    return token.startswith(PREFIXES)
