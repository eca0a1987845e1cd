"""The findings of ``check`` for people (text), programs (JSON) and spreadsheets (CSV)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .shown import shown


def template_label(report) -> str:
    if report.template is None:
        return "未识别出表格"
    return f"{report.template}年格式（{report.layout.document_number}）"


def _reviews(results, reviews) -> list:
    return list(reviews) if reviews is not None else [None] * len(results)


def _verdict_of(review):
    from .review import no_verdict

    return review.get if review is not None else no_verdict


def render_text(results, failures, reviews=None) -> str:
    """``reviews``: the :class:`~xxgk_audit.review.ReportReview` of each result (or None): the
    auditor's conclusion and each finding's verdict are shown beside the automatic ones."""
    from .findings import SEVERITIES, SEVERITY_LABELS
    from .review import reviewed_conclusion
    from .render import value_text

    out = io.StringIO()
    for result, review in zip(results, _reviews(results, reviews)):
        report = result.report
        counts = result.counts
        verdict_of = _verdict_of(review)
        out.write(f"== {shown(report.source)}\n")
        tables = "、".join(f"{report.layout.tables[k].name}{ {'found': '已读取', 'missing': '缺失', 'inseparable': '数字连写无法读取'}[v]}" for k, v in report.tables.items())
        out.write(f"   {report.agency or '（未识别单位）'} · {report.year or '？'}年度 · {template_label(report)} · 找到{len(report.sections)}/6个部分 · {tables}\n")
        verdict = "有错误，需要更正" if counts["error"] else ("有警告，建议核实" if counts["warning"] else "未发现问题")
        out.write(f"   结论：{verdict}（错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}）\n")
        conclusion = reviewed_conclusion(result.findings, verdict_of)
        reviewers = review.reviewers() if review is not None else []
        out.write(f"   审核结论：{conclusion.text}" + (f"（审核人：{'、'.join(reviewers)}）" if reviewers else "") + "\n")
        meta = report.meta
        if meta.get("ocr_engine"):  # a scan, or pictures of tables: say that their values were recognized
            where = f"图片表格：文中第{meta['ocr_pictures']}张图片" if meta.get("ocr_pictures") else f"扫描件：第{meta.get('ocr_pages', '').replace(', ', '、')}页"
            out.write(f"   {where}经文字识别（{meta['ocr_engine']}），平均置信度 {meta['ocr_confidence']}\n")
        for severity in SEVERITIES:
            group = [f for f in result.findings if f.severity == severity]
            if not group:
                continue
            out.write(f"\n  {SEVERITY_LABELS[severity]}（{len(group)}）\n")
            for finding in group:
                given = verdict_of(finding)
                mark = "" if given.is_pending else f"  〔{given.label}" + (f"：{given.comment}" if given.comment else "") + "〕"
                out.write(f"  [{finding.rule}] {finding.message}{mark}\n")
                values = value_text(finding)
                if values:
                    out.write(f"      {values}\n")
                listed = finding.locations[:6]
                for location in listed:
                    label = "".join(f"“{x}”" for x in (location.row_label, location.column_label) if x)
                    text = f"原文“{location.text}”" if location.text is not None else ""
                    other = f"{shown(Path(location.file).name)} " if location.file != report.source else ""
                    if location.ocr is not None:
                        text += f"（识别置信度{location.ocr.confidence:.2f}{'，可能误识' if location.ocr.suspect else ''}）"
                    out.write(" ".join(x for x in (f"      {other}{location.where}", label, text) if x) + "\n")
                if len(finding.locations) > len(listed):
                    out.write(f"      ……共{len(finding.locations)}处\n")
        out.write("\n")
    for path, reason in failures:
        out.write(f"== {shown(path)}\n   无法读取：{shown(reason)}\n\n")
    return out.getvalue()


def render_json(results, failures, reviews=None) -> str:
    from .engine import tool_info
    from .review import reviewed_conclusion

    reports = []
    for result, review in zip(results, _reviews(results, reviews)):
        verdict_of = _verdict_of(review)
        data = result.to_dict()
        data["source"] = shown(data["source"])  # a name that is no UTF-8 cannot be written: escaped (xxgk_audit.shown)
        for finding, item in zip(result.findings, data["findings"]):
            given = verdict_of(finding)
            item.update(verdict=given.verdict, comment=given.comment, auditor=given.auditor, updated_at=given.updated_at or None)
            for location in item.get("locations", []):
                if "file" in location:
                    location["file"] = shown(location["file"])
        data["review"] = reviewed_conclusion(result.findings, verdict_of).to_dict()
        reports.append(data)
    data = {
        "tool": tool_info(),
        "reports": reports,
        "unreadable": [{"source": shown(path), "reason": shown(reason)} for path, reason in failures],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = [
    "source", "agency", "year", "template", "rule", "severity", "message", "cells", "expected", "actual", "difference", "locations", "fingerprint",
    "sha256", "layout", "verdict", "comment", "reviewer", "reviewed_at",
]
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


def report_fields(report) -> dict:
    """What a findings CSV row tells of its report (the identity the verdicts belong to included)."""
    return {
        "source": report.source, "agency": report.agency, "year": report.year, "template": report.template,
        "sha256": report.sha256, "layout": report.layout.id if report.layout is not None else None,
    }


def finding_csv_row(report: dict, finding: dict, verdict=None) -> list:
    """One row of ``CSV_COLUMNS``: ``report`` as :func:`report_fields`, ``finding`` as
    ``Finding.to_dict()`` with each location's ``where``, ``verdict`` a Verdict or None (待定)."""
    places = "; ".join(_place_text(l) for l in finding["locations"])
    verdict_key, comment, reviewer, when = ("pending", "", "", "") if verdict is None else (verdict.verdict, verdict.comment, verdict.auditor, verdict.updated_at)
    return csv_row([
        shown(report["source"]), report["agency"], report["year"], report["template"], finding["rule"], finding["severity"], finding["message"],
        " ".join(finding["cells"]), finding["expected"], finding["actual"], finding["difference"], places, finding["fingerprint"],
        report["sha256"], report["layout"], verdict_key, comment, reviewer, when,
    ])


def _place_text(location: dict) -> str:
    """A location of ``finding_dict`` in a CSV cell: ``第58行 t3.new.total:27`` (the place first: never a formula)."""
    text = location["text"] if location["text"] is not None else ""
    return f"{location['where']} {location['cell']}:{text}" if location["cell"] else f"{location['where']}:{text}"


def unreadable_csv_row(path: str, reason: str) -> list:
    return csv_row([shown(path), None, None, None, "UNREADABLE", "error", shown(reason), "", None, None, None, "", "", None, None, None, None, None, None])


def finding_dict(finding) -> dict:
    """``Finding.to_dict()`` with each location's ``where`` (第3页, 第58行)."""
    data = finding.to_dict()
    for location, place in zip(finding.locations, data["locations"]):
        place["where"] = location.where
    return data


def render_csv(results, failures, reviews=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result, review in zip(results, _reviews(results, reviews)):
        report = report_fields(result.report)
        for finding in result.findings:
            writer.writerow(finding_csv_row(report, finding_dict(finding), review.get(finding) if review is not None else None))
    for path, reason in failures:
        writer.writerow(unreadable_csv_row(path, reason))
    return out.getvalue()


def summary_line(results, unreadable: int = 0, extra: str = "", open_errors: list[int] | None = None) -> str:
    """One line after a multi-report run: 3 份报告：1 份有错误，1 份有警告，1 份未发现错误或警告；1 份无法读取.

    ``open_errors``: per report, the errors the auditor has not dismissed (the review store); a
    report whose every error was dismissed counts as having none."""
    has_error = [bool(n) for n in open_errors] if open_errors is not None else [bool(r.counts["error"]) for r in results]
    errors = sum(has_error)
    warnings = sum(1 for r, e in zip(results, has_error) if not e and r.counts["warning"])
    clean = len(results) - errors - warnings
    line = f"{len(results) + unreadable} 份报告：{errors} 份有错误，{warnings} 份有警告，{clean} 份未发现错误或警告"
    if unreadable:
        line += f"；{unreadable} 份无法读取"
    return line + (f"；{extra}" if extra else "")
