"""Find the six sections (一 … 六) by their titles, as printed or in a known or close wording.

A heading candidate is a short line (a heading of any level, or none) or a one-cell table row. Each
is scored against every section's official title and variants; a title must contain the section's
keywords, so a narrative sub-heading ("三、主动公开工作情况") is not taken for a section. The best
candidate wins each section; the printed ordinal is kept for SECTION-ORDER.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from ..document import Block
from ..layout import SectionSpec
from ..report import SectionHit
from .labels import cosmetic, matchable

_NUMBERED = re.compile(r"^\s*第?(?P<num>[一二三四五六七八九十]{1,2})\s*[、.．,，:：]\s*(?P<body>.+)$")
_SUB_ORDINAL = re.compile(r"^\s*(?:[(（]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|\d{1,2}\s*[、.．])")
_ROW_LIKE = re.compile(r"(?:\s[+-]?\d[\d,.]*){2,}\s*$")
_MAX_TITLE = 48
NUMERALS = "一二三四五六七八九十"
# inline titles in run-together crawler text: "…监督保障方面…。二、主动公开政府信息情况第二十条…"
_INLINE_NUMBERED = re.compile(r"(?<!第)[一二三四五六][、.．]")


def _heading_text(block: Block) -> str | None:
    if block.kind == "row":
        texts = [c.text for c in block.cells if c.text.strip()]
        return texts[0] if len(texts) == 1 else None
    if len(block.text) > 2 * _MAX_TITLE:
        return None
    text = unicodedata.normalize("NFKC", block.text).strip().strip("*").strip()
    if len(text) > _MAX_TITLE or _ROW_LIKE.search(text) or _SUB_ORDINAL.match(text):
        return None  # too long, a table row in text, or a sub-heading such as "（一）主动公开"
    return text


@lru_cache(maxsize=64)
def _forms(section: SectionSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The section's keywords and its title forms (official and variants), folded once."""
    return tuple(cosmetic(k) for k in section.keywords), tuple(matchable(f) for f in (section.label, *section.variants))


def _score(folded: str, key: str, section: SectionSpec) -> float:
    """Similarity of a candidate title (``folded`` = cosmetic, ``key`` = matchable form) to a section."""
    keywords, forms = _forms(section)
    if not all(k in folded for k in keywords):
        return 0.0
    best = 0.0
    for official in forms:
        if key == official:
            return 100.0
        score = fuzz.ratio(key, official)
        if official in key and len(key) <= len(official) + 8:
            score = max(score, 90.0)
        best = max(best, score)
    return best


def find_sections(blocks: list[Block], sections: tuple[SectionSpec, ...]) -> tuple[dict[str, SectionHit], list[tuple[str, int | None]]]:
    scored: list[tuple[float, int, SectionSpec, str | None, str]] = []
    numbered: list[tuple[int, str]] = []
    for index, block in enumerate(blocks):
        text = _heading_text(block)
        if not text:
            continue
        match = _NUMBERED.match(text)
        number, body = (match.group("num"), match.group("body")) if match else (None, text)
        if number:
            numbered.append((index, text))
        threshold = 75.0 if number else 92.0
        folded, key = cosmetic(body), matchable(body)
        for section in sections:
            score = _score(folded, key, section)
            if score >= threshold:
                scored.append((score, index, section, number, text))
    hits: dict[str, SectionHit] = {}
    used: set[int] = set()
    # best score first; among equals, the one numbered as in the format, then the first in the text
    for score, index, section, number, text in sorted(scored, key=lambda s: (-s[0], s[3] != s[2].number, s[1])):
        if section.key in hits or index in used:
            continue
        used.add(index)
        block = blocks[index]
        hits[section.key] = SectionHit(
            key=section.key,
            official=section.label,
            title=text,
            line=block.line,
            page=block.page,
            block=index,
            number=number,
        )
    order = sorted(hits.values(), key=lambda h: h.block)
    for hit, following in zip(order, order[1:] + [None]):
        end = following.block if following else len(blocks)
        hit.text = "\n".join(b.text for b in blocks[hit.block + 1 : end] if b.kind != "row")
    stray = [(text, blocks[i].line) for i, text in numbered if i not in used]
    return hits, stray


@lru_cache(maxsize=4)
def _title_patterns(sections: tuple[SectionSpec, ...]) -> list[tuple[SectionSpec, re.Pattern[str]]]:
    """Each section title (and variant) as a pattern that allows whitespace between characters."""
    titles = []
    for section in sections:
        for form in (section.label, *section.variants):
            body = form.split("、", 1)[1]
            titles.append((section, re.compile(r"\s*".join(re.escape(ch) for ch in body))))
    return titles


def split_inline_titles(blocks: list[Block], sections: tuple[SectionSpec, ...]) -> list[Block]:
    """Cut long lines of run-together text at section titles, so each title becomes its own block."""
    titles = _title_patterns(sections)
    result: list[Block] = []
    for block in blocks:
        if block.kind == "row" or len(block.text) <= _MAX_TITLE:
            result.append(block)
            continue
        cuts: list[tuple[int, int]] = []
        for match in _INLINE_NUMBERED.finditer(block.text):
            if match.group(0)[0] not in NUMERALS[:6]:
                continue
            rest = block.text[match.end():]
            for section, pattern in titles:
                title = pattern.match(rest)
                if title and match.group(0)[0] == section.number:
                    cuts.append((match.start(), match.end() + title.end()))
                    break
        if not cuts:
            result.append(block)
            continue
        position = 0
        for start, end in cuts:
            if block.text[position:start].strip():
                result.append(_piece(block, position, start, "text"))
            result.append(_piece(block, start, end, "heading"))
            position = end
        if block.text[position:].strip():
            result.append(_piece(block, position, len(block.text), "text"))
    return result


def _piece(block: Block, start: int, end: int, kind: str) -> Block:
    raw = block.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    return Block(kind, raw.strip(), line=block.line, page=block.page, column=block.column + start + lead)  # type: ignore[arg-type]
