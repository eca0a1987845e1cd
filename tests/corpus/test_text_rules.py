"""The text and cross-report rules on the shared corpus, against the hand-checked expected files.

TEXT-VS-TABLE must find exactly the narrative contradictions the expected files list and nothing
else; every figure the expected notes call agreeing must be read and matched to its cells; the
other text rules stay silent where the notes find the report fine; the one adjacent pair
(洪泽区 2023 → 2024) gives exactly what its numbers imply.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.corpus.conftest import NAMES
from xxgk_audit import audit, load_report
from xxgk_audit.rules.claims import narrative_checks
from xxgk_audit.rules.crossyear import reused_passages
from xxgk_audit.rules.text import deadline_status

TEXT_RULES = ("TEXT-VS-TABLE", "S1-COVERAGE", "S5-THIN", "S6-FEE-STATEMENT", "T3-FEE-VS-S6", "DEADLINE")


@pytest.mark.parametrize("name", NAMES)
def test_text_vs_table_finds_exactly_the_listed_contradictions(results, name):
    _, result, expected = results(name)
    listed = [d for d in expected["defects"] if d["rule"] == "TEXT-VS-TABLE"]
    found = result.by_rule("TEXT-VS-TABLE")
    assert len(found) == len(listed), [f.message for f in found]
    for defect in listed:
        assert [f for f in found if set(f.cells) & set(defect["cells"])], defect["detail"]
    for finding in found:  # each quotes its sentence, with the line or page
        quote = finding.locations[0]
        assert quote.cell is None and quote.text and (quote.line or quote.page)


# (file, target, stated, status): the figures of the expected notes, read from the narrative
AGREEING = {
    "2019_sh-szfbgt.html": [
        ("received", 859, "match"), ("answered", 805, "match"), ("carried_over", 18, "match"), ("carry_forward", 72, "match"),
        ("denied", 35, "open"), ("not_processed", 158, "open"), ("other", 0, "open"),  # blank 总计 cells: the known parts agree
        ("review", 7, "match"), ("litigation", 9, "open"), ("regulations", 13, "match"), ("normative_docs", 60, "match"),
        ("granted_partial", 258, "mismatch"), ("unable", 265, "mismatch"),
    ],
    "2023_hongzequ.pdf": [("received", 21, "match")],
    "2024_hongzequ.pdf": [("received", 17, "mismatch")],
    "2024_huaianshi.pdf": [
        ("received", 3119, "match"), ("answered", 3050, "match"), ("carried_over", 34, "match"), ("carry_forward", 103, "match"),
        ("review", 351, "match"), ("outcome_upheld", 72, "match"), ("outcome_corrected", 64, "match"), ("outcome_other", 178, "match"), ("outcome_pending", 37, "match"),
        ("litigation", 46, "match"), ("outcome_upheld", 25, "match"), ("outcome_corrected", 5, "match"), ("outcome_other", 9, "match"), ("outcome_pending", 7, "match"),
        ("regulations", 1, "match"),
    ],
    "2024_sh-kewei.md": [
        ("received", 34, "match"), ("carried_over", 2, "match"), ("granted", 9, "match"), ("partial", 0, "match"), ("denied", 2, "match"),
        ("unable", 10, "match"), ("not_processed", 0, "match"), ("other", 14, "match"), ("carry_forward", 1, "match"),  # 结转 总计 blank, parts 1+0+…
        ("review", 1, "match"), ("litigation", 0, "match"), ("normative_docs", 13, "match"),
    ],
    "2023_shuyang-fgj.html": [("received", 26, "match")],
    "2023_suixian-gxj.txt": [("received", 0, "match")],  # 未收到依申请公开
    # crawler text whose digits run together: 表三 split by the layout (row totals, the equations
    # across rows) agrees with every figure of the narrative; 表二 行政规范性文件 cannot be split
    "2023_pingtan.txt": [
        ("review", 2, "match"), ("litigation", 7, "match"),  # 表四 readable: 2; 5 + 2
        ("answered", 81, "match"), ("granted_partial", 42, "match"), ("denied", 5, "match"), ("unable", 31, "match"),
        ("not_processed", 1, "match"), ("other", 2, "match"), ("normative_docs", 393, "open"), ("normative_docs", 77, "open"),
    ],
    "2021_pingtan.txt": [("received", 70, "match"), ("answered", 69, "match"), ("carry_forward", 1, "match")],
}


@pytest.mark.parametrize("name", NAMES)
def test_every_narrative_figure_is_matched_or_reported(results, name):
    report, _, _ = results(name)
    got = sorted((c.claim.target, c.claim.stated, c.status) for c in narrative_checks(report))
    assert got == sorted(AGREEING[name])


@pytest.mark.parametrize("name", NAMES)
def test_no_other_text_rule_fires_on_the_corpus(results, name):
    _, result, expected = results(name)
    listed = {d["rule"] for d in expected["defects"]}
    unexpected = [f.message for f in result.findings if f.rule in TEXT_RULES and f.rule not in listed]
    assert unexpected == []


DEADLINES = {
    "2019_sh-szfbgt.html": (date(2020, 1, 31), date(2020, 1, 31), "department"),  # 办公厅: a department, on the last day
    "2021_pingtan.txt": (date(2022, 3, 31), date(2022, 2, 8), "government"),
    "2023_pingtan.txt": (date(2024, 3, 31), date(2024, 3, 8), "government"),
    "2023_shuyang-fgj.html": (date(2024, 1, 31), date(2024, 1, 17), "department"),
    "2023_suixian-gxj.txt": (date(2024, 1, 31), None, "department"),
    "2023_hongzequ.pdf": (date(2024, 3, 31), None, "government"),  # PDF created 2024-02-26: no date, no bound broken
    "2024_hongzequ.pdf": (date(2025, 3, 31), None, "government"),
    "2024_huaianshi.pdf": (date(2025, 3, 31), None, "government"),
    "2024_sh-kewei.md": (date(2025, 1, 31), None, "department"),
}


@pytest.mark.parametrize("name", NAMES)
def test_deadline_status(results, name):
    report, result, _ = results(name)
    assert deadline_status(report) == DEADLINES[name]
    assert result.by_rule("DEADLINE") == []


def test_hongzequ_2023_to_2024(results):
    before, _, _ = results("2023_hongzequ.pdf")
    now, _, _ = results("2024_hongzequ.pdf")
    from xxgk_audit.loading import pair_priors

    assert pair_priors(now, [before]) == [before]  # 洪泽区人民政府 = 淮安市洪泽区人民政府
    # what the rules read, by hand: carry-over 0 → 0 in every column; 现行有效 5 + 3 − 0 = 8, 0 + 0 − 0 = 0
    columns = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
    assert [now.value(f"t3.carried_over.{c}") for c in columns] == [before.value(f"t3.carry_forward.{c}") for c in columns] == [0] * 7
    doc = "t2.art20_1.normative_docs"
    assert before.value(f"{doc}.valid") + now.value(f"{doc}.made") - now.value(f"{doc}.repealed") == now.value(f"{doc}.valid") == 8
    result = audit(now, prior=pair_priors(now, [before]))
    cross = [(f.rule, f.cells, f.expected, f.actual) for f in result.findings if f.group == "cross"]
    # the only cross-year finding: 行政许可 decisions 550 → 9487 (17×); applications 21 → 95 is 4.5×
    assert cross == [("YOY-JUMP", ("t2.art20_5.licensing.decisions",), 550, 9487)]
    share, compared, repeated = reused_passages(now, before)
    assert 0.1 < share < 0.5 and compared > 500 and len(repeated) == 3


def test_prior_in_the_2019_layout(results, tmp_path):
    from helpers import sample_text

    before, _, _ = results("2019_sh-szfbgt.html")
    path = tmp_path / "2020.txt"
    path.write_text(sample_text().replace("睢县工业和信息化和科技局", "上海市人民政府办公厅").replace("2023", "2020"), encoding="utf-8")
    now = load_report(path)
    result = audit(now, prior=[before])
    # 表三 keys are the same in both layouts: 2019 carried 72 自然人 (总计 72) forward, 2020 reports 0;
    # the five 法人 columns of 2019 are blank, so they are not compared
    assert [(f.cells, f.expected, f.actual) for f in result.by_rule("T3-CARRY-CHAIN")] == [
        (("t3.carried_over.natural_person",), 72, 0),
        (("t3.carried_over.total",), 72, 0),
    ]
    assert result.by_rule("T2-VALID-PROGRESSION") == []  # no 现行有效 in the 2019 表二
    # 859 → 0 applications, 805 → 0 handled, 13 → 0 规章 and 60 → 0 规范性文件 made (2019 本年新制作数量)
    assert sorted(f.cells[0] for f in result.by_rule("YOY-JUMP")) == [
        "t2.art20_1.normative_docs.made", "t2.art20_1.regulations.made", "t3.new.total", "t3.result.total.total",
    ]
