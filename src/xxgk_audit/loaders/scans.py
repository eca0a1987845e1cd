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
_TABLE_RULES = 2  # ruling lines each way in a page's pictures that make them a table
_PICTURE_SHARE = 0.05  # of the page's area: pictures this large beside printed text may be a table (表四 is short)
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
    printed: list[int] = []  # pages with text: an invisible layer over a scan, or a table pasted as a picture
    if _IMAGE_XOBJECT.search(data):  # a PDF without any image has no scanned page (checked first: cheap)
        textless = [i for i, page in enumerate(contents.pages) if i not in unmapped and _textless(page)]
        printed = [i for i in range(len(contents.pages)) if i not in textless and i not in unmapped]
    if not textless and not printed and not unmapped:
        return {}
    if not ocr.available():
        return {}
    document = None
    try:
        with pdf_content.LOCK:
            document = pdf_content._open(data)
            kinds = {i: _kind(document, i, i in textless, _unruled(contents.pages[i])) for i in textless + printed}
            kinds.update(dict.fromkeys(unmapped, "unmapped"))
        prerendered = {}
        for index in [i for i in sorted(kinds) if kinds[i] == "mixed"]:
            with pdf_content.LOCK:
                gray = _render(document, index, True, pictures_only=True)
            if holds_table(gray):
                prerendered[index] = gray
            else:
                kinds[index] = None  # a picture that is no table (a photograph, a seal): the text layer stands
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
                if index in prerendered:
                    return prerendered.pop(index)
                with pdf_content.LOCK:
                    return _render(document, index, strip, pictures_only=kinds[index] == "mixed")

            try:
                recognized = ocr_page.recognize(render, DPI, index + 1, sha256, index + 1)
            except ocr.OcrUnavailable as exc:
                raise InputError(path, str(exc)) from None
            prerendered.pop(index, None)
            if kinds[index] == "mixed":  # the picture's reading joins the printed text of the page
                printed = contents.pages[index]
                contents.pages[index] = pdf_content.Page(
                    printed.number, printed.chars + recognized.page.chars,
                    printed.vertical + recognized.page.vertical, printed.horizontal + recognized.page.horizontal,
                )
            else:
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
    pictured = [str(n) for n in sorted(pages) if kinds[n - 1] == "mixed"]
    if pictured:
        notes.append("第" + "、".join(pictured) + "页的表格是图片，以图像识别读取（其余文字取自文字层）")
    if notes:
        meta["ocr_text_layer"] = "；".join(notes)
    return meta


def holds_table(gray, dpi: float = DPI) -> bool:
    """Whether pictures (a page's, its text taken off, or one picture at ``dpi``) draw a table:
    ruling lines both ways."""
    from . import raster

    points = dpi / 72
    segments = raster.ruling_lines(gray, max(8, round(ocr_page._RULE_MIN * points)), max(2, round(ocr_page._RULE_THICK * points)))
    return sum(s.orientation == "h" for s in segments) >= _TABLE_RULES and sum(s.orientation == "v" for s in segments) >= _TABLE_RULES


def _render(document, index: int, strip_text: bool, pictures_only: bool = False):
    """The page as gray pixels at :data:`DPI`. The text objects of a scan (a stray page number, an
    invisible layer) are taken off first: PDFium draws a font the PDF does not embed with the
    loader's placeholder squares (:mod:`.pdf_fonts`), which the recognizer would read as "口".
    ``pictures_only``: the drawn lines and shapes too, so that only the page's pictures are read
    (the text and the ruled tables of the page are read from the PDF itself)."""
    import pypdfium2.raw as raw

    page = document[index]
    try:
        if strip_text:
            kinds = [raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_SHADING] if pictures_only else [raw.FPDF_PAGEOBJ_TEXT]
            for obj in list(page.get_objects(filter=kinds, max_depth=1)):
                page.remove_obj(obj)
                obj.close()
        return page.render(scale=DPI / 72, grayscale=True, draw_annots=False).to_numpy().copy()
    finally:
        page.close()


def _unruled(page: pdf_content.Page) -> bool:
    return not page.vertical and not page.horizontal


def _kind(document, index: int, textless: bool, unruled: bool) -> str | None:
    """"scan" (no text, a large image), "invisible" (only invisible text over a large image, on a
    page without drawn rules), "mixed" (printed text and pictures: a table pasted as a picture, if
    the pictures draw one) or None."""
    import pypdfium2.raw as raw

    page = raw.FPDF_LoadPage(document.raw, index)
    if not page:
        return None
    try:
        area = max(raw.FPDF_GetPageWidthF(page) * raw.FPDF_GetPageHeightF(page), 1.0)
        found = {"image": 0.0, "visible_text": False, "invisible_text": False, "stop_at_text": False}
        _walk(raw, page, False, found, 0)
    finally:
        raw.FPDF_ClosePage(page)
    if found["visible_text"] and not textless:
        return "mixed" if found["image"] >= _PICTURE_SHARE * area else None
    if found["image"] < _IMAGE_SHARE * area:
        return None
    if textless:
        return "scan"
    return "invisible" if found["invisible_text"] and unruled else None


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
