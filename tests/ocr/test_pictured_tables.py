"""Tables pasted into a report as pictures: a PDF whose pages print their text but show 表二, 表三 and
表四 as images (a screenshot of the table in Word or a web editor, printed by Chromium), and a Word
document holding the same screenshots among its paragraphs. The pictures are recognized and take
their place among the printed text: the cells read back as in the source, with no error. A picture
that draws no table (a photograph) is left alone and costs no recognition.

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
def screenshots(browser, tmp_path_factory):  # noqa: F811
    """A report's web page and a screenshot of each of its tables."""
    tmp_path = tmp_path_factory.mktemp("pictured")
    synthetic = make_report("2021", 7, variety=False, profile="medium", **PLAIN)
    html = render(synthetic, "html").decode("utf-8")
    source = tmp_path / "source.html"
    source.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 1200}, device_scale_factor=2)
    page.goto(source.as_uri())
    shots = [table.screenshot() for table in page.query_selector_all("table")]
    page.close()
    return synthetic, html, source, shots, tmp_path


@pytest.fixture(scope="module")
def pictured(screenshots):
    """The report with its three tables as screenshots in its web page, printed to PDF."""
    _, html, source, shots, tmp_path = screenshots
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


@pytest.fixture(scope="module")
def pictured_docx(screenshots):
    """The report as a Word document whose tables are the screenshots, 16 cm wide."""
    docx = pytest.importorskip("docx")
    from docx.shared import Cm

    synthetic, _, source, shots, tmp_path = screenshots
    document = docx.Document()
    pictures = iter(shots)
    in_table = False
    for line in render(synthetic, "txt").decode("utf-8").split("\n"):
        if "\t" in line:  # a row of a table: the table's screenshot takes its place
            if not in_table:
                document.add_picture(io.BytesIO(next(pictures)), width=Cm(16))
            in_table = True
            continue
        in_table = False
        if line.strip():
            document.add_paragraph(line)
    path = tmp_path / "pictured.docx"
    document.save(path)
    return source, load_report(path)


def test_a_word_documents_table_pictures_read_back_to_their_values(pictured_docx):
    source, report = pictured_docx
    expected = load_report(source)
    differences = {k: (v, report.value(k)) for k, v in expected.values().items() if report.value(k) != v}
    assert differences == {}
    assert [f.rule for f in audit(report).findings if f.severity == "error"] == []  # SOURCE-GATE reads them back too
    assert report.document.meta["ocr_pictures"] == "1、2、3"
    cell = report.cells["t3.new.total"]
    assert cell.source.page is None and cell.source.ocr.file == "word/media/image2.png"


def test_a_photograph_in_a_word_document_is_not_recognized(tmp_path):
    docx = pytest.importorskip("docx")
    import numpy as np
    from docx.shared import Cm
    from PIL import Image

    synthetic = make_report("2021", 9, variety=False, profile="medium", **PLAIN)
    plain = tmp_path / "plain.docx"
    plain.write_bytes(render(synthetic, "docx"))
    document = docx.Document(str(plain))
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(90, 200, size=(600, 800), dtype=np.uint8)).save(buffer, format="PNG")
    document.paragraphs[1].insert_paragraph_before().add_run().add_picture(buffer, width=Cm(15))
    with_photo = tmp_path / "photo.docx"
    document.save(with_photo)
    report = load_report(with_photo)
    assert "ocr_engine" not in report.document.meta
    assert report.values() == load_report(plain).values()


def _html_with_pictures(html: str, shots: list[bytes], place) -> str:
    """The page with each data table replaced by ``place(index, png)`` (an <img> tag)."""
    tables = list(re.finditer(r"<table.*?</table>", html, flags=re.S))
    pieces, position = [], 0
    for index, (match, shot) in enumerate(zip(tables, shots)):
        if any(word in match.group() for word in _DATA_TABLE):
            pieces += [html[position : match.start()], place(index, shot)]
            position = match.end()
    return "".join(pieces + [html[position:]])


def test_a_web_pages_table_pictures_read_back_inline_and_beside_the_page(screenshots, tmp_path):
    """Pictures as data: URIs (a page saved as one file) and as files in the page's folder (a page
    saved with its pictures) are recognized; nothing is fetched."""
    _, html, source, shots, _ = screenshots
    expected = load_report(source).values()
    inline = _html_with_pictures(html, shots, lambda i, png: f'<p><img width="600" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"></p>')
    (tmp_path / "inline.html").write_text(inline, encoding="utf-8")
    (tmp_path / "page_files").mkdir()
    for index, shot in enumerate(shots):
        (tmp_path / "page_files" / f"table{index}.png").write_bytes(shot)
    beside = _html_with_pictures(html, shots, lambda i, png: f'<p><img src="page_files/table{i}.png"></p>')
    (tmp_path / "beside.html").write_text(beside, encoding="utf-8")
    for name in ("inline.html", "beside.html"):
        report = load_report(tmp_path / name)
        assert {k: v for k, v in expected.items() if report.value(k) != v} == {}, name
        assert [f.rule for f in audit(report).findings if f.severity == "error"] == [], name
    assert "page_files/table1.png" in load_report(tmp_path / "beside.html").document.meta["ocr_files"]


def test_check_and_memo_say_which_pictures_were_read(pictured_docx, tmp_path, capsys):
    """`check` names the recognized pictures; `memo` hands the recognized boxes to its kernel (the
    audit snapshot carries them) and 报告信息 says the pictures were tables read by recognition."""
    from xxgk_audit.cli import main

    _, report = pictured_docx
    main(["check", report.source])
    assert "图片表格：文中第1、2、3张图片经文字识别" in capsys.readouterr().out
    assert main(["memo", report.source, "--out-dir", str(tmp_path)]) == 0
    memo = (tmp_path / "pictured.html").read_text(encoding="utf-8")
    assert "文中第1、2、3张图片是表格，已离线识别" in memo
    assert 'alt="识别框图像" src="data:image/png;base64,' in memo
