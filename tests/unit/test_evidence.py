"""Evidence beside each finding: the PDF page region with the cells outlined, the printed rows marked."""

from __future__ import annotations

import base64
import io
import random
import re

import pytest
from PIL import Image, ImageStat

from helpers import sample_text, set_row_value
from memo_inputs import hostile_text
from synth import inject_error, make_report, write
from xxgk_audit import audit, load_report
from xxgk_audit.evidence import EvidenceSource, evidence_for, evidence_map, has_evidence
from xxgk_audit.render import MemoContext, findings_html


def png_of(html: str) -> Image.Image:
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert data, html[:300]
    return Image.open(io.BytesIO(base64.b64decode(data[1]))).convert("RGB")


def red_pixels(image: Image.Image) -> int:
    import numpy as np

    pixels = np.asarray(image.convert("RGB")).astype(int)
    return int(((pixels[..., 0] > 170) & (pixels[..., 1] < 70) & (pixels[..., 2] < 70)).sum())


@pytest.fixture(scope="module")
def pdf_audit(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    report, key = inject_error(make_report("2021", 5, variety=False), random.Random(3))
    path = write(report, "pdf", folder, name="bad")
    loaded = load_report(str(path))
    return loaded, audit(loaded), key


def test_pdf_cells_keep_their_box(pdf_audit):
    report, _, key = pdf_audit
    numbers = [c for c in report.cells.values() if c.status == "number"]
    assert numbers and all(c.source.bbox is not None and c.source.page for c in numbers)
    x0, top, x1, bottom = report.cells[key].source.bbox
    assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850


def test_a_pdf_finding_shows_its_page_region_with_the_cells_outlined(pdf_audit):
    report, result, key = pdf_audit
    finding = next(f for f in result.findings if key in f.cells and f.severity == "error")
    source = EvidenceSource.open(report)
    try:
        shown = evidence_for(source, finding)
    finally:
        source.close()
    assert shown is not None and shown.png is not None and "红框" in shown.caption
    image = Image.open(io.BytesIO(shown.png)).convert("RGB")
    assert 200 < image.width < 1400 and 20 < image.height < 1400
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20  # a page region, not a blank
    assert red_pixels(image) > 100  # the outlines


def test_the_memo_embeds_the_image_and_stays_short(pdf_audit):
    report, result, _ = pdf_audit
    html = findings_html(MemoContext(result))
    assert html.count('class="xxgk-evidence-row"') == sum(1 for f in result.findings if f.severity in ("error", "warning") and has_evidence(report, f))
    assert red_pixels(png_of(html)) > 100
    assert "http" not in re.sub(r'src="data:[^"]+"', "", html).split("xxgk-evidence")[1][:2000]
    assert 'xxgk-evidence-row' not in findings_html(MemoContext(result, evidence=False))


def test_text_reports_show_the_printed_rows_with_the_cells_marked(tmp_path):
    path = tmp_path / "arith.txt"
    path.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), encoding="utf-8")
    report = load_report(str(path))
    result = audit(report)
    finding = result.by_rule("T3-ROW-TOTAL")[0]
    shown = evidence_map(report, [finding])[finding.fingerprint]
    line = report.cells["t3.new.total"].source.line
    assert f"第{line}行" in shown
    row = re.search(rf'<span class="xxgk-ev-where">第{line}行</span>(.*?)</div>', shown)[1]
    marked = re.findall(r'class="xxgk-ev-cell xxgk-ev-mark">([^<]*)<', row)
    assert sorted(marked) == sorted(report.cells[k].raw for k in finding.cells) and len(marked) == 7
    assert marked[-1] == "5"  # printed last: 总计
    assert "一、本年新收政府信息公开申请数量" in row and "xxgk-ev-mark\">一、" not in row  # the label is shown, not marked


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_other_formats_mark_the_right_cells(tmp_path, fmt):
    report, key = inject_error(make_report("2021", 11, variety=False), random.Random(5))
    loaded = load_report(str(write(report, fmt, tmp_path, name="r")))
    result = audit(loaded)
    finding = next(f for f in result.findings if key in f.cells)
    html = evidence_map(loaded, [finding])[finding.fingerprint]
    marked = re.findall(r'xxgk-ev-mark">([^<]*)<', html)
    assert loaded.cells[key].raw in marked


def test_a_changed_or_missing_file_shows_nothing_but_says_why(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), encoding="utf-8")
    report = load_report(str(path))
    result = audit(report)
    report.document = None  # as in a memo made from a snapshot
    path.write_text(sample_text(), encoding="utf-8")
    shown = evidence_map(report, result.findings)
    assert shown and all("原文件已改变" in html for html in shown.values())
    path.unlink()
    assert all("原文件已不在原处" in html for html in evidence_map(report, result.findings).values())


def test_report_text_in_the_evidence_is_escaped(tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(hostile_text(), encoding="utf-8")
    report = load_report(str(path))
    html = "".join(evidence_map(report, audit(report).findings).values())
    assert html and "<img" not in html and "<script" not in html and "&lt;img" in html
