"""The parts of a DOCX package the loader reads, found as python-docx finds them.

Parts are located through the package relationships (``_rels/.rels`` → the main document →
``word/_rels/document.xml.rels`` → styles, numbering), their content types read from
``[Content_Types].xml``, and XML parsed with python-docx's parser settings (blank text dropped,
entities not resolved), so that the loader sees the same elements python-docx gave it. Only the
parts the loader uses are read and parsed — python-docx parsed every part of the package (headers,
footers, settings, themes…) with its element classes, a third of the time a report took.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from . import budget

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CORE = {
    "title": "{http://purl.org/dc/elements/1.1/}title",
    "created": "{http://purl.org/dc/terms/}created",
    "modified": "{http://purl.org/dc/terms/}modified",
}
_W3CDTF = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m", "%Y")
_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")
# python-docx's oxml parser settings
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_CHUNK = 1 << 20  # inflated a megabyte at a time


class PartTooLarge(Exception):
    """A member inflates beyond :data:`~.budget.DOCX_PART_BYTES`."""

    def __init__(self, name: str, limit: int):
        super().__init__(name, limit)
        self.name = name
        self.limit = limit


class SizeMismatch(Exception):
    """A member inflates to another size than its header declares: the header lies."""

    def __init__(self, name: str, declared: int, actual: int):
        super().__init__(name, declared, actual)
        self.name = name
        self.declared = declared
        self.actual = actual


class NotWord(ValueError):
    """The package's main part is not a Word document (python-docx: "not a Word file")."""


@dataclass
class Package:
    archive: zipfile.ZipFile
    document: etree._Element
    styles_part: str | None
    numbering_part: str | None
    title: str | None  # None: the core properties could not be read (python-docx raised)
    created: dt.datetime | None
    modified: dt.datetime | None
    main: str = "/word/document.xml"

    def picture(self, rid: str) -> tuple[str, bytes] | None:
        """The part name and bytes of the picture the main part's relationship ``rid`` names; None
        when there is none (an external link, a missing member)."""
        directory, name = posixpath.split(self.main)
        try:
            root = etree.fromstring(read_part(self.archive, posixpath.join(directory, "_rels", name + ".rels").lstrip("/")), _PARSER)
        except KeyError:
            return None
        for rel in root.iter(f"{{{_RELS}}}Relationship"):
            if rel.get("Id") == rid and rel.get("TargetMode") != "External" and (rel.get("Type") or "").endswith("/image"):
                target = posixpath.abspath(posixpath.join(directory or "/", rel.get("Target") or ""))
                try:
                    return target.lstrip("/"), read_part(self.archive, target.lstrip("/"))
                except KeyError:
                    return None
        return None

    def styles(self) -> etree._Element | None:
        """The styles part, parsed on first use (a Word template's is 300 KB of XML)."""
        return _parse(self.archive, self.styles_part) if self.styles_part else None

    def numbering(self) -> etree._Element | None:
        return _parse(self.archive, self.numbering_part) if self.numbering_part else None


# -- the package ---------------------------------------------------------------------------------
def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, inflated in steps with a running count: refused past the budget, and when
    it inflates to another size than its header says (KeyError: no such member).

    zipfile would trust the header: it inflates up to 2 GB in one call and only then cuts the
    output at the size the header states."""
    info = archive.getinfo(name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return _read_other(archive, info)
    raw = _compressed(archive, info)
    if info.compress_type == zipfile.ZIP_STORED:
        content = raw
    else:
        chunks = []
        total = 0
        for chunk in budget.inflate_steps(zlib.decompressobj(-15), raw, _CHUNK):
            total += len(chunk)
            if total > budget.DOCX_PART_BYTES:
                raise PartTooLarge(name, budget.DOCX_PART_BYTES)
            chunks.append(chunk)
        content = b"".join(chunks)
    if len(content) > budget.DOCX_PART_BYTES:
        raise PartTooLarge(name, budget.DOCX_PART_BYTES)
    if len(content) != info.file_size:
        raise SizeMismatch(name, info.file_size, len(content))
    if zlib.crc32(content) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
    return content


def _compressed(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The stored bytes of a member, after its local header."""
    handle = archive.fp
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"Bad magic number for file header of {info.filename!r}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    raw = handle.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(f"Truncated file {info.filename!r}")
    return raw


def _read_other(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member in another compression (bzip2, lzma: no word processor writes them), read in
    bounded steps."""
    chunks = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > budget.DOCX_PART_BYTES:
                raise PartTooLarge(info.filename, budget.DOCX_PART_BYTES)
            chunks.append(chunk)
    return b"".join(chunks)


def _parse(archive: zipfile.ZipFile, partname: str) -> etree._Element:
    return etree.fromstring(read_part(archive, partname.lstrip("/")), _PARSER)  # KeyError: no such member


def _rels(archive: zipfile.ZipFile, partname: str) -> list[tuple[str, str]]:
    """(type, target part name) of a part's internal relationships ("/" is the package)."""
    directory, name = posixpath.split(partname)
    rels_name = posixpath.join(directory, "_rels", name + ".rels").lstrip("/")
    try:
        root = etree.fromstring(read_part(archive, rels_name), _PARSER)
    except KeyError:
        return []
    out = []
    for rel in root.iter(f"{{{_RELS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.abspath(posixpath.join(directory or "/", rel.get("Target") or ""))
        out.append((rel.get("Type") or "", target))
    return out


def _related(rels: list[tuple[str, str]], reltype: str) -> str | None:
    found = [target for kind, target in rels if kind == reltype]
    if len(found) > 1:
        raise ValueError(f"multiple relationships of type '{reltype}'")
    return found[0] if found else None


def _content_type(archive: zipfile.ZipFile, partname: str) -> str:
    root = etree.fromstring(read_part(archive, "[Content_Types].xml"), _PARSER)
    for override in root.iter(f"{{{_CONTENT_TYPES}}}Override"):
        if (override.get("PartName") or "").lower() == partname.lower():
            return override.get("ContentType") or ""
    extension = posixpath.splitext(partname)[1][1:].lower()
    for default in root.iter(f"{{{_CONTENT_TYPES}}}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return default.get("ContentType") or ""
    raise KeyError(f"no content type for partname '{partname}' in [Content_Types].xml")


def _w3cdtf(text: str | None) -> dt.datetime | None:
    """python-docx's reading of a core-properties date: UTC, None when unreadable (TypeError for an
    empty element, as python-docx)."""
    if text is None:
        raise TypeError("'NoneType' object is not subscriptable")
    value = None
    for template in _W3CDTF:
        try:
            value = dt.datetime.strptime(text[:19], template)
        except ValueError:
            continue
    if value is None:
        return None
    offset = text[19:]
    if len(offset) == 6:
        match = _OFFSET.match(offset)
        if match is None:
            return None
        sign = -1 if match.group(1) == "+" else 1
        value += dt.timedelta(hours=int(match.group(2)) * sign, minutes=int(match.group(3)) * sign)
    return value.replace(tzinfo=dt.timezone.utc)


def read(archive: zipfile.ZipFile) -> Package:
    """The main document and the core properties; styles and numbering on demand. Raises
    KeyError, ValueError, XMLSyntaxError (a broken package) or :class:`NotWord`."""
    package_rels = _rels(archive, "/")
    main = _related(package_rels, _REL_DOCUMENT)
    if main is None:
        raise KeyError(f"no relationship of type '{_REL_DOCUMENT}' in collection")
    content_type = _content_type(archive, main)
    if content_type != _MAIN_CONTENT_TYPE:
        raise NotWord(f"not a Word file, content type is '{content_type}'")
    document = _parse(archive, main)
    rels = _rels(archive, main)
    styles = _related(rels, _REL_STYLES)
    numbering = _related(rels, _REL_NUMBERING) if any(kind.endswith("/numbering") for kind, _ in rels) else None
    core_name = _related(package_rels, _REL_CORE)
    if core_name is None:  # python-docx made up core properties for a package without them
        return Package(archive, document, styles, numbering, "Word Document", None, dt.datetime.now(dt.timezone.utc), main)
    core = _parse(archive, core_name)
    fields = {key: core.find(tag) for key, tag in _CORE.items()}
    title = (fields["title"].text or "") if fields["title"] is not None else ""
    try:
        created = _w3cdtf(fields["created"].text) if fields["created"] is not None else None
        modified = _w3cdtf(fields["modified"].text) if fields["modified"] is not None else None
    except TypeError:
        return Package(archive, document, styles, numbering, None, None, None, main)
    return Package(archive, document, styles, numbering, title, created, modified, main)
