"""Load several reports at once and pair each with the earlier reports of the same agency."""

from __future__ import annotations

import sys
from typing import Iterable, TextIO

from .exitcodes import fail_line, fail_reason


def load_all(paths: Iterable[str], debug: bool = False, stderr: TextIO | None = None) -> tuple[list, list[tuple[str, str]]]:
    """Load every path; unreadable ones are reported on stderr and returned as (path, reason)."""
    from . import load_report

    stderr = stderr or sys.stderr
    reports, failures = [], []
    for path in paths:
        try:
            reports.append(load_report(path))
        except Exception as exc:  # noqa: BLE001 - the boundary: one line per bad input, never a traceback
            print(fail_line(path, exc, debug), file=stderr)
            failures.append((path, fail_reason(exc)))
    return reports, failures


def pair_priors(report, priors: list) -> list:
    """Earlier reports of the same agency, most recent first, one per year (the first given wins).

    Agencies are compared by :func:`xxgk_audit.agency.same_agency`: width, traditional characters,
    OCR confusions, 人民政府/政府, short forms and an added administrative prefix
    (洪泽区人民政府 = 淮安市洪泽区人民政府) make no difference. The report itself is never its prior.
    """
    from .agency import same_agency

    if report.agency is None or report.year is None:
        return []
    by_year: dict[int, object] = {}
    for prior in priors:
        if prior.year is None or prior.year >= report.year or (report.sha256 and prior.sha256 == report.sha256):
            continue
        if prior.year not in by_year and same_agency(prior.agency, report.agency):
            by_year[prior.year] = prior
    return [by_year[year] for year in sorted(by_year, reverse=True)]
