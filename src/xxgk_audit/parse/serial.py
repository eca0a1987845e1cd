"""A serial-number column (序号 1, 2, 3 …) that some agencies add at the left of a table.

The official tables begin with their row labels; a column of counters before them would be read as
the first value of every row. The column is set aside, before anything else reads the blocks, when
both hold: a header row of the table reads one of ``layouts/tables.yaml``'s ``serial_headers`` in
its first cell, and every other row holds nothing there or the next number of a count from 1 (a
count may start again at 1 where a new table follows without a break). Anything else is left as
printed. The cells keep their place in the source (line, column), so each value is still traced to
where it was printed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ..document import Block
from ..layout import serial_headers
from .labels import cosmetic

_COUNTER = re.compile(r"\d{1,3}")


def drop_serial_columns(blocks: list[Block]) -> list[Block]:
    """The blocks with the serial-number column of each table taken out (see the module)."""
    if not any(block.kind == "row" for block in blocks):
        return blocks
    result: list[Block] = []
    run: list[Block] = []
    for block in blocks:
        if block.kind == "row" and (not run or block.table == run[-1].table):
            run.append(block)
            continue
        result += _without_serial(run)
        run = [block] if block.kind == "row" else []
        if block.kind != "row":
            result.append(block)
    result += _without_serial(run)
    return result


def _first(block: Block) -> str:
    return block.cells[0].text.strip() if block.cells else ""


def _without_serial(rows: list[Block]) -> list[Block]:
    if len(rows) < 2 or not any(len(row.cells) > 1 and cosmetic(_first(row)) in _headers() for row in rows):
        return rows
    expected = 1
    for row in rows:
        first = _first(row)
        if not first or cosmetic(first) in _headers():
            continue
        if not _COUNTER.fullmatch(first):
            return rows
        number = int(first)
        if number not in (expected, 1):
            return rows
        expected = number + 1
    return [_drop_first(row) for row in rows]


def _drop_first(row: Block) -> Block:
    cells = row.cells[1:]
    return replace(row, cells=cells, text=" | ".join(cell.text for cell in cells))


@cache
def _headers() -> frozenset[str]:
    return frozenset(cosmetic(word) for word in serial_headers())
