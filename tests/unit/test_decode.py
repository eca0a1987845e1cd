import codecs

import pytest

from xxgk_audit.loaders.decode import decode

TEXT = "政府信息公开工作年度报告：本年新收政府信息公开申请数量、部分公开、总计、结转下年度继续办理。"


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_detects_simplified_encodings(encoding, expected):
    text, detected = decode(TEXT.encode(encoding))
    assert detected == expected and text == TEXT


def test_bom():
    text, detected = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert detected == "utf-8-sig" and text == TEXT


def test_big5_traditional():
    traditional = "政府資訊公開工作年度報告：本年新收政府資訊公開申請數量、部分公開、總計、結轉下年度繼續辦理。"
    text, detected = decode(traditional.encode("big5"))
    assert detected == "cp950" and text == traditional


def test_declared_charset_is_used_when_it_fits():
    data = b'<html><head><meta charset="gb2312"></head><body>' + TEXT.encode("gbk") + b"</body></html>"
    text, detected = decode(data)
    assert detected == "gb18030" and TEXT in text


def test_wrong_declaration_is_overridden():
    data = b'<meta charset="big5">' + TEXT.encode("utf-8")
    text, detected = decode(data)
    assert TEXT in text


def test_never_raises_on_garbage():
    text, _ = decode(bytes(range(256)) * 10)
    assert isinstance(text, str)
