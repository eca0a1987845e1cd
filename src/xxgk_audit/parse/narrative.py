"""The narrative of a report: sentences with their place in the source, and the counts they quote.

Reading the counts is parsing: :func:`report_claims` runs once per report (``Report.claims``), each
claim with the sentence that states it and where it was printed. Comparing them with the tables is
a rule (:mod:`xxgk_audit.rules.claims`, TEXT-VS-TABLE).


A section's text (``Report.sections[k].text``) is made *compact*: whitespace is removed (PDF lines
wrap in the middle of words and put spaces around numbers), full-width digits become ASCII,
traditional characters become simplified. A line break joins two lines when the first one looks
wrapped (long, no closing punctuation); otherwise it separates them, as after a heading.

Counts are read with the patterns of ``layouts/narrative.yaml`` (compiled once, at import) into
:class:`Claim` records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable

from ..document import Block
from ..layout import narrative_data
from ..report import Report, Source
from . import first_chars
from .labels import simplified

DATA = narrative_data()

SECTION_KEYS = ("s1", "s2", "s3", "s4", "s5", "s6")
_CONTEXT_WINDOW = 200  # characters before a result count in which 申请 must occur (see narrative.yaml)
_WRAPPED_LINE = 15  # a line at least this long without closing punctuation continues on the next
_CLOSING = "。！？!?；;：:"
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,；;：:]")
_OPENING_ORDINAL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[、.．](?!\d))")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WIDE_DIGIT = re.compile("[０-９]")
_LATIN = re.compile("[A-Za-z]")
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LATIN_OR_DIGIT = _LATIN_LETTERS | frozenset("0123456789")


# -- compact text and sentences ---------------------------------------------------------------

# characters found only in traditional text; the narrative is converted when it has several (a
# single one is more likely a name or a quotation, and converting simplified text is not neutral:
# OpenCC's phrase tables turn 文件 into 文档)
_TRADITIONAL = re.compile("[開資訊總計結轉處決於與機關書號國後區縣鄉鎮員會議報導這個們為對從來時發經過應當實現說問題項規範]")
_TRADITIONAL_MIN = 3


# pinyin a mirror site inserted after characters (公(gong)开(kai)); removed when there are several
# (one could be a Latin word in brackets, 政务新媒体(app))
_PINYIN = re.compile(r"[(（](?<=[\u4e00-\u9fff][(（])[a-z]{1,6}[)）]")  # the bracket first: scanned for in C
_PINYIN_MIN = 3


def _several(pattern: re.Pattern[str], text: str, count: int) -> bool:
    return sum(1 for _, _ in zip(range(count), pattern.finditer(text))) >= count


def to_simplified(text: str) -> str:
    """The narrative as the agency wrote it: a mirror site's traditional characters and inserted
    pinyin undone."""
    if _several(_PINYIN, text, _PINYIN_MIN):
        text = _PINYIN.sub("", text)
    return simplified(text) if _several(_TRADITIONAL, text, _TRADITIONAL_MIN) else text


def compact(text: str) -> str:
    """Whitespace removed (kept as one space between two Latin words), digits folded."""
    parts = text.split()  # the runs of whitespace \s matches, split in C
    if len(parts) < 2:
        text = parts[0] if parts else ""
    elif _LATIN.search(text) is None:
        text = "".join(parts)  # no Latin letter: no gap is kept
    else:
        pieces = [parts[0]]
        for before, after in zip(parts, parts[1:]):
            last, first = before[-1], after[0]
            if (last in _LATIN_OR_DIGIT and first in _LATIN_LETTERS) or (last in _LATIN_LETTERS and first in _LATIN_OR_DIGIT):
                pieces.append(" ")  # "App 下载" keeps its space, "2023 年" does not
            pieces.append(after)
        text = "".join(pieces)
    return text.translate(_DIGITS) if _WIDE_DIGIT.search(text) else text


@dataclass(frozen=True, slots=True)
class Sentence:
    section: str
    text: str  # compact text, closing punctuation included
    start: int  # offset in the section's compact text
    line: int  # index of the section text line it starts on


class SectionText:
    """A section's compact text; sentences are cut on demand (most sections quote no count)."""

    __slots__ = ("key", "text", "lines", "_offsets", "_lines_at", "_sentences", "_ends")

    def __init__(self, key: str, text: str, lines: tuple[str, ...], offsets: list[int], lines_at: list[int]):
        self.key, self.text, self.lines = key, text, lines
        self._offsets, self._lines_at = offsets, lines_at  # where each printed line starts in ``text``
        self._sentences: tuple[Sentence, ...] | None = None
        self._ends: list[int] | None = None  # where each sentence's closing mark stands

    def _sentence(self, start: int, end: int) -> Sentence | None:
        body = self.text[start:end]
        stripped = body.strip("\n")
        if not stripped:
            return None
        position = start + len(body) - len(body.lstrip("\n"))
        line = self._lines_at[max(0, bisect_right(self._offsets, position) - 1)] if self._offsets else 0
        return Sentence(self.key, stripped, position, line)

    def sentence_at(self, offset: int) -> Sentence:
        text = self.text
        if self._ends is None:
            self._ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        before = bisect_left(self._ends, offset)  # the closing marks before ``offset``
        start = self._ends[before - 1] + 1 if before else 0
        match = _SENTENCE_END.search(text, offset)
        end = (match.end() if match.group() != "\n" else match.start()) if match else len(text)
        return self._sentence(start, end) or Sentence(self.key, "", offset, 0)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        if self._sentences is None:
            found, start = [], 0
            for match in _SENTENCE_END.finditer(self.text + "\n"):
                sentence = self._sentence(start, match.end() if match.group() != "\n" else match.start())
                if sentence:
                    found.append(sentence)
                start = match.end()
            self._sentences = tuple(found)
        return self._sentences


def _joined(previous: str, line: str) -> bool:
    return len(previous) >= _WRAPPED_LINE and previous[-1] not in _CLOSING and not _OPENING_ORDINAL.match(line)


def section_text(report: Report, key: str) -> SectionText:
    """A section's narrative as compact text."""
    return split_text(key, report.section_text(key))


def split_text(key: str, raw: str) -> SectionText:
    lines = tuple(to_simplified(raw).split("\n"))
    pieces: list[str] = []
    offsets: list[int] = []
    lines_at: list[int] = []
    length = 0
    previous = ""
    for index, printed in enumerate(lines):
        line = compact(printed)
        if not line:
            previous = ""
            continue
        if pieces and not _joined(previous, line):
            pieces.append("\n")
            length += 1
        offsets.append(length)
        lines_at.append(index)
        pieces.append(line)
        length += len(line)
        previous = line
    return SectionText(key, "".join(pieces), lines, offsets, lines_at)


def text_blocks(report: Report) -> list[tuple[tuple[int, int], str, Block]]:
    """The document's blocks of text with their place, for :func:`sentence_source`."""
    document = report.document
    return [((b.page or 0, b.line or 0), b.text, b) for b in document.blocks if b.kind != "row"] if document is not None else []


def sentence_source(report: Report, sentence: Sentence, lines: list[str] | None = None, texts: list | None = None) -> Source:
    """Where a sentence was printed: the line or page of the block its first line came from
    (``lines``: the section's printed lines, ``texts``: :func:`text_blocks`, when the caller has them)."""
    hit = report.sections.get(sentence.section)
    file = report.source
    if hit is None:
        return Source(file, text=sentence.text)
    if lines is None:
        lines = report.section_text(sentence.section).split("\n")
    printed = lines[sentence.line].strip() if sentence.line < len(lines) else ""
    if printed and report.document is not None:
        origin = (hit.page or 0, hit.line or 0)
        for place, text, block in texts if texts is not None else text_blocks(report):
            if place >= origin and printed in text:
                return Source(file, block.line, block.page, text=sentence.text)
    return Source(file, hit.line, hit.page, text=sentence.text)


# -- claims ----------------------------------------------------------------------------------

def _expand(pattern: str) -> str:
    macros = DATA["macros"]
    return re.sub(r"\{([A-Z]+)\}", lambda m: macros[m.group(1)], pattern)


def _compile_claims():
    alternatives, specs = [], {}
    for number, claim in enumerate(DATA["claims"]):
        for variant, pattern in enumerate(claim["patterns"]):
            name = f"c{number}_{variant}"
            body = _expand(pattern).replace("(?P<n>", f"(?P<n{number}_{variant}>")
            alternatives.append(f"(?P<{name}>{body})")
            specs[name] = (claim, f"n{number}_{variant}")
    return re.compile("|".join(alternatives)), specs


_CLAIMS, _CLAIM_SPECS = _compile_claims()
_CLAIM_STARTS = first_chars.starts(_CLAIMS)  # the characters a claim begins with: the pattern is tried only there
_PARTIAL = re.compile("|".join(map(re.escape, DATA["partial_markers"])))
_OTHER_PERIOD = re.compile(DATA["other_period_marker"])
_YEAR = re.compile(DATA["year_marker"])
_PERIOD_LEAD = re.compile(DATA["period_lead"])
_WITH_CARRIED = re.compile(DATA["with_carried_marker"])
_MIXED_TOTAL = re.compile(DATA["mixed_total_marker"])
_CONTEXTS = {c["context"]: re.compile(c["context"]) for c in DATA["claims"] if "context" in c}
_OUTCOME_CONTEXT = re.compile("|".join(map(re.escape, sorted(DATA["outcome_context"], key=len, reverse=True))))
_VERB_CLASS = {verb: cls for cls, verbs in DATA["document_verbs"].items() for verb in verbs}
_VERBS = re.compile("|".join(map(re.escape, sorted(_VERB_CLASS, key=len, reverse=True))))
# Every claim holds a count "N件" or a "未收到", and none crosses clause punctuation (the patterns
# allow none), so the pattern only runs over the clauses around these anchors: a long narrative
# costs a few short scans instead of one scan trying every pattern at every character.
_ANCHOR = re.compile(r"\d件|未(?:收到|受理|接到|接收)")
_RAW_ANCHOR = re.compile(r"\d\s*件|未\s*(?:收到|受理|接到|接收)")
_BOUNDARY = re.compile(r"[，；;。！？!?：:\n（）()]|,(?!\d)")


@dataclass(frozen=True, slots=True)
class Claim:
    """A count the narrative states, and the table cells it speaks of."""

    id: str
    says: str  # what is stated, in the format's words (收到政府信息公开申请 …), for the memo
    stated: int
    sentence: Sentence
    quote: str  # the matched words
    target: str  # key of the targets in narrative.yaml
    terms: tuple[str, ...]  # cell terms with the placeholders filled in
    label: str  # the table side, for the message
    # other readings of the same words ((terms, label) …): the figure contradicts the table only
    # when it fits none of them (2019 表二: "公开规范性文件N件" may be 新公开 or 新制作; 收到申请 N 件
    # may count 一 alone or 一 + 二, as the corner note of 表三 adds them)
    alternatives: tuple[tuple[tuple[str, ...], str], ...] = ()
    where: Source | None = None  # where the sentence was printed


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    found = None
    for found in pattern.finditer(text):
        pass
    return found


def _fill(claim: dict, target_key: str, prefix: str, layout_id: str) -> list[tuple[tuple[str, ...], str]]:
    """The readings (cell terms, label) of a claim's target, whose cells may depend on the words
    before it (the 表四 group of an outcome, the 表二 column of a document count); []: no claim."""
    target = DATA["targets"][target_key]
    terms, label = tuple(target["cells"]), target["label"]
    if claim.get("outcome"):
        context = _last(_OUTCOME_CONTEXT, prefix)
        if context is None:
            return []
        spec = DATA["outcome_context"][context.group()]
        terms = tuple(t.replace("{group}", g) for t in terms for g in spec["groups"])
        label = label.replace("{group_label}", spec["label"])
    if claim.get("document"):
        verb = _last(_VERBS, prefix)
        columns = DATA["document_columns"].get(layout_id, {}).get(_VERB_CLASS[verb.group()]) if verb else None
        if not columns:
            return []
        return [
            (tuple(t.replace("{doc_column}", c["column"]) for t in terms), label.replace("{doc_column_label}", c["label"]))
            for c in (columns if isinstance(columns, list) else [columns])
        ]
    return [(terms, label)]


def _is_partial(prefix: str) -> bool:
    """Whether the clause before a total names a part ("其中，市本级受理…", "网上受理…")."""
    clauses = _CLAUSE_END.split(prefix)
    scope = clauses[-1]
    if len(clauses) > 1 and clauses[-2].endswith("其中"):
        scope = clauses[-2] + scope
    return _PARTIAL.search(scope) is not None


def _other_period(prefix: str, year: int | None) -> bool:
    """Whether the words before a figure date it to another period than the report's year: in its
    clause, or in a short first clause of its sentence ("2022年，共收到…")."""
    scope = _CLAUSE_END.split(prefix)[-1]
    lead = _PERIOD_LEAD.match(prefix)
    if lead is not None and lead.end() < len(prefix):
        scope = lead.group() + scope
    if _OTHER_PERIOD.search(scope):
        return True
    return year is not None and any(int(m.group("year")) != year for m in _YEAR.finditer(scope))


def _windows(text: str) -> list[tuple[int, int]]:
    """The clauses that hold an anchor, as (start, end) offsets, merged and in order."""
    anchors = list(_ANCHOR.finditer(text))
    if not anchors:
        return []
    bounds = [m.start() for m in _BOUNDARY.finditer(text)]
    windows: list[tuple[int, int]] = []
    for anchor in anchors:
        index = bisect_right(bounds, anchor.start())
        start = bounds[index - 1] + 1 if index else 0
        end_index = bisect_right(bounds, anchor.end() - 1)
        end = bounds[end_index] if end_index < len(bounds) else len(text)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _matches(text: str):
    for start, end in _windows(text):
        yield from first_chars.finditer(_CLAIMS, _CLAIM_STARTS, text, start, end)


def claims_in(section: SectionText, layout_id: str, year: int | None = None, where: Callable[[Sentence], Source] | None = None) -> list[Claim]:
    """The claims of one section's text; ``year``: the report's year (a figure dated to another is
    none); ``where``: where a sentence was printed (the claim's ``where``)."""
    found: list[Claim] = []
    text = section.text
    for match in _matches(text):
        claim, number_group = _CLAIM_SPECS[match.lastgroup]
        sentence = section.sentence_at(match.start())
        prefix = text[sentence.start : match.start()]
        if claim.get("total") and _is_partial(prefix):
            continue
        if _other_period(prefix, year):
            continue
        if "context" in claim:
            since = sentence.start if claim.get("context_scope") == "sentence" else max(0, match.start() - _CONTEXT_WINDOW)
            if not _CONTEXTS[claim["context"]].search(text, since, match.end()):
                continue
        after = text[match.end() : match.end() + 16]
        if claim.get("document") and _MIXED_TOTAL.match(after):
            continue
        target = claim["target"]
        if claim.get("with_carried") and _WITH_CARRIED.match(after):
            target = claim["with_carried"]
        readings = _fill(claim, target, prefix, layout_id)
        if not readings:
            continue
        if number_group in _CLAIMS.groupindex:
            stated, quote = int(match.group(number_group).replace(",", "")), match.group()
        else:  # a fixed value: "未收到…申请" is 0 (the 未 is outside the match, in a lookbehind)
            stated, quote = int(claim["value"]), text[max(0, match.start() - 1) : match.end()]
        for alternative in claim.get("alternatives", ()):
            readings += [r for r in _fill(claim, alternative, prefix, layout_id) if r not in readings]
        (terms, label), *others = readings
        found.append(Claim(claim["id"], claim["says"], stated, sentence, quote, target, terms, label, tuple(others), where(sentence) if where else None))
    return found


def report_claims(report: Report) -> list[Claim]:
    """Every count the narrative quotes, with the sentence and where it was printed."""
    layout_id = report.layout.id if report.layout else "2021"
    claims: list[Claim] = []
    texts: list | None = None
    for key in SECTION_KEYS:
        hit = report.sections.get(key)
        if hit is not None and _RAW_ANCHOR.search(hit.text):
            lines = hit.text.split("\n")
            texts = text_blocks(report) if texts is None else texts
            claims += claims_in(section_text(report, key), layout_id, report.year, lambda sentence, lines=lines: sentence_source(report, sentence, lines, texts))
    return claims
