import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk_audit.parse.labels import LabelMatcher, cosmetic, matchable, nfkc

OFFICIAL = [
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "行政规范性文件",
    "行政处罚",
    "行政强制",
    "沭阳县发展和改革局",
]


@pytest.fixture(scope="module")
def matcher():
    return LabelMatcher((label, label, ("规范性文件",) if label == "行政规范性文件" else ()) for label in OFFICIAL)


@pytest.mark.parametrize(
    "printed, official",
    [
        ("本年度止件数", "本年废止件数"),  # OCR 废→度
        ("2.其他法律行政止公开", "2.其他法律行政法规禁止公开"),  # characters dropped
        ("沐阳县发展和改革局", "沭阳县发展和改革局"),  # 沭→沐
        ("规范性文件", "行政规范性文件"),  # old wording
    ],
)
def test_typos_match_as_variants(matcher, printed, official):
    hit = matcher.match(printed)
    assert hit is not None and hit.official == official
    assert hit.is_variant


@pytest.mark.parametrize(
    "printed, official",
    [
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ('3.危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("3、危及“三安全一稳定”", "3.危及“三安全一稳定”"),
        ("本年制發件數", "本年制发件数"),  # traditional characters
        ("行政處(chu)罰(fa)", "行政处罚"),  # pinyin inserted by mirror sites
        ("ｘ本年制发件数".replace("ｘ", ""), "本年制发件数"),
    ],
)
def test_cosmetic_differences_are_not_variants(matcher, printed, official):
    hit = matcher.match(printed)
    assert hit is not None and hit.official == official
    assert not hit.is_variant


@pytest.mark.parametrize("printed", ["行政复议", "其他", "本年", "主动公开工作情况", ""])
def test_unrelated_text_does_not_match(matcher, printed):
    assert matcher.match(printed) is None


def test_ambiguous_match_is_refused():
    matcher = LabelMatcher([("甲乙丙丁一", 1, ()), ("甲乙丙丁二", 2, ())])
    assert matcher.match("甲乙丙丁三") is None


def test_folds():
    assert cosmetic("第二十条  第(一)项") == cosmetic("第二十条第（一）项")
    assert matchable("（一）予以公开") == matchable("(一) 予以公开") == matchable("予以公开")
    assert matchable("1. 属于国家秘密") == matchable("属于国家秘密")


# Chinese report text with full-width forms, compatibility characters (①, ㈠, ﹙), combining marks
# and Hangul jamo, long enough to take the fast path
_REPORT_CHARS = st.sampled_from(list("政府信息公开申请（）：，、。“”０１２３４５６７８９ＡＢａ\u3000 \t①㈠﹙﹚ｶﾞ\u0301\u0308eE\u1100\u1161\u11a8가"))


@given(st.lists(_REPORT_CHARS, min_size=0, max_size=300).map("".join))
def test_nfkc_is_exactly_unicode_nfkc(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_a_long_line_with_full_width_punctuation():
    line = "（一）予以公开：本年共收到申请１２件，　其中自然人１０件。" * 10
    assert nfkc(line) == unicodedata.normalize("NFKC", line)
    assert "（" not in nfkc(line) and "１" not in nfkc(line)


def test_a_labels_ordinal_is_read_in_any_of_its_forms():
    from xxgk_audit.parse.labels import ordinal_value, ordinals_agree

    assert [ordinal_value(t) for t in ("（三）不予公开", "(三)不予公开", "2.其他", "3其他", "十二、其他", "二十一、其他", "予以公开")] == [3, 3, 2, 3, 12, 21, None]
    assert not ordinals_agree("2.其他", "3.其他")
    assert ordinals_agree("其他", "3.其他") and ordinals_agree("1.属于国家秘密", "（一）属于国家秘密")
