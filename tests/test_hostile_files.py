"""Hostile files (issue 11): each loader keeps to its budget and refuses past it with one line
naming the file. Every hostile file is generated here (tests/hostile.py), small on disk, and read
in a child process under a memory cap and a time limit: without the budgets these took 2–5 GB."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from helpers import SAMPLE, sample_text, set_row_value
from hostile import (
    cjk_pdf,
    docx_lying_header,
    html_span_flood,
    load_limited,
    pdf_content_bomb,
    pdf_inline_image_bomb,
    pdf_nested_forms,
    pdf_text_operator_flood,
    run_limited,
)

MEMORY_MB = 768  # a real report loads within 150 MB of address space
SECONDS = 60


def refused_within_limits(path, fragment: str) -> str:
    outcome = load_limited(path, MEMORY_MB, SECONDS)
    assert "refused" in outcome, outcome
    assert fragment in outcome["refused"] and "\n" not in outcome["refused"], outcome
    assert outcome["path"] == str(path)
    return outcome["refused"]


def check(*paths, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "check", *map(str, paths)], capture_output=True, text=True, encoding="utf-8", timeout=timeout)


# -- not a regular file ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["device", "link to a device", "fifo"])
def test_only_regular_files_are_reports(tmp_path, kind):
    if kind == "device":
        path = "/dev/zero"
    elif kind == "link to a device":
        path = tmp_path / "zero.txt"
        os.symlink("/dev/zero", path)
    else:
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)  # nobody writes: reading would wait forever
    started = time.monotonic()
    proc = check(path, SAMPLE, timeout=30)
    assert time.monotonic() - started < 30
    lines = proc.stderr.strip().splitlines()  # one line for the file, then the summary of the two
    assert proc.returncode == 2 and len(lines) == 2 and lines[0].startswith(f"{path}: ") and "不是普通文件" in lines[0], proc.stderr
    assert lines[1].startswith("2 份报告")
    assert "睢县工业和信息化和科技局" in proc.stdout


def test_batch_discovery_refuses_what_is_no_regular_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(sample_text(), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink("/dev/zero", folder / "zero")  # no suffix: never opened to be sniffed either
    proc = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "batch", str(folder), "--out-dir", str(tmp_path / "out")], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2, proc.stderr
    refused = [line for line in proc.stderr.splitlines() if "不是普通文件" in line]
    assert sorted(line.split(": ")[0] for line in refused) == [str(folder / "pipe.txt"), str(folder / "zero.txt")]
    reports = (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8-sig")
    assert "a.txt" in reports and reports.count("unreadable") == 2


# -- PDF ---------------------------------------------------------------------------------------------------

def test_pdf_content_stream_bomb(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_content_bomb(1500))  # 1.5 MB on disk, 1.5 GB inflated
    assert path.stat().st_size < 2 * 1024 * 1024
    refused_within_limits(path, "页面内容解压后过大")


@pytest.mark.parametrize("megabytes, fragment", [(120, "页面内容解压后过大"), (12, "不像是一份年度报告")])
def test_pdf_text_operator_flood(tmp_path, megabytes, fragment):
    """120 MB of text operators took 2.3 GB and 21 s; 12 MB stay under the byte budget but not
    under the operator budget (they make 2.6 million characters)."""
    path = tmp_path / "flood.pdf"
    path.write_bytes(pdf_text_operator_flood(megabytes))
    refused_within_limits(path, fragment)


def test_pdf_inline_image_bomb(tmp_path):
    path = tmp_path / "inline.pdf"
    path.write_bytes(pdf_inline_image_bomb(1500))  # 12 KB on disk: PDFium would inflate it to find its end
    refused_within_limits(path, "解压后过大")


def test_pdf_forms_drawing_forms(tmp_path):
    path = tmp_path / "forms.pdf"
    path.write_bytes(pdf_nested_forms(7, 10))  # ten million text runs from a few hundred bytes
    refused_within_limits(path, "指令过多")


def test_pdf_within_budget_still_reads(tmp_path):
    """A report page with 8 MB of content and a form drawn 50 times is no attack: it is read."""
    import zlib

    from hostile import pdf_stream

    lines = [line.replace("\t", " ") for line in sample_text().splitlines() if line.strip()][:50]
    form = pdf_stream(zlib.compress(b"0 0 m 10 10 l S\n" * 100), b"/Type /XObject /Subtype /Form /BBox [0 0 600 800]")
    path = tmp_path / "fine.pdf"
    path.write_bytes(cjk_pdf(lines, content_extra=b" " * (8 * 1024 * 1024) + b"q /Fm Do Q\n" * 50, resources_extra=b"/XObject << /Fm 9 0 R >>", extra_objects=[form]))
    outcome = load_limited(path, MEMORY_MB, SECONDS)
    assert "loaded" in outcome, outcome


def test_pdf_unpaired_surrogate_is_no_exception(tmp_path):
    """A ToUnicode map that gives half a UTF-16 pair: the character becomes U+FFFD, nothing raises."""
    lines = [line for line in sample_text().splitlines() if line.strip() and "\t" not in line][:60]
    path = tmp_path / "surrogate.pdf"
    path.write_bytes(cjk_pdf(lines, replace={"局": "\ud800"}))
    outcome = run_limited(
        f"""
import json
from xxgk_audit import audit, load_report
report = load_report({str(path)!r})
data = audit(report).to_dict()
json.dumps(data, ensure_ascii=False).encode("utf-8")
result = {{"agency": report.agency, "texts": [b.text for b in report.document.blocks]}}
""",
        memory_mb=MEMORY_MB,
    )
    assert "crash" not in outcome, outcome
    assert not any("\ud800" <= ch <= "\udfff" for text in outcome["texts"] for ch in text)
    assert any("\ufffd" in text for text in outcome["texts"])


# -- DOCX --------------------------------------------------------------------------------------------------

def test_docx_whose_zip_header_understates_the_size(tmp_path):
    path = tmp_path / "lying.docx"
    path.write_bytes(docx_lying_header(2048, declared=1000))  # 2 MB on disk, 2 GB inflated, headers say 1000 bytes
    reason = refused_within_limits(path, "zip 炸弹")
    assert "word/document.xml" in reason


def test_docx_whose_header_tells_the_truth_but_is_too_large(tmp_path):
    path = tmp_path / "large.docx"
    path.write_bytes(docx_lying_header(100, declared=100 * 1024 * 1024))
    refused_within_limits(path, "zip 炸弹")


# -- HTML --------------------------------------------------------------------------------------------------

def test_html_span_flood(tmp_path):
    path = tmp_path / "spans.html"
    path.write_bytes(html_span_flood(5))  # took 3 GB and 133 s
    started = time.monotonic()
    refused_within_limits(path, "不像是一份年度报告")
    assert time.monotonic() - started < SECONDS


def test_html_tag_flood_is_refused_before_parsing(tmp_path):
    path = tmp_path / "tags.html"
    path.write_bytes(b"<html><body>" + b"<b>x</b>" * (3 * 1024 * 1024))
    refused_within_limits(path, "网页标签过多")


def test_html_reasonable_spans_still_expand(tmp_path):
    from xxgk_audit.loaders import load_document

    path = tmp_path / "ok.html"
    path.write_text("<table><tr><td rowspan=3>项目</td><td colspan=2>数量</td></tr><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>", encoding="utf-8")
    rows = [b for b in load_document(path).blocks if b.kind == "row"]
    assert [[c.text for c in r.cells] for r in rows] == [["项目", "数量"], ["项目", "1", "2"], ["项目", "3", "4"]]


# -- every loader: the time budget ----------------------------------------------------------------------------

def test_time_budget_refuses_with_one_line(tmp_path, monkeypatch):
    from xxgk_audit import InputError, load_report
    from xxgk_audit.loaders import budget

    monkeypatch.setattr(budget.Budget.__init__, "__defaults__", (-1,))  # over time at the first check
    path = tmp_path / "page.html"
    path.write_text("<html><body>" + "<table>" + "<tr><td>1</td><td>2</td></tr>" * 2000 + "</table></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_report(path)
    assert "读取用时超过" in caught.value.reason and caught.value.path == str(path)


# -- a decimal count ----------------------------------------------------------------------------------------

def test_decimal_count_in_table_frame_memo_and_app(tmp_path):
    from xxgk_audit import audit, load_report
    from xxgk_audit.notebook import load_audit
    from xxgk_audit.render import MemoContext, memo_sections

    path = tmp_path / "decimal.txt"
    path.write_text(set_row_value(sample_text(), "一、本年新收", 0, "7.5"), encoding="utf-8")
    report = load_report(path)
    assert "CELL-NOT-INTEGER" in {f.rule for f in audit(report).findings}
    frame = report.table_frame("t3")
    assert frame.iloc[0, 0] == 7.5 and str(frame.dtypes.iloc[0]) == "Float64" and str(frame.dtypes.iloc[1]) == "Int64"
    loaded = load_audit(path, review_dir=tmp_path / "out")
    html = "".join(fragment for _, fragment in memo_sections(MemoContext(loaded.result, loaded.review, "")))
    assert "7.5" in html
    from xxgk_audit.widgets import AuditApp

    app = AuditApp(path, review_dir=tmp_path / "out", choices=[])
    assert app.loaded is not None and "7.5" in app.sections["tables"].value


def test_pdf_syntax_that_would_make_a_scanner_backtrack(tmp_path):
    """The stream scan is linear in the file: runs of "%", digits, "obj", "/Contents[", "BI" …"""
    import zlib

    from hostile import page_with_content

    junk = b"".join([
        b">>" + b"%" * 40 + b"x\n",
        b"1" * 200_000 + b"\n",
        b"obj " * 100_000,
        b"/Contents[" * 100_000,
        b"/XObject<<" * 100_000,
        b">>stream\n" * 50_000,
    ])
    content = b"BI /F /Fl ID " * 20_000 + b"(" * 100_000 + b"/X " * 50_000 + b"%%%%" * 10_000
    path = tmp_path / "junk.pdf"
    path.write_bytes(page_with_content(zlib.compress(content)).replace(b"%%EOF", junk + b"\n%%EOF"))
    started = time.monotonic()
    outcome = load_limited(path, MEMORY_MB, SECONDS)
    assert "refused" in outcome, outcome
    assert time.monotonic() - started < 20


def test_encrypted_pdf_is_counted_in_its_decrypted_copy(tmp_path):
    """An owner-password-only PDF opens without a password; its encrypted streams cannot be counted
    as they are, so PDFium's decrypted copy is."""
    import io

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=StandardEncryption("", "owner", canModify=0))
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Report 2023")
    page._code.append(" " * (20 * 1024 * 1024))  # 20 MB of blanks in the page's content stream
    page.showPage()
    page.save()
    path = tmp_path / "encrypted.pdf"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    refused_within_limits(path, "页面内容解压后过大")
