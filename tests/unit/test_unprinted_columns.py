"""A table printed without one of its columns (表三 without 总计) is read by the column labels of
its header: each value goes to the column printed above it, the columns the header leaves out are
blank (CELL-BLANK, with a note on each cell), never shifted by one. Where the header does not name
a column at the place of every value, the row is read by the count of its values as before."""

from __future__ import annotations

import re

import pytest

from xxgk_audit import audit, load_report

synth_generate = pytest.importorskip("synth.generate")
synth_render = pytest.importorskip("synth.render")


@pytest.fixture(scope="module")
def markdown(tmp_path_factory):
    synthetic = synth_generate.make_report("2021", 7, variety=False, profile="medium")
    path = synth_render.write(synthetic, "md", tmp_path_factory.mktemp("md"), name="base")
    return path.read_text(encoding="utf-8"), load_report(path)


def _t3_lines(text: str) -> tuple[list[str], int, int]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "自然人" in line and "|" in line)
    end = next(i for i, line in enumerate(lines) if i > start and "结转下年度继续办理" in line)
    return lines, start, end


def _without_column(text: str, from_end: int) -> str:
    """Table 三 with the ``from_end``-th cell from the right taken out of its header and every row."""
    lines, start, end = _t3_lines(text)
    first = start - 2  # the row of 申请人情况, and the Markdown separator row
    for i in range(first, end + 1):
        fields = lines[i].split("|")
        del fields[-1 - from_end]
        lines[i] = "|".join(fields)
    return "\n".join(lines)


def _read(tmp_path, text: str):
    path = tmp_path / "varied.md"
    path.write_text(text, encoding="utf-8")
    report = load_report(path)
    return report, audit(report)


@pytest.mark.parametrize("from_end, column", [(1, "total"), (2, "other_org"), (6, "commercial")])
def test_the_values_stay_under_their_printed_columns(markdown, tmp_path, from_end, column):
    text, base = markdown
    report, result = _read(tmp_path, _without_column(text, from_end))
    t3 = {k: v for k, v in base.values().items() if k.startswith("t3.")}
    read = {k: v for k, v in report.values().items() if k.startswith("t3.")}
    assert {k: v for k, v in read.items() if not k.endswith(f".{column}")} == {k: v for k, v in t3.items() if not k.endswith(f".{column}")}
    unprinted = [c for k, c in report.cells.items() if k.startswith("t3.") and k.endswith(f".{column}")]
    assert len(unprinted) == 25 and all(c.status == "blank" and "没有印出此列" in (c.note or "") for c in unprinted)
    assert [f.rule for f in result.findings if f.severity == "error"] == []
    assert len(result.by_rule("CELL-BLANK")) == 1


def test_a_header_label_misprinted_leaves_a_full_row_read_by_count(markdown, tmp_path):
    text, base = markdown
    garbled = re.sub(r"\| 商业企业 \|", "| 商亚企 |", text, count=1)
    report, _ = _read(tmp_path, garbled)
    assert report.values() == base.values()


def test_a_value_under_no_column_label_is_not_placed_by_the_header(markdown, tmp_path):
    """The header names six columns but a row prints a value where none is named (a header label
    misprinted beyond recognition over a table that does print all seven): nothing is placed by
    the header; the row is read by count, as before."""
    text, base = markdown
    lines, start, end = _t3_lines(text)
    lines[start] = lines[start].replace("总计", "合 计 数")
    report, _ = _read(tmp_path, "\n".join(lines))
    assert report.values() == base.values()
