"""xxgk-audit: audit 政府信息公开工作年度报告 — completeness, table arithmetic, provenance.

    >>> from xxgk_audit import load_report, audit
    >>> report = load_report("data/samples/2023_suixian-gxj.txt")
    >>> result = audit(report)
    >>> result.counts
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError


def load_report(path):
    """Read and parse a report file (txt, md, html, pdf, docx); raises InputError if unreadable."""
    from .loaders import load_document

    return report_from_document(load_document(path))


def report_from_document(document):
    """Parse a loaded :class:`~xxgk_audit.document.Document`; raises InputError if it is no report."""
    from .parse import parse_document

    report = parse_document(document)
    if not report.sections and report.template is None and report.title is None:
        raise InputError(document.path, "未识别出年度报告的标题、任何部分或表格，不像是一份政府信息公开工作年度报告")
    return report


def audit(report, prior=None, **options):
    """Run all rules; ``prior``: earlier report(s) of the same agency for the cross-year rules."""
    from .engine import audit as run

    return run(report, prior, **options)


__all__ = ["InputError", "audit", "load_report", "__version__"]
