"""The streaming outputs: findings.csv, reports.csv and findings.xlsx, one row at a time as results
arrive (with the verdicts of the review store), written into the run's private staging folder
(created exclusively there) and moved into place with the other outputs when the batch completes
(:mod:`.outputs`).

Every text cell of the CSV files is neutralised against formula injection (:func:`~xxgk_audit.output.csv_cell`);
the workbook writes text as strings, never formulas.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..output import CSV_COLUMNS, csv_row, finding_csv_row, unreadable_csv_row
from ..shown import shown
from .schema import KEY_CELLS, PUBLICATION_COLUMNS, REPORT_COLUMNS
from .verdicts import BatchVerdicts, review_columns
from .workbook import FindingsWorkbook

OUTPUTS = ("findings.csv", "reports.csv", "findings.xlsx")


def publication_columns(result: dict[str, Any]) -> list:
    """The reports.csv columns of :data:`~.schema.PUBLICATION_COLUMNS`."""
    used = result.get("publication") or {}
    return [used.get("date"), used.get("source"), result.get("kind"), result.get("deadline"), result.get("publication_status"), result.get("days_late")]


class Writers:
    """findings.csv, reports.csv and findings.xlsx, written row by row as results arrive."""

    def __init__(self, folder: Path, series: dict[int, str], verdicts: BatchVerdicts | None = None):
        self.folder = folder
        self.series = series  # report index -> the agency name of its series (reports.csv)
        self.verdicts = verdicts or BatchVerdicts(None)
        self.open_errors = 0  # errors not dismissed by the auditor (the exit status)
        self._findings_file = open(folder / "findings.csv", "x", encoding="utf-8-sig", newline="")
        self._reports_file = open(folder / "reports.csv", "x", encoding="utf-8-sig", newline="")
        self.findings_csv = csv.writer(self._findings_file, lineterminator="\n")
        self.findings_csv.writerow(CSV_COLUMNS)  # as render_csv
        self.reports_csv = csv.writer(self._reports_file, lineterminator="\n")
        self.reports_csv.writerow(REPORT_COLUMNS)
        self.workbook = FindingsWorkbook()

    def report(self, result: dict[str, Any], prior_source: str | None) -> dict:
        """An audited report (a result of :func:`~.worker.audit_chunk`); returns its verdicts."""
        counts, agency, cells = result["counts"], result["agency"], result.get("cells", {})
        verdicts = self.verdicts.of_report(agency, result["year"], result["layout"], result["sha256"], result["source"])
        report = {key: result[key] for key in ("source", "agency", "year", "template", "sha256", "layout")}
        for finding in result["findings"]:
            self.findings_csv.writerow(finding_csv_row(report, finding, verdicts.get(finding["fingerprint"])))
        conclusion = self.verdicts.conclusion(((f["severity"], f["fingerprint"]) for f in result["findings"]), verdicts)
        self.open_errors += conclusion.open_errors
        self.reports_csv.writerow(csv_row([
            shown(result["source"]), agency, result["year"], result["template"], result["format"], result["status"],
            counts["error"], counts["warning"], counts["info"],
            prior_source, self.series.get(result["index"], agency), result["members"], None, result["sha256"],
            *(cells.get(key) for key in KEY_CELLS), *review_columns(result["layout"], conclusion),
            *publication_columns(result),
        ]))
        self.workbook.report(result, prior_source, verdicts, conclusion)
        return verdicts

    def unreadable(self, source: str, reason: str) -> None:
        source, reason = shown(source), shown(reason)
        self.findings_csv.writerow(unreadable_csv_row(source, reason))
        self.reports_csv.writerow(csv_row([source, None, None, None, None, "unreadable", None, None, None, None, None, None, reason, None, *(None for _ in KEY_CELLS), *review_columns(None, None), *(None for _ in PUBLICATION_COLUMNS)]))
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
