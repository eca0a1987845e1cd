"""Decode report text: UTF-8 (with or without BOM), GB18030/GBK or Big5, by detection.

Order: a byte-order mark; UTF-8 when the bytes are well-formed UTF-8 (a structural property that
Chinese text in another encoding practically never has; pages often declare gb2312 and serve UTF-8);
a charset the document declares, when its bytes fit it; otherwise the Chinese encoding under which
the text reads as Chinese (share of common characters).
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-]+)""", re.I)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "cp950",
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}
# Characters frequent in reports in both scripts; text decoded with the wrong codec rarely has them.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    "十三之进着等部度家力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间"
    "样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通并提直题程展五果料象员位入常文总次"
    "品式活设及管特件长求头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研依申请息報與資訊"
    "開這個們國會對於發時動過說種麼後學長現實經點業應還當體從裡機處開總結轉辦項"
)


def _declared(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    return _ALIASES.get(name, name)


def _clean(data: bytes, encoding: str) -> str | None:
    """The text if every byte decodes under ``encoding``, else None (no exception escapes)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return None
    text = codecs.decode(data, encoding, "replace")
    # a replacement character the source itself contains is not a decoding error
    genuine = data.count("\ufffd".encode(encoding)) if encoding.startswith("utf") else 0
    return None if text.count("\ufffd") > genuine else text


def _chinese_score(text: str) -> float:
    sample = text[:20000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not cjk:
        return 0.0
    return sum(1 for ch in sample if ch in _COMMON) / cjk - sample.count("\ufffd") / max(len(sample), 1)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Never raises; an undecodable byte string yields replacement chars."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return codecs.decode(data, encoding, "replace"), encoding
    text = _clean(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    declared = _declared(data)
    if declared:
        text = _clean(data, declared)
        if text is not None:
            return text, declared
    candidates = [(enc, codecs.decode(data, enc, "replace")) for enc in ("gb18030", "cp950", "utf-8")]
    encoding, text = max(candidates, key=lambda c: _chinese_score(c[1]))
    return text, encoding
