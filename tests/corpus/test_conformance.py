"""Every corpus report yields the hand-checked cells and defects of ../shared/corpus/expected."""

from __future__ import annotations

import pytest

from tests.corpus.conftest import NAMES


@pytest.mark.parametrize("name", NAMES)
def test_metadata(results, name):
    report, _, expected = results(name)
    assert (report.agency, report.year, report.template) == (expected["agency"], expected["year"], expected["template"])


@pytest.mark.parametrize("name", NAMES)
def test_every_cell(results, name):
    report, _, expected = results(name)
    got = report.values()
    assert list(got) == [k for k in report.layout.cells if k in got]  # layout order
    differences = {k: (expected["cells"].get(k, "ABSENT"), got.get(k, "ABSENT")) for k in set(got) | set(expected["cells"]) if expected["cells"].get(k, "ABSENT") != got.get(k, "ABSENT")}
    assert differences == {}


@pytest.mark.parametrize("name", NAMES)
def test_inseparable_tables(results, name):
    report, result, expected = results(name)
    assert sorted(k for k, v in report.tables.items() if v == "inseparable") == sorted(expected["inseparable"])
    flagged = {f.subject for f in result.by_rule("CELLS-INSEPARABLE")}
    assert flagged == set(expected["inseparable"])


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
