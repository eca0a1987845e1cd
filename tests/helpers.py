"""Small edits of the bundled sample report, to build minimal failing inputs for each rule."""

from __future__ import annotations

import re
from pathlib import Path

from xxgk_audit import audit, load_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "2023_suixian-gxj.txt"
T4_ORDER = [f"{g}.{o}" for g in ("review", "litigation_direct", "litigation_after_review") for o in ("upheld", "corrected", "other", "pending", "total")]
T3_COLUMNS = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"]


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def _numeric_fields(fields: list[str]) -> list[int]:
    return [i for i, f in enumerate(fields) if re.fullmatch(r"\s*[-+]?[\d.,０-９]+\s*|\s*[—/]\s*|\s*不详\s*", f)]


def set_row_value(text: str, row_fragment: str, column: int, value: str) -> str:
    """Replace the ``column``-th value of the first tab-separated line containing ``row_fragment``."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if row_fragment in line and "\t" in line:
            fields = line.split("\t")
            fields[_numeric_fields(fields)[column]] = value
            lines[n] = "\t".join(fields)
            return "\n".join(lines)
    raise AssertionError(f"row {row_fragment!r} not in the text")


def set_t4_value(text: str, key: str, value: str) -> str:
    lines = text.split("\n")
    for n, line in enumerate(lines):
        fields = line.split("\t")
        if len(fields) == 15 and all(re.fullmatch(r"-?[\d.]+", f.strip()) for f in fields):
            fields[T4_ORDER.index(key)] = value
            lines[n] = "\t".join(fields)
            return "\n".join(lines)
    raise AssertionError("表四 data row not found")


def drop_lines(text: str, *fragments: str) -> str:
    return "\n".join(line for line in text.split("\n") if not any(f in line for f in fragments))


def replace_line(text: str, fragment: str, new: str) -> str:
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if fragment in line:
            lines[n] = new
            return "\n".join(lines)
    raise AssertionError(f"{fragment!r} not in the text")


def audit_text(tmp_path: Path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = load_report(path)
    return report, audit(report)


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}
