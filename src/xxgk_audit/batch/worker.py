"""What runs in a worker: the scan pass and the audit pass over one chunk of files.

Both never raise for a bad file (it becomes a record or a result with its reason) and return plain
data: :class:`~.records.ScanRecord` objects and result dicts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any, Sequence

from ..exitcodes import fail_reason
from ..shown import shown
from . import spool
from .cells import cell_line
from .records import ScanRecord, WorkItem
from .schema import KEY_CELLS

_settled = False

SPOOLED_FORMATS = ("pdf", "docx", "html")  # slow to load (a parser, not lines): the scan keeps their Document for the audit pass (as JSON, spool.py)


def scan_chunk(chunk: Sequence[tuple[int, str]], spool_dir: str | None = None, debug: bool = False) -> list[ScanRecord]:
    """Scan pass: load each file and read its metadata (worker side; never raises)."""
    from ..loaders import load_document
    from ..parse import document_metadata

    records = []
    for index, path in chunk:
        record = ScanRecord(index, path)
        try:
            document = load_document(path)
            record.format, record.sha256 = document.format, document.sha256
            meta = document_metadata(document)
            record.agency, record.year, record.title = meta.agency, meta.year, meta.title
            if spool_dir and document.format in SPOOLED_FORMATS:
                record.spool = spool.write(document, spool_dir, index)
        except Exception as exc:  # noqa: BLE001 - the boundary: the file becomes an error row
            record.error = _reason(path, exc, debug)
        records.append(record)
    _settle()
    return records


def _settle() -> None:
    """After a worker process's first chunk: what it keeps for good (the layouts, the caches of
    labels and values its first reports filled) is set aside from the garbage collector, whose full
    collections then look at a worker's thousands of reports only (about 3 % of its time). Not in
    the main process (a batch of one job runs there)."""
    global _settled
    if _settled or multiprocessing.parent_process() is None:
        return
    _settled = True
    gc.collect()
    gc.freeze()


def audit_chunk(items: Sequence[WorkItem], debug: bool = False, cell_keys: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Audit pass: parse and audit each item in order, priors and members from earlier items.

    Worker side; never raises for a bad file: it becomes a result with status ``unreadable``.
    ``cell_keys``: cells a scoring sheet reads, returned as ``sheet_cells``.
    """
    from ..engine import audit

    held: dict[int, Any] = {}
    out: list[dict[str, Any]] = []
    for item in items:
        report = None
        try:
            report = _load(item)
        except Exception as exc:  # noqa: BLE001
            if item.report:
                out.append(failed_result(item, _reason(item.path, exc, debug)))
        if report is not None and item.report:
            prior = held.get(item.prior) if item.prior is not None else None
            members = [held[m] for m in item.members if m in held]
            if len(members) < len(item.members):
                members = []  # a member could not be read: the sum would be wrong, HIERARCHY-SUM stays off
            try:
                result = audit(report, [prior] if prior is not None else None, members=members, publication=item.publication)
                out.append(_compact(item, result, prior, len(members), cell_keys))
            except Exception as exc:  # noqa: BLE001
                out.append(failed_result(item, _reason(item.path, exc, debug)))
        if item.keep and report is not None:
            held[item.index] = report
        for index in item.release:
            held.pop(index, None)
    _settle()
    return out


def failed_result(item: WorkItem, reason: str) -> dict[str, Any]:
    return {"index": item.index, "source": shown(item.path), "status": "unreadable", "reason": reason, "findings": []}


def _reason(path: str, exc: BaseException, debug: bool) -> str:
    return fail_reason(exc, debug)


def _load(item: WorkItem):
    from .. import load_report, report_from_document

    if item.spool:
        document = spool.read(item.spool)
        if document is not None and document.path == item.path:
            return report_from_document(document)
    return load_report(item.path)


def _compact(item: WorkItem, result, prior, members: int, cell_keys: Sequence[str] = ()) -> dict[str, Any]:
    """One audited report as plain data: its summary, key cells and findings (the parent adds the verdicts)."""
    from ..output import finding_dict
    from ..render import value_text
    from ..rules.structure import describe

    report = result.report
    counts = result.counts
    status = "error" if counts["error"] else "warning" if counts["warning"] else "info" if counts["info"] else "clean"
    findings = []
    for finding in result.findings:
        data = finding_dict(finding) | {"subject": finding.subject}
        data["cell_labels"] = [describe(report.layout, key) for key in finding.cells] if report.layout else list(finding.cells)
        data["values_text"] = value_text(finding)
        findings.append(data)
    return {
        "index": item.index,
        "source": shown(report.source),
        "status": status,
        "reason": None,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "layout": report.layout.id if report.layout is not None else None,
        "format": report.format,
        "sha256": report.sha256,
        "counts": counts,
        "prior": shown(prior.source) if prior is not None else None,
        "members": members,
        "cells": {key: report.value(key) for key in KEY_CELLS if key in report.cells},
        "sheet_cells": {key: report.value(key) for key in cell_keys if key in report.cells},
        "findings": findings,
        **publication_fields(report, result.publication),
        "mtime": _mtime(report.source),
        "cell_line": cell_line(report),
    }


def publication_fields(report, used) -> dict[str, Any]:
    """The publication date used (sidecar or printed), the deadline kind and the status."""
    from ..agency import agency_kind
    from ..publication import deadline
    from ..roster import publication_status

    kind = used.kind or agency_kind(report.agency)
    limit = deadline(kind, report.year, used.deadline)
    status, late = publication_status(used.date, limit.isoformat() if limit else None)
    return {
        "publication": used.to_dict(), "kind": kind, "deadline": limit.isoformat() if limit else None,
        "publication_status": status, "days_late": late,
    }


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
