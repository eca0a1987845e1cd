"""Run every registered rule over a report and collect the findings (never stop at the first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from . import __version__
from .findings import SEVERITIES, Finding
from .publication import Publication, effective
from .report import Report
from .rules import REGISTRY, AuditContext, EquationCheck
from .rules.registry import GROUPS

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class AuditResult:
    report: Report
    findings: list[Finding]
    checks: list[EquationCheck] = field(default_factory=list)
    publication: Publication | None = None  # the publication date the audit used, with its source

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def by_rule(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule_id]

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        data["findings"] = [f.to_dict() for f in self.findings]
        return data

    def to_frame(self) -> "pd.DataFrame":
        """One row per finding and cell location (long format), for filtering and pivoting."""
        import pandas as pd

        rows = []
        for finding in self.findings:
            base = {
                "source": self.report.source,
                "agency": self.report.agency,
                "year": self.report.year,
                "rule": finding.rule,
                "severity": finding.severity,
                "group": finding.group,
                "message": finding.message,
                "expected": finding.expected,
                "actual": finding.actual,
                "difference": finding.difference,
                "fingerprint": finding.fingerprint,
            }
            for location in finding.locations or [None]:
                rows.append(
                    base
                    | {
                        "cell": location.cell if location else None,
                        "line": location.line if location else None,
                        "page": location.page if location else None,
                        "text": location.text if location else None,
                    }
                )
        columns = ["source", "agency", "year", "rule", "severity", "group", "message", "cell", "expected", "actual", "difference", "line", "page", "text", "fingerprint"]
        return pd.DataFrame(rows, columns=columns)


def _order(finding: Finding, ranks: dict[str, int]) -> tuple[int, int, int]:
    return (SEVERITIES.index(finding.severity), GROUPS.index(finding.group), ranks[finding.rule])


def audit(
    report: Report,
    prior: Report | Iterable[Report] | None = None,
    *,
    members: Iterable[Report] = (),
    severities: dict[str, str] | None = None,
    publication: Publication | None = None,
) -> AuditResult:
    """Apply every rule to ``report``.

    ``prior``: earlier reports of the same agency (cross-year rules); ``members``: the reports a
    region's summary report covers, where a batch declares it; ``severities``: re-graded rules;
    ``publication``: what a batch knows of the report's publication (a crawler's first-seen date,
    the roster's kind of body and deadline: :mod:`xxgk_audit.publication`), which DEADLINE uses
    instead of the printed date.
    """
    if isinstance(prior, Report):
        prior = [prior]
    used = effective(report.published, publication)
    context = AuditContext(report, list(prior or []), list(members), dict(severities or {}), publication=used)
    findings: list[Finding] = []
    for rule in REGISTRY.values():
        findings.extend(rule.check(context))
    ranks = {rule_id: n for n, rule_id in enumerate(REGISTRY)}
    findings.sort(key=lambda finding: _order(finding, ranks))
    return AuditResult(report, findings, context.checks, used)


def tool_info() -> dict[str, str]:
    return {"name": "xxgk-audit", "version": __version__}
