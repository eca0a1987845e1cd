"""Findings: small typed records with a stable rule id, a location for every cell, a fingerprint.

A finding is what an auditor pastes into a memo: the rule it breaks, a Chinese message with the
numbers, the cells it read, expected and actual values where arithmetic is involved, and where each
cell was printed. Its fingerprint depends on the rule, the cells and their values, so a saved
verdict stays attached until the report's numbers change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .document import OcrBox, place

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
GROUP_LABELS = {
    "structure": "结构与完整性",
    "arithmetic": "表格勾稽",
    "text": "文字与内容",
    "cross": "跨年度与跨报告",
}


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen init costs three times more, and every finding makes one per cell; never changed after it is made
class Location:
    cell: str | None
    file: str
    line: int | None = None
    page: int | None = None
    row_label: str | None = None
    column_label: str | None = None
    text: str | None = None
    table_no: int | None = None
    row_no: int | None = None
    col_no: int | None = None
    ocr: OcrBox | None = None  # the box of a scanned page the value was recognized in

    @property
    def where(self) -> str:
        return place(self.line, self.page, self.table_no, self.row_no, self.col_no)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "cell": self.cell,
            "file": self.file,
            "line": self.line,
            "page": self.page,
            "row_label": self.row_label,
            "column_label": self.column_label,
            "text": self.text,
            "table": self.table_no,
            "row": self.row_no,
            "column": self.col_no,
            "where": self.where,
        }
        if self.ocr is not None:
            data["ocr"] = {
                "box": [round(v, 1) for v in self.ocr.box],
                "text": self.ocr.text,
                "confidence": round(self.ocr.confidence, 4),
                "suspect": self.ocr.suspect,
            }
        return data


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    group: str
    message: str
    cells: tuple[str, ...] = ()
    expected: int | float | None = None
    actual: int | float | None = None
    locations: tuple[Location, ...] = ()
    subject: str = ""  # what the finding is about when no cell is (a section key, a raw text)
    values: tuple[Any, ...] = field(default=(), repr=False)  # the values read, for the fingerprint

    @property
    def difference(self) -> int | float | None:
        if self.expected is None or self.actual is None:
            return None
        difference = self.actual - self.expected
        return round(difference, 6) if isinstance(difference, float) else difference

    @property
    def fingerprint(self) -> str:
        payload = json.dumps(
            [self.rule, list(self.cells), self.expected, self.actual, self.subject, list(self.values)],
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "group": self.group,
            "message": self.message,
            "cells": list(self.cells),
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "locations": [location.to_dict() for location in self.locations],
            "fingerprint": self.fingerprint,
        }
