"""The findings of ``check`` for people (text), programs (JSON) and spreadsheets (CSV)."""

from __future__ import annotations

import csv
import io
import json

from .shown import shown


def template_label(report) -> str:
    if report.template is None:
        return "未识别出表格"
    return f"{report.template}年格式（{report.layout.document_number}）"


def render_text(results, failures) -> str:
    from .findings import SEVERITIES, SEVERITY_LABELS

    out = io.StringIO()
    for result in results:
        report = result.report
        counts = result.counts
        out.write(f"== {shown(report.source)}\n")
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
                listed = finding.locations[:6]
                for location in listed:
                    label = "".join(f"“{x}”" for x in (location.row_label, location.column_label) if x)
                    text = f"原文“{location.text}”" if location.text is not None else ""
                    out.write(f"      {location.where} {label} {text}".rstrip() + "\n")
                if len(finding.locations) > len(listed):
                    out.write(f"      ……共{len(finding.locations)}处\n")
        out.write("\n")
    for path, reason in failures:
        out.write(f"== {shown(path)}\n   无法读取：{shown(reason)}\n\n")
    return out.getvalue()


def render_json(results, failures) -> str:
    from .engine import tool_info

    reports = [r.to_dict() for r in results]
    for report in reports:  # names escaped (output.shown): a name that is no UTF-8 cannot be written
        report["source"] = shown(report["source"])
        for finding in report.get("findings", []):
            for location in finding.get("locations", []):
                if "file" in location:
                    location["file"] = shown(location["file"])
    data = {
        "tool": tool_info(),
        "reports": reports,
        "unreadable": [{"source": shown(path), "reason": shown(reason)} for path, reason in failures],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["source", "agency", "year", "template", "rule", "severity", "message", "cells", "expected", "actual", "difference", "locations", "fingerprint"]
# A spreadsheet takes a cell starting with one of these for a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value for a CSV cell: text a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``@SUM``,
    ``-2+3``) gets a leading apostrophe, as OWASP recommends; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]


def location_text(location) -> str:
    """One location in a CSV cell: ``第58行 t3.new.total:27`` (the place first: never a formula)."""
    text = location.text if location.text is not None else ""
    return f"{location.where} {location.cell}:{text}" if location.cell else f"{location.where}:{text}"


def render_csv(results, failures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in results:
        report = result.report
        source = shown(report.source)
        for finding in result.findings:
            places = "; ".join(location_text(l) for l in finding.locations)
            writer.writerow(csv_row([source, report.agency, report.year, report.template, finding.rule, finding.severity, finding.message, " ".join(finding.cells), finding.expected, finding.actual, finding.difference, places, finding.fingerprint]))
    for path, reason in failures:
        writer.writerow(csv_row([shown(path), None, None, None, "UNREADABLE", "error", shown(reason), "", None, None, None, "", ""]))
    return out.getvalue()
