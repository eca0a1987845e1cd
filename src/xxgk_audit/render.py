"""HTML fragments of the audit memo, shared by the static notebook, the widgets and the exporter.

Every value that comes from a report (labels, raw cell text, narrative quoted in messages, file
names) goes through :func:`esc`; tables are rendered by pandas' Styler with ``escape="html"``, and
hover texts are escaped before they become ``title`` attributes. Nothing here emits a script, an
event handler or a link built from report text.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources as _resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import __version__
from .findings import GROUP_LABELS, SEVERITIES, SEVERITY_LABELS, Finding
from .review import VERDICTS, Conclusion, ReportReview, Verdict, reviewed_conclusion

if TYPE_CHECKING:
    from .engine import AuditResult

MEMO_META_MIME = "application/vnd.xxgk-audit.memo+json"
MEMO_TITLE = "政府信息公开工作年度报告审核备忘录"
TABLE_STATUS = {"found": "已读取", "missing": "缺失", "inseparable": "数字连写无法读取"}
CELL_STATUS = {"number": "数字", "blank": "空白", "text": "文字", "missing": "缺失", "unreadable": "无法读取"}
CHECK_STATUS = {
    "pass": "通过", "fail": "不通过", "unknown": "无法判断（有空白单元格）", "absent": "未读取（表格缺失）",
    "assumed": "未核对（原文数字连写，已按此关系拆分）",
}
CHECK_CLASS = {"pass": "xxgk-st-pass", "fail": "xxgk-st-fail", "unknown": "xxgk-st-unknown", "absent": "xxgk-st-absent", "assumed": "xxgk-st-unknown"}
EQUATIONS = {
    "T3-BAL": "一 + 二 ＝ （七）总计 + 四",
    "T3-RESULT-SUM": "（七）总计 ＝ 各项办理结果之和",
    "T3-ROW-TOTAL": "总计 ＝ 自然人 + 法人或其他组织各列",
    "T4-SUM": "总计 ＝ 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
}
SECTION_TITLES = {
    "info": "报告信息",
    "conclusion": "审核结论",
    "completeness": "完整性",
    "checks": "表格勾稽",
    "tables": "表格（按规定格式）",
    "findings": "发现的问题",
    "appendix": "附录：全部单元格及其出处",
}


def esc(value) -> str:
    """Text for HTML: ``None`` is empty, everything else is escaped (quotes included)."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{round(value, 6):g}"
    return str(value)


@cache
def memo_css() -> str:
    path = _resources.files("xxgk_audit").joinpath("templates", "xxgk_memo", "memo.css")
    return path.read_text(encoding="utf-8")


def style_html() -> str:
    return f"<style>{memo_css()}</style>"


def badge(text: str, css: str) -> str:
    return f'<span class="xxgk-badge {css}">{esc(text)}</span>'


def _section(key: str, body: str, title: str | None = None) -> str:
    return f'<section class="xxgk-section" id="xxgk-{key}"><h2>{esc(title or SECTION_TITLES[key])}</h2>{body}</section>'


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """A table from header texts (escaped here) and ready-made cell HTML."""
    thead = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="xxgk-table {css}"><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>'


# -- what the memo is about --------------------------------------------------------------------

@dataclass
class MemoContext:
    """What one memo shows: the audit result, the saved verdicts, the auditor and the date."""

    result: "AuditResult"
    review: ReportReview | None = None
    auditor: str = ""
    date: str = ""
    evidence: bool = True  # the original beside each finding (xxgk_audit.evidence)

    def __post_init__(self):
        self.date = self.date or _dt.date.today().isoformat()

    @property
    def report(self):
        return self.result.report

    def verdict(self, finding: Finding) -> Verdict:
        return self.review.get(finding) if self.review is not None else Verdict()

    def conclusion(self) -> Conclusion:
        """The auditor's conclusion beside the automatic one (待审核 / 经审核确认 N 项问题 / 经审核未确认问题)."""
        return reviewed_conclusion(self.result.findings, self.verdict)

    def is_new(self, finding: Finding) -> bool:
        return self.review is not None and self.review.is_new(finding)

    def reviewers(self) -> list[str]:
        return self.review.reviewers() if self.review is not None else []


def layout_label(report) -> str:
    if report.template is None or report.layout is None:
        return "未识别出表格"
    return f"{report.template}年格式（{report.layout.document_number}）"


def verdict_line(counts: dict[str, int]) -> tuple[str, str]:
    if counts["error"]:
        return "有错误，需要更正", "xxgk-sev-error"
    if counts["warning"]:
        return "有警告，建议核实", "xxgk-sev-warning"
    return "未发现错误或警告", "xxgk-sev-info"


def memo_meta(ctx: MemoContext) -> dict:
    """Title and signature block values for the exporter (mimetype MEMO_META_MIME)."""
    report = ctx.report
    subtitle = " · ".join(x for x in (report.agency or "（未识别单位）", f"{report.year}年度" if report.year else "") if x)
    return {
        "title": MEMO_TITLE,
        "subtitle": subtitle,
        "auditor": ctx.auditor or "、".join(ctx.reviewers()),  # the signature names who reviewed
        "date": ctx.date,
        "facts": [["报告文件", Path(report.source).name], ["格式", layout_label(report)], ["审核日期", ctx.date]],
        "counts": ctx.result.counts,
        "has_errors": ctx.result.has_errors,
        "review": ctx.conclusion().text,
        "reviewers": ctx.reviewers(),
        "source": report.source,
    }


# -- sections ----------------------------------------------------------------------------------

def info_html(ctx: MemoContext) -> str:
    report = ctx.report
    rows = [
        ("单位", report.agency or "（未识别）"),
        ("年度", f"{report.year}年度" if report.year else "（未识别）"),
        ("报告标题", report.title or "（未识别）"),
        ("格式", layout_label(report)),
        ("文件名", Path(report.source).name),
        ("文件类型", report.format),
        ("SHA-256", report.sha256),
        ("发布日期", publication_text(ctx)),
        ("工具版本", f"xxgk-audit {__version__}"),
        ("审核日期", ctx.date),
        ("审核人", ctx.auditor or "（未填写）"),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return _section("info", f'<table class="xxgk-table xxgk-kv"><tbody>{body}</tbody></table>')


def publication_text(ctx: MemoContext) -> str:
    """The publication date with where it comes from (a crawler's record or the report itself)."""
    used = getattr(ctx.result, "publication", None)
    if used is None or not used.date:
        return ctx.report.published or "（未识别）"
    return used.describe()


def conclusion_html(ctx: MemoContext) -> str:
    counts = ctx.result.counts
    line, css = verdict_line(counts)
    parts = "".join(f'<span>{badge(SEVERITY_LABELS[s], "xxgk-sev-" + s)} {counts[s]} 项</span>' for s in SEVERITIES)
    body = f'<p class="xxgk-conclusion {css}">结论：{esc(line)}（错误 {counts["error"]} 项 · 警告 {counts["warning"]} 项 · 提示 {counts["info"]} 项）</p>'
    body += f'<div class="xxgk-counts">{parts}</div>'
    body += review_conclusion_html(ctx)
    return _section("conclusion", body)


def review_conclusion_html(ctx: MemoContext) -> str:
    """The auditor's conclusion, the tally of verdicts, who reviewed, and what is new in a re-publication."""
    conclusion = ctx.conclusion()
    body = f'<p class="xxgk-conclusion xxgk-review xxgk-review-{conclusion.status}">审核结论：{esc(conclusion.text)}</p>'
    if ctx.result.findings:
        tally = {key: 0 for key in VERDICTS}
        for finding in ctx.result.findings:
            tally[ctx.verdict(finding).verdict] += 1
        line = "审核意见：" + "，".join(f"{VERDICTS[k]} {v} 项" for k, v in tally.items())
        reviewers = ctx.reviewers()
        if reviewers:
            line += "；审核人：" + "、".join(reviewers)
        body += f'<p class="xxgk-note">{esc(line)}</p>'
    if ctx.review is not None and ctx.review.earlier_versions:
        new = sum(1 for f in ctx.result.findings if ctx.is_new(f))
        kept = sum(1 for f in ctx.result.findings if not ctx.is_new(f) and not ctx.verdict(f).is_pending)
        body += (
            f'<p class="xxgk-note">本报告是同一单位同一年度报告的新版本（此前审核过 {len(ctx.review.earlier_versions)} 个版本）：'
            f"相同问题沿用以往的审核意见（{kept} 项），新出现的问题 {new} 项，在“发现的问题”中标为“新”。</p>"
        )
    return body


def completeness_html(ctx: MemoContext) -> str:
    report = ctx.report
    layout = report.layout
    rows = []
    for spec in layout.sections:
        hit = report.sections.get(spec.key)
        if hit is None:
            status, printed, where = badge("缺失", "xxgk-st-missing"), "", ""
        else:
            status = badge("标题与规定不同", "xxgk-st-variant") if hit.is_variant else badge("已找到", "xxgk-st-ok")
            printed = esc(hit.title)
            where = esc(f"第{hit.page}页" if hit.page else (f"第{hit.line}行" if hit.line else ""))
        rows.append([esc(spec.label), status, printed, where])
    body = "<h3>六个部分</h3>" + _table(["部分", "状态", "报告中的标题", "位置"], rows)

    missing_rows = defaultdict(list)
    for row in report.missing_rows:
        missing_rows[row.table].extend(row.rows or [row.row_label])
    blanks = defaultdict(int)
    for key, cell in report.cells.items():
        if cell.status in ("blank", "missing", "unreadable", "text"):
            blanks[key.split(".", 1)[0]] += 1
    trows = []
    for key, spec in layout.tables.items():
        status = report.tables.get(key, "missing")
        css = "xxgk-st-ok" if status == "found" else "xxgk-st-missing"
        data_rows = len(spec.data_rows)
        absent = missing_rows.get(key, [])
        if status == "found":
            row_text = f"{data_rows - len(absent)}/{data_rows} 行" + (f"；缺少：{'、'.join(absent)}" if absent else "")
            row_badge = badge("齐全", "xxgk-st-ok") if not absent else badge(f"缺 {len(absent)} 行", "xxgk-st-missing")
            cells_total = len(layout.table_cells(key))
            blank = blanks.get(key, 0)
            blank_badge = badge("无空白", "xxgk-st-ok") if not blank else badge(f"{blank} 个", "xxgk-st-unknown")
            cell_text = f"{cells_total} 个单元格中 {blank} 个空白或无法读取（按未知处理，不视为0）" if blank else f"{cells_total} 个单元格均有数字"
        else:
            row_text, row_badge, blank_badge, cell_text = "—", "", "", "—"
        trows.append([esc(spec.name), badge(TABLE_STATUS.get(status, status), css), row_badge + " " + esc(row_text), blank_badge + " " + esc(cell_text)])
    body += "<h3>三张表格</h3>" + _table(["表格", "状态", "行", "空白单元格"], trows)
    extras = []
    if report.label_variants:
        extras.append(f"{len(report.label_variants)} 处标签与规定文字不同（见“发现的问题”）")
    if report.unmapped:
        extras.append(f"{len(report.unmapped)} 处表格内容无法对应到规定格式（见“发现的问题”）")
    if report.inseparable:
        extras.append(f"{len(report.inseparable)} 处数字连写无法拆分")
    if extras:
        body += '<p class="xxgk-note">另有：' + "；".join(esc(x) for x in extras) + "。</p>"
    return _section("completeness", body)


def checks_html(ctx: MemoContext) -> str:
    checks = ctx.result.checks
    if not checks:
        return _section("checks", '<p class="xxgk-note">没有可核对的等式（未读取到表三、表四）。</p>')
    tally = defaultdict(int)
    for check in checks:
        tally[check.status] += 1
    summary = "，".join(f"{CHECK_STATUS[s].split('（')[0]} {tally[s]} 项" for s in ("pass", "fail", "unknown", "assumed", "absent") if tally[s])
    rows = []
    for number_, check in enumerate(checks, 1):
        difference = None
        if check.lhs_sum is not None and check.rhs_sum is not None:
            difference = check.rhs_sum - check.lhs_sum
        rows.append(
            [
                f'<td class="xxgk-num">{number_}</td>',
                f'<span class="xxgk-rule">{esc(check.rule)}</span>',
                esc(check.subject_label),
                esc(EQUATIONS.get(check.rule, "")),
                f'<td class="xxgk-num">{esc(number(check.lhs_sum))}</td>',
                f'<td class="xxgk-num">{esc(number(check.rhs_sum))}</td>',
                f'<td class="xxgk-num">{esc(number(difference))}</td>',
                f'<td class="xxgk-num">{len(check.blanks)}</td>',
                badge(CHECK_STATUS[check.status], CHECK_CLASS[check.status]),
            ]
        )
    table = _table(["序号", "规则", "对象", "等式", "左边合计（期望）", "右边合计（实际）", "差额", "空白单元格", "结果"], rows, "xxgk-checks")
    note = '<p class="xxgk-note">空白单元格按未知处理：只有空白单元格无论取何值都无法使等式成立时才判为不通过。</p>'
    return _section("checks", f"<p>共 {len(checks)} 个等式：{esc(summary)}。</p>{note}{table}")


def _highlights(result) -> dict[str, list[Finding]]:
    marks: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.severity == "info":
            continue
        for key in finding.cells:
            marks[key].append(finding)
    return marks


def _hover(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        line = f"{f.rule}（{f.severity_label}）：{f.message}"
        if f.expected is not None:
            line += f"；期望 {number(f.expected)}，实际 {number(f.actual)}"
        lines.append(line)
    return "\n".join(lines)


def table_styler(report, table: str, marks: dict[str, list[Finding]]):
    """One table in the official layout as a pandas Styler: failing cells highlighted, hover text."""
    import pandas as pd

    frame = report.table_frame(table)
    keys = frame.attrs["keys"]
    positions = list(frame.index)
    classes = pd.DataFrame("", index=frame.index, columns=frame.columns)
    hovers = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for i, position in enumerate(positions):
        for j, column in enumerate(frame.columns):
            key = keys.get((position, column))
            if key is None:
                continue
            cell = report.cells.get(key)
            found = marks.get(key, [])
            css = []
            if any(f.severity == "error" for f in found):
                css.append("xxgk-cell-error")
            elif found:
                css.append("xxgk-cell-warning")
            if cell is not None and cell.status != "number":
                css.append("xxgk-cell-blank")
            classes.iat[i, j] = " ".join(css)
            text = _hover(found)
            if cell is not None and cell.status != "number":
                raw = "（空）" if not cell.raw else f"“{cell.raw}”"
                text = (text + "\n" if text else "") + f"{CELL_STATUS.get(cell.status, cell.status)}：原文{raw}"
            if text:
                hovers.iat[i, j] = esc(text)
    if frame.columns.nlevels == 1 or table == "t2":  # one header row: plain labels, not 1-tuples
        frame = frame.copy()
        frame.columns = [c[-1] if isinstance(c, tuple) else c for c in frame.columns]
        classes.columns = hovers.columns = frame.columns
    styler = frame.style.format(_format_value, na_rep="—", escape="html")
    styler = styler.hide(axis="index", names=True)
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    styler = styler.set_td_classes(classes).set_table_attributes('class="xxgk-frame"')
    if hovers.to_numpy().any():
        styler = styler.set_tooltips(hovers, as_title_attribute=True)
    return styler


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{round(value, 6):g}"
    return str(value)


def tables_html(ctx: MemoContext) -> str:
    report = ctx.report
    marks = _highlights(ctx.result)
    parts = [
        '<p class="xxgk-legend xxgk-note"><span><span class="xxgk-badge xxgk-sev-error">红色</span> 错误涉及的单元格</span>'
        '<span><span class="xxgk-badge xxgk-sev-warning">黄色</span> 警告涉及的单元格</span>'
        "<span>“—” 空白或无法读取（按未知处理）</span><span>鼠标悬停可查看规则和期望值</span></p>"
    ]
    if report.layout is None:
        return _section("tables", '<p class="xxgk-note">未识别出表格。</p>')
    for key, spec in report.layout.tables.items():
        status = report.tables.get(key, "missing")
        parts.append(f"<h3>{esc(spec.name)}</h3>")
        if status != "found":
            parts.append(f'<p>{badge(TABLE_STATUS.get(status, status), "xxgk-st-missing")} 该表未能读取，见“发现的问题”。</p>')
            continue
        parts.append(table_styler(report, key, marks).to_html())
    return _section("tables", "".join(parts))


def location_html(finding: Finding, limit: int = 8) -> str:
    items = []
    for location in finding.locations[:limit]:
        labels = "".join(f"“{esc(x)}”" for x in (location.row_label, location.column_label) if x)
        quote = f' 原文<span class="xxgk-quote">{esc(location.text)}</span>' if location.text is not None else ""
        items.append(f"<li>{esc(Path(location.file).name)} {esc(location.where)} {labels}{quote}</li>")
    if len(finding.locations) > limit:
        items.append(f"<li>……共 {len(finding.locations)} 处</li>")
    return f'<ul class="xxgk-locations">{"".join(items)}</ul>' if items else '<span class="xxgk-note">（无单元格位置）</span>'


def message_html(finding: Finding) -> str:
    text = esc(finding.message)
    if finding.expected is not None or finding.actual is not None:
        text += f'<br><span class="xxgk-note">期望 {esc(number(finding.expected))}，实际 {esc(number(finding.actual))}，差额 {esc(number(finding.difference))}</span>'
    return text


def verdict_html(verdict: Verdict) -> str:
    html_ = badge(verdict.label, f"xxgk-v-{verdict.verdict}")
    if verdict.auditor:
        html_ += f' <span class="xxgk-note">{esc(verdict.auditor)}</span>'
    if verdict.comment:
        html_ += f'<div class="xxgk-comment">{esc(verdict.comment)}</div>'
    return html_


def finding_cells(number_: int, finding: Finding, new: bool = False) -> list[str]:
    """序号, 级别, 规则, 问题, 原文与位置 of one finding (cells of the findings table); ``new``: a
    finding that the earlier versions of a re-published report did not have."""
    return [
        f'<td class="xxgk-num">{number_}</td>',
        badge(finding.severity_label, "xxgk-sev-" + finding.severity) + (" " + badge("新", "xxgk-new") if new else ""),
        f'<span class="xxgk-rule">{esc(finding.rule)}</span>' + f'<br><span class="xxgk-note">{esc(GROUP_LABELS.get(finding.group, finding.group))}</span>',
        message_html(finding),
        location_html(finding),
    ]


def finding_row(number_: int, finding: Finding, verdict: Verdict, new: bool = False) -> list[str]:
    return finding_cells(number_, finding, new) + [verdict_html(verdict)]


FINDING_HEAD = ["序号", "级别", "规则", "问题", "原文与位置", "审核意见"]


def findings_html(ctx: MemoContext, findings: list[Finding] | None = None) -> str:
    findings = ctx.result.findings if findings is None else findings
    if not findings:
        return _section("findings", "<p>未发现问题。</p>")
    rows = [finding_row(n, f, ctx.verdict(f), ctx.is_new(f)) for n, f in enumerate(findings, 1)]
    body = findings_evidence_table(ctx, findings, rows) if ctx.evidence else _table(FINDING_HEAD, rows, "xxgk-findings")
    if ctx.review is not None:
        stale = ctx.review.stale(ctx.result.findings)
        if stale:
            body += f'<p class="xxgk-note">另有 {len(stale)} 条以往的审核意见不再适用（相关数值已变化或问题已消失），未列出。</p>'
    return _section("findings", body)


def findings_evidence_table(ctx: MemoContext, findings: list[Finding], rows: list[list[str]]) -> str:
    """The findings table with the original (page region or printed rows) below each finding, for
    at most :data:`~xxgk_audit.evidence.MEMO_LIMIT` findings (errors first) so the memo stays short."""
    from .evidence import MEMO_LIMIT, MEMO_ROWS, evidence_map, evidence_note, findings_table, finding_cells

    shown = evidence_map(ctx.report, findings, limit=MEMO_LIMIT, severities=("error", "warning"), max_rows=MEMO_ROWS)
    with_cells = sum(1 for f in findings if finding_cells(ctx.report, f))
    return findings_table(FINDING_HEAD, rows, findings, shown, "xxgk-findings") + evidence_note(with_cells, len(shown))


def appendix_html(ctx: MemoContext) -> str:
    from .rules.structure import describe

    report = ctx.report
    if not report.cells:
        return _section("appendix", '<p class="xxgk-note">没有读取到表格单元格。</p>')
    rows = []
    for key, cell in report.cells.items():
        source = cell.source
        where = source.where if source is not None else "位置不详"
        rows.append(
            [
                esc(describe(report.layout, key)),
                f"<code>{esc(key)}</code>",
                f'<td class="xxgk-num">{esc(number(cell.value))}</td>',
                esc(CELL_STATUS.get(cell.status, cell.status)),
                f'<span class="xxgk-quote">{esc(cell.raw)}</span>' if cell.raw else "",
                esc(where),
                esc(source.row_label if source else ""),
                esc(source.column_label if source else ""),
                esc(cell.note or ""),
            ]
        )
    table = _table(["单元格", "键", "值", "状态", "原文", "位置", "报告中的行标签", "报告中的列标签", "备注"], rows, "xxgk-appendix")
    return _section("appendix", f'<p class="xxgk-note">文件：{esc(Path(report.source).name)}（SHA-256 {esc(report.sha256)}）</p>{table}')


def memo_sections(ctx: MemoContext) -> list[tuple[str, str]]:
    """The memo top to bottom: (section key, HTML)."""
    return [
        ("info", info_html(ctx)),
        ("conclusion", conclusion_html(ctx)),
        ("completeness", completeness_html(ctx)),
        ("checks", checks_html(ctx)),
        ("tables", tables_html(ctx)),
        ("findings", findings_html(ctx)),
        ("appendix", appendix_html(ctx)),
    ]


def error_html(path: str, reason: str, what: str = "无法读取报告") -> str:
    return _section("info", f'<p class="xxgk-conclusion xxgk-sev-error">{esc(what)} {esc(Path(str(path)).name)}：{esc(reason)}</p>', "报告信息")
