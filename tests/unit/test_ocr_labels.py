"""Labels as OCR prints them from a blurred scan still land on the official row."""

from __future__ import annotations

import pytest

from xxgk_audit.layout import get_layout
from xxgk_audit.parse.labels import LabelMatcher, matchable


@pytest.fixture(scope="module")
def t3_rows():
    table = get_layout("2021").tables["t3"]
    return LabelMatcher((r.label, r.key, r.variants) for b in table.blocks for r in b.rows if r.label)


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("3其他", "result.other.other"),  # the dot after the ordinal lost
        ("2重复申请", "result.not_processed.repeated"),
        ("（一）子以公开", "result.granted"),  # 予 read as 子
        ("（五）不子处理", "result.not_processed"),
    ],
)
def test_ocr_forms_of_row_labels_match(t3_rows, printed, key):
    hit = t3_rows.match(printed)
    assert hit is not None and hit.target == key


@pytest.mark.parametrize("text", ["12345热线", "2023年", "100件"])
def test_numbers_that_are_no_ordinal_stay(text):
    assert len(matchable(text)) == len(text)  # the digits are kept (folded: 0 → o), none stripped as an ordinal
