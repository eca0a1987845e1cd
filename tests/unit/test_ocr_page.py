"""A recognized page without the recognizer: recognition results (as the cache stores them) become
characters and rules, ruled tables with OCR provenance on every cell, and a judgement of each value."""

from __future__ import annotations

import json

import numpy as np
import pytest

from xxgk_audit.document import OcrBox
from xxgk_audit.loaders import ocr_cache, ocr_page, raster
from xxgk_audit.loaders.pdf import _Reader

DPI = 144  # 2 pixels per point


def _line(box, text, probabilities=None, image=""):
    """A recognized line as the recognizer reports it: characters spread evenly along the box."""
    probabilities = probabilities or [0.999] * len(text)
    chars = [[c, round((i + 0.5) / len(text), 4), p, "", 0.0] for i, (c, p) in enumerate(zip(text, probabilities))]
    return {"box": list(box), "text": text, "confidence": round(sum(probabilities) / len(text), 4), "chars": chars, "image": image}


def _table_result():
    """A title line and a 2 × 3 ruled table (label, two values), in pixels at 144 dpi."""
    xs, ys = [100, 400, 560, 720], [300, 360, 420]
    rules = [["h", y, xs[0], xs[-1]] for y in ys] + [["v", x, ys[0], ys[-1]] for x in xs]
    image = "data:image/png;base64,iVBORw0KGgo="
    lines = [
        _line((120, 200, 700, 240), "某局2023年政府信息公开工作年度报告"),
        _line((110, 315, 390, 345), "本年新收申请"),
        _line((440, 315, 520, 345), "12", image=image),
        _line((600, 315, 680, 345), "8", [0.93], image=image),
        _line((110, 375, 390, 405), "上年结转"),
        _line((440, 375, 520, 405), "1280", image=image),
        _line((600, 375, 680, 405), "0", image=image),
    ]
    return {"dpi": DPI, "width": 800, "height": 1000, "angle": 0.0, "lines": lines, "rules": rules}


def _read(result):
    page, confidence, count = ocr_page.to_page(result, 1)
    reader = _Reader()
    reader.page(page)
    return reader, page, confidence, count


def test_a_recognized_page_reads_as_a_text_layer_page_with_provenance_on_every_cell():
    reader, page, confidence, count = _read(_table_result())
    assert len(page.vertical) == 4 and len(page.horizontal) == 3
    assert page.horizontal[0].top == pytest.approx(150.0)  # pixels at 144 dpi → points
    blocks = reader.blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("text", "某局2023年政府信息公开工作年度报告"),
        ("row", "本年新收申请 | 12 | 8"),
        ("row", "上年结转 | 1280 | 0"),
    ]
    label, first, second = blocks[1].cells
    assert isinstance(first.ocr, OcrBox)
    assert first.ocr.page == 1 and first.ocr.text == "12" and first.ocr.confidence == pytest.approx(0.999)
    assert first.ocr.box == pytest.approx((220.0, 157.5, 260.0, 172.5), abs=0.6)
    assert first.ocr.image.startswith("data:image/png;base64,") and first.ocr.suspect is None
    assert second.ocr.suspect == "confusable" and set(second.ocr.readings) == {"0", "6"}
    assert label.ocr is not None and label.ocr.image == ""  # labels carry no image
    assert count == sum(len(line["text"]) for line in _table_result()["lines"])
    assert 0.99 < confidence < 1.0
    assert "1280" in reader.pages[1]  # the page text, for SOURCE-GATE


def _chars(text, probabilities, alternatives=()):
    line = ocr_page._Line(1, (0, 0, 10, 10), text, 0.9, "", None)
    alternatives = list(alternatives) or [("", 0.0)] * len(text)
    return [ocr_page.OcrChar(c, i, i + 1, 0, 10, 6, line, p, a, q) for i, (c, p, (a, q)) in enumerate(zip(text, probabilities, alternatives))]


def test_a_sure_value_is_not_suspect():
    assert ocr_page.judge(_chars("1280", [0.999, 0.998, 0.999, 0.997])) == (None, ())


def test_an_unsure_digit_of_a_typical_confusion_gives_its_partners_as_readings():
    suspect, readings = ocr_page.judge(_chars("165", [0.999, 0.95, 0.999]))
    assert suspect == "confusable"
    assert set(readings) == {"105", "185", "155"}


def test_a_runner_up_digit_is_a_reading_too():
    suspect, readings = ocr_page.judge(_chars("37", [0.999, 0.99], [("", 0.0), ("1", 0.02)]))
    assert suspect == "confusable" and readings == ("31",)
    suspect, readings = ocr_page.judge(_chars("32", [0.999, 0.99], [("", 0.0), ("3", 0.02)]))
    assert suspect is None  # 2/3 is no typical confusion, and the recognizer was sure enough


def test_low_confidence_allows_any_digit_where_unsure():
    suspect, readings = ocr_page.judge(_chars("42", [0.99, 0.55]))
    assert suspect == "low"
    assert {"40", "41", "43", "49"} <= set(readings) and "42" not in readings


def test_text_without_digits_is_never_suspect():
    assert ocr_page.judge(_chars("无", [0.4])) == (None, ())


def test_two_unsure_digits_combine():
    suspect, readings = ocr_page.judge(_chars("66", [0.9, 0.9]))
    assert suspect == "confusable"
    assert {"06", "86", "56", "60", "68", "65", "00", "88", "58", "85"} <= set(readings)


def test_a_cell_read_from_two_boxes_shows_both_images():
    page = np.full((60, 200), 240, dtype=np.uint8)
    left, right = raster.crop_uri(page, (10, 10, 40, 40)), raster.crop_uri(page, (60, 10, 120, 40))
    result = {"dpi": 72, "lines": [_line((10, 10, 40, 40), "15", image=left), _line((60, 10, 120, 40), "563", image=right)], "rules": []}
    page_, _, _ = ocr_page.to_page(result, 3, "p3.png")
    evidence = ocr_page.cell_evidence(page_.chars, "15 563")
    assert evidence.page == 3 and evidence.file == "p3.png"
    assert evidence.box == (10.0, 10.0, 120.0, 40.0)
    assert evidence.text == "15 563"
    assert evidence.image not in (left, right) and evidence.image.startswith("data:image/png;base64,")


def test_meta_reports_engine_pages_confidence_and_skew(monkeypatch):
    from xxgk_audit.loaders import ocr

    monkeypatch.setattr(ocr, "versions", lambda: {"rapidocr-onnxruntime": "1.4.4", "onnxruntime": "1.20.0"})
    page = ocr_page.to_page(_table_result(), 1)[0]
    pages = {
        1: ocr_page.Recognized(page, 0.99, 100, 2.5, False, 1.5),
        2: ocr_page.Recognized(page, 0.95, 100, 0.0, True, 0.0),
    }
    meta = ocr_page.meta(pages, 200, {1: "a.png", 2: "b.png"})
    assert meta["ocr_engine"] == "RapidOCR 1.4.4（ONNX Runtime 1.20.0）"
    assert meta["ocr_pages"] == "1, 2" and meta["ocr_cached"] == "2" and meta["ocr_dpi"] == "200"
    assert meta["ocr_confidence"] == "0.970" and meta["ocr_seconds"] == "2.5"
    assert meta["ocr_skew"] == "第1页 +1.50°" and meta["ocr_files"] == "第1页 a.png；第2页 b.png"
    assert all(isinstance(v, str) for v in meta.values())


# -- the cache ---------------------------------------------------------------------------------
def test_the_cache_stores_json_per_file_page_resolution_and_engine(tmp_path, monkeypatch):
    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    result = _table_result()
    ocr_cache.write("ab" * 32, 2, DPI, "engine-1", result)
    files = list(tmp_path.rglob("*.json"))
    assert [f.name for f in files] == [f"{'ab' * 32}-p2-{DPI}dpi-engine-1.json"]
    assert json.loads(files[0].read_text(encoding="utf-8"))["lines"] == result["lines"]  # plain JSON
    assert ocr_cache.read("ab" * 32, 2, DPI, "engine-1")["rules"] == result["rules"]
    assert ocr_cache.read("ab" * 32, 2, DPI, "engine-2") is None
    assert ocr_cache.read("ab" * 32, 1, DPI, "engine-1") is None
    assert ocr_cache.read("ab" * 32, 2, 300, "engine-1") is None


def test_a_damaged_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    target = ocr_cache.path("cd" * 32, 1, DPI, "e")
    target.parent.mkdir(parents=True)
    target.write_text("{not json", encoding="utf-8")
    assert ocr_cache.read("cd" * 32, 1, DPI, "e") is None
    target.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    assert ocr_cache.read("cd" * 32, 1, DPI, "e") is None


def test_the_cache_can_be_switched_off_and_defaults_to_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(ocr_cache.ENV, "off")
    assert ocr_cache.directory() is None
    ocr_cache.write("ef" * 32, 1, DPI, "e", _table_result())
    assert ocr_cache.read("ef" * 32, 1, DPI, "e") is None
    monkeypatch.delenv(ocr_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ocr_cache.directory() == tmp_path / "xxgk-audit" / "ocr"


def test_a_cached_page_is_not_recognized_again(tmp_path, monkeypatch):
    from xxgk_audit.loaders import ocr

    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    monkeypatch.setattr(ocr, "engine_key", lambda: "test-engine")
    calls = []

    def run(gray, dpi):
        calls.append(dpi)
        return _table_result()

    monkeypatch.setattr(ocr_page, "run", run)
    first = ocr_page.recognize(lambda: np.zeros((4, 4), np.uint8), DPI, 1, "12" * 32, 1)
    second = ocr_page.recognize(lambda: pytest.fail("rendered although cached"), DPI, 1, "12" * 32, 1)
    assert calls == [DPI]
    assert not first.cached and second.cached and second.seconds == 0.0
    assert [c.text for c in second.page.chars] == [c.text for c in first.page.chars]


def test_a_cache_file_with_damaged_content_is_recognized_again(tmp_path, monkeypatch):
    from xxgk_audit.loaders import ocr

    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    monkeypatch.setattr(ocr, "engine_key", lambda: "test-engine")
    ocr_cache.write("34" * 32, 1, DPI, "test-engine", {"lines": [{"box": "x"}], "rules": [], "angle": 0})
    monkeypatch.setattr(ocr_page, "run", lambda gray, dpi: _table_result())
    again = ocr_page.recognize(lambda: np.zeros((4, 4), np.uint8), DPI, 1, "34" * 32, 1)
    assert not again.cached and len(again.page.chars) > 10
    assert ocr_cache.read("34" * 32, 1, DPI, "test-engine")["lines"] == _table_result()["lines"]  # rewritten


def test_a_bare_page_number_in_the_margin_is_dropped_but_not_the_last_row_of_a_table():
    rules = [["h", 700, 100, 600], ["v", 100, 700, 940], ["v", 400, 700, 940], ["v", 600, 700, 940]]  # open at the page break
    lines = [
        _line((120, 905, 380, 935), "2.没有现成信息"),
        _line((480, 905, 520, 935), "3"),  # a value in the margin, inside the table
        _line((340, 960, 380, 990), "3"),  # the page number "- 3 -" read without its dashes
    ]
    page, _, _ = ocr_page.to_page({"dpi": 72, "height": 1000, "width": 700, "lines": lines, "rules": rules}, 3)
    assert [c.text for c in page.chars].count("3") == 1
    assert any(c.text == "3" and c.x0 >= 480 for c in page.chars)


def test_a_number_box_a_digit_too_wide_may_hide_a_doubled_digit():
    """CTC merges a digit printed twice in a row ("331" read "31"): the box is wider than the
    page's other numbers of as many digits."""
    rules = []
    lines = []
    for i, text in enumerate(["0", "5", "7", "0", "12", "40", "18", "65", "103", "250", "999"]):
        width = 26 + 9.5 * len(text)
        lines.append(_line((100, 100 + 40 * i, 100 + width, 130 + 40 * i), text))
    lines.append(_line((300, 100, 300 + 26 + 9.5 * 3, 130), "31"))  # as wide as three digits
    page, _, _ = ocr_page.to_page({"dpi": 72, "height": 1000, "lines": lines, "rules": rules}, 1)
    wide = [c for c in page.chars if c.line.text == "31"]
    suspect, readings = ocr_page.judge(wide, wide[0].line.digits_off)
    assert suspect == "width" and readings[:2] == ("331", "311")
    assert all(c.line.digits_off == 0.0 for c in page.chars if c.line.text != "31")
    evidence = ocr_page.cell_evidence(wide, "31")
    assert evidence.suspect == "width" and "331" in evidence.readings


def _ruled_page():
    """A gray page with a ruled 1 × 3 table (pixels at 72 dpi: points) and ink in its cells."""
    page = np.full((300, 400), 250, dtype=np.uint8)
    for y in (100, 160):
        page[y : y + 2, 50:350] = 0
    for x in (50, 150, 250, 348):
        page[100:162, x : x + 2] = 0
    page[115:145, 195:199] = 20  # a thin "1" in the middle cell, which the detector missed
    return page


def test_a_cell_with_ink_but_no_line_is_read_on_its_own(monkeypatch):
    from xxgk_audit.loaders import ocr, raster

    segments = raster.ruling_lines(_ruled_page(), 10, 3)
    rules = [[s.orientation, s.position, s.start, s.end] for s in segments]
    seen = []

    def read(crops):
        seen.extend(crop.shape for crop in crops)
        return [ocr.Line([[0, 0], [4, 0], [4, 30], [0, 30]], "1", 0.98, [["1", 0.5, 0.98, "7", 0.01, 0.99]])]

    monkeypatch.setattr(ocr, "recognize_crops", read)
    found = ocr_page._second_look(_ruled_page(), 72, rules, [_line((60, 115, 140, 145), "本年新收")])
    assert len(seen) == 1 and seen[0][0] > 30  # one crop: the middle cell's ink and a margin
    assert [(line["text"], line["second_look"]) for line in found] == [("1", True)]
    assert found[0]["box"] == [195.0, 115.0, 199.0, 145.0] and found[0]["image"].startswith("data:image/png")


def test_what_the_second_look_reads_is_taken_only_if_it_is_a_number(monkeypatch):
    from xxgk_audit.loaders import ocr, raster

    rules = [[s.orientation, s.position, s.start, s.end] for s in raster.ruling_lines(_ruled_page(), 10, 3)]
    monkeypatch.setattr(ocr, "recognize_crops", lambda crops: [ocr.Line([], "丨", 0.6, [["丨", 0.5, 0.6, "", 0.0]]) for _ in crops])
    assert ocr_page._second_look(_ruled_page(), 72, rules, []) == []


def test_a_numeral_lost_before_its_comma_is_read_again(monkeypatch):
    from xxgk_audit.loaders import ocr

    page = np.full((100, 400), 250, dtype=np.uint8)
    lines = [_line((60, 20, 300, 50), "、上年结转"), _line((60, 60, 300, 90), "、的")]
    answers = iter([ocr.Line([], "二、上年结转", 0.99, [["二", 0.05, 0.9, "", 0.0]]), ocr.Line([], "的", 0.99, [])])
    monkeypatch.setattr(ocr, "recognize_crops", lambda crops: [next(answers) for _ in crops])
    ocr_page._ordinals(page, lines)
    assert lines[0]["text"] == "二、上年结转" and lines[0]["box"][0] < 60
    assert lines[1]["text"] == "、的"  # read differently: left as it was
