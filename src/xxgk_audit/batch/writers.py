"""The streaming outputs: findings.csv, reports.csv and findings.xlsx, one row at a time as results
arrive, written into the run's private staging folder (created exclusively there) and moved into
place with the other outputs when the batch completes (:mod:`.outputs`).

Every text cell of the CSV files is neutralised against formula injection (:func:`~xxgk_audit.output.csv_cell`);
the workbook writes text as strings, never formulas.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..output import CSV_COLUMNS, csv_row
from ..shown import shown
from .schema import KEY_CELLS, REPORT_COLUMNS, finding_rows
from .workbook import FindingsWorkbook

OUTPUTS = ("findings.csv", "reports.csv", "findings.xlsx")


class Writers:
    """findings.csv, reports.csv and findings.xlsx, written row by row as results arrive."""

    def __init__(self, folder: Path, series: dict[int, str]):
        self.folder = folder
        self.series = series  # report index -> the agency name of its series (reports.csv)
        self._findings_file = open(folder / "findings.csv", "x", encoding="utf-8-sig", newline="")
        self._reports_file = open(folder / "reports.csv", "x", encoding="utf-8-sig", newline="")
        csv.writer(self._findings_file, lineterminator="\n").writerow(CSV_COLUMNS)  # as render_csv
        self.reports_csv = csv.writer(self._reports_file, lineterminator="\n")
        self.reports_csv.writerow(REPORT_COLUMNS)
        self.workbook = FindingsWorkbook()

    def report(self, result: dict[str, Any], prior_source: str | None) -> None:
        """An audited report (a result of :func:`~.worker.audit_chunk`)."""
        self._findings_file.write(result["csv"])
        counts, agency, cells = result["counts"], result["agency"], result.get("cells", {})
        self.reports_csv.writerow(csv_row([
            result["source"], agency, result["year"], result["template"], result["format"], result["status"],
            counts["error"], counts["warning"], counts["info"],
            prior_source, self.series.get(result["index"], agency), result["members"], None, result["sha256"],
            *(cells.get(key) for key in KEY_CELLS),
        ]))
        self.workbook.report(result, prior_source)

    def unreadable(self, source: str, reason: str) -> None:
        source, reason = shown(source), shown(reason)
        self._findings_file.write(finding_rows(failures=[(source, reason)]))
        self.reports_csv.writerow(csv_row([source, None, None, None, None, "unreadable", None, None, None, None, None, None, reason, None, *(None for _ in KEY_CELLS)]))
        self.workbook.unreadable(source, reason)

    def close(self) -> list[str]:
        """Finish the files; the names written."""
        self._findings_file.close()
        self._reports_file.close()
        self.workbook.save(self.folder / "findings.xlsx")
        return list(OUTPUTS)

    def abort(self) -> None:
        """After an error or Ctrl-C: close everything (the staging folder is removed with them)."""
        for handle in (self._findings_file, self._reports_file):
            handle.close()
        self.workbook.discard()
