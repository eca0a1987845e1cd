"""Ruled tables of a PDF page: from the visible rule edges to a grid of cells with their text.

Tables are found on the *visible* rules only (see :mod:`.pdf_content`). A table cut by a page break
often has no rule along the break; such open ends are closed so that the first and last rows are
not lost. Cells come from pdfplumber's table finder with explicit rules (snap and join within 3 pt,
intersections within 3 pt, the smallest rectangle at each corner, tables as groups of cells sharing
corners), reproduced here with sorted indexes instead of its all-pairs scans. Merged cells are
expanded as in the HTML loader: a cell spanning several columns appears once with ``colspan``, a
cell spanning several rows is repeated in the rows below it with ``inherited=True``.

A table continued on the next page keeps its index; the spanning labels of its last row are carried
into the empty label cells at the top of the next page, and a row split by the page break is joined
again (the helpers at the end of this module; the page loop is in :mod:`.pdf`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import groupby

from ..document import CellText, OcrBox
from .pdf_content import Char, Edge
from .pdf_text import cell_text

_TOL = 3.0  # points: how far apart two rules may be and still meet
_SNAP = _JOIN = _INTERSECT = 3.0  # pdfplumber's table settings
_MIN_EDGE = 3.0
_EPSILON = 1e-6  # index windows are this much wider than the tolerance; the exact test decides
_ALIGN = 15.0  # points: how far a continued table's left/right edges may move between pages
_SAME_EDGE = 2.0  # points: one column boundary, drawn on two pages
_MAX_RULES = 1500  # more rules than this on a page: a drawing, no open tables are closed

_ORDINAL = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．])")
_VALUE = re.compile(r"^[+\-]?[\d,，.]+\s*(?:万元|元|件|项|个|条|次)?$|^[—\-–－/／\\]+$|^[无無]$")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014]")


def is_value(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip()
    return bool(folded) and bool(_VALUE.match(folded))


def is_label(text: str) -> bool:
    return bool(text.strip()) and not is_value(text)


_DIGITS = re.compile(r"[\d,.]+")


def join_lines(text: str) -> str:
    """One cell's lines as one string: no space where either side is CJK (wrapped or vertical text)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        glue = "" if _WIDE.match(out[-1]) or _WIDE.match(line[0]) else " "
        out += glue + line
    return out


def _fills_line(own: list, right: float) -> bool:
    """Whether the last line of a cell's characters reaches its right edge: no room for one more."""
    bottom = max(c.top for c in own)
    last = [c for c in own if abs(c.top - bottom) < 1.0 and c.text.strip()]
    if not last:
        return False
    width = max(c.x1 - c.x0 for c in last)
    return right - max(c.x1 for c in last) <= 1.5 * width + 2.0


def _wrapped_number(own: list, printed: str, right: float) -> str | None:
    """A number printed over lines of a narrow cell ("11" over "8", the first line reaching the
    cell's right edge): the one number (118); None for numbers that merely share a cell."""
    lines = [line.strip() for line in printed.strip().split("\n")]
    if len(lines) < 2 or not all(_DIGITS.fullmatch(line) for line in lines):
        return None
    top = min(c.top for c in own)
    first = [c for c in own if abs(c.top - top) < 1.0 and c.text.strip()]
    width = max(c.x1 - c.x0 for c in first)
    if right - max(c.x1 for c in first) > 1.5 * width + 2.0:
        return None  # room was left on the first line: not wrapped
    return "".join(lines)


# -- closing tables open at a page break ---------------------------------------------------------
class _Index:
    """Edges sorted by one coordinate, for the ones within a tolerance of a value."""

    def __init__(self, edges: list[Edge], key: str):
        self.edges = sorted(edges, key=lambda e: getattr(e, key))
        self.keys = [getattr(e, key) for e in self.edges]

    def near(self, value: float, tolerance: float) -> list[Edge]:
        return self.edges[bisect_left(self.keys, value - tolerance - _EPSILON) : bisect_right(self.keys, value + tolerance + _EPSILON)]


def _meets(x: float, y: float, by_top: _Index) -> bool:
    """Whether a horizontal rule passes through (x, y). The short sides of a border drawn as a thin
    rectangle (Chromium draws each cell border so: 0.75 pt wide) are no rule."""
    return any(
        abs(h.top - y) <= _TOL and h.x0 - _TOL <= x <= h.x1 + _TOL and h.x1 - h.x0 > 2 * _TOL for h in by_top.near(y, _TOL)
    )


def _continued(v: Edge, side: str, by_x: _Index) -> bool:
    """Whether another vertical segment carries on from this end of ``v`` (rules drawn cell by cell).
    The short side of a neighbouring border drawn as a thin rectangle carries nothing on."""
    other = "bottom" if side == "top" else "top"
    end = getattr(v, side)
    return any(
        w is not v and abs(w.x0 - v.x0) <= _TOL and abs(getattr(w, other) - end) <= _TOL and w.bottom - w.top > 2 * _TOL
        for w in by_x.near(v.x0, _TOL)
    )


def _crosses(h: Edge, verticals: list[Edge]) -> bool:
    hits = 0
    for v in verticals:
        if v.top - _TOL <= h.top <= v.bottom + _TOL and h.x0 - _TOL <= v.x0 <= h.x1 + _TOL:
            hits += 1
            if hits >= 2:
                return True
    return False


def closing_edges(vertical: list[Edge], horizontal: list[Edge]) -> list[Edge]:
    """Horizontal rules where a table runs open off a page (no rule drawn along the page break).

    Vertical rules whose ends lie on one height form a group; when one of them ends in the open,
    a rule is added across the whole group, provided horizontal rules cross the group elsewhere
    (a ruled table, not a few vertical strokes).
    """
    if len(vertical) > _MAX_RULES or len(horizontal) > _MAX_RULES:
        return []  # a drawing, not a table
    by_x = _Index(vertical, "x0")
    by_top = _Index(horizontal, "top")
    ends: dict[str, list[tuple[float, Edge, bool]]] = {"top": [], "bottom": []}
    for v in vertical:
        if v.bottom - v.top < 2 * _TOL:
            continue
        for side in ("top", "bottom"):
            if not _continued(v, side, by_x):
                y = getattr(v, side)
                ends[side].append((y, v, not _meets(v.x0, y, by_top)))
    closing = []
    for side, found in ends.items():
        found.sort(key=lambda item: item[0])
        groups: list[list[tuple[float, Edge, bool]]] = []
        for item in found:
            if groups and item[0] - groups[-1][-1][0] <= _TOL:
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            edges = [v for _, v, _ in group]
            if len(edges) < 2 or not any(is_open for *_, is_open in group) or not any(_crosses(h, edges) for h in horizontal):
                continue
            y = max(item[0] for item in group) if side == "bottom" else min(item[0] for item in group)
            x0, x1 = min(v.x0 for v in edges), max(v.x0 for v in edges)
            closing.append(Edge(x0, x1, y, y, x1 - x0, 0, "h"))
    return closing


# -- pdfplumber's table finder, explicit strategy -------------------------------------------------
def _cluster_ids(values: list[float], tolerance: float) -> dict[float, int]:
    ids: dict[float, int] = {}
    last = None
    cluster = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids


def _snap(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Move edges within the snap tolerance of each other to their mean position."""
    key = "x0" if vertical else "top"
    values = [getattr(e, key) for e in edges]
    ids = _cluster_ids(values, _SNAP)
    tagged = sorted(((ids[value], edge) for value, edge in zip(values, edges)), key=lambda pair: pair[0])
    out = []
    for _, run in groupby(tagged, key=lambda pair: pair[0]):
        cluster = [edge for _, edge in run]
        mean = sum(getattr(e, key) for e in cluster) / len(cluster)
        for e in cluster:
            shift = mean - getattr(e, key)
            if vertical:
                out.append(Edge(e.x0 + shift, e.x1 + shift, e.top, e.bottom, e.width, e.height, e.orientation))
            else:
                out.append(Edge(e.x0, e.x1, e.top + shift, e.bottom + shift, e.width, e.height, e.orientation))
    return out


def _join(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Join edges along one line that overlap or lie within the join tolerance."""
    low, high = ("top", "bottom") if vertical else ("x0", "x1")
    ordered = sorted(edges, key=lambda e: getattr(e, low))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if getattr(e, low) <= getattr(last, high) + _JOIN:
            if getattr(e, high) > getattr(last, high):
                if vertical:
                    joined[-1] = Edge(last.x0, last.x1, last.top, e.bottom, last.width, last.height + (e.bottom - last.bottom), last.orientation)
                else:
                    joined[-1] = Edge(last.x0, e.x1, last.top, last.bottom, e.x1 - last.x0, last.height, last.orientation)
        else:
            joined.append(e)
    return joined


def _merged_edges(vertical: list[Edge], horizontal: list[Edge]) -> list[Edge]:
    v = [e for e in vertical if e.orientation == "v"]
    h = [e for e in horizontal if e.orientation == "h"]
    snapped = _snap(v, True) + _snap(h, False)
    snapped.sort(key=lambda e: ("h", e.top) if e.orientation == "h" else ("v", e.x0))
    out: list[Edge] = []
    for (orientation, _), group in groupby(snapped, key=lambda e: ("h", e.top) if e.orientation == "h" else ("v", e.x0)):
        out.extend(_join(list(group), orientation == "v"))
    return [e for e in out if (e.height if e.orientation == "v" else e.width) >= _MIN_EDGE]


def _intersections(edges: list[Edge]) -> dict[tuple[float, float], tuple[set, set]]:
    """Corner points where a vertical and a horizontal edge meet, with the edges through each."""
    vertical = [e for e in edges if e.orientation == "v"]
    horizontal = sorted((e for e in edges if e.orientation == "h"), key=lambda e: e.top)
    tops = [h.top for h in horizontal]
    points: dict[tuple[float, float], tuple[set, set]] = {}
    for v in vertical:
        for h in horizontal[bisect_left(tops, v.top - _INTERSECT - _EPSILON) : bisect_right(tops, v.bottom + _INTERSECT + _EPSILON)]:
            if v.top <= h.top + _INTERSECT and v.bottom >= h.top - _INTERSECT and h.x0 - _INTERSECT <= v.x0 <= h.x1 + _INTERSECT:
                through = points.setdefault((v.x0, h.top), (set(), set()))
                through[0].add(v.bbox)
                through[1].add(h.bbox)
    return points


def _cells(points: dict[tuple[float, float], tuple[set, set]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: from each corner, the first (downwards, then
    rightwards) rectangle whose four sides are drawn."""
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in sorted(points):
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    column_at = {p: i for column in columns.values() for i, p in enumerate(column)}
    row_at = {p: i for row in rows.values() for i, p in enumerate(row)}

    def vertical_link(p1, p2) -> bool:
        return not points[p1][0].isdisjoint(points[p2][0])

    def horizontal_link(p1, p2) -> bool:
        return not points[p1][1].isdisjoint(points[p2][1])

    cells = []
    for point in sorted(points):
        below = columns[point[0]][column_at[point] + 1 :]
        right = rows[point[1]][row_at[point] + 1 :]
        found = None
        for below_point in below:
            if not vertical_link(point, below_point):
                continue
            for right_point in right:
                if not horizontal_link(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in points and vertical_link(corner, right_point) and horizontal_link(corner, below_point):
                    found = (point[0], point[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells sharing a corner, transitively, form a table; tables top to bottom, then left to right;
    a single cell is no table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in owner:
                a, b = root(owner[corner]), root(i)
                if a != b:
                    parent[b] = a
            else:
                owner[corner] = i
    groups: dict[int, list] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def find_tables(vertical: list[Edge], horizontal: list[Edge]) -> list[list[tuple[float, float, float, float]]]:
    """The cells of each table drawn by these rule edges (``page.find_tables`` with explicit rules)."""
    return _tables(_cells(_intersections(_merged_edges(vertical, horizontal))))


# -- the grid of a table -------------------------------------------------------------------------
@dataclass(slots=True)
class Slot:
    """A cell as drawn: its text and the grid positions it covers."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    page: int
    inherited: bool = False  # its text continues a cell of the previous page
    ocr: OcrBox | None = None  # its text was recognized on a scanned page (see :mod:`.ocr_page`)
    bbox: tuple[float, float, float, float] | None = None  # the drawn cell (x0, top, x1, bottom), on ``page``
    full: bool = False  # digits whose last line reaches the cell's right edge: a number may go on below


@dataclass
class Grid:
    page: int
    bbox: tuple[float, float, float, float]
    tops: list[float]
    ncols: int
    cover: list[list[Slot | None]]  # [row][column] -> the cell covering that position
    index: int = -1  # the document's table number, shared by the parts of a table over pages
    wrapped: list[str] = field(default_factory=list)  # numbers printed over two lines of a narrow cell, joined
    xs: list[float] = field(default_factory=list)  # the columns' left edges

    def origin(self, row: int, col: int) -> Slot | None:
        slot = self.cover[row][col]
        return slot if slot is not None and slot.row == row and slot.col == col else None

    def row_cells(self, row: int, table_no: int | None = None) -> list[CellText]:
        """The cells of a row; ``table_no``: the table's number on its page (for locations)."""
        cells: list[CellText] = []
        col = 0
        where = {"table_no": table_no, "row_no": row + 1} if table_no is not None else {}
        while col < self.ncols:
            slot = self.cover[row][col]
            if slot is None:
                cells.append(CellText("", page=self.page, col_no=col + 1 if where else None, **where))
                col += 1
                continue
            if slot.col != col:
                col += 1
                continue
            cells.append(CellText(slot.text, page=slot.page, colspan=slot.colspan, inherited=slot.inherited or slot.row != row, col_no=col + 1 if where else None, ocr=slot.ocr, bbox=slot.bbox, **where))
            col += slot.colspan
        return cells

    def has_own_text(self, row: int) -> bool:
        return any(s is not None and s.row == row and not s.inherited and s.text for s in self.cover[row])

    def row_signature(self, row: int) -> tuple[str, ...]:
        """The texts of a row's cells, left to right, whitespace removed (a repeated header row
        reads the same on every page, whatever columns the page's grid has)."""
        texts: list[str] = []
        last = None
        for slot in self.cover[row]:
            if slot is last:
                continue
            last = slot
            texts.append("".join(slot.text.split()) if slot is not None else "")
        return tuple(texts)

    def header_rows(self) -> list[tuple[str, ...]]:
        """The signatures of the rows above the first row that holds a value: the table's header."""
        head = []
        for row in range(len(self.tops)):
            if any(s is not None and is_value(s.text) for s in self.cover[row]):
                break
            head.append(self.row_signature(row))
        return head

    def drop_repeated_header(self, head: list[tuple[str, ...]]) -> int:
        """Remove the rows at the top that repeat the table's header (Word, WPS and browsers print
        it again on every page): the row cut by the page break then meets its other part. Returns
        how many rows were removed (none unless all of the header is repeated and rows follow it)."""
        count = len(head)
        if not head or len(self.tops) <= count or any(self.row_signature(r) != head[r] for r in range(count)):
            return 0
        slots = {id(slot): slot for row in self.cover[count:] for slot in row if slot is not None}
        for slot in slots.values():
            if slot.row < count:  # a cell reaching down from the header: it starts at the new top
                slot.rowspan -= count - slot.row
                slot.row = 0
            else:
                slot.row -= count
        del self.tops[:count]
        del self.cover[:count]
        return count

    def is_layout(self) -> bool:
        """A frame around text rather than a table: one column, or every row a single cell."""
        if self.ncols < 2:
            return True
        return all(len({id(s) for s in row if s is not None}) <= 1 for row in self.cover)


def _span(bounds: list[float], low: float, high: float) -> tuple[int, int]:
    start = bisect_left(bounds, low - _TOL)
    end = bisect_right(bounds, high - _TOL)
    return start, max(1, end - start)


def grid(cells: list[tuple[float, float, float, float]], chars: list[Char], number: int) -> tuple[Grid, set[int]]:
    """The table's cells on a row/column grid, with their text; and the ids of the chars used."""
    cells = sorted(cells, key=lambda c: (c[1], c[0]))
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    xs = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    cover: list[list[Slot | None]] = [[None] * len(xs) for _ in tops]
    x0, top, x1, bottom = bbox
    inside = sorted(
        (((c.top + c.bottom) / 2, (c.x0 + c.x1) / 2, c) for c in chars if top <= (c.top + c.bottom) / 2 <= bottom and x0 <= (c.x0 + c.x1) / 2 <= x1),
        key=lambda item: item[0],
    )
    ys = [item[0] for item in inside]
    bands: dict[tuple[float, float], tuple[list, list]] = {}  # the chars of a row band, by x
    used: set[int] = set()
    wrapped: list[str] = []
    for cx0, ctop, cx1, cbottom in cells:
        row, rowspan = _span(tops, ctop, cbottom)
        col, colspan = _span(xs, cx0, cx1)
        if row >= len(tops) or col >= len(xs):
            continue
        band = bands.get((ctop, cbottom))
        if band is None:
            start = bisect_left(ys, ctop)
            chosen = [(x, start + i, c) for i, (y, x, c) in enumerate(inside[start : bisect_right(ys, cbottom)]) if ctop <= y < cbottom]
            chosen.sort(key=lambda item: item[0])
            band = bands[(ctop, cbottom)] = (chosen, [item[0] for item in chosen])
        chosen, band_xs = band
        picked = chosen[bisect_left(band_xs, cx0) : bisect_left(band_xs, cx1)]
        picked.sort(key=lambda item: item[1])  # back in the order of ``inside``
        own = [c for _, _, c in picked]
        used.update(id(c) for c in own)
        printed = cell_text(own) if own else ""
        text = join_lines(printed) if own else ""
        joined = _wrapped_number(own, printed, cx1) if "\n" in printed.strip() else None
        if joined is not None:
            text = joined
            wrapped.append(joined)
        slot = Slot(text, row, col, min(rowspan, len(tops) - row), min(colspan, len(xs) - col), number, bbox=(round(cx0, 1), round(ctop, 1), round(cx1, 1), round(cbottom, 1)))
        if own and (evidence := getattr(own[0], "cell_evidence", None)) is not None:
            slot.ocr = evidence(own, text)  # characters recognized on a scanned page
        slot.full = bool(own) and _DIGITS.fullmatch(text) is not None and _fills_line(own, cx1)
        for r in range(row, row + slot.rowspan):
            for c in range(col, col + slot.colspan):
                if cover[r][c] is None:
                    cover[r][c] = slot
    return Grid(number, bbox, tops, len(xs), cover, wrapped=wrapped, xs=list(xs)), used


# -- continuing a table over a page break -------------------------------------------------------
def _label_columns(grid: Grid, row: int) -> int:
    """Columns left of the first value cell of a row."""
    for col in range(grid.ncols):
        slot = grid.cover[row][col]
        if slot is not None and slot.col == col and is_value(slot.text):
            return col
    return grid.ncols


def _label_right_of(grid: Grid, row: int, col: int, end: int) -> bool:
    return any((s := grid.cover[row][c]) is not None and s.col == c and c > col and is_label(s.text) for c in range(col + 1, end))


def align_columns(previous: Grid, grid: Grid) -> None:
    """Give the parts of one table on two pages the same columns.

    A part shows only the column boundaries its own rows draw: the rows of 表三 on one page may
    all divide the label columns, those on the next page not (a page holding only the last rows).
    When the parts have the same outer edges and every boundary of the coarser part is one of the
    finer part's, the coarser part gets the missing boundaries, its cells widened over them; parts
    that differ otherwise are different tables and are left alone.
    """
    if previous.ncols == grid.ncols or not previous.xs or not grid.xs:
        return
    if abs(previous.bbox[0] - grid.bbox[0]) > _ALIGN or abs(previous.bbox[2] - grid.bbox[2]) > _ALIGN:
        return
    coarse, fine = (previous, grid) if previous.ncols < grid.ncols else (grid, previous)
    shift = fine.xs[0] - coarse.xs[0]  # a table may sit a little differently on the next page

    def among(x: float, edges: list[float]) -> bool:
        return any(abs(x - edge) <= _SAME_EDGE for edge in edges)

    if not all(among(x + shift, fine.xs) for x in coarse.xs):
        return
    for edge in fine.xs:
        if not among(edge - shift, coarse.xs):
            _insert_column(coarse, edge - shift)


def _insert_column(grid: Grid, x: float) -> None:
    """A column boundary at ``x``: the cells across it cover one more column, those right of it move."""
    col = bisect_right(grid.xs, x) - 1
    slots = {id(slot): slot for row in grid.cover for slot in row if slot is not None}
    for slot in slots.values():
        if slot.col <= col < slot.col + slot.colspan:
            slot.colspan += 1
        elif slot.col > col:
            slot.col += 1
    for row in grid.cover:
        row.insert(col + 1, row[col])
    grid.xs.insert(col + 1, x)
    grid.ncols += 1


def continues(previous: Grid, grid: Grid) -> bool:
    return (
        previous.ncols == grid.ncols
        and abs(previous.bbox[0] - grid.bbox[0]) <= _ALIGN
        and abs(previous.bbox[2] - grid.bbox[2]) <= _ALIGN
    )


def split_row(previous: Grid, grid: Grid) -> bool:
    """Whether the first row of ``grid`` is the rest of the last row of ``previous``.

    Word lets a tall row break across pages: its label goes on under the break, and its values
    stand either before the break or after it. Both parts then have the same cells; where both
    parts hold text, it is label text, and the lower part does not start a new item ("（七）", "3.").
    A value below the break needs an empty cell of the upper part above it.
    """
    last = len(previous.tops) - 1
    values_below = values_above = number_goes_on = label_below = False
    only_label_text_below = True
    for col in range(grid.ncols):
        before, after = previous.origin(last, col), grid.origin(0, col)
        top_text = before.text if before else ""
        bottom_text = after.text if after else ""
        label_below = label_below or is_label(bottom_text)
        if top_text and bottom_text:
            if before.colspan == after.colspan and _goes_on(before, bottom_text):
                number_goes_on = True
                values_above = True
                continue
            if before.colspan != after.colspan or not (is_label(top_text) and is_label(bottom_text)) or _ORDINAL.match(bottom_text):
                return False
        elif bottom_text:
            if before is None and is_value(bottom_text):
                return False  # above it a cell from a higher row (a header's rowspan): no row was cut here
            only_label_text_below = False
            values_below = values_below or is_value(bottom_text)
        values_above = values_above or is_value(top_text)
    if number_goes_on and label_below:
        return False  # a row with a label of its own below: not the digits of a number cut by the break
    if values_below:
        return True
    has_text_below = any(s is not None and s.row == 0 and s.text for s in grid.cover[0])
    return values_above and only_label_text_below and has_text_below


def _goes_on(before: Slot, below: str) -> bool:
    """Digits under the break that continue a number filling its cell's last line above it."""
    return before.full and _DIGITS.fullmatch(below.strip()) is not None


def join_split_row(previous: Grid, grid: Grid) -> list[str]:
    """Put the two parts of a row cut by the page break together, in the lower part's cells.
    Returns the numbers joined from digits on both sides of the break (they are printed on no page
    as one, so the page of their first part gets them for SOURCE-GATE, as wrapped numbers do)."""
    joined: list[str] = []
    last = len(previous.tops) - 1
    for col in range(grid.ncols):
        before, after = previous.cover[last][col], grid.origin(0, col)
        if before is None or before.col != col:
            continue
        if after is None and grid.cover[0][col] is None and before.text:
            after = Slot("", 0, col, 1, 1, grid.page)
            grid.cover[0][col] = after
        if after is None:
            continue
        if not after.text:
            after.text, after.page, after.inherited, after.bbox = before.text, before.page, before.inherited or before.row != last, before.bbox
            after.ocr = before.ocr
        elif before.text and before.row == last and _goes_on(before, after.text):
            after.text, after.page, after.bbox = before.text + after.text.strip(), before.page, before.bbox
            after.ocr = before.ocr or after.ocr
            joined.append(after.text)
        elif before.text and before.row == last:
            after.text, after.page, after.bbox = join_lines(before.text + "\n" + after.text), before.page, before.bbox
            after.ocr = before.ocr or after.ocr
    return joined


def carry_labels(previous: Grid, grid: Grid) -> None:
    """Fill the top row's label cells that continue a spanning label cell of the previous page."""
    last = len(previous.tops) - 1
    end = _label_columns(grid, 0)
    before_end = _label_columns(previous, last)
    for col in range(min(end, before_end)):
        after, before = grid.origin(0, col), previous.cover[last][col]
        if after is None or before is None or before.col != col or not is_label(before.text):
            continue
        if not _label_right_of(grid, 0, col, end):
            continue
        if not after.text:
            after.text, after.page, after.inherited, after.bbox = before.text, before.page, True, before.bbox
            after.ocr = before.ocr
        elif is_label(after.text) and not _ORDINAL.match(after.text) and _label_right_of(previous, last, col, before_end):
            after.text, after.page, after.inherited = join_lines(before.text + "\n" + after.text), before.page, True
