"""Normalise printed labels and match them to the official ones (format-notes §7).

Two folds:

* :func:`cosmetic` removes what the expected files treat as no difference at all: character width
  (NFKC), traditional characters, pinyin inserted by mirror sites, whitespace and line breaks,
  quotes, brackets and separators (so ``1、`` equals ``1.``).
* :func:`matchable` further drops the leading ordinal and folds characters that OCR confuses
  (废/度, 已/己, 沭/沐 …), so a typo still lands on its label.

A printed label matches an official label when the matchable forms are equal, when it is a listed
variant (old wording), or when the similarity of the matchable forms reaches :data:`THRESHOLD` and
no other candidate is as close. It is a *variant* (LABEL-VARIANT) when the cosmetic forms differ.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, Iterable, TypeVar

from rapidfuzz import fuzz, process

THRESHOLD = 80.0  # percent similarity of the matchable forms (rapidfuzz ratio)
MARGIN = 4.0  # the runner-up must be this much less similar, or the match is ambiguous
_MIN_FUZZY = 3  # labels shorter than this (after folding) only match exactly
_MIN_PREFIX = 4  # a label cut short matches the one official label it begins, from this length on

_PINYIN = re.compile(r"\([a-z]{1,6}\)")
_ORDINAL = re.compile(  # the last form, "3其他": a scan whose dot after the digit the OCR lost
    r"^(?:第?[一二三四五六七八九十]{1,3}\s*[、.．,，:：\s]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|\d{1,2}\s*[、.．,，)](?!\d)|\d{1,2}\s+|\d{1,2}(?=[\u4e00-\u9fff]))\s*"
)
_DROP = re.compile(r"[\s\"'“”‘’「」『』〝〞()\[\]【】〔〕{}<>《》〈〉、,，.．。;；:：·•・!！?？…_\-—–~～*#|/\\]+")
# groups of characters that OCR and typing confuse; each folds to its first member
_CONFUSABLE = ("废度", "已己巳", "沭沐", "未末", "拨拔", "戌戍戊", "日曰", "入人", "土士", "o0〇", "l1丨i|", "准淮", "予子")
_CONFUSION = str.maketrans({ch: group[0] for group in _CONFUSABLE for ch in group[1:]})


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loaded on first use: most reports are in simplified characters

    return opencc.OpenCC("t2s")


# Taiwan wordings that mirror sites may print for the mainland terms of the format
_TAIWAN_TERMS = {"资讯": "信息"}


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """The CJK characters OpenCC's t2s changes on their own (computed once, ~10 ms).

    The characters are converted one per line so that no phrase spans two of them.
    """
    block = [chr(code) for code in range(0x4E00, 0xA000)]
    converted = _t2s().convert("\n".join(block)).split("\n")
    return frozenset(a for a, b in zip(block, converted) if a != b)


@lru_cache(maxsize=1)
def _traditional_pattern() -> re.Pattern[str]:
    """One character class of :func:`_traditional` (searched in C, not character by character)."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(_traditional())) + "]")


def simplified(text: str) -> str:
    """Text in simplified characters; text without a traditional character is returned as is."""
    if _traditional_pattern().search(text):
        try:
            text = _t2s().convert(text)
        except UnicodeEncodeError:  # an unpaired surrogate (damaged PDF text): OpenCC takes UTF-8 only
            text = _t2s().convert(text.encode("utf-8", "replace").decode("utf-8"))
        for taiwan, mainland in _TAIWAN_TERMS.items():
            text = text.replace(taiwan, mainland)
    return text


_MEMO_SIZE = 16384  # label matches remembered per matcher; then forgotten at once (memory stays flat)
_CACHED_LENGTH = 200  # labels and titles are cached; whole sections and documents are not (memory stays flat)


_WIDE_FORMS = re.compile("[\uff01-\uff5e\u3000]")
_WIDE_TO_ASCII = {ch: unicodedata.normalize("NFKC", ch) for ch in map(chr, [*range(0xFF01, 0xFF5F), 0x3000])}
_FAST_NFKC_FROM = 64  # characters; shorter text is normalised directly


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, exactly. Chinese text that is not normalised is
    almost always so for its full-width punctuation alone: those are folded first (by a regex, in
    C), and the full normalisation, several times slower on long text, runs only if still needed."""
    if len(text) < _FAST_NFKC_FROM or unicodedata.is_normalized("NFKC", text):
        return unicodedata.normalize("NFKC", text)
    folded = _WIDE_FORMS.sub(lambda m: _WIDE_TO_ASCII[m.group()], text)
    return folded if unicodedata.is_normalized("NFKC", folded) else unicodedata.normalize("NFKC", folded)


def _cosmetic(text: str) -> str:
    folded = simplified(nfkc(text)).lower()
    folded = _PINYIN.sub("", folded)
    return _DROP.sub("", folded)


_cosmetic_cached = lru_cache(maxsize=65536)(_cosmetic)


_LONG_LENGTH = 200_000  # a crawler line holding the whole report is folded by several stages
_LONG_ENTRIES = 32  # the long lines of one report (paragraphs, tables as crawler text) are each folded by several stages
_LONG_CHARS = 400_000  # at most this much text held, so memory stays flat
_long: dict[str, str] = {}


def cosmetic(text: str) -> str:
    if len(text) <= _CACHED_LENGTH:
        return _cosmetic_cached(text)
    if len(text) > _LONG_LENGTH:
        return _cosmetic(text)
    folded = _long.get(text)
    if folded is None:
        folded = _long[text] = _cosmetic(text)
        try:  # oldest first: the cache holds the long lines of the current report
            while len(_long) > _LONG_ENTRIES or sum(map(len, _long)) > _LONG_CHARS:
                _long.pop(next(iter(_long)), None)
        except (StopIteration, RuntimeError):  # emptied or changed by another thread meanwhile
            pass
    return folded


NUMERALS = "一二三四五六七八九十"


def numeral_value(number: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十一 → 21."""
    values = [NUMERALS.index(ch) + 1 for ch in number]
    if len(values) == 1:
        return values[0]
    if values[0] == 10:
        return 10 + values[1]
    return values[0] * 10 + (values[1] if values[1] != 10 else 0) + (values[2] if len(values) > 2 else 0)


@lru_cache(maxsize=8192)
def ordinal_value(text: str) -> int | None:
    """The number a label's leading ordinal says (（三） → 3, 2. → 2, 十二、 → 12), or None."""
    match = _ORDINAL.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    digits = "".join(ch for ch in match.group(0) if ch.isdigit())
    numerals = "".join(ch for ch in match.group(0) if ch in NUMERALS)
    return int(digits) if digits else numeral_value(numerals) if numerals else None


def ordinals_agree(printed: str, official: str) -> bool:
    """Whether a printed label's ordinal, if it prints one, is the official label's: "2.其他" is not
    "3.其他", though their words are the same."""
    mine, theirs = ordinal_value(printed), ordinal_value(official)
    return mine is None or theirs is None or mine == theirs


def strip_ordinal(text: str) -> str:
    return _ORDINAL.sub("", unicodedata.normalize("NFKC", text).strip(), count=1)


def _matchable(text: str) -> str:
    return cosmetic(strip_ordinal(text)).translate(_CONFUSION)


_matchable_cached = lru_cache(maxsize=65536)(_matchable)


def matchable(text: str) -> str:
    return _matchable_cached(text) if len(text) <= _CACHED_LENGTH else _matchable(text)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LabelMatch(Generic[T]):
    target: T
    official: str
    printed: str
    score: float  # 100 for an exact (matchable) match
    fuzzy: bool = False  # matched by similarity rather than by its form or a listed variant
    # The printed label differs from the official one in more than form. A label found by
    # similarity that is only the beginning or the end of the official one was cut by line
    # wrapping, not misprinted: that is no variant.
    is_variant: bool = field(init=False, compare=False, repr=False)
    # Only the beginning of the official label: the rest is wrapped onto the next line.
    truncated: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:  # worked out once: a match is remembered and asked again
        printed, official = cosmetic(self.printed), cosmetic(self.official)
        cut = self.fuzzy and printed != official
        object.__setattr__(self, "is_variant", printed != official and not (cut and (official.startswith(printed) or official.endswith(printed))))
        object.__setattr__(self, "truncated", cut and official.startswith(printed))


class LabelMatcher(Generic[T]):
    """Matches printed labels against a fixed set of official labels (and known variants)."""

    def __init__(self, entries: Iterable[tuple[str, T, Iterable[str]]]):
        self._memo: dict[tuple, LabelMatch[T] | None] = {}  # the same labels recur in every report
        self._exact: dict[str, tuple[str, T]] = {}
        self._choices: list[str] = []
        self._targets: list[tuple[str, T]] = []
        for official, target, variants in entries:
            for form in (official, *variants):
                key = matchable(form)
                if key and key not in self._exact:
                    self._exact[key] = (official, target)
            key = matchable(official)
            if len(key) >= _MIN_FUZZY:
                self._choices.append(key)
                self._targets.append((official, target))

    def match(self, printed: str, threshold: float = THRESHOLD, *, fuzzy: bool = True, prefix: bool = False) -> LabelMatch[T] | None:
        """The official label ``printed`` names: exactly (matchable forms), as a listed variant, by
        similarity; with ``prefix`` also as the beginning of exactly one official label (a row label
        printed without its tail)."""
        if len(printed) > _CACHED_LENGTH:
            return self._match(printed, threshold, fuzzy, prefix)
        memo_key = (printed, threshold, fuzzy, prefix)
        found = self._memo.get(memo_key, self)
        if found is self:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[memo_key] = self._match(printed, threshold, fuzzy, prefix)
        return found

    def _match(self, printed: str, threshold: float, fuzzy: bool, prefix: bool) -> LabelMatch[T] | None:
        key = matchable(printed)
        if not key:
            return None
        hit = self._exact.get(key)
        if hit:
            return LabelMatch(hit[1], hit[0], printed, 100.0)
        if not fuzzy or len(key) < _MIN_FUZZY or not self._choices:
            return None
        best = process.extract(key, self._choices, scorer=fuzz.ratio, limit=2, score_cutoff=threshold - MARGIN)
        if not best or best[0][1] < threshold:
            return self._prefix(key, printed) if prefix else None
        if len(best) > 1 and best[0][1] - best[1][1] < MARGIN and self._targets[best[0][2]][1] != self._targets[best[1][2]][1]:
            return None  # two official labels are about equally close: do not guess
        official, target = self._targets[best[0][2]]
        return LabelMatch(target, official, printed, best[0][1], fuzzy=True)

    def _prefix(self, key: str, printed: str) -> LabelMatch[T] | None:
        """A label printed without its tail (（二）部分公开 for （二）部分公开（区分处理的，…）): the
        beginning of exactly one official label, long enough to say which."""
        if len(key) < _MIN_PREFIX:
            return None
        hits = {index for index, choice in enumerate(self._choices) if choice.startswith(key) and len(choice) > len(key)}
        targets = {id(self._targets[i][1]) for i in hits}
        if len(targets) != 1:
            return None
        official, target = self._targets[min(hits)]
        return LabelMatch(target, official, printed, 100.0 * len(key) / len(self._choices[min(hits)]), fuzzy=True)

    def find_in(self, text: str) -> bool:
        """Whether any official label occurs verbatim (matchable form) inside ``text``."""
        folded = matchable(text)
        return any(key in folded for key in self._exact)
