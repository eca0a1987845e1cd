"""The printed form of the tables (grid.py): spans as in the official template, from the layout data."""

import re

import pytest
from lxml import etree

from xxgk_audit.grid import occupancy, table_grid
from xxgk_audit.layout import get_layout


def spans(grid, rows=None):
    return [[(c.role, c.text, c.rowspan, c.colspan) for c in row.cells if c.role != "value"] for row in grid.rows[:rows]]


@pytest.mark.parametrize("layout_id", ["2021", "2019"])
def test_every_grid_position_is_covered_exactly_once(layout_id):
    layout = get_layout(layout_id)
    for table in layout.tables:
        grid = table_grid(layout, table)
        cover = occupancy(grid)
        assert all(cell is not None for row in cover for cell in row), table
        assert sorted(grid.value_keys) == sorted(c.key for c in layout.table_cells(table))


def test_t3_has_three_label_columns_and_the_official_header():
    grid = table_grid(get_layout("2021"), "t3")
    assert (grid.width, grid.label_columns, grid.head_rows) == (10, 3, 3)
    corner = get_layout("2021").tables["t3"].corner_note
    assert spans(grid, 3) == [
        [("corner", corner, 3, 3), ("head", "申请人情况", 1, 7)],
        [("head", "自然人", 2, 1), ("head", "法人或其他组织", 1, 5), ("head", "总计", 2, 1)],
        [("head", label, 1, 1) for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    body = spans(grid)[3:]
    assert body[0] == [("label", "一、本年新收政府信息公开申请数量", 1, 3)]
    assert body[2] == [("label", "三、本年度办理结果", 22, 1), ("label", "（一）予以公开", 1, 2)]
    assert body[4] == [("label", "（三）不予公开", 8, 1), ("label", "1.属于国家秘密", 1, 1)]
    assert body[12] == [("label", "（四）无法提供", 3, 1), ("label", "1.本机关不掌握相关政府信息", 1, 1)]
    assert body[15] == [("label", "（五）不予处理", 5, 1), ("label", "1.信访举报投诉类申请", 1, 1)]
    assert body[20][0] == ("label", "（六）其他处理", 3, 1)
    assert body[23] == [("label", "（七）总计", 1, 2)]
    assert body[24] == [("label", "四、结转下年度继续办理", 1, 3)]


def test_2019_t3_has_one_row_for_other_handling():
    grid = table_grid(get_layout("2019"), "t3")
    body = spans(grid)[3:]
    assert body[2] == [("label", "三、本年度办理结果", 20, 1), ("label", "（一）予以公开", 1, 2)]
    assert ("label", "（六）其他处理", 1, 2) in [cell for row in body for cell in row]


def test_t2_is_four_blocks_with_their_own_headers():
    grid = table_grid(get_layout("2021"), "t2")
    rows = spans(grid)
    assert rows[0] == [("block", "第二十条第（一）项", 1, 4)]
    assert rows[1] == [("head", "信息内容", 1, 1), ("head", "本年制发件数", 1, 1), ("head", "本年废止件数", 1, 1), ("head", "现行有效件数", 1, 1)]
    assert rows[4] == [("block", "第二十条第（五）项", 1, 4)]
    assert rows[5] == [("head", "信息内容", 1, 1), ("head", "本年处理决定数量", 1, 3)]
    assert [r[0][1] for r in rows if r and r[0][0] == "block"] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    values = [c for row in grid.rows for c in row.cells if c.role == "value"]
    assert [c.colspan for c in values if c.key.startswith("t2.art20_8")] == [3]


def test_t4_has_the_two_level_header_and_no_label_column():
    grid = table_grid(get_layout("2021"), "t4")
    assert (grid.width, grid.label_columns, grid.head_rows) == (15, 0, 3)
    rows = spans(grid)
    assert rows[0] == [("head", "行政复议", 2, 5), ("head", "行政诉讼", 1, 10)]
    assert rows[1] == [("head", "未经复议直接起诉", 1, 5), ("head", "复议后起诉", 1, 5)]
    assert [c[1] for c in rows[2]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert rows[3] == [] and len(grid.rows[3].cells) == 15  # one data row, values only


def _edited_layout(monkeypatch, keep_width: bool):
    import xxgk_audit.layout as layout_module

    read = layout_module._read

    def edited(name):
        data = read(name)
        if name.endswith("layout.yaml"):
            t2 = data["tables"]["t2"]
            if not keep_width:
                t2.pop("grid_width")
            for block in t2["blocks"]:
                for column in block["columns"]:
                    column.pop("span", None)
        return data

    monkeypatch.setattr(layout_module, "_read", edited)
    return layout_module.get_layout.__wrapped__("2021")  # uncached: the edited data


def test_column_spans_must_fill_the_declared_grid(monkeypatch):
    from xxgk_audit.layout import LayoutError

    with pytest.raises(LayoutError, match="grid_width"):
        _edited_layout(monkeypatch, keep_width=True)


def test_a_block_narrower_than_the_grid_gets_not_applicable_cells_not_blanks(monkeypatch):
    grid = table_grid(_edited_layout(monkeypatch, keep_width=False), "t2")
    licensing = next(row for row in grid.rows if row.labels == ("第二十条第（五）项", "行政许可"))
    assert [(c.role, c.colspan) for c in licensing.cells] == [("label", 1), ("value", 1), ("na", 2)]


def _published_structure(html: str, marker: str) -> list[list[tuple[str, int, int]]]:
    """(text, rowspan, colspan) of the label and header cells of the published table after ``marker``."""
    root = etree.fromstring(html, etree.HTMLParser())
    for table in root.iter("table"):
        text = "".join(table.itertext())
        if marker in text:
            rows = []
            for tr in table.iter("tr"):
                cells = []
                for td in tr:
                    content = re.sub(r"\s+", "", "".join(td.itertext()))
                    if content and not re.fullmatch(r"[\d.,\-—/元]+", content):
                        cells.append((content, int(td.get("rowspan", 1)), int(td.get("colspan", 1))))
                rows.append(cells)
            return rows
    raise AssertionError(marker)


@pytest.mark.parametrize(
    ("name", "layout_id", "table", "marker"),
    [
        ("2023_shuyang-fgj.html", "2021", "t3", "本年度办理结果"),
        ("2023_shuyang-fgj.html", "2021", "t2", "第二十条第（一）项"),
        ("2019_sh-szfbgt.html", "2019", "t3", "本年度办理结果"),
        ("2019_sh-szfbgt.html", "2019", "t2", "第二十条第（一）项"),
    ],
)
def test_the_grid_matches_a_published_table(corpus, name, layout_id, table, marker):
    html = (corpus / name).read_bytes().decode("utf-8", "replace")
    published = _published_structure(html, marker)
    grid = table_grid(get_layout(layout_id), table)
    ours = [[(re.sub(r"\s+", "", c.text), c.rowspan, c.colspan) for c in row.cells if c.role != "value" and c.role != "na"] for row in grid.rows]
    assert len(published) == len(ours)
    for printed, expected in zip(published, ours):
        # labels as the format prints them (a report's own typos are LABEL-VARIANT, not layout)
        assert [(r, c) for _, r, c in printed] == [(r, c) for _, r, c in expected], (printed, expected)
