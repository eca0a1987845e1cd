import pytest

from xxgk_audit.parse.values import parse_value


@pytest.mark.parametrize(
    "text, value",
    [("0", 0), ("821", 821), (" 12 ", 12), ("１２３", 123), ("1,234", 1234), ("7730.28", 7730.28), ("7545", 7545),
     ("+1036", 1036), ("-3", -3), ("0.00", 0), ("251000元", 251000), ("22（其中修订16件）", 22), ("5件", 5)],
)
def test_numbers(text, value):
    parsed = parse_value(text)
    assert parsed.status == "number"
    assert parsed.value == value
    assert type(parsed.value) is type(value)


@pytest.mark.parametrize("text", ["", " ", "\xa0", "—", "-", "/", "无", "／", "——"])
def test_blanks_are_unknown_not_zero(text):
    parsed = parse_value(text)
    assert parsed.status == "blank" and parsed.value is None


@pytest.mark.parametrize("text", ["不适用", "见附件", "1 234", "12a", "约20"])
def test_text_is_not_a_number(text):
    assert parse_value(text).status == "text"


def test_units_leave_a_note():
    assert "元" in parse_value("251000元").note
    assert "其中修订16件" in parse_value("22（其中修订16件）").note
    assert parse_value("1,234").note
