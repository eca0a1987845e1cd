"""A simulated scanner for the OCR tests and benchmarks: a PDF's pages as the images a scanner or
a phone would make of the printed report, and those images wrapped as an image-only PDF or a folder
of PNG files.

Each page is rendered with PDFium at the scan resolution, turned by a small angle (alternating in
sign from page to page, as sheets go through a feeder), blurred (the optics) and given Gaussian
noise (the sensor); everything is seeded, so a scan is the same every time.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Scan:
    dpi: int = 200
    rotation: float = 1.5  # degrees, sign alternating from page to page
    blur: float = 0.7  # Gaussian radius in pixels at 200 dpi (scaled with the resolution)
    noise: float = 8.0  # standard deviation of the noise, in gray levels
    seed: int = 0


_RENDER = """
import sys, pypdfium2 as pdfium
folder, dpi = sys.argv[1], float(sys.argv[2])
document = pdfium.PdfDocument(sys.stdin.buffer.read())
for index in range(len(document)):
    document[index].render(scale=dpi / 72, grayscale=True).to_pil().save(f"{folder}/{index:04d}.png")
"""


def print_pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    """The pages as printed: rendered with PDFium and the system's fonts, in a fresh process (the
    loader gives PDFium placeholder fonts for the rest of a process that has read a PDF)."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-c", _RENDER, folder, str(dpi)], input=pdf, check=True, capture_output=True)
        pages = []
        for path in sorted(Path(folder).glob("*.png")):
            with Image.open(path) as image:
                pages.append(image.convert("L"))
    return pages


def scan_pages(pdf: bytes, scan: Scan = Scan()) -> list[Image.Image]:
    """The printed pages as scanned (see :class:`Scan`)."""
    rng = np.random.default_rng(scan.seed)
    pages = []
    for index, image in enumerate(print_pages(pdf, scan.dpi)):
        angle = scan.rotation * (1 if index % 2 == 0 else -1)
        if angle:
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        if scan.blur:
            image = image.filter(ImageFilter.GaussianBlur(scan.blur * scan.dpi / 200))
        pixels = np.asarray(image, dtype=np.float32)
        if scan.noise:
            pixels = pixels + rng.normal(0, scan.noise, pixels.shape)
        pages.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    return pages


def image_pdf(pages: list[Image.Image], dpi: int, created: datetime | None = None) -> bytes:
    """An image-only PDF (one JPEG-compressed page image per page, no text layer). ``created``:
    its creation date (Pillow writes the current time otherwise, which DEADLINE would judge)."""
    buffer = io.BytesIO()
    dates = {"creationDate": created.timetuple(), "modDate": created.timetuple()} if created else {}
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=90, **dates)
    return buffer.getvalue()


def png_folder(pages: list[Image.Image], folder: Path, dpi: int) -> Path:
    """The pages as ``page-1.png`` … ``page-N.png`` (natural order) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, 1):
        page.save(folder / f"page-{number}.png", dpi=(dpi, dpi))
    return folder
