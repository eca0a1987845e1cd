"""A row whose printed label names no row of the layout (fragments of labels a PDF without ruling
lines wraps and interleaves, a garbled label) is placed by its order in the table where that alone
decides, as a row printed without a label is; the label is shown as printed (LABEL-VARIANT and the
cells' note). Where its order does not decide, it stays UNMAPPED-CONTENT, as before."""

from __future__ import annotations

from helpers import sample_text
from xxgk_audit import audit, load_report

SECOND, THIRD = "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”"
ZEROS = "\t0" * 7


def _counted(text: str) -> str:
    """The sample with counts in the rows 2. and 3. of （三）不予公开, so that their order matters."""
    text = text.replace(f"\t\t{SECOND}{ZEROS}", f"\t\t{SECOND}\t1\t0\t0\t0\t0\t0\t1", 1)
    return text.replace(f"\t\t{THIRD}{ZEROS}", f"\t\t{THIRD}\t2\t0\t0\t0\t0\t0\t2", 1)


def _report(tmp_path, text: str, name: str):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return load_report(path)


def test_rows_whose_labels_name_nothing_are_placed_by_their_order(tmp_path):
    counted = _counted(sample_text())
    assert counted != sample_text()
    base = _report(tmp_path, counted, "base")
    garbled = _report(tmp_path, counted.replace(f"\t\t{SECOND}\t", "\t\t政法规 禁止公\t").replace(f"\t\t{THIRD}\t", "\t\t全一稳 定”\t"), "garbled")
    assert garbled.values() == base.values()
    moved = [c for c in garbled.cells.values() if c.origin == "by_order"]
    assert len(moved) == 14 and {c.value for c in moved} == {0, 1, 2}
    assert all("无法识别" in c.note and c.source.row_label in ("政法规 禁止公", "全一稳 定”") for c in moved)
    before, after = audit(base), audit(garbled)
    shown = {loc.text for f in after.by_rule("LABEL-VARIANT") for loc in f.locations}
    assert "政法规 禁止公" in shown  # garbled: a variant of the row's label
    assert "全一稳 定”" not in shown  # the end of the row's label, cut by wrapping: no misprint
    assert not after.by_rule("UNMAPPED-CONTENT") and not after.by_rule("ROW-MISSING")
    assert {f.rule for f in after.findings} - {"LABEL-VARIANT"} == {f.rule for f in before.findings} - {"LABEL-VARIANT"}


def test_an_extra_row_that_names_nothing_stays_unmapped(tmp_path):
    counted = _counted(sample_text())
    extra = counted.replace(f"\t\t{THIRD}\t", f"\t\t甲乙丙丁{ZEROS}\n\t\t{THIRD}\t", 1)
    base, report = _report(tmp_path, counted, "base"), _report(tmp_path, extra, "extra")
    assert report.values() == base.values()
    unmapped = audit(report).by_rule("UNMAPPED-CONTENT")
    assert len(unmapped) == 1 and "表格行“甲乙丙丁”无法对应到表三的任何一行" in unmapped[0].message


def test_the_words_of_a_row_under_another_rows_ordinal_name_no_row(tmp_path):
    """"2.其他" (the first line of 2.其他法律行政法规禁止公开, wrapped) has the words of （六）'s
    "3.其他" but not its ordinal: it is no 3.其他; its values are placed by their order."""
    counted = _counted(sample_text())
    base = _report(tmp_path, counted, "base")
    cut = _report(tmp_path, counted.replace(f"\t\t{SECOND}\t", "\t\t2.其他\t"), "cut")
    assert cut.values() == base.values()
    assert cut.cells["t3.result.other.other.natural_person"].origin is None
    assert not audit(cut).by_rule("UNMAPPED-CONTENT")
