import unicodedata

import pytest

from xxgk_audit.document import Block
from xxgk_audit.layout import get_layout
from xxgk_audit.parse.sections import find_sections, split_inline_titles

SECTIONS = get_layout("2021").sections


def blocks(*lines):
    return [Block("text", line, line=n + 1) for n, line in enumerate(lines)]


def test_official_titles_and_variants():
    hits, _ = find_sections(blocks(
        "一、总体情况", "（一）主动公开政府信息情况", "二、行政机关主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况", "五、存在的主要问题和改进措施", "六、其他需要报告的事项"), SECTIONS)
    assert {k: h.line for k, h in hits.items()} == {"s1": 1, "s2": 3, "s3": 4, "s4": 5, "s5": 6, "s6": 7}
    assert not hits["s1"].is_variant and hits["s5"].is_variant and hits["s2"].is_variant


def test_narrative_subheadings_are_not_sections():
    hits, stray = find_sections(blocks("一、总体情况", "二、工作机制保障", "三、主动公开工作情况", "五、政府信息管理"), SECTIONS)
    assert set(hits) == {"s1"}
    assert [s.title for s in stray] == ["二、工作机制保障", "三、主动公开工作情况", "五、政府信息管理"]


def test_renumbered_sections_keep_their_printed_number():
    hits, _ = find_sections(blocks("一、总体情况", "一、主动公开政府信息情况", "五、其他需要报告的事项"), SECTIONS)
    assert hits["s2"].number == "一" and hits["s6"].number == "五"


def test_headings_without_numbers_and_traditional():
    hits, _ = find_sections(blocks("總體情況", "其他需要报告的事项"), SECTIONS)
    assert set(hits) == {"s1", "s6"}


def test_inline_titles_in_running_text_are_cut_out():
    line = "根据条例编制本报告。一、总体情况2023年，我局……二、主动公开政府信息情况第二十条第（一）项信息内容规章000三、收到和处理政府信息公开申请情况（本列数据…）"
    pieces = split_inline_titles(blocks(line), SECTIONS)
    assert [(p.kind, p.text) for p in pieces][:4] == [
        ("text", "根据条例编制本报告。"), ("heading", "一、总体情况"), ("text", "2023年，我局……"), ("heading", "二、主动公开政府信息情况")]
    assert pieces[3].column == line.index("二、主动公开")


# -- found by structure ----------------------------------------------------------------------------

FULL = ["一、总体情况", "2023年，本机关推进主动公开、依申请公开、政府信息管理和平台建设。", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "存在的问题是……。下一步将加强培训。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]


def _replace(lines, old, new):
    return [new if line == old else line for line in lines]


@pytest.mark.parametrize(
    "old, new",
    [
        ("一、总体情况", "一总体情况"),  # the ordinal glued to the title
        ("一、总体情况", "一、年度工作核心成效"),  # renamed: its place and its words
        ("一、总体情况", "第一部分 总体情况"),
        ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况"),  # a typo
        ("二、主动公开政府信息情况", "二、主动公开政府信息情况（有关情况附表）"),  # a suffix
        ("五、存在的主要问题及改进情况", "五、存在的主要问题及明年工作计划"),
        ("六、其他需要报告的事项", "六、其他需说明事项"),
    ],
)
def test_a_title_that_differs_is_still_its_section(old, new):
    hits, stray = find_sections(blocks(*_replace(FULL, old, new)), SECTIONS)
    assert set(hits) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    changed = next(h for h in hits.values() if h.title == unicodedata.normalize("NFKC", new))
    assert changed.is_variant and stray == []


def test_a_section_split_in_two_keeps_its_parts_and_the_last_is_found_by_its_title():
    lines = _replace(FULL, "五、存在的主要问题及改进情况", "五、存在的主要问题")
    lines = _replace(lines, "六、其他需要报告的事项", "七、其他需要报告的事项")
    lines.insert(lines.index("存在的问题是……。下一步将加强培训。") + 1, "六、改进措施")
    hits, stray = find_sections(blocks(*lines), SECTIONS)
    assert hits["s5"].title == "五、存在的主要问题" and hits["s6"].number == "七"
    assert [(s.title, s.within) for s in stray] == [("六、改进措施", "s5")]
    assert "六、改进措施" in hits["s5"].text  # the measures belong to 五


def test_a_section_whose_heading_is_missing_is_found_by_its_first_part():
    lines = [line for line in FULL if line != "五、存在的主要问题及改进情况"]
    lines.insert(lines.index("存在的问题是……。下一步将加强培训。"), "（一）存在的主要问题")
    hits, _ = find_sections(blocks(*lines), SECTIONS)
    assert hits["s5"].title == "(一)存在的主要问题" and hits["s5"].is_variant  # as printed, width folded
    assert "下一步将加强培训" in hits["s5"].text


def test_a_section_split_in_two_on_one_crawler_line_keeps_both_parts():
    line = "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼0000五、存在的主要问题（一）……六、改进措施一是……七、其他需要报告的事项无。"
    cut = [b.text for b in split_inline_titles(blocks("某局2023年政府信息公开工作年度报告", line), SECTIONS) if b.kind == "heading"]
    assert cut == ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题", "七、其他需要报告的事项"]


def test_the_table_decides_between_a_sub_heading_and_the_section():
    lines = ["一、总体情况", "二、主动公开工作情况", "三、依申请公开", "一、主动公开政府信息情况", "第二十条第（一）项", "二、收到和处理政府信息公开申请情况", "申请人情况"]
    anchors = {"t2": 4, "t3": 6}
    hits, stray = find_sections(blocks(*lines), SECTIONS, anchors)
    assert hits["s2"].line == 4 and hits["s3"].line == 6
    assert [s.title for s in stray] == ["二、主动公开工作情况", "三、依申请公开"]


def test_a_table_without_its_heading_is_its_section():
    lines = [line for line in FULL if not line.startswith("四、")]
    lines.insert(lines.index("五、存在的主要问题及改进情况"), "行政复议 行政诉讼")
    hits, _ = find_sections(blocks(*lines), SECTIONS, {"t4": lines.index("行政复议 行政诉讼")})
    assert hits["s4"].inferred and hits["s4"].is_variant and hits["s4"].line == lines.index("行政复议 行政诉讼") + 1


def test_a_table_of_contents_is_no_section():
    contents = [f"{title}…………{n}" for n, title in enumerate(["一、总体情况", "二、主动公开政府信息情况"], 1)]
    hits, stray = find_sections(blocks(*contents, *FULL), SECTIONS)
    assert hits["s1"].line == 3 and stray == []


def test_a_text_section_printed_without_its_heading_is_found_by_its_words():
    found, _ = find_sections(blocks(
        "某局2023年政府信息公开工作年度报告",
        "本报告根据《条例》编制，统计期限自2023年1月1日起至2023年12月31日止。",
        "2023年，本局做好主动公开，依申请公开按时答复，加强政府信息管理。",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "问题是宣传不够。下一步将加强培训。",
        "本年度未收取信息处理费。",
    ), SECTIONS)
    assert found["s1"].inferred and found["s1"].line == 3 and found["s1"].title == ""
    assert found["s6"].inferred and found["s6"].line == 9
    assert "信息处理费" not in found["s5"].text  # 五 ends where 六's words begin


def test_a_section_whose_words_are_absent_stays_missing():
    found, _ = find_sections(blocks(
        "某局2023年政府信息公开工作年度报告", "本报告根据《条例》编制。", "本局主动公开文件12件。",  # one word of 一: no overview
        "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "无。",
    ), SECTIONS)
    assert "s1" not in found and "s6" not in found
