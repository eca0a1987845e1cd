"""The font PDFium falls back to for fonts a PDF names but does not embed.

PDFium needs a font program for every font, if only to measure its glyphs: a text object whose
glyphs all have empty outlines is dropped from the text page. For a font that is not embedded
(reportlab's STSong-Light, a "宋体" left out by a converter) it asks the host for a system font,
and by default that means scanning the system font folders and loading, per document, the closest
installed font: on a machine with Noto CJK that is a 20 MB OpenType collection whose CFF outlines
are interpreted glyph by glyph (10–30 ms per document, most of the time a generated report takes),
and on a machine without CJK fonts it is a Latin font without the glyphs, so one-character text
objects (a table cell holding "页") silently vanish.

So the loader gives PDFium one host font instead: a 340-byte TrueType font built here, whose cmap
maps every code point to a single square glyph. Text extraction does not depend on font outlines
(positions come from the PDF's widths, Unicode from its ToUnicode/CMaps), so the result is the same
as with the real font, on every machine, without reading any font file. The 14 standard PDF fonts
(Helvetica, Times, Courier… and their Arial/TimesNewRoman aliases) are left to PDFium's built-in,
metric-compatible fonts, whose widths matter when a PDF gives none.

This is process-wide PDFium state: a page of a non-embedded font *rendered* by PDFium in this
process would show squares. The audit renders only scanned pages, for text recognition, and takes
their text objects off first (:mod:`.scans`).
"""

from __future__ import annotations

import ctypes
import struct

import pypdfium2.raw as pdfium_c

_UNITS = 1000
_STANDARD = ("helvetica", "arial", "times", "courier", "symbol", "zapfdingbats")
_HANDLE = 1  # the one font this host knows
_FACE = b"XxgkPlaceholder\0"


def _table_checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def build_font() -> bytes:
    """A minimal TrueType font: glyph 0 empty, glyph 1 a full-em square; cmap format 13 maps
    U+0000…U+10FFFF to glyph 1."""
    square = [(0, 0), (0, _UNITS), (_UNITS, _UNITS), (_UNITS, 0)]
    glyph = struct.pack(">hhhhh", 1, 0, 0, _UNITS, _UNITS) + struct.pack(">HH", len(square) - 1, 0) + bytes([1] * len(square))
    xs, ys, last = b"", b"", (0, 0)
    for x, y in square:
        xs += struct.pack(">h", x - last[0])
        ys += struct.pack(">h", y - last[1])
        last = (x, y)
    glyph += xs + ys
    glyph += b"\0" * (len(glyph) % 2)
    tables = {
        b"cmap": struct.pack(">HHHHI", 0, 1, 3, 10, 12) + struct.pack(">HHIIIIII", 13, 0, 28, 0, 1, 0, 0x10FFFF, 1),
        b"glyf": glyph,
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0, _UNITS, 0, 0, 0, 0, _UNITS, _UNITS, 0, 8, 2, 0, 0),
        # ascender 1000, descender 0: a font without a descriptor has no descent, as pdfminer assumed
        b"hhea": struct.pack(">IhhhHhhhhhh4hhH", 0x00010000, _UNITS, 0, 0, _UNITS, 0, 0, _UNITS, 1, 0, 0, 0, 0, 0, 0, 0, 2),
        b"hmtx": struct.pack(">HhHh", _UNITS, 0, _UNITS, 0),
        b"loca": struct.pack(">HHH", 0, 0, len(glyph) // 2),
        b"maxp": struct.pack(">IH13H", 0x00010000, 2, len(square), 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
    }
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, 16 * power, power.bit_length() - 1, 16 * (count - power))
    directory, body = b"", b""
    offset = 12 + 16 * count
    for tag in sorted(tables):
        data = tables[tag]
        directory += struct.pack(">4sIII", tag, _table_checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return header + directory + body


_FONT = build_font()
_FONT_BUFFER = ctypes.create_string_buffer(_FONT, len(_FONT))
_FIELDS = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)


def _is_standard(face: bytes | None) -> bool:
    name = (face or b"").decode("latin-1").lower().replace(" ", "").replace("-", "").split(",")[0]
    return name.startswith(_STANDARD)


def _release(this) -> None:
    pass


def _enum_fonts(this, mapper) -> None:
    pass  # no installed fonts to list


def _map_font(this, weight, italic, charset, pitch_family, face, exact):
    return None if _is_standard(ctypes.cast(face, ctypes.c_char_p).value) else _HANDLE


def _get_font(this, face):
    return None


def _get_font_data(this, handle, table, buffer, size) -> int:
    if handle != _HANDLE or table != 0:
        return 0  # a single font, not a collection: no table-wise access
    if buffer and size >= len(_FONT):
        ctypes.memmove(buffer, _FONT_BUFFER, len(_FONT))
    return len(_FONT)


def _get_face_name(this, handle, buffer, size) -> int:
    if buffer and size >= len(_FACE):
        ctypes.memmove(buffer, _FACE, len(_FACE))
    return len(_FACE)


def _get_font_charset(this, handle) -> int:
    return 1  # DEFAULT_CHARSET


def _delete_font(this, handle) -> None:
    pass


# kept at module level for the life of the process: PDFium holds on to the structure and callbacks
_FONT_INFO = pdfium_c.FPDF_SYSFONTINFO(
    version=1,
    Release=_FIELDS["Release"](_release),
    EnumFonts=_FIELDS["EnumFonts"](_enum_fonts),
    MapFont=_FIELDS["MapFont"](_map_font),
    GetFont=_FIELDS["GetFont"](_get_font),
    GetFontData=_FIELDS["GetFontData"](_get_font_data),
    GetFaceName=_FIELDS["GetFaceName"](_get_face_name),
    GetFontCharset=_FIELDS["GetFontCharset"](_get_font_charset),
    DeleteFont=_FIELDS["DeleteFont"](_delete_font),
)
_installed = False


def install() -> None:
    """Make the placeholder font PDFium's host font source (once per process)."""
    global _installed
    if not _installed:
        pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(_FONT_INFO))
        _installed = True
