"""A supervising office's year in a batch: publication and the roster, scores, and follow-ups.

:class:`YearWork` runs beside the audit in the batch's main process:

1. after the scan (:meth:`YearWork.prepare`) it decides the year under review (``--year``, else the
   newest year of the batch), gives each file its publication hint — a crawler's first-seen date
   (``--dates``) and the roster's kind of body and deadline (``--roster``) — which the audit's
   DEADLINE rule uses, and finds the agencies with several versions of one year's report;
2. as results arrive (:meth:`YearWork.take`) it keeps, per report, only what it needs: the
   publication facts, the findings an indicator of the sheet counts with their verdicts and the
   cells the sheet reads, and the full findings and cells of reports with several versions;
3. at the end (:meth:`YearWork.finish`) it writes ``publication.csv`` (the roster's statuses),
   ``scores.csv`` and ``scorecards.csv`` (a score card per agency, ranked), ``followup.csv`` (each
   finding of an older version followed into the newer one) and ``sheet.yaml`` (the sheet used, so
   that the 通报 and the batch review recompute the scores after verdicts change), and adds the
   sheets 发布情况, 评分排名 and 整改复核 to findings.xlsx.

Versions of one agency's report of one year are ordered by their publication date (the date the
audit used: a crawler's or the printed one), then by the file's modification time; each version is
compared with the one before it. The agency is scored on its earliest version — the report as first
published, which the deadline and the auditors' verdicts apply to; a corrected re-publication is
listed in the follow-up, not scored again.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..publication import DateSidecar, Publication
from ..roster import CSV_COLUMNS as PUBLICATION_CSV_COLUMNS
from ..roster import STATUS_LABELS, ReportFacts, Roster, RosterRow, roster_rows
from .cells import cells_of_line
from ..scoring import DETAIL_COLUMNS, Sheet, ScoredFinding, UnitInput, details_rows, ranking_columns, ranking_rows, score_all

FOLLOWUP_COLUMNS = [
    "agency", "year", "old_source", "new_source", "old_sha256", "new_sha256", "status", "status_label", "rule", "severity",
    "verdict", "fingerprint", "new_fingerprint", "message", "new_message", "note",
]
SHEET_FILE = "sheet.yaml"


@dataclass
class YearOptions:
    roster: Roster | None = None
    dates: DateSidecar | None = None
    sheet: Sheet | None = None
    year: int | None = None


@dataclass
class _Version:
    index: int
    source: str
    sha256: str
    agency: str | None
    year: int | None
    published: str | None
    mtime: float
    findings: list[dict]
    verdicts: dict[str, str]
    cells: dict[str, tuple[Any, str]]


@dataclass
class YearResult:
    year: int | None
    outputs: dict[str, Path] = field(default_factory=dict)
    roster: dict[str, int] = field(default_factory=dict)  # status -> agencies
    scored: int = 0
    followups: int = 0
    notes: list[str] = field(default_factory=list)


class YearWork:
    def __init__(self, out_dir: Path, options: YearOptions):
        self.out = Path(out_dir)
        self.options = options
        self.cell_keys = options.sheet.cell_keys if options.sheet is not None else ()  # the cells the sheet reads
        self.year: int | None = options.year
        self.facts: list[ReportFacts] = []
        self.scoring: dict[str, tuple[list[ScoredFinding], dict[str, float | None]]] = {}
        self.versioned: set[int] = set()
        self.groups: list[list[int]] = []
        self.versions: dict[int, _Version] = {}
        self.notes: list[str] = []

    # -- 1. after the scan ---------------------------------------------------------------------------
    def prepare(self, records) -> dict[int, Publication]:
        """Publication hints by record index; the year; the agencies with several versions."""
        from ..agency import agency_key

        readable = [r for r in records if r.error is None]
        if self.year is None:
            years = [r.year for r in readable if r.year]
            self.year = max(years) if years else None
        hints: dict[int, Publication] = {}
        if self.options.dates is not None:
            assigned, unmatched = self.options.dates.assign([r.path for r in readable])
            for record in readable:
                if record.path in assigned:
                    hints[record.index] = assigned[record.path]
            if unmatched:
                self.notes.append(f"采集记录 {self.options.dates.path} 中有 {unmatched} 个文件不在本批中，未使用")
            missing = len(readable) - len(hints)
            if missing:
                self.notes.append(f"{missing} 份报告不在采集记录中，发布日期取报告所载日期")
        if self.options.roster is not None:
            matcher = self.options.roster.matcher()
            for record in readable:
                entry = matcher.match(record.agency)
                if entry is None or (entry.kind is None and entry.deadline is None):
                    continue
                hint = hints.get(record.index) or Publication()
                deadline = entry.deadline if record.year == self.year else None
                hints[record.index] = Publication(hint.date, hint.source, hint.url, hint.printed, entry.kind, deadline)
        # versions: the same agency (names compared as in pairing) and year more than once
        by_key: dict[tuple[int, str], list[int]] = defaultdict(list)
        names: dict[int, str] = {}
        for record in readable:
            if record.agency and record.year:
                by_key[(record.year, agency_key(record.agency))].append(record.index)
                names[record.index] = record.agency
        self.groups = _merge_versions(by_key, names)
        self.versioned = {i for group in self.groups for i in group}
        return hints

    # -- 2. as results arrive ---------------------------------------------------------------------------
    def take(self, result: dict[str, Any], verdicts: dict) -> None:
        used = result.get("publication") or {}
        self.facts.append(ReportFacts(
            result["index"], result["source"], result["agency"], result["year"], result["sha256"], result.get("kind") or "unknown",
            result.get("deadline"), used.get("date"), used.get("source"), used.get("url"), used.get("printed"), result.get("mtime") or 0.0,
        ))
        sheet = self.options.sheet
        if sheet is not None and result["year"] == self.year:
            conditions = [i.condition for i in sheet.indicators if i.condition.kind in ("findings", "reuse")]
            kept = []
            for finding in result["findings"]:
                scored = ScoredFinding(finding["rule"], finding["group"], finding["severity"], finding["message"], finding["fingerprint"], _verdict(verdicts, finding["fingerprint"]), _float(finding.get("actual")))
                if any(c.matches(scored) for c in conditions):
                    kept.append(scored)
            self.scoring[result["source"]] = (kept, dict(result.get("sheet_cells") or {}))
        if result["index"] in self.versioned:
            cells = cells_of_line(result.get("cell_line"))
            self.versions[result["index"]] = _Version(
                result["index"], result["source"], result["sha256"], result["agency"], result["year"], used.get("date"), result.get("mtime") or 0.0,
                result["findings"], {fp: v.verdict for fp, v in verdicts.items()}, cells,
            )

    # -- 3. at the end ----------------------------------------------------------------------------------
    def finish(self, workbook) -> YearResult:
        done = YearResult(self.year, notes=list(self.notes))
        rows = roster_rows(self.options.roster, self.facts, self.year) if self.year is not None else []
        if self.options.roster is not None:
            done.outputs["publication_csv"] = _write_csv(self.out / "publication.csv", PUBLICATION_CSV_COLUMNS, [r.to_csv() for r in rows])
            for row in rows:
                done.roster[row.status] = done.roster.get(row.status, 0) + 1
            _publication_sheet(workbook, rows)
        if self.options.sheet is not None and self.year is not None:
            sheet = self.options.sheet
            units = [unit_input(row, *self.scoring.get(row.sources[0] if row.sources else "", ([], {}))) for row in rows]
            cards = score_all(sheet, units)
            ranking, details = ranking_rows(sheet, cards), details_rows(cards)
            done.outputs.update(write_scores(self.out, sheet, ranking, details))
            score_sheets(workbook, sheet, ranking, details)
            done.scored = len(cards)
        followups = self._followups()
        if followups:
            done.outputs["followup_csv"] = _write_csv(self.out / "followup.csv", FOLLOWUP_COLUMNS, followups)
            _followup_sheet(workbook, followups)
            done.followups = len(followups)
        return done

    def _followups(self) -> list[dict]:
        from ..followup import STATUS_LABELS as FOLLOW_LABELS
        from ..followup import compare

        out = []
        for group in self.groups:
            versions = sorted((self.versions[i] for i in group if i in self.versions), key=lambda v: (v.published or "9999-99-99", v.mtime, v.source))
            for old, new in zip(versions, versions[1:]):
                comparison = compare(old.findings, new.findings, lambda f, old=old: old.verdicts.get(f.fingerprint, "pending"), new.cells)
                for item in comparison.items:
                    finding = item.finding
                    out.append({
                        "agency": new.agency, "year": new.year, "old_source": old.source, "new_source": new.source,
                        "old_sha256": old.sha256, "new_sha256": new.sha256, "status": item.status, "status_label": FOLLOW_LABELS[item.status],
                        "rule": finding.rule, "severity": finding.severity, "verdict": item.verdict or "",
                        "fingerprint": item.old.fingerprint if item.old else "", "new_fingerprint": item.new.fingerprint if item.new else "",
                        "message": item.old.message if item.old else "", "new_message": item.new.message if item.new else "", "note": item.note,
                    })
        return out


def _merge_versions(by_key: dict[tuple[int, str], list[int]], names: dict[int, str]) -> list[list[int]]:
    """Groups of record indexes of the same agency and year (equal keys, or a key that is the other
    with an administrative prefix: :func:`same_agency`); only groups of two or more."""
    from ..agency import same_agency

    groups: list[list[int]] = []
    by_year: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for (year, key), indexes in by_key.items():
        by_year[year][key] = indexes
    for year, keys in by_year.items():
        parent = {key: key for key in keys}

        def root(key: str) -> str:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for key in keys:
            for i in range(1, len(key)):
                other = key[i:]
                if other in keys and same_agency(names[keys[key][0]], names[keys[other][0]]):
                    parent[root(key)] = root(other)
        merged: dict[str, list[int]] = defaultdict(list)
        for key, indexes in keys.items():
            merged[root(key)].extend(indexes)
        groups += [sorted(g) for g in merged.values() if len(g) > 1]
    return groups


def _verdict(verdicts: dict, fingerprint: str) -> str:
    given = verdicts.get(fingerprint)
    return given.verdict if given is not None else "pending"


def _float(value) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def unit_input(row: RosterRow, findings: list[ScoredFinding], cells: dict[str, float | None]) -> UnitInput:
    return UnitInput(
        row.unit, row.key, row.kind_label, row.year, row.sources[0] if row.sources else None, None,
        row.publication, row.days_late, findings, cells, on_roster=row.status != "extra",
    )


# -- files -----------------------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+\-]?[0-9][0-9.,]*$")


def neutral(value):
    """A text a spreadsheet would take for a formula (= + - @ …, but not a plain number) with a
    leading apostrophe; other values as they are."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def _plain(value):
    """None and NaN as empty, whole floats as integers (pandas turns an int column with gaps into floats)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutral(_plain(v)) for k, v in row.items()})
    os.replace(part, path)
    return path


def write_scores(out: Path, sheet: Sheet, ranking: list[dict], details: list[dict]) -> dict[str, Path]:
    """scores.csv, scorecards.csv and sheet.yaml (the sheet used, for recomputing)."""
    written = {}
    for name, columns, rows in (("scores_csv", ranking_columns(sheet), ranking), ("scorecards_csv", DETAIL_COLUMNS, details)):
        path = out / f"{name[:-4]}.csv"
        _write_csv(path, columns, rows)
        written[name] = path
    target = out / SHEET_FILE
    part = target.with_name(target.name + ".part")
    part.write_text(sheet.text, encoding="utf-8")
    os.replace(part, target)
    written["sheet"] = target
    return written


PUBLICATION_HEADER = [("发布情况", 10), ("单位", 32), ("类型", 10), ("年度", 7), ("期限", 12), ("发布日期", 12), ("日期来源", 20), ("逾期天数", 9), ("名单中的网址", 30), ("报告网址", 40), ("报告文件", 50), ("版本数", 7), ("报告中的单位名称", 30), ("名单行号", 9)]
_STATUS_FILLS = {"published": "clean", "late": "error", "undated": "warning", "missing": "error", "extra": "info"}


def _publication_sheet(workbook, rows: list[RosterRow]) -> None:
    from ..publication import DATE_SOURCES

    values = [
        [STATUS_LABELS[r.status], r.unit, r.kind_label, r.year, r.deadline, r.published, DATE_SOURCES.get(r.date_source or "", ""), r.days_late,
         r.roster_url, r.report_url, "\n".join(r.sources), len(r.sources), r.agency, r.roster_row]
        for r in rows
    ]
    workbook.table_sheet("发布情况", PUBLICATION_HEADER, values, [_STATUS_FILLS[r.status] for r in rows])


def score_sheets(workbook, sheet: Sheet, ranking: list[dict], details: list[dict] = ()) -> None:
    """评分排名 in findings.xlsx: one row per agency, each indicator's points (what cost them is in
    scorecards.csv, the 通报 and the overview)."""
    header = [("排名", 6), ("单位", 32), ("类型", 10), ("年度", 7), ("发布情况", 10), ("确认得分", 10), ("暂计得分（含待审核）", 14), ("待审核问题", 10)]
    header += [(f"{i.name}（{i.points:g}）", 14) for i in sheet.indicators]
    header += [("报告文件", 50)]
    labels = {**STATUS_LABELS, "published": "已发布"}
    rows = []
    for data in ranking:
        rows.append([
            data["rank"], data["unit"], data["kind"], _plain(data["year"]), labels.get(data["publication"], data["publication"]), data["score"], data["provisional"], data["pending"],
            *(_points(data[i.id], data[f"{i.id}.provisional"]) for i in sheet.indicators), _plain(data["source"]),
        ])
    workbook.table_sheet("评分排名", header, rows)


def _points(confirmed: float, provisional: float) -> str | float:
    return confirmed if confirmed == provisional else f"{confirmed:g}（暂计 {provisional:g}）"


FOLLOWUP_HEADER = [("复核结果", 10), ("单位", 30), ("年度", 7), ("原报告", 40), ("新报告", 40), ("规则", 20), ("级别", 8), ("原审核意见", 10), ("问题", 60), ("新版本中的问题", 60), ("说明", 40)]
_FOLLOW_FILLS = {"fixed": "clean", "not_fixed": "error", "changed": "warning", "new": "info"}


def _followup_sheet(workbook, rows: list[dict]) -> None:
    from ..findings import SEVERITY_LABELS
    from ..review import VERDICTS

    values = [
        [r["status_label"], r["agency"], r["year"], r["old_source"], r["new_source"], r["rule"], SEVERITY_LABELS.get(r["severity"], r["severity"]),
         VERDICTS.get(r["verdict"], "—"), r["message"], r["new_message"], r["note"]]
        for r in rows
    ]
    workbook.table_sheet("整改复核", FOLLOWUP_HEADER, values, [_FOLLOW_FILLS[r["status"]] for r in rows])


# -- recomputing the scores of a batch folder (after verdicts changed) -----------------------------------

def rescore(folder: Path, frame) -> tuple[Sheet, list] | None:
    """The score cards of a batch folder with the verdicts of ``frame`` (findings with a ``verdict``
    column, as :class:`~xxgk_audit.batch_findings.BatchFindings` has them); None when the batch was
    not scored. Units, their scored report and publication come from scores.csv; the sheet from
    sheet.yaml; the cells from cells.parquet."""
    import pandas as pd

    from ..scoring import parse_sheet
    from .cells import read_cells

    sheet_file, scores_csv = folder / SHEET_FILE, folder / "scores.csv"
    if not sheet_file.is_file() or not scores_csv.is_file():
        return None
    sheet = parse_sheet(sheet_file.read_text(encoding="utf-8"), str(sheet_file))
    units = pd.read_csv(scores_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    conditions = [i.condition for i in sheet.indicators if i.condition.kind in ("findings", "reuse")]
    by_source: dict[str, list[ScoredFinding]] = defaultdict(list)
    for r in frame.itertuples(index=False):
        scored = ScoredFinding(r.rule, r.group, r.severity, r.message, r.fingerprint, r.verdict or "pending", _float(r.actual))
        if any(c.matches(scored) for c in conditions):
            by_source[r.source].append(scored)
    cells: dict[str, dict[str, float | None]] = defaultdict(dict)
    if sheet.cell_keys and (folder / "cells.parquet").is_file():
        table = read_cells(folder, sheet.cell_keys, ["source", "key", "value"])
        for source, key, value in zip(table["source"], table["key"], table["value"]):
            cells[source][key] = None if pd.isna(value) else float(value)
    inputs = []
    for u in units.itertuples(index=False):
        source = _strip_neutral(u.source) or None
        inputs.append(UnitInput(
            _strip_neutral(u.unit), u.unit, u.kind, int(float(u.year)) if u.year else None, source, u.sha256 or None, u.publication,
            int(float(u.days_late)) if getattr(u, "days_late", "") else None, by_source.get(source, []), cells.get(source, {}), u.on_roster in ("True", "true", "1"),
        ))
    return sheet, score_all(sheet, inputs)


def _strip_neutral(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text

