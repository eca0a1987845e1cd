"""The widget app in-process: choose a report, filter, give verdicts, re-run, export the memo."""

from __future__ import annotations

import datetime
import json
import html

import pytest

pytest.importorskip("ipywidgets")
import ipywidgets as w  # noqa: E402

from memo_inputs import SAMPLE, IMG, SCRIPT, arithmetic_error_text, hostile_text, write_report  # noqa: E402
from xxgk_audit import audit, load_report  # noqa: E402
from xxgk_audit.notebook import show_audit, widget_mode  # noqa: E402
from xxgk_audit.review import ReportReview, ReviewStore  # noqa: E402
from xxgk_audit.widgets import AuditApp  # noqa: E402


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "in"
    return {
        "sample": SAMPLE,
        "arith": write_report(folder, "arith.txt", arithmetic_error_text()),
        "hostile": write_report(folder, "hostile.txt", hostile_text()),
    }


@pytest.fixture
def app(tmp_path, reports):
    choices = [(path.name, str(path.resolve())) for path in reports.values()]
    return AuditApp(SAMPLE, review_dir=tmp_path / "out", choices=choices)


def all_html(widget) -> str:
    """The HTML shown by every HTML widget under ``widget``."""
    parts = []
    stack = [widget]
    while stack:
        item = stack.pop()
        if isinstance(item, w.HTML):
            parts.append(item.value)
        stack.extend(getattr(item, "children", ()))
    return "".join(parts)


def test_opens_the_given_report_with_every_section(app):
    assert app.loaded.report.agency == "睢县工业和信息化和科技局"
    shown = all_html(app)
    for title in ("报告信息", "审核结论", "完整性", "表格勾稽", "表格（按规定格式）", "发现的问题"):
        assert f"<h2>{title}" in shown
    assert len(app.rows) == len(audit(load_report(str(SAMPLE))).findings)


def test_choosing_another_report_in_the_dropdown_changes_the_findings(app, reports):
    before = {row.finding.rule for row in app.rows}
    app.picker.value = str(reports["arith"].resolve())
    assert app.loaded.report.source.endswith("arith.txt")
    after = {row.finding.rule for row in app.rows}
    assert {"T3-BAL", "T3-ROW-TOTAL"} <= after and not {"T3-BAL"} & before
    assert "有错误，需要更正" in app.sections["conclusion"].value
    assert "xxgk-cell-error" in app.sections["tables"].value


def test_the_path_field_and_an_unreadable_file(app, reports, tmp_path):
    app.path_field.value = str(reports["arith"])
    app.open_button.click()
    assert app.loaded.report.source.endswith("arith.txt")
    assert app.picker.value == str(reports["arith"].resolve())
    app.path_field.value = str(tmp_path / "nowhere.txt")
    app.open_button.click()
    assert app.loaded is None and "无法读取报告" in app.status.value
    assert app.rows == [] and app.sections["info"].value == ""
    # consistent: nothing is chosen, nothing can be exported
    assert app.picker.value == "" and app.export_button.disabled and app.pdf_button.disabled
    app.picker.value = str(reports["arith"].resolve())
    assert app.status.value == "" and not app.export_button.disabled


def test_a_failed_upload_is_not_kept_and_changes_nothing_else(app, reports, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    monkeypatch.setenv("XXGK_AUDIT_INBOX", str(inbox))
    app.picker.value = str(reports["arith"].resolve())
    options = list(app.picker.options)
    content = b"\x00\x01\x02binary garbage" * 50
    app.upload.value = ({"name": "坏文件.pdf", "type": "application/pdf", "size": len(content), "content": memoryview(content), "last_modified": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)},)
    assert "坏文件.pdf" in app.status.value and "无法读取" in app.status.value and "未加入" in app.status.value
    assert list(inbox.iterdir()) == []  # neither the file nor its trial copy
    assert app.loaded.report.source.endswith("arith.txt") and app.picker.value == str(reports["arith"].resolve())
    assert list(app.picker.options) == options and not app.export_button.disabled
    assert app.upload.value == ()


def test_a_reloaded_page_keeps_the_report_and_the_auditor(tmp_path, reports):
    first = AuditApp(None, review_dir=tmp_path / "out", choices=[])
    assert first.loaded is None and first.export_button.disabled
    first.open_report(reports["arith"])
    first.auditor.value = "吴审核"
    settings = json.loads((tmp_path / "out" / "app-settings.json").read_text(encoding="utf-8"))
    assert settings == {"last_report": str(reports["arith"].resolve()), "auditor": "吴审核"}
    again = AuditApp("", review_dir=tmp_path / "out", choices=[])  # the page reloaded: the notebook runs again
    assert again.loaded.report.source.endswith("arith.txt") and again.auditor.value == "吴审核"
    assert again.picker.value == str(reports["arith"].resolve())
    (tmp_path / "out" / "app-settings.json").write_text("{broken", encoding="utf-8")
    assert AuditApp("", review_dir=tmp_path / "out", choices=[]).loaded is None  # a broken file is no error


def test_findings_share_one_set_of_column_widths(app, reports):
    app.open_report(reports["arith"])
    colgroups = {row.description.value.split("<colgroup>")[1].split("</colgroup>")[0] for row in app.rows}
    assert len(colgroups) == 1
    assert colgroups.pop() in app.findings_head.value  # the header above uses the same columns
    assert all("<thead>" not in row.description.value for row in app.rows)


def test_upload_lands_in_the_inbox_and_is_opened(app, tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_INBOX", str(tmp_path / "inbox"))
    content = arithmetic_error_text().encode("utf-8")
    app.upload.value = ({"name": "上传的报告.txt", "type": "text/plain", "size": len(content), "content": memoryview(content), "last_modified": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)},)
    saved = tmp_path / "inbox" / "上传的报告.txt"
    assert saved.read_bytes() == content
    assert app.loaded.report.source == str(saved)
    assert any(value == str(saved.resolve()) for _, value in app.picker.options)
    assert app.upload.value == ()  # ready for the next upload


def test_filters_by_severity_and_group(app, reports):
    app.open_report(reports["arith"])
    app.severity_filter.value = "error"
    assert app.visible_findings() and all(f.severity == "error" for f in app.visible_findings())
    app.severity_filter.value = "all"
    app.group_filter.value = "structure"
    assert all(f.group == "structure" for f in app.visible_findings())
    hidden = [row for row in app.rows if row.layout.display == "none"]
    assert hidden and all(row.finding.group != "structure" for row in hidden)
    app.group_filter.value = "all"
    assert len(app.visible_findings()) == len(app.rows)
    assert "显示" in app.findings_title.value


def test_verdicts_survive_a_rerun_and_appear_in_the_exported_memo(app, reports, tmp_path):
    app.open_report(reports["arith"])
    app.auditor.value = "钱审核"
    row = app.row("T3-ROW-TOTAL")
    row.verdict.value = "confirmed"
    row.comment.value = "总计栏与各列之和不符，请更正"
    app.row("LABEL-VARIANT").verdict.value = "dismissed"
    store = ReviewStore(tmp_path / "out" / "reviews.sqlite", readonly=True)
    stored = ReportReview.of(store, app.loaded.result).get(row.finding)
    assert (stored.verdict, stored.comment, stored.auditor) == ("confirmed", "总计栏与各列之和不符，请更正", "钱审核")
    assert "确认问题 1 项" in app.sections["conclusion"].value
    assert "审核结论：待审核" in app.sections["conclusion"].value  # T3-BAL is still 待定
    # the chosen verdict is unmistakable: coloured, marked and named
    buttons = row.verdict.buttons
    assert buttons["confirmed"].button_style == "danger" and buttons["confirmed"].description == "✔ 确认问题"
    assert buttons["dismissed"].button_style == "" and buttons["dismissed"].description == "不是问题"
    assert "当前：确认问题" in row.verdict.state.value and "钱审核" in row.verdict.state.value

    rerun = AuditApp(reports["arith"], review_dir=tmp_path / "out", choices=[])  # the notebook run again
    again = rerun.row("T3-ROW-TOTAL")
    assert (again.verdict.value, again.comment.value) == ("confirmed", "总计栏与各列之和不符，请更正")
    assert rerun.row("LABEL-VARIANT").verdict.value == "dismissed"
    assert rerun.row("T3-BAL").verdict.value == "pending"

    rerun.auditor.value = "钱审核"
    memo = rerun.export()
    assert memo == tmp_path / "out" / "arith.html"
    text = memo.read_text(encoding="utf-8")
    assert "总计栏与各列之和不符，请更正" in text and "确认问题" in text and "不是问题" in text
    assert '<span class="xxgk-sign-line">钱审核</span>' in text
    assert "<script" not in text.lower() and "show_audit(" not in text
    assert "下载备忘录" in rerun.export_link.value and "arith.html" in rerun.export_link.value
    assert "附录：全部单元格及其出处" not in text
    rerun.with_appendix.value = True
    with_appendix = rerun.export().read_text(encoding="utf-8")
    assert with_appendix.index('class="xxgk-signature"') < with_appendix.index("附录：全部单元格及其出处")


def test_the_pdf_button_prints_the_memo(app, reports, tmp_path):
    import shutil

    if not shutil.which("chromium"):
        pytest.skip("chromium not installed: apt-get install -y chromium fonts-noto-cjk")
    app.open_report(reports["arith"])
    app.pdf_button.click()
    pdf = tmp_path / "out" / "arith.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-") and (tmp_path / "out" / "arith.html").exists()
    assert "下载PDF" in app.export_link.value and "下载备忘录" in app.export_link.value


def test_without_chromium_the_pdf_button_says_why(app, monkeypatch, tmp_path):
    monkeypatch.setenv("XXGK_CHROMIUM", str(tmp_path / "no-chromium"))
    app.pdf_button.click()
    assert "无法生成 PDF" in app.export_link.value and "chromium" in app.export_link.value
    assert (tmp_path / "out" / "2023_suixian-gxj.html").exists()


def test_report_text_is_escaped_in_the_widgets(app, reports):
    app.open_report(reports["hostile"])
    app.row("T3-BAL").comment.value = SCRIPT  # an auditor's comment is text too
    shown = all_html(app)
    for payload in (SCRIPT, IMG, "<!-- 隐藏", 'href="javascript'):
        assert payload not in shown
    assert html.escape(IMG) in shown and "&lt;script&gt;" in shown
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<h2>发现的问题</h2>" in bundle["text/html"] and IMG not in bundle["text/html"]


def test_widget_mode_detection(monkeypatch):
    monkeypatch.delenv("XXGK_AUDIT_WIDGETS", raising=False)
    monkeypatch.setenv("XXGK_AUDIT_STATIC", "1")
    assert widget_mode() is False
    monkeypatch.delenv("XXGK_AUDIT_STATIC")
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.0")
    assert widget_mode() is True
    monkeypatch.delenv("SERVER_SOFTWARE")
    assert widget_mode() is False  # no kernel here: headless
    monkeypatch.setenv("XXGK_AUDIT_WIDGETS", "1")
    assert widget_mode() is True


def test_show_audit_returns_the_app_live_and_the_memo_context_headless(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_OUT_DIR", str(tmp_path))
    app = show_audit(str(SAMPLE), [], "孙审核", widgets=True)
    assert isinstance(app, AuditApp) and app.auditor.value == "孙审核"
    ctx = show_audit(str(SAMPLE), [], "孙审核", widgets=False)
    assert ctx.auditor == "孙审核" and ctx.report.agency == "睢县工业和信息化和科技局"
    assert show_audit(str(tmp_path / "missing.txt"), widgets=False) is None


def test_each_finding_shows_its_original_on_demand(tmp_path):
    import random

    from synth import inject_error, make_report, write

    bad, key = inject_error(make_report("2021", 5, variety=False), random.Random(3))
    pdf = write(bad, "pdf", tmp_path / "in", name="bad")
    app = AuditApp(pdf, review_dir=tmp_path / "out", choices=[])
    rows = [row for row in app.rows if row.evidence is not None]
    assert rows and all(key in row.finding.cells or row.finding.cells for row in rows)
    shown = rows[0].evidence.children[0]
    assert shown.value == ""  # nothing rendered until the auditor opens it
    rows[0].evidence.selected_index = 0
    assert 'src="data:image/png;base64,' in shown.value and "红框" in shown.value
    app.open_report(write(bad, "html", tmp_path / "in", name="bad"))
    row = next(row for row in app.rows if row.evidence is not None)
    row.evidence.selected_index = 0
    assert "xxgk-ev-mark" in row.evidence.children[0].value and "<img" not in row.evidence.children[0].value
    quiet = AuditApp(pdf, review_dir=tmp_path / "out", choices=[], evidence=False)
    assert all(row.evidence is None for row in quiet.rows)
