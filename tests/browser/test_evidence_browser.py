"""The memo with evidence images in headless Chromium: it opens offline with no request beyond the
file itself, and each image shows the page region (not blank)."""

from __future__ import annotations

import io
import random

import pytest

from browser_support import browser, not_blank, watched  # noqa: F401 - fixtures
from memo_inputs import NOTEBOOK
from synth import inject_error, make_report, write
from xxgk_audit.memo import KernelSession, export_notebook


@pytest.fixture(scope="module")
def memos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evidence")
    bad, _ = inject_error(make_report("2021", 5, variety=False), random.Random(3))
    inputs = {"pdf": write(bad, "pdf", folder / "in", name="bad-pdf"), "html": write(bad, "html", folder / "in", name="bad-html")}
    with KernelSession() as session:
        return {name: export_notebook(NOTEBOOK, {"report_path": str(path), "auditor": "周审核"}, folder / "out" / f"{name}.html", session=session) for name, path in inputs.items()}


def open_memo(watched, path):
    watch = watched(allowed_prefixes=(path.as_uri(),))
    watch.page.goto(path.as_uri())
    watch.page.wait_for_load_state("load")
    return watch


def test_the_pdf_memo_shows_the_page_region_offline(watched, memos, not_blank):
    from PIL import Image, ImageStat

    watch = open_memo(watched, memos["pdf"])
    page = watch.page
    images = page.locator("img.xxgk-evidence-img")
    assert images.count() >= 1
    first = images.first
    first.scroll_into_view_if_needed()
    assert first.get_attribute("src").startswith("data:image/png;base64,")
    assert first.evaluate("e => e.complete && e.naturalWidth > 200 && e.naturalHeight > 20")
    assert first.evaluate("e => e.getBoundingClientRect().width") > 150
    shot = first.screenshot()
    assert not_blank(shot)
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20
    import numpy as np

    pixels = np.asarray(image).astype(int)
    assert ((pixels[..., 0] > 170) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)).sum() > 50  # the outlined cells
    assert "红框为所涉单元格" in page.locator(".xxgk-evidence-caption").first.inner_text()
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "img-src data:" in csp and "default-src 'none'" in csp
    assert watch.console_errors == [] and watch.page_errors == [] and watch.foreign == []
    assert watch.requests == [memos["pdf"].as_uri()]  # the memo itself, nothing else


def test_the_web_page_memo_marks_the_printed_cells(watched, memos, not_blank):
    watch = open_memo(watched, memos["html"])
    page = watch.page
    assert page.locator("img").count() == 0
    marked = page.locator(".xxgk-evidence-rows .xxgk-ev-mark")
    assert marked.count() >= 1
    marked.first.scroll_into_view_if_needed()
    outline = marked.first.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    assert not_blank(page.locator("figure.xxgk-evidence").first.screenshot())
    assert watch.foreign == [] and len(watch.requests) == 1
