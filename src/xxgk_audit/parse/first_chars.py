"""Where a match of a large alternation can begin: the characters its matches start with.

Python's regular expressions try every alternative at every position of the text. A pattern of
many alternatives (the narrative's claims, ``narrative.yaml``) that begin with a few dozen
characters is searched much faster by finding those characters first (one character class, scanned
in C) and trying the pattern only there. :func:`starts` works the class out from the pattern's
parse tree; :func:`finditer` uses it and yields exactly what ``pattern.finditer`` yields.
"""

from __future__ import annotations

import re
from typing import Iterator

try:  # the parser of the standard library's engine (Python 3.11+; sre_parse before)
    from re import _constants as c
    from re import _parser as parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

_RANGE_LIMIT = 512  # a wider character range at the start makes the class useless: none is made


class _Unknown(Exception):
    """A construct whose first characters are not worked out (any character, a back-reference …)."""


def _first(items, chars: set[str], classes: set[str]) -> bool:
    """Add the first characters of a sequence; True when the sequence can match the empty string."""
    for op, av in items:
        if not _first_of(op, av, chars, classes):
            return False
    return True


def _first_of(op, av, chars: set[str], classes: set[str]) -> bool:
    if op is c.LITERAL:
        chars.add(chr(av))
        return False
    if op is c.IN:
        for item_op, item in av:
            if item_op is c.LITERAL:
                chars.add(chr(item))
            elif item_op is c.RANGE and item[1] - item[0] <= _RANGE_LIMIT:
                chars.update(map(chr, range(item[0], item[1] + 1)))
            elif item_op is c.CATEGORY and item is c.CATEGORY_DIGIT:
                classes.add(r"\d")
            else:
                raise _Unknown
        return False
    if op is c.SUBPATTERN:
        return _first(av[-1], chars, classes)
    if op is c.BRANCH:
        empty = False
        for alternative in av[1]:
            empty |= _first(alternative, chars, classes)
        return empty
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _, item = av
        return _first(item, chars, classes) or low == 0
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return True  # zero width: the match begins with what follows
    raise _Unknown


def starts(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A character class of the characters a match of ``pattern`` can begin with; None when that
    is not known or a match can be empty (then there is nothing to gain)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _first(parser.parse(pattern.pattern, pattern.flags), chars, classes):
            return None
    except _Unknown:
        return None
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "".join(sorted(classes)) + "]")


def finditer(pattern: re.Pattern[str], first: re.Pattern[str] | None, text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start, end)``, trying the pattern only where ``first`` (from
    :func:`starts`) finds a character a match can begin with."""
    if first is None:
        yield from pattern.finditer(text, start, end)
        return
    position = start
    while position < end:
        candidate = first.search(text, position, end)
        if candidate is None:
            return
        match = pattern.match(text, candidate.start(), end)
        if match is None:
            position = candidate.start() + 1
            continue
        yield match
        position = match.end()  # never empty (starts() refuses a pattern that can match nothing)
