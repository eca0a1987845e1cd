"""Reports published as page images: a PNG, JPEG or TIFF file (a TIFF may hold several pages), or a
folder of such images — one report, its pages in the order of the file names (natural order:
``page2`` before ``page10``).

Each page is recognized (:mod:`.ocr_page`, cached under the image file's sha256) and read by the
PDF loader's page reader, so tables, lines and provenance are exactly as for a scanned PDF; a cell's
evidence names the image file of its page. Without the OCR extra the images are refused as before,
with the install command in the message.

Budgets: :data:`MAX_BYTES` per file, :data:`MAX_PIXELS` per page (checked from the header, before
the pixels are decoded), :data:`~.scans.MAX_OCR_PAGES` pages and :data:`~.scans.MAX_SECONDS` of
recognition per report. A page is recognized at its own resolution when it states a plausible one
(else it is taken for A4), brought down to :data:`MAX_DPI` if finer: finer scans only cost time.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time

from ..document import Document
from ..errors import InputError
from . import ocr, ocr_page, scans

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
KINDS = {b"\x89PNG": "PNG 图片", b"\xff\xd8\xff": "JPEG 图片", b"II*\x00": "TIFF 图片", b"MM\x00*": "TIFF 图片"}
MAX_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 60_000_000  # A4 at 600 dpi is 35 million
MAX_DPI = 300
A4_LONG_INCHES = 842 / 72
_IGNORED = ("thumbs.db", "desktop.ini")
_DIGITS = re.compile(r"(\d+)")


def kind(head: bytes) -> str | None:
    """The kind of a page image this loader reads ("PNG 图片" …), from its first bytes."""
    for magic, name in KINDS.items():
        if head.startswith(magic):
            return name
    return None


def _natural(name: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name)]


def folder_pages(path: str) -> list[str] | None:
    """The page images of a folder that holds nothing else (hidden files aside), in name order;
    None for any other folder."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: _natural(e.name))
    except OSError:
        return None
    pages = []
    for entry in entries:
        if entry.name.startswith(".") or entry.name.lower() in _IGNORED:
            continue
        if not entry.is_file() or not entry.name.lower().endswith(SUFFIXES):
            return None
        pages.append(entry.path)
    return pages or None


def _refuse_without_ocr(path: str, what: str) -> None:
    if not ocr.available():
        raise InputError(path, f"这是{what}，不是文字报告：请先进行文字识别（OCR）或提供网页、PDF、Word 版本" + ocr.INSTALL_HINT)


# -- loading ------------------------------------------------------------------------------------
def load(path: str, data: bytes, sha256: str) -> Document:
    """One image file (a TIFF may hold several pages)."""
    _refuse_without_ocr(path, kind(data[:8]) or "图片")
    reader = _Pages(path)
    reader.add(path, data, sha256, None)
    return reader.document(sha256)


def load_folder(path: str, pages: list[str]) -> Document:
    """A folder of page images as one report."""
    _refuse_without_ocr(path, f"扫描页图片文件夹（{len(pages)} 张图片）")
    if len(pages) > scans.MAX_OCR_PAGES:
        raise InputError(path, f"文件夹中有 {len(pages)} 张图片，超过文字识别 {scans.MAX_OCR_PAGES} 页的上限，未读取")
    reader = _Pages(path)
    digest = hashlib.sha256()
    for page_path in pages:
        name = os.path.basename(page_path)
        data = _read(page_path)
        if kind(data[:8]) is None:
            raise InputError(path, f"{name} 不是 PNG、JPEG 或 TIFF 图片，无法作为扫描页读取")
        sha256 = hashlib.sha256(data).hexdigest()
        digest.update(f"{name}\t{sha256}\n".encode("utf-8"))
        reader.add(page_path, data, sha256, name)
    return reader.document(digest.hexdigest())


def _read(path: str) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise InputError(path, f"图片过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_BYTES // 1024 // 1024} MB），未读取")
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(path, f"无法读取文件：{exc.strerror or exc}") from None


class _Pages:
    """Recognizes page images one after another and reads them as the PDF loader reads pages."""

    def __init__(self, path: str):
        from .pdf import _Reader

        self.path = path
        self.reader = _Reader()
        self.recognized: dict[int, ocr_page.Recognized] = {}
        self.files: dict[int, str] = {}
        self.dpis: set[int] = set()
        self.started = time.perf_counter()

    def add(self, file_path: str, data: bytes, sha256: str, name: str | None) -> None:
        from PIL import Image, UnidentifiedImageError

        what = kind(data[:8]) or "图片"
        shown = f"{name}：" if name else ""  # a page of a folder is named in the message
        try:
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
            raise InputError(self.path, f"{shown}{what}已损坏或格式不受支持，无法读取") from None
        for frame in range(frames):
            number = len(self.recognized) + 1
            if number > scans.MAX_OCR_PAGES:
                raise InputError(self.path, f"图片共超过 {scans.MAX_OCR_PAGES} 页，超过文字识别的上限，未读取")
            if time.perf_counter() - self.started > scans.MAX_SECONDS:
                raise InputError(self.path, f"文字识别超过 {scans.MAX_SECONDS:.0f} 秒仍未完成（已识别 {number - 1} 页），未读取")
            try:
                image.seek(frame)
                width, height = image.size
            except (OSError, EOFError, ValueError):
                raise InputError(self.path, f"{shown}{what}已损坏，无法读取第{frame + 1}页") from None
            if width * height > MAX_PIXELS or min(width, height) < 16:
                raise InputError(self.path, f"{shown}图片尺寸异常（{width}×{height} 像素），未读取")
            dpi, scale = _resolution(image)

            def render(image=image, frame=frame, scale=scale):
                return _gray(image, frame, scale, shown, what, self.path)

            try:
                recognized = ocr_page.recognize(render, dpi, number, sha256, frame + 1, name)
            except ocr.OcrUnavailable as exc:
                raise InputError(self.path, str(exc)) from None
            self.reader.page(recognized.page)
            self.recognized[number] = recognized
            self.dpis.add(dpi)
            if name:
                self.files[number] = name if frames == 1 else f"{name}（第{frame + 1}页）"

    def document(self, sha256: str) -> Document:
        reader = self.reader
        if reader.chars < 10:
            raise InputError(self.path, "图片中未识别出文字：请提供更清晰的扫描件，或网页、PDF、Word 版本")
        reader.headings()
        meta = ocr_page.meta(self.recognized, next(iter(self.dpis)) if len(self.dpis) == 1 else None, self.files or None)
        meta["pages"] = str(len(self.recognized))
        return Document(path=self.path, sha256=sha256, format="image", encoding=None, blocks=reader.blocks, source_pages=reader.pages, meta=meta)


def _resolution(image) -> tuple[int, float]:
    """The resolution a page is recognized at, and the factor its pixels are scaled by for it."""
    width, height = image.size
    stated = image.info.get("dpi")
    dpi = None
    try:
        if stated:
            value = float(stated[0] if isinstance(stated, tuple) else stated)
            if 100 <= value <= 1200 and max(width, height) / value <= 17:  # up to A3
                dpi = value
    except (TypeError, ValueError):
        dpi = None
    if dpi is None:
        dpi = max(width, height) / A4_LONG_INCHES
    scale = min(1.0, MAX_DPI / dpi)
    return max(1, round(dpi * scale)), scale


def _gray(image, frame: int, scale: float, shown: str, what: str, report: str):
    from PIL import Image, ImageOps

    from .raster import gray

    try:
        image.seek(frame)
        page = ImageOps.exif_transpose(image.copy()) if frame == 0 else image.copy()
        if scale < 1.0:
            page = page.resize((max(1, round(page.width * scale)), max(1, round(page.height * scale))), Image.Resampling.LANCZOS)
        return gray(page)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InputError(report, f"{shown}{what}已损坏，无法读取") from None
