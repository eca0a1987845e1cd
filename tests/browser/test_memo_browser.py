"""The exported memo in headless Chromium: opens offline, no console error, no request, no script."""

from __future__ import annotations

from pathlib import Path

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
        marked = page.locator("td.xxgk-cell-error, td.xxgk-cell-warning, td.xxgk-cell-blank")
        assert marked.count() >= 1
        assert marked.first.is_visible()
        hover = marked.first.get_attribute("title")
        assert hover and ("报告填写" in hover or "文字所述" in hover or "空白" in hover) and "期望" not in hover
        colour = marked.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    if name == "arith":
        error_cell = page.locator("td.xxgk-cell-error").first
        error_cell.hover()
        title = error_cell.get_attribute("title")
        assert "T3-" in title and "报告填写" in title and "按勾稽关系应为" in title and "差额" in title
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


# -- printing: A4, at most eight pages, the official table layouts ------------------------------------

CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.*")) if CORPUS.exists() else []


@pytest.fixture(scope="module")
def corpus_memos(tmp_path_factory):
    if not CORPUS_FILES:
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus memos need the shared folder")
    folder = tmp_path_factory.mktemp("corpus-memos")
    with KernelSession() as session:
        return {
            name: export_notebook(NOTEBOOK, {"report_path": str(CORPUS / name), "auditor": "周审核"}, folder / f"{Path(name).stem}.html", session=session)
            for name in CORPUS_FILES
        }


@pytest.mark.parametrize("name", CORPUS_FILES or ["(no corpus)"])
def test_every_corpus_memo_prints_on_at_most_eight_a4_pages(watched, corpus_memos, name):
    """Printed by headless Chromium with the memo's print stylesheet (the browser of the other
    tests; ``memo --pdf`` drives the same Chromium from the command line, tested below)."""
    import pypdfium2

    watch = open_memo(watched, corpus_memos[name])
    data = watch.page.pdf(prefer_css_page_size=True)
    document = pypdfium2.PdfDocument(data)
    pages = len(document)
    assert 1 <= pages <= 8, f"{name}: {pages} pages"
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert b"/FontFile" in data and b"NotoSansCJK" in data  # the Chinese font is embedded
    text = document[pages - 1].get_textpage().get_text_range()
    assert "审核人" in text  # the signature block is on the last page: nothing follows it by default


def test_memo_pdf_prints_with_the_system_chromium_and_the_appendix_after_the_signature(tmp_path):
    import pypdfium2

    from xxgk_audit.printing import html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    with KernelSession() as session:
        memo = export_notebook(NOTEBOOK, {"report_path": str(SAMPLE), "appendix": True}, tmp_path / "with-appendix.html", session=session)
    data = html_to_pdf(memo).read_bytes()
    assert b"NotoSansCJK" in data and b"/FontFile" in data
    document = pypdfium2.PdfDocument(data)
    assert (round(document[0].get_size()[0]), round(document[0].get_size()[1])) == (595, 842)
    texts = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    signed = next(n for n, t in enumerate(texts) if "审核人" in t)
    appendix = next(n for n, t in enumerate(texts) if "附录：全部单元格及其出处" in t)
    assert signed < appendix
    assert not any("t3.result" in t or "natural_person" in t for t in texts)


HEADER_JS = """table => Array.from(table.rows).map(r => Array.from(r.cells).filter(c => !c.classList.contains('xxgk-v'))
    .map(c => [c.innerText.replace(/\\s+/g, ''), c.rowSpan, c.colSpan]))"""


def official_tables(page) -> dict[str, list]:
    return {t.get_attribute("data-table"): t.evaluate(HEADER_JS) for t in page.locator("table.xxgk-official").all()}


def test_tables_have_the_official_structure_in_the_browser(watched, memos):
    watch = open_memo(watched, memos["arith"])
    tables = official_tables(watch.page)
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t3 = tables["t3"]
    assert t3[0] == [[corner, 3, 3], ["申请人情况", 1, 7]]
    assert t3[1] == [["自然人", 2, 1], ["法人或其他组织", 1, 5], ["总计", 2, 1]]
    assert t3[3] == [["一、本年新收政府信息公开申请数量", 1, 3]]
    assert t3[5] == [["三、本年度办理结果", 22, 1], ["（一）予以公开", 1, 2]]
    assert t3[7] == [["（三）不予公开", 8, 1], ["1.属于国家秘密", 1, 1]]
    assert [row for row in t3 if row and row[0][0] == "（六）其他处理"][0][0] == ["（六）其他处理", 3, 1]
    assert t3[-2] == [["（七）总计", 1, 2]] and t3[-1] == [["四、结转下年度继续办理", 1, 3]]
    t4 = tables["t4"]
    assert t4[0] == [["行政复议", 2, 5], ["行政诉讼", 1, 10]]
    assert t4[1] == [["未经复议直接起诉", 1, 5], ["复议后起诉", 1, 5]]
    assert [c[0] for c in t4[2]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3 and t4[3] == []
    t2 = tables["t2"]
    assert [row[0] for row in t2 if row and row[0][2] == 4] == [["第二十条第（一）项", 1, 4], ["第二十条第（五）项", 1, 4], ["第二十条第（六）项", 1, 4], ["第二十条第（八）项", 1, 4]]
    assert t2[5] == [["信息内容", 1, 1], ["本年处理决定数量", 1, 3]]
    # drawn as printed: 三、本年度办理结果 runs from the top of （一） to the bottom of （七）
    page = watch.page
    span = page.locator("table.xxgk-t3 td.xxgk-label", has_text="三、本年度办理结果").bounding_box()
    first = page.locator("table.xxgk-t3 td.xxgk-label", has_text="（一）予以公开").bounding_box()
    last = page.locator("table.xxgk-t3 td.xxgk-label", has_text="（七）总计").bounding_box()
    assert abs(span["y"] - first["y"]) < 1.5 and abs((span["y"] + span["height"]) - (last["y"] + last["height"])) < 1.5
    # a blank cell looks unlike a number and unlike a position the format does not have
    assert page.locator("td.xxgk-cell-na").count() == 0
    assert_clean(watch)


def test_blank_and_not_applicable_cells_look_different(watched, tmp_path):
    from xxgk_audit.render import style_html

    page_html = tmp_path / "cells.html"
    page_html.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{style_html()}</head><body class='xxgk-app'>"
        "<table class='xxgk-frame xxgk-official'><tr><td class='xxgk-v'>5</td><td class='xxgk-v xxgk-cell-blank'>空白</td><td class='xxgk-cell-na'></td></tr></table></body></html>",
        encoding="utf-8",
    )
    watch = watched(allowed_prefixes=(page_html.as_uri(),))
    watch.page.goto(page_html.as_uri())
    looks = [c.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).backgroundImage, getComputedStyle(e).color]") for c in watch.page.locator("td").all()]
    number, blank, na = looks
    assert blank != number and na != number and blank != na
    assert na[1].startswith("repeating-linear-gradient") and blank[1] == "none"


@pytest.mark.parametrize(("name", "layout_id"), [("2023_shuyang-fgj.html", "2021"), ("2019_sh-szfbgt.html", "2019")])
def test_a_screenshot_of_the_tables_per_layout(watched, corpus_memos, name, layout_id, not_blank, tmp_path):
    watch = open_memo(watched, corpus_memos[name])
    page = watch.page
    tables = official_tables(page)
    if layout_id == "2019":
        assert tables["t3"][5] == [["三、本年度办理结果", 20, 1], ["（一）予以公开", 1, 2]]
        assert ["（六）其他处理", 1, 2] in [cell for row in tables["t3"] for cell in row]
        assert [row[0][0] for row in tables["t2"] if row and row[0][2] == 5][-1] == "第二十条第（九）项"
    shot = tmp_path / f"tables-{layout_id}.png"
    page.locator("#xxgk-tables").screenshot(path=str(shot))
    assert not_blank(shot.read_bytes())
    assert_clean(watch)
