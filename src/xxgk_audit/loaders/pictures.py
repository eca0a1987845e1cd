"""Tables pasted as pictures into a Word document or a web page (a screenshot of the table, a scan
of a page).

Each PNG or JPEG picture of the text is looked at: when it draws a table (ruling lines both ways,
:func:`.scans.holds_table`) and the OCR extra is installed, it is recognized (:mod:`.ocr_page`,
cached under the picture's sha256) and read by the PDF loader's page reader, so its rows take the
picture's place among the document's blocks, each value with its box and the picture's name. A
picture that draws no table (a photograph, a seal, a logo) is left alone.

Budgets: :data:`MAX_PICTURES` pictures looked at, :data:`.images.MAX_PIXELS` per picture (from the
header, before decoding), :data:`.scans.MAX_SECONDS` of recognition in all.
"""

from __future__ import annotations

import hashlib
import io
import time
from dataclasses import dataclass, replace
from typing import Callable

from ..document import Block
from ..errors import InputError
from . import images, ocr, ocr_page, scans

MAX_PICTURES = 60  # a report holds a few; the rest of a picture-heavy file is not looked at
EMU_PER_INCH = 914400


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture of the body: where its rows go, the relationship that names its part, its
    printed width (EMU, 0 when not stated) and the source line of its paragraph."""

    position: int  # index in the document's blocks before which its rows are put
    rid: str
    width_emu: int
    line: int | None


@dataclass(frozen=True, slots=True)
class PicturedTable:
    """A picture's recognized table: its blocks and where they go."""

    position: int
    blocks: list[Block]


def insert_tables(path: str, blocks: list[Block], pictures: list[Picture], fetch: Callable[[str], tuple[str, bytes] | None]) -> dict[str, str]:
    """Put the rows of the pictures that draw tables into ``blocks``, each in its picture's place
    (``fetch``: a picture's name and bytes by its reference, None where the file does not hold
    it); what ``Document.meta`` records: the recognition, and how many pictures were not read."""
    found, meta = _read_tables(path, pictures, fetch)
    for table in reversed(found):
        blocks[table.position : table.position] = table.blocks
    if len(pictures) > len(found):
        meta["pictures_unread"] = str(len(pictures) - len(found))
    return meta


def _read_tables(path: str, pictures: list[Picture], fetch: Callable[[str], tuple[str, bytes] | None]) -> tuple[list[PicturedTable], dict[str, str]]:
    """The pictures that draw tables, recognized, and what ``Document.meta`` records about their
    recognition (empty when none was recognized or the extra is missing)."""
    if not pictures or not ocr.available():
        return [], {}
    started = time.perf_counter()
    found: list[PicturedTable] = []
    recognized: dict[int, ocr_page.Recognized] = {}
    names: dict[int, str] = {}
    for number, picture in enumerate(pictures[:MAX_PICTURES], 1):
        if time.perf_counter() - started > scans.MAX_SECONDS:
            raise InputError(path, f"图片文字识别超过 {scans.MAX_SECONDS:.0f} 秒仍未完成，未读取")
        part = fetch(picture.rid)
        if part is None:
            continue
        name, data = part
        gray_dpi = _gray(data, picture.width_emu)
        if gray_dpi is None:
            continue
        gray, dpi = gray_dpi
        if not scans.holds_table(gray, dpi):
            continue
        try:
            result = ocr_page.recognize(lambda gray=gray: gray, dpi, number, hashlib.sha256(data).hexdigest(), 1, name)
        except ocr.OcrUnavailable as exc:
            raise InputError(path, str(exc)) from None
        blocks = _blocks(result.page, picture.line)
        if blocks:
            found.append(PicturedTable(picture.position, blocks))
            recognized[number] = result
            names[number] = name
    if not recognized:
        return [], {}
    meta = ocr_page.meta(recognized, None)
    meta.pop("ocr_pages", None)
    meta["ocr_pictures"] = "、".join(str(n) for n in sorted(recognized))
    meta["ocr_files"] = "；".join(f"第{n}张 {names[n]}" for n in sorted(names))
    return found, meta


def _gray(data: bytes, width_emu: int):
    """The picture as gray levels and the resolution it is printed at (its pixels over its printed
    width), or None when it is no PNG or JPEG, is damaged or is out of size."""
    from PIL import Image, UnidentifiedImageError

    if images.kind(data[:8]) not in ("PNG 图片", "JPEG 图片"):
        return None  # EMF/WMF (a pasted Excel range) and the rest: not decoded here
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > images.MAX_PIXELS or min(width, height) < 16:
            return None
        dpi = width / (width_emu / EMU_PER_INCH) if width_emu > 0 else images._resolution(image)[0]
        dpi = max(72.0, min(dpi, 1200.0))
        scale = min(1.0, images.MAX_DPI / dpi)
        if scale < 1.0:
            image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)
        from .raster import gray

        return gray(image), max(1, round(dpi * scale))
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def _blocks(page, line: int | None) -> list[Block]:
    """The blocks of one recognized picture, placed at its paragraph's line (no page: a Word
    document or a web page has none), each value with its box (which SOURCE-GATE reads it back
    from) and the picture's name."""
    from .pdf import _Reader

    reader = _Reader()
    reader.page(page)
    out = []
    for block in reader.blocks:
        cells = tuple(replace(cell, line=line, page=None) for cell in block.cells)
        out.append(replace(block, line=line, page=None, cells=cells))
    return out
