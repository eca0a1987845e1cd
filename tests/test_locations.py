"""Locations that point somewhere: a web page whose markup is one long line still locates every cell
by table, row and column, so no two cells of the memo share a location."""

from __future__ import annotations

import html
import re

import pytest

from xxgk_audit import audit, load_report
from xxgk_audit.render import MemoContext, memo_sections

APPENDIX_ROW = re.compile(r'<tr><td>([^<]*)</td><td>([^<]*)</td><td class="xxgk-num">[^<]*</td><td>[^<]*</td><td>([^<]*)</td>')


def one_line(data: bytes) -> bytes:
    return b" ".join(data.splitlines())


def memo_places(path) -> tuple[list[tuple[str, str, str]], dict[str, set[str]], object]:
    report = load_report(str(path))
    result = audit(report)
    appendix = dict(memo_sections(MemoContext(result, appendix=True)))["appendix"]
    rows = [tuple(html.unescape(x) for x in row) for row in APPENDIX_ROW.findall(appendix)]
    by_cell: dict[str, set[str]] = {}
    for finding in result.findings:
        for location in finding.locations:
            if location.cell and location.file == report.source:
                by_cell.setdefault(location.cell, set()).add(location.where)
    return rows, by_cell, report


def assert_unique(rows, by_cell, report):
    assert len(rows) == len(report.cells)
    places = [place for _, _, place in rows]
    repeated = sorted({p for p in places if places.count(p) > 1})
    assert repeated == [], f"cells sharing a location: {repeated[:5]}"
    assert all(re.fullmatch(r"网页第\d+个表格第\d+行第\d+列", p) for p in places), places[:3]
    owners: dict[str, str] = {}
    for cell, wheres in by_cell.items():
        assert len(wheres) == 1
        where = wheres.pop()
        assert owners.setdefault(where, cell) == cell, f"{where} names {owners[where]} and {cell}"


@pytest.mark.parametrize("layout_id", ["2021", "2019"])
def test_no_cell_location_repeats_in_the_memo_of_a_one_line_html_report(tmp_path, layout_id):
    from synth import inject_error, make_report, render

    report, _ = inject_error(make_report(layout_id, seed=11), rng=2)  # findings that name cells
    path = tmp_path / f"one-line-{layout_id}.html"
    path.write_bytes(one_line(render(report, "html")))
    rows, by_cell, loaded = memo_places(path)
    assert max(loaded.document.source_lines) == 1  # the whole page is one line
    assert by_cell, "the report should have findings naming cells"
    assert_unique(rows, by_cell, loaded)


def test_a_published_page_made_one_line(tmp_path, corpus):
    path = tmp_path / "2023_shuyang-fgj.html"
    path.write_bytes(one_line((corpus / "2023_shuyang-fgj.html").read_bytes()))
    rows, by_cell, report = memo_places(path)
    assert_unique(rows, by_cell, report)
    assert report.cells["t3.new.total"].source.where == "第3个表格第4行第10列"


def test_pdf_cells_by_page_and_table_row_and_text_cells_by_line(corpus):
    pdf = load_report(str(corpus / "2023_hongzequ.pdf"))
    assert re.fullmatch(r"第\d+页第\d+个表格第\d+行第\d+列", pdf.cells["t4.review.total"].source.where)
    text = load_report(str(corpus / "2023_suixian-gxj.txt"))
    assert re.fullmatch(r"第\d+行第\d+列", text.cells["t3.new.total"].source.where)


@pytest.mark.parametrize(("fmt", "pattern"), [("docx", r"第\d+个表格第\d+行第\d+列"), ("pdf", r"第\d+页第\d+个表格第\d+行第\d+列"), ("md", r"第\d+行第\d+列")])
def test_generated_reports_locate_cells_by_table_row_and_column(tmp_path, fmt, pattern):
    from synth import make_report, write

    path = write(make_report("2021", seed=4, variety=False), fmt, tmp_path)
    report = load_report(str(path))
    places = [cell.source.where for cell in report.cells.values() if cell.source is not None]
    assert places and all(re.fullmatch(pattern, p) for p in places), places[:3]
    assert len(set(places)) == len(places)
    if fmt == "docx":
        memo = dict(memo_sections(MemoContext(audit(report), appendix=True)))["appendix"]
        assert "Word文档第" in memo
