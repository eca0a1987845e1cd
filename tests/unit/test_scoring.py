"""Indicator sheets (考评细则): validation with one-line errors, and scores computed by hand."""

from __future__ import annotations

import pytest

from xxgk_audit.scoring import ScoredFinding, SheetError, UnitInput, load_sheet, packaged_sheets, parse_sheet, ranks, score, score_all

# one indicator per kind of condition
SHEET = """
name: 测试细则
total: 60
indicators:
  - {id: on_time, name: 按时发布, points: 10, when: {publication: [late]}, deduct: 2, per: day, cap: 6}
  - {id: dated, name: 日期可查, points: 5, when: {publication: [undated]}, deduct: all}
  - {id: arithmetic, name: 勾稽, points: 20, when: {findings: {groups: [arithmetic]}}, deduct: 4, cap: 10}
  - {id: text, name: 正文, points: 10, when: {findings: {rules: [TEXT-VS-TABLE, S5-THIN], severities: [warning]}}, deduct: 3}
  - {id: reuse, name: 不雷同, points: 10, when: {reuse: {min_share: 0.6}}, deduct: 10}
  - {id: corrected, name: 复议纠错, points: 5, when: {cells: {keys: [t4.review.corrected, t4.litigation_direct.corrected], op: ">", value: 0}}, deduct: 1, per: unit}
"""


def finding(rule, group, verdict, severity="error", actual=None, n=0):
    return ScoredFinding(rule, group, severity, f"{rule} 问题 {n}", f"{rule}-{n}-{verdict}", verdict, actual)


def test_the_example_sheet_is_shipped_checked_and_named_an_example():
    assert packaged_sheets() == ["example-annual-report"]
    sheet = load_sheet("example-annual-report")
    assert sheet.example and "示例" in sheet.name and sheet.total == 100
    kinds = {i.condition.kind for i in sheet.indicators}
    assert kinds == {"findings", "reuse", "cells", "publication"}


def test_scores_by_hand():
    sheet = parse_sheet(SHEET)
    unit = UnitInput(
        "睢县教育局", "k", year=2023, publication="late", days_late=2,
        findings=[
            finding("T3-BAL", "arithmetic", "confirmed", n=1), finding("T3-ROW-TOTAL", "arithmetic", "confirmed", n=2),
            finding("T4-SUM", "arithmetic", "pending", n=3), finding("T3-RESULT-SUM", "arithmetic", "dismissed", n=4),
            finding("TEXT-VS-TABLE", "text", "pending", "warning", n=5), finding("S5-THIN", "text", "confirmed", "info", n=6),  # info: not this indicator
            finding("TEXT-REUSE", "cross", "confirmed", "warning", actual=0.55, n=7),  # below min_share
        ],
        cells={"t4.review.corrected": 2, "t4.litigation_direct.corrected": None},
    )
    card = score(sheet, unit)
    lines = {line.indicator.id: (line.confirmed, line.provisional) for line in card.lines}
    # on_time: 2 days × 2 = 4 (cap 6): 6 | dated: not undated: 5 | arithmetic: 2 confirmed × 4 = 8 → 12, provisional 3 × 4 = 12 > cap 10 → 10
    # text: only the pending warning: 10 / 7 | reuse: 0.55 < 0.6: 10 | corrected: 2 (blank counts as unknown, the known sum 2 > 0): 5 − 2 = 3
    assert lines == {"on_time": (6, 6), "dated": (5, 5), "arithmetic": (12, 10), "text": (10, 7), "reuse": (10, 10), "corrected": (3, 3)}
    assert card.confirmed == 46 and card.provisional == 41
    assert card.pending == 2  # T4-SUM and TEXT-VS-TABLE cost points only provisionally
    arithmetic = next(line for line in card.lines if line.indicator.id == "arithmetic")
    assert [c.verdict for c in arithmetic.costs] == ["confirmed", "confirmed", "pending"]  # 不是问题 never listed


def test_missing_report_scores_zero_or_only_its_conditions():
    sheet = parse_sheet(SHEET + "\n")
    missing = UnitInput("睢县商务局", "k", publication="missing")
    assert score(sheet, missing).confirmed == 0
    lenient = parse_sheet(SHEET.replace("name: 测试细则", "name: 测试细则\nmissing_report: deduct").replace("[undated]", "[undated, missing]"))
    assert score(lenient, missing).confirmed == 55  # only 日期可查 is lost; cell conditions are not evaluated without a report


def test_ranking_by_confirmed_then_provisional():
    sheet = parse_sheet(SHEET)
    units = [
        UnitInput("乙", "b", publication="published", findings=[finding("T3-BAL", "arithmetic", "pending")]),
        UnitInput("甲", "a", publication="published"),
        UnitInput("丙", "c", publication="published", findings=[finding("T3-BAL", "arithmetic", "confirmed")]),
        UnitInput("丁", "d", publication="published"),
    ]
    cards = score_all(sheet, units)
    assert [(c.unit.unit, c.confirmed, c.provisional) for c in cards] == [("丁", 60, 60), ("甲", 60, 60), ("乙", 60, 56), ("丙", 56, 56)]
    assert ranks(cards) == [1, 1, 3, 4]


@pytest.mark.parametrize(
    "change, message",
    [
        (("deduct: 2, per: day", "deduct: -2, per: day"), "指标 on_time：deduct（每次扣分）应为正数或 all"),
        (("rules: [TEXT-VS-TABLE, S5-THIN]", "rules: [TEXT-VS-TABEL]"), "指标 text：没有规则 TEXT-VS-TABEL"),
        (("groups: [arithmetic]", "groups: [maths]"), "指标 arithmetic：没有类别 maths"),
        (("t4.review.corrected,", "t4.review.fixed,"), "指标 corrected：单元格键 t4.review.fixed 不存在"),
        (('op: ">"', 'op: "=>"'), "指标 corrected：op 应为"),
        (("[undated]", "[forgotten]"), "指标 dated：publication 条件应为"),
        (("min_share: 0.6", "min_share: 60"), "指标 reuse：min_share 应为 0 到 1 之间的数"),
        (("total: 60", "total: 100"), "total 为 100，但各指标分值之和为 60"),
        (("id: dated", "id: on_time"), "指标编号 on_time 重复"),
        (("points: 5, when: {publication", "points: five, when: {publication"), "指标 dated：points（分值）应为正数"),
        (("deduct: 4, cap: 10", "deduct: 4, cap: 10, weight: 2"), "指标 arithmetic：有不认识的项 weight"),
        (("deduct: 3}", "deduct: 3, per: unit}"), "指标 text：per: unit 只用于 cells 条件"),
        (("when: {reuse:", "when: {reuse: {}, findings:"), "指标 reuse：when 应恰有一个条件"),
        (("name: 测试细则", "name: 测试细则\nweights: 1"), "考评细则中有不认识的项：weights"),
        (("indicators:", "indicators: []\nx:"), "考评细则中有不认识的项：x"),
    ],
)
def test_a_bad_sheet_is_one_clear_line(change, message):
    old, new = change
    assert old in SHEET
    with pytest.raises(SheetError) as raised:
        parse_sheet(SHEET.replace(old, new, 1), "my.yaml")
    assert message in raised.value.reason and "\n" not in raised.value.reason
    assert raised.value.path == "my.yaml"


def test_bad_sheet_files(tmp_path):
    with pytest.raises(SheetError, match="不是有效的 YAML（第 3 行："):
        parse_sheet("name: x\nindicators: [\n  - {", "x.yaml")
    with pytest.raises(SheetError, match="应为映射"):
        parse_sheet("- 1\n- 2\n")
    with pytest.raises(SheetError, match="缺少 indicators"):
        parse_sheet("name: x\n")
    with pytest.raises(SheetError, match="无法读取"):
        load_sheet(tmp_path / "absent.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(SHEET.encode("gb18030"))
    assert load_sheet(gbk).name == "测试细则"
