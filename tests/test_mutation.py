"""Mutation test: changing any single number of 表三 or 表四 in the source gives an error finding
that names that cell. Each mutation edits the report file itself (at the place the cell was read)
and audits it again, so the whole path from bytes to finding is exercised.

A number is raised by one. Where blank cells (unknowns >= 0) in one of its equations could explain
the increase, the rules rightly stay silent; the number is then lowered by one instead, which no
blank can explain."""

from __future__ import annotations

import re

import pytest
from lxml import etree, html

from helpers import SAMPLE
from tests.conftest import CORPUS
from xxgk_audit import audit, load_report

_NUMBER = re.compile(r"(?<![\d.])\d+(?![\d.])")


def _valued_cells_on_line(report, line: int):
    return [c for c in report.cells.values() if c.value is not None and c.source and c.source.line == line and c.source.column is None]


def mutate_text(text: str, report, key: str, delta: int) -> str:
    cell = report.cells[key]
    lines = text.split("\n")
    index = cell.source.line - 1
    new = str(int(cell.value) + delta)
    if cell.source.column is not None:
        column = cell.source.column
        line = lines[index]
        assert line[column : column + len(cell.raw)] == cell.raw
        lines[index] = line[:column] + new + line[column + len(cell.raw) :]
    else:
        position = [c.key for c in _valued_cells_on_line(report, cell.source.line)].index(key)
        matches = list(_NUMBER.finditer(lines[index]))
        tokens = [m for m in matches if not re.search(r"[\u4e00-\u9fff]", lines[index][max(0, m.start() - 1) : m.start()])]
        target = tokens[-len(_valued_cells_on_line(report, cell.source.line)) + position]
        lines[index] = lines[index][: target.start()] + new + lines[index][target.end() :]
    return "\n".join(lines)


def mutate_html(data: bytes, report, key: str, delta: int) -> bytes:
    cell = report.cells[key]
    root = etree.fromstring(data.decode("utf-8"), html.HTMLParser())
    tds = [td for td in root.iter("td") if td.sourceline == cell.source.line and td.text_content().strip() == cell.raw]
    same_line = [c.key for c in _valued_cells_on_line(report, cell.source.line) if c.raw == cell.raw]
    td = tds[same_line.index(key)]
    target = next(node for node in td.iter() if node.text and node.text.strip() == cell.raw)
    target.text = str(int(cell.value) + delta)
    return etree.tostring(root, encoding="utf-8", method="html")


def mutable_cells(report):
    """Cells printed on their own or split by their number alone; a cell split by an equation (its
    digits run together with others) holds that equation by construction, so it is not mutated."""
    return [
        k for k, c in report.cells.items()
        if k.startswith(("t3.", "t4.")) and isinstance(c.value, int) and c.source is not None and c.origin in (None, "split_count")
    ]


def _caught(tmp_path, path, report, key, delta) -> bool:
    target = tmp_path / f"mutated{path.suffix}"
    data = path.read_bytes()
    if path.suffix in (".html", ".htm"):
        target.write_bytes(mutate_html(data, report, key, delta))
    else:
        target.write_text(mutate_text(data.decode("utf-8"), report, key, delta), encoding="utf-8")
    mutated = load_report(target)
    assert mutated.cells[key].value == report.cells[key].value + delta, key
    return any(f.severity == "error" and key in f.cells for f in audit(mutated).findings)


def _blank_can_explain(report, key) -> bool:
    return any(
        key in instance.cells and any(report.cells[k].value is None for k in instance.cells)
        for equation in report.layout.equations
        for instance in equation.instances
    )


def check_mutations(tmp_path, path, keys=None):
    report = load_report(path)
    misses = []
    for key in keys or mutable_cells(report):
        if _caught(tmp_path, path, report, key, +1):
            continue
        if not (_blank_can_explain(report, key) and _caught(tmp_path, path, report, key, -1)):
            misses.append(key)
    return misses


def test_every_cell_of_the_sample(tmp_path):
    report = load_report(SAMPLE)
    assert len(mutable_cells(report)) == 175 + 15
    assert check_mutations(tmp_path, SAMPLE) == []


@pytest.mark.parametrize("name", ["2024_sh-kewei.md", "2023_shuyang-fgj.html", "2019_sh-szfbgt.html", "2023_pingtan.txt"])
def test_every_cell_of_corpus_reports(tmp_path, corpus, name):
    assert check_mutations(tmp_path, corpus / name) == []


@pytest.mark.parametrize("layout_id, seed", [("2021", 11), ("2019", 12)])
def test_every_cell_of_generated_reports(tmp_path, layout_id, seed):
    from synth.generate import make_report
    from synth.render import write

    synthetic = make_report(layout_id, seed, variety=False, profile="medium")
    path = write(synthetic, "txt", tmp_path / "source" if (tmp_path / "source").mkdir() is None else tmp_path)
    assert check_mutations(tmp_path, path) == []
