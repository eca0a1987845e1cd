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


def _official_labels() -> set[str]:
    from xxgk_audit.layout import all_layouts

    labels: set[str] = set()
    for layout in all_layouts():
        labels.update(table.name for table in layout.tables.values())
        for cell in layout.cells.values():
            labels.update(x for x in (cell.row_label, cell.column_label) if x)
        for section in layout.sections:
            labels.update((section.label, section.body, *section.variants))
    return {label.strip() for label in labels if len(label.strip()) >= 6}  # 合计, 自然人 … are ordinary words


def _code_strings(tree):
    """String constants of a module that are not docstrings (a docstring may cite the clause it enforces)."""
    import ast

    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_official_label_is_written_in_python_outside_the_layout_data():
    """The format is data: an official label lives in the package's YAML, read by xxgk_audit.layout."""
    import ast
    from pathlib import Path

    import xxgk_audit

    labels = _official_labels()
    assert len(labels) > 50
    package = Path(xxgk_audit.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "layout.py":
            continue
        for node in _code_strings(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{path.relative_to(package)}:{node.lineno} {label}" for label in labels if label in node.value]
    assert not found, found


def test_the_key_cells_of_a_batch_are_cells_of_the_2021_layout():
    from xxgk_audit.layout import key_cells

    assert key_cells() and set(key_cells()) <= set(get_layout("2021").cells)
