"""Page images as a report, with the recognizer replaced by a fixed result: pages, their order,
their resolution, budgets and refusals."""

from __future__ import annotations

import pytest
from PIL import Image

from test_ocr_page import _table_result
from xxgk_audit.errors import InputError
from xxgk_audit.loaders import images, load_document, ocr, ocr_page


@pytest.fixture
def recognized(monkeypatch):
    """The recognizer replaced: every page reads as the small table of test_ocr_page; the calls
    (page number, resolution, the image's file and frame) are recorded."""
    calls = []

    def fake(render, dpi, number, sha256, key_page, file=None):
        gray = render()
        calls.append({"number": number, "dpi": dpi, "file": file, "frame": key_page, "size": gray.shape})
        page, confidence, count = ocr_page.to_page(_table_result(), number, file)
        return ocr_page.Recognized(page, confidence, count, 1.0, False, 0.0)

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr_page, "recognize", fake)
    return calls


def _page(size=(1240, 1754)) -> Image.Image:
    return Image.new("L", size, 250)


def test_a_multi_page_tiff_is_one_report_of_several_pages(tmp_path, recognized):
    path = tmp_path / "scan.tif"
    _page().save(path, save_all=True, append_images=[_page()], dpi=(150, 150))
    document = load_document(path)
    assert document.format == "image" and document.meta["pages"] == "2" and document.meta["ocr_dpi"] == "150"
    assert [(c["number"], c["frame"], c["dpi"]) for c in recognized] == [(1, 1, 150), (2, 2, 150)]
    assert {b.page for b in document.blocks} == {1, 2}
    assert "ocr_files" not in document.meta


def test_a_folder_is_read_in_natural_name_order_and_names_each_page(tmp_path, recognized):
    for name in ("p10.png", "p2.png", "p1.png"):
        _page().save(tmp_path / name, dpi=(200, 200))
    document = load_document(tmp_path)
    assert [c["file"] for c in recognized] == ["p1.png", "p2.png", "p10.png"]
    assert document.meta["ocr_files"] == "第1页 p1.png；第2页 p2.png；第3页 p10.png"
    value = next(c for b in document.blocks if b.kind == "row" and b.page == 3 for c in b.cells if c.text == "12")
    assert value.ocr.file == "p10.png" and value.ocr.page == 3
    again = load_document(tmp_path)
    assert again.sha256 == document.sha256  # the folder's identity: its file names and contents
    (tmp_path / "p2.png").write_bytes((tmp_path / "p1.png").read_bytes() + b"\0")
    assert load_document(tmp_path).sha256 != document.sha256


@pytest.mark.parametrize(
    ("size", "dpi", "expected"),
    [
        ((1654, 2339), (200, 200), (200, 1.0)),  # stated and plausible
        ((3508, 4961), (600, 600), (300, 0.5)),  # finer than needed: brought down to 300
        ((3000, 4000), (72, 72), (300, 300 / (4000 / (842 / 72)))),  # a phone's 72 dpi: taken for A4
        ((1240, 1754), None, (150, 1.0)),  # nothing stated: A4
    ],
)
def test_the_resolution_comes_from_the_image_or_the_a4_page(size, dpi, expected):
    image = _page(size)
    if dpi:
        image.info["dpi"] = dpi
    resolution, scale = images._resolution(image)
    assert resolution == expected[0] and scale == pytest.approx(expected[1], rel=1e-3)


def test_a_page_image_is_scaled_before_recognition(tmp_path, recognized):
    path = tmp_path / "fine.png"
    _page((2480, 3508)).save(path, dpi=(600, 600))
    load_document(path)
    assert recognized[0]["dpi"] == 300 and recognized[0]["size"] == (1754, 1240)


def test_oversized_and_broken_images_are_refused(tmp_path, recognized, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    path = tmp_path / "big.png"
    _page((100, 100)).save(path)
    with pytest.raises(InputError, match="图片尺寸异常（100×100 像素）"):
        load_document(path)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError, match="^.*PNG 图片已损坏或格式不受支持，无法读取$"):
        load_document(broken)
    assert recognized == []


def test_too_many_pages_are_refused_before_recognition(tmp_path, recognized, monkeypatch):
    from xxgk_audit.loaders import scans

    monkeypatch.setattr(scans, "MAX_OCR_PAGES", 2)
    for n in (1, 2, 3):
        _page((40, 60)).save(tmp_path / f"p{n}.png")
    with pytest.raises(InputError, match="3 张图片，超过文字识别 2 页的上限"):
        load_document(tmp_path)
    assert recognized == []
