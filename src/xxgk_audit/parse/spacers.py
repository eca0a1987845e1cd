"""Spacer columns: a column of a web, Word or PDF table that is empty in every row, header rows
included (a blank first column some editors add, a sliver between two ruling lines).

Such a column holds nothing to read, but its empty cells would be taken for blank values: every
value of a row would shift by one. It is set aside when the table's position of each cell is known
(the grid column of HTML, DOCX and PDF tables) and the table prints a header row, so that the rest of
a table on the next page, whose columns a blank value may leave empty all the way down, keeps every
column. The cells keep their place in the source, so each value is still traced to where it was
printed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..document import Block, CellText

_DIGIT = re.compile(r"\d")


def drop_spacer_columns(blocks: list[Block]) -> list[Block]:
    """The blocks with each table's spacer columns taken out (see the module)."""
    if not any(block.kind == "row" for block in blocks):
        return blocks
    result: list[Block] = []
    run: list[Block] = []
    for block in blocks:
        if block.kind == "row" and (not run or block.table == run[-1].table):
            run.append(block)
            continue
        result += _without_spacers(run)
        run = [block] if block.kind == "row" else []
        if block.kind != "row":
            result.append(block)
    return result + _without_spacers(run)


def _without_spacers(rows: list[Block]) -> list[Block]:
    cells = [cell for row in rows for cell in row.cells]
    if not cells or any(cell.col_no is None for cell in cells) or not any(_is_header(row) for row in rows):
        return rows
    covered = {column for cell in cells if cell.text.strip() for column in _span(cell)}
    width = max(cell.col_no + max(cell.colspan, 1) - 1 for cell in cells)
    empty = set(range(1, width + 1)) - covered
    if not empty:
        return rows
    out = []
    for row in rows:
        kept = tuple(cell for cell in row.cells if cell.text.strip() or not set(_span(cell)) <= empty)
        out.append(row if len(kept) == len(row.cells) else replace(row, cells=kept, text=" | ".join(cell.text for cell in kept)))
    return out


def _span(cell: CellText) -> range:
    return range(cell.col_no, cell.col_no + max(cell.colspan, 1))


def _is_header(row: Block) -> bool:
    """A row of two labels or more and no number: the table's own header."""
    texts = [cell.text for cell in row.cells if cell.text.strip()]
    return len(texts) >= 2 and not any(_DIGIT.search(text) for text in texts)
