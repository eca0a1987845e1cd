"""Spacer columns: a column at the left or right edge of a web, Word or PDF table that is empty in
every row, header rows included (a blank first or last column some editors add).

Such a column holds nothing to read, but its empty cells would be taken for blank values: every
value of a row would shift by one. It is set aside when the grid column of each cell is known (HTML,
DOCX and PDF tables), the table begins with its header (rows of labels, no number), the header rows
print the column (a PDF table cut by a page break may put its rows on a wider grid than its
header's: the columns beyond the header's are no spacers) and it is the only empty column at its
edge (several are blank values whose labels stand elsewhere, on the page before). A column inside
the table is never set aside, nor any column of the rest of a table on the next page: blank values
may leave one empty all the way down. The cells keep their place in the source, so each value is
still traced to where it was printed.
"""

from __future__ import annotations

import re

from ..document import Block, CellText, table_runs

_DIGIT = re.compile(r"\d")


def drop_spacer_columns(blocks: list[Block]) -> list[Block]:
    """The blocks with each table's spacer columns taken out (see the module)."""
    if not any(block.kind == "row" for block in blocks):
        return blocks
    result: list[Block] = []
    for rows, block in table_runs(blocks):
        result += _without_spacers(rows) if rows else [block]
    return result


def _without_spacers(rows: list[Block]) -> list[Block]:
    edges = [(row.cells[0], row.cells[-1]) for row in rows if row.cells]
    if not edges or any(first.col_no is None or last.col_no is None for first, last in edges):
        return rows
    band = _labels(rows)
    if not (len(band) >= 2 or (len(band) == 1 and band[0] >= 3)):  # the table begins with its header
        return rows
    ends = [last.col_no + max(last.colspan, 1) - 1 for _, last in edges]
    width = max(ends)
    # the common case at the cost of one look per row: a label in the first column, a value in the last
    if any(first.col_no == 1 and first.text.strip() for first, _ in edges) and any(end == width and last.text.strip() for (_, last), end in zip(edges, ends)):
        return rows
    if any(cell.col_no is None for row in rows for cell in row.cells):
        return rows
    covered = {column for row in rows for cell in row.cells if cell.text.strip() for column in _span(cell)}
    if not covered:
        return rows
    left, right = set(range(1, min(covered))), set(range(max(covered) + 1, width + 1))  # the edges only
    # an editor adds one blank column; several empty ones at an edge are blank values of a table
    # whose labels stand elsewhere (its header's words on the page before)
    empty = (left if len(left) == 1 else set()) | (right if len(right) == 1 else set())
    for row in rows[: len(band)]:  # the header prints the column, empty (not a row on another grid)
        empty &= {column for cell in row.cells for column in _span(cell)}
    if not empty:
        return rows
    out = []
    for row in rows:
        kept = tuple(cell for cell in row.cells if cell.text.strip() or not set(_span(cell)) <= empty)
        out.append(row if len(kept) == len(row.cells) else row.with_cells(kept))
    return out


def _span(cell: CellText) -> range:
    return range(cell.col_no, cell.col_no + max(cell.colspan, 1))


def _labels(rows: list[Block]) -> list[int]:
    """The number of labels of each row of the header band the table begins with (rows of labels
    and no number). The table begins with its header when it has two such rows, or one of three
    labels at least (a label cut by a page break makes a row of one or two words)."""
    band = []
    for row in rows:
        texts = [cell.text for cell in row.cells if cell.text.strip()]
        if not texts or any(_DIGIT.search(text) for text in texts):
            break
        band.append(len(texts))
    return band
