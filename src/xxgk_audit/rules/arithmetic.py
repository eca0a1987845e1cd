"""Rules of the group "Table arithmetic": one rule per equation id in the layouts' equations.yaml.

Every equation is "sum == sum" over cells. Blank or unreadable cells are unknowns of 0 or more: an
instance fails only when no such unknowns can close the gap (the known parts already exceed the
other side); otherwise it is reported as not assessable and CELL-BLANK stands alone.

A finding's ``actual`` is the sum of the side the equation declares ``printed`` (报告填写), its
``expected`` the sum of the other side (按勾稽关系应为), the same way round for every equation.
"""

from __future__ import annotations

from functools import partial

from ..layout import EquationInstance, all_layouts
from .registry import AuditContext, EquationCheck, register


def _format(total: int | float, blanks: int) -> str:
    text = f"{round(total, 6):g}" if isinstance(total, float) else str(total)
    return f"{text}，另有{blanks}个空白单元格" if blanks else text


def evaluate(ctx: AuditContext, instance: EquationInstance) -> EquationCheck:
    cells = ctx.report.cells
    if any(key not in cells for key in instance.cells):
        return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, "absent")
    if instance in ctx.report.split_equations:  # run-together digits were split by it: holds by construction
        return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, "assumed")
    sums, blanks = [], []
    for side in (instance.lhs, instance.rhs):
        known = [cells[k].value for k in side if cells[k].value is not None]
        sums.append(sum(known))
        blanks.append(tuple(k for k in side if cells[k].value is None))
    (lhs, rhs), (lhs_blank, rhs_blank) = sums, blanks
    gap = rhs - lhs
    if isinstance(gap, float):
        gap = round(gap, 6)
    if not lhs_blank and not rhs_blank:
        status = "pass" if gap == 0 else "fail"
    elif lhs_blank and rhs_blank:
        status = "unknown"
    elif lhs_blank:
        status = "unknown" if gap >= 0 else "fail"  # blanks on the left can only add to it
    else:
        status = "unknown" if gap <= 0 else "fail"
    return EquationCheck(instance.rule, instance.subject_label, instance.lhs, instance.rhs, status, lhs, rhs, lhs_blank + rhs_blank)


def check_equations(ctx: AuditContext, rule_id: str):
    layout = ctx.report.layout
    for equation in layout.equations:
        if equation.id != rule_id:
            continue
        for instance in equation.instances:
            check = evaluate(ctx, instance)
            ctx.checks.append(check)
            if check.status != "fail":
                continue
            lhs_blank = sum(1 for k in instance.lhs if k in check.blanks)
            rhs_blank = sum(1 for k in instance.rhs if k in check.blanks)
            message = instance.message.format(lhs=_format(check.lhs_sum, lhs_blank), rhs=_format(check.rhs_sum, rhs_blank))
            if check.blanks:
                message += "（空白单元格按0或以上计算也无法平衡）"
            printed, computed = (check.lhs_sum, check.rhs_sum) if instance.printed == "lhs" else (check.rhs_sum, check.lhs_sum)
            yield ctx.finding(rule_id, message, instance.cells, expected=computed, actual=printed)


def _register_equation_rules() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for layout in all_layouts():
        for equation in layout.equations:
            seen.setdefault(equation.id, (equation.severity, equation.basis))
    for rule_id, (severity, basis) in seen.items():
        register(rule_id, severity, "arithmetic", partial(check_equations, rule_id=rule_id), doc=basis)


_register_equation_rules()
