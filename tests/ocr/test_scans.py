"""Round trip through a scanner: reports with known values are printed, scanned (turned by 1–2°,
blurred, noisy) at realistic resolutions, wrapped as image-only PDFs or folders of PNG pages, and
read back by OCR. The cells equal the known values, an injected error is found, no misread becomes
an error finding, and every recognized value carries its box.

A handful of pages, to keep CI fast; ``benchmarks/bench_ocr.py`` measures the rates over many
reports and resolutions. Needs the OCR extra (part of ``.[dev]``).
"""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import datetime

import pytest

pytest.importorskip("rapidocr_onnxruntime", reason='the OCR tests need the OCR extra: pip install -e ".[ocr]"')

from scanner import Scan, image_pdf, png_folder, scan_pages  # noqa: E402
from synth import inject_error, make_report, render  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from xxgk_audit import audit, load_report  # noqa: E402
from xxgk_audit.cli import main  # noqa: E402
from xxgk_audit.loaders import load_document, ocr, ocr_cache  # noqa: E402
from xxgk_audit.render import MemoContext, memo_sections  # noqa: E402

PLAIN = {"traditional": False, "word_markup": False}  # a simplified-Chinese report (the models read simplified)


def _created(synthetic) -> datetime:
    return datetime(synthetic.year + 1, 1, 10)  # the scan's PDF was made in time (DEADLINE)


def _check_cells(report, synthetic) -> None:
    assert report.template == synthetic.layout_id
    assert (report.agency, report.year) == (synthetic.agency, synthetic.year)
    differences = {k: (v, report.value(k)) for k, v in synthetic.cells.items() if report.value(k) != v}
    assert differences == {}


def _errors_outside(result, keys=()) -> list[str]:
    """Error findings other than the arithmetic ones naming an injected cell."""
    return [f"{f.rule}: {f.message}" for f in result.findings if f.severity == "error" and not (f.group == "arithmetic" and set(keys) & set(f.cells))]


@pytest.fixture(scope="module")
def injected_pdf(tmp_path_factory):
    """A 2021-layout report with one wrong number, scanned at 200 dpi into an image-only PDF."""
    synthetic, key = inject_error(make_report("2021", 11, **PLAIN), rng=2)
    pages = scan_pages(render(synthetic, "pdf"), Scan(dpi=200, rotation=1.5, seed=1))
    path = tmp_path_factory.mktemp("scan") / "scan-2021.pdf"
    path.write_bytes(image_pdf(pages, 200, created=_created(synthetic)))
    started = time.perf_counter()
    report = load_report(path)
    return synthetic, key, path, report, time.perf_counter() - started


@pytest.fixture(scope="module")
def png_pages(tmp_path_factory):
    """A 2019-layout report without errors, scanned at 150 dpi into a folder of PNG pages."""
    synthetic = make_report("2019", 4, **PLAIN)
    pages = scan_pages(render(synthetic, "pdf"), Scan(dpi=150, rotation=-1.2, seed=2))
    folder = png_folder(pages, tmp_path_factory.mktemp("pages") / "2019_scan", 150)
    return synthetic, folder, load_report(folder)


def test_an_image_only_pdf_reads_back_to_the_known_values(injected_pdf):
    synthetic, key, _, report, _ = injected_pdf
    _check_cells(report, synthetic)
    meta = report.document.meta
    assert report.format == "pdf" and meta["ocr_pages"] == "1, 2, 3" and meta["ocr_dpi"] == "200"
    assert float(meta["ocr_confidence"]) > 0.95
    assert re.fullmatch(r"第1页 [+-]1\.[45]\d°；第2页 [+-]1\.[45]\d°；第3页 [+-]1\.[45]\d°", meta["ocr_skew"])


def test_the_injected_error_is_found_and_no_misread_is_an_error(injected_pdf):
    _, key, _, report, _ = injected_pdf
    result = audit(report)
    arithmetic = [f for f in result.findings if f.group == "arithmetic"]
    assert arithmetic and all(key in f.cells for f in arithmetic)
    assert all(f.severity == "error" for f in arithmetic)  # read with confidence: an error of the report
    assert _errors_outside(result, [key]) == []


def test_every_recognized_value_carries_its_box(injected_pdf):
    _, _, path, report, _ = injected_pdf
    cells = [c for k, c in report.cells.items() if k.startswith(("t3.", "t4.")) and c.value is not None]
    assert cells
    for cell in cells:
        ocr_box = cell.source.ocr
        assert ocr_box is not None and ocr_box.page == cell.source.page
        assert ocr_box.text.replace(" ", "") and ocr_box.image.startswith("data:image/png;base64,")
        x0, top, x1, bottom = ocr_box.box
        assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850  # points on an A4 page
        assert 0 < ocr_box.confidence <= 1


def test_the_png_folder_reads_back_as_one_report(png_pages):
    synthetic, folder, report = png_pages
    _check_cells(report, synthetic)
    assert report.format == "image" and report.source == str(folder)
    assert report.document.meta["ocr_files"] == "第1页 page-1.png；第2页 page-2.png；第3页 page-3.png"
    result = audit(report)
    assert [f.message for f in result.findings if f.group == "arithmetic"] == []
    assert _errors_outside(result) == []
    some = next(c for k, c in report.cells.items() if k.startswith("t3.") and c.source.ocr is not None)
    assert some.source.ocr.file in {"page-1.png", "page-2.png", "page-3.png"}


def test_a_second_reading_comes_from_the_cache(png_pages, tmp_path):
    synthetic, folder, first = png_pages
    started = time.perf_counter()
    again = load_report(folder)
    elapsed = time.perf_counter() - started
    assert again.document.meta["ocr_cached"] == "1, 2, 3" and again.document.meta["ocr_seconds"] == "0.0"
    assert again.values() == first.values()
    assert elapsed < 5  # generous: no recognition at all (benchmarks/bench_ocr.py measures it)
    stored = [json.loads(p.read_text(encoding="utf-8")) for p in ocr_cache.directory().rglob("*.json")]
    assert stored and all(data["format"] == ocr_cache.FORMAT for data in stored)  # plain JSON, never pickle


def test_check_reads_a_folder_of_page_images(png_pages, capsys):
    _, folder, _ = png_pages
    status = main(["check", str(folder), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    data = json.loads(out)["reports"][0]
    assert data["source"] == str(folder) and data["template"] == "2019"


def test_the_memo_says_the_report_was_recognized_and_shows_the_boxes(injected_pdf):
    _, key, _, report, _ = injected_pdf
    sections = dict(memo_sections(MemoContext(audit(report)), appendix=True))
    info = sections["info"]
    for text in ("文字识别（OCR）", "RapidOCR", "ONNX Runtime", "PP-OCRv4", "平均置信度", "倾斜校正"):
        assert text in info
    assert sections["tables"].count('class="xxgk-ocr-hover"') > 100
    assert "<img" in sections["findings"] and sections["appendix"].count("<img") > 100
    html = "".join(sections.values())
    assert set(re.findall(r'<img[^>]* src="([a-z]+:[^;,]*)', html)) == {"data:image/png"}


def test_the_recognizer_never_goes_online(monkeypatch, injected_pdf):
    """The engine is built from the model files inside the installed wheel; with every network
    call failing, a fresh engine still recognizes a page."""

    def offline(*args, **kwargs):
        raise AssertionError("the OCR engine tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", offline)
    monkeypatch.setattr(socket, "create_connection", offline)
    monkeypatch.setattr(socket, "getaddrinfo", offline)
    monkeypatch.setattr(ocr, "_engine", None)
    paths = ocr._model_paths()
    import rapidocr_onnxruntime

    package = rapidocr_onnxruntime.__file__.rsplit("/", 1)[0]
    assert all(p.startswith(package) and p.endswith(".onnx") for p in paths.values())
    synthetic = injected_pdf[0]
    page = scan_pages(render(synthetic, "pdf"), Scan(dpi=150, rotation=0, blur=0, noise=0))[0]
    import numpy as np

    title = np.asarray(page)[: page.height // 6]
    texts = "".join(line.text for line in ocr.recognize(title))
    assert "政府信息公开" in texts


def test_an_invisible_text_layer_over_a_scan_is_set_aside(injected_pdf, tmp_path):
    """A scanner's own OCR layer (invisible text over the page image) is replaced by recognition."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from PIL import Image

    synthetic = injected_pdf[0]
    scanned = scan_pages(render(synthetic, "pdf"), Scan(dpi=150, rotation=0.8, seed=3))[0]
    page = Image.new("L", scanned.size, 255)
    page.paste(scanned.crop((0, 0, scanned.width, scanned.height // 4)))  # the title and the first lines: less to read
    path = tmp_path / "layered.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(page), 0, 0, A4[0], A4[1])
    text = pdf.beginText(72, 700)
    text.setTextRenderMode(3)  # invisible
    text.setFont("Helvetica", 12)
    text.textLine("Scanner OCR layer 123456789 gibberish")
    pdf.drawText(text)
    pdf.save()
    document = load_document(path)
    assert "gibberish" not in " ".join(b.text for b in document.blocks)
    assert any(synthetic.agency in b.text for b in document.blocks)
    assert "隐形文字层" in document.meta["ocr_text_layer"]


def test_a_corpus_pdf_scanned_at_300_dpi_reads_back_to_its_checked_values(tmp_path):
    source = CORPUS / "2023_hongzequ.pdf"
    if not source.exists():
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus scan test needs the shared folder next to the project")
    expected = json.loads((CORPUS / "expected" / "2023_hongzequ.json").read_text(encoding="utf-8"))
    pages = scan_pages(source.read_bytes(), Scan(dpi=300, rotation=1.0, seed=4))
    path = tmp_path / "hongzequ-scan.pdf"
    path.write_bytes(image_pdf(pages, 300, created=datetime(2024, 1, 20)))
    report = load_report(path)
    assert {k: (v, report.value(k)) for k, v in expected["cells"].items() if report.value(k) != v} == {}
    text_layer = audit(load_report(source))
    scanned = audit(report)

    def grave(result):
        return sorted((f.rule, f.severity, f.cells) for f in result.findings if f.severity != "info" and f.rule != "DEADLINE")

    assert grave(scanned) == grave(text_layer)  # the same findings as from the text layer


def test_the_memo_command_makes_the_memo_of_a_scan(injected_pdf, tmp_path):
    """`xxgk-audit memo` hands the audit to its kernel as a snapshot: the recognized boxes travel
    with it (a scan's memo used to fail with "cannot encode a OcrBox")."""
    _, _, path, _, _ = injected_pdf
    assert main(["memo", str(path), "--out-dir", str(tmp_path)]) in (0, 1)
    memo = (tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
    assert "页为扫描图像，已离线识别" in memo and 'alt="识别框图像"' in memo
