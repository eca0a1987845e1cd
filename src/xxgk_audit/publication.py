"""When a report was published, where that date comes from, and when it was due.

Two sources of the publication date, shown wherever the date is shown:

- ``sidecar``: the date a crawler first saw the file online, from its record (a CSV of file → URL
  and first-seen date: ``xxgk-audit batch --dates FILE``, :func:`read_dates`). When given it wins
  over the printed date: it is evidence of when the report was actually online, while a printed
  date can be the date it was drafted or signed.
- ``printed``: the date printed in the report or on its page (发布日期 lines, page meta tags:
  ``Report.published``).

The deadline (条例第四十九条; ``layouts/deadlines.yaml``) depends on the kind of issuing body: 1月31日
for a 部门, 3月31日 for a 县级以上人民政府's own report, none by national rule for 乡镇/街道. A roster's
类型 decides the kind where it is given (and its 期限 column an explicit date); otherwise the kind is
read from the agency's name (:func:`xxgk_audit.agency.agency_kind`).

The DEADLINE rule, the roster's 逾期 and the scores all use the one :class:`Publication` the audit
was given, so they never disagree.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Iterable

from .errors import InputError

SIDECAR, PRINTED = "sidecar", "printed"
DATE_SOURCES = {SIDECAR: "采集记录的首次发现日期", PRINTED: "报告所载发布日期"}

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(?:\D|$)")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    who: str
    deadline: tuple[int, int] | None
    basis: str
    roster: tuple[str, ...]


@cache
def kinds() -> dict[str, Kind]:
    """The kinds of issuing body of ``layouts/deadlines.yaml``."""
    from .layout import _read

    data = _read("deadlines.yaml")["kinds"]
    out = {}
    for key, spec in data.items():
        limit = spec.get("deadline")
        out[key] = Kind(key, spec["label"], spec["who"], (int(limit["month"]), int(limit["day"])) if limit else None, spec.get("basis", ""), tuple(spec.get("roster", ())))
    return out


def kind_label(kind: str | None) -> str:
    return kinds().get(kind or "unknown", kinds()["unknown"]).label


def roster_kind(text: str | None) -> str | None:
    """The kind a roster's 类型 names (政府部门 → department …); None for a word not in the data."""
    folded = _fold(text)
    for key, kind in kinds().items():
        if folded in {_fold(k) for k in (kind.label, *kind.roster)}:
            return key
    return None


def roster_kind_names() -> list[str]:
    return [kind.label for kind in kinds().values()]


def _fold(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).replace("(", "（").replace(")", "）")


def parse_date(text) -> date | None:
    """A date as people and crawlers write it (2024-01-25, 2024/1/25, 2024年1月25日, 20240125,
    an ISO timestamp); None when there is none."""
    if isinstance(text, date):
        return text
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", str(text)).strip()
    match = _DATE.search(value) or _COMPACT_DATE.match(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def deadline(kind: str | None, year: int | None, explicit: str | date | None = None) -> date | None:
    """The publication deadline of a report of ``year``: ``explicit`` (a roster's 期限) when given,
    else that of the kind (None for kinds without a national deadline)."""
    if explicit:
        return parse_date(explicit)
    spec = kinds().get(kind or "unknown")
    if spec is None or spec.deadline is None or not year:
        return None
    return date(year + 1, *spec.deadline)


@dataclass(frozen=True, slots=True)
class Publication:
    """The publication facts an audit is given (batch) or finds (the printed date).

    ``date``/``source``: the date used and where it comes from (:data:`DATE_SOURCES`), ``url`` the
    address the crawler found it at, ``printed`` the date the report prints (also when the sidecar's
    wins), ``kind`` the kind of body a roster says (None: from the name), ``deadline`` an explicit
    deadline (ISO) a roster gives.
    """

    date: str | None = None
    source: str | None = None
    url: str | None = None
    printed: str | None = None
    kind: str | None = None
    deadline: str | None = None

    @property
    def source_label(self) -> str:
        return DATE_SOURCES.get(self.source or "", "无发布日期")

    def describe(self) -> str:
        """2024-02-05（采集记录的首次发现日期；报告所载 2024-01-20）"""
        if not self.date:
            return "（未识别）"
        extra = f"；报告所载 {self.printed}" if self.source == SIDECAR and self.printed and self.printed != self.date else ""
        return f"{self.date}（{self.source_label}{extra}）"

    def to_dict(self) -> dict:
        return {"date": self.date, "source": self.source, "url": self.url, "printed": self.printed, "kind": self.kind, "deadline": self.deadline}


def effective(printed: str | None, hint: Publication | None = None) -> Publication:
    """The publication an audit uses: the sidecar's date from ``hint`` when it has one, else the
    printed date; the roster's kind and deadline of ``hint`` carried along."""
    printed_day = parse_date(printed)
    printed_iso = printed_day.isoformat() if printed_day else None
    hint = hint or Publication()
    if hint.date:
        return Publication(hint.date, SIDECAR, hint.url, printed_iso, hint.kind, hint.deadline)
    return Publication(printed_iso, PRINTED if printed_iso else None, hint.url, printed_iso, hint.kind, hint.deadline)


# -- the crawler's record (--dates) -----------------------------------------------------------------

FILE_COLUMNS = ("file", "path", "文件", "文件名", "文件路径", "local_path", "filename", "本地文件")
URL_COLUMNS = ("url", "网址", "链接", "地址", "source_url", "页面地址")
DATE_COLUMNS = ("first_seen", "首次发现日期", "首次发现", "first_seen_date", "发现日期", "采集日期", "抓取日期", "crawled", "date", "日期")


@dataclass
class DateSidecar:
    """A crawler's record: each file's first-seen date and URL, by the file's real path."""

    path: str
    by_path: dict[str, tuple[date, str]]  # real path -> (first seen, url)

    def assign(self, files: Iterable[str]) -> tuple[dict[str, Publication], int]:
        """The sidecar date of each file of a batch that the record names, and how many entries of
        the record match no file. A file is matched by its path; failing that, by its base name
        when that name is unique both in the record and in the batch (a crawler that wrote paths
        relative to another folder)."""
        files = list(files)
        reals = {f: os.path.realpath(f) for f in files}
        batch_names = Counter(Path(r).name for r in reals.values())
        record_names: dict[str, list[str]] = {}
        for real in self.by_path:
            record_names.setdefault(Path(real).name, []).append(real)
        found: dict[str, Publication] = {}
        used: set[str] = set()
        for file, real in reals.items():
            key = real if real in self.by_path else None
            if key is None:
                name = Path(real).name
                candidates = record_names.get(name, [])
                if len(candidates) == 1 and batch_names[name] == 1:
                    key = candidates[0]
            if key is not None:
                day, url = self.by_path[key]
                found[file] = Publication(day.isoformat(), SIDECAR, url or None)
                used.add(key)
        return found, sum(1 for real in self.by_path if real not in used)


def read_dates(path: str | os.PathLike) -> DateSidecar:
    """Read a crawler's record: columns file (文件), url (网址), first_seen (首次发现日期); one row
    per file and URL, several rows of one file keep the earliest date. A relative file path is
    relative to the record's folder. Raises InputError with one line for a record that cannot be
    used (missing columns, a date that cannot be read — naming its row)."""
    from .sidefiles import read_table

    table = read_table(path, "采集记录（--dates）", FILE_COLUMNS + DATE_COLUMNS)
    file_col = table.column(FILE_COLUMNS, "采集记录")
    date_col = table.column(DATE_COLUMNS, "采集记录")
    url_col = table.column(URL_COLUMNS, "采集记录", required=False)
    base = os.path.dirname(os.path.abspath(os.fspath(path)))
    by_path: dict[str, tuple[date, str]] = {}
    for number, row in table.rows:
        cell = lambda i: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        name, when, url = cell(file_col), cell(date_col), cell(url_col)
        if not name:
            raise InputError(table.path, f"采集记录第 {number} 行没有文件名")
        day = parse_date(when)
        if day is None:
            raise InputError(table.path, f"采集记录第 {number} 行的首次发现日期“{when[:40]}”无法识别（应为 2024-01-25 这样的日期）")
        real = os.path.realpath(name if os.path.isabs(name) else os.path.join(base, name))
        if real not in by_path or (day, url) < by_path[real]:
            by_path[real] = (day, url)
    return DateSidecar(table.path, by_path)
