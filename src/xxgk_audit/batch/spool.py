"""The scan pass's loaded documents, kept for the audit pass as plain JSON (never pickle).

A spool file is data only: reading one cannot run code, whoever wrote it. The spool folder lives
in the batch's private staging folder (``mkdtemp``, mode 0700); each file is created exclusively
(``O_EXCL``, no link followed) and is read back only by the run that wrote it. Anything that does
not read back as a document (damaged, truncated, of another shape) is ignored: the audit pass
then loads the report from its file again.
"""

from __future__ import annotations

import json
import os

from ..document import Block, CellText, Document, OcrBox
from ..files import create_exclusive

VERSION = 2  # 2: every field of a cell (its place in the table, its box on the page, its OCR reading)


def folder(stage: str) -> str:
    """The spool folder inside the staging folder."""
    path = os.path.join(stage, "spool")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def write(document: Document, spool_dir: str, index: int) -> str | None:
    """Write ``document`` as ``<index>.json``; None when it cannot be written (a worker on another
    machine, a folder that is gone)."""
    data = json.dumps(_plain(document), separators=(",", ":")).encode("ascii")  # \\u-escapes: any name, any text
    try:
        target = create_exclusive(spool_dir, f"{int(index)}.json", data, mode=0o600)
    except OSError:
        return None
    return str(target) if target is not None else None


def read(path: str) -> Document | None:
    """The document of a spool file, or None when it is missing or not what :func:`write` wrote."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            data = json.loads(handle.read())
        return _document(data)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def _plain(document: Document) -> dict:
    return {
        "version": VERSION,
        "path": document.path,
        "sha256": document.sha256,
        "format": document.format,
        "encoding": document.encoding,
        "meta": document.meta,
        "lines": [[n, text] for n, text in document.source_lines.items()],
        "pages": [[n, text] for n, text in document.source_pages.items()],
        "blocks": [
            [b.kind, b.text, b.line, b.page, b.table, b.level, b.column, [_plain_cell(c) for c in b.cells]]
            for b in document.blocks
        ],
    }


def _document(data) -> Document:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("not a spooled document")
    blocks = []
    for kind, text, line, page, table, level, column, cells in data["blocks"]:
        if kind not in ("heading", "text", "row"):
            raise ValueError(kind)
        blocks.append(
            Block(
                kind,
                _text(text),
                line=_number(line),
                page=_number(page),
                cells=tuple(_cell(cell) for cell in cells),
                table=_number(table),
                level=_number(level),
                column=int(column),
            )
        )
    meta = data["meta"]
    if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        raise ValueError("meta")
    return Document(
        path=_text(data["path"]),
        sha256=_text(data["sha256"]),
        format=_text(data["format"]),
        encoding=None if data["encoding"] is None else _text(data["encoding"]),
        blocks=blocks,
        source_lines={int(n): _text(t) for n, t in data["lines"]},
        source_pages={int(n): _text(t) for n, t in data["pages"]},
        meta=meta,
    )


def _plain_cell(cell: CellText) -> list:
    ocr = cell.ocr
    return [
        cell.text, cell.line, cell.page, cell.colspan, cell.inherited, cell.column, cell.table_no, cell.row_no, cell.col_no,
        list(cell.bbox) if cell.bbox is not None else None,
        None if ocr is None else [ocr.page, list(ocr.box), ocr.text, ocr.confidence, ocr.suspect, list(ocr.readings), ocr.image, ocr.file],
    ]


def _cell(data) -> CellText:
    text, line, page, colspan, inherited, column, table_no, row_no, col_no, bbox, ocr = data
    if type(text) is not str or type(colspan) is not int or type(inherited) is not bool:
        raise TypeError("a cell's text, span and flag expected")
    for number in (line, page, column, table_no, row_no, col_no):  # the common case in one pass: int or None
        if number is not None and type(number) is not int:
            raise TypeError("integer expected")
    return CellText(text, line, page, colspan, inherited, column, table_no, row_no, col_no, None if ocr is None else _ocr(ocr), None if bbox is None else _box(bbox))


def _ocr(data) -> OcrBox:
    page, box, text, confidence, suspect, readings, image, file = data
    return OcrBox(
        int(_number(page)), _box(box), _text(text), _float(confidence),
        suspect=None if suspect is None else _text(suspect), readings=tuple(_text(r) for r in readings),
        image=_text(image), file=None if file is None else _text(file),
    )


def _box(value) -> tuple[float, float, float, float]:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("a box of four numbers expected")
    return tuple(_float(v) for v in value)


def _float(value) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError("number expected")
    return float(value)


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _number(value) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("integer expected")
    return value
