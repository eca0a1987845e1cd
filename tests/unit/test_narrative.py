"""Counts read from the narrative (narrative.py + layouts/narrative.yaml): what is a claim about
which cells, and the traps that must never become one."""

from __future__ import annotations

import pytest

from xxgk_audit.parse.narrative import claims_in, split_text


def claims(text: str, layout: str = "2021") -> list[tuple[str, int, tuple[str, ...]]]:
    return [(c.target, c.stated, c.terms) for c in claims_in(split_text("s1", text), layout)]


TRAPS = [
    "市政府办公厅代表市政府共受理政府信息公开申请，申请数量较去年回落12.3%。",  # percentage
    "予以公开及部分公开的申请占33.9%。",
    "2024年12月31日前收到的政府信息公开申请均已于2025年1月15日答复。",  # dates
    "全年受理网络问政182件。",  # 受理 of something else
    "通过政府网站发布政策解读132件次。",  # 件次
    "主动公开政府信息2428条，解读信息发布7条，制作政策解读21个。",  # 条, 个
    "组织召开新闻发布会12场，培训200人次，编发文章1640篇。",  # 场, 人次, 篇
    "受理政府信息公开申请约100件。",  # approximations
    "受理政府信息公开申请100余件。",
    "受理政府信息公开申请10-20件。",  # ranges
    "受理政府信息公开申请10至20件。",
    "收到政府信息公开申请较上年增加12件。",  # comparisons
    "受理政府信息公开申请同比增长20件。",
    "其中网上受理政府信息公开申请30件。",  # a channel: a part, not the total
    "全市共受理申请，其中，市本级受理政府信息公开申请12件。",  # a sub-unit
    "全市共受理申请，其中，市政府办受理政府信息公开申请12件。",
    "各部门分别受理政府信息公开申请12件、8件。",
    "市政府各部门规范性文件45件纳入公报。",  # other bodies' documents
    "清理行政规范性文件30件。",  # 清理 is no 制发
    "刊登政府规章、规范性文件等112件。",  # a list of kinds with one count
    "涉及规章5件。",
    "主动公开市政府规章13件（含新制定5件，修改4件，废止4件）。",  # a mixed total (上海 2022)
    "全年未收到行政许可申请。",
    "行政复议纠错率10%，依申请办结率100%。",
    "依申请公开延期答复申请3件。",  # 延期答复 is not 答复
    "答复网民留言1200件。",  # not applications
    "答复3件。",  # 答复 without any application in sight
    "依申请公开工作规范有序。政民互动平台共收到网民留言1500条，答复1480件。",  # 申请 nearby, but not in the sentence
    "结果维持3件。",  # an outcome without 复议/诉讼
    "未收到申请人的补正材料。",  # 未收到 of something else
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_are_no_claims(text):
    assert claims(text) == []


MATCHES = [
    (
        "2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度\n答复），均在法定期限内予以答复。",
        [("received", 3119, ("t3.new",)), ("answered", 3050, ("t3.result.total",)), ("carried_over", 34, ("t3.carried_over",)), ("carry_forward", 103, ("t3.carry_forward",))],
    ),
    ("全年收到政府信息公开申请40件（含上年结转5件）。", [("received_with_carried", 40, ("t3.new", "t3.carried_over")), ("carried_over", 5, ("t3.carried_over",))]),
    ("本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。", [("received", 70, ("t3.new",)), ("answered", 69, ("t3.result.total",)), ("carry_forward", 1, ("t3.carry_forward",))]),
    ("2023年度我局共收到依申请信息公开26件。", [("received", 26, ("t3.new",))]),
    ("2023年，市政府及政府办共受理政府信息依申请公开9件，主要提交方式为政府网站申请3件、信函申请6件。", [("received", 9, ("t3.new",))]),
    ("2023年，我办全年未收到行政许可申请；全年未接到信息公开申请。", [("received", 0, ("t3.new",))]),
    ("2023 年度，县工业和信息化和科技局未收到依申请公开。", [("received", 0, ("t3.new",))]),
    ("2024年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。", [("received", 17, ("t3.new",))]),  # the issuing office: no part
    ("共受理政府信息公开申请3,119件。", [("received", 3119, ("t3.new",))]),
    ("全年收到政府資訊公開申請34件，上年結轉政府資訊公開申請2件。", [("received", 34, ("t3.new",)), ("carried_over", 2, ("t3.carried_over",))]),
    (
        "所有办结的信息公开申请中同意公开答复 9 件，部分公开答复 0 件，不予公开答复 2\n件，无法提供的 10 件，不予处理 0 件，其他处理 14 件，转下一\n年度办理答复的有 1 件。",
        [
            ("granted", 9, ("t3.result.granted",)),
            ("partial", 0, ("t3.result.partial",)),
            ("denied", 2, ("t3.result.denied.*",)),
            ("unable", 10, ("t3.result.unable.*",)),
            ("not_processed", 0, ("t3.result.not_processed.*",)),
            ("other", 14, ("t3.result.other.*",)),
            ("carry_forward", 1, ("t3.carry_forward",)),
        ],
    ),
    (
        "答复政府信息公开申请805件。予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%。",
        [("answered", 805, ("t3.result.total",)), ("granted_partial", 258, ("t3.result.granted", "t3.result.partial")), ("denied", 35, ("t3.result.denied.*",)), ("unable", 265, ("t3.result.unable.*",))],
    ),
    (
        "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚\n未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25 件。",
        [
            ("review", 351, ("t4.review",)),
            ("outcome_upheld", 72, ("t4.review.upheld",)),
            ("outcome_corrected", 64, ("t4.review.corrected",)),
            ("outcome_other", 178, ("t4.review.other",)),
            ("outcome_pending", 37, ("t4.review.pending",)),
            ("litigation", 46, ("t4.litigation_direct", "t4.litigation_after_review")),
            ("outcome_upheld", 25, ("t4.litigation_direct.upheld", "t4.litigation_after_review.upheld")),
        ],
    ),
    ("2024 年市科委有 1 件涉及政府信息公开工作的行政复\n议，该行政复议件未被复议审查机关纠错。涉及的行政诉讼数为\n0 件。", [("review", 1, ("t4.review",)), ("litigation", 0, ("t4.litigation_direct", "t4.litigation_after_review"))]),
    ("信息公开类行政复议7件，诉讼9件，均获维持。", [("review", 7, ("t4.review",)), ("litigation", 9, ("t4.litigation_direct", "t4.litigation_after_review"))]),
    ("因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。", [("review", 2, ("t4.review",)), ("litigation", 7, ("t4.litigation_direct", "t4.litigation_after_review"))]),
    ("复议后起诉3件，未经复议直接起诉2件。", [("litigation_after_review", 3, ("t4.litigation_after_review",)), ("litigation_direct", 2, ("t4.litigation_direct",))]),
    ("全年新增公开市政府规章 1 件、市政府及市政府办政策性文件 11 件。", [("regulations", 1, ("t2.art20_1.regulations.made",))]),
    ("当年发布政府信息 393 件，其中包括：行政规范性文件 13 件；规划计划文件 2 件。", [("normative_docs", 13, ("t2.art20_1.normative_docs.made",))]),
    ("清理并集中发布现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。", [("normative_docs", 393, ("t2.art20_1.normative_docs.valid",)), ("normative_docs", 77, ("t2.art20_1.normative_docs.made",))]),
]


@pytest.mark.parametrize("text, expected", MATCHES)
def test_claims_and_their_cells(text, expected):
    assert claims(text) == expected


def test_2019_layout_reads_the_2019_columns():
    text = "主动公开规章13件，行政规范性文件60件，市政府其他文件162件。"
    assert claims(text, "2019") == [
        ("regulations", 13, ("t2.art20_1.regulations.new_published",)),
        ("normative_docs", 60, ("t2.art20_1.normative_docs.new_published",)),
    ]
    assert claims("本年度废止行政规范性文件3件。", "2019") == []  # no 废止 column in 2019


def test_a_figure_dated_to_another_period_is_no_claim():
    def stated(text, year=2023):
        return [(c.target, c.stated) for c in claims_in(split_text("s1", text), "2021", year)]

    assert stated("2022年收到政府信息公开申请115件，2023年收到政府信息公开申请98件。") == [("received", 98)]
    assert stated("2022年，共收到政府信息公开申请115件。") == []
    assert stated("上一年度行政复议3件，本年度行政复议2件。") == [("review", 2)]
    assert stated("上年结转政府信息公开申请3件。") == [("carried_over", 3)]  # a row of 表三, not another year
    assert stated("2023年，共收到政府信息公开申请98件。") == [("received", 98)]
    assert stated("2023年收到政府信息公开申请98件。", year=None) == [("received", 98)]


def test_sentences_and_wrapped_lines():
    section = split_text("s1", "（一）主动公开情况\n2024 年，我区在政府网站平台主动发布各类政府信\n息 2428 条，公开政府常务会议 7\n期。\n（二）依申请公开情况")
    assert [s.text for s in section.sentences] == [
        "（一）主动公开情况",
        "2024年，我区在政府网站平台主动发布各类政府信息2428条，公开政府常务会议7期。",
        "（二）依申请公开情况",
    ]
    assert [s.line for s in section.sentences] == [0, 1, 4]


def test_simplified_text_is_not_converted():
    # a single character OpenCC would change is no reason to run its phrase tables over the text
    section = split_text("s1", "发布行政规范性文件13件，于后续公开。")
    assert "行政规范性文件" in section.text
