"""Every corpus report yields the hand-checked cells and defects of ../shared/corpus/expected.

Tables the expected files call inseparable (crawler text whose digits run together) were left
without cells by the hand-checkers because no split was possible without the layout. The engine
now splits such a run where the number of cells or the layout's equations allow only one split
(each such cell says so in its ``origin``), and reports the rest as CELLS-INSEPARABLE; for those
tables the tests check exactly that: no cell of them is read in any other way, and every cell
read agrees with the narrative (tests/corpus/test_text_rules.py) and the arithmetic.
"""

from __future__ import annotations

import pytest

from tests.corpus.conftest import NAMES


@pytest.mark.parametrize("name", NAMES)
def test_metadata(results, name):
    report, _, expected = results(name)
    assert (report.agency, report.year, report.template) == (expected["agency"], expected["year"], expected["template"])


SPLIT = ("split_count", "split_row", "split_table")


def _in_tables(key: str, tables) -> bool:
    return key.split(".", 1)[0] in tables


@pytest.mark.parametrize("name", NAMES)
def test_every_cell(results, name):
    report, _, expected = results(name)
    got = report.values()
    assert list(got) == [k for k in report.layout.cells if k in got]  # layout order
    split = set(expected["inseparable"])
    differences = {
        k: (expected["cells"].get(k, "ABSENT"), got.get(k, "ABSENT"))
        for k in set(got) | set(expected["cells"])
        if expected["cells"].get(k, "ABSENT") != got.get(k, "ABSENT") and not _in_tables(k, split)
    }
    assert differences == {}
    # in the tables the hand-checkers could not split, every cell read was split by the layout
    # (or is the one cell of its row: 行政许可 2293)
    unsplit = [
        k for k, c in report.cells.items()
        if _in_tables(k, split) and c.value is not None and c.origin not in SPLIT and _row_width(report, k) > 1
    ]
    assert unsplit == []


def _row_width(report, key: str) -> int:
    spec = report.layout.cells[key]
    return len(report.layout.row_cells(spec.table, spec.block, spec.row))


@pytest.mark.parametrize("name", NAMES)
def test_inseparable_tables(results, name):
    report, result, expected = results(name)
    flagged = {f.subject for f in result.by_rule("CELLS-INSEPARABLE")}
    assert flagged <= set(expected["inseparable"])  # nothing the hand-checkers could read is called inseparable
    for table in expected["inseparable"]:  # each such table is reported, or split by the layout throughout
        cells = [c for k, c in report.cells.items() if _in_tables(k, [table])]
        assert table in flagged or (cells and all(c.origin in SPLIT or _row_width(report, c.key) == 1 for c in cells)), table


@pytest.mark.parametrize("name", NAMES)
def test_every_expected_defect_is_found(results, name):
    _, result, expected = results(name)
    missed = []
    for defect in expected["defects"]:
        if defect["rule"] in ("TEXT-VS-TABLE",):  # a rule of the text group, audited in tests/corpus/test_text_rules.py
            continue
        hits = [f for f in result.by_rule(defect["rule"]) if not defect["cells"] or set(f.cells) & set(defect["cells"])]
        if not hits:
            missed.append(defect["rule"])
    assert missed == []


@pytest.mark.parametrize("name", NAMES)
def test_no_unexpected_arithmetic_error(results, name):
    _, result, expected = results(name)
    listed = [d for d in expected["defects"] if d["rule"].startswith(("T3-", "T4-"))]
    unexpected = [
        f.message
        for f in result.findings
        if f.group == "arithmetic" and f.severity == "error" and not any(d["rule"] == f.rule and set(d["cells"]) & set(f.cells) for d in listed)
    ]
    assert unexpected == []


@pytest.mark.parametrize("name", NAMES)
def test_no_error_the_expected_file_does_not_list(results, name):
    _, result, expected = results(name)
    unexpected = [
        f"{f.rule}: {f.message}"
        for f in result.findings
        if f.severity == "error"
        and not any(d["rule"] == f.rule and (not d["cells"] or set(d["cells"]) & set(f.cells)) for d in expected["defects"])
        and not (f.rule == "CELLS-INSEPARABLE" and f.subject in expected["inseparable"])
    ]
    assert unexpected == []


@pytest.mark.parametrize("name", NAMES)
def test_every_number_reappears_in_the_source(results, name):
    _, result, _ = results(name)
    assert result.by_rule("SOURCE-GATE") == []
