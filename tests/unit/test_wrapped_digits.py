"""A PDF without ruling lines prints a number too long for its narrow cell over two lines: the row's
line ends "1848 … 1848" and the next line, under the rest of the label, holds "7 7". The row's values
are then not known (CELLS-INSEPARABLE quoting both lines), never read cut short as 1848."""

from __future__ import annotations

from dataclasses import replace

from synth.generate import make_report
from synth.render import render
from variants.variation import text_lines
from xxgk_audit import audit, report_from_document
from xxgk_audit.loaders import load_document

ROW = "一、本年新收政府信息公开申请数量"


def _as_pdf_lines(tmp_path, text: str, name: str):
    """The report as the lines of text a PDF without ruling lines gives (read as a PDF's)."""
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return report_from_document(replace(load_document(path), format="pdf"))


def _lines_with(first_row: str) -> str:
    text = text_lines(render(make_report("2021", 7, variety=False, profile="medium"), "md").decode("utf-8"))
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(ROW + " "))
    lines[at] = first_row
    return "\n".join(lines)


def test_digits_wrapped_onto_the_next_line_leave_the_row_unknown(tmp_path):
    whole = _as_pdf_lines(tmp_path, _lines_with(f"{ROW} 18487 0 0 0 0 0 18487"), "whole")
    assert whole.value("t3.new.natural_person") == 18487 and whole.value("t3.new.total") == 18487
    wrapped = _as_pdf_lines(tmp_path, _lines_with("一、本年新收政府信息公 1848 0 0 0 0 0 1848\n开申请数量 7 7"), "wrapped")
    assert all(wrapped.cells[k].value is None for k in wrapped.cells if k.startswith("t3.new."))
    assert 1848 not in {c.value for c in wrapped.cells.values()}
    found = audit(wrapped).by_rule("CELLS-INSEPARABLE")
    assert len(found) == 1 and "1848 0 0 0 0 0 1848（下一行：7 7）" in found[0].message
    assert "t3.new.total" in found[0].cells and "t3.carried_over.total" not in found[0].cells
    others = {k: c.value for k, c in whole.cells.items() if not k.startswith("t3.new.")}
    assert {k: wrapped.cells[k].value for k in others} == others


def test_a_text_report_keeps_its_short_rows_as_they_are(tmp_path):
    """Only a PDF's lines wrap digits in narrow cells: plain text is read as before."""
    path = tmp_path / "wrapped.txt"
    path.write_text(_lines_with("一、本年新收政府信息公 1848 0 0 0 0 0 1848\n开申请数量 7 7"), encoding="utf-8")
    report = report_from_document(load_document(path))
    assert not [i for i in report.inseparable if "下一行" in i.rows[0][1]]


def test_digits_wrapped_under_the_one_row_of_table_four(tmp_path):
    text = text_lines(render(make_report("2021", 7, variety=False, profile="medium"), "md").decode("utf-8"))
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if len(line.split()) == 15 and all(t.isdigit() for t in line.split()))
    lines[at] = "1 0 0 0 1 1 0 0 0 1 0 0 0 0 0\n2 2"  # 12 直接起诉 upheld and total, their 2 on the next line
    report = _as_pdf_lines(tmp_path, "\n".join(lines), "t4")
    assert not any(report.value(k) for k in report.cells if k.startswith("t4."))
    found = audit(report).by_rule("CELLS-INSEPARABLE")
    assert len(found) == 1 and "（下一行：2 2）" in found[0].message and "t4.review.total" in found[0].cells
