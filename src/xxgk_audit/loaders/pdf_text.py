"""Characters to words, lines and text, exactly as pdfplumber 0.11 puts them together.

The PDF loader was built and hand-checked on pdfplumber's text assembly (``extract_text``, and the
text map behind ``Page.extract_text`` and ``extract_text_lines``), with its defaults: words split
where the gap exceeds 3 pt or at whitespace, lines clustered by ``top`` within 3 pt (a chain of
values each within 3 pt of the next), rotated text read top to bottom, ligatures expanded. These
functions do the same on :class:`~.pdf_content.Char` objects, without a dictionary per character
and word. One deliberate difference: PDFium computes positions in single precision, so a distance
within 0.001 pt of a tolerance counts as within it (two lines exactly 3 pt apart, a common layout
step, may otherwise come out 3.00006 pt apart).
"""

from __future__ import annotations

import re
from itertools import groupby
from operator import attrgetter
from typing import Sequence

_TOLERANCE = 3.0
_SLACK = 1e-3
_REACH = _TOLERANCE + _SLACK
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_CHARS = frozenset(_LIGATURES)
_STRIPPED_LINE = re.compile(r" *([^\n]+?) *(\n|$)")
_X0 = attrgetter("x0")
_TOP = attrgetter("top")
_UPRIGHT = attrgetter("upright")


def _top_bottom(char) -> tuple[float, float]:
    return (char.top, char.bottom)


def clusters(items: list, values: list[float], preserve_order: bool = False) -> list[list]:
    """pdfplumber's ``cluster_objects`` with a 3 pt tolerance: values chained within the tolerance
    form one cluster; clusters in order of value (items keep their order within), or, with
    ``preserve_order``, runs of items of one cluster in item order."""
    if not items:
        return []
    distinct = sorted(set(values))
    if len(distinct) == 1 or distinct[-1] - distinct[0] <= _REACH:
        return [list(items)]
    ids: dict[float, int] = {}
    cluster = 0
    last = distinct[0]
    for value in distinct:
        if value > last + _REACH:
            cluster += 1
        ids[value] = cluster
        last = value
    if preserve_order:
        out: list[list] = []
        current = None
        for value, item in zip(values, items):
            cluster = ids[value]
            if cluster != current:
                out.append([])
                current = cluster
            out[-1].append(item)
        return out
    buckets: list[list] = [[] for _ in range(cluster + 1)]
    for value, item in zip(values, items):
        buckets[ids[value]].append(item)
    return [bucket for bucket in buckets if bucket]


def _split_words(line: list, upright: bool, out: list) -> None:
    """Append the words of one sorted line of characters to ``out``, as (top, chars)."""
    current: list = []
    top = 0.0
    last = None
    for char in line:
        text = char.text
        if text.isspace():
            if current:
                out.append((top, current))
                current = []
            continue
        if not text:  # pdfplumber: the empty string is "in" the (empty) punctuation set
            if current:
                out.append((top, current))
                current = []
            out.append((char.top, [char]))
            continue
        if current:
            if upright:
                new = char.x0 < last.x0 or char.x0 > last.x1 + _REACH or abs(char.top - last.top) > _REACH
            else:
                new = char.top < last.top or char.top > last.bottom + _REACH or abs(char.x0 - last.x0) > _REACH
            if not new:
                current.append(char)
                if char.top < top:
                    top = char.top
                last = char
                continue
            out.append((top, current))
        current = [char]
        top = char.top
        last = char
    if current:
        out.append((top, current))


def words(chars: Sequence) -> list[tuple[float, list]]:
    """pdfplumber's ``WordExtractor.iter_extract_tuples`` with the default settings: each word as
    its ``top`` and its characters."""
    out: list[tuple[float, list]] = []
    for upright, group in groupby(chars, key=_UPRIGHT):
        group = list(group)
        if upright:
            for line in clusters(group, [c.top for c in group]):
                line.sort(key=_X0)
                _split_words(line, True, out)
        else:
            for line in clusters(group, [c.x0 for c in group]):
                line.sort(key=_top_bottom)
                _split_words(line, False, out)
    return out


def _word_text(chars: list) -> str:
    text = "".join([c.text for c in chars])
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = "".join(_LIGATURES.get(c.text, c.text) for c in chars)
    return text


def cell_text(chars: Sequence) -> str:
    """pdfplumber's ``extract_text(chars)``: words joined by spaces, lines by newlines."""
    if not chars:
        return ""
    found = words(chars)
    lines = clusters(found, [top for top, _ in found])
    return "\n".join(" ".join(_word_text(word) for _, word in line) for line in lines)


def _map_lines(chars: Sequence) -> list[list[list]]:
    """The lines of pdfplumber's text map (``chars_to_textmap``, no layout): runs of words
    clustered by ``top``, in word order."""
    found = words(chars)
    return [[word for _, word in line] for line in clusters(found, [top for top, _ in found], preserve_order=True)]


def _line_string(line: list[list]) -> str:
    texts = [_word_text(word) for word in line]
    while texts and not texts[0]:
        texts.pop(0)  # an empty word adds no space before the first letter of a line
    return " ".join(texts)


def page_text(chars: Sequence) -> str:
    """pdfplumber's ``Page.extract_text()``."""
    return "\n".join(_line_string(line) for line in _map_lines(chars))


def text_lines(chars: Sequence) -> list[tuple[str, float, list]]:
    """pdfplumber's ``extract_text_lines(strip=True)``: each line's text, ``top`` and characters
    (a character once per letter it prints)."""
    out = []
    for line in _map_lines(chars):
        text = _line_string(line)
        simple = text and text[0] != " " and text[-1] != " " and "\n" not in text
        if simple:
            own = [c for word in line for c in word if c.text]
            if len(own) == len(text) - len(line) + 1 and not any(len(c.text) != 1 for c in own):
                out.append((text, min(c.top for c in own), own))
                continue
        out.extend(_text_lines_slow(line))
    return out


def _text_lines_slow(line: list[list]) -> list[tuple[str, float, list]]:
    """The text map of one line, position by position, for lines with empty words, multi-letter
    characters or spaces inside words."""
    letters: list[str] = []
    owners: list = []
    for word in line:
        if letters:
            letters.append(" ")
            owners.append(None)
        for char in word:
            for letter in _LIGATURES.get(char.text, char.text):
                letters.append(letter)
                owners.append(char)
    text = "".join(letters)
    out = []
    for match in _STRIPPED_LINE.finditer(text):
        if not match.group(1).strip():
            continue
        own = [c for c in owners[match.start(1) : match.end(1)] if c is not None]
        out.append((match.group(1), min(c.top for c in own), own))
    return out
