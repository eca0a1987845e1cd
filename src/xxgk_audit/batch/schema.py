"""What the rows of findings.csv and reports.csv hold; :mod:`xxgk_audit.overview` reads them back."""

from __future__ import annotations

from ..layout import key_cells

UNREADABLE_RULE = "UNREADABLE"
CROSS_RULES = ("T3-CARRY-CHAIN", "T2-VALID-PROGRESSION", "YOY-JUMP", "TEXT-REUSE", "HIERARCHY-SUM")

# The key cells of reports.csv (per-agency year series in the overview), with their Chinese names.
KEY_CELLS: dict[str, str] = key_cells()
STATUS_LABELS = {"error": "有错误", "warning": "有警告", "info": "仅有提示", "clean": "未发现问题", "unreadable": "无法读取"}
REVIEW_COLUMNS = ["layout", "review_status", "review", "confirmed", "dismissed", "open_errors"]
# the publication date the audit used (sidecar = a crawler's first-seen date, printed = the report's),
# the kind of body and its deadline, and the status: published (on time or no deadline) | late | undated
PUBLICATION_COLUMNS = ["published", "date_source", "kind", "deadline", "publication_status", "days_late"]
REPORT_COLUMNS = [
    "source", "agency", "year", "template", "format", "status", "errors", "warnings", "infos",
    "prior", "series", "members", "reason", "sha256", *KEY_CELLS, *REVIEW_COLUMNS, *PUBLICATION_COLUMNS,
]
