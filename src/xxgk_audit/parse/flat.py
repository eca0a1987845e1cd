"""Tables whose cells run together in one line of text (crawler output of a web page).

The labels of the table are located in the line (longest first, ordinals included, so "…0000000
4.保护第三方合法权益…" splits before the "4"); the text between one label and the next is that
row's values. A value run is split only when the split is unambiguous: as many whitespace-separated
numbers as cells, or as many digits as cells (each cell one digit). Anything else is inseparable.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ..document import Block, CellText
from ..layout import BlockSpec, RowSpec, TableSpec, serial_headers
from .labels import _CONFUSION, _DROP, LabelMatch, LabelMatcher, cosmetic, simplified

_LABEL_PUNCTUATION = " \t\u3000（）()“”\"'‘’《》【】[]〔〕、，,：:；;。"
_OPENING = "（(【[“\"‘'《〔"
_NUMERIC_SPAN = re.compile(r"^[\d\s.,+\-—/]*$")
_TRAILING_ORDINAL = re.compile(r"(?<![\d.])\d{1,2}\s*[.．、]\s*$|(?<=\d)\d\s*[.．、]\s*$")
_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?|—|/")


@dataclass(slots=True)
class FlatRow:
    block: BlockSpec | None
    row: RowSpec | None  # None: 表四's single row (after its header), or numbers no label accounts for
    label: str  # as printed
    values: list[CellText] | None  # None when the run cannot be split
    raw: str
    line: int | None
    column: int
    unmapped: bool = False  # numbers after text that no label accounts for
    match: LabelMatch | None = None  # a label found by similarity, not by its exact form
    # the digits are not the layout's cells one after another: the table prints a serial-number
    # column (序号), whose numbers run into them, or a column group as one column (法人或其他组织)
    unsplittable: bool = False


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    return _DROP.sub("", folded).translate(_CONFUSION)


@lru_cache(maxsize=8)  # count_labels() and scan() fold the same line one after the other
def _fold_with_map(text: str) -> tuple[str, list[int]]:
    converted = simplified(text)
    if len(converted) == len(text):  # keep positions valid: only a same-length conversion is used
        text = converted
    folds = [_fold_char(ch) for ch in text]
    joined = "".join(folds)
    if len(joined) == len(text) and all(len(f) == 1 for f in folds):
        return joined, list(range(len(text)))
    return joined, [index for index, out in enumerate(folds) for _ in out]


def _folded(label: str) -> str:
    """A label folded as :func:`_fold_with_map` folds the text it is looked for in."""
    return cosmetic(label).translate(_CONFUSION)


@lru_cache(maxsize=16)
def _label_pattern(table: TableSpec) -> tuple[re.Pattern[str], dict[str, tuple[BlockSpec | None, RowSpec | None, str]]]:
    labels: dict[str, tuple[BlockSpec | None, RowSpec | None, str]] = {}

    def add(text: str | None, block: BlockSpec | None, row: RowSpec | None) -> None:
        if text:
            key = _folded(text)
            if key and key not in labels:
                labels[key] = (block, row, text)

    for block in table.blocks:
        for row in block.rows:
            for form in (row.label, *row.variants):
                add(form, block, row)
    for block in table.blocks:
        add(block.header, block, None)
        add(block.label_column, block, None)
        for column in block.columns:
            add(column.label, block, None)
            add(column.group, block, None)
    for label in (*table.header_labels, table.corner_note):
        add(label, None, None)
    for label in table.outcome_labels:  # 表四: the outcome labels also appear on their own
        add(label, None, None)
    ordered = sorted(labels, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in ordered)), labels


def count_labels(text: str, table: TableSpec) -> int:
    """How many distinct labels of ``table`` (rows, headers) occur in ``text``."""
    pattern, _ = _label_pattern(table)
    folded, _ = _fold_with_map(text)
    return len({m.group(0) for m in pattern.finditer(folded)})


_DIGIT = re.compile(r"\d")
_COUNTED = re.compile(r"\d(?:\s*(?:件|条|个|次|项|人|篇|期|场|家|份|万元|元|%|％|余|多))")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def narrative(text: str) -> bool:
    """A sentence that quotes counts (制发规章1件、行政规范性文件3件), not table cells run together:
    most of its numbers carry a unit."""
    numbers = len(_NUMBERS.findall(text))
    return numbers > 0 and 2 * len(_COUNTED.findall(text)) >= numbers


def _header_at(text: str, folded: str, positions: list[int], words: tuple[str, ...]) -> int | None:
    """Where a table's header begins in the folded text: the first occurrence of its first word
    from which all its words come before the next digit of the text ("…行政复议1件…" quotes a
    count; the table's header runs on into its cells). The first occurrence when there is none such."""
    first = at = folded.find(words[0])
    while at >= 0 and len(words) > 1:
        digit = _DIGIT.search(text, positions[at])
        header = folded[at : bisect_left(positions, digit.start()) if digit else len(folded)]
        if all(word in header for word in words):
            return at
        at = folded.find(words[0], at + 1)
    return first if first >= 0 else None


def first_label(text: str, table: TableSpec) -> int | None:
    """Where ``table`` begins in ``text``: its first header (a block header, the first word of a
    marker), else its first label at least four characters long."""
    folded, positions = _fold_with_map(text)
    headers = [(_folded(b.header),) for b in table.blocks if b.header]
    headers += [tuple(_folded(w) for w in m.words) for m in table.markers]
    found = [at for words in headers if words[0] and (at := _header_at(text, folded, positions, words)) is not None]
    if found:
        return positions[min(found)]
    pattern, _ = _label_pattern(table)
    for match in pattern.finditer(folded):
        if len(match.group(0)) >= 4:
            return positions[match.start()]
    return None


def split_run(run: str, start: int, width: int, block: Block) -> list[CellText] | None:
    """Cells of a value run starting at ``start`` in the block's text, when the split is unambiguous."""
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(run)]
    if len(tokens) != width:
        tokens = [(ch, i) for i, ch in enumerate(run) if ch.isdigit()]
        if "." in run or "," in run or len(tokens) != width:
            return None
    at = block.column + start
    return [CellText(t, block.line, block.page, 1, False, at + i) for t, i in tokens]  # positional: one per digit


@lru_cache(maxsize=16)
def _row_matcher(table: TableSpec) -> LabelMatcher:
    return LabelMatcher((r.label, (b, r), r.variants) for b in table.blocks for r in b.rows if r.label)


def _residue(numeric: str, rest: str, table: TableSpec):
    """Text and numbers after a row's values that no exact label accounts for: rows whose labels are
    printed in another wording (不再受理其, 部分公开 without its note), matched by similarity. A
    label's ordinal may have run into the numbers before it ("00000005.属于…"): trailing digits of
    those numbers are taken as the ordinal when the official label has that ordinal.

    Returns (the numbers before the first such label, [(match, label as printed, its values, the
    values' offset in ``numeric + rest``)]) or None when a piece of text matches no row."""
    pieces = re.split(r"(\d[\d\s.,+\-—/]*)", rest)  # text, numbers, text, numbers …
    texts, numbers = pieces[0::2], pieces[1::2]
    if not texts[0].strip() or len(numbers) < len(texts) - (0 if texts[-1].strip() else 1):
        return None
    before = numeric
    found = []
    offset = len(numeric)
    for index, text in enumerate(texts):
        if not text.strip():
            offset += len(text) + (len(numbers[index]) if index < len(numbers) else 0)
            continue
        if index >= len(numbers):
            return None  # text with no numbers after it
        values = numbers[index]
        hit = None
        for size in (1, 2):  # the ordinal, as many digits as the official label's own
            ordinal = re.search(rf"(\d{{{size}}})\s*([.．、]?)\s*$", before)
            if ordinal is None or not (ordinal.group(2) or text[:1] in ".．、"):
                break
            candidate = (before[ordinal.start() :] + text).strip()
            hit = _row_matcher(table).match(candidate, prefix=True)
            if hit is not None and re.match(rf"^{ordinal.group(1)}\s*[.．、]", unicodedata.normalize("NFKC", hit.official)):
                before, label = before[: ordinal.start()], candidate
                break
            hit = None
        if hit is None:
            label = text.strip()
            hit = _row_matcher(table).match(label, prefix=True)
            if hit is None:
                return None
        if found:  # the previous row's values end where this row's ordinal begins
            match, printed, previous, at = found[-1]
            found[-1] = (match, printed, before.strip(), at)
        else:
            numeric = before
        offset += len(text)
        lead = len(values) - len(values.lstrip())
        found.append((hit, label, values.strip(), offset + lead))
        offset += len(values)
        before = values
    if found:
        match, printed, last, at = found[-1]
        found[-1] = (match, printed, before.strip(), at)
    return numeric, found


@lru_cache(maxsize=16)
def _header_words(table: TableSpec) -> re.Pattern[str]:
    words = [_folded(w) for w in (*table.header_words, table.corner_note or "") if _folded(w)]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _group_as_one_column(table: TableSpec, header: str) -> bool:
    """Whether a table's header, folded, prints a column group as one column: the group's label
    and none of its columns' (法人或其他组织 without 商业企业 …), and nothing but the table's own
    header words (a converter's placeholders, 数据1…, stand for the columns: no merged group)."""
    columns = [c for b in table.blocks for c in b.columns if c.group and c.outcome is None]
    for group in {c.group for c in columns}:
        distinct = [_folded(c.label) for c in columns if c.group == group and len(c.label) >= 4]  # not 其他: rows say it too
        if distinct and _folded(group) in header and not any(label in header for label in distinct):
            rest = _header_words(table).sub("", header)
            return len(rest) <= 2 or rest in _folded(table.corner_note or "")  # the table may begin inside its corner note
    return False


def scan(block: Block, table: TableSpec) -> list[FlatRow]:
    """The rows of ``table`` found in one run-together line, with their value runs split or not."""
    pattern, labels = _label_pattern(table)
    text = block.text
    folded, positions = _fold_with_map(text)
    found = [(m.start(), m.end(), labels[m.group(0)]) for m in pattern.finditer(folded)]
    # a header word inside a longer wording ("其他" in "其他法律和行政法规禁止公开") is no boundary:
    # a header word that counts is followed by digits or by the next label
    starts = {start for start, _, _ in found}
    found = [f for f in found if f[2][1] is not None or f[1] >= len(folded) or text[positions[f[1]]].isdigit() or f[1] in starts]
    rows: list[FlatRow] = []
    first_row = min((start for start, _, (_, row, _) in found if row is not None), default=len(folded))
    unsplittable = any(_folded(word) in folded for word in serial_headers()) or _group_as_one_column(table, folded[:first_row])
    for index, (start, end, (spec_block, row, _)) in enumerate(found):
        begin = positions[end - 1] + 1
        stop = positions[found[index + 1][0]] if index + 1 < len(found) else len(text)
        run = text[begin:stop]
        # brackets and quotes of the labels themselves fold away: they belong to no value run
        stripped = run.lstrip(_LABEL_PUNCTUATION)
        begin += len(run) - len(stripped)
        run = stripped.rstrip(_LABEL_PUNCTUATION)
        if not any(map(str.isdigit, run)):
            continue
        if not _NUMERIC_SPAN.match(run):
            numeric = re.match(r"^[\d\s.,+\-—/]*", run).group(0)
            rest = run[len(numeric):]
            if any(map(str.isdigit, rest)):  # numbers after text no exact label accounts for
                residue = _residue(numeric, rest, table)
                if residue is None:
                    offset = begin + len(numeric)
                    rows.append(FlatRow(None, None, "", None, rest.strip(), block.line, block.column + offset, unmapped=True))
                else:  # rows printed in another wording (不再受理其, 部分公开 without its note)
                    numeric, found_rows = residue
                    for hit, label_text, values, at in found_rows:
                        spec_block_r, row_r = hit.target
                        if row_r.data and values:
                            rows.append(FlatRow(spec_block_r, row_r, label_text, None, values, block.line, block.column + begin + at, match=hit))
            run = numeric
            if not run.strip():
                continue
        # the next row's ordinal run into these digits ("00000002." before a label the scan did not find)
        ordinal = _TRAILING_ORDINAL.search(run)
        if ordinal and ordinal.start() > 0:
            run = run[: ordinal.start()]
        first = positions[start]
        while first > 0 and text[first - 1] in _OPENING:
            first -= 1
        label = text[first : positions[end - 1] + 1]
        if row is not None and not row.data:
            continue  # a subtotal on a label-only row: not a cell of the layout
        width = len(spec_block.columns) if row is not None and spec_block else len(table.blocks[0].columns)
        if row is None and table.key != "t4":
            continue
        lead = len(run) - len(run.lstrip())
        values = None if unsplittable else split_run(run.strip(), begin + lead, width, block)
        rows.append(FlatRow(spec_block, row, label, values, run.strip(), block.line, block.column + begin + lead, unsplittable=unsplittable))
    return rows
