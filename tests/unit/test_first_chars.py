"""The first characters of a pattern's matches, and the search that tries the pattern only there."""

import re

from hypothesis import given
from hypothesis import strategies as st

from xxgk_audit.parse import first_chars
from xxgk_audit.parse.narrative import _CLAIM_STARTS, _CLAIMS


def _class(pattern: str) -> str | None:
    found = first_chars.starts(re.compile(pattern))
    return None if found is None else found.pattern


def test_first_characters_through_groups_options_and_lookarounds():
    assert _class(r"(?<!不)(?:予以|同意)公开") == "[予同]"
    assert _class(r"(?:行政)?复议\d+件") == "[复行]"
    assert _class(r"(?<![\d.])(?P<n>\d+)件|上一?年度?结转") == r"[上\d]"
    assert _class(r"(?=[甲乙])[一-七]x") == "[一丁丂七]"


def test_nothing_is_gained_where_a_match_can_begin_anywhere_or_be_empty():
    assert _class(r".件") is None
    assert _class(r"[^甲]件") is None
    assert _class(r"(?:甲)?") is None
    assert _class(r"\w+件") is None
    assert first_chars.starts(re.compile("abc", re.I)) is None


def test_the_claims_of_the_narrative_have_a_class():
    assert _CLAIM_STARTS is not None and r"\d" in _CLAIM_STARTS.pattern


_WORDS = ["收到", "申请", "共", "件", "未", "予以公开", "部分公开", "不予公开", "12", "3", "0", "，", "。", "行政复议",
          "诉讼", "结转", "上年", "办结", "答复", "规章", "规范性文件", "1,200", "（", "）", "维持", "纠正", "其他", "不"]


@given(st.lists(st.sampled_from(_WORDS), max_size=30), st.integers(min_value=0, max_value=5))
def test_the_same_matches_as_finditer(words, start):
    text = "".join(words)
    start = min(start, len(text))
    expected = [(m.span(), m.lastgroup) for m in _CLAIMS.finditer(text, start, len(text))]
    found = [(m.span(), m.lastgroup) for m in first_chars.finditer(_CLAIMS, _CLAIM_STARTS, text, start, len(text))]
    assert found == expected
