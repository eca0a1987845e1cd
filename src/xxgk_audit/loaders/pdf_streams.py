"""How many bytes a PDF's streams inflate to, counted before PDFium parses a page.

PDFium inflates a page's content streams completely when the page is loaded (and an inline image
in them, to find its end), and keeps every page object it parsed: a 1.5 MB file whose content
stream inflates to 1.5 GB took 2.6 GB, 120 MB of text operators 2.3 GB and 21 s. PDFium offers no
limit, so the raw file is read here first: every stream (``<< … >> stream … endstream``) is
inflated through its filters with a running count and discarded, and the file is refused as soon
as a budget of :mod:`.budget` is exceeded.

* Content: page content streams (found through the ``/Contents`` entries, whatever their own
  dictionary says), Form XObjects and streams without a type. They are also searched for inline
  images, whose data is counted as PDFium would inflate it.
* Other streams: fonts, object streams, cross-reference streams, metadata …: PDFium inflates those
  it uses.
* Images (``/Subtype /Image``) are not counted: text extraction never decodes them.

An encrypted file (a permissions password only) is first written out decrypted by PDFium, and
that copy is counted. Image codecs (DCT, JPX, JBIG2, CCITT) end a filter chain: PDFium does not
decode them either.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
import zlib
from dataclasses import dataclass
from typing import Callable

from . import budget

# Every pattern is linear in its input: white space, numbers and names are matched possessively
# (atomic groups, Python 3.11), so a file of "%%%%…" or "1111…" cannot make a search backtrack, and
# what may run long ("[…]", "<<…>>") is only matched at a known place in a bounded window.
_WS = rb"(?>(?:[\s\x00]++|%[^\r\n]*+)*+)"  # PDF white space and comments (a comment runs to the line end)
_NUMBER = rb"[0-9]++"
_NAME_CHARS = rb"[^\s\x00/<>\[\]()%{}]++"
_STREAM = re.compile(rb">>" + _WS + rb"stream(?:\r\n|\n|\r)?")
_FILTER = re.compile(rb"/Filter" + _WS + rb"(\[[^\]]*+\]|/" + _NAME_CHARS + rb")")
_NAME = re.compile(rb"/(" + _NAME_CHARS + rb")")
_REF = re.compile(rb"(" + _NUMBER + rb")" + _WS + _NUMBER + _WS + rb"R\b")
_ESCAPED_NAME = re.compile(rb"/[A-Za-z0-9]*+#[0-9A-Fa-f]{2}")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_IMAGE = re.compile(rb"/Subtype" + _WS + rb"/Image\b")
_FORM = re.compile(rb"/Subtype" + _WS + rb"/Form\b")
_FONT = re.compile(rb"/Length[123]\b|/Subtype" + _WS + rb"/(?:Type1C|CIDFontType0C|OpenType)\b")
_TYPED = re.compile(rb"/Type" + _WS + rb"/(?:XRef|ObjStm|Metadata|EmbeddedFile)\b|/N" + _WS + rb"[0-9]")
_INLINE_IMAGE = re.compile(rb"(?<![^\s\x00\]>)])BI(?=[\s\x00/])")
_INLINE_DATA = re.compile(rb"(?<=[\s\x00])ID(?:\r\n|[\s\x00])")
_NAME_TOKEN = re.compile(rb"/" + _NAME_CHARS)
_HEADER_END = re.compile(rb"(?<![0-9])(" + _NUMBER + rb")[\s\x00]++" + _NUMBER + rb"[\s\x00]++$")
_LENGTH = re.compile(rb"/Length" + _WS + rb"(" + _NUMBER + rb")(?:" + _WS + _NUMBER + _WS + rb"(R)\b)?")
_OBJECT_STREAM = re.compile(rb"/Type" + _WS + rb"/ObjStm\b")
_INLINE_FILTER = re.compile(rb"/(?:Filter|F)" + _WS + rb"(\[[^\]]*+\]|/" + _NAME_CHARS + rb")")
_INTEGER_BODY = re.compile(_WS + rb"(" + _NUMBER + rb")" + _WS + rb"endobj")
_ARRAY_BODY = re.compile(_WS + rb"(\[[^\]]*+\])")
_DICTIONARY_BODY = re.compile(_WS + rb"<<([^>]*+)>>")
_CONTENTS = re.compile(rb"/Contents" + _WS + rb"(\[[^\]]*+\]|" + _NUMBER + _WS + _NUMBER + _WS + rb"R\b)")
_XOBJECTS = re.compile(rb"/XObject" + _WS + rb"(?:<<([^>]*+)>>|(" + _NUMBER + rb")" + _WS + _NUMBER + _WS + rb"R\b)")
_DICTIONARY_START = re.compile(rb"/XObject" + _WS + rb"<<")
_XOBJECT_ENTRY = re.compile(rb"/(" + _NAME_CHARS + rb")" + _WS + rb"(" + _NUMBER + rb")" + _WS + _NUMBER + _WS + rb"R\b")
# operators that create a page object in PDFium: painting a path, showing text, an XObject, an inline image
_OPERATOR = re.compile(rb"(?<![^\s\x00\])>])(?:Tj|TJ|'|\"|S|s|f\*?|F|B\*?|b\*?|Do|BI)(?![^\s\x00\[(</%])")
_DRAW = re.compile(rb"/(" + _NAME_CHARS + rb")" + _WS + rb"Do(?![^\s\x00\[(</%])")
_STRING = re.compile(rb"\((?:[^()\\]++|\\.)*+\)|<[0-9A-Fa-f\s]*+>", re.S)
_MAX_DICTIONARY_BYTES = 64 * 1024 * 1024  # stream dictionaries searched in one file
_WINDOW = 16384  # bytes after "/Contents" or "/XObject" read for its value
_MAX_ENTRIES = 10_000  # /Contents or /XObject entries read; a real report has a few hundred
_MAX_INLINE_IMAGES = 10_000  # inline images in one content stream
_MAX_FORM_DEPTH = 40  # forms inside forms that PDFium parses
_LOOKBACK = 65536  # bytes before a stream searched for its "N G obj" header
_CHUNK = 1 << 16
_MAX_RATIO = 1032  # deflate never inflates one byte to more than this many

_FLATE = {b"FlateDecode", b"Fl"}
_LZW = {b"LZWDecode", b"LZW"}
_HEX = {b"ASCIIHexDecode", b"AHx"}
_A85 = {b"ASCII85Decode", b"A85"}
_RUN_LENGTH = {b"RunLengthDecode", b"RL"}
_ABBREVIATIONS = {b"Fl": b"FlateDecode", b"LZW": b"LZWDecode", b"AHx": b"ASCIIHexDecode", b"A85": b"ASCII85Decode", b"RL": b"RunLengthDecode"}


class TooLarge(Exception):
    """A budget was exceeded: ``what`` is "content" or "other" (inflated bytes), "page_operations",
    "page_text" or "operations"; ``limit`` is the budget."""

    def __init__(self, what: str, limit: int):
        super().__init__(what, limit)
        self.what = what
        self.limit = limit


class _Undecodable(Exception):
    """A filter this module (and PDFium, for text) does not decode: an image codec, Crypt."""


@dataclass
class _Totals:
    content: int = 0
    other: int = 0  # inflated bytes counted
    bounded: int = 0  # the most the streams not inflated here can inflate to

    def bound_ok(self, compressed: int) -> bool:
        """Whether a deflated stream of ``compressed`` bytes may go uncounted: the others' bounds
        and counts leave room for its largest possible size."""
        bound = _MAX_RATIO * compressed + 1024
        if self.other + self.bounded + bound > budget.PDF_OTHER_BYTES:
            return False
        self.bounded += bound
        return True


def check(data: bytes, tick: Callable[[], None] | None = None) -> None:
    """Count what PDFium would inflate and parse in ``data``; raises :class:`TooLarge`.

    ``tick`` is called between steps (the loader's time budget)."""
    tick = tick or _no_tick
    if _ESCAPED_NAME.search(data):  # /Cont#65nts: names as PDFium reads them
        data = _NAME_TOKEN.sub(lambda m: _HEX_ESCAPE.sub(lambda h: bytes([int(h.group(1), 16)]), m.group(0)), data)
    view = memoryview(data)
    headers = _Headers(data, tick)
    streams = _streams(data, headers, tick)
    objects = _ObjectIndex(data, view, streams, headers, tick)
    pages = objects.page_contents()
    content_numbers = {n for page in pages for n in page}
    totals = _Totals()
    work: dict[int, _Work] = {}
    forms: set[int] = set()
    for position, (number, start, end, dictionary) in enumerate(streams):
        tick()
        form = _FORM.search(dictionary) is not None
        if number in content_numbers or form:
            kind = "content"
        elif _IMAGE.search(dictionary):
            continue  # text extraction never decodes an image
        elif _FONT.search(dictionary) or _TYPED.search(dictionary):
            kind = "other"
        else:
            kind = "content"  # no type: a content stream, a Type3 glyph, a CMap …
        filters = _filters(dictionary)
        raw = _raw(view, start, end, filters)
        if kind == "content":
            try:
                inflated = _decode(raw, filters, budget.PDF_CONTENT_STREAM_BYTES, "content", tick)
            except _Undecodable:
                continue
            totals.content += len(inflated) + _inline_images(inflated, tick)
            if totals.content > budget.PDF_CONTENT_BYTES:
                raise TooLarge("content", budget.PDF_CONTENT_BYTES)
            key = number if number is not None else -1 - position
            work[key] = _Work(inflated)
            if form:
                forms.add(key)
        elif filters == [b"FlateDecode"] and _MAX_RATIO * (end - start) + 1024 <= budget.PDF_OTHER_STREAM_BYTES and totals.bound_ok(end - start):
            continue  # cannot inflate beyond the budget even at deflate's highest ratio: not inflated here
        else:
            totals.other += _count(raw, filters, budget.PDF_OTHER_STREAM_BYTES, tick)
            if totals.other + totals.bounded > budget.PDF_OTHER_BYTES:
                raise TooLarge("other", budget.PDF_OTHER_BYTES)
    _check_pages(pages, work, forms, objects.xobject_names(), tick)


def _check_pages(pages: list[list[int]], work: dict[int, _Work], forms: set[int], names: dict[bytes, set[int]] | None, tick) -> None:
    """What PDFium builds for each page: its content streams with every form they draw expanded
    (a form drawn 1,000 times is parsed 1,000 times), within the page and document budgets. A
    content stream no page names is checked as a page of its own."""
    memo: dict[int, tuple[int, int]] = {}
    if names is None and forms:
        raise TooLarge("dictionaries", _MAX_ENTRIES)  # forms, and resource dictionaries past counting

    def expanded(key: int, ancestors: frozenset) -> tuple[int, int]:
        if key in memo:
            return memo[key]
        if len(ancestors) > _MAX_FORM_DEPTH:
            return (0, 0)  # PDFium does not descend further either
        operations, text, drawn = work[key].counts()
        for name, times in drawn.items():
            # a name no /XObject dictionary of the file gives draws nothing, in PDFium either
            candidates = [t for t in sorted(names.get(bytes(name), set()) & forms) if t not in ancestors and t != key]
            if not candidates:
                continue
            sizes = [expanded(t, ancestors | {key}) for t in candidates]
            operations += times * max(size[0] for size in sizes)
            text += times * max(size[1] for size in sizes)
            if operations > budget.PDF_PAGE_OPERATIONS or text > budget.PDF_PAGE_TEXT_BYTES:
                break  # already too much: the caller refuses
        memo[key] = (operations, text)
        return memo[key]

    named = {n for page in pages for n in page}
    units = [[n for n in page if n in work] for page in pages] + [[key] for key in work if key not in named and key not in forms]
    if not forms:  # nothing is expanded: a short stream cannot hold more than its bytes allow
        sizes = [sum(work[key].size for key in page) for page in units]
        if max(sizes, default=0) <= min(budget.PDF_PAGE_TEXT_BYTES, 2 * budget.PDF_PAGE_OPERATIONS) and sum(sizes) <= 2 * budget.PDF_OPERATIONS:
            return
    total = 0
    for page in units:
        tick()
        operations = text = 0
        for key in page:
            size = expanded(key, frozenset())
            operations, text = operations + size[0], text + size[1]
        if operations > budget.PDF_PAGE_OPERATIONS:
            raise TooLarge("page_operations", budget.PDF_PAGE_OPERATIONS)
        if text > budget.PDF_PAGE_TEXT_BYTES:
            raise TooLarge("page_text", budget.PDF_PAGE_TEXT_BYTES)
        total += operations
        if total > budget.PDF_OPERATIONS:
            raise TooLarge("operations", budget.PDF_OPERATIONS)


def _no_tick() -> None:
    pass


# -- finding the streams ---------------------------------------------------------------------------
class _Headers:
    """Where each "N G obj" header ends, found in one pass (the last one of a number counts, as
    in an incrementally updated file), and the streams' "endstream" keywords."""

    def __init__(self, data: bytes, tick: Callable[[], None]):
        self.data = data
        self.positions: list[int] = []
        self.numbers: list[int] = []
        self.end_of: dict[int, int] = {}
        for count, at in enumerate(_find_all(data, b"obj")):  # the keyword first: a literal search is fast
            if count % 10000 == 9999:
                tick()
            if data[at - 3 : at] == b"end" or data[at + 3 : at + 4].isalnum():
                continue
            match = _HEADER_END.search(data, max(0, at - 40), at)
            if match:
                number = int(match.group(1))
                self.positions.append(at + 3)
                self.numbers.append(number)
                self.end_of[number] = at + 3
        self.endstreams = list(_find_all(data, b"endstream"))

    def before(self, position: int) -> tuple[int | None, int]:
        """The object whose header ends last before ``position`` (within the look-back window)."""
        k = bisect.bisect_right(self.positions, position) - 1
        if k < 0 or position - self.positions[k] > _LOOKBACK:
            return None, max(0, position - _LOOKBACK)
        return self.numbers[k], self.positions[k]

    def endstream_after(self, position: int) -> int:
        k = bisect.bisect_left(self.endstreams, position)
        return self.endstreams[k] if k < len(self.endstreams) else len(self.data)

    def integer(self, number: int) -> int | None:
        """The value of ``number 0 obj 123 endobj``."""
        at = self.end_of.get(number)
        match = _INTEGER_BODY.match(self.data, at, at + 64) if at is not None else None
        return int(match.group(1)) if match else None


def _find_all(data, key: bytes):
    """Every position of ``key`` in ``data`` (a literal search: memchr speed)."""
    find = data.find if isinstance(data, bytes) else bytes(data).find
    at = find(key)
    while at >= 0:
        yield at
        at = find(key, at + 1)


def _streams(data: bytes, headers: _Headers, tick: Callable[[], None]) -> list[tuple[int | None, int, int, bytes]]:
    """(object number or None, data start, data end, dictionary text) of every stream."""
    out = []
    view = memoryview(data)
    dictionaries = 0  # bytes of dictionary text searched: a file of ">>stream" without objects is no PDF
    for match in _STREAM.finditer(data):
        if len(out) % 1000 == 999:
            tick()
            if len(out) >= budget.PDF_STREAMS:
                raise TooLarge("streams", budget.PDF_STREAMS)
        start = match.end()
        end = headers.endstream_after(start)
        number, header_end = headers.before(match.start())
        dictionary = view[header_end : match.start() + 2]
        dictionaries += len(dictionary)
        if dictionaries > _MAX_DICTIONARY_BYTES:
            raise TooLarge("dictionaries", _MAX_DICTIONARY_BYTES)
        length = _length(headers, dictionary)
        if length is not None and start < start + length <= len(data) and start + length > end:
            end = start + length  # PDFium reads /Length bytes when "endstream" follows them
        out.append((number, start, end, dictionary))
    return out


def _length(headers: _Headers, dictionary: bytes) -> int | None:
    """A stream's /Length, direct or through a reference to an integer object."""
    match = _LENGTH.search(dictionary)
    if not match:
        return None
    if match.group(2) is None:
        return int(match.group(1))
    return headers.integer(int(match.group(1)))


def _raw(view: memoryview, start: int, end: int, filters: list[bytes]) -> memoryview:
    """A stream's encoded bytes. A deflated stream is read up to its own end (the end of the file
    at most), never cut at an "endstream" its data may contain: at least what PDFium reads."""
    if filters and filters[0] in _FLATE:
        return view[start:]
    return view[start:end]


class _ObjectIndex:
    """The file's objects as text: the raw file, and its object streams (inflated)."""

    def __init__(self, data: bytes, view: memoryview, streams: list, headers: _Headers, tick: Callable[[], None]):
        self.data = data
        self.headers = headers
        self.numbers = {number for number, *_ in streams}
        self.bodies: list[bytes] = []  # the object streams, inflated
        self.packed: dict[int, tuple[int, int, int]] = {}  # object number -> (body, start, end)
        for number, start, end, dictionary in streams:
            if _OBJECT_STREAM.search(dictionary):
                filters = _filters(dictionary)
                try:
                    body = _decode(_raw(view, start, end, filters), filters, budget.PDF_OTHER_STREAM_BYTES, "other", tick)
                except _Undecodable:
                    continue
                self.bodies.append(body)
                for number_in, first, last in _unpack(body, dictionary):
                    self.packed[number_in] = (len(self.bodies) - 1, first, last)
                tick()

    def texts(self):
        yield self.data
        yield from self.bodies

    def body(self, number: int):
        """The text of an object (a window of the file after its header)."""
        if number in self.packed:
            index, first, last = self.packed[number]
            return memoryview(self.bodies[index])[first : min(last, first + _WINDOW)]
        at = self.headers.end_of.get(number)
        return memoryview(self.data)[at : at + _WINDOW] if at is not None else None

    def _entries(self, key: bytes, pattern: re.Pattern, complete: re.Pattern | None = None):
        """The matches of ``pattern`` at each occurrence of ``key``, each in a bounded window; None
        past :data:`_MAX_ENTRIES` occurrences (no real file has so many), or where ``complete``
        matches but ``pattern`` does not (a dictionary that runs beyond the window)."""
        found = []
        seen = 0
        for text in self.texts():
            for at in _find_all(text, key):
                seen += 1
                if seen > _MAX_ENTRIES:
                    return None
                match = pattern.match(text, at, at + _WINDOW)
                if match:
                    found.append(match)
                elif complete is not None and complete.match(text, at, at + _WINDOW):
                    return None
        return found

    def page_contents(self) -> list[list[int]]:
        """The content stream numbers of each /Contents entry (one per page), through one
        indirect array."""
        pages = []
        for match in self._entries(b"/Contents", _CONTENTS) or []:
            refs = [int(ref.group(1)) for ref in _REF.finditer(match.group(1))]
            if len(refs) == 1 and refs[0] not in self.numbers:  # /Contents 12 0 R, an array
                body = self.body(refs[0])
                array = _ARRAY_BODY.match(body) if body is not None else None
                if array:
                    refs = [int(ref.group(1)) for ref in _REF.finditer(array.group(1))]
            pages.append(refs)
        return pages

    def xobject_names(self) -> dict[bytes, set[int]] | None:
        """Every name an /XObject resource dictionary gives, with the objects it may stand for
        (None: too many dictionaries to tell; then any name may be any form)."""
        matches = self._entries(b"/XObject", _XOBJECTS, _DICTIONARY_START)
        if matches is None:
            return None
        names: dict[bytes, set[int]] = {}
        for match in matches:
            entries = match.group(1)
            if entries is None:  # /XObject 20 0 R
                body = self.body(int(match.group(2)))
                inner = _DICTIONARY_BODY.match(body) if body is not None else None
                entries = inner.group(1) if inner else b""
            for name, number in _XOBJECT_ENTRY.findall(entries):
                names.setdefault(bytes(name), set()).add(int(number))
        return names


def _unpack(body: bytes, dictionary: bytes) -> list[tuple[int, int, int]]:
    """The objects of an object stream, as (number, start, end) in ``body``: its header lists
    (number, offset) pairs before /First."""
    first = re.search(rb"/First" + _WS + rb"(" + _NUMBER + rb")", dictionary)
    if not first:
        return []
    start = int(first.group(1))
    numbers = [int(n) for n in re.findall(rb"[0-9]++", body[: min(start, len(body))])][: 2 * _MAX_ENTRIES * 10]
    pairs = list(zip(numbers[0::2], numbers[1::2]))
    out = []
    for k, (number, offset) in enumerate(pairs):
        end = start + pairs[k + 1][1] if k + 1 < len(pairs) else len(body)
        out.append((number, start + offset, max(start + offset, end)))
    return out


class _Work:
    """What parsing one content stream builds: operators that make page objects (paint, show
    text, draw an XObject), bytes of text shown, and the XObjects it draws by name. Counted on
    first use: a stream too short to exceed a budget is never searched."""

    __slots__ = ("content", "_counts")

    def __init__(self, content: bytes):
        self.content = content
        self._counts: tuple[int, int, dict[bytes, int]] | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    def counts(self) -> tuple[int, int, dict[bytes, int]]:
        if self._counts is None:
            content = self.content
            drawn: dict[bytes, int] = {}
            if b"Do" in content:
                for name in _DRAW.findall(content):
                    drawn[name] = drawn.get(name, 0) + 1
            text = sum(map(len, _STRING.findall(content)))
            self._counts = (len(_OPERATOR.findall(content)), text, drawn)
        return self._counts


def _filters(dictionary) -> list[bytes]:
    match = _FILTER.search(dictionary)
    if not match:
        return []
    return [_ABBREVIATIONS.get(name, name) for name in _NAME.findall(match.group(1))]


def _inline_images(content: bytes, tick: Callable[[], None]) -> int:
    """Bytes the inline images of a content stream inflate to (``BI … ID data EI``)."""
    total = 0
    if b"BI" not in content:
        return 0
    view = memoryview(content)
    data_starts = [m for m in _INLINE_DATA.finditer(content)]
    positions = [m.start() for m in data_starts]
    ends = list(_find_all(content, b"EI"))
    for count, begin in enumerate(_INLINE_IMAGE.finditer(content)):
        if count >= _MAX_INLINE_IMAGES:
            raise TooLarge("page_operations", budget.PDF_PAGE_OPERATIONS)
        if count % 100 == 99:
            tick()
        k = bisect.bisect_left(positions, begin.end())
        if k == len(positions):
            break
        data_match = data_starts[k]
        if data_match.start() - begin.end() > _WINDOW:
            continue  # no image dictionary is that long: not an inline image
        match = _INLINE_FILTER.search(content, begin.end(), data_match.start())
        if not match:
            continue
        filters = [_ABBREVIATIONS.get(name, name) for name in _NAME.findall(match.group(1))]
        e = bisect.bisect_left(ends, data_match.end())
        end = ends[e] if e < len(ends) else len(content)
        total += _count(_raw(view, data_match.end(), end, filters), filters, budget.PDF_CONTENT_STREAM_BYTES, tick, "content")
        if total > budget.PDF_CONTENT_BYTES:
            raise TooLarge("content", budget.PDF_CONTENT_BYTES)
    return total


# -- decoding --------------------------------------------------------------------------------------
def _count(raw, filters: list[bytes], limit: int, tick: Callable[[], None], what: str = "other") -> int:
    """Inflated size of a stream through its filters, the last one counted without keeping it."""
    if not filters:
        return len(raw)
    try:
        data = _decode(raw, filters[:-1], limit, what, tick) if len(filters) > 1 else raw
        last = filters[-1]
        if last in _FLATE:
            return _inflate(data, limit, False, what, tick)[1]
        if last in _LZW:
            return _lzw(data, limit, False, what, tick)[1]
        return len(_decode(data, [last], limit, what, tick))
    except _Undecodable:
        return 0


def _decode(raw, filters: list[bytes], limit: int, what: str, tick: Callable[[], None]) -> bytes:
    """The stream's bytes through its filters, refused past ``limit``."""
    data = raw
    for name in filters:
        if name in _FLATE:
            data = _inflate(data, limit, True, what, tick)[0]
        elif name in _LZW:
            data = _lzw(data, limit, True, what, tick)[0]
        elif name in _HEX:
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", bytes(data).split(b">", 1)[0])
            data = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        elif name in _A85:
            body = re.sub(rb"[\s\x00]", b"", bytes(data).split(b"~>", 1)[0])
            try:
                data = base64.a85decode(body)
            except ValueError:
                raise _Undecodable() from None
        elif name in _RUN_LENGTH:
            data = _run_length(data, limit, what)
        else:  # an image codec or Crypt: PDFium stops here too
            raise _Undecodable()
        if len(data) > limit:
            raise TooLarge(what, limit)
    if len(data) > limit:
        raise TooLarge(what, limit)
    return bytes(data)


def _inflate(raw, limit: int, keep: bool, what: str, tick: Callable[[], None]) -> tuple[bytes, int]:
    """zlib-inflate ``raw`` in bounded steps; a damaged stream ends where it breaks (as in PDFium)."""
    parts: list[bytes] = []
    total = 0
    try:
        for out in budget.inflate_steps(zlib.decompressobj(), raw, _CHUNK):
            total += len(out)
            if total > limit:
                raise TooLarge(what, limit)
            if keep:
                parts.append(out)
            if total & 0xFFFFFF < len(out):  # every 16 MB
                tick()
    except zlib.error:
        pass
    return b"".join(parts), total


def _lzw(raw, limit: int, keep: bool, what: str, tick: Callable[[], None]) -> tuple[bytes, int]:
    """LZW as PDF writes it (early change): the output's size, and the output when ``keep``."""
    sizes = [1] * 258  # length of each table entry; 256 clear, 257 end of data
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    out: list[bytes] = []
    total = buffer = held = 0
    bits = 9
    previous: int | None = None
    for position, byte in enumerate(bytes(raw)):
        if position & 0xFFFF == 0:
            tick()
        buffer = ((buffer << 8) | byte) & 0xFFFFFF
        held += 8
        while held >= bits:
            held -= bits
            code = (buffer >> held) & ((1 << bits) - 1)
            if code == 256:
                del sizes[258:]
                del table[258:]
                bits, previous = 9, None
                continue
            if code == 257:
                return b"".join(out), total
            if previous is None:
                if code > 255:
                    return b"".join(out), total
            elif len(sizes) < 4096 and code <= len(sizes):
                sizes.append(sizes[previous] + 1)
                if keep:
                    first = table[code][:1] if code < len(table) else table[previous][:1]
                    table.append(table[previous] + first)
            if code >= len(sizes):
                return b"".join(out), total
            total += sizes[code]
            if keep:
                out.append(table[code])
            if total > limit:
                raise TooLarge(what, limit)
            previous = code
            if len(sizes) + 1 >= (1 << bits) and bits < 12:
                bits += 1
    return b"".join(out), total


def _run_length(raw, limit: int, what: str) -> bytes:
    out = bytearray()
    raw = bytes(raw)
    at = 0
    while at < len(raw):
        length = raw[at]
        if length == 128:
            break
        if length < 128:
            out += raw[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += raw[at + 1 : at + 2] * (257 - length)
            at += 2
        if len(out) > limit:
            raise TooLarge(what, limit)
    return bytes(out)
