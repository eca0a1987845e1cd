"""A complete 2021-format report as grids of merged cells, for the DOCX and PDF loader tests.

Each table is a list of :class:`Cell` (top-left position and spans), laid out as real reports print
them: 表二 blocks with full-width headers, 表三 with the corner note, the two-row applicant header
and the nested row labels in vertically merged cells, 表四 with its two header rows. Every value
cell holds a distinct number, so a value read into the wrong cell is caught.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk_audit.layout import get_layout

TITLE = "某某局2023年政府信息公开工作年度报告"
SECTIONS = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    rows: int
    cols: int
    cells: list[Cell]


def _t2(values: dict[str, int | float]) -> Grid:
    layout = get_layout("2021")
    cells: list[Cell] = []
    row = 0
    for block in layout.tables["t2"].blocks:
        cells.append(Cell(block.header, row, 0, colspan=4))
        row += 1
        width = 3 // len(block.columns)
        cells.append(Cell(block.label_column, row, 0))
        for i, column in enumerate(block.columns):
            cells.append(Cell(column.label, row, 1 + i * width, colspan=width if len(block.columns) > 1 else 3))
        row += 1
        for spec in block.rows:
            cells.append(Cell(spec.label, row, 0))
            for i, column in enumerate(block.columns):
                key = f"t2.{block.key}.{spec.key}.{column.key}"
                cells.append(Cell(str(values[key]), row, 1 + i * width, colspan=width if len(block.columns) > 1 else 3))
            row += 1
    return Grid(row, 4, cells)


def _t3(values: dict[str, int | float]) -> Grid:
    layout = get_layout("2021")
    block = layout.tables["t3"].blocks[0]
    cells = [
        Cell(layout.tables["t3"].corner_note, 0, 0, rowspan=3, colspan=3),
        Cell("申请人情况", 0, 3, colspan=7),
        Cell("自然人", 1, 3, rowspan=2),
        Cell("法人或其他组织", 1, 4, colspan=5),
        Cell("总计", 1, 9, rowspan=2),
        *(Cell(label, 2, 4 + i) for i, label in enumerate(T3_COLUMNS[1:6])),
    ]
    groups = {r.label: r for r in block.rows if not r.data}
    data_rows = [r for r in block.rows if r.data]
    paths = []  # (top-level label, group label, leaf label) per data row
    for spec in data_rows:
        parent = groups.get(spec.group)
        if parent is None:
            paths.append((spec.label, None, None))
        elif parent.group is None:
            paths.append((parent.label, spec.label, None))
        else:
            paths.append((parent.group, parent.label, spec.label))
    start = 3
    _merge_column(cells, [p[0] if p[1] else None for p in paths], start, 0)
    _merge_column(cells, [p[1] if p[2] else None for p in paths], start, 1)
    for offset, (spec, (top, group, leaf)) in enumerate(zip(data_rows, paths)):
        row = start + offset
        if group is None:
            cells.append(Cell(top, row, 0, colspan=3))
        elif leaf is None:
            cells.append(Cell(group, row, 1, colspan=2))
        else:
            cells.append(Cell(leaf, row, 2))
        for i, column in enumerate(block.columns):
            cells.append(Cell(str(values[f"t3.{spec.key}.{column.key}"]), row, 3 + i))
    return Grid(start + len(data_rows), 10, cells)


def _merge_column(cells: list[Cell], labels: list[str | None], start: int, col: int) -> None:
    """Vertically merged label cells for runs of equal labels in one column."""
    run_start = 0
    for index in range(1, len(labels) + 1):
        if index == len(labels) or labels[index] != labels[run_start]:
            if labels[run_start] is not None:
                cells.append(Cell(labels[run_start], start + run_start, col, rowspan=index - run_start))
            run_start = index


def _t4(values: dict[str, int | float]) -> Grid:
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = [Cell("行政复议", 0, 0, colspan=5), Cell("行政诉讼", 0, 5, colspan=10)]
    cells += [Cell(label, 1, i, rowspan=2) for i, label in enumerate(outcomes)]
    cells += [Cell("未经复议直接起诉", 1, 5, colspan=5), Cell("复议后起诉", 1, 10, colspan=5)]
    cells += [Cell(label, 2, 5 + i) for i, label in enumerate(outcomes * 2)]
    keys = [f"t4.{g}.{o}" for g in ("review", "litigation_direct", "litigation_after_review") for o in ("upheld", "corrected", "other", "pending", "total")]
    cells += [Cell(str(values[key]), 3, i) for i, key in enumerate(keys)]
    return Grid(4, 15, cells)


def report_values() -> dict[str, int | float]:
    """A distinct number for every cell of the 2021 layout (the 万元 amount with decimals)."""
    values: dict[str, int | float] = {}
    for n, key in enumerate(get_layout("2021").cells, start=1):
        values[key] = n
    values["t2.art20_8.admin_fees.amount"] = 12.5
    return values


def report_tables(values: dict[str, int | float]) -> dict[str, Grid]:
    return {"t2": _t2(values), "t3": _t3(values), "t4": _t4(values)}
