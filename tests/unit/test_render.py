"""The memo's HTML fragments: every section, escaped report text, highlighted table cells."""

import html
import re
from pathlib import Path

from helpers import SAMPLE
from memo_inputs import IMG, LINK, SCRIPT, arithmetic_error_text, hostile_text, write_report
from xxgk_audit import audit, load_report
from xxgk_audit.render import MEMO_META_MIME, MemoContext, memo_meta, memo_sections, official_table_html, _highlights
from xxgk_audit.review import ReportReview, ReviewStore

SRC = Path(__file__).resolve().parents[2] / "src" / "xxgk_audit"


def context(path, tmp_path, auditor="王审核"):
    report = load_report(str(path))
    result = audit(report)
    return MemoContext(result, ReportReview.of(ReviewStore(tmp_path / "reviews.sqlite"), result), auditor, "2024-02-01")


def test_the_memo_has_every_section_in_order(tmp_path):
    sections = memo_sections(context(SAMPLE, tmp_path))
    assert [key for key, _ in sections] == ["info", "conclusion", "completeness", "checks", "tables", "findings"]
    text = "".join(fragment for _, fragment in sections)
    order = [text.index(f"<h2>{title}") for title in ("报告信息", "审核结论", "完整性", "表格勾稽", "表格（按规定格式）", "发现的问题")]
    assert order == sorted(order)
    report = load_report(str(SAMPLE))
    for value in ("睢县工业和信息化和科技局", "2023年度", "2023_suixian-gxj.txt", report.sha256, "王审核", "2024-02-01", "xxgk-audit 0.1.0"):
        assert value in sections[0][1]


def test_the_appendix_is_a_parameter_and_shows_chinese_labels_never_keys(tmp_path):
    ctx = context(SAMPLE, tmp_path)
    assert "appendix" not in dict(memo_sections(ctx))
    ctx.appendix = True
    appendix = dict(memo_sections(ctx))["appendix"]
    assert dict(memo_sections(ctx, appendix=False)).keys() == {"info", "conclusion", "completeness", "checks", "tables", "findings"}
    for label in ("<h3>表二</h3>", "<h3>表三</h3>", "<h3>表四</h3>", "<th>行</th>", "<th>列</th>", "<th>位置</th>", "<th>原文</th>",
                  "（三）不予公开 1.属于国家秘密", "行政诉讼·复议后起诉", "第21行第2列"):
        assert label in appendix, label
    text = html.unescape(re.sub(r"<[^>]+>", " ", appendix))
    assert not re.search(r"\bt[234]\.[a-z_]+", text), "an internal cell key is shown in the appendix"
    assert "state_secret" not in appendix and "litigation" not in appendix


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


def test_the_checks_summarise_each_equation_and_list_the_failing_instances(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    fragment = dict(memo_sections(ctx))["checks"]
    assert "共 42 个等式" in fragment
    for display in ("一 + 二 ＝ （七）总计 + 四", "（七）总计 ＝ 各项办理结果之和", "总计 ＝ 自然人 + 法人或其他组织各列"):
        assert display in fragment  # from equations.yaml
    failing = [c for c in ctx.result.checks if c.status == "fail"]
    assert len(failing) == 2 and "不通过的等式" in fragment
    assert "<th>报告填写</th><th>按勾稽关系应为</th><th>差额</th>" in fragment
    assert "期望" not in fragment and "实际" not in fragment


def test_the_equation_display_comes_from_equations_yaml(tmp_path, monkeypatch):
    import xxgk_audit.layout as layout_module

    read = layout_module._read

    def edited(name):
        data = read(name)
        if name.endswith("equations.yaml"):
            data = [dict(item, display="新的写法 ＝ 某某") if item["id"] == "T3-BAL" else item for item in data]
        return data

    monkeypatch.setattr(layout_module, "_read", edited)
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    ctx.report.layout = layout_module.get_layout.__wrapped__("2021")  # uncached: the edited data
    assert "新的写法 ＝ 某某" in dict(memo_sections(ctx))["checks"]


def test_every_arithmetic_finding_says_printed_expected_and_difference_the_same_way_round(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    findings = dict(memo_sections(ctx))["findings"]
    row_total = ctx.result.by_rule("T3-ROW-TOTAL")[0]
    balance = ctx.result.by_rule("T3-BAL")[0]
    # 一、本年新收 总计 printed 5; the columns add up to 0
    assert (row_total.actual, row_total.expected, row_total.difference) == (5, 0, 5)
    # T3-BAL: the corner note: 一 + 二 (5) is the reference, （七）总计 + 四 (0) is what was printed
    assert (balance.actual, balance.expected, balance.difference) == (0, 5, -5)
    assert "报告填写 5，按勾稽关系应为 0，差额 5" in findings
    assert "报告填写 0，按勾稽关系应为 5，差额 -5" in findings
    assert "期望" not in findings and "实际" not in findings


def test_failing_cells_are_highlighted_with_rule_and_expected_value_on_hover_and_in_print(tmp_path):
    ctx = context(write_report(tmp_path, "a.txt", arithmetic_error_text()), tmp_path)
    out = official_table_html(ctx.report, "t3", _highlights(ctx.result), ctx.numbers)
    assert "xxgk-cell-error" in out
    titles = [html.unescape(t) for t in re.findall(r'title="([^"]*)"', out)]
    assert any("T3-ROW-TOTAL" in t and "报告填写 5，按勾稽关系应为 0" in t for t in titles)
    assert any("T3-BAL" in t and "报告填写 0，按勾稽关系应为 5" in t for t in titles)
    # on paper: the expected value of the one printed cell of T3-ROW-TOTAL, inline
    from xxgk_audit.grid import table_grid

    cells = re.findall(r'<td class="xxgk-v[^"]*"[^>]*>(.*?)</td>', out)
    keys = table_grid(ctx.report.layout, "t3").value_keys
    assert len(cells) == len(keys)
    total = cells[keys.index("t3.new.total")]
    assert "xxgk-print-only" in total and "应为0" in total and "xxgk-ref" in total
    assert "鼠标悬停" not in re.sub(r'<span class="xxgk-screen-only">[^<]*</span>', "", dict(memo_sections(ctx))["tables"])
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
