"""Find the six sections (一 … 六) by the structure of the report, not by their exact titles.

A heading candidate is a short line (a heading of any level, or none) or a one-cell table row.
Each candidate is weighed for each section (``layouts/sections.yaml``):

* the title: similarity to the official title and its known variants, or a word that names the
  section (五、存在问题及明年打算);
* the printed ordinal: the section's own number, and whether it continues the ordinals printed
  around it (一总体情况 … 二、…);
* the section's table (表二/三/四), found by its own header (:func:`..tables.table_anchors`),
  standing between the heading and the next numbered heading — or elsewhere;
* the words of the section's first paragraphs (问题/改进 for 五, 信息处理费 for 六 …).

The sections are then assigned to candidates in document order so that the evidence is greatest
(a small dynamic programme), so a sub-heading numbered like a section ("三、主动公开工作情况" inside
总体情况) does not take the place of the heading that holds 表二. A section printed out of order
is still found when its title leaves no doubt. A table section printed without any heading is
mapped to its table (``SectionHit.inferred``); the heading-less text sections are missing.

Numbered headings that start no section are kept (:class:`StrayHeading`): a part of a section
split in two (五、存在的主要问题 / 六、改进措施 / 七、其他需要报告的事项), a repeated title, or a
sub-heading numbered like a section.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ..document import Block
from ..layout import SectionSpec, heading_rules
from ..report import SectionHit, StrayHeading
from .labels import NUMERALS, cosmetic, matchable, numeral_value

_TOP = re.compile(
    r"^\s*(?:第\s*(?P<part>[一二三四五六七八九十]{1,2})\s*(?:部分|章|节)\s*[、.．,，:：]?\s*"
    r"|(?P<num>[一二三四五六七八九十]{1,2})\s*(?P<sep>[、.．,，:：]|\s)\s*)(?P<body>.+)$"
)
# "一总体情况": an ordinal glued to its title; taken only when the title alone is clear
_GLUED = re.compile(r"^\s*(?P<num>[一二三四五六七八九十])(?P<body>[^\d、.．,，:：\s是要年次个些批方].+)$")
_SUB_ORDINAL = re.compile(r"^\s*(?:[(（]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|\d{1,2}\s*[、.．](?!\d))")
_ROW_LIKE = re.compile(r"(?:\s[+-]?\d[\d,.]*){2,}\s*$")
_CONTENTS_ENTRY = re.compile(r"(?:[.·…。．\-_]\s*){3,}\d{1,3}\s*$")  # 一、总体情况………1
_MAX_TITLE = 48
_CONTENTS_RUN = 3  # numbered titles on consecutive lines that make a table of contents
_NAMING = 60.0  # title similarity from which a title names the section by itself
_CUE_SPAN = 1500  # characters of a section's text searched for its content cues
_INLINE_SIMILARITY = 80.0  # a title in another wording, inside run-together text
_LISTED = re.compile(r"\s*[；;，,、]")  # "…包括：一、总体情况；二、…": titles listed in a sentence, no headings
_RENAMED_TITLE = re.compile(r"[^\d\s，。；：,.;:（(、]{2,20}(?=\d|[，。；：,.;:（(\s])")
# what may still end such a title after its most similar part: 情况, 计划, a suffix such as （有关情况附表）
_TITLE_ENDING = re.compile(r"[^\d\s，。；：,.;:（(、]{0,6}?(?:情况|事项|措施|计划|打算|工作|附表[）)])|[（(][^\d（(）)]{0,8}附表[）)]")
# inline titles in run-together crawler text: "…监督保障方面…。二、主动公开政府信息情况第二十条…"
# (七、八: a section split in two renumbers the ones after it: "…七、其他需要报告的事项…")
_INLINE_NUMBERED = re.compile(r"(?<!第)[一二三四五六七八][、.．]")
_LEADING_ORDINAL = re.compile(r"\s*(?:第\s*[一二三四五六七八九十]{1,2}\s*(?:部分|章|节)\s*[、.．,，:：]?|[一二三四五六七八九十]{1,2}\s*[、.．,，:：\s])\s*")
_SEPARATOR = re.compile(r"[。：:；;．.\s]")
_AFTER_TITLE = re.compile(r"\s*[。：:；;．.]\s*(?=\S)|\s+(?=[(（][一二三四五六七八九十\d]{1,2}[)）]|[^\s（(【\[])")


@dataclass(slots=True)
class _Candidate:
    index: int  # block index
    text: str  # the heading as printed (width folded, markup stripped)
    number: str | None  # top-level ordinal, if printed
    body: str  # the title without its ordinal
    glued: bool = False  # ordinal glued to the title without a separator
    caption: bool = False  # a table caption (表二 …): names a table, starts no section


def _heading_text(block: Block) -> str | None:
    if block.kind == "row":  # a row with one filled cell may be a heading printed in the table
        first = None
        for cell in block.cells:
            if cell.text.strip():
                if first is not None:
                    return None
                first = cell.text
        return unicodedata.normalize("NFKC", first).strip() if first is not None and len(first) <= 2 * _MAX_TITLE else None
    if len(block.text) > 2 * _MAX_TITLE:
        return None
    text = unicodedata.normalize("NFKC", block.text).strip().strip("*#").strip()
    if len(text) > 2 and text[0] + text[-1] in heading_rules().enclosing:
        text = text[1:-1].strip()  # 【一、总体情况】
    if len(text) > _MAX_TITLE:
        return None
    if text and (text[-1].isdigit() or text[-1] in ",.") and (_ROW_LIKE.search(text) or _CONTENTS_ENTRY.search(text)):
        return None  # a table row in text, or an entry of a table of contents: both end in a number
    return text


def _candidates(blocks: list[Block]) -> list[_Candidate]:
    caption = re.compile(heading_rules().caption)
    found = []
    for index, block in enumerate(blocks):
        text = _heading_text(block)
        if not text:
            continue
        match = _TOP.match(text)
        if match:
            found.append(_Candidate(index, text, match.group("part") or match.group("num"), match.group("body").strip()))
            continue
        if _SUB_ORDINAL.match(text):
            found.append(_Candidate(index, text, None, text))  # (一)… : only an unmistakable title counts
            continue
        match = _GLUED.match(text)
        if match:
            found.append(_Candidate(index, text, match.group("num"), match.group("body").strip(), glued=True))
            continue
        found.append(_Candidate(index, text, None, text, caption=bool(caption.match(text))))
    return found


def _without_contents(candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates without a table of contents printed without page numbers: three or more
    numbered titles on consecutive lines, numbered from 一 in sequence, whose ordinals are all
    printed again further on (the headings they list)."""
    run: list[int] = []
    for position, candidate in enumerate(candidates):
        value = numeral_value(candidate.number) if candidate.number and not candidate.glued else None
        if value is not None and value == len(run) + 1 and (not run or candidate.index == candidates[run[-1]].index + 1):
            run.append(position)
            continue
        if len(run) >= _CONTENTS_RUN:
            break
        run = [position] if value == 1 else []
    if len(run) < _CONTENTS_RUN:
        return candidates
    later = {c.number for c in candidates[run[-1] + 1 :] if c.number and not c.glued}
    if not all(candidates[position].number in later for position in run):
        return candidates
    listed = set(run)
    return [c for position, c in enumerate(candidates) if position not in listed]


@dataclass(frozen=True, slots=True)
class _Profile:
    """A section's title forms (official and variants, matchable), title cues and content cues, folded."""

    forms: tuple[str, ...]
    title_cues: tuple[str, ...]
    content_cues: tuple[str, ...]


_PROFILES: dict[str, _Profile] = {}  # by section key: sections.yaml is the same for every layout


def _profile(section: SectionSpec) -> _Profile:
    profile = _PROFILES.get(section.key)
    if profile is None:
        profile = _PROFILES[section.key] = _Profile(
            tuple(dict.fromkeys(matchable(f) for f in (section.label, *section.variants))),
            tuple(cosmetic(c) for c in section.title_cues),
            tuple(cosmetic(c) for c in section.content_cues),
        )
    return profile


def title_score(body: str, section: SectionSpec) -> float:
    """How well a printed title (without its ordinal) names ``section``: 0–100."""
    _profile(section)
    return _title_score(body, section.key)


@lru_cache(maxsize=4096)
def _title_score(body: str, key_: str) -> float:
    key = matchable(body)
    if not key:
        return 0.0
    profile = _PROFILES[key_]
    best = 0.0
    for form in profile.forms:
        if key == form:
            return 100.0
        score = fuzz.ratio(key, form)
        if form in key and len(key) <= len(form) + 12:
            score = max(score, 90.0)  # the title with an addition: 二、主动公开政府信息情况（有关情况附表）
        elif key in form and len(key) >= 4:
            score = max(score, 80.0)  # a shortened title: 五、存在的主要问题
        best = max(best, score)
    if best < 65 and any(cue in key for cue in profile.title_cues):
        best = 65.0
    return best


@lru_cache(maxsize=4)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(c) for c in sorted(set(cues), key=len, reverse=True)))


def _sequence(candidates: list[_Candidate]) -> list[bool]:
    """Whether each numbered candidate continues the ordinals of the numbered ones around it."""
    numbered = [i for i, c in enumerate(candidates) if c.number]
    values = [numeral_value(candidates[i].number) for i in numbered]
    result = [False] * len(candidates)
    for position, i in enumerate(numbered):
        value = values[position]
        before = values[position - 1] == value - 1 if position else value == 1
        after = position + 1 < len(values) and values[position + 1] == value + 1
        result[i] = before or after
    return result


def _span_ends(candidates: list[_Candidate], total: int) -> list[int]:
    """The block index where each candidate's text ends: the next numbered (or captionless) heading."""
    ends = [total] * len(candidates)
    following = total
    for i in range(len(candidates) - 1, -1, -1):
        ends[i] = following
        if candidates[i].number and not candidates[i].glued:
            following = candidates[i].index
    return ends


def _span_text(blocks: list[Block], start: int, end: int) -> str:
    pieces, size = [], 0
    for block in blocks[start + 1 : end]:
        if block.kind == "row":
            continue
        pieces.append(block.text)
        size += len(block.text)
        if size > _CUE_SPAN:
            break
    return cosmetic("".join(pieces)[:_CUE_SPAN])


def _scores(
    blocks: list[Block], candidates: list[_Candidate], sections: tuple[SectionSpec, ...], anchors: dict[str, int]
) -> list[list[float | None]]:
    """Evidence that candidate i starts section j; None where the candidate cannot start it."""
    rules = heading_rules()
    weights = rules.weights
    sequence = _sequence(candidates)
    ends = _span_ends(candidates, len(blocks))
    matrix: list[list[float | None]] = []
    profiles = [_profile(section) for section in sections]
    any_cue = _cue_pattern(tuple(cue for p in profiles for cue in p.title_cues))
    nothing = [None] * len(sections)
    for i, candidate in enumerate(candidates):
        folded = cosmetic(candidate.body) if candidate.number is None else ""
        if candidate.caption or (candidate.number is None and not any_cue.search(folded)):
            matrix.append(nothing)  # most short lines of a narrative: no word of any section's titles
            continue
        row: list[float | None] = []
        content: str | None = None
        for section, profile in zip(sections, profiles):
            if candidate.number is None and not any(cue in folded for cue in profile.title_cues):
                row.append(None)
                continue
            title = title_score(candidate.body, section)
            if candidate.number is None or candidate.glued:
                threshold = rules.accept_unnumbered if candidate.number is None else 80.0
                if title < threshold:
                    row.append(None)
                    continue
            score = title
            if candidate.number:
                score += weights["ordinal"] if candidate.number == section.number else weights["other_ordinal"]
                if sequence[i]:
                    score += weights["sequence"]
            # a title that does not name the section needs the section's own evidence: its table, or its words
            evidence = title >= _NAMING
            anchor = anchors.get(section.table) if section.table else None
            if anchor is not None:
                inside = candidate.index < anchor < ends[i]
                score += weights["table_inside"] if inside else weights["table_elsewhere"]
                evidence = evidence or inside
            if section.content_cues:
                if content is None:
                    content = _span_text(blocks, candidate.index, ends[i])
                cues = sum(1 for cue in profile.content_cues if cue in content)
                score += weights["content_cue"] * min(cues, 3)
                evidence = evidence or cues > 0
            if not evidence:
                row.append(None)
                continue
            row.append(score if score >= rules.accept else None)
        matrix.append(row)
    return matrix


def _assign(matrix: list[list[float | None]], sections: int) -> dict[int, int]:
    """Sections to candidates in document order, the total evidence greatest: {section: candidate}."""
    # best[j] = (score, assignment) using sections < j, the last one before the current candidate
    best: list[tuple[float, tuple[tuple[int, int], ...]]] = [(0.0, ())] * (sections + 1)
    for i, row in enumerate(matrix):
        new = list(best)
        for j, score in enumerate(row):
            if score is None:
                continue
            total = best[j][0] + score
            if total > new[j + 1][0]:
                new[j + 1] = (total, best[j][1] + ((j, i),))
        for j in range(1, sections + 1):  # prefix maxima: a later section may follow any earlier one
            if new[j - 1][0] > new[j][0]:
                new[j] = new[j - 1]
        best = new
    return dict(best[sections][1])


def find_sections(
    blocks: list[Block], sections: tuple[SectionSpec, ...], anchors: dict[str, int] | None = None
) -> tuple[dict[str, SectionHit], list[StrayHeading]]:
    anchors = anchors or {}
    candidates = _without_contents(_candidates(blocks))
    matrix = _scores(blocks, candidates, sections, anchors)
    assigned = _assign(matrix, len(sections))
    used = set(assigned.values())
    rules = heading_rules()
    for j, section in enumerate(sections):  # out of order, but unmistakable
        if j in assigned:
            continue
        best = max(
            (
                (title_score(c.body, section), i)
                for i, c in enumerate(candidates)
                if i not in used and not c.caption and matrix[i][j] is not None
            ),
            default=None,
        )
        if best and best[0] >= rules.out_of_order:
            assigned[j] = best[1]
            used.add(best[1])
    hits: dict[str, SectionHit] = {}
    for j, i in assigned.items():
        section, candidate = sections[j], candidates[i]
        block = blocks[candidate.index]
        hits[section.key] = SectionHit(
            key=section.key,
            official=section.label,
            title=candidate.text,
            line=block.line,
            page=block.page,
            block=candidate.index,
            number=candidate.number,
        )
    for section in sections:  # a table printed without the heading of its section
        anchor = anchors.get(section.table) if section.table else None
        if section.key in hits or anchor is None:
            continue
        if any(h.block == anchor for h in hits.values()):
            continue
        block = blocks[anchor]
        hits[section.key] = SectionHit(
            key=section.key, official=section.label, title="", line=block.line, page=block.page, block=anchor, number=None, inferred=True
        )
    _untitled(blocks, sections, hits)
    order = sorted(hits.values(), key=lambda h: h.block)
    for hit, following in zip(order, order[1:] + [None]):
        end = following.block if following else len(blocks)
        start = hit.block if hit.inferred else hit.block + 1
        hit.text = "\n".join(b.text for b in blocks[start:end] if b.kind != "row")
    stray = [
        StrayHeading(c.text, c.number, blocks[c.index].line, blocks[c.index].page, c.index, _within(order, c.index))
        for i, c in enumerate(candidates)
        if c.number and not c.glued and i not in used
    ]
    return hits, stray


def _untitled(blocks: list[Block], sections: tuple[SectionSpec, ...], hits: dict[str, SectionHit]) -> None:
    """Text sections printed without their heading (一's overview straight after the preface, 六's
    fee sentence after 五), found by their words between the sections found around them
    (``printed_without_title`` in sections.yaml)."""
    position = {section.key: n for n, section in enumerate(sections)}
    for n, section in enumerate(sections):
        if section.key in hits or not section.untitled_at_least:
            continue
        before = [h.block for h in hits.values() if position[h.key] < n]
        after = [h.block for h in hits.values() if position[h.key] > n]
        start, end = (max(before) + 1 if before else 0), (min(after) if after else len(blocks))
        words = [cosmetic(w) for w in section.untitled_words]
        first, seen = None, set()
        for index in range(start, end):
            block = blocks[index]
            if block.kind == "row":
                continue
            found = {w for w in words if w in cosmetic(block.text)}
            if found and first is None:
                first = index
            seen |= found
        if first is not None and len(seen) >= section.untitled_at_least:
            block = blocks[first]
            hits[section.key] = SectionHit(
                key=section.key, official=section.label, title="", line=block.line, page=block.page, block=first, number=None, inferred=True
            )


def _within(order: list[SectionHit], index: int) -> str | None:
    """The section whose text holds block ``index``."""
    inside = None
    for hit in order:
        if hit.block < index:
            inside = hit.key
    return inside


@lru_cache(maxsize=4)
def _title_patterns(sections: tuple[SectionSpec, ...]) -> list[tuple[SectionSpec, re.Pattern[str]]]:
    """Each section title (and variant) as a pattern that allows whitespace between characters."""
    titles = []
    for section in sections:
        for form in (section.label, *section.variants):
            body = form.split("、", 1)[1]
            titles.append((section, re.compile(r"\s*".join(re.escape(ch) for ch in body))))
    return titles


@lru_cache(maxsize=4)
def _glued_pattern(sections: tuple[SectionSpec, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every title (and variant) with its ordinal glued before it, in one pattern: a group per form,
    the longer form first where two match at one place; and the places worth trying it (an ordinal
    before a title's first character: one scan of a long line instead of one per form)."""
    forms = sorted(
        ((section.number, form.split("、", 1)[1]) for section in sections for form in (section.label, *section.variants)),
        key=lambda f: -len(f[1]),
    )
    alternatives = "|".join(
        f"(?P<t{i}>{number}" + r"\s*".join(re.escape(ch) for ch in body) + ")" for i, (number, body) in enumerate(forms)
    )
    numbers = re.escape("".join(sorted({number for number, _ in forms})))
    firsts = re.escape("".join(sorted({body[0] for _, body in forms})))
    starts = re.compile(f"(?<![一二三四五六七八九十、.．])[{numbers}](?=\\s*[{firsts}])")
    return starts, re.compile(f"(?<![一二三四五六七八九十、.．])(?:{alternatives})")


def split_inline_titles(blocks: list[Block], sections: tuple[SectionSpec, ...]) -> list[Block]:
    """Cut long lines of run-together text at section titles, so each title becomes its own block."""
    titles = _title_patterns(sections)
    numbers = {section.number for section in sections}
    result: list[Block] = []
    for block in blocks:
        if block.kind == "row":
            result.append(block)
            continue
        if len(block.text) <= _MAX_TITLE:
            cut = _title_then_text(block.text, sections)
            if cut is None:
                result.append(block)
            else:
                result += [_piece(block, 0, cut[0], "heading"), _piece(block, cut[1], len(block.text), "text")]
            continue
        cuts: list[tuple[int, int]] = []
        seen: set[str] = set()
        starts, pattern = _glued_pattern(sections)
        for start in starts.finditer(block.text):  # 一总体情况2023年，…: the first of each section
            glued = pattern.match(block.text, start.start())
            if glued and glued.group(0)[0] not in seen:
                seen.add(glued.group(0)[0])
                cuts.append((glued.start(), glued.end()))
        for match in _INLINE_NUMBERED.finditer(block.text):
            if any(start <= match.start() < end for start, end in cuts):
                continue
            renumbered = match.group(0)[0] not in numbers  # beyond the last section
            for section, pattern in titles:
                title = pattern.match(block.text, match.end())
                if title and (match.group(0)[0] == section.number or renumbered):
                    cuts.append((match.start(), title.end()))
                    break
            else:
                if renumbered:
                    continue
                length = _inline_title(block.text[match.end() : match.end() + 2 * _MAX_TITLE], match.group(0)[0], sections)
                if length:
                    cuts.append((match.start(), match.end() + length))
        cuts = [(start, end) for start, end in cuts if not _LISTED.match(block.text, end)]
        cuts += _renamed_first(block.text, cuts)
        if not cuts:
            result.append(block)
            continue
        cuts = _disjoint(cuts)
        position = 0
        for start, end in cuts:
            if block.text[position:start].strip():
                result.append(_piece(block, position, start, "text"))
            result.append(_piece(block, start, end, "heading"))
            position = end
        if block.text[position:].strip():
            result.append(_piece(block, position, len(block.text), "text"))
    return result


def _title_then_text(text: str, sections: tuple[SectionSpec, ...]) -> tuple[int, int] | None:
    """A short line that is a section title and the first words of its text (六、其他需要报告的事项。
    本年度未收取信息处理费。): where the title ends and where the text begins, or None.

    The title must be printed in one of its known forms and end at sentence punctuation or a space;
    what follows a space opens no bracket but a sub-ordinal's (二、主动公开政府信息情况 （有关情况附表） is
    a title, 五、存在的主要问题及改进情况 (一)上年度问题整改情况 a title and a sub-heading)."""
    lead = _LEADING_ORDINAL.match(text)
    if lead is None or not _SEPARATOR.search(text, lead.end()):
        return None  # most headings: nothing after the title
    best: tuple[int, int] | None = None
    for _, pattern in _title_patterns(sections):
        title = pattern.match(text, lead.end())
        if title is None:
            continue
        after = _AFTER_TITLE.match(text, title.end())
        if after and len(text) - after.end() >= 2 and (best is None or title.end() > best[0]):
            best = (title.end(), after.end())
    return best


def _renamed_first(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """In run-together text, the first section under a title of its own wording (一、年度工作核心成效
    2023年，…) is cut where 一、 stands before a cut 二、 title: up to the first digit or punctuation."""
    if not cuts or any(text.startswith(NUMERALS[0], start) for start, _ in cuts):
        return []
    second = next((start for start, _ in cuts if text.startswith(NUMERALS[1], start)), None)
    if second is None:
        return []
    first = re.search(f"(?<!第){NUMERALS[0]}[、.．]", text[:second])
    if first is None:
        return []
    title = _RENAMED_TITLE.match(text, first.end())
    return [(first.start(), title.end())] if title else []


def _disjoint(cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The cuts in order, an overlapping one left out (the longer title first at a place)."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(cuts, key=lambda c: (c[0], -c[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _inline_title(rest: str, number: str, sections: tuple[SectionSpec, ...]) -> int:
    """The length of a section title printed in another wording at the start of ``rest`` (run-together
    text: "政府信息公开行政复议与行政诉讼情况行政复议行政诉讼结果维持…"), or 0.

    The title is taken where it is most like a form of the section with this ordinal (similarity
    ≥ 80 of the folded text), then extended over a title ending that follows (情况, 计划, 附表）…)."""
    window = rest[: 2 * _MAX_TITLE]
    section = next((s for s in sections if s.number == number), None)
    if section is None or not _cue_pattern(_profile(section).title_cues).search(cosmetic(window[:_MAX_TITLE])):
        return 0
    best, end = 0.0, 0
    for form in _profile(section).forms:
        for stop in range(max(2, len(form) - 6), min(len(window), len(form) + 10) + 1):
            score = fuzz.ratio(matchable(window[:stop]), form)
            if score > best:
                best, end = score, stop
    if best < _INLINE_SIMILARITY:
        return 0
    ending = _TITLE_ENDING.match(window, end)
    return ending.end() if ending else end


def _piece(block: Block, start: int, end: int, kind: str) -> Block:
    raw = block.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    return Block(kind, raw.strip(), line=block.line, page=block.page, column=block.column + start + lead)  # type: ignore[arg-type]
