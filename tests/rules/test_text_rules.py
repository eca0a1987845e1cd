"""Rules of the groups "Text and content" and "Across reports": one minimal failing input per rule
id (edits of the bundled sample, whose tables are all 0), the matches that must hold, and
multi-year series with known breaks whose expected findings are worked out by hand below."""

from __future__ import annotations

import pytest

from helpers import audit_text, drop_lines, replace_line, rules_of, sample_text, set_row_value
from tests.rules.test_rules import rule_ids
from xxgk_audit import audit, load_report
from xxgk_audit.rules import REGISTRY
from xxgk_audit.rules.crossyear import is_jump
from xxgk_audit.rules.text import deadline_status

TEXT_GROUPS = ("Text and content", "Across reports")
S1_APPLICATIONS = "(二) 依申请公开：2023 年度，县工业和信息化和科技局未收到依申请公开。"
S6_FEES = "2023年度本机关未收取信息处理费。"
TITLE = "# 睢县工业和信息化和科技局 2023 年政府信息公开工作年度报告"


def with_s1_sentence(text: str, sentence: str) -> str:
    return replace_line(text, S1_APPLICATIONS, f"(二) 依申请公开：{sentence}")


def with_published(text: str, date: str, agency: str = "睢县工业和信息化和科技局") -> str:
    return replace_line(text, TITLE, f"# {agency} 2023 年政府信息公开工作年度报告\n\n发布日期：{date}")


def set_row(text: str, fragment: str, **columns: str) -> str:
    """Set 表三/表二 row values by column name (自然人 … 总计 for 表三; made/repealed/valid for 表二)."""
    names = {"natural_person": 0, "commercial": 1, "total": 6, "made": 0, "repealed": 1, "valid": 2}
    for name, value in columns.items():
        text = set_row_value(text, fragment, names[name], str(value))
    return text


def of_year(text: str, year: int) -> str:
    return text.replace("2023", str(year))


# -- one minimal failing input per rule -----------------------------------------------------------

SINGLE = {
    "TEXT-VS-TABLE": lambda t: with_s1_sentence(t, "全年共收到政府信息公开申请5件，均已按时答复。"),
    "S1-COVERAGE": lambda t: drop_lines(t, "(三) 政府信息管理"),
    "S5-THIN": lambda t: drop_lines(replace_line(t, "(一) 存在的主要问题", "无。"), "工作中存在的主要问题是", "(二) 改进措施", "一是持续量化考核"),
    "S6-FEE-STATEMENT": lambda t: replace_line(t, S6_FEES, "无。"),
    "T3-FEE-VS-S6": lambda t: set_row(t, "2.申请人逾期未按收费通知", natural_person=1, total=1),
    "DEADLINE": lambda t: with_published(t, "2024-03-05"),
}


@pytest.mark.parametrize("rule_id", sorted(SINGLE))
def test_minimal_failing_input(tmp_path, rule_id):
    _, result = audit_text(tmp_path, SINGLE[rule_id](sample_text()))
    found = result.by_rule(rule_id)
    assert len(found) == 1, f"{rule_id}: {[f.message for f in found]}; got {sorted(rules_of(result))}"
    finding = found[0]
    assert finding.message and finding.fingerprint and finding.severity == REGISTRY[rule_id].severity
    assert finding.locations, "a text finding points to where the text is"


def _pair(tmp_path, before: str, now: str, before_year=2022, now_year=2023):
    prior = load_report(_write(tmp_path, f"prior_{before_year}.txt", of_year(before, before_year) if before_year != 2023 else before))
    current = load_report(_write(tmp_path, f"current_{now_year}.txt", of_year(now, now_year) if now_year != 2023 else now))
    return prior, current, audit(current, prior=[prior])


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CROSS = {
    # 2022 carried 2 applications forward, 2023 reports none carried over
    "T3-CARRY-CHAIN": (lambda t: set_row(t, "四、结转下年度继续办理", natural_person=2, total=2), lambda t: t),
    # 2022: 10 行政规范性文件 in force; 2023 made 2, repealed 0, still prints 10 (should be 12)
    "T2-VALID-PROGRESSION": (lambda t: set_row(t, "行政规范性文件", valid=10), lambda t: set_row(t, "行政规范性文件", made=2, valid=10)),
    # 3 → 40 new applications
    "YOY-JUMP": (lambda t: set_row(t, "一、本年新收", natural_person=3, total=3), lambda t: set_row(t, "一、本年新收", natural_person=40, total=40)),
    # the same narrative two years running
    "TEXT-REUSE": (lambda t: t, lambda t: t),
}


@pytest.mark.parametrize("rule_id", sorted(CROSS))
def test_minimal_failing_pair(tmp_path, rule_id):
    before, now = CROSS[rule_id]
    _, _, result = _pair(tmp_path, before(sample_text()), now(sample_text()))
    found = result.by_rule(rule_id)
    assert len(found) >= 1, f"{rule_id} did not fire; got {sorted(rules_of(result))}"
    for finding in found:
        assert finding.message and finding.fingerprint and finding.severity == REGISTRY[rule_id].severity
        assert any(location.file.endswith("prior_2022.txt") for location in finding.locations) or rule_id == "TEXT-REUSE"


def test_minimal_failing_hierarchy(tmp_path):
    members = [load_report(_write(tmp_path, f"m{n}.txt", set_row(sample_text(), "一、本年新收", natural_person=n, total=n))) for n in (3, 4)]
    summary = load_report(_write(tmp_path, "summary.txt", set_row(sample_text(), "一、本年新收", natural_person=8, total=8)))
    found = audit(summary, members=members).by_rule("HIERARCHY-SUM")
    assert [(f.cells, f.expected, f.actual) for f in found] == [(("t3.new.total",), 7, 8)]
    assert "汇总报告为8，所属2份报告之和为7" in found[0].message
    assert len(found[0].locations) == 3  # the summary's cell and each member's


def test_every_text_and_cross_rule_has_a_minimal_input(spec):
    assert set(rule_ids(TEXT_GROUPS)) == set(SINGLE) | set(CROSS) | {"HIERARCHY-SUM"}


def test_the_sample_passes_the_text_rules(tmp_path):
    _, result = audit_text(tmp_path, sample_text())
    assert not [f for f in result.findings if f.group in ("text", "cross")]


# -- TEXT-VS-TABLE ---------------------------------------------------------------------------------

def test_text_vs_table_quotes_the_sentence_and_names_the_cells(tmp_path):
    _, result = audit_text(tmp_path, with_s1_sentence(sample_text(), "全年共收到政府信息公开申请5件，均已按时答复。"))
    finding = result.by_rule("TEXT-VS-TABLE")[0]
    assert finding.message == "“总体情况”称“收到政府信息公开申请5件”，但表三“一、本年新收政府信息公开申请数量”总计为0件"
    assert (finding.cells, finding.expected, finding.actual) == (("t3.new.total",), 0, 5)
    quote, cell = finding.locations
    assert quote.text == "(二)依申请公开：全年共收到政府信息公开申请5件，均已按时答复。" and quote.line == 9
    assert (cell.cell, cell.text, cell.line) == ("t3.new.total", "0", 41)


AGREEING = [
    # sentence, rows to set (fragment, natural_person = total)
    ("全年共收到政府信息公开申请5件（含上年结转2件），均已办结。", [("一、本年新收", 3), ("二、上年结转", 2)]),
    ("全年收到政府信息公开申请3件，上年结转政府信息公开申请2件，答复5件，其中予以公开4件，不予公开1件。", [("一、本年新收", 3), ("二、上年结转", 2), ("予以公开", 4), ("1.属于国家秘密", 1), ("(七) 总计", 5)]),
    ("收到政府信息公开申请3件，其中予以公开及部分公开3件，因本机关不掌握等原因无法提供0件。", [("一、本年新收", 3), ("予以公开", 2), ("部分公开", 1)]),
]


@pytest.mark.parametrize("sentence, rows", AGREEING)
def test_agreeing_figures_do_not_fire(tmp_path, sentence, rows):
    text = with_s1_sentence(sample_text(), sentence)
    for fragment, value in rows:
        text = set_row(text, fragment, natural_person=value, total=value)
    _, result = audit_text(tmp_path, text)
    assert result.by_rule("TEXT-VS-TABLE") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "全年共收到政府信息公开申请，较上年增长12.5%，办结率100%。",
        "2023年12月31日前收到的申请均于2024年1月15日前答复。",
        "发布政策解读12件次、政务信息35条、图解8篇，召开发布会2场。",
        "受理政府信息公开申请10-20件。",
        "收到政府信息公开申请较上年增加12件。",
        "全县共受理申请，其中，县本级受理政府信息公开申请12件。",
        "全年受理网络问政182件，答复网民留言170件。",
    ],
)
def test_traps_do_not_fire(tmp_path, sentence):
    _, result = audit_text(tmp_path, with_s1_sentence(sample_text(), sentence))
    assert result.by_rule("TEXT-VS-TABLE") == []


def test_blank_total_uses_the_row_parts(tmp_path):
    def audited(sentence, *blank_columns):
        text = set_row(with_s1_sentence(sample_text(), sentence), "一、本年新收", natural_person=3)
        for column in (6, *blank_columns):
            text = set_row_value(text, "一、本年新收", column, "—")
        return audit_text(tmp_path, text)[1].by_rule("TEXT-VS-TABLE")

    # 总计 blank, all six parts known (3 + 0 + …): the parts are the total
    assert audited("全年收到政府信息公开申请3件。") == []
    assert [(f.expected, f.actual) for f in audited("全年收到政府信息公开申请5件。")] == [(3, 5)]
    # a part blank as well: 3 + a blank can be 5 (not assessable) but can never be 2
    assert audited("全年收到政府信息公开申请5件。", 1) == []
    found = audited("全年收到政府信息公开申请2件。", 1)
    assert [(f.expected, f.actual) for f in found] == [(3, 2)]
    assert "另有1个空白单元格" in found[0].message and "t3.new.natural_person" in found[0].cells


def test_litigation_is_direct_plus_after_review(tmp_path):
    from helpers import set_t4_value

    text = with_s1_sentence(sample_text(), "全年发生政府信息公开行政复议1件、行政诉讼3件。")
    for key, value in (("review.upheld", "1"), ("review.total", "1"), ("litigation_direct.pending", "1"), ("litigation_direct.total", "1"), ("litigation_after_review.upheld", "2"), ("litigation_after_review.total", "2")):
        text = set_t4_value(text, key, value)
    _, result = audit_text(tmp_path, text)
    assert result.by_rule("TEXT-VS-TABLE") == []
    _, result = audit_text(tmp_path, text.replace("行政诉讼3件", "行政诉讼2件"))
    assert [(f.expected, f.actual) for f in result.by_rule("TEXT-VS-TABLE")] == [(3, 2)]


# -- sections --------------------------------------------------------------------------------------

def test_s5_problems_without_measures(tmp_path):
    _, result = audit_text(tmp_path, drop_lines(sample_text(), "(二) 改进措施", "一是持续量化考核"))
    assert [f.subject for f in result.by_rule("S5-THIN")] == ["no-measures"]


def test_s6_fee_statement_not_required_before_2021(tmp_path):
    text = replace_line(sample_text(), S6_FEES, "无。")
    report = load_report(_write(tmp_path, "r.txt", text))
    report.year = 2020
    assert audit(report).by_rule("S6-FEE-STATEMENT") == []


@pytest.mark.parametrize(
    "statement, fires",
    [
        ("2023年度共发出收费通知2件，金额200元，申请人均未缴费。", False),
        ("2023年度收取信息处理费3940元。", False),  # fees collected: notices were issued
        ("2023年度向申请人发出信息处理费收费通知。", False),
        ("2023年度发出收费通知1件，金额50元。", True),  # fewer notices than unpaid applications (2)
        ("2023年度本机关未收取信息处理费。", True),
        ("2023年度行政事业性收费12.5万元。", True),  # 表二's fee is another fee
    ],
)
def test_fee_notice_against_table_three(tmp_path, statement, fires):
    text = set_row(replace_line(sample_text(), S6_FEES, statement), "2.申请人逾期未按收费通知", natural_person=2, total=2)
    text = text.replace("发出收费通知的件数和总金额，以及实际收取的总金额均为0。", "")
    _, result = audit_text(tmp_path, text)
    assert bool(result.by_rule("T3-FEE-VS-S6")) is fires


# -- DEADLINE --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "agency, published, late",
    [
        ("睢县工业和信息化和科技局", "2024-01-31", False),
        ("睢县工业和信息化和科技局", "2024-02-01", True),
        ("睢县人民政府", "2024-03-05", False),  # a government's own report: 3月31日
        ("睢县人民政府", "2024-04-01", True),
        ("睢县人民政府办公室", "2024-03-05", True),  # its office is a department: 1月31日
        ("某某镇人民政府", "2024-06-30", False),  # township: deadline set locally, not assessed
    ],
)
def test_deadline_by_kind_of_body(tmp_path, agency, published, late):
    report, result = audit_text(tmp_path, with_published(sample_text(), published, agency))
    assert report.published == published
    assert bool(result.by_rule("DEADLINE")) is late


def test_deadline_status_and_unknown_date(tmp_path):
    from datetime import date

    report, result = audit_text(tmp_path, sample_text())
    assert deadline_status(report) == (date(2024, 1, 31), None, "department")
    assert result.by_rule("DEADLINE") == []
    report.meta["pdf_created"] = "2024-01-20"  # made before the deadline: date still unknown
    assert audit(report).by_rule("DEADLINE") == []
    report.meta["pdf_created"] = "2024-02-20"  # made after it: cannot have been published in time
    found = audit(report).by_rule("DEADLINE")
    assert len(found) == 1 and "2024-02-20" in found[0].message
    assert deadline_status(report)[1] is None  # a file date is never the publication date


# -- cross-year series with known breaks -------------------------------------------------------------

def _series(tmp_path, texts: dict[int, str]):
    reports = {year: load_report(_write(tmp_path, f"r{year}.txt", of_year(text, year))) for year, text in texts.items()}
    return reports


def _cross(result):
    return sorted((f.rule, f.cells, f.expected, f.actual) for f in result.findings if f.group == "cross" and f.rule != "TEXT-REUSE")


def test_three_year_series_valid_documents_and_carry_over(tmp_path):
    base = sample_text()
    texts = {
        # 2021: 规章 1 made, 3 in force; 行政规范性文件 4 made, 10 in force; 2 自然人 + 1 商业企业 carried forward
        2021: set_row(set_row(set_row(base, "规章", made=1, valid=3), "行政规范性文件", made=4, valid=10), "四、结转下年度继续办理", natural_person=2, commercial=1, total=3),
        # 2022: 规章 0 + 1 repealed → 3 + 0 − 1 = 2 ✓; 规范性文件 3 made, 1 repealed → 10 + 3 − 1 = 12 ✓;
        #       carried over 2 / 1 / 3 ✓ (= 2021 carried forward); nothing carried forward
        2022: set_row(set_row(set_row(base, "规章", repealed=1, valid=2), "行政规范性文件", made=3, repealed=1, valid=12), "二、上年结转", natural_person=2, commercial=1, total=3),
        # 2023: 规章 1 made → 2 + 1 − 0 = 3 ✓; 规范性文件 2 made, prints 12 (should be 14 ✗);
        #       carried over 0 / 1 / 1: 自然人 ✓ 0 = 0, 商业企业 ✗ 1 ≠ 0, 总计 ✗ 1 ≠ 0
        2023: set_row(set_row(set_row(base, "规章", made=1, valid=3), "行政规范性文件", made=2, valid=12), "二、上年结转", commercial=1, total=1),
    }
    reports = _series(tmp_path, texts)
    assert _cross(audit(reports[2022], prior=[reports[2021]])) == []
    assert _cross(audit(reports[2023], prior=[reports[2022], reports[2021]])) == [
        ("T2-VALID-PROGRESSION", ("t2.art20_1.normative_docs.valid", "t2.art20_1.normative_docs.made", "t2.art20_1.normative_docs.repealed"), 14, 12),
        ("T3-CARRY-CHAIN", ("t3.carried_over.commercial",), 0, 1),
        ("T3-CARRY-CHAIN", ("t3.carried_over.total",), 0, 1),
    ]
    # a gap year: the prior is not the year before, so nothing is compared
    assert _cross(audit(reports[2023], prior=[reports[2021]])) == []
    finding = next(f for f in audit(reports[2023], prior=[reports[2022]]).findings if f.rule == "T2-VALID-PROGRESSION")
    assert finding.message == "表二“行政规范性文件”现行有效件数为12件，但按2022年度现行有效12件加本年制发2件减本年废止0件应为14件"


def test_cross_year_needs_the_same_agency(tmp_path):
    before = set_row(sample_text(), "四、结转下年度继续办理", natural_person=2, total=2)
    other = before.replace("睢县工业和信息化和科技局", "睢县农业农村局")
    prior = load_report(_write(tmp_path, "other.txt", of_year(other, 2022)))
    current = load_report(_write(tmp_path, "current.txt", sample_text()))
    assert _cross(audit(current, prior=[prior])) == []


def test_blank_cells_are_not_compared_across_years(tmp_path):
    before = set_row_value(set_row(sample_text(), "四、结转下年度继续办理", natural_person=2), "四、结转下年度继续办理", 6, "—")
    _, _, result = _pair(tmp_path, before, sample_text())
    assert [f.cells for f in result.by_rule("T3-CARRY-CHAIN")] == [("t3.carried_over.natural_person",)]


@pytest.mark.parametrize(
    "before, now, jump",
    [
        (0, 1, False), (1, 6, False), (2, 11, False),  # small numbers: chance
        (3, 40, True), (0, 12, True), (20, 3, True),
        (21, 95, False),  # 洪泽区 2023 → 2024 applications: 4.5×
        (550, 9487, True),  # 洪泽区 行政许可 decisions: 17×
        (100, 500, False), (100, 501, True), (100, 20, False), (100, 19, True),
    ],
)
def test_jump_threshold(before, now, jump):
    assert is_jump(before, now) is jump


def _rewritten(text: str) -> str:
    lines = {
        "(一) 主动公开：": "(一) 主动公开：本年度围绕科技创新券兑付、专精特新企业培育和数字化车间认定，新增公开项目申报指南与评审结果，并在县政府网站开设惠企政策专栏集中发布。",
        "(三) 政府信息管理：": "(三) 政府信息管理：对照机构改革后的职能清单重新梳理主动公开目录，明确每类信息的公开属性、责任科室和更新时限，历史文件完成一次全面清理。",
        "(四) 政府信息公开平台建设：": "(四) 政府信息公开平台建设：门户网站栏目按新目录调整完毕，专栏访问量较以往明显提升，政务新媒体账号整合为一个。",
        "(五) 监督保障：": "(五) 监督保障：局党组每季度听取一次政务公开工作汇报，将公开质量纳入科室年度考核并通报抽查结果。",
        "工作中存在的主要问题是": "本年度暴露的主要问题是惠企政策解读偏重文字，图解和视频解读较少，企业反映查找申报材料不够方便。",
        "一是持续量化考核": "下一步将制作政策图解和短视频，按企业关切编制申报事项清单，并建立留言办理情况月度通报制度。",
    }
    for fragment, line in lines.items():
        text = replace_line(text, fragment, line)
    return text


def test_text_reuse_share_and_passages(tmp_path):
    _, _, copied = _pair(tmp_path, sample_text(), sample_text())
    finding = copied.by_rule("TEXT-REUSE")[0]
    assert finding.actual >= 0.9 and "与2022年度报告相同或几乎相同" in finding.message
    assert "“(一)主动公开：" in finding.message  # the repeated passages are quoted
    assert all(location.line for location in finding.locations)
    _, _, rewritten = _pair(tmp_path, sample_text(), _rewritten(sample_text()))
    assert rewritten.by_rule("TEXT-REUSE") == []


def test_text_reuse_ignores_boilerplate(tmp_path):
    from xxgk_audit.rules.crossyear import reused_passages

    stock = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央国务院关于政务公开工作的决策部署。"
    before = _rewritten(sample_text()).replace("(一) 主动公开：本年度", f"(一) 主动公开：{stock}本年度")
    now = sample_text().replace("(一) 主动公开：2023 年以来", f"(一) 主动公开：{stock}2023 年以来")
    prior, current, _ = _pair(tmp_path, before, now)
    share, _, repeated = reused_passages(current, prior)
    assert not any("习近平" in s.text for s in repeated)
