"""One minimal failing input per rule id; the untouched sample passes every rule but LABEL-VARIANT."""

from __future__ import annotations

import re

import pytest

from helpers import audit_text, drop_lines, replace_line, rules_of, sample_text, set_row_value, set_t4_value
from tests.conftest import SPEC
from xxgk_audit.rules import REGISTRY

ENGINE_GROUPS = ("Structure and completeness", "Table arithmetic")
ALL_GROUPS = ENGINE_GROUPS + ("Text and content", "Across reports")


def rule_ids(groups=ENGINE_GROUPS) -> list[str]:
    text = (SPEC / "rules.md").read_text(encoding="utf-8")
    ids = []
    for group in groups:
        part = text.split(f"## {group}", 1)[1].split("\n## ", 1)[0]
        ids += re.findall(r"^\| ([A-Z0-9-]{4,}) \|", part, re.M)
    return ids


def test_every_rule_of_rules_md_is_implemented(spec):
    ids = rule_ids(ALL_GROUPS)
    assert len(ids) == len(set(ids)) >= 30, "rules.md was not read as four groups of rule ids"
    missing = [rule_id for rule_id in ids if rule_id not in REGISTRY]
    assert not missing, f"rules.md ids without an implementation: {missing}"
    assert set(REGISTRY) <= set(ids), f"registered ids that rules.md does not define: {sorted(set(REGISTRY) - set(ids))}"


def test_every_rule_names_its_basis():
    for rule in REGISTRY.values():
        assert rule.doc and len(rule.doc) > 8, f"{rule.id} has no docstring naming the clause it enforces"


def test_the_sample_passes(tmp_path):
    report, result = audit_text(tmp_path, sample_text())
    assert rules_of(result) == {"LABEL-VARIANT"}
    assert report.template == "2021" and len(report.sections) == 6
    assert all(v == 0 for v in report.values().values()) and len(report.cells) == 200


EDITS = {
    # 五 with its content: its sub-headings (（一）存在的主要问题 …) would still be the section
    "SECTION-MISSING": lambda t: re.sub(r"#### 五、存在的主要问题及改进情况\n.*?(?=#### 六、)", "", t, flags=re.S),
    "SECTION-TITLE-VARIANT": lambda t: replace_line(t, "五、存在的主要问题及改进情况", "#### 五、存在的主要问题及整改措施"),
    "SECTION-ORDER": lambda t: replace_line(t, "二、主动公开政府信息情况", "## 三、主动公开政府信息情况"),
    "TABLE-MISSING": lambda t: re.sub(r"行政复议\t.*?\n\n", "\n", t, flags=re.S),
    "ROW-MISSING": lambda t: drop_lines(t, "3.要求提供公开出版物"),
    "CELL-BLANK": lambda t: set_row_value(t, "2.重复申请", 1, "—"),
    "CELL-NOT-NUMBER": lambda t: set_row_value(t, "2.重复申请", 1, "不详"),
    "CELL-NEGATIVE": lambda t: set_t4_value(set_t4_value(t, "review.pending", "-1"), "review.total", "-1"),
    "CELL-NOT-INTEGER": lambda t: set_t4_value(set_t4_value(t, "review.pending", "1.5"), "review.total", "1.5"),
    # 17 digits for 15 cells, two splits that both satisfy 总计 = 四种结果: 1 10 0 0 11 … / 11 0 0 0 11 …
    "CELLS-INSEPARABLE": lambda t: re.sub(r"\n0(\t0){14}\n", "\n11000110000000000\n", t),
    "LABEL-VARIANT": lambda t: t,
    "UNMAPPED-CONTENT": lambda t: replace_line(t, "四、结转下年度继续办理", "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t\n五、另行统计的申请\t\t3\t0\t0\t0\t0\t0\t3"),
    "FORMAT-OUTDATED": lambda t: t.replace("2023 年政府信息公开工作年度报告", "2019 年政府信息公开工作年度报告").replace("2023", "2019"),
    "YEAR-MISMATCH": lambda t: replace_line(t, "## 一、总体情况", "本报告所列数据的统计期限为2022年1月1日至12月31日。\n\n## 一、总体情况"),
    "T3-BAL": lambda t: set_row_value(set_row_value(t, "一、本年新收", 0, "1"), "一、本年新收", 6, "1"),
    "T3-RESULT-SUM": lambda t: set_row_value(set_row_value(t, "予以公开", 0, "1"), "予以公开", 6, "1"),
    "T3-ROW-TOTAL": lambda t: set_row_value(t, "1.属于国家秘密", 6, "2"),
    "T4-SUM": lambda t: set_t4_value(t, "litigation_direct.other", "1"),
}


@pytest.mark.parametrize("rule_id", sorted(EDITS))
def test_minimal_failing_input(tmp_path, rule_id):
    _, result = audit_text(tmp_path, EDITS[rule_id](sample_text()))
    found = result.by_rule(rule_id)
    assert found, f"{rule_id} did not fire; got {sorted(rules_of(result))}"
    for finding in found:
        assert finding.message and finding.fingerprint and finding.severity == REGISTRY[rule_id].severity


def test_source_gate_catches_a_number_that_is_not_in_the_source(tmp_path):
    from xxgk_audit import audit

    report, result = audit_text(tmp_path, sample_text())
    assert not result.by_rule("SOURCE-GATE")
    report.cells["t3.new.total"].value = 7  # as if the parser had misread the cell
    gate = audit(report).by_rule("SOURCE-GATE")
    assert [f.cells for f in gate] == [("t3.new.total",)]


def test_every_engine_rule_has_a_minimal_input(spec):
    assert set(rule_ids()) - {"SOURCE-GATE"} <= set(EDITS)


def test_arithmetic_message_carries_the_numbers(tmp_path):
    text = set_row_value(set_row_value(sample_text(), "一、本年新收", 0, "21"), "一、本年新收", 6, "21")
    _, result = audit_text(tmp_path, text)
    messages = {f.message for f in result.by_rule("T3-BAL")}
    assert "表三“总计”列：第一项加第二项之和（21）不等于第三项加第四项之和（0）" in messages
    finding = next(f for f in result.by_rule("T3-BAL") if "总计" in f.message)
    assert finding.cells == ("t3.new.total", "t3.carried_over.total", "t3.result.total.total", "t3.carry_forward.total")
    assert (finding.expected, finding.actual, finding.difference) == (21, 0, -21)
    assert {loc.cell: loc.text for loc in finding.locations}["t3.new.total"] == "21"


def test_blanks_are_unknowns_not_zero(tmp_path):
    # a blank part leaves the equation open (not assessable) ...
    text = set_row_value(sample_text(), "予以公开", 1, "—")
    _, result = audit_text(tmp_path, text)
    assert result.by_rule("CELL-BLANK") and not result.by_rule("T3-ROW-TOTAL")
    # ... unless the known parts already exceed the total
    text = set_row_value(set_row_value(sample_text(), "予以公开", 0, "5"), "予以公开", 1, "—")
    _, result = audit_text(tmp_path, text)
    assert any(f.cells[0] == "t3.result.granted.total" for f in result.by_rule("T3-ROW-TOTAL"))


def test_fingerprint_is_stable_and_tracks_values(tmp_path):
    text = set_t4_value(sample_text(), "review.upheld", "1")
    _, first = audit_text(tmp_path, text, "a.txt")
    _, again = audit_text(tmp_path, text, "b.txt")
    _, changed = audit_text(tmp_path, set_t4_value(sample_text(), "review.upheld", "2"), "c.txt")
    assert first.by_rule("T4-SUM")[0].fingerprint == again.by_rule("T4-SUM")[0].fingerprint
    assert first.by_rule("T4-SUM")[0].fingerprint != changed.by_rule("T4-SUM")[0].fingerprint
