"""The findings of ``check`` for people (text), programs (JSON) and spreadsheets (CSV)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path


def template_label(report) -> str:
    if report.template is None:
        return "未识别出表格"
    return f"{report.template}年格式（{report.layout.document_number}）"


def render_text(results, failures) -> str:
    from .findings import SEVERITIES, SEVERITY_LABELS
    from .render import value_text

    out = io.StringIO()
    for result in results:
        report = result.report
        counts = result.counts
        out.write(f"== {report.source}\n")
        tables = "、".join(f"{report.layout.tables[k].name}{ {'found': '已读取', 'missing': '缺失', 'inseparable': '数字连写无法读取'}[v]}" for k, v in report.tables.items())
        out.write(f"   {report.agency or '（未识别单位）'} · {report.year or '？'}年度 · {template_label(report)} · 找到{len(report.sections)}/6个部分 · {tables}\n")
        verdict = "有错误，需要更正" if counts["error"] else ("有警告，建议核实" if counts["warning"] else "未发现问题")
        out.write(f"   结论：{verdict}（错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}）\n")
        for severity in SEVERITIES:
            group = [f for f in result.findings if f.severity == severity]
            if not group:
                continue
            out.write(f"\n  {SEVERITY_LABELS[severity]}（{len(group)}）\n")
            for finding in group:
                out.write(f"  [{finding.rule}] {finding.message}\n")
                values = value_text(finding)
                if values:
                    out.write(f"      {values}\n")
                shown = finding.locations[:6]
                for location in shown:
                    label = "".join(f"“{x}”" for x in (location.row_label, location.column_label) if x)
                    text = f"原文“{location.text}”" if location.text is not None else ""
                    other = f"{Path(location.file).name} " if location.file != report.source else ""
                    out.write(" ".join(x for x in (f"      {other}{location.where}", label, text) if x) + "\n")
                if len(finding.locations) > len(shown):
                    out.write(f"      ……共{len(finding.locations)}处\n")
        out.write("\n")
    for path, reason in failures:
        out.write(f"== {path}\n   无法读取：{reason}\n\n")
    return out.getvalue()


def render_json(results, failures) -> str:
    from .engine import tool_info

    data = {
        "tool": tool_info(),
        "reports": [r.to_dict() for r in results],
        "unreadable": [{"source": path, "reason": reason} for path, reason in failures],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["source", "agency", "year", "template", "rule", "severity", "message", "cells", "expected", "actual", "difference", "locations", "fingerprint"]


def render_csv(results, failures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in results:
        report = result.report
        for finding in result.findings:
            places = "; ".join(f"{l.cell or ''}@{l.where}:{l.text if l.text is not None else ''}" for l in finding.locations)
            writer.writerow([report.source, report.agency, report.year, report.template, finding.rule, finding.severity, finding.message, " ".join(finding.cells), finding.expected, finding.actual, finding.difference, places, finding.fingerprint])
    for path, reason in failures:
        writer.writerow([path, None, None, None, "UNREADABLE", "error", reason, "", None, None, None, "", ""])
    return out.getvalue()


def summary_line(results, unreadable: int = 0, extra: str = "") -> str:
    """One line after a multi-report run: 3 份报告：1 份有错误，1 份有警告，1 份未发现错误或警告；1 份无法读取."""
    errors = sum(1 for r in results if r.counts["error"])
    warnings = sum(1 for r in results if not r.counts["error"] and r.counts["warning"])
    clean = len(results) - errors - warnings
    line = f"{len(results) + unreadable} 份报告：{errors} 份有错误，{warnings} 份有警告，{clean} 份未发现错误或警告"
    if unreadable:
        line += f"；{unreadable} 份无法读取"
    return line + (f"；{extra}" if extra else "")
