"""The text and cross-report rules on generated reports (tests/synth): narratives that agree with
their tables in every format and layout, a table changed after the narrative was written, and a
two-year series with known breaks."""

from __future__ import annotations

import pytest

from xxgk_audit import audit, load_report

synth_generate = pytest.importorskip("synth.generate")
synth_render = pytest.importorskip("synth.render")
TEXT_RULE_IDS = ("TEXT-VS-TABLE", "S1-COVERAGE", "S5-THIN", "S6-FEE-STATEMENT", "T3-FEE-VS-S6", "DEADLINE")


@pytest.mark.parametrize("layout_id", ["2021", "2019"])
@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx", "pdf"])
def test_generated_reports_raise_no_text_finding(tmp_path, layout_id, fmt):
    from xxgk_audit.rules.claims import narrative_checks

    matched = 0
    for seed in range(6):
        synthetic = synth_generate.make_report(layout_id, seed)
        report = load_report(synth_render.write(synthetic, fmt, tmp_path, name=f"{seed}"))
        result = audit(report)
        assert [f.message for f in result.findings if f.rule in TEXT_RULE_IDS] == [], (seed, fmt)
        matched += sum(1 for c in narrative_checks(report) if c.status == "match")
    assert matched >= 12  # the figures were read, not skipped


def test_generated_report_with_a_changed_table_cell(tmp_path):
    synthetic = synth_generate.make_report("2021", 3, variety=False, profile="medium")
    cells = dict(synthetic.cells)
    cells["t3.new.natural_person"] += 5  # the table changed after the narrative was written
    cells["t3.new.total"] += 5
    report = load_report(synth_render.write(synthetic.copy(cells=cells), "txt", tmp_path))
    found = audit(report).by_rule("TEXT-VS-TABLE")
    assert [(f.cells, f.expected, f.actual) for f in found] == [(("t3.new.total",), cells["t3.new.total"], synthetic.cells["t3.new.total"])]


def _linked(before: dict, now: dict) -> dict:
    """``now`` with 二、上年结转 = last year's 四、结转下年度 (per column, 一 adjusted to keep the
    balance) and 现行有效 = last year's 现行有效 + 制发 − 废止."""
    cells = dict(now)
    columns = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
    for column in columns:
        carried = before[f"t3.carry_forward.{column}"]
        cells[f"t3.new.{column}"] += cells[f"t3.carried_over.{column}"] - carried
        cells[f"t3.carried_over.{column}"] = carried
    for doc in ("regulations", "normative_docs"):
        base = f"t2.art20_1.{doc}"
        cells[f"{base}.valid"] = before[f"{base}.valid"] + cells[f"{base}.made"] - cells[f"{base}.repealed"]
    return cells


def test_generated_series_with_known_breaks(tmp_path):
    make = synth_generate.make_report
    agency = "泗洪县司法局"
    y1 = make("2021", 11, variety=False, profile="medium", year=2022, agency=agency)
    cells2 = _linked(y1.cells, synth_generate.consistent_cells("2021", 12, profile="medium"))
    assert all(v >= 0 for k, v in cells2.items() if k.startswith("t3.new."))
    y2 = make("2021", 12, variety=False, year=2023, agency=agency, cells=cells2)
    broken = dict(cells2)
    broken["t2.art20_1.normative_docs.valid"] += 2  # 现行有效 not rolled forward
    broken["t3.carried_over.natural_person"] += 1  # one column's carry-over differs …
    broken["t3.carried_over.total"] += 1  # … and so does the 总计 column
    broken["t3.new.natural_person"] -= 1  # (表三 still balances)
    broken["t3.new.total"] -= 1
    y2_broken = make("2021", 12, variety=False, year=2023, agency=agency, cells=broken)
    reports = {name: load_report(synth_render.write(s, "txt", tmp_path, name=name)) for name, s in (("y1", y1), ("y2", y2), ("y2b", y2_broken))}

    def cross(name):
        result = audit(reports[name], prior=[reports["y1"]])
        return sorted((f.rule, f.cells[0], f.expected, f.actual) for f in result.findings if f.rule in ("T3-CARRY-CHAIN", "T2-VALID-PROGRESSION"))

    assert cross("y2") == []
    valid = cells2["t2.art20_1.normative_docs.valid"]
    carried = y1.cells["t3.carry_forward.natural_person"], y1.cells["t3.carry_forward.total"]
    assert cross("y2b") == [
        ("T2-VALID-PROGRESSION", "t2.art20_1.normative_docs.valid", valid, valid + 2),
        ("T3-CARRY-CHAIN", "t3.carried_over.natural_person", carried[0], carried[0] + 1),
        ("T3-CARRY-CHAIN", "t3.carried_over.total", carried[1], carried[1] + 1),
    ]
