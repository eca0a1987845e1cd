"""A value recognized by OCR and marked as possibly misread: an equation that fails only through it is
a warning naming the possible misread, with the box image; a confident value keeps the error."""

from __future__ import annotations

import re

import numpy as np
import pytest

from memo_inputs import arithmetic_error_text, write_report
from xxgk_audit import audit, load_report
from xxgk_audit.document import OcrBox
from xxgk_audit.loaders import raster
from xxgk_audit.render import MemoContext, _highlights, location_html, memo_sections, official_table_html

KEY = "t3.new.total"  # 5 where every column of the row is 0: T3-ROW-TOTAL and T3-BAL (总计) fail


def _image() -> str:
    page = np.full((40, 60), 240, dtype=np.uint8)
    page[10:30, 20:35] = 10
    return raster.crop_uri(page, (15, 5, 40, 35))


def _scanned(tmp_path, suspect, readings, confidence=0.93, image=None):
    report = load_report(write_report(tmp_path, "scan.txt", arithmetic_error_text()))
    report.meta["ocr_engine"] = "RapidOCR（测试）"
    source = report.cells[KEY].source
    source.ocr = OcrBox(2, (300.0, 200.0, 320.0, 212.0), source.text, confidence, suspect, tuple(readings), image if image is not None else _image())
    return report


def _arithmetic(result):
    return [f for f in result.findings if f.group == "arithmetic"]


def test_the_failures_are_errors_when_no_value_was_recognized(tmp_path):
    result = audit(load_report(write_report(tmp_path, "a.txt", arithmetic_error_text())))
    assert {f.rule for f in _arithmetic(result)} == {"T3-ROW-TOTAL", "T3-BAL"}
    assert all(f.severity == "error" for f in _arithmetic(result))


def test_a_possible_misread_that_balances_the_equation_is_a_warning(tmp_path):
    result = audit(_scanned(tmp_path, "confusable", ("6", "0")))
    found = _arithmetic(result)
    assert {f.rule for f in found} == {"T3-ROW-TOTAL", "T3-BAL"}
    for finding in found:
        assert finding.severity == "warning"
        assert "扫描件文字识别（OCR）的结果“5”" in finding.message and "原件可能是“0”" in finding.message
        assert "可能是识别错误而非报告错误" in finding.message
        located = next(loc for loc in finding.locations if loc.cell == KEY)
        assert located.ocr is not None and located.ocr.suspect == "confusable"
        assert located.to_dict()["ocr"] == {"box": [300.0, 200.0, 320.0, 212.0], "text": "5", "confidence": 0.93, "suspect": "confusable"}
    assert not result.has_errors


def test_a_confident_value_keeps_the_error(tmp_path):
    result = audit(_scanned(tmp_path, None, (), confidence=0.999))
    assert {f.severity for f in _arithmetic(result)} == {"error"}
    assert all("识别错误" not in f.message for f in _arithmetic(result))


def test_a_misread_that_cannot_explain_the_gap_keeps_the_error(tmp_path):
    result = audit(_scanned(tmp_path, "confusable", ("6", "8")))  # neither reading balances (0 needed)
    assert {f.severity for f in _arithmetic(result)} == {"error"}


def test_a_regraded_rule_keeps_its_grade(tmp_path):
    result = audit(_scanned(tmp_path, "confusable", ("0",)), severities={"T3-BAL": "info"})
    assert {f.severity for f in result.by_rule("T3-BAL")} == {"info"}
    assert {f.severity for f in result.by_rule("T3-ROW-TOTAL")} == {"warning"}


def test_the_memo_shows_the_box_in_the_evidence_the_appendix_and_the_table(tmp_path):
    report = _scanned(tmp_path, "confusable", ("0",))
    result = audit(report)
    finding = result.by_rule("T3-ROW-TOTAL")[0]
    evidence = location_html(finding)
    assert evidence.count("<img") == 1 and 'src="data:image/png;base64,' in evidence
    assert "置信度0.93" in evidence and "可能误识" in evidence
    sections = dict(memo_sections(MemoContext(result), appendix=True))
    assert "文字识别（OCR）" in sections["info"] and "RapidOCR（测试）" in sections["info"]
    assert "1 个数值可能误识" in sections["info"]
    assert sections["appendix"].count("<img") == 1
    table = official_table_html(report, "t3", _highlights(result))
    assert table.count('class="xxgk-ocr-hover"') == 1 and "xxgk-cell-ocr-suspect" in table
    assert re.search(r"<td[^>]*>0</td>", table)  # other values as before, escaped text


def test_check_says_which_values_were_recognized(tmp_path):
    from xxgk_audit.output import render_text

    report = _scanned(tmp_path, "confusable", ("0",))
    report.meta.update(ocr_pages="1, 2", ocr_confidence="0.987")
    text = render_text([audit(report)], [])
    assert "扫描件：第1、2页经文字识别（RapidOCR（测试）），平均置信度 0.987" in text
    assert "原文“5”（识别置信度0.93，可能误识）" in text


@pytest.mark.parametrize("bad", ['data:image/png;base64,AAAA" onerror="alert(1)', "data:text/html;base64,PGI+", "https://example.org/x.png"])
def test_only_png_data_uris_become_images(tmp_path, bad):
    report = _scanned(tmp_path, "confusable", ("0",), image=bad)
    result = audit(report)
    html = location_html(result.by_rule("T3-ROW-TOTAL")[0]) + dict(memo_sections(MemoContext(result), appendix=True))["appendix"]
    html += official_table_html(report, "t3", _highlights(result))
    assert "<img" not in html and "onerror" not in html and "example.org" not in html
