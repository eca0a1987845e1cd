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
