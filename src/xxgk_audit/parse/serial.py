"""A serial-number column (序号 1, 2, 3 …) that some agencies add at the left of a table.

The official tables begin with their row labels; a column of counters before them would be read as
the first value of every row. The column is set aside, before anything else reads the blocks, when
both hold: a header row of the table reads one of ``layouts/tables.yaml``'s ``serial_headers`` in
its first cell, and every other row holds nothing there or the next number of a count from 1 (a
count may start again at 1 where a new table follows without a break). The rest of such a table on
the next page, without the header, loses its first column when its numbers go on with the count
(or, when the part before it could not be read as the table, when they count on by themselves
from a number above 1 for three rows or more).
Anything else is left as printed. The cells keep their place in the source (line, column), so each
value is still traced to where it was printed.
"""

from __future__ import annotations

import re
from functools import cache

from ..document import Block, table_runs
from ..layout import serial_headers
from .labels import cosmetic

_COUNTER = re.compile(r"\d{1,3}")
_MIN_COUNT = 3  # rows counting on that make a headerless part's first column a serial column


def drop_serial_columns(blocks: list[Block]) -> list[Block]:
    """The blocks with the serial-number column of each table taken out (see the module)."""
    if not any(block.kind == "row" for block in blocks):
        return blocks
    result: list[Block] = []
    after = 0  # the count a table cut by a page break goes on with (0: no serial column before)
    for rows, block in table_runs(blocks):
        if rows:
            rows, after = _without_serial(rows, after)
            result += rows
        else:
            result.append(block)
    return result


def _first(block: Block) -> str:
    return block.cells[0].text.strip() if block.cells else ""


def _without_serial(rows: list[Block], after: int) -> tuple[list[Block], int]:
    """The rows without their serial column, and the count the next part of the table goes on
    with. A part without the header word (the rest of a table on the next page) loses its first
    column only when its numbers go on with the count of the part before."""
    if not rows:
        return rows, after
    headed = any(len(row.cells) > 1 and _is_header(_first(row)) for row in rows)
    if not headed and not after:
        after = _count_going_on(rows)
        if not after:
            return rows, 0
    expected, started = (1, False) if headed else (after, False)
    for row in rows:
        first = _first(row)
        if not first or _is_header(first):
            continue
        if not _COUNTER.fullmatch(first):
            return rows, 0
        number = int(first)
        if number != expected and not (headed and number == 1):
            return rows, 0
        expected, started = number + 1, True
    if not headed and not started:
        return rows, 0
    return [_drop_first(row) for row in rows], expected


def _count_going_on(rows: list[Block]) -> int:
    """The first number of a part of a table whose first column counts on from a number above 1,
    one row after another (at least :data:`_MIN_COUNT` rows): the rest of a serial column whose
    earlier part a page break left unreadable. 0 otherwise."""
    if not _COUNTER.fullmatch(_first(rows[0])):
        return 0  # the common case: a label or a header first
    firsts = [first for first in map(_first, rows) if first]
    if len(firsts) < _MIN_COUNT or not all(_COUNTER.fullmatch(first) for first in firsts):
        return 0
    start = int(firsts[0])
    return start if start > 1 and [int(first) for first in firsts] == list(range(start, start + len(firsts))) else 0


def _drop_first(row: Block) -> Block:
    cells = row.cells[1:]
    return row.with_cells(cells)


def _is_header(text: str) -> bool:
    """The header word, once or repeated: a header cell spanning rows that a page break cuts is
    printed again on the next page, and the PDF reader joins the two (序号序号)."""
    if not text or cosmetic(text.lstrip()[:1]) not in _first_characters():
        return False  # a label or a number: the common case
    folded = cosmetic(text)
    return any(folded == word * (len(folded) // len(word)) for word in _headers() if folded and len(folded) % len(word) == 0)


@cache
def _first_characters() -> frozenset[str]:
    return frozenset(word[0] for word in _headers())


@cache
def _headers() -> frozenset[str]:
    return frozenset(cosmetic(word) for word in serial_headers())
