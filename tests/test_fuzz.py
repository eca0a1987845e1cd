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


def survives(path) -> None:
    try:
        report = load_report(path)
    except InputError as exc:
        assert exc.reason and "\n" not in exc.reason
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
