"""Untrusted names as they are shown: on one line, printable and encodable.

File names come from the file system and the web: a name may hold a newline (which would split
the one-line message of a bad input), a terminal control sequence, a right-to-left override, or
bytes that are no UTF-8 at all (Python keeps them as lone surrogates, which no UTF-8 output can
write). :func:`shown` escapes each such character as ``\\n``, ``\\x1b``, ``\\u202e`` or, for a
byte that is not UTF-8, ``\\xff``; every other name is returned unchanged.
"""

from __future__ import annotations

import os
import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(name) -> str:
    """``name`` (a str, bytes or path) escaped for one line of any output."""
    if name is None:
        return ""
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    name = str(name)
    return _UNSAFE.sub(_escape, name) if _UNSAFE.search(name) else name


def needs_escaping(name: str) -> bool:
    return bool(_UNSAFE.search(name))
