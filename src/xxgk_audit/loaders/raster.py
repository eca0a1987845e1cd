"""Page images as numpy arrays: gray levels, skew, ruling lines and box crops.

Only numpy and Pillow (both installed with the package's own dependencies), no OCR: the ruling lines
of a scanned table and the skew of a scanned page are found here, so they are tested without the
recognizer.

* **Skew** by the projection profile: the ink is projected onto the vertical axis along lines of
  slightly different slopes; the slope at which the rows of text give the sharpest profile (the
  largest sum of squares) is the skew. Searched within ±5° on a reduced copy, then refined.
* **Ruling lines** by morphology on the binarized page: a pixel belongs to a horizontal line if it
  lies in a run of ink at least ``min_length`` long (an opening with a 1 × L line), tolerating a
  pixel of wobble and one-pixel gaps; runs in neighbouring rows are merged into one line, and lines
  thicker than ``max_thickness`` (filled areas) or lying inside a text box (strokes of a large
  character, a dash) are dropped. Vertical lines alike on the transposed page.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

MAX_SKEW = 5.0  # degrees searched either way
_COARSE = 0.1
_FINE = 0.01
_PROFILE_WIDTH = 900  # pixels across the reduced copy used for the skew


@dataclass(frozen=True, slots=True)
class Segment:
    """A ruling line in pixels: horizontal (``x0``–``x1`` at ``y``) or vertical (``y0``–``y1`` at ``x``)."""

    orientation: str  # "h" | "v"
    position: float  # y of a horizontal line, x of a vertical one (its centre)
    start: float
    end: float


def gray(image) -> np.ndarray:
    """A PIL image as 8-bit gray levels, transparency flattened onto white paper."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    if image.mode == "I;16" or image.mode.startswith("I;16"):
        image = image.point(lambda v: v / 256)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def ink_threshold(page: np.ndarray) -> float:
    """The gray level below which a pixel is ink: halfway from the paper towards the ink, leaning
    to the paper so that thin, blurred rules still count."""
    sample = page[:: max(1, page.shape[0] // 400), :: max(1, page.shape[1] // 400)]
    paper = float(np.percentile(sample, 90))
    ink = float(np.percentile(sample, 0.5))
    if paper - ink < 40:  # a blank or uniform page
        return ink - 1
    return paper - 0.4 * (paper - ink)


def skew_angle(page: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise positive) by which the page must be turned so that its
    text lines are level; 0.0 for a page without enough ink."""
    from PIL import Image

    height, width = page.shape
    factor = max(1, width // _PROFILE_WIDTH)
    small = np.asarray(Image.fromarray(page).reduce(factor)) if factor > 1 else page
    ink = small < ink_threshold(small)
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 400_000:
        pick = np.random.default_rng(0).choice(len(ys), 400_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - small.shape[1] / 2
    rows = small.shape[0]

    def score(angle: float) -> float:
        shifted = np.round(ys - xs * np.tan(np.radians(angle))).astype(np.int64) + rows
        counts = np.bincount(shifted, minlength=3 * rows)
        return float(np.dot(counts, counts))

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + _COARSE / 2, _COARSE)
    best = max(coarse, key=score)
    fine = np.arange(best - _COARSE, best + _COARSE + _FINE / 2, _FINE)
    best = max(fine, key=score)
    return round(float(best), 2)


def rotate(page: np.ndarray, angle: float) -> np.ndarray:
    """The page turned counter-clockwise by ``angle`` degrees about its centre, on white paper."""
    if abs(angle) < 0.02:
        return page
    from PIL import Image

    turned = Image.fromarray(page).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return np.asarray(turned)


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels lying in a horizontal run of True at least ``length`` long (a morphological opening
    with a 1 × length line)."""
    height, width = mask.shape
    if width < length:
        return np.zeros_like(mask)
    counts = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=counts[:, 1:])
    full = (counts[:, length:] - counts[:, :-length]) == length  # windows starting at 0 … width-length
    starts = np.zeros((height, full.shape[1] + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1:])
    k = np.arange(width)
    high = np.minimum(k + 1, full.shape[1])
    low = np.clip(k - length + 1, 0, full.shape[1])
    return (starts[:, high] - starts[:, low]) > 0


def _segments(opened: np.ndarray, max_thickness: int) -> list[tuple[float, int, int]]:
    """Runs in neighbouring rows merged into lines: (centre row, first column, last column)."""
    padded = np.zeros((opened.shape[0], opened.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = opened
    steps = np.diff(padded, axis=1)
    active: list[list[int]] = []  # [first row, last row, x0, x1]
    done: list[list[int]] = []
    rows = np.nonzero(opened.any(axis=1))[0]
    for y in rows:
        starts = np.nonzero(steps[y] == 1)[0]
        ends = np.nonzero(steps[y] == -1)[0] - 1
        still: list[list[int]] = []
        for segment in active:
            if segment[1] < y - 1:
                done.append(segment)
            else:
                still.append(segment)
        active = still
        for x0, x1 in zip(starts.tolist(), ends.tolist()):
            touching = [s for s in active if s[1] >= y - 1 and x0 <= s[3] and x1 >= s[2]]
            if not touching:
                active.append([int(y), int(y), int(x0), int(x1)])
                continue
            merged = touching[0]  # a run touching several lines joins them into one
            for other in touching[1:]:
                merged[0] = min(merged[0], other[0])
                merged[2] = min(merged[2], other[2])
                merged[3] = max(merged[3], other[3])
                active.remove(other)
            merged[1] = int(y)
            merged[2] = min(merged[2], int(x0))
            merged[3] = max(merged[3], int(x1))
    done.extend(active)
    return [((a + b) / 2, x0, x1) for a, b, x0, x1 in done if b - a + 1 <= max_thickness]


def ruling_lines(page: np.ndarray, min_length: int, max_thickness: int, text_boxes: list[tuple[float, float, float, float]] = ()) -> list[Segment]:
    """The horizontal and vertical ruling lines of a page (see the module's docstring)."""
    ink = page < ink_threshold(page)
    bridged = ink.copy()
    bridged[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]  # one-pixel gaps along a row
    wobble = bridged.copy()
    wobble[1:] |= bridged[:-1]
    wobble[:-1] |= bridged[1:]
    found: list[Segment] = []
    for y, x0, x1 in _segments(_runs(wobble, min_length), max_thickness + 2):
        found.append(Segment("h", y, x0, x1))
    ink_t = ink.T
    bridged = ink_t.copy()
    bridged[:, 1:-1] |= ink_t[:, :-2] & ink_t[:, 2:]
    wobble = bridged.copy()
    wobble[1:] |= bridged[:-1]
    wobble[:-1] |= bridged[1:]
    for x, y0, y1 in _segments(_runs(wobble, min_length), max_thickness + 2):
        found.append(Segment("v", x, y0, y1))
    if text_boxes:
        found = [s for s in found if not _inside_text(s, text_boxes)]
    return found


def _inside_text(segment: Segment, boxes, margin: float = 2.0) -> bool:
    if segment.orientation == "h":
        x0, x1, y0, y1 = segment.start, segment.end, segment.position, segment.position
    else:
        x0, x1, y0, y1 = segment.position, segment.position, segment.start, segment.end
    return any(bx0 - margin <= x0 and x1 <= bx1 + margin and by0 - margin <= y0 and y1 <= by1 + margin for bx0, by0, bx1, by1 in boxes)


def crop_uri(page: np.ndarray, box: tuple[float, float, float, float], pad: int = 3) -> str:
    """The box (pixels: x0, y0, x1, y1) as a ``data:image/png;base64`` URI (:func:`_png_uri`)."""
    from PIL import Image

    height, width = page.shape
    x0, y0 = max(0, int(box[0]) - pad), max(0, int(box[1]) - pad)
    x1, y1 = min(width, int(np.ceil(box[2])) + pad), min(height, int(np.ceil(box[3])) + pad)
    if x1 <= x0 or y1 <= y0:
        return ""
    return _png_uri(Image.fromarray(np.ascontiguousarray(page[y0:y1, x0:x1])))


def _png_uri(image) -> str:
    """A gray image as a PNG URI in 16 gray levels (a third of the bytes; digits read as well)."""
    buffer = io.BytesIO()
    image.point(lambda v: (v // 16) * 17).quantize(16).save(buffer, format="PNG", bits=4, optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def stitch_uris(uris: list[str]) -> str:
    """Several box images side by side, as one PNG URI (a cell read from more than one box)."""
    from PIL import Image

    images = []
    for uri in uris:
        if not uri.startswith("data:image/png;base64,"):
            continue
        try:
            images.append(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L"))
        except (OSError, ValueError):
            continue
    if not images:
        return ""
    if len(images) == 1:
        return uris[0]
    gap = 6
    out = Image.new("L", (sum(i.width for i in images) + gap * (len(images) - 1), max(i.height for i in images)), 255)
    x = 0
    for image in images:
        out.paste(image, (x, 0))
        x += image.width + gap
    return _png_uri(out)
