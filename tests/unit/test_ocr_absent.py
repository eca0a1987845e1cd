"""Without the OCR extra (simulated: its import fails), scans are refused as before, and the message
names the install command; a broken installation never fetches a model."""

from __future__ import annotations

import sys

import pytest
from PIL import Image, ImageDraw

from xxgk_audit.cli import main
from xxgk_audit.errors import InputError
from xxgk_audit.loaders import load_document, ocr

INSTALL = 'pip install "xxgk-audit[ocr]"'


@pytest.fixture
def no_ocr(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import rapidocr_onnxruntime → ImportError
    monkeypatch.setattr(ocr, "_engine", None)
    assert not ocr.available()


def _page_image() -> Image.Image:
    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle([60, 80 + row * 30, 560, 92 + row * 30], fill=40)
    return image


def _refusal(path) -> str:
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert "\n" not in caught.value.reason
    return caught.value.reason


def _scanned_pdf() -> bytes:
    import io

    buffer = io.BytesIO()
    _page_image().save(buffer, "PDF", resolution=75)
    return buffer.getvalue()


@pytest.mark.parametrize(("suffix", "fmt", "kind"), [(".png", "PNG", "PNG 图片"), (".jpg", "JPEG", "JPEG 图片"), (".tif", "TIFF", "TIFF 图片")])
def test_an_image_is_refused_with_the_install_command(no_ocr, tmp_path, suffix, fmt, kind):
    path = tmp_path / f"scan{suffix}"
    _page_image().save(path, fmt)
    reason = _refusal(path)
    assert reason == f"这是{kind}，不是文字报告：请先进行文字识别（OCR）或提供网页、PDF、Word 版本（安装文字识别扩展后可直接审核扫描件：{INSTALL}）"


def test_a_scanned_pdf_is_refused_with_the_install_command(no_ocr, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scanned_pdf())
    assert _refusal(path) == f"PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR）（安装文字识别扩展后可直接审核扫描件：{INSTALL}）"


def test_a_folder_of_page_images_is_refused_with_the_install_command(no_ocr, tmp_path):
    for n in (1, 2):
        _page_image().save(tmp_path / f"p{n}.png")
    reason = _refusal(tmp_path)
    assert reason.startswith("这是扫描页图片文件夹（2 张图片），不是文字报告：请先进行文字识别（OCR）") and INSTALL in reason


def test_other_folders_are_refused_as_before(tmp_path):
    (tmp_path / "p1.png").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert _refusal(tmp_path) == "这是文件夹，不是报告文件（批量审核请用 xxgk-audit batch）"
    assert _refusal(tmp_path / "p1.png") == "文件为空"


def test_check_prints_one_line_naming_the_install_command(no_ocr, tmp_path, capsys):
    from helpers import SAMPLE

    path = tmp_path / "scan.png"
    _page_image().save(path)
    status = main(["check", str(path), str(SAMPLE)])
    out, err = capsys.readouterr()
    assert status == 2
    refusal, summary = err.strip().splitlines()  # the refusal, then the summary line of several reports
    assert refusal == f"{path}: 这是PNG 图片，不是文字报告：请先进行文字识别（OCR）或提供网页、PDF、Word 版本（安装文字识别扩展后可直接审核扫描件：{INSTALL}）"
    assert summary.endswith("1 份无法读取")
    assert "睢县工业和信息化和科技局" in out


def test_a_missing_model_file_is_refused_never_fetched(monkeypatch, tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason="needs the OCR extra installed")
    monkeypatch.setattr(ocr, "_engine", None)
    monkeypatch.setitem(ocr.MODELS, "rec", "models/missing_rec.onnx")
    with pytest.raises(ocr.OcrUnavailable, match="文字识别模型文件缺失"):
        ocr._get_engine()
    path = tmp_path / "scan.png"
    _page_image().save(path)
    monkeypatch.setenv("XXGK_AUDIT_OCR_CACHE", "off")
    reason = _refusal(path)
    assert reason.startswith("文字识别模型文件缺失") and INSTALL in reason


def test_the_batch_takes_a_folder_of_page_images_as_one_report(tmp_path):
    from helpers import SAMPLE
    from xxgk_audit.batch.discover import find_inputs

    scans = tmp_path / "in" / "2023_某局扫描件"
    scans.mkdir(parents=True)
    for n in (1, 2, 10):
        _page_image().save(scans / f"page{n}.png")
    (tmp_path / "in" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "in" / "a.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    found = find_inputs([tmp_path / "in"], tmp_path / "out")
    assert sorted(found.files) == sorted([str(tmp_path / "in" / "a.txt"), str(scans)])


def test_page_images_are_in_natural_name_order(tmp_path):
    from xxgk_audit.loaders.images import folder_pages

    for name in ("page10.png", "page2.png", "Page1.PNG", ".DS_Store", "Thumbs.db"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.rsplit("/", 1)[-1] for p in folder_pages(str(tmp_path))] == ["Page1.PNG", "page2.png", "page10.png"]


def test_the_app_offers_images_and_a_folder_of_page_images_as_reports(tmp_path, monkeypatch):
    from xxgk_audit import paths

    monkeypatch.setenv(paths.INBOX_ENV, str(tmp_path))
    scans = tmp_path / "扫描件"
    scans.mkdir()
    for n in (1, 2):
        _page_image().save(scans / f"p{n}.png")
    _page_image().save(tmp_path / "photo.jpg")
    chosen = {label for label, _ in paths.report_choices() if label.startswith(str(tmp_path))}
    assert chosen == {str(scans), str(tmp_path / "photo.jpg")}
