"""No input makes the engine crash: anything but the documented InputError is a bug.

Hypothesis builds inputs from report fragments (labels, numbers, separators, markup) mixed with
arbitrary text and bytes, for the text, Markdown and HTML entry points (PDF and DOCX have their own
fuzz tests next to their loaders)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk_audit import InputError, audit, load_report
from xxgk_audit.layout import get_layout

LAYOUT = get_layout("2021")
LABELS = sorted(
    {s.label for s in LAYOUT.sections}
    | {r.label for t in LAYOUT.tables.values() for b in t.blocks for r in b.rows if r.label}
    | {c.label for t in LAYOUT.tables.values() for b in t.blocks for c in b.columns}
    | {b.header for b in LAYOUT.tables["t2"].blocks}
    | {"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "行政复议", "行政诉讼", "某局2023年政府信息公开工作年度报告"}
)
NUMBERS = st.one_of(st.integers(-10**12, 10**12).map(str), st.sampled_from(["—", "/", "无", "", "1,234", "１２", "7.5", "0000000", "+3", "22（其中修订16件）"]))
PIECES = st.one_of(st.sampled_from(LABELS), NUMBERS, st.sampled_from(["\t", "\n", " | ", "|---|", "# ", "— 1 —", "、", "（", "）"]), st.text(max_size=12))
TEXTS = st.lists(PIECES, max_size=200).map("".join)
MARKUP = st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "<td rowspan='3'>", "<td colspan='999999'>", "</td>", "<p>", "</p>", "<br>", "<o:p></o:p>", "&nbsp;", "<h1>", "</h1>", "<script>alert(1)</script>", "<!--", "-->", "<div style='display:none'>"])
PAGES = st.lists(st.one_of(PIECES, MARKUP), max_size=200).map(lambda parts: "<html><body>" + "".join(parts))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _loaded(path):
    """The report, or None after an input error of one line (the only error a file may raise)."""
    try:
        return load_report(path)
    except InputError as exc:
        assert exc.reason and "\n" not in exc.reason
        return None


def survives(path) -> None:
    report = _loaded(path)
    if report is None:
        return
    result = audit(report)
    result.to_dict()


@SETTINGS
@given(text=TEXTS, suffix=st.sampled_from([".txt", ".md"]), encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_text_inputs(tmp_path, text, suffix, encoding):
    path = tmp_path / f"r{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    survives(path)


@SETTINGS
@given(page=PAGES)
def test_html_inputs(tmp_path, page):
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    survives(path)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".pdf", ".docx", ".md", ""]))
def test_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"r{suffix}"
    path.write_bytes(data)
    survives(path)


# -- PDF and DOCX: valid files damaged at random ----------------------------------------------------

def _rendered(fmt: str) -> bytes:
    from synth.generate import make_report
    from synth.render import render

    return render(make_report("2021", 5, variety=False, profile="small"), fmt)


PDF_BYTES = _rendered("pdf")
DOCX_BYTES = _rendered("docx")
EDITS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=0, max_size=8), st.integers(0, 16)), min_size=1, max_size=12)


def _damage(data: bytes, edits, truncate: float | None) -> bytes:
    buffer = bytearray(data)
    for where, insert, delete in edits:
        at = int(where * len(buffer))
        buffer[at : at + delete] = insert
    if truncate is not None:
        buffer = buffer[: max(1, int(truncate * len(buffer)))]
    return bytes(buffer)


@SETTINGS
@given(edits=EDITS, truncate=st.one_of(st.none(), st.floats(0, 1)))
def test_damaged_pdf(tmp_path, edits, truncate):
    path = tmp_path / "r.pdf"
    path.write_bytes(_damage(PDF_BYTES, edits, truncate))
    survives(path)


@SETTINGS
@given(edits=EDITS, truncate=st.one_of(st.none(), st.floats(0, 1)))
def test_damaged_docx_container(tmp_path, edits, truncate):
    path = tmp_path / "r.docx"
    path.write_bytes(_damage(DOCX_BYTES, edits, truncate))
    survives(path)


@SETTINGS
@given(edits=EDITS, member=st.sampled_from(["word/document.xml", "word/styles.xml", "word/numbering.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"]))
def test_docx_with_damaged_xml(tmp_path, edits, member):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(DOCX_BYTES))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, _damage(content, edits, None) if info.filename == member else content)
    path = tmp_path / "r.docx"
    path.write_bytes(output.getvalue())
    survives(path)


# -- issue 11: decimals, surrogates, span attributes, lying zip headers ---------------------------------------

def survives_everywhere(path) -> None:
    """As :func:`survives`, and the report goes through everything a user reaches: the table frames,
    the memo's sections, JSON in UTF-8."""
    import json

    report = _loaded(path)
    if report is None:
        return
    from xxgk_audit.render import MemoContext, memo_sections
    from xxgk_audit.review import ReportReview, ReviewStore

    result = audit(report)
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")
    if report.layout is not None:
        for table in report.layout.tables:
            report.table_frame(table)
    with ReviewStore(path.parent / "reviews.sqlite") as store:
        review = ReportReview.of(store, result)
        "".join(fragment for _, fragment in memo_sections(MemoContext(result, review, ""))).encode("utf-8")


def _sample_cells() -> list[tuple[int, int]]:
    """(line, field) of every number in the sample's tab-separated table rows."""
    import re

    from helpers import sample_text

    cells = []
    for n, line in enumerate(sample_text().split("\n")):
        if "\t" in line:
            cells += [(n, k) for k, field in enumerate(line.split("\t")) if re.fullmatch(r"\s*\d+\s*", field)]
    return cells


SAMPLE_CELLS = _sample_cells()
DECIMALS = st.one_of(
    st.decimals(min_value=-1000, max_value=10**7, allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from(["7.5", "0.5", "３.５", "1,234.5", "12.", ".5", "1.0", "2.50", "1e3", "7.5万", "-0.0"]),
)


@settings(SETTINGS, max_examples=40)  # each example renders the memo's sections
@given(edits=st.lists(st.tuples(st.sampled_from(SAMPLE_CELLS), DECIMALS), min_size=1, max_size=12))
def test_decimal_counts(tmp_path, edits):
    from helpers import sample_text

    lines = sample_text().split("\n")
    for (line, field), value in edits:
        fields = lines[line].split("\t")
        fields[field] = value
        lines[line] = "\t".join(fields)
    path = tmp_path / "r.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    survives_everywhere(path)


def _report_lines() -> list[str]:
    from helpers import sample_text

    return [line.replace("\t", " ") for line in sample_text().splitlines() if line.strip()][:60]


REPORT_LINES = _report_lines()
REPORT_CHARS = sorted({ch for line in REPORT_LINES for ch in line})
SURROGATES = st.one_of(st.integers(0xD800, 0xDFFF).map(chr), st.sampled_from(["\ud800", "\udfff", "\udc00\ud800", "a\ud83d", "\ud83d\ude00"]))


@settings(SETTINGS, max_examples=40)
@given(replace=st.dictionaries(st.sampled_from(REPORT_CHARS), SURROGATES, min_size=1, max_size=8))
def test_pdf_text_with_surrogates(tmp_path, replace):
    from hostile import cjk_pdf

    path = tmp_path / "r.pdf"
    path.write_bytes(cjk_pdf(REPORT_LINES, replace=replace))
    survives_everywhere(path)


SPAN_VALUES = st.one_of(
    st.integers(-5, 10**9).map(str),
    st.sampled_from(["", "0", "-1", "3abc", "1e9", "０３", "2.5", "999999999999", " 4 ", "\u200b2", "64", "200"]),
    st.text(max_size=6),
)
SPAN_CELL = st.tuples(st.sampled_from(["td", "th"]), st.one_of(st.none(), SPAN_VALUES), st.one_of(st.none(), SPAN_VALUES), st.one_of(st.sampled_from(LABELS), NUMBERS))


@SETTINGS
@given(rows=st.lists(st.lists(SPAN_CELL, min_size=1, max_size=12), min_size=1, max_size=40))
def test_html_span_attributes(tmp_path, rows):
    import html

    def cell(tag, colspan, rowspan, text):
        attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in (("colspan", colspan), ("rowspan", rowspan)) if value is not None)
        return f"<{tag}{attributes}>{html.escape(text)}</{tag}>"

    table = "".join("<tr>" + "".join(cell(*c) for c in row) + "</tr>" for row in rows)
    path = tmp_path / "r.html"
    path.write_text(f"<html><body><p>某局2023年政府信息公开工作年度报告</p><table>{table}</table></body></html>", encoding="utf-8")
    survives_everywhere(path)


def _zip_entries(data: bytes) -> list[tuple[int, int]]:
    """(local header offset, central header offset) of every member."""
    import io
    import struct
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = []
    position = archive.start_dir
    for info in archive.infolist():
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[position + 28 : position + 34])
        entries.append((info.header_offset, position))
        position += 46 + name_length + extra_length + comment_length
    return entries


DOCX_ENTRIES = _zip_entries(DOCX_BYTES)


@settings(SETTINGS, max_examples=60)
@given(lies=st.lists(st.tuples(st.integers(0, len(DOCX_ENTRIES) - 1), st.sampled_from(["size", "compressed", "crc"]), st.integers(0, 2**32 - 1)), min_size=1, max_size=4))
def test_docx_with_lying_zip_headers(tmp_path, lies):
    """Sizes and checksums in the local and central headers that do not match the data."""
    import struct

    buffer = bytearray(DOCX_BYTES)
    for member, field, value in lies:
        local, central = DOCX_ENTRIES[member]
        local_at, central_at = {"crc": (14, 16), "compressed": (18, 20), "size": (22, 24)}[field]
        struct.pack_into("<I", buffer, local + local_at, value)
        struct.pack_into("<I", buffer, central + central_at, value)
    path = tmp_path / "r.docx"
    path.write_bytes(bytes(buffer))
    survives_everywhere(path)
