"""The generator's own invariants, checked without the project's parser."""

from __future__ import annotations

import io
import random
import re
import zipfile

import docx
import opencc
import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import html as lxml_html

from synth import (
    BLANK_MARKERS,
    FORMATS,
    SUFFIXES,
    SyntheticReport,
    broken_equations,
    consistent_cells,
    grids,
    inject_error,
    leaf_result_rows,
    make_report,
    render,
    write,
)
from synth.generate import PROFILES
from synth.render import wrap
from synth.strategies import formats, reports, reports_with_error
from xxgk_audit.layout import get_layout

LAYOUTS = ("2021", "2019")
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sums(inst, cells):
    return sum(cells[k] or 0 for k in inst.lhs), sum(cells[k] or 0 for k in inst.rhs)


# ---------------------------------------------------------------------------------------------
# tables


@pytest.mark.parametrize("layout_id", LAYOUTS)
@pytest.mark.parametrize("profile", PROFILES)
def test_consistent_cells_satisfy_every_equation(layout_id, profile):
    layout = get_layout(layout_id)
    for seed in range(60):
        cells = consistent_cells(layout_id, random.Random(seed), profile=profile)
        assert list(cells) == list(layout.cells)
        for rule in layout.equations:
            for inst in rule.instances:
                lhs, rhs = sums(inst, cells)
                assert lhs == rhs, (seed, rule.id, inst.subject, lhs, rhs)
        for key, value in cells.items():
            spec = layout.cells[key]
            if spec.kind == "count":
                assert isinstance(value, int) and value >= 0, key
            elif spec.kind == "signed":
                assert isinstance(value, int), key
            else:
                assert isinstance(value, float) and value >= 0 and round(value, 2) == value, key
        if profile == "zero":
            assert cells["t3.new.total"] == cells["t3.result.total.total"] == 0


def test_cells_mix_zeros_and_large_numbers():
    values = [v for seed in range(100) for k, v in consistent_cells("2021", seed).items() if k.startswith("t3.")]
    assert values.count(0) / len(values) > 0.5
    assert max(values) >= 1000


def test_2019_signed_delta_keeps_item_count_non_negative():
    for seed in range(100):
        cells = consistent_cells("2019", seed)
        deltas = [k for k in cells if k.endswith(".delta")]
        assert all(cells[k.replace(".delta", ".prev_items")] + cells[k] >= 0 for k in deltas)
    assert any(consistent_cells("2019", s)[k] < 0 for s in range(200) for k in ("t2.art20_5.licensing.delta", "t2.art20_6.punishment.delta"))


def test_leaf_result_rows():
    assert len(leaf_result_rows(get_layout("2021"))) == 21
    assert len(leaf_result_rows(get_layout("2019"))) == 19


@FAST
@given(reports())
def test_reports_are_consistent(report):
    assert broken_equations(report.cells, report.layout_id, blank_unknown=False) == []
    assert report.layout.applies_to(report.year)
    assert all(v is None or v >= 0 or report.layout.cells[k].kind == "signed" for k, v in report.cells.items())


@FAST
@given(reports_with_error())
def test_injected_error_breaks_an_equation_naming_the_cell(pair):
    report, key = pair
    assert key.startswith(("t3.", "t4."))
    for blank_unknown in (True, False):
        broken = broken_equations(report.cells, report.layout_id, blank_unknown=blank_unknown)
        assert any(key in inst.cells for inst in broken)


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_inject_error_changes_exactly_one_cell(layout_id):
    for seed in range(40):
        report = make_report(layout_id, seed)
        bad, key = inject_error(report, seed)
        changed = [k for k in report.cells if report.cells[k] != bad.cells[k]]
        assert changed == [key]
        assert bad.narrative == report.narrative and report.cells[key] != bad.cells[key]
        assert broken_equations(report.cells, layout_id) == []


# ---------------------------------------------------------------------------------------------
# reports


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_narrative_quotes_the_tables(layout_id):
    for seed in range(40):
        r = make_report(layout_id, seed)
        s1, s6 = r.narrative["s1"], r.narrative["s6"]
        for aspect in r.layout.section("s1").must_cover:
            assert f"）{aspect}" in s1
        assert f"本报告所列数据的统计期限为{r.year}年1月1日至12月31日" in r.preamble
        if r.value("t3.new.total") or r.value("t3.carried_over.total"):
            m = re.search(r"共收到政府信息公开申请(\d+)件，上年结转(\d+)件，办结(\d+)件，结转下年度继续办理(\d+)件", s1)
            assert m, s1
            quoted = [int(x) for x in m.groups()]
            keys = ["t3.new.total", "t3.carried_over.total", "t3.result.total.total", "t3.carry_forward.total"]
            assert quoted == [r.value(k) for k in keys]
        review = re.search(r"行政复议(\d+)件", s1)
        assert (int(review.group(1)) if review else 0) == r.value("t4.review.total")
        if layout_id == "2021":
            assert "信息处理费" in s6
            assert r.fee_notices >= r.value("t3.result.other.fee_unpaid.total")
            if r.fee_notices:
                assert f"发出收费通知{r.fee_notices}件" in s6 and f"实际收取信息处理费{r.fee_collected}元" in s6


def test_make_report_is_deterministic_and_overridable():
    a, b = make_report("2021", 7), make_report("2021", 7)
    assert a == b
    c = make_report("2021", 7, agency="临沭县农业农村局", blank_marker="—")
    assert c.agency == "临沭县农业农村局" and c.title.count("临沭县农业农村局") == 1
    assert c.cells == a.cells and c.year == a.year
    assert make_report("2019", 3).year in (2019, 2020)
    assert {make_report("2021", s).year for s in range(60)} == set(range(2021, 2026))
    plain = make_report("2021", 7, variety=False)
    assert plain.label_variants == {} and plain.section_titles == {} and None not in plain.cells.values()


def test_model_validation():
    good = make_report("2021", 1)
    with pytest.raises(ValueError):
        good.copy(cells={k: v for k, v in list(good.cells.items())[:-1]})
    with pytest.raises(ValueError):
        good.copy(blank_marker="x")
    with pytest.raises(ValueError):
        good.copy(layout_id="2020")
    assert good.copy().cells is not good.cells


def test_value_text():
    r = make_report("2019", 2, variety=False, blank_marker="—")
    cells = dict(r.cells)
    cells.update({"t2.art20_5.licensing.delta": 5, "t2.art20_6.punishment.delta": -3, "t3.new.commercial": None,
                  "t2.art20_9.central_procurement.amount": 12.5})
    r = r.copy(cells=cells)
    assert r.value_text("t2.art20_5.licensing.delta") == "+5"
    assert r.value_text("t2.art20_6.punishment.delta") == "-3"
    assert r.value_text("t3.new.commercial") == "—"
    assert r.value_text("t2.art20_9.central_procurement.amount") == "12.50"


# ---------------------------------------------------------------------------------------------
# grids


def _html_grid(table) -> list[list[str]]:
    """Expand rowspan/colspan of an HTML table into a text matrix (top-left keeps the text)."""
    taken: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            text = re.sub(r"\s+", "", td.text_content().replace("\xa0", ""))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            c += cs
    rows = 1 + max(r for r, _ in taken)
    cols = 1 + max(c for _, c in taken)
    return [[taken.get((r, c), "?") for c in range(cols)] for r in range(rows)]


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_grids_cover_every_position_and_value_once(layout_id):
    for seed in range(10):
        r = make_report(layout_id, seed, span_quirk=seed % 2 == 0)
        g = grids(r)
        keys = []
        for grid in g.values():
            placed = grid.placed()
            covered = sum(c.rowspan * c.colspan for _, _, c in placed)
            assert covered == len(grid.rows) * grid.ncols
            assert all(col + c.colspan <= grid.ncols for _, col, c in placed)
            keys += [c.key for _, _, c in placed if c.key]
        assert sorted(keys) == sorted(r.layout.cells)
    t3 = g["t3"]
    assert t3.ncols == 10 and t3.rows[0][0].rowspan == 3 and t3.rows[0][0].colspan == 3
    assert t3.rows[0][1].colspan == 7 and t3.rows[1][0].rowspan == 2 and t3.rows[1][1].colspan == 5
    result_span = {"2021": 22, "2019": 20}[layout_id]
    assert t3.rows[5][0].rowspan == result_span and t3.rows[7][0].rowspan == 8
    assert g["t4"].ncols == 15 and [c.colspan for c in g["t4"].rows[0]] == [5, 10]


# ---------------------------------------------------------------------------------------------
# renderers


def _plain(layout_id, seed=3, **kw) -> SyntheticReport:
    return make_report(layout_id, seed, variety=False, profile="medium", **kw)


def _value_rows(report, table):
    return [[c.text for c in row if c.role == "value"] for row in grids(report)[table].rows if any(c.role == "value" for c in row)]


@pytest.mark.parametrize("layout_id", LAYOUTS)
@pytest.mark.parametrize("word", [False, True])
def test_html(layout_id, word):
    r = make_report(layout_id, 11, word_markup=word, traditional=False, encoding="gb18030", pubdate_meta=True)
    data = render(r, "html")
    charset = re.search(rb'<meta charset="([\w-]+)"', data).group(1).decode()
    page = lxml_html.fromstring(data.decode(charset))
    tables = page.xpath("//table")
    assert len(tables) == 3
    assert page.findtext(".//title") == f"{r.title}-{r.site.name}"
    assert page.xpath("//meta[@name='PubDate']")
    text = page.text_content()
    for marker in ("当前位置：首页", "版权所有", "ICP备", "网站标识码"):
        assert marker in text
    for section in r.layout.sections:
        assert r.section_title(section.key) in re.sub(r"\s+", "", text)
    for table, grid in zip(tables, grids(r).values()):
        expected = [[re.sub(r"\s+", "", t) for t in row] for row in grid.flat()]
        assert _html_grid(table) == expected
    if word:
        assert b"<o:p>" in data and b"MsoNormal" in data


def test_html_blank_cells():
    r = make_report("2021", 4, blanks="zeros", blank_marker="", word_markup=True, traditional=False)
    assert None in r.cells.values()
    assert b"<o:p>&nbsp;</o:p>" in render(r, "html")
    r = r.copy(word_markup=False, blank_marker="/")
    assert b"<p align=\"center\">/</p>" in render(r, "html")


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_docx(layout_id):
    r = _plain(layout_id, page_footers=True)
    document = docx.Document(io.BytesIO(render(r, "docx")))
    assert len(document.tables) == 3
    paragraphs = [p.text for p in document.paragraphs]
    assert r.title in paragraphs
    for section in r.layout.sections:
        assert r.section_title(section.key) in paragraphs
    for table, grid in zip(document.tables, grids(r).values()):
        got = [[cell.text for cell in row.cells] for row in table.rows]
        for i, row in enumerate(grid.flat()):
            assert all(not t or got[i][j] == t for j, t in enumerate(row))
    xml = zipfile.ZipFile(io.BytesIO(render(r, "docx"))).read("word/document.xml")
    assert b"w:gridSpan" in xml and b"w:vMerge" in xml


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_pdf_text_layer(layout_id):
    r = _plain(layout_id, page_footers=True)
    with pdfplumber.open(io.BytesIO(render(r, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "三、收到和处理政府信息公开申请情况" in text
    assert "四、政府信息公开行政复议、行政诉讼情况" in text
    assert "— 1 —" in text
    for table in ("t3", "t4"):
        for values in _value_rows(r, table):
            assert " ".join(values) in text, (table, values)


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_txt(layout_id):
    r = _plain(layout_id, page_footers=True, wrap_width=34)
    text = render(r, "txt").decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == r.title and not text.startswith("#")
    for section in r.layout.sections:
        assert r.section_title(section.key) in lines
    for grid in grids(r).values():
        for row in grid.flat():
            assert "\t".join(row) in lines
    assert "— 1 —" in lines
    assert max(len(line) for line in lines if "\t" not in line and line != r.title) <= 40


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_md(layout_id):
    r = _plain(layout_id)
    text = render(r, "md").decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == f"# {r.title}"
    for section in r.layout.sections:
        assert f"## {r.section_title(section.key)}" in lines
    assert sum(1 for line in lines if re.fullmatch(r"\|(---\|)+", line)) == 3
    assert "| 一、本年新收政府信息公开申请数量 |  |  | " + " | ".join(_value_rows(r, "t3")[0]) + " |" in lines


@FAST
@given(reports(), formats(("txt", "md", "html")))
def test_text_renders_contain_every_section_title(report, fmt):
    text = render(report, fmt).decode(report.encoding)
    if report.traditional:  # s2t is phrase-based (复议 → 復議 or 複議 by context): compare in simplified
        text = opencc.OpenCC("t2s").convert(text)
    flat = re.sub(r"<[^>]+>|\s+", "", text)
    for section in report.layout.sections:
        assert re.sub(r"\s+", "", report.section_title(section.key)) in flat


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_is_deterministic(fmt):
    r = make_report("2021", 5, page_footers=True)
    assert render(r, fmt) == render(r.copy(), fmt)
    assert len(render(r, fmt)) > 1000


def test_traditional_and_encodings():
    r = make_report("2021", 8, traditional=True, encoding="gb18030")
    text = render(r, "txt").decode("gb18030")
    assert "總體情況" in text and "总体情况" not in text
    assert render(r.copy(encoding="utf-8-sig"), "md").startswith(b"\xef\xbb\xbf")


def test_write(tmp_path):
    r = make_report("2019", 1)
    for fmt in FORMATS:
        path = write(r, fmt, tmp_path / "out")
        assert path.suffix == SUFFIXES[fmt] and path.stat().st_size > 0
        assert path.name.startswith(f"{r.year}_")
    assert write(r, "txt", tmp_path, name="x").name == "x.txt"
    with pytest.raises(ValueError):
        render(r, "rtf")


def test_wrap_keeps_numbers_whole():
    text = "本年度共收到政府信息公开申请12345件，办结12000件。" * 3
    lines = wrap(text, 10)
    assert "".join(lines) == text
    assert all(not (a[-1].isdigit() and b[0].isdigit()) for a, b in zip(lines, lines[1:]))


def test_blank_markers_render():
    for marker in BLANK_MARKERS:
        r = make_report("2021", 2, blanks="org", blank_marker=marker, traditional=False, encoding="utf-8")
        row = next(line for line in render(r, "txt").decode().split("\n") if line.startswith("二、上年结转"))
        assert row.split("\t")[4] == marker
