"""The README's table of bad input, one test per row: a clear finding or one line on stderr with
exit status 2, never a traceback; in a batch of several files the others are still audited."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import SAMPLE, audit_text, replace_line, rules_of, sample_text, set_row_value, set_t4_value


def check(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "check", *map(str, paths)], capture_output=True, text=True, encoding="utf-8")


def refused(path, fragment: str) -> None:
    proc = check(path, SAMPLE)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == "2 份报告：0 份有错误，0 份有警告，1 份未发现错误或警告；1 份无法读取", proc.stderr  # the summary line
    lines = lines[:-1]
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and fragment in lines[0], proc.stderr
    assert "睢县工业和信息化和科技局" in proc.stdout  # the other file is still audited


def test_missing_path(tmp_path):
    refused(tmp_path / "nope.txt", "文件不存在")


def test_folder(tmp_path):
    refused(tmp_path, "文件夹")


def test_empty_file(write):
    refused(write("empty.txt", b""), "文件为空")


def test_binary_garbage(write):
    refused(write("garbage.txt", bytes(range(256)) * 50), "不是文字文件")


def test_image_renamed_pdf(write):
    refused(write("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200)), "图片")


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_office_file(write, suffix):
    refused(write(f"old{suffix}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "DOCX 或 PDF")


def test_oversized_html_is_refused_unread(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as handle:
        handle.write(b"<html><body>")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"</body></html>")
    refused(path, "文件过大")


def test_text_that_is_no_report(write):
    refused(write("notes.txt", "会议纪要\n今天讨论了三件事。\n"), "不像是一份")


def test_gbk_without_declaration(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(sample_text().encode("gbk"))
    proc = check(path)
    assert proc.returncode == 0 and "睢县工业和信息化和科技局" in proc.stdout


def test_big5_traditional(tmp_path):
    import opencc

    text = opencc.OpenCC("s2tw").convert(sample_text())
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5", errors="replace"))
    report, result = audit_text(tmp_path, path.read_bytes().decode("cp950"), "big5-decoded.txt")
    from xxgk_audit import load_report

    report = load_report(path)
    assert report.encoding == "cp950" and len(report.sections) == 6
    assert report.tables == {"t2": "found", "t3": "found", "t4": "found"}
    assert all(v == 0 for v in report.values().values())


def test_full_width_digits_and_thousands_separators(tmp_path):
    text = set_row_value(set_row_value(sample_text(), "一、本年新收", 0, "１,２３４"), "一、本年新收", 6, "1,234")
    text = set_row_value(set_row_value(text, "（七）总计".replace("（七）", "(七) "), 0, "1234"), "(七) 总计", 6, "1,234")
    text = set_row_value(set_row_value(text, "予以公开", 0, "１２３４"), "予以公开", 6, "1234")
    report, result = audit_text(tmp_path, text)
    assert report.value("t3.new.natural_person") == 1234 and report.value("t3.new.total") == 1234
    assert "千分位" in report.cells["t3.new.total"].note
    assert not [f for f in result.findings if f.severity == "error"]


def test_negative_number(tmp_path):
    _, result = audit_text(tmp_path, set_t4_value(set_t4_value(sample_text(), "review.pending", "-2"), "review.total", "-2"))
    assert [f.cells for f in result.by_rule("CELL-NEGATIVE")] == [("t4.review.pending",), ("t4.review.total",)]


def test_absurdly_large_number(tmp_path):
    report, result = audit_text(tmp_path, set_row_value(sample_text(), "予以公开", 0, "100200300400"))
    assert report.cells["t3.result.granted.natural_person"].value is None
    assert result.by_rule("CELLS-INSEPARABLE")[0].cells == ("t3.result.granted.natural_person",)


def test_one_table_missing(tmp_path):
    text = "\n".join(line for line in sample_text().split("\n") if not line.startswith(("行政复议", "结果 维持", "\t\t\t\t\t结果", "0\t0\t0\t0\t0\t0\t0\t0")))
    _, result = audit_text(tmp_path, text)
    assert [f.subject for f in result.by_rule("TABLE-MISSING")] == ["t4"]


def test_table_duplicated(tmp_path):
    text = sample_text()
    t4 = text[text.index("#### 四、") : text.index("#### 五、")]
    same, _ = audit_text(tmp_path, text.replace("#### 五、", t4.split("\n", 1)[1] + "#### 五、"), "same.txt")
    assert same.tables["t4"] == "found" and not same.unmapped
    changed = t4.split("\n", 1)[1].replace("0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0")
    different, result = audit_text(tmp_path, text.replace("#### 五、", changed + "#### 五、"), "different.txt")
    assert different.value("t4.review.total") == 0
    assert any("重复" in f.message or "表四" in f.message for f in result.by_rule("UNMAPPED-CONTENT"))


def test_two_reports_concatenated(tmp_path):
    _, result = audit_text(tmp_path, sample_text() + "\n" + sample_text())
    assert any("重复出现" in f.message for f in result.by_rule("SECTION-ORDER"))


def test_page_polluted_with_spam(tmp_path):
    page = (
        "<html><body><div style='display:none'>一、总体情况 澳门赌场 8888 行政复议 行政诉讼</div>"
        "<p>某局2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文</p>"
        "<p>二、主动公开政府信息情况</p><table><tr><td>第二十条第（一）项</td></tr><tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr>"
        "<tr><td>点击领取188元红包</td><td>188</td><td>8</td><td>8</td></tr></table>"
        "<p>网站地图 | 加微信 888888 领红包</p></body></html>"
    )
    report, result = audit_text(tmp_path, page, "spam.html")
    assert report.value("t2.art20_1.regulations.made") == 1
    unmapped = result.by_rule("UNMAPPED-CONTENT")
    assert any("红包" in f.message for f in unmapped)
    assert "澳门" not in " ".join(f.message for f in result.findings)
