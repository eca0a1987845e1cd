"""Read the value of one table cell as printed.

A cell is a number, blank (empty, "—", "-", "/", "无", &nbsp;: kept as unknown, never 0), or text
that is not a number. Units and parentheticals ("251000元", "22（其中修订16件）") give the number and
a note; full-width digits and thousands separators are read; nothing else is interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

BLANK_MARKERS = frozenset(
    {"", "-", "--", "---", "—", "——", "–", "－", "/", "／", "╱", "\\", "×", "x", "无", "無", "暂无", "空", "空白", "…", "……", "n/a", "null", "none"}
)
_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?$")
_WITH_EXTRA = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|元|件|项|个|条|次|人次|宗|起)?\s*(?P<paren>\(.*\))?$"
)
_SPACES = re.compile(r"\s+")
_COMPACTABLE = re.compile(r"[+-]?\s?[\d,.]+")
NUMBER_TOKEN = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class CellValue:
    value: int | float | None
    status: str  # number | blank | text
    note: str | None = None


def _number(sign: str, integer: str, fraction: str | None) -> int | float:
    digits = integer.replace(",", "")
    if fraction and fraction.strip(".0"):
        return float(f"{sign}{digits}{fraction}")
    return int(f"{sign}{digits}")


@lru_cache(maxsize=8192)
def fold_cell(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).replace("\xa0", " ").strip())


@lru_cache(maxsize=8192)
def parse_value(text: str | None) -> CellValue:
    folded = fold_cell(text or "")
    if folded.lower() in BLANK_MARKERS or not folded.strip():
        return CellValue(None, "blank", None if not folded else f"原文为“{folded}”")
    compact = folded.replace(" ", "") if _COMPACTABLE.fullmatch(folded) else folded
    match = _NUMBER.match(compact)
    if match:
        note = "原文含千分位分隔符" if "," in match.group("int") else None
        return CellValue(_number(match.group("sign"), match.group("int"), match.group("frac")), "number", note)
    match = _WITH_EXTRA.match(folded)
    if match and (match.group("unit") or match.group("paren")):
        number = NUMBER_TOKEN.fullmatch(match.group("num"))
        assert number is not None
        sign = "-" if number.group(0).startswith("-") else ""
        raw = number.group(0).lstrip("+-")
        integer, _, fraction = raw.partition(".")
        value = _number(sign, integer, "." + fraction if fraction else None)
        extras = [e for e in (match.group("unit"), match.group("paren")) if e]
        return CellValue(value, "number", f"原文为“{folded}”，取数字 {value}（{'、'.join(extras)} 作为说明保留）")
    return CellValue(None, "text", None)


def is_value_like(text: str | None) -> bool:
    """Whether a cell reads as a value (number or blank marker) rather than a label."""
    folded = fold_cell(text or "")
    if not folded:
        return False
    return parse_value(folded).status != "text"
