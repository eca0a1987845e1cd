"""The exported memo in headless Chromium: opens offline, no console error, no request, no script."""

from __future__ import annotations

import pytest

from browser_support import browser, not_blank, watched  # noqa: F401 - fixtures
from memo_inputs import CORPUS, IMG, LINK, NOTEBOOK, SAMPLE, SCRIPT, arithmetic_error_text, hostile_text, write_report
from xxgk_audit.memo import KernelSession, export_notebook


@pytest.fixture(scope="module")
def memos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memos")
    inputs = {
        "sample": SAMPLE,
        "arith": write_report(folder / "in", "arith.txt", arithmetic_error_text()),
        "hostile": write_report(folder / "in", "hostile.txt", hostile_text()),
    }
    if (CORPUS / "2024_sh-kewei.md").exists():
        inputs["kewei"] = CORPUS / "2024_sh-kewei.md"
    with KernelSession() as session:
        return {
            name: export_notebook(NOTEBOOK, {"report_path": str(path), "auditor": "周审核"}, folder / "out" / f"{name}.html", session=session)
            for name, path in inputs.items()
        }


def open_memo(watched, path):
    watch = watched(allowed_prefixes=(path.as_uri(),))
    watch.page.goto(path.as_uri())
    watch.page.wait_for_load_state("load")
    return watch


def assert_clean(watch):
    assert watch.console_errors == [] and watch.page_errors == [] and watch.dialogs == []
    assert watch.foreign == [], f"requests beyond the memo file: {watch.foreign}"
    assert len(watch.requests) == 1  # the memo itself, nothing else


@pytest.mark.parametrize("name", ["sample", "arith", "kewei"])
def test_memo_opens_offline_with_findings_and_no_code(watched, memos, name, not_blank):
    if name not in memos:
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus memo needs the shared folder")
    watch = open_memo(watched, memos[name])
    page = watch.page
    assert page.title().startswith("政府信息公开工作年度报告审核备忘录")
    assert page.locator("table.xxgk-findings").is_visible()
    assert page.locator("table.xxgk-findings tbody tr").count() >= 1
    assert page.locator("table.xxgk-frame").count() == 3
    assert page.locator(".xxgk-signature").inner_text().replace("\n", "").startswith("审核人：周审核")
    for selector in (".jp-CodeCell", ".jp-InputArea", ".input_area", ".prompt", "script", "link[rel=stylesheet]"):
        assert page.locator(selector).count() == 0, selector
    assert "show_audit" not in page.inner_text("body")
    if name in ("arith", "kewei"):
        marked = page.locator("td.xxgk-cell-error, td.xxgk-cell-warning")
        assert marked.count() >= 1
        assert marked.first.is_visible()
        hover = marked.first.get_attribute("title")
        assert hover and ("期望" in hover or "空白" in hover)
        colour = marked.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    if name == "arith":
        error_cell = page.locator("td.xxgk-cell-error").first
        error_cell.hover()
        title = error_cell.get_attribute("title")
        assert "T3-" in title and "期望" in title and "实际" in title
    assert not_blank(page.screenshot(full_page=True))
    assert_clean(watch)


def test_memo_prints_on_a4(watched, memos):
    watch = open_memo(watched, memos["arith"])
    watch.page.emulate_media(media="print")
    padding = watch.page.locator("main.xxgk-memo").evaluate("e => getComputedStyle(e).paddingLeft")
    assert padding == "0px"
    pdf = watch.page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert_clean(watch)


def test_injected_script_never_runs_and_shows_as_text(watched, memos, not_blank):
    watch = open_memo(watched, memos["hostile"])
    page = watch.page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.title() != "pwned"
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    text = page.inner_text("body")
    assert "<script>window.__xss" in text
    assert IMG in text and LINK in text
    page.locator("table.xxgk-findings").scroll_into_view_if_needed()
    assert not_blank(page.screenshot())
    assert_clean(watch)
    assert SCRIPT not in page.content()
