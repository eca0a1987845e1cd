"""Tables pasted into a report as pictures: a PDF whose pages print their text but show 表二, 表三 and
表四 as images (a screenshot of the table in Word or a web editor, printed by Chromium). The pictures
are recognized and join the page's printed text: the cells read back as in the source, with no
error. A picture that draws no table (a photograph) is left alone and costs no recognition.

Needs the OCR extra, playwright and Debian's chromium (skipped with a clear message otherwise).
"""

from __future__ import annotations

import base64
import io
import re

import pytest

pytest.importorskip("rapidocr_onnxruntime", reason='the OCR tests need the OCR extra: pip install -e ".[ocr]"')

from browser_support import browser  # noqa: E402,F401  (fixture)
from synth import make_report, render  # noqa: E402
from xxgk_audit import audit, load_report  # noqa: E402

PLAIN = {"traditional": False, "word_markup": False}
_DATA_TABLE = ("信息内容", "申请人情况", "结果维持")


def _print(html: str, tmp_path, name: str):
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    try:
        return html_to_pdf(page, tmp_path / f"{name}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)


@pytest.fixture(scope="module")
def pictured(browser, tmp_path_factory):  # noqa: F811
    """A report whose three tables are screenshots in its web page, printed to PDF."""
    tmp_path = tmp_path_factory.mktemp("pictured")
    synthetic = make_report("2021", 7, variety=False, profile="medium", **PLAIN)
    html = render(synthetic, "html").decode("utf-8")
    source = tmp_path / "source.html"
    source.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 1200}, device_scale_factor=2)
    page.goto(source.as_uri())
    shots = [table.screenshot() for table in page.query_selector_all("table")]
    page.close()
    tables = list(re.finditer(r"<table.*?</table>", html, flags=re.S))
    assert len(tables) == len(shots)
    pieces, position = [], 0
    for match, shot in zip(tables, shots):
        if not any(word in match.group() for word in _DATA_TABLE):
            continue
        picture = base64.b64encode(shot).decode("ascii")
        pieces += [html[position : match.start()], f'<p><img style="max-width:100%;max-height:24cm" src="data:image/png;base64,{picture}"></p>']
        position = match.end()
    pieces.append(html[position:])
    printed = _print("".join(pieces), tmp_path, "pictured")
    return source, printed, load_report(printed)


def test_tables_pasted_as_pictures_read_back_to_their_values(pictured):
    source, _, report = pictured
    expected = load_report(source)
    assert report.tables == {"t2": "found", "t3": "found", "t4": "found"}
    differences = {k: (v, report.value(k)) for k, v in expected.values().items() if report.value(k) != v}
    assert differences == {}
    assert [f.rule for f in audit(report).findings if f.severity == "error"] == []


def test_the_report_says_which_pages_were_pictures(pictured):
    _, _, report = pictured
    assert "表格是图片，以图像识别读取" in report.document.meta["ocr_text_layer"]
    assert report.document.meta["ocr_pages"]
    assert any(c.source.ocr is not None for k, c in report.cells.items() if k.startswith("t3."))  # each value keeps its box


def test_a_photograph_beside_the_text_is_not_recognized(tmp_path):
    """A page of text with a large picture that draws no table is read from its text alone."""
    import numpy as np
    from PIL import Image

    synthetic = make_report("2021", 9, variety=False, profile="medium", **PLAIN)
    html = render(synthetic, "html").decode("utf-8")
    noise = np.random.default_rng(1).integers(90, 200, size=(600, 800), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    photo = f'<p><img style="width:100%" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode("ascii")}"></p>'
    with_photo = html.replace("</h1>", "</h1>" + photo, 1) if "</h1>" in html else html.replace("<body>", "<body>" + photo, 1)
    assert with_photo != html
    printed = _print(with_photo, tmp_path, "photo")
    report = load_report(printed)
    assert "ocr_pages" not in report.document.meta
    plain = load_report(_print(html, tmp_path, "plain"))
    assert report.values() == plain.values()
