"""A scanned page, recognized: the same characters and rules a text-layer PDF page gives.

The recognizer's lines become :class:`OcrChar` objects (a :class:`~.pdf_content.Char` that knows its
line, its probability and the digit ranked next) placed along each line's box, in points; the ruling
lines found in the image become :class:`~.pdf_content.Edge` objects. The page then goes through the
PDF loader's own reading (:class:`~.pdf._Reader`: lines of text, ruled tables, tables continued over
pages), so the parser and the rules see a scanned report exactly as a text-layer one.

Each table cell made of recognized characters gets its provenance (:class:`~xxgk_audit.document.OcrBox`:
page, box, recognized text, confidence, the box image) through :func:`cell_evidence`, which the table
reader calls on the characters of a cell. There too a value is judged: *low* confidence (below
:data:`LOW_CONFIDENCE` on average, or one character below :data:`LOW_CHAR`), or *confusable* (a digit
of one of the typical confusions 0/6/8, 1/7, 5/6 that the recognizer was not sure of, or whose
runner-up was its confusion partner); such a cell lists the other readings its printed digits may
have, which the arithmetic rules use to tell a possible misread from an error in the report.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any, Callable

from ..document import OcrBox
from . import ocr_cache
from .pdf_content import Char, Edge, Page

LOW_CONFIDENCE = 0.90  # mean probability of a cell's characters
LOW_CHAR = 0.60  # probability of its least sure character
UNSURE_DIGIT = 0.97  # a digit less sure than this may be misread
RUNNER_UP = 0.01  # a runner-up digit at least this probable is a candidate reading
CONFUSIONS = {"0": "68", "6": "085", "8": "06", "1": "7", "7": "1", "5": "6"}
MAX_READINGS = 400
_KEEP = 0.5  # lines less sure than this are kept only if they hold a digit or a CJK character
_FLOOR = 0.2
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3400-\u9fff]")
_VALUE_LIKE = re.compile(r"^[\s\d,，.．+\-－—–/／无無]{1,24}$")
_RULE_MIN = 10.0  # points: a ruling line is at least this long
_RULE_THICK = 3.0  # points: and at most this thick


@dataclass(slots=True)
class _Line:
    """What the characters of one recognized line share."""

    page: int
    box: tuple[float, float, float, float]  # points
    text: str
    confidence: float
    image: str
    file: str | None
    digits_off: float = 0.0  # for a number: how many digits wider its box is than its reading


class OcrChar(Char):
    """A recognized character: a :class:`Char` with its line, its probability ``p``, and for a
    digit its share ``d`` among the digits and the runner-up digit ``alt`` with its share ``q``."""

    __slots__ = ("line", "p", "alt", "q", "d")

    def __init__(self, text, x0, x1, top, bottom, size, line: _Line, p: float, alt: str = "", q: float = 0.0, d: float | None = None):
        super().__init__(text, x0, x1, top, bottom, size, True)
        self.line = line
        self.p = p
        self.alt = alt
        self.q = q
        self.d = p if d is None else d

    @property
    def sure(self) -> float:
        """How sure the recognizer is of this character: among the digits for a digit."""
        return self.d if self.text.isdigit() else self.p

    @staticmethod
    def cell_evidence(chars: list, text: str) -> OcrBox | None:
        return cell_evidence(chars, text)


# -- recognizing a page --------------------------------------------------------------------------
@dataclass
class Recognized:
    """A page's recognition: the page for the reader, and what 报告信息 reports about it."""

    page: Page
    confidence: float  # mean probability of the page's characters
    characters: int
    seconds: float  # spent recognizing (0 when it came from the cache)
    cached: bool
    angle: float


def recognize(render: Callable[[], Any], dpi: int, number: int, sha256: str, key_page: int, file: str | None = None) -> Recognized:
    """Page ``number`` of a report, recognized from the gray image ``render()`` returns at ``dpi``
    (called only when the cache has no result for ``sha256``/``key_page``)."""
    from . import ocr

    engine = ocr.engine_key()
    result = ocr_cache.read(sha256, key_page, dpi, engine)
    cached = result is not None
    if cached:
        try:
            page, confidence, count = to_page(result, number, file)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # a damaged cache file
            cached, result = False, None
    if not cached:
        started = time.perf_counter()
        result = run(render(), dpi)
        result["seconds"] = round(time.perf_counter() - started, 3)
        ocr_cache.write(sha256, key_page, dpi, engine, result)
        page, confidence, count = to_page(result, number, file)
    return Recognized(page, confidence, count, 0.0 if cached else result["seconds"], cached, float(result.get("angle", 0.0)))


def run(gray, dpi: int) -> dict[str, Any]:
    """Recognize a gray page image: straighten it, read its lines, find its ruling lines, cut out
    the boxes of values. Plain JSON-able data, in pixels of the straightened image."""
    from . import ocr, raster

    angle = raster.skew_angle(gray)
    page = raster.rotate(gray, angle)
    lines = []
    for line in ocr.recognize(page):
        text = line.text.strip()
        if not text:
            continue
        if line.confidence < _KEEP and not (line.confidence >= _FLOOR and (_DIGIT.search(text) or _CJK.search(text))):
            continue
        xs = [p[0] for p in line.quad]
        ys = [p[1] for p in line.quad]
        box = [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
        image = raster.crop_uri(page, box) if _VALUE_LIKE.match(line.text) else ""
        chars = [list(c) for c in line.chars]
        lines.append({"box": box, "text": line.text, "confidence": round(line.confidence, 4), "chars": chars, "image": image})
    _ordinals(page, lines)
    points = dpi / 72
    boxes = [tuple(line["box"]) for line in lines]
    segments = raster.ruling_lines(page, max(8, round(_RULE_MIN * points)), max(2, round(_RULE_THICK * points)), boxes)
    rules = [[s.orientation, round(float(s.position), 1), float(s.start), float(s.end)] for s in segments]
    lines += _second_look(page, dpi, rules, lines)
    height, width = page.shape
    return {"dpi": dpi, "width": width, "height": height, "angle": angle, "lines": lines, "rules": rules}


_NUMERAL_START = re.compile(r"^[一二三四五六七八九十]{1,2}、")


def _ordinals(page, lines: list[dict]) -> None:
    """Lines that begin with "、": the detector left out the Chinese numeral before it (一 and 二
    are bare strokes to it). The line is read again from a little further left, and taken if it
    now begins with a numeral and "、" and reads the same after them."""
    from . import ocr

    wanted = [line for line in lines if line["text"].startswith("、")]
    crops = []
    for line in wanted:
        x0, y0, x1, y1 = line["box"]
        reach = 1.2 * (y1 - y0)
        start = max(0, int(x0 - reach))
        crops.append((start, page[max(0, int(y0)) : int(y1) + 1, start : int(x1) + 1]))
    for line, (start, _), again in zip(wanted, crops, ocr.recognize_crops([crop for _, crop in crops])):
        match = _NUMERAL_START.match(again.text)
        if not match or again.text[match.end() - 1 :] != line["text"]:
            continue
        x0, y0, x1, y1 = line["box"]
        line["box"] = [round(float(start), 1), y0, x1, y1]
        line["text"] = again.text
        line["confidence"] = round(again.confidence, 4)
        line["chars"] = [list(c) for c in again.chars]


def _second_look(page, dpi: int, rules: list, lines: list[dict]) -> list[dict]:
    """Values the detector missed: a table cell with no recognized line but ink inside (a lone thin
    "1" in a blurred scan) is cut out and recognized on its own. Only digits are taken from there;
    a cell that still reads as nothing stays blank (CELL-BLANK), never guessed."""
    import numpy as np

    from . import ocr, raster
    from .pdf_tables import closing_edges, find_tables

    scale = 72 / dpi
    vertical = [Edge(p * scale, p * scale, a * scale, b * scale, 0, (b - a) * scale, "v") for o, p, a, b in rules if o == "v"]
    horizontal = [Edge(a * scale, b * scale, p * scale, p * scale, (b - a) * scale, 0, "h") for o, p, a, b in rules if o == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    horizontal += closing_edges(vertical, horizontal)
    threshold = raster.ink_threshold(page)
    margin = max(3, round(_RULE_THICK * dpi / 72))
    smallest = 4.0 * dpi / 72  # ink less tall than 4 pt is a speck, not a digit
    found: list[tuple[list[float], np.ndarray]] = []
    for table in find_tables(vertical, horizontal):
        for x0, top, x1, bottom in table:
            left, right = int(x0 / scale) + margin, int(x1 / scale) - margin
            upper, lower = int(top / scale) + margin, int(bottom / scale) - margin
            if right - left < 4 or lower - upper < smallest:
                continue
            if any(_overlaps(line["box"], (left, upper, right, lower)) for line in lines):
                continue
            ink = page[upper:lower, left:right] < threshold
            rows, columns = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
            if len(rows) == 0 or rows[-1] - rows[0] + 1 < smallest or ink.sum() < smallest:
                continue
            box = [float(left + columns[0]), float(upper + rows[0]), float(left + columns[-1] + 1), float(upper + rows[-1] + 1)]
            pad = round(0.4 * (box[3] - box[1]))
            crop = page[max(0, int(box[1]) - pad) : int(box[3]) + pad, max(0, int(box[0]) - pad) : int(box[2]) + pad]
            found.append((box, crop))
    out = []
    for (box, _), line in zip(found, ocr.recognize_crops([crop for _, crop in found])):
        text = line.text.strip()
        if not text or not _DIGIT.search(text) or not _VALUE_LIKE.match(text) or line.confidence < _FLOOR:
            continue
        image = raster.crop_uri(page, box)
        out.append({"box": [round(v, 1) for v in box], "text": line.text, "confidence": round(line.confidence, 4), "chars": [list(c) for c in line.chars], "image": image, "second_look": True})
    return out


def _overlaps(box, cell) -> bool:
    """Whether a recognized line covers part of a cell (a third of the line's area or more)."""
    x0, y0, x1, y1 = max(box[0], cell[0]), max(box[1], cell[1]), min(box[2], cell[2]), min(box[3], cell[3])
    if x1 <= x0 or y1 <= y0:
        return False
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    return (x1 - x0) * (y1 - y0) >= area / 3


def meta(pages: dict[int, Recognized], dpi: int | None, files: dict[int, str] | None = None) -> dict[str, str]:
    """What ``Document.meta`` records about the recognition, for 报告信息 (strings only)."""
    from . import ocr

    count = sum(r.characters for r in pages.values())
    confidence = sum(r.confidence * r.characters for r in pages.values()) / count if count else 0.0
    out = {
        "ocr_engine": ocr.engine_label(),
        "ocr_model": ocr.MODEL_LABEL,
        "ocr_pages": ", ".join(str(n) for n in sorted(pages)),
        "ocr_confidence": f"{confidence:.3f}",
        "ocr_seconds": f"{sum(r.seconds for r in pages.values()):.1f}",
        "ocr_cached": ", ".join(str(n) for n in sorted(pages) if pages[n].cached),
    }
    if dpi:
        out["ocr_dpi"] = str(dpi)
    skewed = [f"第{n}页 {pages[n].angle:+.2f}°" for n in sorted(pages) if abs(pages[n].angle) >= 0.05]
    if skewed:
        out["ocr_skew"] = "；".join(skewed)
    if files:
        out["ocr_files"] = "；".join(f"第{n}页 {files[n]}" for n in sorted(files))
    return out


# -- the page as characters and rules ------------------------------------------------------------
def to_page(result: dict[str, Any], number: int, file: str | None = None) -> tuple[Page, float, int]:
    """The page of a recognition result (pixels → points), with the mean character probability."""
    scale = 72 / float(result["dpi"])
    chars: list[Char] = []
    probabilities: list[float] = []
    lowest_rule = max((float(r[1]) if r[0] == "h" else float(r[3]) for r in result["rules"]), default=0.0)
    widths = _digit_widths(result["lines"])
    for item in result["lines"]:
        if _page_number(item, result["lines"], float(result.get("height") or 0), lowest_rule):
            continue
        x0, y0, x1, y1 = (float(v) * scale for v in item["box"])
        line = _Line(number, (x0, y0, x1, y1), str(item["text"]), float(item["confidence"]), str(item.get("image") or ""), file)
        line.digits_off = _digits_off(item, widths)
        placed = _place(item["chars"], x0, y0, x1, y1, line)
        chars.extend(placed)
        probabilities.extend(c.sure for c in placed)
    vertical, horizontal = [], []
    for orientation, position, start, end in result["rules"]:
        position, start, end = float(position) * scale, float(start) * scale, float(end) * scale
        if orientation == "h":
            horizontal.append(Edge(start, end, position, position, end - start, 0, "h"))
        elif orientation == "v":
            vertical.append(Edge(position, position, start, end, 0, end - start, "v"))
    confidence = sum(probabilities) / len(probabilities) if probabilities else 0.0
    return Page(number, chars, vertical, horizontal), confidence, len(probabilities)


_PAGE_NUMBER = re.compile(r"^[\s\-—–－~·.]*\d{1,3}[\s\-—–－~·.]*$")


def _page_number(item: dict, lines: list, height: float, lowest_rule: float) -> bool:
    """A bare number alone on its line in the bottom margin, below every rule: the page number,
    whose dashes ("- 3 -") the recognizer may have dropped, so that the footer filter no longer
    knows it. (A value of a table's last row has the table's rules beside it and other values.)"""
    top, bottom = float(item["box"][1]), float(item["box"][3])
    if not height or (top + bottom) / 2 <= 0.9 * height or top <= lowest_rule or not _PAGE_NUMBER.match(str(item["text"])):
        return False
    return not any(other is not item and float(other["box"][1]) < bottom and float(other["box"][3]) > top for other in lines)


_NUMBER = re.compile(r"^\d+$")
WIDTH_OFF = 0.75  # a number whose box is this many digits wider or narrower than its reading


def _digit_widths(lines: list) -> tuple[float, float, float] | None:
    """How wide a number's box is on this page: (fixed part, per digit, typical deviation), fitted
    to the median width of the boxes of 1, 2, 3 … digits; None with too few numbers to tell."""
    import statistics

    by_count: dict[int, list[float]] = {}
    for item in lines:
        text = str(item["text"])
        if _NUMBER.match(text) and len(text) <= 8:
            by_count.setdefault(len(text), []).append(float(item["box"][2]) - float(item["box"][0]))
    points = [(n, statistics.median(w), len(w)) for n, w in by_count.items() if len(w) >= 2]
    if len(points) < 2:
        return None
    total = sum(k for _, _, k in points)
    mean_n = sum(n * k for n, _, k in points) / total
    mean_w = sum(w * k for _, w, k in points) / total
    spread_n = sum(k * (n - mean_n) ** 2 for n, _, k in points)
    if spread_n <= 0:
        return None
    per_digit = sum(k * (n - mean_n) * (w - mean_w) for n, w, k in points) / spread_n
    if per_digit <= 0:
        return None
    fixed = mean_w - per_digit * mean_n
    deviations = [abs(w - fixed - per_digit * n) for n, ws in by_count.items() for w in ws]
    return fixed, per_digit, statistics.median(deviations)


def _digits_off(item: dict, widths: tuple[float, float, float] | None) -> float:
    text = str(item["text"])
    if widths is None or not _NUMBER.match(text):
        return 0.0
    fixed, per_digit, deviation = widths
    residual = float(item["box"][2]) - float(item["box"][0]) - fixed - per_digit * len(text)
    if residual < max(WIDTH_OFF * per_digit, 3 * deviation):
        return 0.0  # narrower boxes are narrow glyphs ("1"), not digits read twice
    return round(residual / per_digit, 2)


def _place(items: list, x0: float, y0: float, x1: float, y1: float, line: _Line) -> list[OcrChar]:
    """The characters of a line along its box, each from halfway to the previous character's
    centre to halfway to the next (where the recognizer saw them): one word, unless the
    recognizer read a space."""
    height = y1 - y0
    middle = (y0 + y1) / 2
    top, bottom = middle - 0.3 * height, middle + 0.3 * height
    width = x1 - x0
    centres = [x0 + min(1.0, max(0.0, float(item[1]))) * width for item in items]
    out = []
    for i, item in enumerate(items):
        left = (centres[i - 1] + centres[i]) / 2 if i else x0
        right = (centres[i] + centres[i + 1]) / 2 if i + 1 < len(items) else x1
        if right <= left:
            left, right = centres[i] - 0.01, centres[i] + 0.01
        sure = float(item[5]) if len(item) > 5 else None
        out.append(OcrChar(str(item[0]), left, right, top, bottom, 0.6 * height, line, float(item[2]), str(item[3] or ""), float(item[4] or 0.0), sure))
    return out


# -- the evidence of a cell ----------------------------------------------------------------------
def cell_evidence(chars: list, text: str) -> OcrBox | None:
    """The provenance of a table cell read from recognized characters, and whether its value may
    be misread (see the module's docstring)."""
    own = [c for c in chars if isinstance(c, OcrChar) and c.text.strip()]
    if not own:
        return None
    lines: list[_Line] = []
    for char in own:
        if not any(char.line is line for line in lines):
            lines.append(char.line)
    x0 = min(c.x0 for c in own)
    x1 = max(c.x1 for c in own)
    top = min(line.box[1] for line in lines)
    bottom = max(line.box[3] for line in lines)
    confidence = sum(c.sure for c in own) / len(own)
    whole = len(lines) == 1 and len(own) == len(lines[0].text.strip())  # the cell is one whole line
    suspect, readings = judge(own, lines[0].digits_off if whole else 0.0)
    images = [line.image for line in lines if line.image]
    if len(images) > 1:
        from .raster import stitch_uris

        image = stitch_uris(images)
    else:
        image = images[0] if images else ""
    return OcrBox(
        page=lines[0].page,
        box=(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)),
        text=" ".join(line.text for line in lines),
        confidence=round(confidence, 4),
        suspect=suspect,
        readings=readings,
        image=image,
        file=lines[0].file,
    )


def judge(chars: list[OcrChar], digits_off: float = 0.0) -> tuple[str | None, tuple[str, ...]]:
    """Whether the value these characters print may be misread, and how else it may read.

    ``digits_off``: how many digits wider the number's box is than its reading (see
    :func:`_digit_widths`). The recognizer merges a digit printed twice in a row ("331" → "31",
    "100" → "10") unless it sees a gap between them: a box a digit too wide gives the readings with
    one digit doubled.
    """
    text = "".join(c.text for c in chars)
    if not _DIGIT.search(text):
        return None, ()
    if digits_off > 0 and text.isdigit():
        doubled = [text[: i + 1] + text[i:] for i in range(len(text))]
        _, others = judge(chars)
        return "width", tuple(dict.fromkeys(doubled + list(others)))
    sureness = [c.sure for c in chars]
    low = sum(sureness) / len(sureness) < LOW_CONFIDENCE or min(sureness) < LOW_CHAR
    options: list[tuple[int, set[str]]] = []
    confusable = False
    for index, char in enumerate(chars):
        if not char.text.isdigit():
            continue
        partners = CONFUSIONS.get(char.text, "")
        candidates: set[str] = set()
        if char.alt and char.q >= RUNNER_UP:
            candidates.add(char.alt)
            confusable = confusable or char.alt in partners
        if char.d < UNSURE_DIGIT:
            candidates.update(partners)
            confusable = confusable or bool(partners)
        if low and char.d < LOW_CONFIDENCE:
            candidates.update("0123456789")
        candidates.discard(char.text)
        if candidates:
            options.append((index, candidates))
    suspect = "low" if low else "confusable" if confusable else None
    if suspect is None:
        return None, ()
    readings: list[str] = []
    base = [c.text for c in chars]
    options.sort(key=lambda item: min(chars[item[0]].d, 1 - chars[item[0]].q))
    for count in (1, 2):
        for chosen in combinations(options[:4], count):
            for digits in product(*(sorted(candidates) for _, candidates in chosen)):
                variant = list(base)
                for (index, _), digit in zip(chosen, digits):
                    variant[index] = digit
                readings.append("".join(variant))
                if len(readings) >= MAX_READINGS:
                    return suspect, tuple(dict.fromkeys(readings))
    return suspect, tuple(dict.fromkeys(readings))
