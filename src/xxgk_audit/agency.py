"""Issuing agencies: one normalised name per agency, and what kind of body it is.

Two printed names denote the same agency when their normalised keys are equal, or when one is the
other with a leading administrative prefix added ("淮安市洪泽区人民政府" = "洪泽区人民政府"; the
shorter name must still start with its own place name, so "上海市科委" never equals "北京市科委").
The key folds what does not change the agency: width, traditional characters, OCR confusions
(:func:`parse.labels.matchable`), "人民政府" vs "政府", and the common short forms (科委, 发改局 …).
No similarity threshold: names of neighbouring counties differ in one character (沭阳/泗阳).

The kind decides the legal deadline (条例第四十九条): a 县级以上人民政府 itself (its region's summary
report) vs. a 部门 (including the 办公室/办公厅 of a government, which is a department).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .parse.labels import matchable, simplified

# short form -> full form; applied to the printed name before folding
_SHORT_FORMS = (
    ("科委", "科学技术委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("工信局", "工业和信息化局"),
    ("经信委", "经济和信息化委员会"),
    ("教委", "教育委员会"),
    ("卫健委", "卫生健康委员会"),
    ("住建局", "住房和城乡建设局"),
    ("住建委", "住房和城乡建设委员会"),
    ("人社局", "人力资源和社会保障局"),
    ("市场监管局", "市场监督管理局"),
    ("资规局", "自然资源和规划局"),
    ("农业农村委", "农业农村委员会"),
    ("民宗委", "民族宗教事务委员会"),
    ("国资委", "国有资产监督管理委员会"),
)
_SHORT = re.compile("|".join(re.escape(short) for short, _ in sorted(_SHORT_FORMS, key=lambda p: -len(p[0]))))
_FULL = dict(_SHORT_FORMS)
# a run of administrative units that may be prefixed to a name: 江苏省, 淮安市, 恩施土家族苗族自治州 …
_ADMIN_PREFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|自治州|州|盟|地区))+")
# a name that starts with its own place (county, district, town …)
_OWN_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:省|自治区|市|自治州|州|盟|地区|县|区|旗|镇|乡|街道)")

_GOVERNMENT = re.compile(r"(?:人民)?政府$")
_TOWNSHIP_GOVERNMENT = re.compile(r"(?:镇|乡|苏木|街道)(?:人民)?政府$|街道办事处$|街道$")
_DEPARTMENT_OF_GOVERNMENT = re.compile(r"政府(?:办公室|办公厅|办)$")
_REGION = re.compile(r"(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|实验区|开发区|新区|高新区)$")
_TOWNSHIP = re.compile(r"(?:镇|乡|苏木)$")


def _compact(name: str) -> str:
    return re.sub(r"\s+", "", simplified(unicodedata.normalize("NFKC", name)))


@lru_cache(maxsize=4096)
def agency_key(name: str) -> str:
    """The comparable form of an agency name."""
    text = _SHORT.sub(lambda m: _FULL[m.group(0)], _compact(name))
    return matchable(text.replace("人民政府", "政府"))


def same_agency(a: str | None, b: str | None) -> bool:
    """Whether two printed names denote the same agency (see the module docstring)."""
    if not a or not b:
        return False
    ka, kb = agency_key(a), agency_key(b)
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    if not short or not long.endswith(short):
        return False
    return bool(_ADMIN_PREFIX.fullmatch(long[: -len(short)]) and _OWN_PLACE.match(short))


def agency_kind(name: str | None) -> str:
    """``government`` (a 县级以上人民政府 or a region's own report), ``department``,
    ``township`` (乡镇/街道: deadline set by local notices) or ``unknown``."""
    if not name:
        return "unknown"
    text = _compact(name)
    if _DEPARTMENT_OF_GOVERNMENT.search(text):
        return "department"
    if _TOWNSHIP_GOVERNMENT.search(text) or _TOWNSHIP.search(text):
        return "township"
    if _GOVERNMENT.search(text) or _REGION.search(text):
        return "government"
    return "department"
