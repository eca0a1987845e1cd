"""Rules of the group "Across reports" (rules.md): the previous year's report of the same agency
(``ctx.prior``) and, in a batch, the member reports of a region's summary report (``ctx.members``).

A year-on-year rule uses the prior report only when it is the same agency (names normalised, see
:mod:`xxgk_audit.agency`) and exactly the year before. Blank cells are unknown: a pair with a
blank is not compared. Thresholds and word lists are data (``layouts/crossyear.yaml``).
"""

from __future__ import annotations

import re
from rapidfuzz import fuzz, process

from ..agency import same_agency
from ..layout import crossyear_data
from ..parse.narrative import Sentence, section_text, sentence_source
from ..report import Report
from .registry import AuditContext, location, rule
from .structure import describe

CONFIG = crossyear_data()
_YOY = CONFIG["yoy"]
_REUSE = CONFIG["reuse"]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _REUSE["boilerplate"]))
_FOLD = re.compile(r"[^\w]|_")
_T3_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")


def previous_report(ctx: AuditContext) -> Report | None:
    """The report of the same agency for the year before, if ``ctx.prior`` holds it."""
    report = ctx.report
    if report.year is None:
        return None
    for prior in ctx.prior:
        if prior.year == report.year - 1 and same_agency(prior.agency, report.agency):
            return prior
    return None


def _layout_is(report: Report, layout_id: str) -> bool:
    return report.layout is not None and report.layout.id == layout_id


def _prior_location(prior: Report, key: str):
    cell = prior.cells.get(key)
    return location(key, cell.source if cell else None, prior.source)


def _n(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@rule("T3-CARRY-CHAIN", "warning", "cross")
def t3_carry_chain(ctx: AuditContext):
    """表三勾稽关系的跨年延续：本年“二、上年结转政府信息公开申请数量”应等于上一年度报告“四、结转下年度
    继续办理”（逐列）。"""
    prior = previous_report(ctx)
    if prior is None:
        return
    for column in _T3_COLUMNS:
        key, before = f"t3.carried_over.{column}", f"t3.carry_forward.{column}"
        now, then = ctx.report.value(key), prior.value(before)
        if now is None or then is None or now == then:
            continue
        spec = ctx.report.layout.cells[key]
        forward = (prior.layout or ctx.report.layout).cells[before].row_label
        yield ctx.finding(
            "T3-CARRY-CHAIN",
            f"表三“{spec.row_label}”“{spec.column_label}”列为{_n(now)}件，"
            f"但{prior.year}年度报告“{forward}”该列为{_n(then)}件",
            [key],
            expected=then,
            actual=now,
            locations=[ctx.locate(key), _prior_location(prior, before)],
        )


@rule("T2-VALID-PROGRESSION", "warning", "cross")
def t2_valid_progression(ctx: AuditContext):
    """国办公开办函〔2021〕30号表二第二十条第（一）项：本年现行有效件数应等于上年现行有效件数加本年制发
    件数减本年废止件数（规章、行政规范性文件分别计算；失效、修改未计废止时亦会不符，故为警告）。"""
    prior = previous_report(ctx)
    report = ctx.report
    if prior is None or not _layout_is(report, "2021") or not _layout_is(prior, "2021"):
        return  # the 2019 表二 has no 现行有效 column
    for doc in ("regulations", "normative_docs"):
        base = f"t2.art20_1.{doc}"
        name = report.layout.cells[f"{base}.valid"].row_label
        valid, made, repealed = (report.value(f"{base}.{c}") for c in ("valid", "made", "repealed"))
        valid_before = prior.value(f"{base}.valid")
        if None in (valid, made, repealed, valid_before):
            continue
        expected = valid_before + made - repealed
        if valid == expected:
            continue
        keys = [f"{base}.valid", f"{base}.made", f"{base}.repealed"]
        columns = {k.rsplit(".", 1)[1]: report.layout.cells[k].column_label for k in keys}
        short = {c: label.removesuffix("件数") for c, label in columns.items()}  # "本年制发2件", not "本年制发件数2件"
        yield ctx.finding(
            "T2-VALID-PROGRESSION",
            f"表二“{name}”{columns['valid']}为{_n(valid)}件，但按{prior.year}年度{short['valid']}{_n(valid_before)}件"
            f"加{short['made']}{_n(made)}件减{short['repealed']}{_n(repealed)}件应为{_n(expected)}件",
            keys,
            expected=expected,
            actual=valid,
            locations=[ctx.locate(k) for k in keys] + [_prior_location(prior, f"{base}.valid")],
        )


def _subject_value(report: Report, keys: list[str]) -> int | float | None:
    values = [report.value(k) for k in keys]
    if not keys or any(v is None for v in values):
        return None
    return sum(values)


def is_jump(before: int | float, now: int | float) -> bool:
    """More than ``ratio``× up or down, between values large enough not to be chance."""
    if max(before, now) < _YOY["min_value"] or abs(now - before) < _YOY["min_change"]:
        return False
    low, high = sorted((before, now))
    return low == 0 or high / low > _YOY["ratio"]


@rule("YOY-JUMP", "info", "cross")
def yoy_jump(ctx: AuditContext):
    """年度数据的合理性（format-notes C14）：件数较上年增减超过5倍（或降至五分之一以下）的，提示核实
    是否统计口径或填报有误（0→1、1→6 等小数目的变化不提示）。"""
    prior = previous_report(ctx)
    report = ctx.report
    if prior is None or report.layout is None or prior.layout is None:
        return
    for subject in _YOY["subjects"]:
        keys, keys_before = subject["cells"].get(report.layout.id), subject["cells"].get(prior.layout.id)
        now, before = _subject_value(report, keys or []), _subject_value(prior, keys_before or [])
        if now is None or before is None or not is_jump(before, now):
            continue
        change = "增至" if now > before else "降至"
        factor = f"为上年的{now / before:.2g}倍" if before else "上年为0"
        yield ctx.finding(
            "YOY-JUMP",
            f"{subject['label']}由{prior.year}年度的{_n(before)}{change}{report.year}年度的{_n(now)}（{factor}），请核实统计口径或填报是否有误",
            keys,
            expected=before,
            actual=now,
            locations=[ctx.locate(k) for k in keys] + [_prior_location(prior, k) for k in keys_before],
        )


# -- TEXT-REUSE --------------------------------------------------------------------------------------

def _narrative_sentences(report: Report) -> list[tuple[Sentence, str]]:
    """(sentence, folded form) of the text sections, boilerplate and sub-headings left out."""
    if report.layout is None:
        return []
    keys = [s.key for s in report.layout.sections if s.kind == "text" and s.key in report.sections]
    found = []
    for key in keys:
        for sentence in section_text(report, key).sentences:
            folded = _FOLD.sub("", re.sub(r"\d+", "0", sentence.text))
            if len(folded) >= _REUSE["min_sentence"] and not _BOILERPLATE.search(sentence.text):
                found.append((sentence, folded))
    return found


def reused_passages(report: Report, prior: Report) -> tuple[float, int, list[Sentence]]:
    """(share of the compared text that repeats the prior narrative, compared characters, the
    repeated sentences)."""
    current, before = _narrative_sentences(report), _narrative_sentences(prior)
    total = sum(len(f) for _, f in current)
    if not current or not before:
        return 0.0, total, []
    earlier = {f for _, f in before}
    choices = list(earlier)
    repeated = []
    for sentence, folded in current:
        if folded in earlier or process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=_REUSE["similar"]):
            repeated.append((sentence, folded))
    share = sum(len(f) for _, f in repeated) / total if total else 0.0
    return share, total, [s for s, _ in repeated]


@rule("TEXT-REUSE", "warning", "cross")
def text_reuse(ctx: AuditContext):
    """国办公开办函〔2021〕30号（四）明确责任：年度报告“内容雷同”“敷衍塞责”的，依条例第四十七条追责；
    除套话外，正文（总体情况、问题及改进、其他事项）半数以上与上年报告相同即提示。"""
    prior = previous_report(ctx)
    if prior is None:
        return
    share, compared, repeated = reused_passages(ctx.report, prior)
    if compared < _REUSE["min_chars"] or share < _REUSE["share"]:
        return
    shown = repeated[: _REUSE["shown"]]
    passages = "；".join(f"“{s.text}”" for s in shown) + (f"等共{len(repeated)}句" if len(repeated) > len(shown) else "")
    yield ctx.finding(
        "TEXT-REUSE",
        f"除套话外，正文约{share:.0%}的文字与{prior.year}年度报告相同或几乎相同（阈值{_REUSE['share']:.0%}），重复的段落如：{passages}",
        expected=_REUSE["share"],
        actual=round(share, 3),
        locations=[location(None, sentence_source(ctx.report, s), ctx.file) for s in shown],
        subject=f"{prior.source}:{round(share, 2)}",
    )


# -- HIERARCHY-SUM -----------------------------------------------------------------------------------

def _hierarchy_keys(report: Report) -> list[str]:
    layout = report.layout
    config = CONFIG["hierarchy"]
    keys = [k for k, spec in layout.cells.items() if spec.table == "t3" and spec.column == config["t3_column"]]
    keys += [k for k, spec in layout.cells.items() if spec.table == "t4"]
    return keys


@rule("HIERARCHY-SUM", "warning", "cross")
def hierarchy_sum(ctx: AuditContext):
    """条例第四十九条、第五十条；CASS评估“未反映本行政区域全貌”：批量审核中声明了层级关系时，地区汇总
    报告表三、表四的数字应等于其所属各报告之和。"""
    report = ctx.report
    if report.layout is None:
        return
    members = [m for m in ctx.members if m.sha256 != report.sha256 and m.year == report.year and m.layout is report.layout]
    if not members:
        return
    for key in _hierarchy_keys(report):
        summary = report.value(key)
        cells = [m.cells.get(key) for m in members]
        if summary is None or key not in report.cells or any(c is None for c in cells):
            continue
        known = sum(c.value for c in cells if c.value is not None)
        blanks = sum(1 for c in cells if c.value is None)
        if known == summary or (blanks and known < summary):
            continue
        note = f"（另有{blanks}份报告该格为空，空白只会使合计更大）" if blanks else ""
        yield ctx.finding(
            "HIERARCHY-SUM",
            f"{describe(report.layout, key)}：汇总报告为{_n(summary)}，所属{len(members)}份报告之和为{_n(known)}{note}",
            [key],
            expected=known,
            actual=summary,
            locations=[ctx.locate(key)] + [location(key, c.source, m.source) for m, c in zip(members, cells)],
        )
