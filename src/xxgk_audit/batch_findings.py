"""Every finding of a batch output folder with its current verdict, and verdicts given in bulk.

Reads ``findings.csv`` and ``reports.csv`` of ``xxgk-audit batch`` (each finding row names its
report's identity: agency, year, layout, sha256) and looks the verdicts up in the review store,
so the batch review (:mod:`xxgk_audit.batch_review`) and the 通报 (:mod:`xxgk_audit.notice`) show
what the auditors decided, also for verdicts given in the single-report app or on the command line.
Verdicts given here are written to the same store, with the auditor's
name and origin ``batch`` (a bulk verdict in one transaction: all or nothing);
:func:`xxgk_audit.batch.verdicts.apply_verdicts` then writes them into
the batch's own files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import InputError
from .findings import GROUP_LABELS, SEVERITY_LABELS
from .review import VERDICTS, ReportIdentity, ReviewStore, Verdict, reviewed_conclusion, store_path
from .store import STORE_ENV, FindingMeta

if TYPE_CHECKING:
    import pandas as pd

UNREADABLE_RULE = "UNREADABLE"
IDENTITY_COLUMNS = ("source", "agency", "year", "layout", "sha256")
COLUMNS = [
    "source", "agency", "year", "layout", "sha256", "template", "rule", "group", "severity", "message", "cells",
    "expected", "actual", "difference", "locations", "fingerprint", "verdict", "comment", "reviewer", "reviewed_at",
]


class NotABatch(InputError):
    """A folder without (current) batch results."""


def resolve_batch_dir(report_dir: str | os.PathLike) -> Path:
    """The batch output folder: as given, else relative to the project root (as the memo does)."""
    from .paths import resolve_report

    return Path(resolve_report(report_dir)).resolve()


def batch_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / "batch.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def batch_store_path(folder: Path, store: str | os.PathLike | None = None) -> Path:
    """The review store of a batch: ``store``, else ``$XXGK_AUDIT_STORE``, else the one the batch
    read (recorded in batch.json), else the default ``reports/reviews.sqlite``."""
    if store or os.environ.get(STORE_ENV):
        return store_path(store)
    recorded = batch_meta(folder).get("store")
    if isinstance(recorded, str) and recorded:
        return Path(recorded)
    return store_path()


@dataclass
class BatchFindings:
    """All findings of a batch (``frame``: one row per finding, :data:`COLUMNS`), its reports
    (``reports``: reports.csv) and the review store the verdicts come from and go to."""

    folder: Path
    store: ReviewStore
    frame: "pd.DataFrame"
    reports: "pd.DataFrame"

    # -- reading ------------------------------------------------------------------------------------
    def refresh(self, sources: Iterable[str] | None = None) -> None:
        """Read the verdicts of ``sources`` (default: every report) from the store again."""
        frame = self.frame
        mask = frame["source"].isin(list(sources)) if sources is not None else None
        part = frame if mask is None else frame[mask]
        for source, rows in part.groupby("source", sort=False):
            verdicts = self.verdicts_of(rows.iloc[0])
            values = [verdicts.get(fp) or Verdict() for fp in rows["fingerprint"]]
            frame.loc[rows.index, "verdict"] = [v.verdict for v in values]
            frame.loc[rows.index, "comment"] = [v.comment for v in values]
            frame.loc[rows.index, "reviewer"] = [v.auditor for v in values]
            frame.loc[rows.index, "reviewed_at"] = [v.updated_at for v in values]

    def identity_of(self, row) -> ReportIdentity:
        return ReportIdentity.from_fields(row["agency"] or None, _int(row["year"]), row["layout"] or None, row["sha256"] or None, row["source"])

    def verdicts_of(self, row) -> dict[str, Verdict]:
        report_id = self.store.find_report(self.identity_of(row))
        return {fp: Verdict.of(change) for fp, change in self.store.current(report_id).items()}

    def report_status(self) -> "pd.DataFrame":
        """One row per audited report: agency, year, file, counts and the reviewed conclusion."""
        import pandas as pd

        rows = []
        audited = self.reports[self.reports["status"] != "unreadable"]
        by_source = {source: part for source, part in self.frame.groupby("source", sort=False)}
        for _, report in audited.iterrows():
            part = by_source.get(report["source"])
            findings = [] if part is None else [_Row(s, v) for s, v in zip(part["severity"], part["verdict"])]
            conclusion = reviewed_conclusion(findings, lambda f: Verdict(f.verdict))
            rows.append({
                "source": report["source"], "agency": report["agency"], "year": _int(report["year"]), "findings": len(findings),
                "review_status": conclusion.status, "review": conclusion.text, "confirmed": conclusion.confirmed,
                "pending": conclusion.pending, "open_errors": conclusion.open_errors,
            })
        return pd.DataFrame(rows, columns=["source", "agency", "year", "findings", "review_status", "review", "confirmed", "pending", "open_errors"])

    # -- writing ------------------------------------------------------------------------------------
    def set_verdicts(self, index: Iterable, verdict: str | None, comment: str | None = None, auditor: str = "") -> int:
        """Give the findings at ``index`` (labels of :attr:`frame`) a verdict and/or comment (``None``
        keeps it), in one transaction. Returns the number of findings addressed."""
        from .review import parse_verdict

        key = None if verdict is None else parse_verdict(verdict)
        chosen = self.frame.loc[list(index)]
        positions = self.frame.groupby("source", sort=False).indices
        reports = []
        for source, rows in chosen.groupby("source", sort=False):
            everything = self.frame.iloc[positions[source]]
            seen = [FindingMeta(r.fingerprint, r.rule, r.severity, r.message) for r in everything.itertuples()]
            items = [(FindingMeta(r.fingerprint, r.rule, r.severity, r.message), key, comment) for r in rows.itertuples()]
            reports.append((self.identity_of(rows.iloc[0]), items, seen))
        self.store.record_many(reports, auditor=auditor, origin="batch")  # all or nothing
        self.refresh(chosen["source"].unique())
        return len(chosen)

    def write_back(self):
        """The current verdicts into findings.csv, findings.xlsx and reports.csv of the batch."""
        from .batch.verdicts import apply_verdicts

        return apply_verdicts(self.folder, self.store)


class _Row:
    __slots__ = ("severity", "verdict")

    def __init__(self, severity: str, verdict: str):
        self.severity, self.verdict = severity, verdict


def _int(value) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def load_batch_findings(report_dir: str | os.PathLike, store: str | os.PathLike | ReviewStore | None = None, *, readonly: bool = False) -> BatchFindings:
    """Every finding of a batch output folder with its current verdict (see the module docstring).

    Raises :class:`NotABatch` for a folder without batch results (or made by an older version,
    without the identity columns) and :class:`~xxgk_audit.store.StoreError` for an unreadable store.
    """
    import pandas as pd

    from .rules import REGISTRY

    folder = resolve_batch_dir(report_dir)
    findings_csv, reports_csv = folder / "findings.csv", folder / "reports.csv"
    if not findings_csv.is_file() or not reports_csv.is_file():
        raise NotABatch(str(folder), f"没有批量审核的结果（findings.csv、reports.csv）：请先运行 xxgk-audit batch … --out-dir {folder}")
    frame = pd.read_csv(findings_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    reports = pd.read_csv(reports_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    missing = [c for c in (*IDENTITY_COLUMNS, "fingerprint", "verdict") if c not in frame.columns]
    if missing or "status" not in reports.columns:
        raise NotABatch(str(folder), f"批量审核结果缺少 {'、'.join(missing) or 'status'} 列（由旧版本生成）：请重新运行 xxgk-audit batch")
    frame = frame[frame["rule"] != UNREADABLE_RULE].reset_index(drop=True)
    frame["group"] = frame["rule"].map(lambda r: REGISTRY[r].group if r in REGISTRY else "")
    frame = frame.reindex(columns=COLUMNS, fill_value="")
    if not isinstance(store, ReviewStore):
        store = ReviewStore(batch_store_path(folder, store), readonly=readonly)
    batch = BatchFindings(folder, store, frame, reports)
    batch.refresh()
    return batch


def verdict_label(key: str) -> str:
    return VERDICTS.get(key, key)


def group_label(key: str) -> str:
    return GROUP_LABELS.get(key, key)


def severity_label(key: str) -> str:
    return SEVERITY_LABELS.get(key, key)
