"""The memo's HTML fragments: every section, escaped report text, highlighted table cells."""

import html
import re
from pathlib import Path

from helpers import SAMPLE
from memo_inputs import IMG, LINK, SCRIPT, arithmetic_error_text, hostile_text, write_report
from xxgk_audit import audit, load_report
from xxgk_audit.render import MEMO_META_MIME, MemoContext, memo_meta, memo_sections, table_styler, _highlights
from xxgk_audit.review import ReportReview, ReviewStore

SRC = Path(__file__).resolve().parents[2] / "src" / "xxgk_audit"


def context(path, tmp_path, auditor="王审核"):
    report = load_report(str(path))
    result = audit(report)
    return MemoContext(result, ReportReview.of(ReviewStore(tmp_path / "reviews.sqlite"), result), auditor, "2024-02-01")


def test_the_memo_has_every_section_in_order(tmp_path):
    sections = memo_sections(context(SAMPLE, tmp_path))
    assert [key for key, _ in sections] == ["info", "conclusion", "completeness", "checks", "tables", "findings", "appendix"]
    text = "".join(fragment for _, fragment in sections)
    order = [text.index(f"<h2>{title}") for title in ("报告信息", "审核结论", "完整性", "表格勾稽", "表格（按规定格式）", "发现的问题", "附录")]
    assert order == sorted(order)
    report = load_report(str(SAMPLE))
    for value in ("睢县工业和信息化和科技局", "2023年度", "2023_suixian-gxj.txt", report.sha256, "王审核", "2024-02-01", "xxgk-audit 0.1.0"):
        assert value in sections[0][1]


def test_conclusion_counts_and_verdict_line(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    conclusion = dict(memo_sections(ctx))["conclusion"]
    counts = ctx.result.counts
    assert "有错误，需要更正" in conclusion
    assert f"错误 {counts['error']} 项" in conclusion and f"警告 {counts['warning']} 项" in conclusion
    assert "待定" in conclusion


def test_completeness_lists_sections_tables_rows_and_blanks(tmp_path):
    fragment = dict(memo_sections(context(SAMPLE, tmp_path)))["completeness"]
    for label in ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项", "表二", "表三", "表四", "已找到", "已读取", "齐全"):
        assert label in fragment
    assert "25/25 行" in fragment


def test_every_equation_instance_is_listed_with_its_status(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    fragment = dict(memo_sections(ctx))["checks"]
    rows = re.findall(r"<tr><td class=\"xxgk-num\">\d+</td>", fragment)
    assert len(rows) == len(ctx.result.checks) == 42
    assert fragment.count("不通过") >= 2 and "通过" in fragment


def test_failing_cells_are_highlighted_with_rule_and_expected_value_on_hover(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    styler = table_styler(ctx.report, "t3", _highlights(ctx.result))
    out = styler.to_html()
    assert "xxgk-cell-error" in out
    titles = [html.unescape(t) for t in re.findall(r'title="([^"]*)"', out)]
    assert any("T3-ROW-TOTAL" in t and "期望 5，实际 0" in t for t in titles)
    assert any("T3-BAL" in t and "期望 5，实际 0" in t for t in titles)
    # merged headers as in the format
    assert 'colspan="5"' in out and "法人或其他组织" in out
    assert "（七）总计" in out


def test_report_text_is_escaped_everywhere(tmp_path):
    ctx = context(write_report(tmp_path, "hostile.txt", hostile_text()), tmp_path)
    ctx.review.set(ctx.result.findings[0], verdict="confirmed", comment=SCRIPT)
    text = "".join(fragment for _, fragment in memo_sections(ctx))
    for payload in (SCRIPT, IMG, "<!--", 'href="javascript'):
        assert payload not in text
    assert "onerror=" not in text.replace("onerror=&quot;", "")  # only ever as escaped text
    assert html.escape(SCRIPT) in text and html.escape(IMG) in text and html.escape(LINK) in text
    assert "<script" not in text.lower()


def test_memo_meta_gives_title_block_and_signature_values(tmp_path):
    meta = memo_meta(context(SAMPLE, tmp_path))
    assert meta["title"] == "政府信息公开工作年度报告审核备忘录"
    assert meta["subtitle"] == "睢县工业和信息化和科技局 · 2023年度"
    assert meta["auditor"] == "王审核" and meta["date"] == "2024-02-01"
    assert meta["counts"] == {"error": 0, "warning": 0, "info": 1}
    assert MEMO_META_MIME.startswith("application/")


def test_no_applymap_anywhere_in_the_package():
    for path in SRC.rglob("*.py"):
        assert "applymap" not in path.read_text(encoding="utf-8"), path
