"""The batch spool keeps every field of a document, so that the audit pass of a batch reads the
same cells, places, boxes and OCR readings as ``check`` does."""

from __future__ import annotations

import json

from xxgk_audit.batch import spool
from xxgk_audit.document import Block, CellText, Document, OcrBox


def _document() -> Document:
    ocr = OcrBox(2, (10.0, 20.5, 30.0, 40.25), "8", 0.61, suspect="confusable", readings=("8", "6"), image="data:image/png;base64,AAAA", file="p2.png")
    cells = (
        CellText("规章", line=None, page=2, table_no=1, row_no=3, col_no=1, bbox=(56.7, 624.9, 232.4, 640.9)),
        CellText("8", page=2, colspan=2, inherited=True, table_no=1, row_no=3, col_no=2, bbox=(232.4, 624.9, 300.0, 640.9), ocr=ocr),
    )
    return Document(
        path="/x/报告.pdf", sha256="ab" * 32, format="pdf", encoding=None,
        blocks=[Block("heading", "二、主动公开政府信息情况", page=2, level=2), Block("row", "规章 | 8", page=2, cells=cells, table=1)],
        source_pages={2: "规章 8"}, meta={"title": "某局报告"},
    )


def test_a_spooled_document_reads_back_whole(tmp_path):
    original = _document()
    path = spool.write(original, str(tmp_path), 7)
    back = spool.read(path)
    assert back == original
    cell = back.blocks[1].cells[1]
    assert (cell.table_no, cell.row_no, cell.col_no, cell.bbox) == (1, 3, 2, (232.4, 624.9, 300.0, 640.9))
    assert cell.ocr.image == "data:image/png;base64,AAAA" and cell.ocr.readings == ("8", "6")


def test_a_spool_file_of_another_shape_is_ignored(tmp_path):
    path = spool.write(_document(), str(tmp_path), 1)
    data = json.loads(open(path, encoding="ascii").read())
    data["blocks"][1][7][1][10] = ["two", [1, 2, 3, 4], "8", 0.5, None, [], "", None]  # an OCR page that is no number
    damaged = tmp_path / "2.json"
    damaged.write_text(json.dumps(data), encoding="ascii")
    assert spool.read(str(damaged)) is None
    data["version"] = 1
    (tmp_path / "3.json").write_text(json.dumps(data), encoding="ascii")
    assert spool.read(str(tmp_path / "3.json")) is None
