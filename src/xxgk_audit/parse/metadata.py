"""Title, agency, report year, statistics period and publication date."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..document import Block, Document
from .labels import nfkc, simplified

# …报告, …年报, …工作的报告, …工作情况的报告 (某局关于2023年度政府信息公开工作情况的报告)
_REPORT = r"(?:工作)?(?:年度)?(?:工作)?(?:情况)?的?(?:报告|年报)"
_TITLE = re.compile(
    r"(?P<pre>[^。；;]{0,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<post>[^。；;]{0,40}?)\s*"
    r"(?:政府信息公开|政务公开|信息公开)" + _REPORT
)
# 石门县体育局政府信息公开工作2021年度报告: the year between the subject and 报告
_TITLE_YEAR_LAST = re.compile(
    r"(?P<pre>[^。；;\d]{0,40}?)\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:工作)?报告(?P<post>)"
)
# 某局政府信息公开工作年度报告（2023年度）: the year in brackets after the title
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<pre>[^。；;\d]{0,40}?)\s*(?:政府信息公开|政务公开|信息公开)" + _REPORT + r"\s*[（(]\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[）)](?P<post>)"
)
_TITLES = (_TITLE, _TITLE_YEAR_LAST, _TITLE_YEAR_AFTER)
_SELF = re.compile(r"[本我](?:机关|单位|部门|局|委|办|厅|区|县|市|镇|乡|街道)")  # 本机关…: no agency's name
# 某局政府信息公开工作年度报告: a title without its year, taken only as a whole line and only when no
# line gives a dated title (the year then comes from the statistics period, if printed)
_TITLE_UNDATED = re.compile(r"(?P<pre>[^。；;，,：:、\d\s]{2,40}?)\s*(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)(?P<post>)")
_CHINESE_YEAR = re.compile(r"[一二][〇零○Ｏ一二三四五六七八九]{3}(?=\s*年)")  # 二〇二三年
_CHINESE_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_PERIOD = re.compile(
    r"统计(?:期限|周期|时限|区间|时间|范围|口径)?(?:为|是|自|从|:)*(?P<y1>(?:19|20)\d{2})年1月1日(?:起)?"
    r"(?:至|到|-|~|—)(?:(?P<y2>(?:19|20)\d{2})年)?12月31日"
)
_PUBLISHED = re.compile(
    r"(?:发布|公开|印发|成文)(?:时间|日期)\s*[:：]?\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)
_ISO_DATE = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
_SITE_SUFFIX = re.compile(r"\s*[-_|｜—]+\s*[^-_|｜—]{1,30}$")
_AGENCY_WORDS = re.compile(r"^(?:关于|印发|转发|公布|发布)+|(?:关于|的)$")  # words of a notice around the agency
_FIELD_NAME = re.compile(r"^(?:信息|文件|文章|公开)?(?:名称|标题|题目|主题)$")  # 名称：2023年…报告 in a page's info box
_FIELD_PREFIX = re.compile(r"^(?:信息|文件|文章|公开)?(?:名称|标题|题目|主题)\s*[:：]\s*")
_AGENCY_JUNK = re.compile(r"^[\s\"'“”《（(【\[]+|[\s\"'“”》）)】\]:：,，、]+$")


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    period_year: int | None = None
    period_text: str | None = None
    published: str | None = None


def _compact(text: str) -> str:
    return "".join(nfkc(text).split())  # the whitespace \s matches, removed in C


def _title_candidates(document: Document, blocks: list[Block], joined: bool = True) -> list[str]:
    """The page's title fields and the short lines of the report's head; with ``joined`` also
    each two lines joined (a title broken over two lines)."""
    candidates = [document.meta[k] for k in ("title", "html_title") if document.meta.get(k)]
    head = [b for b in blocks[:40] if b.kind != "row" and len(b.text) <= 80]
    candidates += [b.text for b in head]
    if joined:
        candidates += [a.text + b.text for a, b in zip(head, head[1:])]
    return candidates


def _agency(pre: str, post: str) -> str | None:
    for part in (pre, post):
        part = _AGENCY_JUNK.sub("", _AGENCY_JUNK.sub("", part.strip()))
        part = _AGENCY_JUNK.sub("", _AGENCY_WORDS.sub("", part))  # 关于印发《…》的通知, …关于2023年…
        if 2 <= len(part) <= 40 and not re.search(r"\d", part) and not _FIELD_NAME.match(part):
            return part
    return None


def _published(document: Document, blocks: list[Block]) -> str | None:
    found = document.meta.get("published")
    texts: list[str | Block] = [found] if found else []
    texts += blocks[:60] + blocks[-30:]
    for item in texts:
        text = item if isinstance(item, str) else item.text  # a row's cells joined by " | ": the same words
        if not (("日期" in text or "时间" in text or "時間" in text) or _ISO_DATE.match(text)):
            continue
        if not isinstance(item, str) and item.kind == "row":
            text = "：".join(c.text for c in item.cells)  # 发布时间 | 2024-01-31: a field and its value
        compact = nfkc(text)
        match = _PUBLISHED.search(compact) or _ISO_DATE.match(compact)
        if match:
            return f"{int(match['y']):04d}-{int(match['m']):02d}-{int(match['d']):02d}"
    return None


def _as_title(candidate: str) -> str:
    """A candidate line as a title is matched: folded to simplified NFKC, a site's name after it removed."""
    text = simplified(unicodedata.normalize("NFKC", candidate)).strip()
    return _SITE_SUFFIX.sub("", text) if re.search(r"报告\s*[-_|｜—]", text) else text


def _undated_title(document: Document, blocks: list[Block]) -> tuple[str | None, str | None]:
    """A line that is all a title without its year (某局政府信息公开工作年度报告), and its agency."""
    for candidate in _title_candidates(document, blocks, joined=False):
        text = _as_title(candidate)
        match = _TITLE_UNDATED.fullmatch(text)
        agency = _agency(match.group("pre"), "") if match else None
        if agency and not _SELF.fullmatch(agency):
            return text, agency
    return None, None


def read_metadata(document: Document, blocks: list[Block], *, published: bool = True) -> Metadata:
    """``published=False`` skips the publication date (the batch's first pass needs agency and year only)."""
    meta = Metadata()
    body = _compact(" ".join(b.text for b in blocks[:200] if b.kind != "row" and ("统计" in b.text or "統計" in b.text)))
    period = _PERIOD.search(body)
    if period:
        meta.period_text = period.group(0)
        meta.period_year = int(period.group("y2") or period.group("y1"))
    first: Metadata | None = None  # the first title found, when none agrees with the statistics period
    for candidate in _title_candidates(document, blocks):
        text = _as_title(candidate)
        if "报告" not in text and "年报" not in text:
            continue  # what a title ends with: most lines of a report's head are not its title
        printed = text
        text = _CHINESE_YEAR.sub(lambda m: m.group().translate(_CHINESE_DIGITS), text)  # as long as printed
        match = next((found for pattern in _TITLES if (found := pattern.search(text))), None)
        if match:
            agency = _agency(match.group("pre"), match.group("post"))
            if meta.title is None or (meta.agency is None and agency):
                meta.title = _FIELD_PREFIX.sub("", re.sub(r"\s+", " ", printed[match.start() : match.end()]).strip())
                meta.year = int(match.group("year"))
                meta.agency = agency
            if meta.agency and meta.period_year not in (None, meta.year):
                # a link to another year's report printed above the title (相关报告, 上一篇): the
                # title of the year the statistics period names is sought further down
                first = first or Metadata(meta.title, meta.agency, meta.year)
                meta.title = meta.agency = meta.year = None
                continue
            if meta.agency:
                break
    if meta.title is None and first is not None:
        meta.title, meta.agency, meta.year = first.title, first.agency, first.year
    if meta.title is None:
        meta.title, meta.agency = _undated_title(document, blocks)
    if meta.year is None:
        meta.year = meta.period_year
    meta.published = _published(document, blocks) if published else None
    return meta


def text_years(text: str) -> Counter[int]:
    return Counter(int(y) for y in _YEAR_IN_TEXT.findall(_compact(text)))
