"""The PDF loader: text lines and ruled tables with pages, merged cells, page breaks, refusals."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("reportlab", reason="the PDF loader tests write their PDFs with reportlab (pip install -e '.[dev]')")

from reportlab.lib.pdfencrypt import StandardEncryption  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402

from pdf_writer import FONT, Writer, report_pdf  # noqa: E402
from report_grid import Cell, Grid, report_values  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from xxgk_audit.errors import InputError  # noqa: E402
from xxgk_audit.loaders import load_document  # noqa: E402
from xxgk_audit.loaders import pdf as pdf_loader  # noqa: E402
from xxgk_audit.parse import parse_document  # noqa: E402


def load(data: bytes, name: str = "r.pdf"):
    return pdf_loader.load(name, data, "0" * 64)


def rows(document, page: int | None = None):
    return [b for b in document.blocks if b.kind == "row" and (page is None or b.page == page)]


def cells(block):
    return [(c.text, c.colspan, c.inherited) for c in block.cells]


def refusal(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        load(data)
    assert "\n" not in caught.value.reason
    return caught.value.reason


# -- text ----------------------------------------------------------------------------------------
def test_lines_carry_their_page_and_footers_are_dropped():
    writer = Writer(footer="第{n}页 共2页")
    writer.text("某局2023年政府信息公开工作年度报告", 14)
    writer.text("一、总体情况")
    writer.text("本机关认真贯彻落实《条例》，全年主动公开政府信息 120 条。")
    writer.new_page()
    writer.text("六、其他需要报告的事项")
    document = load(writer.save())
    assert [(b.kind, b.text, b.page) for b in document.blocks] == [
        ("heading", "某局2023年政府信息公开工作年度报告", 1),
        ("text", "一、总体情况", 1),
        ("text", "本机关认真贯彻落实《条例》，全年主动公开政府信息 120 条。", 1),
        ("text", "六、其他需要报告的事项", 2),
    ]
    assert document.blocks[0].where == "第1页"
    assert set(document.source_pages) == {1, 2}
    assert "六、其他需要报告的事项" in document.source_pages[2]
    assert document.format == "pdf" and document.meta["pages"] == "2"


@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "第 {n} 页", "{n}/2"])
def test_footer_forms_are_dropped(footer):
    writer = Writer(footer=footer)
    writer.text("一、总体情况：全年主动公开信息")
    document = load(writer.save())
    assert [b.text for b in document.blocks] == ["一、总体情况：全年主动公开信息"]


def test_white_backgrounds_and_frames_are_not_tables():
    writer = Writer()  # a white rectangle behind every line, as WPS exports
    for n in range(5):
        writer.text(f"第{n + 1}行正文，数字 {n}")
    frame = Grid(3, 1, [Cell("方框里的第一段", 0, 0), Cell("方框里的第二段", 1, 0), Cell("第三段 12", 2, 0)])
    writer.grid(frame, [300])  # a one-column ruled box around prose
    document = load(writer.save())
    assert rows(document) == []
    assert [b.text for b in document.blocks][-3:] == ["方框里的第一段", "方框里的第二段", "第三段 12"]


def _type3_space_pdf(left: str, right: str) -> bytes:
    """Two Helvetica strings 2.78 pt apart, with a space between them in a Type3 font whose glyph
    draws nothing (as Chromium's "print to PDF" writes spaces)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    x = 72 + stringWidth(left, "Helvetica", 10)
    content = f"BT /F1 10 Tf 72 700 Td ({left}) Tj ET BT /F2 10 Tf {x:.2f} 700 Td ( ) Tj ET BT /F1 10 Tf {x + 2.78:.2f} 700 Td ({right}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 0 0] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /space 7 0 R >> "
        b"/Encoding << /Type /Encoding /Differences [32 /space] >> /FirstChar 32 /LastChar 32 /Widths [278] /Resources << >> >>",
        b"<< /Length 17 >>\nstream\n278 0 0 0 0 0 d1\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_space_that_prints_no_ink_still_separates_words():
    # PDFium leaves a text object whose glyphs have no outline (a lone space) out of its text
    # page; the loader puts the space back, or "12" and "34", 2.78 pt apart, would read "1234"
    assert [b.text for b in load(_type3_space_pdf("Total requests 12", "34 items")).blocks] == ["Total requests 12 34 items"]


def test_one_character_text_objects_of_a_font_that_is_not_embedded_are_read():
    # reportlab's STSong-Light is not embedded: PDFium measures it with the loader's placeholder
    # font, whatever fonts the machine has
    writer = Writer(footer="")
    for n, char in enumerate("政府信息公开工作年度报告"):
        writer.canvas.setFont(FONT, 12)
        writer.canvas.drawString(72 + 12 * n, 700, char)
    assert [b.text for b in load(writer.save()).blocks] == ["政府信息公开工作年度报告"]


def test_placeholder_font_is_a_valid_truetype_font():
    from xxgk_audit.loaders import pdf_fonts

    font = pdf_fonts.build_font()
    assert font[:4] == b"\x00\x01\x00\x00" and len(font) < 1024
    tables = {font[12 + 16 * i : 16 + 16 * i] for i in range(int.from_bytes(font[4:6], "big"))}
    assert {b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp"} <= tables


def test_pages_read_in_threads_are_read_alike():
    from concurrent.futures import ThreadPoolExecutor

    data = report_pdf(report_values())
    expected = [b.text for b in load(data).blocks]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: [b.text for b in load(data).blocks], range(8)))
    assert results == [expected] * 8


# -- tables --------------------------------------------------------------------------------------
MERGED = Grid(
    4,
    5,
    [
        Cell("项目", 0, 0, rowspan=2, colspan=3),
        Cell("申请人情况", 0, 3, colspan=2),
        Cell("商业", 1, 3),
        Cell("总计", 1, 4),
        Cell("三、本年度办理结果", 2, 0, rowspan=2),
        Cell("（一）予以公开", 2, 1, colspan=2),
        Cell("1", 2, 3),
        Cell("2", 2, 4),
        Cell("（三）不予公开", 3, 1),
        Cell("1.属于国家秘密", 3, 2),
        Cell("3", 3, 3),
        Cell("4", 3, 4),
    ],
)


def test_merged_cells_become_colspans_and_inherited_labels():
    writer = Writer()
    writer.text("三、收到和处理政府信息公开申请情况")
    writer.grid(MERGED, [20, 60, 120, 40, 40])
    document = load(writer.save())
    table = rows(document)
    assert [cells(r) for r in table] == [
        [("项目", 3, False), ("申请人情况", 2, False)],
        [("项目", 3, True), ("商业", 1, False), ("总计", 1, False)],
        [("三、本年度办理结果", 1, False), ("（一）予以公开", 2, False), ("1", 1, False), ("2", 1, False)],
        [("三、本年度办理结果", 1, True), ("（三）不予公开", 1, False), ("1.属于国家秘密", 1, False), ("3", 1, False), ("4", 1, False)],
    ]
    assert all(b.page == 1 and b.table == 0 and b.line is None for b in table)
    assert all(c.page == 1 for b in table for c in b.cells)
    assert table[2].text == "三、本年度办理结果 | （一）予以公开 | 1 | 2"


def test_wrapped_and_vertical_cell_text_is_joined():
    # a 20pt column prints "三、本年度办理结果" three characters per line
    assert pdf_loader.join_lines("三、本\n年度办\n理结果") == "三、本年度办理结果"
    assert pdf_loader.join_lines("商业\n企业") == "商业企业"
    assert pdf_loader.join_lines("总 计") == "总 计"
    assert pdf_loader.join_lines("Total\ncount") == "Total count"
    assert pdf_loader.join_lines("12\n34") == "12 34"  # two numbers are never glued into one


def test_table_continued_on_next_page_carries_its_labels():
    grid = Grid(
        7,
        5,
        [
            Cell("项目", 0, 0, colspan=3), Cell("自然人", 0, 3), Cell("总计", 0, 4),
            Cell("三、本年度办理结果", 1, 0, rowspan=5), Cell("（一）予以公开", 1, 1, colspan=2), Cell("1", 1, 3), Cell("1", 1, 4),
            # a merged label cut by the page break: "（四）无" here, "法提供" on the next page
            Cell("（四）无\f法提供", 2, 1, rowspan=2), Cell("1.本机关不掌握相关政府信息", 2, 2), Cell("2", 2, 3), Cell("2", 2, 4),
            Cell("2.没有现成信息需要另行制作", 3, 2), Cell("3", 3, 3), Cell("3", 3, 4),
            Cell("（五）不予处理", 4, 1, rowspan=2), Cell("1.信访举报投诉类申请", 4, 2), Cell("4", 4, 3), Cell("4", 4, 4),
            Cell("2.重复申请", 5, 2), Cell("5", 5, 3), Cell("5", 5, 4),
            Cell("四、结转下年度继续办理", 6, 0, colspan=3), Cell("6", 6, 3), Cell("6", 6, 4),
        ],
    )
    writer = Writer()
    writer.text("三、收到和处理政府信息公开申请情况")
    writer.grid(grid, [40, 60, 120, 40, 40], breaks={3})
    document = load(writer.save())
    second = rows(document, page=2)
    assert [cells(r)[:3] for r in second[:3]] == [
        [("三、本年度办理结果", 1, True), ("（四）无法提供", 1, True), ("2.没有现成信息需要另行制作", 1, False)],
        [("三、本年度办理结果", 1, True), ("（五）不予处理", 1, False), ("1.信访举报投诉类申请", 1, False)],
        [("三、本年度办理结果", 1, True), ("（五）不予处理", 1, True), ("2.重复申请", 1, False)],
    ]
    assert {b.table for b in rows(document)} == {0}  # one table over two pages
    assert [c.page for c in second[0].cells] == [1, 1, 2, 2, 2]


@pytest.mark.parametrize("values_after_break", [True, False], ids=["values-after-break", "values-before-break"])
def test_row_split_by_the_page_break_is_joined(values_after_break):
    six, seven = ("\f6", "\f7") if values_after_break else ("6\f", "7\f")
    grid = Grid(
        5,
        5,
        [
            Cell("三、本年度办理结果", 0, 0, rowspan=5), Cell("（六）其他处理", 0, 1, rowspan=4),
            Cell("1.申请人无正当理由", 0, 2), Cell("1", 0, 3), Cell("1", 0, 4),
            # one row cut in two by the page break: the label goes on, the values are in one part
            Cell("2.申请人逾期未按收费\f通知要求缴纳费用", 1, 2, rowspan=2), Cell(six, 1, 3, rowspan=2), Cell(seven, 1, 4, rowspan=2),
            Cell("3.其他", 3, 2), Cell("8", 3, 3), Cell("8", 3, 4),
            Cell("（七）总计", 4, 1, colspan=2), Cell("9", 4, 3), Cell("9", 4, 4),
        ],
    )
    writer = Writer()
    writer.grid(grid, [40, 60, 120, 40, 40], breaks={2})
    document = load(writer.save())
    table = rows(document)
    assert [cells(r)[2:] for r in table] == [
        [("1.申请人无正当理由", 1, False), ("1", 1, False), ("1", 1, False)],
        [("2.申请人逾期未按收费通知要求缴纳费用", 1, False), ("6", 1, False), ("7", 1, False)],
        [("3.其他", 1, False), ("8", 1, False), ("8", 1, False)],
        [("9", 1, False), ("9", 1, False)],
    ]
    value_page = 2 if values_after_break else 1
    assert [c.page for c in table[1].cells[2:]] == [1, value_page, value_page]
    assert cells(table[1])[:2] == [("三、本年度办理结果", 1, True), ("（六）其他处理", 1, True)]


def test_blank_row_before_the_break_is_not_joined_to_a_numbered_row():
    grid = Grid(
        3,
        3,
        [
            Cell("（六）其他处理", 0, 0), Cell("", 0, 1), Cell("", 0, 2),
            Cell("（七）总计", 1, 0), Cell("21", 1, 1), Cell("21", 1, 2),
            Cell("四、结转下年度继续办理", 2, 0), Cell("0", 2, 1), Cell("0", 2, 2),
        ],
    )
    writer = Writer()
    writer.grid(grid, [150, 40, 40], breaks={1})
    table = rows(load(writer.save()))
    assert [r.text for r in table] == ["（六）其他处理 |  | ", "（七）总计 | 21 | 21", "四、结转下年度继续办理 | 0 | 0"]


@pytest.mark.parametrize(
    "options",
    [{}, {"close_breaks": True}, {"page_height": 500}, {"page_height": 420, "backgrounds": False}],
    ids=["A4-open-breaks", "A4-closed-breaks", "short-pages", "shorter-pages-no-backgrounds"],
)
def test_whole_report_reads_every_cell(options):
    values = report_values()
    document = load(report_pdf(values, **options))
    report = parse_document(document)
    assert (report.agency, report.year, report.template) == ("某某局", 2023, "2021")
    assert set(report.sections) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    got = report.values()
    assert {k: (values[k], got.get(k)) for k in values if got.get(k) != values[k]} == {}
    assert report.unmapped == [] and report.missing_rows == []
    for cell in report.cells.values():  # every value re-appears on the page it was read from
        assert cell.source.text in document.source_pages[cell.source.page]


# -- metadata ------------------------------------------------------------------------------------
def test_title_and_creation_date_from_the_info_dictionary():
    writer = Writer()
    writer.canvas.setTitle("某局2023年政府信息公开工作年度报告")
    writer.text("一、总体情况：全年主动公开信息")
    document = load(writer.save())
    assert document.meta["title"] == "某局2023年政府信息公开工作年度报告"
    assert len(document.meta["pdf_created"]) == 10 and "published" not in document.meta


def test_info_strings_in_utf16_either_byte_order():
    title = "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert pdf_loader._decode_info(b"\xff\xfe" + title.encode("utf-16-le")) == title
    assert pdf_loader._decode_info(b"\xfe\xff" + title.encode("utf-16-be")) == title
    assert pdf_loader._sensible("ÿþ*mýl:S\x11l?e") is None
    assert pdf_loader._pdf_date("D:20240226144123+06'41'") == "2024-02-26"
    assert pdf_loader._pdf_date("D:20241399") is None


def test_title_stored_without_byte_order_mark_is_decoded_as_before():
    # some Chinese tools write the Info strings as raw GB18030 or UTF-8: they are read from the
    # file's bytes (PDFium would decode them as PDFDocEncoding)
    title = "洪泽区人民政府2023年政府信息公开工作年度报告"
    for raw in (title.encode("gb18030"), title.encode("utf-8")):
        escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        data = b"%PDF-1.4\n7 0 obj\n<< /Producer (x) /Title (" + escaped + b") /CreationDate (D:20240226) >>\nendobj\ntrailer\n<< /Root 1 0 R /Info 7 0 R >>\n%%EOF\n"
        info = pdf_loader._raw_info(data)
        assert pdf_loader._decode_info(info["Title"]) == title and info["CreationDate"] == b"D:20240226"
    nested = b"3 0 obj << /Title <FEFF0041> /Keywords [(Title) /Title] /Author (B) >> endobj trailer << /Info 3 0 R >>"
    assert pdf_loader._raw_info(nested) == {"Title": b"\xfe\xff\x00A"}


# -- refusals ------------------------------------------------------------------------------------
def _one_page(**options) -> bytes:
    writer = Writer(**options)
    writer.text("某局2023年政府信息公开工作年度报告")
    return writer.save()


def test_encrypted_pdf_is_refused():
    reason = refusal(_one_page(encrypt=StandardEncryption("secret", "owner")))
    assert "加密" in reason and "密码" in reason


def test_pdf_with_only_an_owner_password_is_read():
    writer = Writer(encrypt=StandardEncryption("", "owner", canModify=0), footer="")
    writer.canvas.setFont("Helvetica", 12)
    writer.canvas.drawString(72, 700, "Report 2023: 1 2 3")
    document = load(writer.save())
    assert [b.text for b in document.blocks] == ["Report 2023: 1 2 3"]


def test_scanned_pdf_asks_for_ocr():
    from PIL import Image

    writer = Writer(footer="")
    image = Image.new("RGB", (400, 200), (250, 250, 250))
    writer.canvas.drawImage(ImageReader(image), 72, 400, 400, 200)
    assert refusal(writer.save()) == "PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR）"


@pytest.mark.parametrize("cut", [0.5, 0.9, -30])
def test_truncated_pdf_is_refused(cut):
    data = _one_page()
    end = int(len(data) * cut) if cut > 0 else len(data) + cut
    assert refusal(data[:end]).startswith("PDF 文件已损坏或不完整")


def test_garbage_after_the_pdf_header_is_refused():
    assert refusal(b"%PDF-1.7\n" + b"\x00\x01garbage" * 200 + b"\n%%EOF\n").startswith("PDF 文件已损坏或不完整")


def test_too_many_pages_are_refused_before_reading():
    writer = Writer(footer="")
    for _ in range(pdf_loader.MAX_PAGES):
        writer.canvas.setFont(FONT, 10)
        writer.canvas.drawString(72, 700, "页")
        writer.canvas.showPage()
    writer.text("最后一页")
    reason = refusal(writer.save())
    assert f"{pdf_loader.MAX_PAGES + 1} 页" in reason and "上限" in reason


def test_dispatcher_sniffs_pdf(write):
    document = load_document(write("report.bin", _one_page()))
    assert document.format == "pdf" and document.blocks[0].page == 1


# -- the corpus ----------------------------------------------------------------------------------
PDFS = ["2023_hongzequ.pdf", "2024_hongzequ.pdf", "2024_huaianshi.pdf"]


def _corpus_file(name: str):
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus not found: {CORPUS} (the PDF corpus tests need the shared folder)")
    return CORPUS / name


@pytest.mark.parametrize("name", PDFS)
def test_corpus_pdf_reads_as_checked_by_hand(name):
    path = _corpus_file(name)
    expected = json.loads((CORPUS / "expected" / name.replace(".pdf", ".json")).read_text(encoding="utf-8"))
    started = time.perf_counter()
    document = load_document(path)
    elapsed = time.perf_counter() - started
    report = parse_document(document)
    assert (report.agency, report.year, report.template) == (expected["agency"], expected["year"], expected["template"])
    got = report.values()
    assert {k: (v, got.get(k, "ABSENT")) for k, v in expected["cells"].items() if got.get(k, "ABSENT") != v} == {}
    assert set(report.sections) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    assert all(b.page for b in document.blocks) and set(document.source_pages) == set(range(1, len(document.source_pages) + 1))
    assert not any(b.text.strip("-— ").isdigit() for b in document.blocks)  # page footers
    assert elapsed < 1.0, f"{name} took {elapsed:.2f}s to load"
    defects = {d["rule"] for d in expected["defects"]}
    if "LABEL-VARIANT" in defects:
        assert [(v.official, v.printed) for v in report.label_variants if v.kind == "row"] == [("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")]
    if "ROW-MISSING" in defects:
        assert [r[:2] for m in report.missing_rows for r in m.rows] == ["1.", "2.", "3."]


def test_corpus_table_continues_over_the_page_break():
    document = load_document(_corpus_file("2024_huaianshi.pdf"))
    first_on_page_5 = rows(document, page=5)[0]
    assert cells(first_on_page_5)[:3] == [("三、本年度办理结果", 1, True), ("（四）无法提供", 1, True), ("2.没有现成信息需要另行制作", 1, False)]
    assert first_on_page_5.table == rows(document, page=4)[-1].table
    assert document.meta["title"] == "政府信息公开工作年度报告" and document.meta["pdf_created"] == "2025-02-25"


# -- a table's parts on two pages ------------------------------------------------------------------

def _grid(page, xs, rows, right=300.0):
    """A Grid from rows of (text, colspan) cells over columns starting at ``xs``."""
    from xxgk_audit.loaders.pdf_tables import Grid, Slot

    cover = []
    for r, row in enumerate(rows):
        line, col = [], 0
        for text, span in row:
            slot = Slot(text, r, col, 1, span, page)
            line += [slot] * span
            col += span
        cover.append(line)
    return Grid(page, (xs[0], 0.0, right, 10.0 * len(rows)), [10.0 * r for r in range(len(rows))], len(xs), cover, xs=list(xs))


def test_the_coarser_part_of_a_table_gets_the_columns_of_the_finer_part():
    from xxgk_audit.loaders.pdf_tables import align_columns, continues

    above = _grid(1, [70, 100, 130, 160], [[("（六）其他处理", 1), ("3.其他", 1), ("0", 1), ("0", 1)]])
    below = _grid(2, [70.5, 160.5], [[("（七）总计", 1), ("2", 1)]])  # the label cell spans what above is three columns
    align_columns(above, below)
    assert continues(above, below) and below.ncols == 4
    assert [c.text for c in below.row_cells(0)] == ["（七）总计", "2"]
    assert below.origin(0, 0).colspan == 3 and below.origin(0, 3).text == "2"


def test_parts_whose_columns_differ_otherwise_are_different_tables():
    from xxgk_audit.loaders.pdf_tables import align_columns, continues

    t3 = _grid(1, [70, 100, 130, 160], [[("a", 1), ("b", 1), ("0", 1), ("0", 1)]])
    t4 = _grid(2, [70, 115, 145], [[("结果维持", 1), ("结果纠正", 1), ("总计", 1)]])
    align_columns(t3, t4)
    assert not continues(t3, t4)


def test_the_header_printed_again_on_the_next_page_is_removed_before_the_parts_are_joined():
    head = [[("（本列数据的勾稽关系为：…）", 1), ("申请人情况", 2)], [("（本列数据的勾稽关系为：…）", 1), ("自然人", 1), ("总计", 1)]]
    first = _grid(1, [70, 100, 130], head + [[("一、本年新收", 1), ("1", 1), ("1", 1)]])
    signature = first.header_rows()
    assert len(signature) == 2
    below = _grid(2, [70, 100, 130], head + [[("开申请", 1), ("", 1), ("", 1)]])
    assert below.drop_repeated_header(signature) == 2
    assert [c.text for c in below.row_cells(0)] == ["开申请", "", ""] and below.origin(0, 0).row == 0
    alone = _grid(3, [70, 100, 130], head)
    assert alone.drop_repeated_header(signature) == 0  # a page holding only the header keeps it
