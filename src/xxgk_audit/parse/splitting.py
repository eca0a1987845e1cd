"""Split digits that run together (crawler text, copy-paste) into the cells of their row.

A run such as ``640020470`` holds the seven cells of a 表三 row with nothing between them. It is
split only where one split is possible:

1. by the number of cells alone: as many numbers separated by whitespace as cells, or as many
   digits as cells (each cell one digit); whitespace that is printed is always a cell boundary;
2. else among every split into that many numbers (no number with a leading zero), keeping those
   that satisfy the equations of the layout lying within the row (表三: 总计 = 自然人 + 五类法人；
   表四: 总计 = 四种结果);
3. else, for the rows still open, the combinations that satisfy the equations across rows
   (表三 columns: 一 + 二 = （七） + 四; （七） = the result rows), given the rows already known.

A row with one split left is read (its cells say how they were split); a row with none or several
stays unknown and is reported (CELLS-INSEPARABLE), the other rows of the table are kept. No number
is ever guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from math import comb
from typing import Iterable

from ..layout import EquationInstance, Layout
from .values import parse_value

_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?|—|/")
_GROUP = re.compile(r"[+-]?\d+")
_SPLITTABLE = re.compile(r"[\d\s+-]+")  # digits, whitespace and signs: nothing else can be split
_MAX_SPLITS = 20000  # splits of one run examined at most (C(L-1, k-1)); beyond, the run stays open
_MAX_COMBINATIONS = 20000  # combinations of open rows examined across rows

HOW_COUNT = "count"  # the number of cells alone
HOW_ROW = "row"  # with the equations within the row
HOW_TABLE = "table"  # with the equations across rows


class Piece:
    """One number of a split run: its text and its offset in the run. A plain slotted class:
    thousands are made for one run of digits, and a dataclass's frozen init costs several times more."""

    __slots__ = ("text", "offset", "number")

    def __init__(self, text: str, offset: int):
        self.text = text
        self.offset = offset
        try:
            self.number: int | float | None = int(text)
        except ValueError:  # a blank mark or a number with a fraction or separators, printed apart
            self.number = parse_value(text).value

    def __repr__(self) -> str:
        return f"Piece({self.text!r}, {self.offset})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Piece) and (self.text, self.offset) == (other.text, other.offset)

    def __hash__(self) -> int:
        return hash((self.text, self.offset))


def by_count(run: str, width: int) -> list[Piece] | None:
    """The split the number of cells alone allows, or None."""
    tokens = list(_TOKEN.finditer(run))
    if len(tokens) == width:
        return [Piece(m.group(0), m.start()) for m in tokens]
    if "." in run or "," in run or "+" in run:
        return None
    if sum(map(str.isdigit, run)) == width and "".join(run.split()).isdigit():  # digits and whitespace only
        return [Piece(ch, i) for i, ch in enumerate(run) if ch.isdigit()]
    return None


def all_splits(run: str, width: int) -> list[list[Piece]] | None:
    """Every split of a run of digits into ``width`` whole numbers without leading zeros; whitespace
    and a sign (2019 表二 本年增/减: "125-18269") begin a new number. None when the run holds
    anything else or has too many splits."""
    if not run.strip() or not _SPLITTABLE.fullmatch(run):
        return None
    groups = [(m.group(0), m.start()) for m in _GROUP.finditer(run)]
    if any(not g.lstrip("+-") for g, _ in groups):
        return None
    sizes = [len(g.lstrip("+-")) for g, _ in groups]
    length = sum(sizes)
    if len(groups) > width or length < width:
        return [] if length < width else None
    if comb(length - len(groups), width - len(groups)) > _MAX_SPLITS:
        return None
    splitters = [_GroupSplits(text, offset) for text, offset in groups]
    if len(splitters) == 1:
        return [list(option) for option in splitters[0].splits(width)]
    results: list[list[Piece]] = []

    def distribute(index: int, remaining: int, acc: tuple[Piece, ...]) -> None:
        if index == len(groups):
            if remaining == 0:
                results.append(list(acc))
            return
        later = sizes[index + 1 :]
        low = max(1, remaining - sum(later))  # the later groups hold at most one number per digit
        high = min(sizes[index], remaining - len(later))  # and at least one number each
        for parts in range(low, high + 1):
            for split in splitters[index].splits(parts):
                distribute(index + 1, remaining - parts, acc + split)

    distribute(0, width, ())
    return results


class _GroupSplits:
    """The splits of one digit group (its sign kept by the first number) into numbers without
    leading zeros: a 0 is a number of its own, so runs of zeros do not multiply the splits. Each
    suffix is split once (memo), not once per way of splitting what precedes it, and each piece is
    made once: the options share them."""

    __slots__ = ("digits", "offset", "sign", "pieces", "memo")

    def __init__(self, text: str, offset: int):
        self.digits = text.lstrip("+-")
        self.sign = text[: len(text) - len(self.digits)]
        self.offset = offset + len(self.sign)
        self.pieces: dict[tuple[int, int], Piece] = {}
        self.memo: dict[tuple[int, int], list[tuple[Piece, ...]]] = {}

    def _piece(self, a: int, b: int) -> Piece:
        found = self.pieces.get((a, b))
        if found is None:
            if self.sign and a == 0:
                found = Piece(self.sign + self.digits[a:b], self.offset - len(self.sign))
            else:
                found = Piece(self.digits[a:b], self.offset + a)
            self.pieces[(a, b)] = found
        return found

    def splits(self, parts: int, start: int = 0) -> list[tuple[Piece, ...]]:
        found = self.memo.get((start, parts))
        if found is not None:
            return found
        digits, size = self.digits, len(self.digits)
        if parts == 1:
            found = [(self._piece(start, size),)] if digits[start] != "0" or size - start == 1 else []
        else:
            last = start + 1 if digits[start] == "0" else size - parts + 1  # each later number needs a digit
            found = []
            for end in range(start + 1, last + 1):
                tails = self.splits(parts - 1, end)
                if tails:
                    head = (self._piece(start, end),)
                    found += [head + tail for tail in tails]
        self.memo[(start, parts)] = found
        return found


def _value(piece) -> int | float | None:
    """The number of a piece (or of a cell placed whole); None for a blank mark."""
    return piece.number if piece.__class__ is Piece else parse_value(piece.text).value


def _holds(instance: EquationInstance, values: dict[str, int | float | None]) -> bool | None:
    """Whether an equation holds for these values; None when a cell is not known."""
    terms = [values.get(k) for k in instance.cells]
    if any(t is None for t in terms):
        return None
    return sum(values[k] for k in instance.lhs) == sum(values[k] for k in instance.rhs)


@cache
def _instances(layout: Layout, table: str) -> tuple[EquationInstance, ...]:
    prefix = table + "."
    return tuple(i for rule in layout.equations for i in rule.instances if i.cells and all(k.startswith(prefix) for k in i.cells))


@dataclass
class OpenRow:
    """A row whose run has several splits: the cell keys and the splits still possible."""

    keys: tuple[str, ...]
    options: list[list[Piece]]
    how: str = HOW_ROW


def within_row(layout: Layout, table: str, row: OpenRow) -> list[EquationInstance]:
    """Keep the splits that satisfy the equations lying wholly within the row; the equations used."""
    used, sides = _within(layout, table, row.keys)
    if used:
        kept = []
        for option in row.options:
            values = list(map(_value, option))
            if all(_balances(values, lhs, rhs) is not False for lhs, rhs in sides):
                kept.append(option)
        row.options = kept
    return used


@lru_cache(maxsize=256)
def _within(layout: Layout, table: str, keys: tuple[str, ...]) -> tuple[list[EquationInstance], list[tuple[list[int], list[int]]]]:
    """The equations lying wholly within a row of these cells, and their sides by position in the row."""
    cells = set(keys)
    used = [i for i in _instances(layout, table) if set(i.cells) <= cells]
    position = {k: n for n, k in enumerate(keys)}
    return used, [([position[k] for k in i.lhs], [position[k] for k in i.rhs]) for i in used]


def _balances(values: list, lhs: list[int], rhs: list[int]) -> bool | None:
    """``_holds`` over a row's values by position; None when a term is not known."""
    left = [values[n] for n in lhs]
    right = [values[n] for n in rhs]
    if None in left or None in right:
        return None
    return sum(left) == sum(right)


def across_rows(layout: Layout, table: str, known: dict[str, int | float | None], rows: list[OpenRow]) -> list[EquationInstance]:
    """Narrow open rows with the equations across rows, given the values known; the equations used.

    Every combination of the open rows' splits is tried (when there are few enough) against every
    equation whose cells are then all known; a row keeps the splits that appear in a consistent
    combination. Blank cells make an equation unusable here.
    """
    open_rows = [r for r in rows if len(r.options) > 1]
    if not open_rows:
        return []
    count = 1
    for row in open_rows:
        count *= len(row.options)
        if count > _MAX_COMBINATIONS:
            return []
    numbers = {k: v for k, v in known.items() if isinstance(v, (int, float))}
    for row in rows:
        if len(row.options) == 1:
            numbers.update((k, _value(p)) for k, p in zip(row.keys, row.options[0]))
    open_keys = {k for r in open_rows for k in r.keys}
    relevant = [i for i in _instances(layout, table) if not open_keys.isdisjoint(i.cells) and all(k in numbers or k in open_keys for k in i.cells)]
    if not relevant:
        return []
    consistent: list[set[int]] = [set() for _ in open_rows]
    valued = [[list(zip(row.keys, map(_value, option))) for option in row.options] for row in open_rows]
    values = dict(numbers)  # every combination sets every open key: one copy serves them all
    for choice in product(*(range(len(r.options)) for r in open_rows)):
        for options, index in zip(valued, choice):
            values.update(options[index])
        if all(_holds(i, values) is not False for i in relevant):
            for position, index in enumerate(choice):
                consistent[position].add(index)
    for row, kept in zip(open_rows, consistent):
        if len(kept) < len(row.options):
            row.options = [row.options[i] for i in sorted(kept)]
            row.how = HOW_TABLE
    return relevant


def resolve(layout: Layout, table: str, known: dict[str, int | float | None], rows: Iterable[OpenRow]) -> list[EquationInstance]:
    """Narrow every open row as far as the layout allows; the equations that were used to split
    (they are satisfied by construction, so the arithmetic cannot check them)."""
    rows = list(rows)
    used: list[EquationInstance] = []
    for row in rows:
        used += within_row(layout, table, row)
    used += across_rows(layout, table, known, rows)
    return used
