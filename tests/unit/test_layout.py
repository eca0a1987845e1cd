import yaml

from xxgk_audit.layout import get_layout


def test_cell_counts_and_order():
    assert len(get_layout("2021").cells) == 10 + 25 * 7 + 15
    assert len(get_layout("2019").cells) == 22 + 23 * 7 + 15
    keys = list(get_layout("2021").cells)
    assert keys[0] == "t2.art20_1.regulations.made"
    assert keys[-1] == "t4.litigation_after_review.total"


def test_cell_keys_identical_to_spec(spec):
    for layout_id in ("2021", "2019"):
        data = yaml.safe_load((spec / f"format-{layout_id}.yaml").read_text(encoding="utf-8"))["tables"]
        t3 = [f"t3.{r['key']}.{c['key']}" for r in data["t3"]["rows"] if r["data"] for c in data["t3"]["columns"]]
        expected = list(data["t2"]["cells"]) + t3 + list(data["t4"]["cells"])
        assert list(get_layout(layout_id).cells) == expected


def test_labels_identical_to_spec(spec):
    for layout_id in ("2021", "2019"):
        data = yaml.safe_load((spec / f"format-{layout_id}.yaml").read_text(encoding="utf-8"))["tables"]
        layout = get_layout(layout_id)
        t3 = layout.tables["t3"].blocks[0]
        assert [r.label for r in t3.rows] == [r["label"] for r in data["t3"]["rows"]]
        assert [c.label for c in t3.columns] == [c["label"] for c in data["t3"]["columns"]]
        for block, spec_block in zip(layout.tables["t2"].blocks, data["t2"]["blocks"]):
            assert block.header == spec_block["header"]
            assert [c.label for c in block.columns] == [c["label"] for c in spec_block["columns"][1:]]
            assert [r.label for r in block.rows] == [r["label"] for r in spec_block["rows"]]


def test_equations_cover_spec_rules():
    layout = get_layout("2021")
    counts = {e.id: len(e.instances) for e in layout.equations}
    assert counts == {"T3-BAL": 7, "T3-RESULT-SUM": 7, "T3-ROW-TOTAL": 25, "T4-SUM": 3}
    result_sum = next(e for e in layout.equations if e.id == "T3-RESULT-SUM").instances[0]
    assert len(result_sum.rhs) == 21
    assert len(next(e for e in get_layout("2019").equations if e.id == "T3-RESULT-SUM").instances[0].rhs) == 19


def test_every_equation_term_is_a_cell():
    for layout_id in ("2021", "2019"):
        layout = get_layout(layout_id)
        for equation in layout.equations:
            for instance in equation.instances:
                assert set(instance.cells) <= set(layout.cells)
