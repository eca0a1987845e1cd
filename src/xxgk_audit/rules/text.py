"""Rules of the group "Text and content" (rules.md): the narrative against the tables, what the
sections must say, and the publication deadline.

Patterns and word lists are data (``layouts/narrative.yaml``), compiled once at import.
"""

from __future__ import annotations

import re
from datetime import date

from ..agency import agency_kind
from ..publication import SIDECAR, Publication, effective, kinds, parse_date
from ..publication import deadline as due_date
from ..parse.narrative import DATA, compact, to_simplified
from .claims import ClaimCheck, narrative_checks
from ..report import Report, Source
from .registry import AuditContext, location, rule

_COVERAGE = {aspect: re.compile("|".join(map(re.escape, words))) for aspect, words in DATA["coverage"].items()}
_THIN = DATA["thin"]
_EMPTY = re.compile(_THIN["empty"])
_PROBLEMS = re.compile(_THIN["problems"])
_MEASURES = re.compile(_THIN["measures"])
_FEES = DATA["fees"]
_FEE_STATEMENT = re.compile(_FEES["statement"])
_NOTICE_COUNT = re.compile(_FEES["notice_count"])
_POSITIVE_AMOUNT = re.compile(_FEES["positive_amount"])
_NOTICE_MENTION = re.compile(_FEES["notice_mention"])
_NEGATION = re.compile(_FEES["negation"])
_SENTENCES = re.compile(r"[^。！？!?；;\n]+")
_FEE_UNPAID = "t3.result.other.fee_unpaid"

# 条例第四十九条: the deadlines by kind of issuing body are data (layouts/deadlines.yaml, xxgk_audit.publication)


def _section_name(ctx: AuditContext, key: str) -> str:
    return ctx.report.layout.section(key).body if ctx.report.layout else key


def _count(n: int) -> str:
    return "零一二三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def _number(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- TEXT-VS-TABLE -------------------------------------------------------------------------------

def _mismatch_message(ctx: AuditContext, check: ClaimCheck) -> str:
    claim = check.claim
    said = f"“{_section_name(ctx, claim.sentence.section)}”称“{claim.quote}”"
    others = "".join(f"，{label}为{_number(value)}件" for label, value in check.others if value is not None and value != check.table)
    if check.blanks:
        return (
            f"{said}，但{check.label}按已填数字计已有{_number(check.table)}件"
            f"（另有{check.blanks}个空白单元格，空白只会使合计更大）{others}"
        )
    return f"{said}，但{check.label}为{_number(check.table)}件{others}"


@rule("TEXT-VS-TABLE", "warning", "text")
def text_vs_table(ctx: AuditContext):
    """条例第五十条；国办公开办函〔2021〕30号（四）明确责任“内容准确”：正文引用的申请、办理结果、
    复议诉讼等件数须与表三、表四（及表二）一致。"""
    for check in narrative_checks(ctx.report):
        if check.status != "mismatch":
            continue
        claim = check.claim
        quote = location(None, claim.where, ctx.file)
        cells = [ctx.locate(key) for key in check.cells if key in ctx.report.cells]
        yield ctx.finding(
            "TEXT-VS-TABLE",
            _mismatch_message(ctx, check),
            check.cells,
            expected=check.table,
            actual=claim.stated,
            locations=[quote, *cells],
            subject=f"{claim.id}:{claim.stated}:{claim.sentence.text[:80]}",
        )


# -- what the sections must say ------------------------------------------------------------------

def _heading(ctx: AuditContext, key: str):
    hit = ctx.report.sections[key]
    return location(None, Source(ctx.file, hit.line, hit.page, text=hit.title), ctx.file)


@rule("S1-COVERAGE", "warning", "text")
def s1_coverage(ctx: AuditContext):
    """国办公开办函〔2021〕30号：总体情况须综述主动公开、依申请公开、政府信息管理、政府信息公开平台
    建设、监督保障等方面内容（含条例第五十条第四项的考核、评议和责任追究情况）。"""
    report = ctx.report
    if "s1" not in report.sections or report.layout is None:
        return
    text = compact(to_simplified(report.section_text("s1")))
    section = report.layout.section("s1")
    required = f"格式要求综述{'、'.join(section.must_cover)}{_count(len(section.must_cover))}个方面"
    if not text:
        yield ctx.finding("S1-COVERAGE", f"“{section.body}”没有内容（{required}）", locations=[_heading(ctx, "s1")], subject="empty")
        return
    for aspect in section.must_cover:
        pattern = _COVERAGE.get(aspect) or re.compile(re.escape(aspect))
        if not pattern.search(text):
            yield ctx.finding(
                "S1-COVERAGE",
                f"“{section.body}”未涉及“{aspect}”方面的内容（{required}）",
                locations=[_heading(ctx, "s1")],
                subject=aspect,
            )


@rule("S5-THIN", "warning", "text")
def s5_thin(ctx: AuditContext):
    """条例第五十条第（四）项：报告政府信息公开工作存在的主要问题及改进情况；只写“无”或只列问题不提
    改进措施，不符合要求。"""
    report = ctx.report
    if "s5" not in report.sections:
        return
    text = compact(to_simplified(report.section_text("s5")))
    if _EMPTY.fullmatch(text) or len(text) < _THIN["min_chars"]:
        shown = f"仅为“{text}”" if text else "为空"
        yield ctx.finding("S5-THIN", f"第五部分“{_section_name(ctx, 's5')}”{shown}，未说明存在的问题及改进情况", locations=[_heading(ctx, "s5")], subject="empty")
    elif _PROBLEMS.search(text) and not _MEASURES.search(text):
        yield ctx.finding(
            "S5-THIN",
            "第五部分列出了存在的问题，但未提出改进措施或整改情况",
            locations=[_heading(ctx, "s5")],
            subject="no-measures",
        )


def _fee_rules_apply(report: Report) -> bool:
    if report.year is not None:
        return report.year >= _FEES["since_year"]
    return report.layout is not None and report.layout.id == "2021"


@rule("S6-FEE-STATEMENT", "warning", "text")
def s6_fee_statement(ctx: AuditContext):
    """条例第五十条第（五）项；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）及2021年格式：
    “其他需要报告的事项”须说明信息处理费的收取情况（发出收费通知的件数和金额、实际收取金额）。"""
    report = ctx.report
    if "s6" not in report.sections or not _fee_rules_apply(report):
        return
    if not _FEE_STATEMENT.search(compact(to_simplified(report.section_text("s6")))):
        yield ctx.finding(
            "S6-FEE-STATEMENT",
            f"“{_section_name(ctx, 's6')}”未说明信息处理费的收取情况（是否发出收费通知、件数和金额）",
            locations=[_heading(ctx, "s6")],
            subject="s6",
        )


def _fee_unpaid(report: Report) -> int | float | None:
    total = report.cells.get(f"{_FEE_UNPAID}.total")
    if total is None:
        return None
    if total.value is not None:
        return total.value
    parts = [c.value for k, c in report.cells.items() if k.startswith(_FEE_UNPAID + ".") and c.value is not None]
    return sum(parts) if parts else None


def _fee_evidence(text: str, unpaid: int | float) -> tuple[bool, int | None]:
    """(fee notices are reported, the number of notices stated if any)."""
    for sentence in _SENTENCES.findall(text):
        count = _NOTICE_COUNT.search(sentence)
        if count:
            return int(count["n"]) >= unpaid, int(count["n"])
        amount = _POSITIVE_AMOUNT.search(sentence)
        if amount and float(amount["n"]) > 0:
            return True, None
        if _NOTICE_MENTION.search(sentence) and not _NEGATION.search(sentence):
            return True, None
    return False, None


@rule("T3-FEE-VS-S6", "warning", "text")
def t3_fee_vs_s6(ctx: AuditContext):
    """《政府信息公开信息处理费管理办法》：先发收费通知，申请人逾期未缴费才“不再处理”；表三（六）2
    大于0时，“其他需要报告的事项”须报告发出的信息处理费收费通知（不是表二的行政事业性收费）。"""
    report = ctx.report
    unpaid = _fee_unpaid(report)
    if not unpaid or unpaid <= 0:
        return
    keys = [f"{_FEE_UNPAID}.total"]
    if "s6" in report.sections:
        text, where = report.section_text("s6"), [_heading(ctx, "s6")]
    else:  # the section was not found: look for the statement anywhere in the narrative
        text, where = "\n".join(report.section_text(k) for k in report.sections), []
    reported, notices = _fee_evidence(compact(to_simplified(text)), unpaid)
    if reported:
        return
    if notices is not None:
        said = f"只报告发出收费通知{notices}件"
    else:
        said = "未报告发出过信息处理费收费通知（也未报告收取信息处理费）"
    yield ctx.finding(
        "T3-FEE-VS-S6",
        f"表三“{report.layout.cells[keys[0]].row_label}”总计为{_number(unpaid)}件，但“{_section_name(ctx, 's6')}”{said}",
        keys,
        expected=unpaid,
        actual=notices,
        locations=[ctx.locate(k) for k in keys] + where,
    )


# -- DEADLINE --------------------------------------------------------------------------------------

def deadline_status(report: Report, publication: Publication | None = None) -> tuple[date | None, date | None, str]:
    """(legal deadline, publication date, kind of issuing body) for the memo and the roster.

    The deadline (条例第四十九条, ``layouts/deadlines.yaml``) is 1月31日 of the following year for a
    部门 (a government's 办公室/办公厅 included) and 3月31日 for a 县级以上人民政府's own report; for
    乡镇/街道 and unknown bodies it is None (set by local notices) unless ``publication`` carries an
    explicit deadline. The kind is the roster's (``publication.kind``) where a batch was given one,
    else read from the agency's name. The publication date is ``publication.date`` (a crawler's
    first-seen date wins over the printed one, :func:`xxgk_audit.publication.effective`), else
    ``report.published`` (page meta tags, "发布时间/发布日期/公开日期" lines), or None when neither
    gives one: a PDF's creation date is not a publication date (see :func:`_pdf_created`).
    """
    used = publication if publication is not None else effective(report.published)
    kind = used.kind or agency_kind(report.agency)
    return due_date(kind, report.year, used.deadline), parse_date(used.date), kind


def _pdf_created(report: Report) -> date | None:
    """The PDF file's creation (or modification) date: the report as filed cannot have been published
    before it, so it bounds the publication date from below; it is never taken as that date."""
    return parse_date(report.meta.get("pdf_created"))


def _date_source(report: Report, day: date, note: str) -> Source:
    """The block that prints the publication date, else the container's metadata."""
    document = report.document
    if document is not None:
        blocks = document.blocks[:60] + document.blocks[-30:]
        pattern = re.compile(rf"{day.year}\s*[-/.年]\s*0?{day.month}\s*[-/.月]\s*0?{day.day}(?!\d)")
        for block in blocks:
            text = block.text if block.kind != "row" else " ".join(c.text for c in block.cells)
            if pattern.search(text):
                return Source(report.source, block.line, block.page, text=text.strip())
    return Source(report.source, text=f"{note}：{day.isoformat()}")


def _published_source(report: Report, used: Publication, day: date) -> Source:
    if used.source == SIDECAR:
        return Source(report.source, text=f"采集记录：{used.url or '（未记录网址）'} 首次发现于 {day.isoformat()}")
    return _date_source(report, day, "页面元数据中的发布日期")


@rule("DEADLINE", "warning", "text")
def deadline(ctx: AuditContext):
    """条例第四十九条：部门于每年1月31日前、县级以上人民政府（本级报告）于每年3月31日前公布上一年度
    的年度报告；国办公开办函〔2021〕30号（四）：不按时发布的，依条例第四十七条追责。"""
    limit, published, kind = deadline_status(ctx.report, ctx.publication)
    if limit is None:
        return
    who = kinds()[kind].who if kind in kinds() else kind
    used = ctx.publication or effective(ctx.report.published)
    if published is not None:
        if published > limit:
            origin = used.source_label + (f"，报告所载日期为{used.printed}" if used.source == SIDECAR and used.printed and used.printed != used.date else "")
            yield ctx.finding(
                "DEADLINE",
                f"报告发布日期为{published.isoformat()}（{origin}），晚于{who}的法定期限{limit.isoformat()}（逾期{(published - limit).days}天）",
                locations=[location(None, _published_source(ctx.report, used, published), ctx.file)],
                subject=f"published:{published.isoformat()}",
            )
        return
    created = _pdf_created(ctx.report)
    if created is not None and created > limit:
        yield ctx.finding(
            "DEADLINE",
            f"页面未载明发布日期，但所审PDF文件生成于{created.isoformat()}，晚于{who}的法定期限{limit.isoformat()}："
            "该文件不可能在期限前公布（若期限前已公布过其他版本，则属发布后修改，亦应核实）",
            locations=[location(None, Source(ctx.file, text=f"PDF文件属性中的创建（或修改）日期：{created.isoformat()}"), ctx.file)],
            subject=f"pdf_created:{created.isoformat()}",
        )
