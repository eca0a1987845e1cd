"""Who has published, and when: a supervising office's roster against the reports of a year.

A roster (``xxgk-audit batch … --roster FILE``, CSV or XLSX) lists the agencies an office supervises:
``单位`` (required), ``类型`` (政府部门 / 本级政府 / 乡镇街道 / 其他 …: ``layouts/deadlines.yaml``; empty:
read from the name), optional ``网址`` and ``期限`` (a deadline set by a local notice, e.g. for 乡镇).
Each roster agency is matched to its reports of the year with the agency comparison of pairing
(:func:`xxgk_audit.agency.same_agency`: width, traditional characters, 人民政府/政府, short forms,
an added administrative prefix) and gets a status:

- ``published`` 已发布 — a report was found and published by the deadline (or no deadline applies);
- ``late`` 逾期 — published after the deadline (1月31日 for departments, 3月31日 for a 本级政府's own
  report: 条例第四十九条);
- ``undated`` 日期不明 — a report was found but neither a crawler's record nor the report gives a date;
- ``missing`` 未发布 — no report of the year was found.

Reports of the year whose agency is on no roster row are listed as ``extra`` 不在名单. When an
agency has several versions of its report, the earliest known date counts (a corrected
re-publication does not make a report late).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .errors import InputError

STATUS_LABELS = {"published": "已发布", "late": "逾期", "undated": "日期不明", "missing": "未发布", "extra": "不在名单"}
STATUS_ORDER = ("missing", "late", "undated", "published", "extra")
UNIT_COLUMNS = ("单位", "单位名称", "机关", "机关名称", "名称", "agency", "unit", "name")
KIND_COLUMNS = ("类型", "单位类型", "机关类型", "kind", "type")
URL_COLUMNS = ("网址", "网站", "公开专栏", "url", "website")
DEADLINE_COLUMNS = ("期限", "发布期限", "截止日期", "deadline")


@dataclass(frozen=True)
class RosterEntry:
    row: int  # the row number in the file
    name: str
    kind: str | None  # the kind the roster gives (None: read from the name)
    kind_text: str
    url: str = ""
    deadline: str | None = None  # ISO date from the 期限 column

    @property
    def key(self) -> str:
        from .agency import agency_key

        return agency_key(self.name)


@dataclass
class Roster:
    path: str
    entries: list[RosterEntry]

    def matcher(self) -> "Matcher":
        return Matcher(self.entries)


def read_roster(path: str | os.PathLike) -> Roster:
    """Read a roster; an InputError with one line (naming the row) for anything that cannot be used:
    no 单位 column, a 类型 not in the data, a 期限 that is no date, the same agency twice."""
    from .agency import same_agency
    from .publication import parse_date, roster_kind, roster_kind_names
    from .sidefiles import read_table

    table = read_table(path, "名单（--roster）", UNIT_COLUMNS)
    unit = table.column(UNIT_COLUMNS, "名单")
    kind_col = table.column(KIND_COLUMNS, "名单", required=False)
    url_col = table.column(URL_COLUMNS, "名单", required=False)
    deadline_col = table.column(DEADLINE_COLUMNS, "名单", required=False)
    entries: list[RosterEntry] = []
    for number, row in table.rows:
        cell = lambda i: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        name = cell(unit)
        if not name:
            raise InputError(table.path, f"名单第 {number} 行没有单位名称")
        kind_text = cell(kind_col)
        kind = roster_kind(kind_text) if kind_text else None
        if kind_text and kind is None:
            raise InputError(table.path, f"名单第 {number} 行的类型“{kind_text[:20]}”无法识别（可用：{'、'.join(roster_kind_names())}）")
        deadline = None
        if cell(deadline_col):
            day = parse_date(cell(deadline_col))
            if day is None:
                raise InputError(table.path, f"名单第 {number} 行的期限“{cell(deadline_col)[:20]}”不是日期（应为 2025-02-28 这样的日期）")
            deadline = day.isoformat()
        entries.append(RosterEntry(number, name, kind, kind_text, cell(url_col), deadline))
    if not entries:
        raise InputError(table.path, "名单中没有任何单位")
    matcher = Matcher([])
    for entry in entries:
        same = [e for e in matcher.candidates(entry.key) if same_agency(e.name, entry.name)]
        if same:
            raise InputError(table.path, f"名单第 {entry.row} 行“{entry.name}”与第 {same[0].row} 行“{same[0].name}”是同一单位")
        matcher.add(entry)
    return Roster(table.path, entries)


class Matcher:
    """Roster entries by agency key, for the entries a printed name may be (same_agency accepts only
    equal keys or one key ending in the other after an administrative prefix)."""

    def __init__(self, entries: Iterable[RosterEntry]):
        self.exact: dict[str, list[RosterEntry]] = defaultdict(list)
        self.ending: dict[str, list[RosterEntry]] = defaultdict(list)
        for entry in entries:
            self.add(entry)

    def add(self, entry: RosterEntry) -> None:
        key = entry.key
        self.exact[key].append(entry)
        for i in range(1, len(key)):
            self.ending[key[i:]].append(entry)

    def candidates(self, key: str) -> list[RosterEntry]:
        found: dict[int, RosterEntry] = {}
        for i in range(len(key)):
            for entry in self.exact.get(key[i:], ()):
                found[entry.row] = entry
        for entry in self.ending.get(key, ()):
            found[entry.row] = entry
        return [found[row] for row in sorted(found)]

    def match(self, name: str | None) -> RosterEntry | None:
        """The roster entry of a printed agency name: an equal key first, else the one entry
        :func:`same_agency` accepts (None when none or several do)."""
        from .agency import agency_key, same_agency

        if not name:
            return None
        key = agency_key(name)
        if self.exact.get(key):
            return self.exact[key][0]
        hits = [e for e in self.candidates(key) if same_agency(e.name, name)]
        return hits[0] if len(hits) == 1 else None


# -- statuses ---------------------------------------------------------------------------------------

@dataclass
class ReportFacts:
    """What the roster needs of one audited report of the batch."""

    index: int
    source: str
    agency: str | None
    year: int | None
    sha256: str | None
    kind: str  # the deadline kind used
    deadline: str | None  # ISO
    published: str | None  # the date used (ISO)
    date_source: str | None  # sidecar | printed
    url: str | None = None
    printed: str | None = None
    mtime: float = 0.0


@dataclass
class RosterRow:
    status: str
    unit: str
    kind: str
    kind_label: str
    year: int | None
    deadline: str | None = None
    published: str | None = None
    date_source: str | None = None
    days_late: int | None = None
    roster_url: str = ""
    report_url: str | None = None
    sources: list[str] = field(default_factory=list)
    agency: str | None = None  # as the report prints it
    roster_row: int | None = None
    key: str = ""
    publication: str = "missing"  # published | late | undated | missing, on the roster or not

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_csv(self) -> dict:
        from .publication import DATE_SOURCES

        return {
            "status": self.status, "status_label": self.status_label, "unit": self.unit, "kind": self.kind, "kind_label": self.kind_label,
            "year": self.year, "deadline": self.deadline, "published": self.published, "date_source": self.date_source,
            "date_source_label": DATE_SOURCES.get(self.date_source or "", ""), "days_late": self.days_late,
            "roster_url": self.roster_url, "report_url": self.report_url, "sources": " | ".join(self.sources), "versions": len(self.sources),
            "agency": self.agency, "roster_row": self.roster_row, "publication": self.publication,
        }


CSV_COLUMNS = ["status", "status_label", "unit", "kind", "kind_label", "year", "deadline", "published", "date_source", "date_source_label", "days_late", "roster_url", "report_url", "sources", "versions", "agency", "roster_row", "publication"]


def publication_status(published: str | None, deadline: str | None) -> tuple[str, int | None]:
    """(published | late | undated, days late) of a report."""
    from .publication import parse_date

    day = parse_date(published)
    if day is None:
        return "undated", None
    limit = parse_date(deadline)
    if limit is not None and day > limit:
        return "late", (day - limit).days
    return "published", None


def roster_rows(roster: Roster | None, reports: Iterable[ReportFacts], year: int) -> list[RosterRow]:
    """One row per roster agency (its status for ``year``) and one per report of ``year`` whose
    agency is not on the roster (all reports of the year when there is no roster), in
    :data:`STATUS_ORDER`."""
    from .agency import agency_key
    from .publication import deadline as due, kind_label

    matcher = roster.matcher() if roster is not None else Matcher([])
    of_year = [r for r in reports if r.year == year]
    found: dict[int, list[ReportFacts]] = defaultdict(list)  # roster row -> its reports
    extras: dict[str, list[ReportFacts]] = defaultdict(list)
    for facts in of_year:
        entry = matcher.match(facts.agency) if roster is not None else None
        if entry is not None:
            found[entry.row].append(facts)
        else:
            extras[agency_key(facts.agency) if facts.agency else f"file:{facts.source}"].append(facts)
    rows: list[RosterRow] = []
    for entry in roster.entries if roster is not None else []:
        mine = found.get(entry.row, [])
        kind = entry.kind or (mine[0].kind if mine else None)
        if kind is None:
            from .agency import agency_kind

            kind = agency_kind(entry.name)
        limit = entry.deadline or (due(kind, year).isoformat() if due(kind, year) else None)
        rows.append(_row(entry.name, kind, kind_label(kind), year, limit, mine, entry))
    for group in extras.values():
        first = group[0]
        name = first.agency or f"（未识别单位：{os.path.basename(first.source)}）"
        rows.append(_row(name, first.kind, kind_label(first.kind), year, first.deadline, group, None))
    order = {s: n for n, s in enumerate(STATUS_ORDER)}
    rows.sort(key=lambda r: (order[r.status], -(r.days_late or 0), r.unit))
    return rows


def _row(unit: str, kind: str, label: str, year: int, deadline: str | None, reports: list[ReportFacts], entry: RosterEntry | None) -> RosterRow:
    from .agency import agency_key

    row = RosterRow("missing", unit, kind, label, year, deadline, roster_url=entry.url if entry else "", roster_row=entry.row if entry else None, key=agency_key(unit))
    if not reports:
        return row
    dated = sorted((r for r in reports if r.published), key=lambda r: (r.published, r.mtime))
    first = dated[0] if dated else min(reports, key=lambda r: r.mtime)
    row.sources = [r.source for r in sorted(reports, key=lambda r: (r.published or "9999", r.mtime))]
    row.agency = first.agency
    row.published, row.date_source, row.report_url = first.published, first.date_source, first.url
    row.publication, row.days_late = publication_status(first.published, deadline)
    row.status = row.publication if entry is not None else "extra"
    return row


def late_or_missing(rows: Iterable[RosterRow]) -> dict[str, int]:
    counts = {status: 0 for status in STATUS_LABELS}
    for row in rows:
        counts[row.status] += 1
    return counts

