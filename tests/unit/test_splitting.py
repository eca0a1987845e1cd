"""Splits of run-together digits (parse/splitting.py) against a brute-force reference."""

import re
from itertools import combinations, product

from hypothesis import given
from hypothesis import strategies as st

from xxgk_audit.parse.splitting import Piece, all_splits, by_count


def _group_splits(text: str, offset: int, parts: int) -> list[list[tuple[str, int]]]:
    """Every cut of one signed digit group into ``parts`` numbers without leading zeros, by brute force."""
    sign = text[: len(text) - len(text.lstrip("+-"))]
    digits = text[len(sign) :]
    found = []
    for cuts in combinations(range(1, len(digits)), parts - 1):
        bounds = list(zip((0, *cuts), (*cuts, len(digits))))
        numbers = [digits[a:b] for a, b in bounds]
        if any(n.startswith("0") and len(n) > 1 for n in numbers):
            continue
        pieces = [(digits[a:b], offset + len(sign) + a) for a, b in bounds]
        if sign:
            pieces[0] = (sign + pieces[0][0], offset)
        found.append(pieces)
    return found


def reference(run: str, width: int) -> list[list[tuple[str, int]]]:
    groups = [(m.group(0), m.start()) for m in re.finditer(r"[+-]?\d+", run)]
    found = []
    for counts in product(*(range(1, len(g.lstrip("+-")) + 1) for g, _ in groups)):
        if sum(counts) != width:
            continue
        for choice in product(*(_group_splits(g, offset, n) for (g, offset), n in zip(groups, counts))):
            found.append([piece for part in choice for piece in part])
    return found


def _plain(options) -> list[list[tuple[str, int]]]:
    return sorted([(p.text, p.offset) for p in option] for option in options)


def test_a_row_of_table_three_has_the_splits_without_leading_zeros():
    options = all_splits("801000081", 7)
    assert _plain(options) == sorted(reference("801000081", 7))
    assert ["80", "1", "0", "0", "0", "0", "81"] in [[p.text for p in o] for o in options]
    assert all(isinstance(p, Piece) and p.number == int(p.text) for o in options for p in o)


def test_whitespace_and_a_sign_begin_numbers():
    options = all_splits("125-18269", 3)
    assert [[p.text for p in o] for o in options] == [[t for t, _ in o] for o in reference("125-18269", 3)]
    signed = [[p for p in o if p.text.startswith("-")] for o in options]
    assert all(len(s) == 1 and s[0].offset == 3 and s[0].number < 0 for s in signed)  # the sign stays with its group's first number
    assert _plain(all_splits("12 305", 3)) == sorted(reference("12 305", 3))


def test_what_cannot_be_split():
    assert all_splits("12a3", 2) is None  # not digits
    assert all_splits("123", 4) == []  # fewer digits than cells
    assert all_splits("1 2 3", 2) is None  # more printed numbers than cells
    assert by_count("0000000", 7) is not None and len(by_count("0000000", 7)) == 7
    assert by_count("12 — 3", 3) is not None and [p.number for p in by_count("12 — 3", 3)] == [12, None, 3]


@given(st.text(alphabet="0123456789 -", min_size=1, max_size=11), st.integers(min_value=1, max_value=8))
def test_every_split_and_only_those(run, width):
    options = all_splits(run, width)
    if options is None:
        return  # refused (a sign without digits, too many numbers printed, too many splits)
    assert _plain(options) == sorted(reference(run, width))
    for option in options:
        assert len(option) == width
        for piece in option:
            assert run[piece.offset : piece.offset + len(piece.text)] == piece.text
