"""Reports as other programs turn them into PDF: a web page printed by Chromium, a Word document
exported by LibreOffice (when it is installed). Each PDF reads back with the cells of its source and
no error the source does not have.

These are the PDFs agencies publish besides WPS and Word ones: borders drawn as thin rectangles,
tables cut by page breaks with no rule along the break, a font subset per run whose metrics differ,
numbers wrapped in narrow cells, labels cut over two pages; and the header rows printed again on
every page, with text in 三号 (16 pt, the size of official documents) so that rows break across
pages, labels and numbers with them.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from xxgk_audit import audit, load_report

synth_generate = pytest.importorskip("synth.generate")
synth_render = pytest.importorskip("synth.render")

SEEDS = range(8)


def _same_reading(source, printed) -> None:
    before, after = load_report(source), load_report(printed)
    differences = {k: (v, after.values().get(k, "ABSENT")) for k, v in before.values().items() if after.values().get(k, "ABSENT") != v}
    assert differences == {}, printed.name
    errors = {f.rule for f in audit(before).findings if f.severity == "error"}
    new = [(f.rule, f.message) for f in audit(after).findings if f.severity == "error" and f.rule not in errors]
    assert new == [], printed.name


@pytest.mark.parametrize("seed", SEEDS)
def test_a_web_page_printed_by_chromium(tmp_path, seed):
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed, variety=True)
    page = synth_render.write(synthetic, "html", tmp_path, name=f"h{seed}")
    try:
        printed = html_to_pdf(page, tmp_path / f"h{seed}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    _same_reading(page, printed)


@pytest.mark.parametrize("seed", range(4))
def test_a_web_page_with_a_serial_column_printed_by_chromium(tmp_path, seed):
    """A 序号 column at the left and 表三 cut by a page break: on the next page the cell of
    三、本年度办理结果 runs on from the page before (no rule closes it but the page's own), and the
    serial column beside it is still part of the table."""
    from variants.variation import serial_column
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2021", seed + 11, variety=False, profile="medium")
    plain = synth_render.write(synthetic, "html", tmp_path, name=f"s{seed}")
    page = tmp_path / f"s{seed}-serial.html"
    page.write_bytes(serial_column(plain.read_bytes().decode("utf-8")).encode("utf-8"))
    try:
        printed = html_to_pdf(page, tmp_path / f"s{seed}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    _same_reading(plain, printed)


@pytest.mark.parametrize(
    "variation, seed, variety",
    [
        ("serial_column", 7, False), ("serial_column", 1, True), ("t3_without_total_column", 7, False), ("t3_without_total_column", 3, False),
        ("t3_without_total_column", 4, True), ("部分公开 without its note", 10, True),
    ],
)
def test_a_table_header_cut_by_a_page_break_printed_by_chromium(tmp_path, variation, seed, variety):
    """Tables cut by page breaks where it hurts: the serial column's 序号 cell (spanning two header
    rows) is printed on both pages and read as one cell "序号序号" (seed 7); 表三 printed without its
    总计 column has its header rows on two grids (seed 7), or its rows on the next page on another
    grid than the header's (seed 3); a page whose part of 表三 is not read as a table leaves the
    serial numbers of the next page's part counting on from 21 (seed 1, narrow pages); 表四's header
    cut so that the next page's part begins with blank cells under no words (seed 10); blank values
    in the last columns of rows on a wider grid than the header's (seed 4). All read as from the
    web page."""
    import variants.variation as variations
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2021", seed, variety=variety, profile="medium")
    plain = synth_render.write(synthetic, "html", tmp_path, name="cut")
    vary = getattr(variations, variation, None) or next(v.apply for v in variations.VARIATIONS if v.name == variation)
    encoding = synthetic.encoding or "utf-8"
    page = tmp_path / "cut-varied.html"
    page.write_bytes(vary(plain.read_bytes().decode(encoding)).encode(encoding))
    try:
        printed = html_to_pdf(page, tmp_path / "cut-varied.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    if variation != "t3_without_total_column":
        _same_reading(page, printed)
        return
    before, after = load_report(plain), load_report(printed)
    unprinted = {k for k in before.cells if k.startswith("t3.") and k.endswith(".total")}
    assert {k: (v, after.value(k)) for k, v in before.values().items() if k not in unprinted and after.value(k) != v} == {}
    assert all(after.cells[k].status == "blank" for k in unprinted)
    assert [f.rule for f in audit(after).findings if f.severity == "error"] == []


@pytest.mark.parametrize("seed", SEEDS)
def test_a_word_document_exported_by_libreoffice(tmp_path, seed):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed, variety=True)
    document = synth_render.write(synthetic, "docx", tmp_path, name=f"g{seed}")
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(document)],
        check=True, capture_output=True, timeout=180,
    )
    _same_reading(document, tmp_path / f"g{seed}.pdf")


def _header_rows(table) -> list:
    """The rows above the table's first number."""
    rows = []
    for row in table.rows:
        if any(re.fullmatch(r"\d+", cell.text.strip()) for cell in row.cells):
            break
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_a_word_document_in_large_type_with_repeated_headers_exported_by_libreoffice(tmp_path, seed):
    """Word's "repeat as header row" and 16 pt text: the tables run over several pages, each page
    starts with the header again, rows break across the pages (a label or a number goes on below
    the header of the next page), and a page's part of a table shows fewer column rules."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    docx = pytest.importorskip("docx")
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed, variety=True)
    source = synth_render.write(synthetic, "docx", tmp_path, name=f"big{seed}")
    document = docx.Document(source)
    for table in document.tables:
        for row in _header_rows(table):
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(mark)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(16)
    document.save(source)
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    _same_reading(source, tmp_path / f"big{seed}.pdf")


@pytest.mark.parametrize("seed", range(4))
def test_a_web_page_with_table_heads_printed_large_by_chromium(tmp_path, seed):
    """<thead> rows are printed again on every page by Chromium."""
    from xxgk_audit.loaders.decode import decode
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed + 8, variety=True)
    page, _ = decode(synth_render.render(synthetic, "html"))
    page = re.sub(r"charset=[\"']?[\w-]+", "charset=utf-8", re.sub(r"<table.*?</table>", _with_thead, page, flags=re.S))
    page = page.replace("</head>", "<style>body{font-size:15pt} td,th{padding:6px}</style></head>", 1)
    source = tmp_path / f"t{seed}.html"
    source.write_text(page, encoding="utf-8")
    try:
        printed = html_to_pdf(source, tmp_path / f"t{seed}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    _same_reading(source, printed)


def _with_thead(match) -> str:
    table = match.group(0)
    rows = re.findall(r"<tr.*?</tr>", table, re.S)
    count = 0
    for row in rows:
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        if any(re.fullmatch(r"\s*\d+\s*", re.sub("<[^>]+>", "", c)) for c in cells):
            break
        count += 1
    if count == 0:
        return table
    start = table.index(rows[0])
    end = table.index(rows[count - 1]) + len(rows[count - 1])
    return table[:start] + "<thead>" + "".join(rows[:count]) + "</thead><tbody>" + table[end:].replace("</table>", "</tbody></table>")


@pytest.mark.parametrize("seed", (0, 1, 5))
def test_a_web_page_without_ruling_lines_printed_by_chromium(tmp_path, seed):
    """Tables printed without ruling lines: the PDF holds no grid, so its rows are lines of text;
    long labels wrap above and below their row's values, and the label columns' fragments share
    lines ("不予公 国家秘 0 0 …"). Each row of values is placed by its order in the table, where
    the rows with a label it can read frame it; every cell reads back as in the page. (Seeds whose
    reports print every cell: a blank cell leaves no trace in a table without a grid.)"""
    from xxgk_audit.loaders.decode import decode
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2021", seed, variety=True)
    page = synth_render.write(synthetic, "html", tmp_path, name=f"b{seed}")
    html, encoding = decode(page.read_bytes())
    html = html.replace('border="1"', 'border="0"').replace("border:solid windowtext 1.0pt;", "border:none;")
    html = html.replace("<head>", "<head><style>table, td, th { border: none !important; }</style>", 1)
    page.write_bytes(html.encode(encoding or "utf-8"))
    try:
        printed = html_to_pdf(page, tmp_path / f"b{seed}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    assert any(cell.origin == "by_order" for cell in load_report(printed).cells.values())  # rows of values without their label
    _same_reading(page, printed)
