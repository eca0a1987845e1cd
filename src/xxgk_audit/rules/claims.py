"""The narrative's counts against the tables (TEXT-VS-TABLE, and the memo's list of them).

The counts were read when the report was parsed (``Report.claims``, :mod:`xxgk_audit.parse.narrative`);
here each is compared with the cells it speaks of, under every reading the words allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..parse.narrative import Claim
from ..report import Report

@dataclass(frozen=True, slots=True)
class Unit:
    """One table quantity: a total cell and, for when it is blank, the cells that add up to it."""

    total: str
    parts: tuple[str, ...] = ()


@cache
def _units(layout_id: str, terms: tuple[str, ...]) -> tuple[Unit, ...]:
    from ..layout import get_layout

    layout = get_layout(layout_id)
    rows: dict[str, list[str]] = {}
    for key, spec in layout.cells.items():
        if spec.table == "t3":
            rows.setdefault(spec.row, []).append(key)
    units: list[Unit] = []
    for term in terms:
        table, _, rest = term.partition(".")
        if table == "t3":
            if rest.endswith(".*"):
                group = rest[:-2]
                children = [r for r in rows if r.startswith(group + ".")]
                names = children or ([group] if group in rows else [])
            else:
                names = [rest] if rest in rows else []
            for name in names:
                keys = rows[name]
                total = f"t3.{name}.total"
                units.append(Unit(total, tuple(k for k in keys if k != total)))
        elif table == "t4" and rest.count(".") == 0:
            outcomes = ("upheld", "corrected", "other", "pending")
            units.append(Unit(f"t4.{rest}.total", tuple(f"t4.{rest}.{o}" for o in outcomes)))
        else:
            units.append(Unit(term))
    return tuple(units)


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A claim and the table: ``match``, ``mismatch``, ``open`` (blank cells could explain it) or
    ``absent`` (the table was not read: missing or inseparable)."""

    claim: Claim
    status: str
    table: int | float | None  # the sum of the known cells
    blanks: int
    cells: tuple[str, ...]
    label: str = ""  # the table side of the reading compared
    others: tuple[tuple[str, int | float | None], ...] = ()  # the other readings, all contradicted


def _compare(report: Report, claim: Claim, terms: tuple[str, ...], label: str) -> ClaimCheck:
    layout_id = report.layout.id if report.layout else "2021"
    units = _units(layout_id, terms)
    cells = report.cells
    known, blanks, used = 0, 0, []
    for unit in units:
        total = cells.get(unit.total)
        if total is None:
            return ClaimCheck(claim, "absent", None, 0, (), label)
        if total.value is not None:
            known += total.value
            used.append(unit.total)
            continue
        parts = [cells.get(k) for k in unit.parts]
        used.append(unit.total)
        if not parts or any(p is None for p in parts):
            blanks += 1
            continue
        used.extend(unit.parts)
        known += sum(p.value for p in parts if p.value is not None)
        blanks += sum(1 for p in parts if p.value is None)
    if not units:
        return ClaimCheck(claim, "absent", None, 0, (), label)
    if blanks == 0:
        status = "match" if known == claim.stated else "mismatch"
    else:
        status = "mismatch" if known > claim.stated else "open"
    return ClaimCheck(claim, status, known, blanks, tuple(used), label)


_PREFERENCE = ("match", "open", "absent", "mismatch")


def check_claim(report: Report, claim: Claim) -> ClaimCheck:
    """The claim against the table; with several readings, the best one (a contradiction only
    when every reading contradicts: then the others are kept in ``others``)."""
    checks = [_compare(report, claim, terms, label) for terms, label in ((claim.terms, claim.label), *claim.alternatives)]
    best = min(checks, key=lambda c: _PREFERENCE.index(c.status))
    if best.status == "mismatch" and len(checks) > 1:
        others = tuple((c.label, c.table) for c in checks if c is not best)
        return ClaimCheck(claim, best.status, best.table, best.blanks, best.cells, best.label, others)
    return best


def narrative_checks(report: Report) -> list[ClaimCheck]:
    """Every count the narrative quotes, compared with the tables (TEXT-VS-TABLE; the memo)."""
    return [check_claim(report, claim) for claim in report.claims]
