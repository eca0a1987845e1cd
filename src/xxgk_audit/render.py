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
from . import render_ocr
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
# What a finding's numbers mean, the same way round for every rule: ``actual`` is what the report
# says, ``expected`` what it is checked against (Finding.difference = actual - expected).
VALUE_LABELS = {
    "arithmetic": ("报告填写", "按勾稽关系应为"),
    "TEXT-VS-TABLE": ("文字所述", "表格填写"),
    "T3-CARRY-CHAIN": ("本年报告填写", "按上年报告“结转下年度”应为"),
    "T2-VALID-PROGRESSION": ("报告填写", "按上年报告推算应为"),
    "YOY-JUMP": ("本年度", "上年度"),
    "TEXT-REUSE": ("与上年相同的文字比例", "提示阈值"),
    "T3-FEE-VS-S6": ("文字所述收费通知件数", "表三逾期未缴费件数"),
    "HIERARCHY-SUM": ("汇总报告填写", "下属报告之和"),
}
DEFAULT_VALUE_LABELS = ("报告填写", "核对值")
MEDIUM = {"html": "网页", "docx": "Word文档"}
FORMAT_LABELS = {"txt": "文本", "md": "Markdown 文本", "html": "网页（HTML）", "pdf": "PDF", "docx": "Word 文档（DOCX）"}  # said before a table location: 网页第2个表格第5行第3列
SECTION_TITLES = {
    "info": "报告信息",
    "conclusion": "审核结论",
    "completeness": "完整性",
    "checks": "表格勾稽",
    "tables": "表格（按规定格式）",
    "findings": "发现的问题",
    "appendix": "附录：全部单元格及其出处",
}
LOCATION_LIMIT = 6  # location lines shown per finding; the rest are counted


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
    appendix: bool = False  # the provenance of every cell, after the signature block
    evidence: bool = True  # the original beside each finding (xxgk_audit.evidence)

    def __post_init__(self):
        self.date = self.date or _dt.date.today().isoformat()

    @property
    def report(self):
        return self.result.report

    @property
    def numbers(self) -> dict[int, int]:
        """The number of each finding in 发现的问题 (by ``id``), referred to from the tables."""
        return {id(f): n for n, f in enumerate(self.result.findings, 1)}

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


def format_label(report) -> str:
    """文本, 网页（HTML）…: a text file is 文本 even when it uses Markdown headings; only a file
    named .md is called Markdown."""
    if report.format == "md" and not str(report.source).lower().endswith((".md", ".markdown")):
        return FORMAT_LABELS["txt"]
    return FORMAT_LABELS.get(report.format, report.format)


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
        ("文件类型", format_label(report)),
        ("SHA-256", report.sha256),
        ("发布日期", publication_text(ctx)),
        ("工具版本", f"xxgk-audit {__version__}"),
        ("审核日期", ctx.date),
        ("审核人", ctx.auditor or "（未填写）"),
    ]
    rows.extend(render_ocr.info_rows(report))  # a scanned report: the recognition, engine, confidence
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
        elif hit.inferred:  # printed without a heading: found by its table, or a text section by its words
            status = badge("未印标题", "xxgk-st-variant")
            printed = esc(f"（按{layout.tables[spec.table].name}认定）" if spec.table else "（按内容认定）")
            where = esc(f"第{hit.page}页" if hit.page else (f"第{hit.line}行" if hit.line else ""))
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
    """The table arithmetic: one line per equation (how many instances pass, fail, cannot be
    judged), then every instance that fails with what the report printed and what it should be."""
    checks = ctx.result.checks
    report = ctx.report
    if not checks:
        return _section("checks", '<p class="xxgk-note">没有可核对的等式（未读取到表三、表四）。</p>')
    tally: dict[str, int] = defaultdict(int)
    per_rule: dict[str, dict[str, list]] = {}
    for check in checks:
        tally[check.status] += 1
        per_rule.setdefault(check.rule, defaultdict(list))[check.status].append(check)
    summary = "，".join(f"{CHECK_STATUS[s].split('（')[0]} {tally[s]} 项" for s in ("pass", "fail", "unknown", "assumed", "absent") if tally[s])
    displays = {e.id: e.display for e in report.layout.equations}
    rows = []
    for rule_id, statuses in per_rule.items():
        total = sum(len(v) for v in statuses.values())
        outcome = []
        for status in ("pass", "fail", "unknown", "assumed", "absent"):
            items = statuses.get(status, [])
            if not items:
                continue
            text = badge(f"{CHECK_STATUS[status].split('（')[0]} {len(items)}", CHECK_CLASS[status])
            if status in ("fail", "unknown", "assumed") and len(items) < total:
                text += " " + esc("、".join(c.subject_label for c in items))
            outcome.append(text)
        rows.append(
            [
                f'<span class="xxgk-rule">{esc(rule_id)}</span>',
                esc(displays.get(rule_id, "")),
                f'<td class="xxgk-num">{total}</td>',
                "<br>".join(outcome),
            ]
        )
    table = _table(["规则", "等式", "个数", "结果"], rows, "xxgk-checks")
    failed = [c for c in checks if c.status == "fail"]
    detail = ""
    if failed:
        numbers = ctx.numbers
        by_cells = {(f.rule, f.cells): f for f in ctx.result.findings}
        frows = []
        for check in failed:
            instance = report.layout.equation_instance(check.rule, check.lhs + check.rhs)
            finding = by_cells.get((check.rule, check.lhs + check.rhs))
            printed, computed = _sides(instance, check)
            frows.append(
                [
                    f'<td class="xxgk-num">{numbers.get(id(finding), "")}</td>',
                    f'<span class="xxgk-rule">{esc(check.rule)}</span>',
                    esc(check.subject_label),
                    f'<td class="xxgk-num">{esc(printed)}</td>',
                    f'<td class="xxgk-num">{esc(computed)}</td>',
                    f'<td class="xxgk-num">{esc(number(finding.difference) if finding else "")}</td>',
                ]
            )
        detail = "<h3>不通过的等式</h3>" + _table(["问题序号", "规则", "对象", "报告填写", "按勾稽关系应为", "差额"], frows, "xxgk-checks")
    note = '<p class="xxgk-note">空白单元格按未知处理：只有空白单元格无论取何值都无法使等式成立时才判为不通过。</p>'
    return _section("checks", f"<p>共 {len(checks)} 个等式：{esc(summary)}。</p>{note}{table}{detail}")


def _sides(instance, check) -> tuple[str, str]:
    """(报告填写, 按勾稽关系应为) of a failing equation instance, with the blanks on each side."""
    lhs = (check.lhs_sum, sum(1 for k in check.lhs if k in check.blanks))
    rhs = (check.rhs_sum, sum(1 for k in check.rhs if k in check.blanks))
    printed, computed = (lhs, rhs) if instance is None or instance.printed == "lhs" else (rhs, lhs)

    def text(side, at_least: bool) -> str:
        total, blanks = side
        if not blanks:
            return number(total)
        return f"{'不少于' if at_least else ''}{number(total)}（另有{blanks}个空白）"

    return text(printed, False), text(computed, True)


def value_labels(finding: Finding) -> tuple[str, str]:
    """(what the report says, what it is checked against) for a finding's ``actual`` / ``expected``."""
    return rule_value_labels(finding.rule, finding.group)


def rule_value_labels(rule: str, group: str | None = None) -> tuple[str, str]:
    if rule in VALUE_LABELS:
        return VALUE_LABELS[rule]
    if group == "arithmetic" or rule.startswith(("T3-", "T4-")):
        return VALUE_LABELS["arithmetic"]
    return DEFAULT_VALUE_LABELS


def value_text(finding: Finding) -> str:
    """报告填写 27，按勾稽关系应为 21，差额 6 (the words depend on the rule, the sense never does)."""
    return values_sentence(finding.rule, finding.group, finding.actual, finding.expected, finding.difference)


def values_sentence(rule: str, group: str | None, actual, expected, difference=None) -> str:
    if expected is None and actual is None:
        return ""
    said, against = rule_value_labels(rule, group)
    parts = [f"{said} {number(actual)}", f"{against} {number(expected)}"]
    if difference is not None:
        parts.append(f"差额 {number(difference)}")
    return "，".join(parts)


UNMARKED_RULES = frozenset({"CELL-BLANK"})  # a blank cell is shown as blank: marking it adds nothing


def _highlights(result) -> dict[str, list[Finding]]:
    marks: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.severity == "info" or finding.rule in UNMARKED_RULES:
            continue
        for key in finding.cells:
            marks[key].append(finding)
    return marks


def _hover(findings: list[Finding], numbers: dict[int, int]) -> str:
    lines = []
    for f in findings:
        line = f"问题{numbers.get(id(f), '')} {f.rule}（{f.severity_label}）：{f.message}"
        values = value_text(f)
        if values:
            line += f"；{values}"
        lines.append(line)
    return "\n".join(lines)


def _inline_expected(report, finding: Finding, key: str) -> str:
    """What a marked cell should hold, when the equation's printed side is this one cell."""
    if finding.group != "arithmetic" or finding.expected is None:
        return ""
    instance = report.layout.equation_instance(finding.rule, finding.cells)
    if instance is None or instance.printed_cells != (key,):
        return ""
    blanks = any(report.value(k) is None for k in instance.computed_cells)
    return f"应为{'≥' if blanks else ''}{number(finding.expected)}"


def _value_cell(report, cell_spec, marks, numbers) -> str:
    """One value cell of a table in the official layout: the value as read, highlighted when a
    finding names it, the finding numbers as small references, and what it should be (print)."""
    key = cell_spec.key
    cell = report.cells.get(key)
    found = marks.get(key, [])
    css = ["xxgk-v"]
    if any(f.severity == "error" for f in found):
        css.append("xxgk-cell-error")
    elif found:
        css.append("xxgk-cell-warning")
    hover = _hover(found, numbers)
    if cell is None or cell.status == "missing":
        css.append("xxgk-cell-missing")
        shown = "缺"
        hover = (hover + "\n" if hover else "") + "报告中缺少此行"
    elif cell.status == "number":
        shown = esc(_format_value(cell.value))
        ocr = cell.source.ocr if cell.source is not None else None
        if ocr is not None:  # recognized on a scanned page: the box image on hover, a doubt marked
            shown = f'<span class="xxgk-ocr-cell">{shown}{render_ocr.image_html(ocr, "xxgk-ocr-hover")}</span>'
            hover = (hover + "\n" if hover else "") + render_ocr.describe(ocr)
            if ocr.suspect:
                css.append("xxgk-cell-ocr-suspect")
    else:
        css.append("xxgk-cell-blank")
        raw = (cell.raw or "").strip()
        shown = esc(raw[:12] + ("…" if len(raw) > 12 else "")) if raw else "空白"
        hover = (hover + "\n" if hover else "") + f"{CELL_STATUS.get(cell.status, cell.status)}：原文" + (f"“{raw}”" if raw else "为空")
        if cell.source is not None and cell.source.ocr is not None:
            hover += "\n" + render_ocr.describe(cell.source.ocr)
    refs = ""
    inline = []
    for f in found:
        if id(f) in numbers:
            refs += f'<sup class="xxgk-ref">{numbers[id(f)]}</sup>'
        expected = _inline_expected(report, f, key)
        if expected and expected not in inline:
            inline.append(expected)
    extra = "".join(f'<span class="xxgk-inline xxgk-print-only">{esc(t)}</span>' for t in inline)
    span = f' colspan="{cell_spec.colspan}"' if cell_spec.colspan > 1 else ""
    title = f' title="{esc(hover)}"' if hover else ""
    return f'<td class="{" ".join(css)}"{span}{title}>{shown}{refs}{extra}</td>'


def _spans(cell) -> str:
    return (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")


def official_table_html(report, table: str, marks: dict[str, list[Finding]], numbers: dict[int, int] | None = None) -> str:
    """One table in the printed form of the official template (:mod:`xxgk_audit.grid`)."""
    from .grid import table_grid

    numbers = numbers or {}
    grid = table_grid(report.layout, table)
    head, body = [], []
    for n, row in enumerate(grid.rows):
        cells = []
        for cell in row.cells:
            if cell.role == "value":
                cells.append(_value_cell(report, cell, marks, numbers))
            elif cell.role == "na":
                cells.append(f'<td class="xxgk-cell-na"{_spans(cell)} title="格式中无此栏"></td>')
            else:
                css = {"corner": "xxgk-corner", "block": "xxgk-block", "head": "xxgk-head", "label": f"xxgk-label xxgk-l{cell.level}"}[cell.role]
                tag = "td" if cell.role == "label" else "th"
                cells.append(f'<{tag} class="{css}"{_spans(cell)}>{esc(cell.text)}</{tag}>')
        html_row = "<tr>" + "".join(cells) + "</tr>"
        (head if n < grid.head_rows else body).append(html_row)
    thead = f"<thead>{''.join(head)}</thead>" if head else ""
    return f'<table class="xxgk-frame xxgk-official xxgk-{esc(table)}" data-table="{esc(table)}">{thead}<tbody>{"".join(body)}</tbody></table>'


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{round(value, 6):g}"
    return str(value)


def tables_html(ctx: MemoContext) -> str:
    report = ctx.report
    if report.layout is None:
        return _section("tables", '<p class="xxgk-note">未识别出表格。</p>')
    marks = _highlights(ctx.result)
    numbers = ctx.numbers
    from .grid import table_grid

    has_na = any(c.role == "na" for t in report.layout.tables for r in table_grid(report.layout, t).rows for c in r.cells)
    legend = [
        '<span><span class="xxgk-swatch xxgk-cell-error"></span>错误涉及的单元格</span>',
        '<span><span class="xxgk-swatch xxgk-cell-warning"></span>警告涉及的单元格</span>',
        '<span><span class="xxgk-swatch xxgk-cell-blank">空白</span>报告未填数字（空白、“—”“/”“无”，按未知处理）</span>',
    ]
    if has_na:
        legend.append('<span><span class="xxgk-swatch xxgk-cell-na"></span>格式中无此栏</span>')
    legend.append('<span>单元格右上角的小号数字是“发现的问题”中的序号</span>')
    legend.append('<span class="xxgk-screen-only">鼠标悬停在单元格上可查看规则、报告填写的数值和按勾稽关系应为的数值</span>')
    legend.append('<span class="xxgk-print-only">“应为”是按勾稽关系计算的数值</span>')
    parts = [f'<p class="xxgk-legend xxgk-note">{"".join(legend)}</p>']
    for key, spec in report.layout.tables.items():
        status = report.tables.get(key, "missing")
        parts.append(f"<h3>{esc(spec.name)}　{esc(report.layout.section(spec.section).label)}</h3>")
        if status != "found":
            parts.append(f'<p>{badge(TABLE_STATUS.get(status, status), "xxgk-st-missing")} 该表未能读取，见“发现的问题”。</p>')
            continue
        parts.append(f'<div class="xxgk-table-wrap">{official_table_html(report, key, marks, numbers)}</div>')
    return _section("tables", "".join(parts))


# -- locations ---------------------------------------------------------------------------------

def _ranges(numbers: Iterable[int]) -> str:
    """4–7、9、11–28"""
    values = sorted(set(numbers))
    parts, start = [], None
    for i, value in enumerate(values):
        if start is None:
            start = value
        if i + 1 == len(values) or values[i + 1] != value + 1:
            parts.append(str(start) if start == value else f"{start}–{value}")
            start = None
    return "、".join(parts)


def _medium(location, report) -> str:
    if report is not None and location.file == report.source and location.table_no is not None and location.page is None:
        return MEDIUM.get(report.format, "")
    return ""


def _heading_of(location, report) -> str | None:
    """The section heading above a cell's table, as printed (the nearest heading an auditor sees)."""
    if report is None or location.cell is None or location.file != report.source or report.layout is None:
        return None
    spec = report.layout.cells.get(location.cell)
    if spec is None:
        return None
    hit = report.sections.get(report.layout.tables[spec.table].section)
    return hit.title if hit else None


def _quote(text: str | None) -> str:
    if text is None:
        return ""
    if not text.strip():
        return ' 原文为空'
    return f' 原文<span class="xxgk-quote">{esc(text)}</span>'


def _row_place(location) -> str:
    from .document import place

    if location.table_no is not None and location.row_no is not None:
        return place(None, location.page, location.table_no, location.row_no)
    return place(location.line, location.page)


def location_lines(finding: Finding, report=None, limit: int = LOCATION_LIMIT) -> list[str]:
    """The places a finding points to, compactly: one line per printed row; rows of the same table
    whose cells say the same (the blanks of CELL-BLANK) merge into one line with row ranges."""
    groups: dict[tuple, list] = {}
    for location in finding.locations:
        by_row = location.row_no if location.table_no is not None else location.line
        key = (location.file, location.page, location.table_no, by_row if by_row is not None else id(location))
        groups.setdefault(key, []).append(location)
    merged: dict[tuple, list[list]] = {}
    for key, items in groups.items():
        file, page, table_no, row = key
        texts = {(loc.text or "").strip() for loc in items}
        columns = tuple(sorted(loc.col_no for loc in items if loc.col_no is not None))
        mergeable = len(texts) == 1 and len(columns) == len(items) and isinstance(row, int) and all(loc.cell for loc in items)
        bucket = (file, page, table_no, columns, texts.pop()) if mergeable else key
        merged.setdefault(bucket, []).append(items)
    lines = []
    heading = None
    first_table_line = None
    tables = {(loc.file, loc.table_no) for loc in finding.locations if loc.table_no is not None and loc.page is None}
    if len(tables) == 1:
        heading = next((h for h in (_heading_of(loc, report) for loc in finding.locations) if h), None)
    for bucket, rows in merged.items():
        first = rows[0][0]
        if first_table_line is None and first.table_no is not None:
            first_table_line = len(lines)
        name = esc(Path(first.file).name) if report is None or first.file != report.source else ""
        prefix = (name + " " if name else "") + esc(_medium(first, report))
        if len(rows) > 1:  # several printed rows, the same columns and text: one line
            row_numbers = [r[0].row_no if r[0].table_no is not None else r[0].line for r in rows]
            if first.table_no is not None:
                where = ("" if first.page is None else f"第{first.page}页") + f"第{first.table_no}个表格第{_ranges(row_numbers)}行"
            else:
                where = f"第{_ranges(row_numbers)}行"
            where += f"第{_ranges(bucket[3])}列" if bucket[3] else ""
            cells = sum(len(r) for r in rows)
            labels = "".join(f"“{esc(x)}”" for x in dict.fromkeys(loc.column_label for r in rows for loc in r if loc.column_label))
            lines.append(f"{prefix}{esc(where)}（{len(rows)}行{cells}格）{labels}{_quote(first.text) if first.text is not None else ''}".replace("原文为空", "原文均为空").replace("原文<", "原文均为<", 1))
            continue
        items = rows[0]
        if len(items) == 1:
            loc = items[0]
            labels = "".join(f"“{esc(x)}”" for x in (loc.row_label, loc.column_label) if x)
            lines.append(prefix + " ".join(x for x in (esc(loc.where), labels) if x) + _quote(loc.text) + render_ocr.evidence_html(loc.ocr))
            continue
        row_label = next((loc.row_label for loc in items if loc.row_label), None)
        cells = "；".join(
            f"{esc(f'第{loc.col_no}列') if loc.col_no is not None else ''}{('“' + esc(loc.column_label) + '”') if loc.column_label else ''}{_quote(loc.text)}{render_ocr.evidence_html(loc.ocr)}"
            for loc in items
        )
        lines.append(f"{prefix}{esc(_row_place(first))} {('“' + esc(row_label) + '”：') if row_label else ''}{cells}")
    if heading and first_table_line is not None:
        lines.insert(first_table_line, f'<span class="xxgk-note">以下位于“{esc(heading)}”之下的表格</span>')
    if len(lines) > limit + 1:
        hidden = len(lines) - limit
        lines = lines[:limit] + [f"……另有 {hidden} 处（共 {len(finding.locations)} 个位置）"]
    return lines


def location_html(finding: Finding, report=None, limit: int = LOCATION_LIMIT) -> str:
    lines = location_lines(finding, report, limit)
    if not lines:
        return '<span class="xxgk-note">（无单元格位置）</span>'
    return f'<ul class="xxgk-locations">{"".join(f"<li>{line}</li>" for line in lines)}</ul>'


def message_html(finding: Finding) -> str:
    text = esc(finding.message)
    values = value_text(finding)
    if values:
        text += f'<br><span class="xxgk-values">{esc(values)}</span>'
    return text


def verdict_html(verdict: Verdict) -> str:
    html_ = badge(verdict.label, f"xxgk-v-{verdict.verdict}")
    if verdict.auditor:
        html_ += f' <span class="xxgk-note">{esc(verdict.auditor)}</span>'
    if verdict.comment:
        html_ += f'<div class="xxgk-comment">{esc(verdict.comment)}</div>'
    return html_


def finding_cells(number_: int, finding: Finding, report=None, new: bool = False) -> list[str]:
    """序号, 级别, 规则, 问题, 原文与位置 of one finding (cells of the findings table); ``new``: a
    finding that the earlier versions of a re-published report did not have."""
    return [
        f'<td class="xxgk-num">{number_}</td>',
        badge(finding.severity_label, "xxgk-sev-" + finding.severity) + (" " + badge("新", "xxgk-new") if new else ""),
        f'<span class="xxgk-rule">{esc(finding.rule)}</span>' + f'<br><span class="xxgk-note">{esc(GROUP_LABELS.get(finding.group, finding.group))}</span>',
        message_html(finding),
        location_html(finding, report),
    ]


def finding_row(number_: int, finding: Finding, verdict: Verdict, report=None, new: bool = False) -> list[str]:
    return finding_cells(number_, finding, report, new) + [verdict_html(verdict)]


FINDING_HEAD = ["序号", "级别", "规则", "问题", "原文与位置", "审核意见"]
# one set of column widths for the memo's findings table and the app's rows, so they line up
FINDING_COLGROUP = '<colgroup><col class="xxgk-c-num"><col class="xxgk-c-sev"><col class="xxgk-c-rule"><col class="xxgk-c-msg"><col class="xxgk-c-loc"><col class="xxgk-c-verdict"></colgroup>'


def findings_table(
    rows: list[list[str]], head: list[str] = FINDING_HEAD, with_head: bool = True, evidence: list[str] | None = None
) -> str:
    """The findings table with fixed column widths (shared with the app's rows); ``evidence``: the
    original (page region or printed rows) shown in a row below each finding, "" for none."""
    colgroup = FINDING_COLGROUP if len(head) == len(FINDING_HEAD) else FINDING_COLGROUP.replace('<col class="xxgk-c-verdict">', "")
    thead = "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>" if with_head else ""
    body = []
    for n, row in enumerate(rows):
        body.append("<tr>" + "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in row) + "</tr>")
        if evidence and evidence[n]:
            body.append(f'<tr class="xxgk-evidence-row"><td></td><td colspan="{len(head) - 1}">{evidence[n]}</td></tr>')
    return f'<table class="xxgk-table xxgk-findings">{colgroup}{thead}<tbody>{"".join(body)}</tbody></table>'


def findings_html(ctx: MemoContext, findings: list[Finding] | None = None) -> str:
    findings = ctx.result.findings if findings is None else findings
    if not findings:
        return _section("findings", "<p>未发现问题。</p>")
    numbers = ctx.numbers
    rows = [finding_row(numbers.get(id(f), n), f, ctx.verdict(f), ctx.report, ctx.is_new(f)) for n, f in enumerate(findings, 1)]
    body = findings_evidence_table(ctx, findings, rows) if ctx.evidence else findings_table(rows)
    if ctx.review is not None:
        stale = ctx.review.stale(ctx.result.findings)
        if stale:
            body += f'<p class="xxgk-note">另有 {len(stale)} 条以往的审核意见不再适用（相关数值已变化或问题已消失），未列出。</p>'
    return _section("findings", body)


def findings_evidence_table(ctx: MemoContext, findings: list[Finding], rows: list[list[str]]) -> str:
    """The findings table with the original (page region or printed rows) below each finding, for
    at most :data:`~xxgk_audit.evidence.MEMO_LIMIT` findings (errors first) so the memo stays short."""
    from .evidence import MEMO_LIMIT, MEMO_ROWS, evidence_map, evidence_note, finding_cells

    shown = evidence_map(ctx.report, findings, limit=MEMO_LIMIT, severities=("error", "warning"), max_rows=MEMO_ROWS)
    with_cells = sum(1 for f in findings if finding_cells(ctx.report, f))
    return findings_table(rows, evidence=[shown.get(f.fingerprint, "") for f in findings]) + evidence_note(with_cells, len(shown))


# -- the appendix: every cell and where it was read ------------------------------------------------

def cell_labels(layout, key: str) -> tuple[str, str, str]:
    """(表, 行, 列) of a cell in the words of the format: (表二 第二十条第（一）项, 规章, 本年制发件数),
    (表三, （三）不予公开 1.属于国家秘密, 商业企业), (表四, 行政诉讼·复议后起诉, 总计)."""
    spec = layout.cells.get(key)
    if spec is None:
        return ("", "", "")
    table = layout.tables[spec.table]
    block = next((b for b in table.blocks if b.key == spec.block), None)
    column = next((c for c in block.columns if c.key == spec.column), None) if block else None
    if not spec.row_label:  # 表四: one unlabeled row; the header path names the cell
        *groups, outcome = [p for p in (column.path if column else ()) if p]
        return (table.name, "·".join(groups), outcome)
    name = f"{table.name} {block.header}" if block is not None and block.header and len(table.blocks) > 1 else table.name
    rows = {r.label: r for r in block.rows} if block else {}
    row = rows.get(spec.row_label)
    parent = rows.get(row.group) if row is not None and row.group else None
    row_label = f"{parent.label} {spec.row_label}" if parent is not None and parent.group else spec.row_label
    return (name, row_label, spec.column_label)


def appendix_html(ctx: MemoContext) -> str:
    report = ctx.report
    if not report.cells or report.layout is None:
        return _section("appendix", '<p class="xxgk-note">没有读取到表格单元格。</p>')
    medium = MEDIUM.get(report.format, "")
    parts = [f'<p class="xxgk-note">文件：{esc(Path(report.source).name)}（SHA-256 {esc(report.sha256)}）。“位置”是数字在原文中的位置；“原文”是原文中该单元格的文字。</p>']
    for table_key, table in report.layout.tables.items():
        cells = [c for c in report.cells.values() if c.key.startswith(table_key + ".")]
        if not cells:
            continue
        rows = []
        for cell in cells:
            name, row_label, column_label = cell_labels(report.layout, cell.key)
            block = name.removeprefix(table.name).strip()  # 表二's block: 第二十条第（一）项
            shown_row = f"{block} {row_label}" if block else row_label
            source = cell.source
            where = (medium if source is not None and source.table_no is not None and source.page is None else "") + (source.where if source is not None else "位置不详")
            notes = []
            if source is not None and source.row_label and cosmetic_differs(source.row_label, row_label.split(" ")[-1]):
                notes.append(f"行标签印为“{source.row_label}”")
            if cell.note:
                notes.append(cell.note)
            rows.append(
                [
                    esc(shown_row),
                    esc(column_label),
                    f'<td class="xxgk-num">{esc(number(cell.value))}</td>',
                    esc(CELL_STATUS.get(cell.status, cell.status)),
                    esc(where),
                    (f'<span class="xxgk-quote">{esc(cell.raw)}</span>' if cell.raw else "") + render_ocr.evidence_html(source.ocr if source is not None else None),
                    esc("；".join(notes)),
                ]
            )
        parts.append(f"<h3>{esc(table.name)}</h3>" + _table(["行", "列", "值", "状态", "位置", "原文", "备注"], rows, "xxgk-appendix"))
    return _section("appendix", "".join(parts))


def cosmetic_differs(printed: str, official: str) -> bool:
    from .parse.labels import cosmetic

    return cosmetic(printed) != cosmetic(official)


def memo_sections(ctx: MemoContext, appendix: bool | None = None) -> list[tuple[str, str]]:
    """The memo top to bottom: (section key, HTML); the appendix only when asked for."""
    sections = [
        ("info", info_html(ctx)),
        ("conclusion", conclusion_html(ctx)),
        ("completeness", completeness_html(ctx)),
        ("checks", checks_html(ctx)),
        ("tables", tables_html(ctx)),
        ("findings", findings_html(ctx)),
    ]
    if ctx.appendix if appendix is None else appendix:
        sections.append(("appendix", appendix_html(ctx)))
    return sections


def error_html(path: str, reason: str, what: str = "无法读取报告") -> str:
    named = f"{esc(what)} {esc(Path(str(path)).name)}：" if path else ""
    return _section("info", f'<p class="xxgk-conclusion xxgk-sev-error">{named}{esc(reason)}</p>', "报告信息")
