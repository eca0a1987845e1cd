"""Rules of the group "Table arithmetic": one rule per equation id in the layouts' equations.yaml.

Every equation is "sum == sum" over cells. Blank or unreadable cells are unknowns of 0 or more: an
instance fails only when no such unknowns can close the gap (the known parts already exceed the
other side); otherwise it is reported as not assessable and CELL-BLANK stands alone.

A finding's ``actual`` is the sum of the side the equation declares ``printed`` (报告填写), its
``expected`` the sum of the other side (按勾稽关系应为), the same way round for every equation.

A value recognized by OCR from a scan and marked as possibly misread (:class:`~xxgk_audit.document.OcrBox`
``suspect``) is not trusted: when reading one such value as one of its other possible readings
would balance the equation, the failure is reported as a possible misread — severity warning, the
box image in the finding — instead of an error in the report. A failure no misread can explain
stays an error.
"""

from __future__ import annotations

from functools import partial

from ..layout import EquationInstance, all_layouts
from ..parse.values import parse_value
from .registry import REGISTRY, AuditContext, EquationCheck, register


def _format(total: int | float, blanks: int) -> str:
    text = f"{round(total, 6):g}" if isinstance(total, float) else str(total)
    return f"{text}，另有{blanks}个空白单元格" if blanks else text


def _status(lhs: int | float, rhs: int | float, lhs_blank: bool, rhs_blank: bool) -> str:
    gap = rhs - lhs
    if isinstance(gap, float):
        gap = round(gap, 6)
    if not lhs_blank and not rhs_blank:
        return "pass" if gap == 0 else "fail"
    if lhs_blank and rhs_blank:
        return "unknown"
    if lhs_blank:
        return "unknown" if gap >= 0 else "fail"  # blanks on the left can only add to it
    return "unknown" if gap <= 0 else "fail"


def evaluate(ctx: AuditContext, instance: EquationInstance, assumed: frozenset[int] | None = None) -> EquationCheck:
    """The check of one equation instance; ``assumed``: ids of the instances that split run-together
    digits (the report's, when not given)."""
    if assumed is None:
        assumed = frozenset(map(id, ctx.report.split_equations))
    cells = ctx.report.cells
    try:
        left = [cells[k].value for k in instance.lhs]
        right = [cells[k].value for k in instance.rhs]
    except KeyError:
        return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, "absent")
    if id(instance) in assumed:  # run-together digits were split by it: holds by construction
        return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, "assumed")
    if None not in left and None not in right:
        lhs, rhs = sum(left), sum(right)
        return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, _status(lhs, rhs, False, False), lhs, rhs)
    lhs_blank = tuple(k for k, v in zip(instance.lhs, left) if v is None)
    rhs_blank = tuple(k for k, v in zip(instance.rhs, right) if v is None)
    lhs = sum(v for v in left if v is not None)
    rhs = sum(v for v in right if v is not None)
    status = _status(lhs, rhs, bool(lhs_blank), bool(rhs_blank))
    return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, status, lhs, rhs, lhs_blank + rhs_blank)


def possible_misread(ctx: AuditContext, instance: EquationInstance, check: EquationCheck) -> tuple[str, str] | None:
    """The first OCR value marked as possibly misread whose other reading balances the failing
    equation (the cell key and that reading), or None."""
    cells = ctx.report.cells
    blank = set(check.blanks)
    for key in instance.cells:
        cell = cells[key]
        ocr = cell.source.ocr if cell.source is not None else None
        if ocr is None or ocr.suspect is None or cell.value is None:
            continue
        on_left = key in instance.lhs
        for reading in ocr.readings:
            value = parse_value(reading).value
            if value is None or value < 0:
                continue
            lhs = check.lhs_sum + (value - cell.value if on_left else 0)
            rhs = check.rhs_sum + (0 if on_left else value - cell.value)
            if _status(lhs, rhs, any(k in blank for k in instance.lhs), any(k in blank for k in instance.rhs)) != "fail":
                return key, reading
    return None


def check_equations(ctx: AuditContext, rule_id: str):
    layout = ctx.report.layout
    assumed = frozenset(map(id, ctx.report.split_equations))
    for equation in layout.equations:
        if equation.id != rule_id:
            continue
        for instance in equation.instances:
            check = evaluate(ctx, instance, assumed)
            ctx.checks.append(check)
            if check.status != "fail":
                continue
            lhs_blank = sum(1 for k in instance.lhs if k in check.blanks)
            rhs_blank = sum(1 for k in instance.rhs if k in check.blanks)
            message = instance.message.format(lhs=_format(check.lhs_sum, lhs_blank), rhs=_format(check.rhs_sum, rhs_blank))
            if check.blanks:
                message += "（空白单元格按0或以上计算也无法平衡）"
            misread = possible_misread(ctx, instance, check)
            severity = None
            if misread is not None:
                from .structure import describe

                key, reading = misread
                source = ctx.report.cells[key].source
                message += (
                    f"。注意：{describe(layout, key)}是扫描件文字识别（OCR）的结果“{source.text}”"
                    f"（置信度{source.ocr.confidence:.2f}），原件可能是“{reading}”，按此则等式成立："
                    "可能是识别错误而非报告错误，请对照原图核实"
                )
                if ctx.severities.get(rule_id, REGISTRY[rule_id].severity) == "error":
                    severity = "warning"
            printed, computed = (check.lhs_sum, check.rhs_sum) if instance.printed == "lhs" else (check.rhs_sum, check.lhs_sum)
            yield ctx.finding(rule_id, message, instance.cells, expected=computed, actual=printed, severity=severity)


def _register_equation_rules() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for layout in all_layouts():
        for equation in layout.equations:
            seen.setdefault(equation.id, (equation.severity, equation.basis))
    for rule_id, (severity, basis) in seen.items():
        register(rule_id, severity, "arithmetic", partial(check_equations, rule_id=rule_id), doc=basis)


_register_equation_rules()
