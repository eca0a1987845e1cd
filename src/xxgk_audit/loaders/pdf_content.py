"""What a PDF page draws, read with PDFium: its characters with their boxes, and its visible rules.

The geometry is pdfplumber's (which the PDF loader was built and checked on): x from the left edge
of the MediaBox, ``top``/``bottom`` from its top edge, and a character's box spanning its advance
width and, vertically, from the font's descent for one font size (pdfminer's ``LTChar``), not the
glyph's ink. PDFium gives each character's origin, matrix, font size and font; width and descent
come from the font's PDF metrics. Paths are split into subpaths and classified as pdfminer does
(one segment: a line; a closed axis-parallel quadrilateral: a rectangle; anything else: a curve),
and only those that show on paper are kept, as rule edges.

PDFium leaves out of its text page a text object that prints no ink (a lone space in a font whose
space glyph is empty, as Chromium writes them); pdfminer kept such spaces, and a space separates two
words however narrow the gap, so each such object is put back as one space.

PDFium is not thread-safe: everything here runs under one lock. The per-character calls go through
ctypes functions without ``argtypes`` (a quarter of pypdfium2's per-call cost, which is what a page
of 1,000 characters spends most of its time on): every argument is passed as a ctypes object —
pointers as ``c_void_p``, floats as ``c_float`` — or as a Python int where the C parameter is an
``int``.
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdfium2_raw.bindings import _libs

from . import pdf_fonts

LOCK = threading.Lock()


def _new_lock() -> None:
    global LOCK
    LOCK = threading.Lock()  # a process forked while another thread held the lock starts unlocked


os.register_at_fork(after_in_child=_new_lock)
_WHITE = 247  # of 255: a colour at least this light in every channel is white (pdfminer's 0.97)
_THIN = 3.0  # points: a filled shape this thin is a drawn rule
_MAX_DEPTH = 16  # nested Form XObjects
_MAX_OBJECTS = 1_000_000  # text and path objects of one page listed (forms expanded); budgets stop sooner
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair that PDFium left unpaired
_TEXT, _PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM

# Descents of the 14 standard fonts (and the aliases pdfminer knows), from their AFM metrics:
# pdfminer uses these for a font of exactly this name, whatever its descriptor says.
_STANDARD_DESCENT = {
    **dict.fromkeys(("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique"), -194.0),
    **dict.fromkeys(("CourierNew", "CourierNew,Italic", "CourierNew,Bold", "CourierNew,BoldItalic"), -194.0),
    **dict.fromkeys(("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique"), -207.0),
    **dict.fromkeys(("Arial", "Arial,Italic", "Arial,Bold", "Arial,BoldItalic"), -207.0),
    **dict.fromkeys(("Times-Roman", "Times-Bold", "Times-BoldItalic", "Times-Italic"), -217.0),
    **dict.fromkeys(("TimesNewRoman", "TimesNewRoman,Italic", "TimesNewRoman,Bold", "TimesNewRoman,BoldItalic"), -217.0),
    "Symbol": 0.0,
    "ZapfDingbats": 0.0,
}


class Broken(Exception):
    """PDFium cannot open or read the file."""


class PasswordRequired(Exception):
    pass


class UnknownEncryption(Exception):
    pass


class TooManyPages(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


class Char:
    """A printed character (pdfplumber's ``char``: ``text``, box, font ``size``, ``upright``)."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "upright")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float, upright: bool):
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.size = size
        self.upright = upright


class Edge:
    """One side of a drawn rule (pdfplumber's edge): ``orientation`` "v", "h" or None (oblique)."""

    __slots__ = ("x0", "x1", "top", "bottom", "width", "height", "orientation")

    def __init__(self, x0: float, x1: float, top: float, bottom: float, width: float, height: float, orientation: str | None):
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.width = width
        self.height = height
        self.orientation = orientation

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Page:
    number: int
    chars: list[Char] = field(default_factory=list)  # in PDFium's text order
    vertical: list[Edge] = field(default_factory=list)
    horizontal: list[Edge] = field(default_factory=list)  # also the oblique edges of curves


@dataclass
class Contents:
    pages: list[Page]
    info: dict[str, str]  # Title, CreationDate, ModDate as PDFium decodes them
    encrypted: bool


# -- fast bindings ---------------------------------------------------------------------------------
class _Handle(ctypes.c_void_p):
    """A PDFium object returned as a ctypes value (a c_void_p subclass is not turned into an int),
    passed back without conversion."""


class _Api:
    """The PDFium functions called per character, page object or path segment, without argtypes."""

    def __init__(self):
        lib = ctypes.CDLL(_libs["pdfium"]._name, handle=_libs["pdfium"]._handle)
        pointer, integer, unsigned, double = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_double
        for name, restype in (
            ("FPDFText_CountChars", integer),
            ("FPDFText_GetTextObject", pointer),
            ("FPDFText_GetUnicode", unsigned),
            ("FPDFText_IsGenerated", integer),
            ("FPDFText_IsHyphen", integer),
            ("FPDFText_HasUnicodeMapError", integer),
            ("FPDFText_GetCharOrigin", integer),
            ("FPDFText_GetFontSize", double),
            ("FPDFText_GetMatrix", integer),
            ("FPDFTextObj_GetFont", pointer),
            ("FPDFFont_GetDescent", integer),
            ("FPDFFont_GetGlyphWidth", integer),
            ("FPDFFont_GetBaseFontName", ctypes.c_size_t),
            ("FPDFPage_CountObjects", integer),
            ("FPDFPage_GetObject", _Handle),
            ("FPDFFormObj_CountObjects", integer),
            ("FPDFFormObj_GetObject", _Handle),
            ("FPDFPageObj_GetType", integer),
            ("FPDFPageObj_GetBounds", integer),
            ("FPDFTextObj_GetFontSize", integer),
            ("FPDFPageObj_GetMatrix", integer),
            ("FPDFPageObj_GetStrokeColor", integer),
            ("FPDFPageObj_GetFillColor", integer),
            ("FPDFPath_GetDrawMode", integer),
            ("FPDFPath_CountSegments", integer),
            ("FPDFPath_GetPathSegment", pointer),
            ("FPDFPathSegment_GetPoint", integer),
            ("FPDFPathSegment_GetType", integer),
            ("FPDFPathSegment_GetClose", integer),
        ):
            function = getattr(lib, name)
            function.argtypes = None
            function.restype = restype
            setattr(self, name.split("_", 1)[1] if name.startswith("FPDFText_") else name, function)


_api: _Api | None = None


def _fast() -> _Api:
    global _api
    if _api is None:
        _api = _Api()
    return _api


# -- geometry --------------------------------------------------------------------------------------
def _multiply(m1: tuple, m0: tuple) -> tuple:
    """``m1`` then ``m0`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a1 * a0 + b1 * c0, a1 * b0 + b1 * d0, c1 * a0 + d1 * c0, c1 * b0 + d1 * d0, e1 * a0 + f1 * c0 + e0, e1 * b0 + f1 * d0 + f0)


@dataclass
class _Frame:
    """From PDF user space to pdfplumber's page coordinates (pdfminer's rotation CTM, then the flip)."""

    ctm: tuple  # pdfminer's page CTM: rotation, origin at the MediaBox corner
    height: float
    x_shift: float  # pdfplumber adds the MediaBox's x0 back
    top_shift: float

    @classmethod
    def of(cls, page) -> _Frame:
        box = _mediabox(page)
        x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
        rotation = pdfium_c.FPDFPage_GetRotation(page) * 90
        if rotation == 90:
            ctm = (0, -1, 1, 0, -y0, x1)
        elif rotation == 180:
            ctm = (-1, 0, 0, -1, x1, y1)
        elif rotation == 270:
            ctm = (0, 1, -1, 0, y1, -x0)
        else:
            ctm = (1, 0, 0, 1, -x0, -y0)
        nx0, ny0, ny1 = (y0, x0, x1) if rotation in (90, 270) else (x0, y0, y1)
        height = ny1 - ny0
        return cls(ctm, height, nx0, height - ny1)


def _mediabox(page) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        return (left.value, bottom.value, right.value, top.value)
    rect = pdfium_c.FS_RECTF()  # inherited MediaBox: PDFium's page box
    if pdfium_c.FPDF_GetPageBoundingBox(page, rect):
        return (rect.left, rect.bottom, rect.right, rect.top)
    return (0.0, 0.0, 612.0, 792.0)


# -- characters ------------------------------------------------------------------------------------
class _Fonts:
    """Per-document cache of font metrics: descent and glyph widths (1000 units per em)."""

    def __init__(self, api: _Api):
        self.api = api
        self.descents: dict[int, float] = {}
        self.widths: dict[int, dict[int, float]] = {}
        self.value = ctypes.c_float()
        self.size = ctypes.c_float(1000.0)

    def descent(self, font: int) -> float:
        found = self.descents.get(font)
        if found is None:
            found = self.descents[font] = self._descent(font)
        return found

    def _descent(self, font: int) -> float:
        handle = ctypes.c_void_p(font)
        buffer = ctypes.create_string_buffer(256)
        length = self.api.FPDFFont_GetBaseFontName(handle, buffer, ctypes.c_size_t(256))
        name = buffer.raw[: max(length - 1, 0)].decode("latin-1")
        if name in _STANDARD_DESCENT:
            return _STANDARD_DESCENT[name]
        if not self.api.FPDFFont_GetDescent(handle, self.size, ctypes.byref(self.value)):
            return 0.0
        descent = self.value.value
        # a descent lies below the baseline, within half an em; a subset font (LibreOffice writes one
        # per run) may report +349 for one run and -80 for the next, which would put characters of
        # one line on different lines: such a value is taken as 0, as the font descriptors say
        return descent if -500.0 <= descent <= 0.0 else 0.0

    def widths_of(self, font: int) -> dict[int, float]:
        found = self.widths.get(font)
        if found is None:
            found = self.widths[font] = {}
        return found

    def width(self, font: int, code: int) -> float:
        if not font:
            return 0.0
        ok = self.api.FPDFFont_GetGlyphWidth(ctypes.c_void_p(font), code, self.size, ctypes.byref(self.value))
        return self.value.value if ok else 0.0


def _chars(api: _Api, textpage, frame: _Frame, fonts: _Fonts) -> tuple[list[Char], dict[int, int]]:
    """The page's characters, and for each text object the index of its last character."""
    count = api.CountChars(textpage)
    out: list[Char] = []
    last_of: dict[int, int] = {}
    if count <= 0:
        return out, last_of
    ox, oy = ctypes.c_double(), ctypes.c_double()
    origin_x, origin_y = ctypes.byref(ox), ctypes.byref(oy)
    matrix = pdfium_c.FS_MATRIX()
    x_offset = frame.ctm[4] + frame.x_shift
    base = frame.height + frame.top_shift - frame.ctm[5]
    matrix_ref = ctypes.byref(matrix)
    objects: dict[int, _TextObject] = {}
    styles: dict[tuple, _TextObject] = {}
    get_object, get_unicode, get_origin, unmapped = api.GetTextObject, api.GetUnicode, api.GetCharOrigin, api.HasUnicodeMapError
    get_font, get_size, get_matrix = api.FPDFTextObj_GetFont, api.GetFontSize, api.GetMatrix
    last_obj = last_x = last_y = None  # the previous character: a glyph mapped to several code points
    halves = False  # a UTF-16 surrogate seen
    for index in range(count):
        obj = get_object(textpage, index)
        if obj is None:
            continue  # a space or line break PDFium inserted
        code = get_unicode(textpage, index)
        if (code == 32 or code == 13 or code == 10) and api.IsGenerated(textpage, index):
            continue
        get_origin(textpage, index, origin_x, origin_y)
        x, y = ox.value, oy.value
        if obj == last_obj and x == last_x and y == last_y:
            _append_code(out[-1], code)
            halves = halves or 0xD800 <= code <= 0xDFFF
            continue
        last_obj, last_x, last_y = obj, x, y
        info = objects.get(obj)
        if info is None:  # a text object: many producers write one per character
            font = get_font(ctypes.c_void_p(obj)) or 0
            size = get_size(textpage, index)
            get_matrix(textpage, index, matrix_ref)
            key = (font, size, matrix.a, matrix.b, matrix.c, matrix.d)
            info = styles.get(key)
            if info is None:
                info = styles[key] = _TextObject(font, size, key[2:], fonts, frame.ctm)
            objects[obj] = info
        if unmapped(textpage, index):
            text, width = f"(cid:{code})", 0.0
        else:
            if code == 2 and api.IsHyphen(textpage, index):
                code = 0x2D  # PDFium marks a hyphen at a line break
            text = chr(code) if code else ""
            if 0xD800 <= code <= 0xDFFF:
                halves = True  # paired by _append_code; what stays unpaired is replaced below
            width = info.widths.get(code)
            if width is None:
                width = info.widths[code] = fonts.width(info.font, code)
        if info.simple and width >= 0:  # unrotated horizontal text: the common case
            x0 = x + x_offset
            x1 = x0 + width * info.x_scale
            if x1 < x0:
                x0, x1 = x1, x0
            out.append(Char(text, x0, x1, base - y - info.high, base - y - info.low, info.height, info.upright))
        else:
            out.append(info.general(text, x, y, width, frame))
        last_of[obj] = len(out) - 1
    if halves:
        for char in out:
            if _SURROGATE.search(char.text):
                char.text = _SURROGATE.sub("\ufffd", char.text)
    return out, last_of


def _append_code(char: Char, code: int) -> None:
    """A second code point of the glyph just read (a ligature, a surrogate half)."""
    text = char.text
    if 0xDC00 <= code <= 0xDFFF and text and 0xD800 <= ord(text[-1]) <= 0xDBFF:
        char.text = text[:-1] + chr(0x10000 + ((ord(text[-1]) - 0xD800) << 10) + (code - 0xDC00))
    elif code:
        char.text = text + chr(code)


class _TextObject:
    """What the characters of a text object share (font, size, matrix); the vertical extent of
    its horizontal characters relative to their origin."""

    __slots__ = ("font", "widths", "size", "descent", "matrix", "upright", "simple", "x_scale", "low", "high", "height")

    def __init__(self, font: int, size: float, matrix: tuple, fonts: _Fonts, ctm: tuple):
        self.font = font
        self.widths = fonts.widths_of(font)
        self.size = size
        a, b, c, d = self.matrix = matrix
        ra, rb, rc, rd, _, _ = _multiply((a, b, c, d, 0, 0), ctm)
        self.upright = ra * rd > 0 and rb * rc <= 0
        self.descent = descent = (fonts.descent(self.font) if self.font else 0.0) * size / 1000
        self.simple = b == 0 and c == 0 and ctm[:4] == (1, 0, 0, 1)
        self.x_scale = a * size / 1000
        low, high = d * descent, d * (descent + size)
        self.low, self.high = (low, high) if low <= high else (high, low)
        self.height = self.high - self.low

    def general(self, text: str, x: float, y: float, width: float, frame: _Frame) -> Char:
        """Any matrix, page rotation, or vertical writing (a negative advance: the box hangs from
        the origin PDFium reports)."""
        size, (a, b, c, d), ctm = self.size, self.matrix, frame.ctm
        vertical = width < 0
        width = width * size / 1000
        if vertical:
            low_x, high_x, low_y, high_y = 0.0, size, size + width, size
        else:
            low_x, high_x, low_y, high_y = 0.0, width, self.descent, self.descent + size
        corners = []
        for px, py in ((low_x, low_y), (high_x, low_y), (low_x, high_y), (high_x, high_y)):
            ux, uy = x + a * px + c * py, y + b * px + d * py
            corners.append((ctm[0] * ux + ctm[2] * uy + ctm[4], ctm[1] * ux + ctm[3] * uy + ctm[5]))
        x0, x1 = min(p[0] for p in corners), max(p[0] for p in corners)
        y0, y1 = min(p[1] for p in corners), max(p[1] for p in corners)
        height, x_shift, top_shift = frame.height, frame.x_shift, frame.top_shift
        return Char(text, x0 + x_shift, x1 + x_shift, height - y1 + top_shift, height - y0 + top_shift, (x1 - x0) if vertical else (y1 - y0), self.upright)


def _blank_objects(api: _Api, texts: list, seen: dict[int, int], chars: list[Char], frame: _Frame, fonts: _Fonts) -> list[Char]:
    """``chars`` with a space where PDFium left out a text object that prints no ink.

    PDFium's text page skips a text object whose glyphs have empty outlines, typically a run of
    spaces on its own; pdfminer kept its characters, and a space separates two words even where
    the gap is narrower than the word gap (3 pt). Such an object becomes one space at its origin,
    after the characters of the text object before it.
    """
    inserts: list[tuple[int, Char]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix = pdfium_c.FS_MATRIX()
    size = ctypes.c_float()
    after = -1
    ctm = frame.ctm
    for obj, parent in texts:
        if obj in seen:
            after = seen[obj]
            continue
        handle = ctypes.c_void_p(obj)
        bounds = [ctypes.byref(v) for v in (left, bottom, right, top)]
        if not api.FPDFPageObj_GetBounds(handle, *bounds) or abs(right.value - left.value) >= 0.01:
            continue  # not blank: a duplicate PDFium dropped (fake bold) or text replaced by ActualText
        if not api.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix)) or not api.FPDFTextObj_GetFontSize(handle, ctypes.byref(size)):
            continue
        font = api.FPDFTextObj_GetFont(handle) or 0
        descent = (fonts.descent(font) if font else 0.0) * size.value / 1000
        a, b, c, d, e, f = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), _multiply(parent, ctm))
        ys = (f + d * descent, f + d * (descent + size.value))
        xs = (e + c * descent, e + c * (descent + size.value))
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        upright = a * d > 0 and b * c <= 0
        char = Char(" ", x0 + frame.x_shift, x1 + frame.x_shift, frame.height - y1 + frame.top_shift, frame.height - y0 + frame.top_shift, y1 - y0, upright)
        inserts.append((after, char))
    if not inserts:
        return chars
    out: list[Char] = []
    position = 0
    for after, char in inserts:
        out.extend(chars[position : after + 1])
        position = max(position, after + 1)
        out.append(char)
    out.extend(chars[position:])
    return out


# -- rules -----------------------------------------------------------------------------------------
def _is_white(rgb: tuple[int, int, int] | None) -> bool:
    return rgb is not None and min(rgb) >= _WHITE


def _objects(api: _Api, container, form: bool, parent: tuple, depth: int, paths: list, texts: list) -> None:
    """The path and text objects of a page or form, in content order, with the form matrix."""
    count = (api.FPDFFormObj_CountObjects if form else api.FPDFPage_CountObjects)(container)
    get = api.FPDFFormObj_GetObject if form else api.FPDFPage_GetObject
    position = ctypes.c_ulong if form else int  # FPDFFormObj_GetObject takes an unsigned long
    get_type = api.FPDFPageObj_GetType
    matrix = pdfium_c.FS_MATRIX()
    for index in range(max(count, 0)):
        if len(paths) + len(texts) > _MAX_OBJECTS:
            return  # the caller refuses the page
        handle = get(container, position(index))
        if not handle:
            continue
        kind = get_type(handle)
        if kind == _TEXT:
            texts.append((handle.value, parent))
        elif kind == _PATH:
            paths.append((handle, parent))
        elif kind == _FORM and depth < _MAX_DEPTH:
            api.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix))
            own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            _objects(api, handle, True, _multiply(own, parent), depth + 1, paths, texts)


def _rules(api: _Api, found: list, frame: _Frame) -> tuple[list, list, list]:
    """The visible lines, rectangles and curves among these path objects, each as (kind, points)."""
    lines, rects, curves = [], [], []
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    colour = tuple(ctypes.byref(v) for v in (red, green, blue, alpha))
    px, py = ctypes.c_float(), ctypes.c_float()
    point = (ctypes.byref(px), ctypes.byref(py))
    matrix = pdfium_c.FS_MATRIX()
    for handle, parent in found:
        api.FPDFPath_GetDrawMode(handle, ctypes.byref(fill_mode), ctypes.byref(stroke))
        filled, stroked = fill_mode.value != 0, stroke.value != 0
        if not filled and not stroked:
            continue
        visible_stroke = stroked and not _is_white((red.value, green.value, blue.value) if api.FPDFPageObj_GetStrokeColor(handle, *colour) else None)
        if not visible_stroke:
            if not filled or _is_white((red.value, green.value, blue.value) if api.FPDFPageObj_GetFillColor(handle, *colour) else None):
                continue
        api.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix))
        full = _multiply(_multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent), frame.ctm)
        a, b, c, d, e, f = full
        path: list[tuple[str, tuple[float, float] | None]] = []
        curve_points = 0
        for index in range(api.FPDFPath_CountSegments(handle)):
            segment = api.FPDFPath_GetPathSegment(handle, index)
            if segment is None:
                continue
            segment = ctypes.c_void_p(segment)
            api.FPDFPathSegment_GetPoint(segment, *point)
            x, y = px.value, py.value
            xy = (a * x + c * y + e, b * x + d * y + f)
            kind = api.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                path.append(("m", xy))
                curve_points = 0
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
                path.append(("l", xy))
            elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                curve_points += 1
                if curve_points % 3 == 0:  # two control points, then the end point
                    path.append(("c", xy))
            if api.FPDFPathSegment_GetClose(segment):
                path.append(("h", None))
        for kind, points in _subpaths(path):
            if not visible_stroke and min(_extent(kind, points)) > _THIN:
                continue
            (lines if kind == "line" else rects if kind == "rect" else curves).append((kind, points))
    return lines, rects, curves


def _subpaths(path: list) -> list[tuple[str, list]]:
    """pdfminer's ``paint_path``: one object per subpath, classified by its shape."""
    subpaths: list[list] = []
    for op, xy in path:
        if op == "m" or not subpaths:
            subpaths.append([])
        subpaths[-1].append((op, xy))
    out = []
    for subpath in subpaths:
        shape = "".join(op for op, _ in subpath)
        if shape[:1] != "m":
            continue
        points = [xy if op != "h" else subpath[0][1] for op, xy in subpath]
        if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
            shape = shape[:-2] + "h"
            points.pop()
        if shape in ("mlh", "ml"):
            out.append(("line", points[:2]))
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            out.append(("rect", [points[0], points[2]]) if points[0] == points[4] and square else ("curve", points))
        else:
            out.append(("curve", points))
    return out


def _extent(kind: str, points: list) -> tuple[float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (max(xs) - min(xs), max(ys) - min(ys))


def _edges(lines: list, rects: list, curves: list, frame: _Frame) -> tuple[list[Edge], list[Edge]]:
    """pdfplumber's ``obj_to_edges`` for each visible object: vertical and other edges."""
    height, x_shift, top_shift = frame.height, frame.x_shift, frame.top_shift
    vertical: list[Edge] = []
    horizontal: list[Edge] = []
    for _, points in lines:
        (ax, ay), (bx, by) = points
        x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        top, bottom = height - y1 + top_shift, height - y0 + top_shift
        edge = Edge(x0 + x_shift, x1 + x_shift, top, bottom, x1 - x0, y1 - y0, "h" if top == bottom else "v")
        (vertical if edge.orientation == "v" else horizontal).append(edge)
    for _, points in rects:
        (ax, ay), (bx, by) = points
        x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        top, bottom = height - y1 + top_shift, height - y0 + top_shift
        width, tall = x1 - x0, y1 - y0
        x0, x1 = x0 + x_shift, x1 + x_shift
        horizontal.append(Edge(x0, x1, top, top, width, 0, "h"))
        horizontal.append(Edge(x0, x1, top + tall, bottom, width, 0, "h"))
        vertical.append(Edge(x0, x0, top, bottom, 0, tall, "v"))
        vertical.append(Edge(x1, x1, top, bottom, 0, tall, "v"))
    for _, points in curves:
        placed = [(x + x_shift, height - y + top_shift) for x, y in points]
        for (ax, at), (bx, bt) in zip(placed, placed[1:]):
            orientation = "v" if ax == bx else ("h" if at == bt else None)
            edge = Edge(min(ax, bx), max(ax, bx), min(at, bt), max(at, bt), abs(ax - bx), abs(at - bt), orientation)
            (vertical if orientation == "v" else horizontal).append(edge)
    return vertical, horizontal


# -- the document ----------------------------------------------------------------------------------
def _open(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PasswordRequired() from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise UnknownEncryption() from None
        raise Broken() from None


def _info(document) -> dict[str, str]:
    info = {}
    for key in ("Title", "CreationDate", "ModDate"):
        try:
            value = document.get_metadata_value(key)
        except (pdfium.PdfiumError, UnicodeError, ValueError):
            continue
        if value:
            info[key] = value
    return info


def read(data: bytes, max_pages: int, budget=None, scan_decrypted: Callable[[bytes], None] | None = None) -> Contents:
    """Every page's characters and rules. Raises :class:`Broken`, :class:`PasswordRequired`,
    :class:`UnknownEncryption` or :class:`TooManyPages` (before any page is read).

    ``budget`` (:class:`~.budget.Budget`) bounds the time, the characters and the page objects;
    ``scan_decrypted`` gets an encrypted file's decrypted copy before any page is loaded (its
    streams cannot be counted in the encrypted bytes)."""
    with LOCK:
        pdf_fonts.install()
        api = _fast()
        document = _open(data)
        try:
            count = pdfium_c.FPDF_GetPageCount(document.raw)
            if count > max_pages:
                raise TooManyPages(count)
            if count <= 0:
                raise Broken()
            info = _info(document)
            encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1
            if encrypted and scan_decrypted is not None:
                scan_decrypted(_decrypted(document))
            fonts = _Fonts(api)
            pages = [_read_page(api, document, index, fonts, budget) for index in range(count)]
        finally:
            document.close()
    return Contents(pages, info, encrypted)


def _decrypted(document) -> bytes:
    """The document written out without its encryption (streams still compressed)."""
    buffer = io.BytesIO()
    try:
        document.save(buffer, flags=pdfium_c.FPDF_REMOVE_SECURITY)
    except pdfium.PdfiumError:
        raise Broken() from None
    return buffer.getvalue()


def _read_page(api: _Api, document, index: int, fonts: _Fonts, budget=None) -> Page:
    if budget is not None:
        budget.check_time()
    page = pdfium_c.FPDF_LoadPage(document.raw, index)
    if not page:
        raise Broken()
    try:
        frame = _Frame.of(page)
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise Broken()
        try:
            handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
            if budget is not None:
                budget.page_chars(index + 1, api.CountChars(handle))
            chars, seen = _chars(api, handle, frame, fonts)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
        paths: list = []
        texts: list = []
        _objects(api, ctypes.c_void_p(ctypes.cast(page, ctypes.c_void_p).value), False, (1, 0, 0, 1, 0, 0), 0, paths, texts)
        if budget is not None:
            budget.page_objects(index + 1, len(paths) + len(texts))
        if len(seen) < len(texts):
            chars = _blank_objects(api, texts, seen, chars, frame, fonts)
        vertical, horizontal = _edges(*_rules(api, paths, frame), frame)
    finally:
        pdfium_c.FPDF_ClosePage(page)
    return Page(index + 1, chars, vertical, horizontal)
