"""The findings of ``check`` for people (text), programs (JSON) and spreadsheets (CSV)."""

from __future__ import annotations

import csv
import io
import json


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
        out.write(f"== {report.source}\n")
        tables = "、".join(f"{report.layout.tables[k].name}{ {'found': '已读取', 'missing': '缺失', 'inseparable': '数字连写无法读取'}[v]}" for k, v in report.tables.items())
        out.write(f"   {report.agency or '（未识别单位）'} · {report.year or '？'}年度 · {template_label(report)} · 找到{len(report.sections)}/6个部分 · {tables}\n")
        verdict = "有错误，需要更正" if counts["error"] else ("有警告，建议核实" if counts["warning"] else "未发现问题")
        out.write(f"   结论：{verdict}（错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}）\n")
        meta = report.document.meta if report.document is not None else {}
        if meta.get("ocr_engine"):  # a scan: say that its values were recognized
            out.write(f"   扫描件：第{meta['ocr_pages'].replace(', ', '、')}页经文字识别（{meta['ocr_engine']}），平均置信度 {meta['ocr_confidence']}\n")
        for severity in SEVERITIES:
            group = [f for f in result.findings if f.severity == severity]
            if not group:
                continue
            out.write(f"\n  {SEVERITY_LABELS[severity]}（{len(group)}）\n")
            for finding in group:
                out.write(f"  [{finding.rule}] {finding.message}\n")
                shown = finding.locations[:6]
                for location in shown:
                    label = "".join(f"“{x}”" for x in (location.row_label, location.column_label) if x)
                    text = f"原文“{location.text}”" if location.text is not None else ""
                    if location.ocr is not None:
                        text += f"（识别置信度{location.ocr.confidence:.2f}{'，可能误识' if location.ocr.suspect else ''}）"
                    out.write(f"      {location.where} {label} {text}".rstrip() + "\n")
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
