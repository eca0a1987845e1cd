"""表三's 法人或其他组织 printed as one column (no 商业企业 … 其他 under it): the columns outside the
group are read, the group's cells stay unknown, and CELLS-INSEPARABLE says why, once per table."""

from __future__ import annotations

import re

from helpers import sample_text
from variants.variation import organisations_in_one_column
from xxgk_audit import audit, load_report


def _varied(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return load_report(path)


def _with_counts(text: str) -> str:
    """The sample with 一、本年新收 as 5 自然人, 1 + 2 in two kinds of organisation, 8 in all."""
    return re.sub(r"^(一、本年新收政府信息公开申请数量\t\t)0\t0\t0\t0\t0\t0\t0", r"\g<1>5\t1\t0\t2\t0\t0\t8", text, flags=re.M)


def test_the_columns_outside_the_group_are_read_and_its_cells_are_unknown(tmp_path):
    original = _with_counts(sample_text())
    assert original != sample_text()
    report = _varied(tmp_path, organisations_in_one_column(original))
    assert report.value("t3.new.natural_person") == 5 and report.value("t3.new.total") == 8
    assert report.cells["t3.new.commercial"].value is None and report.cells["t3.new.other_org"].status == "unreadable"
    found = audit(report).by_rule("CELLS-INSEPARABLE")
    assert len(found) == 1
    assert "“法人或其他组织”只印了一列" in found[0].message and "“一、本年新收政府信息公开申请数量”行印为“3”" in found[0].message
    assert {"t3.new.commercial", "t3.carry_forward.other_org"} <= set(found[0].cells)
    assert "t3.new.natural_person" not in found[0].cells


def test_under_the_five_kinds_a_row_of_three_values_is_no_merged_column(tmp_path):
    lines = _with_counts(sample_text()).split("\n")
    short = [re.sub(r"\t5\t1\t0\t2\t0\t0\t8", "\t5\t3\t8", line) for line in lines]  # 商业企业 … still printed above
    report = _varied(tmp_path, "\n".join(short))
    assert report.value("t3.new.natural_person") is None  # which cells the three values fill cannot be told
    assert all("只印了一列" not in f.message for f in audit(report).by_rule("CELLS-INSEPARABLE"))
