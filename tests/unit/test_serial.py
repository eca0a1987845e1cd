"""A serial-number column (序号) at the left of a table is set aside; anything like it that is not one stays."""

from __future__ import annotations

from xxgk_audit.document import Block, CellText
from xxgk_audit.parse.serial import drop_serial_columns


def _row(*cells: str, line: int = 1, table: int | None = None) -> Block:
    return Block("row", " | ".join(cells), line=line, cells=tuple(CellText(c, line=line, col_no=n) for n, c in enumerate(cells, 1)), table=table)


def _texts(blocks: list[Block]) -> list[list[str]]:
    return [[c.text for c in b.cells] for b in blocks if b.kind == "row"]


def test_the_serial_column_is_set_aside_and_the_cells_keep_their_place():
    blocks = [
        _row("序号", "信息内容", "本年制发件数", line=1),
        _row("1", "规章", "0", line=2),
        _row("2", "行政规范性文件", "3", line=3),
        _row("", "", "", line=4),
        _row("3", "行政许可", "5", line=5),
    ]
    out = drop_serial_columns(blocks)
    assert _texts(out) == [["信息内容", "本年制发件数"], ["规章", "0"], ["行政规范性文件", "3"], ["", ""], ["行政许可", "5"]]
    assert out[2].cells[1].col_no == 3 and out[2].line == 3  # still traced to where it was printed
    assert out[1].text == "规章 | 0"


def test_a_count_may_start_again_where_a_new_table_follows():
    blocks = [_row("序号", "信息内容", "数量"), _row("1", "规章", "0"), _row("序号", "信息内容", "数量"), _row("1", "行政许可", "2")]
    assert _texts(drop_serial_columns(blocks))[3] == ["行政许可", "2"]


def test_numbers_that_are_no_count_stay_as_printed():
    blocks = [_row("序号", "信息内容", "数量"), _row("1", "规章", "0"), _row("5", "行政许可", "2")]
    assert _texts(drop_serial_columns(blocks)) == _texts(blocks)


def test_without_the_header_word_a_first_column_of_numbers_stays():
    blocks = [_row("信息内容", "数量"), _row("1", "0"), _row("2", "0")]
    assert _texts(drop_serial_columns(blocks)) == _texts(blocks)


def test_each_source_table_is_judged_on_its_own():
    blocks = [
        _row("序号", "信息内容", table=1), _row("1", "规章", table=1),
        _row("5", "0", "0", table=2), _row("0", "0", "0", table=2),  # another table: its first column is data
    ]
    out = drop_serial_columns(blocks)
    assert _texts(out) == [["信息内容"], ["规章"], ["5", "0", "0"], ["0", "0", "0"]]


def test_the_rest_of_a_table_on_the_next_page_goes_on_with_the_count():
    blocks = [
        _row("序号", "信息内容", "数量", table=1), _row("1", "规章", "0", table=1), _row("2", "行政许可", "4", table=1),
        Block("text", "— 2 —", line=9),  # the page number between the parts
        _row("3", "行政处罚", "7", table=2), _row("", "行政强制", "1", table=2),
    ]
    assert _texts(drop_serial_columns(blocks))[3:] == [["行政处罚", "7"], ["行政强制", "1"]]


def test_a_table_after_one_with_a_serial_column_keeps_its_first_column_when_it_does_not_go_on():
    blocks = [_row("序号", "信息内容", table=1), _row("1", "规章", table=1), _row("1", "0", table=2), _row("2", "0", table=2)]
    assert _texts(drop_serial_columns(blocks))[2:] == [["1", "0"], ["2", "0"]]


def test_a_header_cell_printed_again_after_a_page_break_is_still_the_header():
    """A 序号 cell spanning two header rows, cut by a page break, is printed on both pages; the PDF
    reader joins the two into one cell (序号序号)."""
    blocks = [_row("序号序号", "信息内容", "本年制发件数", line=1), _row("1", "规章", "0", line=2)]
    assert _texts(drop_serial_columns(blocks)) == [["信息内容", "本年制发件数"], ["规章", "0"]]
    assert _texts(drop_serial_columns([_row("序号甲", "信息内容", "本年制发件数"), _row("1", "规章", "0")]))[1] == ["1", "规章", "0"]


def test_a_part_counting_on_by_itself_loses_its_serial_column():
    """The part of a table on the page after one the reader could not take as the table (its
    serial numbers printed apart): its first column counts on from 21, three rows or more."""
    rows = [_row("21", "", "（六）其他处理", "1.申请人无正当理由逾期不补正", "44", table=3), _row("22", "", "（六）其他处理", "2.申请人逾期未按收费通知", "1", table=3), _row("23", "", "（六）其他处理", "3.其他", "19", table=3)]
    assert [t[0] for t in _texts(drop_serial_columns(rows))] == ["", "", ""]
    two = rows[:2]
    assert _texts(drop_serial_columns(two)) == _texts(two)  # two rows: too few to tell
    values = [_row("5", "3", "2", table=4), _row("6", "3", "3", table=4), _row("8", "4", "4", table=4)]
    assert _texts(drop_serial_columns(values)) == _texts(values)  # no count: values
