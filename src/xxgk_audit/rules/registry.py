"""The rule registry: one entry per rule id of ../shared/spec/rules.md.

A rule is a function of an :class:`AuditContext` that yields findings. It is registered under its
id with its default severity and group; its docstring names the clause it enforces. Rules derived
from data (the equations of a layout) are registered by the module that reads the data.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..findings import Finding, Location
from ..publication import Publication
from ..report import Report, Source

GROUPS = ("structure", "arithmetic", "text", "cross")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    group: str
    check: Callable[["AuditContext"], Iterable[Finding]]
    doc: str


REGISTRY: dict[str, Rule] = {}


def register(rule_id: str, severity: str, group: str, check: Callable, doc: str | None = None) -> None:
    if rule_id in REGISTRY:
        raise ValueError(f"rule {rule_id} registered twice")
    if group not in GROUPS or severity not in ("error", "warning", "info"):
        raise ValueError(f"rule {rule_id}: bad group or severity")
    REGISTRY[rule_id] = Rule(rule_id, severity, group, check, doc or inspect.getdoc(check) or "")


def rule(rule_id: str, severity: str, group: str):
    """Decorator: ``@rule("T3-BAL", "error", "arithmetic")`` above the function named for the id."""

    def decorate(func):
        register(rule_id, severity, group, func)
        return func

    return decorate


def location(key: str | None, source: Source | None, file: str) -> Location:
    if source is None:
        return Location(key, file)
    return Location(
        key, source.file, source.line, source.page, source.row_label, source.column_label, source.text,
        source.table_no, source.row_no, source.col_no, source.ocr,
    )


@dataclass(slots=True)
class EquationCheck:
    """The outcome of one equation instance, for the memo's 表格勾稽 list."""

    rule: str
    subject_label: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    status: str  # pass | fail | unknown (blank cells) | absent (table not read)
    lhs_sum: int | float | None = None
    rhs_sum: int | float | None = None
    blanks: tuple[str, ...] = ()


@dataclass
class AuditContext:
    report: Report
    prior: list[Report] = field(default_factory=list)  # earlier reports of the same agency, newest first
    members: list[Report] = field(default_factory=list)  # reports a region's summary report covers (batch)
    severities: dict[str, str] = field(default_factory=dict)  # re-graded severities by rule id
    checks: list[EquationCheck] = field(default_factory=list)
    publication: Publication | None = None  # the publication date and deadline kind in use (DEADLINE)

    @property
    def file(self) -> str:
        return self.report.source

    def locate(self, key: str) -> Location:
        cell = self.report.cells.get(key)
        return location(key, cell.source if cell else None, self.file)

    def finding(
        self,
        rule_id: str,
        message: str,
        cells: Iterable[str] = (),
        *,
        expected: int | float | None = None,
        actual: int | float | None = None,
        locations: Iterable[Location] | None = None,
        subject: str = "",
        severity: str | None = None,
    ) -> Finding:
        """``severity``: this finding's own grade where the rule's default does not fit it (a
        failing equation that an OCR misread may explain is a warning, not an error)."""
        spec = REGISTRY[rule_id]
        cells = tuple(cells)
        if locations is None:
            locations = [self.locate(key) for key in cells if key in self.report.cells]
        return Finding(
            rule=rule_id,
            severity=severity or self.severities.get(rule_id, spec.severity),
            group=spec.group,
            message=message,
            cells=cells,
            expected=expected,
            actual=actual,
            locations=tuple(locations),
            subject=subject,
            values=tuple(self.report.value(key) for key in cells),
        )
