"""Round trip: reports with known values, rendered to HTML, DOCX, PDF, text and Markdown in both
layouts, parse back to exactly those values; an injected arithmetic error is found, and it is the
only arithmetic error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.render import write
from synth.strategies import reports, reports_with_error
from xxgk_audit import audit, load_report

FORMATS = ("html", "docx", "pdf", "txt", "md")
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _parse(tmp_path, synthetic, fmt):
    path = write(synthetic, fmt, tmp_path, name=f"r-{fmt}")
    report = load_report(path)
    return report, audit(report)


def _check_cells(report, synthetic) -> None:
    assert report.template == synthetic.layout_id
    assert (report.agency, report.year) == (synthetic.agency, synthetic.year)
    differences = {k: (v, report.value(k)) for k, v in synthetic.cells.items() if report.value(k) != v}
    assert differences == {}


def _roundtrip(fmt):
    @SETTINGS
    @given(synthetic=reports())
    def test(tmp_path, synthetic):
        report, result = _parse(tmp_path, synthetic, fmt)
        _check_cells(report, synthetic)
        assert [f.message for f in result.findings if f.group == "arithmetic"] == []
        assert not result.by_rule("SOURCE-GATE") and not result.by_rule("UNMAPPED-CONTENT")

    return test


def _injected(fmt):
    @SETTINGS
    @given(case=reports_with_error())
    def test(tmp_path, case):
        synthetic, key = case
        report, result = _parse(tmp_path, synthetic, fmt)
        _check_cells(report, synthetic)
        arithmetic = [f for f in result.findings if f.group == "arithmetic"]
        assert arithmetic and all(key in f.cells for f in arithmetic), (key, [f.message for f in arithmetic])

    return test


test_html = _roundtrip("html")
test_docx = _roundtrip("docx")
test_pdf = _roundtrip("pdf")
test_txt = _roundtrip("txt")
test_md = _roundtrip("md")
test_html_injected = _injected("html")
test_docx_injected = _injected("docx")
test_pdf_injected = _injected("pdf")
test_txt_injected = _injected("txt")
test_md_injected = _injected("md")


def test_pdf_table_four_alone_after_a_page_break(tmp_path):
    """表四's data row, nearly all blank, printed at the top of a new page below its header (seen
    in a generated report): it is a row of its own, not the rest of the header row cut by the break."""
    from synth.generate import make_report

    synthetic = make_report("2019", 49, profile="zero", blanks="zeros", blank_marker="", word_markup=False, page_footers=False, traditional=False)
    report, _ = _parse(tmp_path, synthetic, "pdf")
    _check_cells(report, synthetic)


def test_pdf_traditional_blank_marker_below_a_page_break(tmp_path):
    """表四's data row of "無" (无 in traditional characters) at the top of a new page: "無" is a blank
    marker, not label text to be joined with the header above the break."""
    from synth.generate import make_report

    synthetic = make_report("2021", 0, profile="zero", blanks="zeros", blank_marker="无", word_markup=False, page_footers=False, traditional=True)
    report, _ = _parse(tmp_path, synthetic, "pdf")
    _check_cells(report, synthetic)
