"""The memo's table of the six sections, for sections printed without their heading."""

from helpers import audit_text, drop_lines, sample_text
from xxgk_audit.render import MemoContext, completeness_html


def test_sections_printed_without_heading_are_listed_with_where_they_begin(tmp_path):
    text = drop_lines(sample_text(), "## 一、总体情况", "#### 六、其他需要报告的事项")
    report, result = audit_text(tmp_path, text)
    assert report.sections["s1"].inferred and report.sections["s6"].inferred
    assert "SECTION-MISSING" not in {f.rule for f in result.findings}
    html = completeness_html(MemoContext(result))
    assert html.count("未印标题") == 2 and html.count("（按内容认定）") == 2
    assert f"第{report.sections['s1'].line}行" in html and f"第{report.sections['s6'].line}行" in html
