"""Page images without the recognizer: skew, ruling lines, box images (numpy and Pillow only)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from xxgk_audit.loaders import raster


def _page(width=1400, height=1800) -> Image.Image:
    return Image.new("L", (width, height), 255)


def _text_lines(image: Image.Image, top=120, count=30, step=44) -> None:
    """Rows of word-like ink blocks, as lines of text look to the projection profile."""
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(3)
    for row in range(count):
        y = top + row * step
        x = 120
        while x < image.width - 160:
            width = int(rng.integers(20, 90))
            draw.rectangle([x, y, x + width, y + 18], fill=30)
            x += width + int(rng.integers(10, 24))


def _grid(image: Image.Image, x0=150, y0=300, columns=(0, 300, 520, 740, 960, 1180), rows=8, height=60, width=2) -> tuple[list[int], list[int]]:
    draw = ImageDraw.Draw(image)
    ys = [y0 + i * height for i in range(rows + 1)]
    xs = [x0 + c for c in columns]
    for y in ys:
        draw.rectangle([xs[0], y, xs[-1] + width - 1, y + width - 1], fill=0)
    for x in xs:
        draw.rectangle([x, ys[0], x + width - 1, ys[-1] + width - 1], fill=0)
    return xs, ys


def _degrade(image: Image.Image, angle: float, seed=1) -> np.ndarray:
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.8))
    pixels = np.asarray(turned, dtype=np.float32) + np.random.default_rng(seed).normal(0, 9, (image.height, image.width))
    return np.clip(pixels, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("angle", [0.0, 1.5, -2.0, 0.6])
def test_skew_is_measured_from_the_lines_of_text(angle):
    page = _page()
    _text_lines(page)
    estimate = raster.skew_angle(_degrade(page, angle))
    assert abs(estimate + angle) <= 0.1  # the angle that undoes the turn


def test_a_blank_page_has_no_skew():
    assert raster.skew_angle(np.full((800, 600), 250, dtype=np.uint8)) == 0.0


def test_rotate_turns_counter_clockwise_and_keeps_the_paper_white():
    page = np.full((200, 300), 255, dtype=np.uint8)
    page[100, 20:280] = 0
    turned = raster.rotate(page, 5.0)
    assert turned.shape == page.shape and turned[0, 0] == 255
    dark = np.nonzero(turned < 128)
    left, right = dark[0][dark[1].argmin()], dark[0][dark[1].argmax()]
    assert left > right  # the right end went up: counter-clockwise
    assert raster.rotate(page, 0.0) is page


@pytest.mark.parametrize("angle", [0.0, 1.2, -1.8])
def test_ruling_lines_of_a_scanned_grid_are_found_after_straightening(angle):
    page = _page()
    xs, ys = _grid(page)
    gray = _degrade(page, angle)
    gray = raster.rotate(gray, raster.skew_angle(gray))
    found = raster.ruling_lines(gray, min_length=28, max_thickness=8)
    horizontal = [s for s in found if s.orientation == "h"]
    vertical = [s for s in found if s.orientation == "v"]
    assert len(horizontal) == len(ys) and len(vertical) == len(xs)
    centre_x, centre_y = page.width / 2, page.height / 2
    # straightening turns about the centre: positions agree up to the turn of the original grid
    for segment, y in zip(sorted(horizontal, key=lambda s: s.position), ys):
        assert abs(segment.position - (y + 0.5)) <= 3 + abs(np.radians(angle)) * abs(centre_x - 600)
        assert segment.end - segment.start >= (xs[-1] - xs[0]) * 0.97
    for segment, x in zip(sorted(vertical, key=lambda s: s.position), xs):
        assert abs(segment.position - (x + 0.5)) <= 3 + abs(np.radians(angle)) * abs(centre_y - 540)
        assert segment.end - segment.start >= (ys[-1] - ys[0]) * 0.97


def test_strokes_inside_text_boxes_and_filled_areas_are_no_ruling_lines():
    page = _page(800, 600)
    draw = ImageDraw.Draw(page)
    draw.rectangle([100, 100, 160, 103], fill=0)  # the stroke of a large "一"
    draw.rectangle([300, 300, 700, 360], fill=0)  # a filled block
    draw.rectangle([100, 500, 700, 501], fill=0)  # a real rule
    gray = np.asarray(page)
    found = raster.ruling_lines(gray, min_length=28, max_thickness=8, text_boxes=[(90, 90, 170, 115)])
    assert [(s.orientation, round(s.position)) for s in found] == [("h", 500)]


def test_short_marks_are_no_ruling_lines():
    page = _page(600, 400)
    draw = ImageDraw.Draw(page)
    draw.rectangle([100, 100, 115, 101], fill=0)  # a dash, shorter than min_length
    assert raster.ruling_lines(np.asarray(page), min_length=28, max_thickness=8) == []


def _decode(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_box_images_are_small_gray_pngs():
    page = np.full((100, 200), 240, dtype=np.uint8)
    page[40:60, 50:90] = 20
    image = _decode(raster.crop_uri(page, (50, 40, 90, 60)))
    assert image.size == (46, 26)  # the box and 3 pixels around it
    assert raster.crop_uri(page, (300, 300, 310, 310)) == ""
    both = _decode(raster.stitch_uris([raster.crop_uri(page, (50, 40, 90, 60)), raster.crop_uri(page, (0, 0, 20, 20))]))
    assert both.size == (46 + 6 + 23, 26)
    assert raster.stitch_uris(["data:text/html,<b>x</b>"]) == ""


def test_gray_flattens_transparency_onto_white():
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert raster.gray(rgba).min() == 255
    assert raster.gray(Image.new("RGB", (4, 4), (0, 0, 0))).max() == 0
