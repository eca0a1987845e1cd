"""A column at the edge of a table, empty in every row, its header included, is set aside; a column
that only its values leave empty, or one inside the table, stays."""

from __future__ import annotations

from dataclasses import replace

from xxgk_audit.document import Block, CellText
from xxgk_audit.parse.spacers import drop_spacer_columns


def _row(*cells: str | tuple[str, int], line: int = 1, table: int = 0) -> Block:
    """A row of cells; a cell given as (text, colspan) spans that many grid columns."""
    made, column = [], 1
    for cell in cells:
        text, span = cell if isinstance(cell, tuple) else (cell, 1)
        made.append(CellText(text, line=line, colspan=span, col_no=column))
        column += span
    return Block("row", " | ".join(c.text for c in made), line=line, cells=tuple(made), table=table)


def _texts(blocks: list[Block]) -> list[list[str]]:
    return [[c.text for c in b.cells] for b in blocks if b.kind == "row"]


def test_an_empty_first_column_is_set_aside_and_the_cells_keep_their_place():
    blocks = [
        _row("", "结果维持", "结果纠正", "总计", line=1),
        _row("", "5", "", "5", line=2),
    ]
    out = drop_spacer_columns(blocks)
    assert _texts(out) == [["结果维持", "结果纠正", "总计"], ["5", "", "5"]]
    assert out[1].cells[0].col_no == 2 and out[1].line == 2  # still traced to where it was printed
    assert out[1].text == "5 |  | 5"


def test_a_column_its_header_names_stays_though_every_value_is_blank():
    blocks = [_row("结果维持", "结果纠正", "总计"), _row("5", "", "5"), _row("2", "", "2")]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)


def test_a_header_spanning_the_column_keeps_it():
    blocks = [_row(("行政复议", 2), "总计"), _row("结果维持", "", "总计"), _row("5", "", "5")]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)


def test_the_rest_of_a_table_without_its_header_keeps_every_column():
    """On the next page a column may be blank all the way down: without a header to tell, it stays,
    even where a label cut by the page break makes a first row of words."""
    blocks = [_row("三、本年度办理结果", "开申请", "", ""), _row("（三）不予公开", "1", "", line=9), _row("（四）无法提供", "2", "", line=10)]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)


def test_an_empty_last_column_is_set_aside_too():
    blocks = [_row("信息内容", "本年制发件数", "现行有效件数", ""), _row("规章", "0", "2", "")]
    assert _texts(drop_spacer_columns(blocks)) == [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "2"]]


def test_a_header_of_two_rows_tells_as_well():
    blocks = [_row("", ("行政复议", 2)), _row("", "结果维持", "总计"), _row("", "5", "5")]
    assert _texts(drop_spacer_columns(blocks)) == [["行政复议"], ["结果维持", "总计"], ["5", "5"]]


def test_an_empty_column_inside_the_table_stays():
    blocks = [_row("信息内容", "", "处理决定数量", "总计"), _row("行政许可", "", "3", "3")]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)


def test_tables_are_taken_one_by_one():
    first = [_row("", "信息内容", "本年制发件数", "现行有效件数", table=0), _row("", "规章", "0", "2", table=0)]
    second = [_row("信息内容", "本年处理决定数量", ""), _row("行政许可", "3", "")]
    second = [replace(row, table=1) for row in second]
    out = drop_spacer_columns(first + [Block("text", "表三", line=5)] + second)
    assert _texts(out) == [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "2"], ["信息内容", "本年处理决定数量", ""], ["行政许可", "3", ""]]


def test_text_tables_without_grid_positions_stay_as_printed():
    row = Block("row", " | 规章 | 0", cells=(CellText(""), CellText("规章"), CellText("0")), table=0)
    header = Block("row", " | 信息内容 | 本年制发件数", cells=(CellText(""), CellText("信息内容"), CellText("本年制发件数")), table=0)
    assert drop_spacer_columns([header, row]) == [header, row]


def test_columns_beyond_the_headers_grid_are_no_spacers():
    """表三 printed without 总计, its header on one page and its rows on the next, on a wider grid
    (the label cells take three columns there): the last columns, blank in every row, are values
    (法律服务机构, 其他), not spacers — the header does not print them empty."""
    blocks = [
        _row("（本列数据的勾稽关系）", "申请人情况", line=1),
        _row("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", line=2),
        _row("一、本年新收政府信息公开申请数量", "", "", "215", "", "", "", "", "", line=3),
        _row("二、上年结转政府信息公开申请数量", "", "", "0", "", "", "", "", "", line=4),
    ]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)


def test_several_empty_columns_at_an_edge_are_blank_values():
    """表四's header cut by a page break: on the next page the header row's first five cells lost
    their words to the page before, and the row of values is blank in its first four: blank
    values, not spacers (an editor adds one blank column)."""
    blocks = [
        _row("", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", line=1),
        _row("", "", "", "", "0", "", "5", "", "", "5", line=2),
    ]
    assert _texts(drop_spacer_columns(blocks)) == _texts(blocks)
