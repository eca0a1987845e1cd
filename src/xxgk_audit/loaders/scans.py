"""Scanned pages of a PDF: found, rendered with PDFium and recognized (when the OCR extra is installed).

A page is a scan when it prints (almost) no text but shows an image over a good part of it. A page
whose only text is *invisible* — the text layer a scanner's own OCR lays over the image — is a
scan too: such layers carry no ruling lines (the table is in the picture), their digits come with
no confidence, and they are often poor, so with the extra installed the page is recognized from its
image and the invisible layer is set aside (报告信息 says so); without the extra it is read as
before. A page with visible text is never recognized.

A PDF with no image at all (no ``/Subtype /Image`` in its bytes) has no scanned page: text-layer
reports cost nothing here beyond that one search. Pages are rendered at :data:`DPI` (what the recognizer reads best at: the table digits of an A4
report, 8–9 pt, come out 20–25 px high) and each recognition is cached (:mod:`.ocr_cache`) under
the PDF's sha256 and the page number.
"""

from __future__ import annotations

import ctypes
import re
import time

from ..errors import InputError
from . import ocr, ocr_page, pdf_content

DPI = 200
MAX_OCR_PAGES = 60  # a report is 3–20 pages; this many scanned pages is no report
MAX_SECONDS = 900.0  # recognition of one file stops here
_MIN_PAGE_CHARS = 10  # fewer printed characters: the page has no text layer
_IMAGE_SHARE = 0.25  # of the page's area: an image this large makes a text-less page a scan
_MAX_DEPTH = 4
_IMAGE_XOBJECT = re.compile(rb"/Subtype\s*/Image")  # image dictionaries are never inside object streams


def _textless(page: pdf_content.Page) -> bool:
    printed = 0
    for char in page.chars:
        if char.text.strip() and not char.text.startswith("(cid:"):
            printed += 1
            if printed >= _MIN_PAGE_CHARS:
                return False
    return True


def _unmapped(page: pdf_content.Page) -> bool:
    """Most of the page's glyphs have no character (a font without a Unicode map): its text can
    only be read from its picture."""
    text = "".join([c.text for c in page.chars])
    if "(cid:" not in text:
        return False
    count = text.count("(cid:")
    return count >= _MIN_PAGE_CHARS and count > len(page.chars) / 2


def recognize_scans(path: str, data: bytes, sha256: str, contents: pdf_content.Contents) -> dict[str, str]:
    """Replace the scanned pages of ``contents`` by their recognition; the facts for
    ``Document.meta`` (empty when nothing was recognized or the extra is not installed)."""
    unmapped = [i for i, page in enumerate(contents.pages) if _unmapped(page)]
    textless: list[int] = []  # pages without text: a scan if an image covers them
    unruled: list[int] = []  # pages that may carry an invisible text layer over a scan
    if _IMAGE_XOBJECT.search(data):  # a PDF without any image has no scanned page (checked first: cheap)
        textless = [i for i, page in enumerate(contents.pages) if i not in unmapped and _textless(page)]
        unruled = [i for i, page in enumerate(contents.pages) if i not in textless and i not in unmapped and not page.vertical and not page.horizontal]
    if not textless and not unruled and not unmapped:
        return {}
    if not ocr.available():
        return {}
    document = None
    try:
        with pdf_content.LOCK:
            document = pdf_content._open(data)
            kinds = {i: _kind(document, i, i in textless) for i in textless + unruled}
            kinds.update(dict.fromkeys(unmapped, "unmapped"))
        scans = [i for i in sorted(kinds) if kinds[i]]
        if not scans:
            return {}
        if len(scans) > MAX_OCR_PAGES:
            raise InputError(path, f"PDF 有 {len(scans)} 页扫描页，超过文字识别 {MAX_OCR_PAGES} 页的上限，未读取")
        started = time.perf_counter()
        pages: dict[int, ocr_page.Recognized] = {}
        for index in scans:
            if time.perf_counter() - started > MAX_SECONDS:
                raise InputError(path, f"文字识别超过 {MAX_SECONDS:.0f} 秒仍未完成（已识别 {len(pages)} 页），未读取")

            def render(index=index, strip=kinds[index] != "unmapped"):
                with pdf_content.LOCK:
                    return _render(document, index, strip)

            try:
                recognized = ocr_page.recognize(render, DPI, index + 1, sha256, index + 1)
            except ocr.OcrUnavailable as exc:
                raise InputError(path, str(exc)) from None
            contents.pages[index] = recognized.page
            pages[index + 1] = recognized
    except (pdf_content.Broken, pdf_content.PasswordRequired, pdf_content.UnknownEncryption):
        return {}  # the text reading already dealt with these
    finally:
        if document is not None:
            with pdf_content.LOCK:
                document.close()
    meta = ocr_page.meta(pages, DPI)
    notes = []
    invisible = [str(n) for n in sorted(pages) if kinds[n - 1] == "invisible"]
    if invisible:
        notes.append("第" + "、".join(invisible) + "页的隐形文字层（扫描软件自带的识别结果）未采用，以图像识别为准")
    glyphs = [str(n) for n in sorted(pages) if kinds[n - 1] == "unmapped"]
    if glyphs:
        notes.append("第" + "、".join(glyphs) + "页的文字无法提取（字体缺少字符映射），以图像识别为准")
    if notes:
        meta["ocr_text_layer"] = "；".join(notes)
    return meta


def _render(document, index: int, strip_text: bool):
    """The page as gray pixels at :data:`DPI`. The text objects of a scan (a stray page number, an
    invisible layer) are taken off first: PDFium draws a font the PDF does not embed with the
    loader's placeholder squares (:mod:`.pdf_fonts`), which the recognizer would read as "口"."""
    import pypdfium2.raw as raw

    page = document[index]
    try:
        if strip_text:
            for obj in list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=1)):
                page.remove_obj(obj)
                obj.close()
        return page.render(scale=DPI / 72, grayscale=True, draw_annots=False).to_numpy().copy()
    finally:
        page.close()


def _kind(document, index: int, textless: bool) -> str | None:
    """"scan" (no text, a large image), "invisible" (only invisible text over a large image) or None."""
    import pypdfium2.raw as raw

    page = raw.FPDF_LoadPage(document.raw, index)
    if not page:
        return None
    try:
        area = max(raw.FPDF_GetPageWidthF(page) * raw.FPDF_GetPageHeightF(page), 1.0)
        found = {"image": 0.0, "visible_text": False, "invisible_text": False, "stop_at_text": not textless}
        _walk(raw, page, False, found, 0)
    finally:
        raw.FPDF_ClosePage(page)
    if found["image"] < _IMAGE_SHARE * area:
        return None
    if textless:
        return "scan"
    if found["invisible_text"] and not found["visible_text"]:
        return "invisible"
    return None


def _walk(raw, container, form: bool, found: dict, depth: int) -> None:
    count = (raw.FPDFFormObj_CountObjects if form else raw.FPDFPage_CountObjects)(container)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for position in range(max(count, 0)):
        obj = (raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject)(container, position)
        if not obj:
            continue
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE:
                found["invisible_text"] = True
            else:
                found["visible_text"] = True
                if found["stop_at_text"]:
                    return
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                found["image"] += abs(right.value - left.value) * abs(top.value - bottom.value)
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
            _walk(raw, obj, True, found, depth + 1)
            if found["visible_text"] and found["stop_at_text"]:
                return
