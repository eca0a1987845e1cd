"""Generators of hostile files (issue 11): every one is built in the test that uses it, in memory or
in a temporary folder, never stored in git. Small on disk, large when read: deflate bombs, text
operator floods, nested forms, lying zip headers, span floods.

``run_limited`` runs a piece of Python in a child process under a memory cap (RLIMIT_AS) and a
time limit, so that a loader that does not keep to its budget fails the test instead of the machine.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


# -- running a loader under limits -------------------------------------------------------------------

def run_limited(code: str, *, memory_mb: int = 1024, seconds: float = 60, env: dict | None = None) -> dict:
    """Run ``code`` (which must set ``result`` to something JSON-serialisable) in a child Python
    with at most ``memory_mb`` of address space and ``seconds`` of wall time. Returns the result,
    or ``{"crash": …}`` when the child died (MemoryError, a signal, the timeout)."""
    wrapper = (
        "import json, resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb * MB}, {memory_mb * MB}))\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "result = None\n"
        f"exec(compile({code!r}, '<limited>', 'exec'))\n"
        "print('\\n@@RESULT@@' + json.dumps(result, ensure_ascii=False))\n"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, encoding="utf-8", timeout=seconds, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"crash": f"timed out after {seconds} s"}
    if proc.returncode != 0 or "@@RESULT@@" not in proc.stdout:
        return {"crash": f"exit {proc.returncode}: {proc.stderr[-2000:]}"}
    return json.loads(proc.stdout.rsplit("@@RESULT@@", 1)[1])


LOAD = """
from xxgk_audit import InputError, load_report
try:
    report = load_report({path!r})
    result = {{"loaded": report.template}}
except InputError as exc:
    result = {{"refused": exc.reason, "path": exc.path}}
except BaseException as exc:
    result = {{"raised": type(exc).__name__ + ": " + str(exc)[:300]}}
"""


def load_limited(path, memory_mb: int = 1024, seconds: float = 60) -> dict:
    """``load_report(path)`` under limits: {"refused": reason} / {"loaded": …} / {"raised": …} / {"crash": …}."""
    return run_limited(LOAD.format(path=str(path)), memory_mb=memory_mb, seconds=seconds)


# -- PDF -----------------------------------------------------------------------------------------------

def deflate_repeat(chunk: bytes, times: int, raw: bool = False) -> bytes:
    """``chunk * times`` deflated (a zlib stream, or raw deflate with ``raw``), without ever
    holding or compressing ``chunk * times``: after a full flush the compressor has no history,
    so every repetition is the same block of bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = block * times + compressor.flush()
    if raw:
        return body
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + body + struct.pack(">I", adler)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_stream(data: bytes, dictionary: bytes = b"", deflated: bool = True) -> bytes:
    """A stream object: ``data`` already deflated when ``deflated`` (the filter is declared)."""
    filters = b" /Filter /FlateDecode" if deflated else b""
    return b"<< /Length %d%s %s >>\nstream\n" % (len(data), filters, dictionary) + data + b"\nendstream"


def cjk_pdf(lines: list[str], *, replace: dict[str, str] | None = None, content_extra: bytes = b"", resources_extra: bytes = b"", extra_objects: list[bytes] = ()) -> bytes:
    """A one-page PDF showing ``lines`` in a CJK font (not embedded: a placeholder font is used)
    through a ToUnicode map. ``replace`` maps a shown character to what the map says it is (a lone
    surrogate "\\ud800", say). ``content_extra`` is appended to the page's content stream; extra
    objects are numbered from 9 on."""
    chars = sorted({ch for line in lines for ch in line})
    cid = {ch: n + 1 for n, ch in enumerate(chars)}
    entries = []
    for ch in chars:
        target = (replace or {}).get(ch, ch)
        units = b"".join(struct.pack(">H", ord(c)) if ord(c) <= 0xFFFF else _utf16(c) for c in target)
        entries.append(b"<%04X> <%s>" % (cid[ch], units.hex().upper().encode()))
    cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        cmap += b"%d beginbfchar\n" % len(block) + b"\n".join(block) + b"\nendbfchar\n"
    cmap += b"endcmap CMapName currentdict /CMap defineresource pop end end"
    content = b""
    for n, line in enumerate(lines):
        codes = b"".join(struct.pack(">H", cid[ch]) for ch in line)
        content += b"BT /F1 10 Tf 40 %d Td <%s> Tj ET\n" % (800 - 14 * (n % 55), codes.hex().encode())
    content += content_extra
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> " + resources_extra + b" >> >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        pdf_stream(zlib.compress(content)),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /FontDescriptor 8 0 R >>",
        pdf_stream(zlib.compress(cmap)),
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] /ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
        *extra_objects,
    ]
    return pdf_file(objects)


def _utf16(char: str) -> bytes:
    return char.encode("utf-16-be")


def page_with_content(content_deflated: bytes, resources: bytes = b"", extra_objects: list[bytes] = ()) -> bytes:
    """A one-page PDF whose content stream is ``content_deflated`` (already deflated); objects 5 on
    are ``extra_objects``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> " + resources + b" >> >>",
        pdf_stream(content_deflated),
        *extra_objects,
    ]
    return pdf_file(objects)


def pdf_content_bomb(inflated_mb: int) -> bytes:
    """A page whose content stream is ``inflated_mb`` MB of blanks once inflated (about 1/1000 of that on disk)."""
    return page_with_content(deflate_repeat(b" " * MB, inflated_mb))


def pdf_text_operator_flood(inflated_mb: int) -> bytes:
    """Text operators at distinct places, ``inflated_mb`` MB of them: millions of characters."""
    line = b"BT /F1 6 Tf %d %d Td (ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789) Tj ET\n"
    chunk = b"".join(line % (10 + (i % 50) * 10, 10 + (i % 80) * 10) for i in range(4000))
    return page_with_content(deflate_repeat(chunk, max(1, inflated_mb * MB // len(chunk))))


def pdf_inline_image_bomb(inflated_mb: int) -> bytes:
    """An inline image (inside the content stream) whose data inflates to ``inflated_mb`` MB."""
    data = deflate_repeat(b"\0" * MB, inflated_mb)
    content = b"BT /F1 12 Tf 72 720 Td (report) Tj ET\nq 100 0 0 100 0 0 cm BI /W 1024 /H %d /CS /G /BPC 8 /F /Fl ID " % (inflated_mb * 1024) + data + b" EI Q\n"
    return page_with_content(zlib.compress(content, 1))


def pdf_nested_forms(levels: int, fanout: int) -> bytes:
    """Forms drawing forms: each level draws the next ``fanout`` times (fanout ** levels text runs)."""
    forms = []
    first = 5
    for level in range(levels):
        number = first + level
        if level == levels - 1:
            body, resources = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n", b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
        else:
            body, resources = b"/X Do\n" * fanout, b"/XObject << /X %d 0 R >>" % (number + 1)
        forms.append(pdf_stream(zlib.compress(body), b"/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << " + resources + b" >>"))
    return page_with_content(zlib.compress(b"/X Do\n" * fanout), b"/XObject << /X 5 0 R >>", forms)


# -- DOCX ----------------------------------------------------------------------------------------------

def docx_bytes(document_xml: bytes) -> bytes:
    """A minimal DOCX package around ``document_xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_lying_header(inflated_mb: int, declared: int = 1000) -> bytes:
    """A DOCX whose word/document.xml inflates to ``inflated_mb`` MB while both its headers (local
    and central directory) declare ``declared`` bytes: a zip bomb that a header check lets through."""
    raw = deflate_repeat(b"<w:t>" + b"A" * (MB - 5), inflated_mb, raw=True)
    crc = 0  # any value: the header lies anyway
    members = [
        ("[Content_Types].xml", CONTENT_TYPES.encode()),
        ("_rels/.rels", PACKAGE_RELS.encode()),
    ]
    out = io.BytesIO()
    central = []
    for name, content in members:
        data = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = data.compress(content) + data.flush()
        central.append(_zip_entry(out, name.encode(), packed, len(content), zlib.crc32(content)))
    central.append(_zip_entry(out, b"word/document.xml", raw, declared, crc))
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _zip_entry(out: io.BytesIO, name: bytes, packed: bytes, size: int, crc: int) -> bytes:
    offset = out.tell()
    out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(name), 0) + name)
    out.write(packed)
    return struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), size, len(name), 0, 0, 0, 0, 0, offset) + name


# -- HTML ----------------------------------------------------------------------------------------------

def html_span_flood(size_mb: float, per_row: int = 10, colspan: int = 64, rowspan: int = 200) -> bytes:
    """``size_mb`` MB of ``<td colspan=64 rowspan=200>``: the grid they describe grows without end."""
    cell = b"<td colspan=%d rowspan=%d>x</td>" % (colspan, rowspan)
    row = b"<tr>" + cell * per_row + b"</tr>"
    return b"<html><body><p>\xe6\x9f\x90\xe5\xb1\x80</p><table>" + row * int(size_mb * MB / len(row)) + b"</table></body></html>"
