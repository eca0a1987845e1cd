"""The auditor's verdicts in the batch outputs.

Each finding row of findings.csv and findings.xlsx carries its verdict, comment, auditor and time;
each report row of reports.csv and findings.xlsx its reviewed conclusion (待审核 / 经审核确认 N 项问题
/ 经审核未确认问题 / 无需审核). They come from the review store (:mod:`xxgk_audit.store`), looked up
by each report's identity (agency, year, layout — the ``layout`` and ``sha256`` columns) and each
finding's fingerprint: the batch writes them as it goes (:class:`BatchVerdicts`), and
:func:`apply_verdicts` writes them again after verdicts changed (the batch review notebook), without
auditing anything again.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, Iterator

from ..output import csv_cell
from ..review import Conclusion, ReportIdentity, ReviewStore, Verdict, reviewed_conclusion


def _year(value) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class BatchVerdicts:
    """Verdict lookups in a (read-only) review store for the reports of a batch; no store: all 待定."""

    def __init__(self, store: ReviewStore | None):
        self.store = store

    def identity(self, agency, year, layout, sha256, source) -> ReportIdentity:
        return ReportIdentity.from_fields(agency or None, _year(year), layout or None, sha256 or None, source or None)

    def of_report(self, agency, year, layout, sha256, source) -> dict[str, Verdict]:
        if self.store is None:
            return {}
        store = self.store
        report_id = store.find_report(self.identity(agency, year, layout, sha256, source))
        return {fp: Verdict.of(change) for fp, change in store.current(report_id).items()}

    @staticmethod
    def conclusion(findings: Iterable[tuple[str, str]], verdicts: dict[str, Verdict]) -> Conclusion:
        """The reviewed conclusion of a report from its findings' (severity, fingerprint)."""
        items = [SimpleNamespace(severity=severity, fingerprint=fp) for severity, fp in findings]
        return reviewed_conclusion(items, lambda f: verdicts.get(f.fingerprint, Verdict()))


def review_columns(layout, conclusion: Conclusion | None) -> list:
    """The reports.csv columns of :data:`~.schema.REVIEW_COLUMNS`."""
    if conclusion is None:
        return [layout, None, None, None, None, None]
    return [layout, conclusion.status, conclusion.text, conclusion.confirmed, conclusion.dismissed, conclusion.open_errors]


@dataclass
class Applied:
    """What :func:`apply_verdicts` wrote."""

    reports: int = 0
    findings: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: {"confirmed": 0, "dismissed": 0, "pending": 0})
    outputs: list[Path] = field(default_factory=list)


def apply_verdicts(batch_dir: str | os.PathLike, store: ReviewStore | None) -> Applied:
    """Write the current verdicts of ``store`` into findings.csv, reports.csv and findings.xlsx of
    a batch output folder (each file replaced at once, never left half-written)."""
    folder = Path(batch_dir)
    parts = [folder / f"{name}.part" for name in ("findings.csv", "reports.csv", "findings.xlsx")]
    for part in parts:  # a leftover (or a planted symlink) is removed: the new ones are created exclusively
        part.unlink(missing_ok=True)
    try:
        return _apply(folder, BatchVerdicts(store))
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _apply(folder: Path, lookup: BatchVerdicts) -> Applied:
    applied = Applied()
    conclusions: dict[str, Conclusion] = {}
    given: dict[tuple[str, str], Verdict] = {}
    findings_csv = folder / "findings.csv"
    with open(findings_csv, encoding="utf-8-sig", newline="") as source, open(f"{findings_csv}.part", "x", encoding="utf-8-sig", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for rows in _by_report(reader):
            head = rows[0]
            if head["rule"] == "UNREADABLE":
                writer.writerows(rows)
                continue
            verdicts = lookup.of_report(head["agency"], head["year"], head["layout"], head["sha256"], head["source"])
            for row in rows:
                verdict = verdicts.get(row["fingerprint"]) or Verdict()
                row.update(verdict=verdict.verdict, comment=csv_cell(verdict.comment), reviewer=csv_cell(verdict.auditor), reviewed_at=verdict.updated_at)
                given[(row["source"], row["fingerprint"])] = verdict
                applied.verdicts[verdict.verdict] += 1
                applied.findings += 1
            conclusions[head["source"]] = lookup.conclusion(((r["severity"], r["fingerprint"]) for r in rows), verdicts)
            writer.writerows(rows)

    reports_csv = folder / "reports.csv"
    with open(reports_csv, encoding="utf-8-sig", newline="") as source, open(f"{reports_csv}.part", "x", encoding="utf-8-sig", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["status"] != "unreadable":
                conclusion = conclusions.get(row["source"]) or lookup.conclusion((), {})
                _, row["review_status"], row["review"], row["confirmed"], row["dismissed"], row["open_errors"] = review_columns(row["layout"], conclusion)
                applied.reports += 1
            writer.writerow(row)

    scores = _rescore(folder, Path(f"{findings_csv}.part"))
    workbook = folder / "findings.xlsx"
    if workbook.is_file():
        _update_workbook(workbook, given, conclusions, scores)
    for path in (findings_csv, reports_csv):
        os.replace(f"{path}.part", path)
        applied.outputs.append(path)
    if scores is not None:
        from .yearly import write_scores

        written = write_scores(folder, *scores)
        applied.outputs += [written["scores_csv"], written["scorecards_csv"]]
    if workbook.is_file():
        os.replace(f"{workbook}.part", workbook)
        applied.outputs.append(workbook)
    return applied


def _rescore(folder: Path, findings_csv: Path):
    """(sheet, ranking, details) recomputed with the verdicts just written, or None (not scored)."""
    if not (folder / "sheet.yaml").is_file():
        return None
    import pandas as pd

    from ..rules import REGISTRY
    from ..scoring import details_rows, ranking_rows
    from .yearly import rescore

    frame = pd.read_csv(findings_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame = frame[frame["rule"] != "UNREADABLE"]
    frame = frame.assign(group=frame["rule"].map(lambda r: REGISTRY[r].group if r in REGISTRY else ""))
    scored = rescore(folder, frame)
    if scored is None:
        return None
    sheet, cards = scored
    return sheet, ranking_rows(sheet, cards), details_rows(cards)


def _by_report(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """Consecutive rows of the same report (the batch writes a report's findings together)."""
    group: list[dict] = []
    for row in rows:
        if group and (row["source"], row.get("sha256"), row["rule"] == "UNREADABLE") != (group[0]["source"], group[0].get("sha256"), group[0]["rule"] == "UNREADABLE"):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


class _Sheets:
    """:meth:`~.workbook.FindingsWorkbook.table_sheet` on an open (not write-only) workbook: a sheet
    of that title is replaced."""

    def __init__(self, book):
        self.book = book

    def table_sheet(self, title, header, rows, fills=None, fill_column: int = 0) -> None:
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.filters import AutoFilter

        from .workbook import _FILLS

        if title in self.book.sheetnames:
            del self.book[title]
        sheet = self.book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for number, (label, width) in enumerate(header, 1):
            sheet.column_dimensions[get_column_letter(number)].width = width
            sheet.cell(1, number, label).font = Font(bold=True)
        for r, row in enumerate(rows, 2):
            for c, value in enumerate(row, 1):
                _set_text(sheet.cell(r, c), value)
            if fills and fills[r - 2]:
                sheet.cell(r, fill_column + 1).fill = PatternFill("solid", fgColor=_FILLS[fills[r - 2]])
        sheet.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(header))}{len(rows) + 1}")


def _update_workbook(path: Path, given: dict[tuple[str, str], Verdict], conclusions: dict[str, Conclusion], scores=None) -> None:
    from openpyxl import load_workbook
    from openpyxl.styles import PatternFill

    from .workbook import _FILLS, _VERDICT_FILLS, CONCLUSION_COLUMNS, FINDINGS_SHEET, SUMMARY_SHEET, VERDICT_COLUMNS

    book = load_workbook(path)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
    sheet = book[FINDINGS_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    file_col, fp_col = columns["文件"], columns["指纹"]
    verdict_cols = [columns[name] for name in VERDICT_COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        key = (row[file_col - 1].value, row[fp_col - 1].value)
        verdict = given.get(key)
        if verdict is None:
            continue
        values = [verdict.label, verdict.comment or None, verdict.auditor or None, verdict.updated_at.replace("T", " ") or None]
        for column, value in zip(verdict_cols, values):
            _set_text(row[column - 1], value)
        row[verdict_cols[0] - 1].fill = fills[_VERDICT_FILLS[verdict.verdict]]
    sheet = book[SUMMARY_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    text_col, confirmed_col = (columns[name] for name in CONCLUSION_COLUMNS)
    for row in sheet.iter_rows(min_row=2):
        conclusion = conclusions.get(row[columns["文件"] - 1].value)
        if conclusion is not None:
            _set_text(row[text_col - 1], conclusion.text)
            row[confirmed_col - 1].value = conclusion.confirmed
    if scores is not None:
        from .yearly import score_sheets

        score_sheets(_Sheets(book), *scores)
    book.save(f"{path}.part")


def _set_text(cell, value) -> None:
    """A cell's text, never taken for a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
