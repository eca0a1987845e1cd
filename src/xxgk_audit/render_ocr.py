"""The memo's view of a scanned report: what 报告信息 says about the recognition, and the image of
each recognized value's box (in the tables on hover, in the evidence of a finding, in the appendix).

Box images are ``data:image/png;base64`` URIs made by the loader; one is written into the page
only if it is exactly that (the memo's Content-Security-Policy allows ``img-src data:`` and nothing
else, and a tampered cache file must not bring in anything else).
"""

from __future__ import annotations

import html
import re

from .document import OcrBox

_PNG_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/]+={0,2}")
_SUSPECT = {"low": "识别置信度低", "confusable": "含易混淆数字（0/6/8、1/7、5/6）", "width": "识别框比识别出的数字宽一位（可能漏识一位重复数字）"}
_MAX_READINGS_SHOWN = 6


def _esc(value) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def is_scanned(report) -> bool:
    return bool(getattr(report, "meta", {}).get("ocr_engine"))


def info_rows(report) -> list[tuple[str, str]]:
    """Rows of 报告信息 for a report read (in part) by text recognition; none otherwise."""
    if not is_scanned(report):
        return []
    meta = report.meta
    resolution = f"，{meta['ocr_dpi']} dpi" if meta.get("ocr_dpi") else ""
    pictures = meta.get("ocr_pictures")
    where = f"文中第{pictures}张图片是表格" if pictures else f"第{meta.get('ocr_pages', '').replace(', ', '、')}页为扫描图像"
    rows = [
        ("文字识别（OCR）", f"{where}，已离线识别{resolution}"),
        ("识别引擎", meta.get("ocr_engine", "")),
        ("识别模型", meta.get("ocr_model", "")),
        ("平均置信度", meta.get("ocr_confidence", "")),
    ]
    suspects = [cell for cell in report.cells.values() if cell.source is not None and cell.source.ocr is not None and cell.source.ocr.suspect]
    recognized = [cell for cell in report.cells.values() if cell.source is not None and cell.source.ocr is not None]
    if recognized:
        rows.append(("识别的单元格", f"{len(recognized)} 个；其中 {len(suspects)} 个数值可能误识（置信度低或含易混淆数字），已在表格和附录中标出" if suspects else f"{len(recognized)} 个，均无误识迹象"))
    for key, label in (("ocr_skew", "倾斜校正"), ("ocr_text_layer", "文字层"), ("ocr_files", "图片文件" if pictures else "页面图像")):
        if meta.get(key):
            rows.append((label, meta[key]))
    return rows


def image_html(ocr: OcrBox | None, css: str = "xxgk-ocr-img") -> str:
    if ocr is None or not ocr.image or not _PNG_URI.fullmatch(ocr.image):
        return ""
    return f'<img class="{css}" alt="识别框图像" src="{ocr.image}">'


def describe(ocr: OcrBox) -> str:
    """One line about a recognized value: confidence, and why it may be misread."""
    text = f"文字识别：置信度{ocr.confidence:.2f}"
    if ocr.file:
        text += f"，图像{ocr.file}"
    if ocr.suspect:
        text += f"；{_SUSPECT.get(ocr.suspect, ocr.suspect)}，可能误识"
        if ocr.readings:
            shown = "、".join(ocr.readings[:_MAX_READINGS_SHOWN]) + ("等" if len(ocr.readings) > _MAX_READINGS_SHOWN else "")
            text += f"（也可能是 {shown}）"
    return text


def evidence_html(ocr: OcrBox | None) -> str:
    """The box image and its one-line description, for the evidence of a finding or the appendix."""
    if ocr is None:
        return ""
    css = "xxgk-ocr-evidence xxgk-ocr-suspect" if ocr.suspect else "xxgk-ocr-evidence"
    return f'<span class="{css}">{image_html(ocr)}<span class="xxgk-note">{_esc(describe(ocr))}</span></span>'


class Shown:
    """A table value with the image of its box, shown on hover (see :func:`format_value`)."""

    __slots__ = ("value", "ocr")

    def __init__(self, value, ocr: OcrBox):
        self.value = value
        self.ocr = ocr


def display_frame(report, frame, keys: dict):
    """``frame`` with each recognized value wrapped in :class:`Shown` (a copy; object dtype)."""
    shown = frame.astype(object)
    for i, position in enumerate(frame.index):
        for j, column in enumerate(frame.columns):
            key = keys.get((position, column))
            cell = report.cells.get(key) if key is not None else None
            ocr = cell.source.ocr if cell is not None and cell.source is not None else None
            if ocr is not None and ocr.image:
                shown.iat[i, j] = Shown(frame.iat[i, j], ocr)
    return shown


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pd.NA
        return True


def format_value(value, plain) -> str:
    """HTML of a table value: escaped text, and for a recognized value its box image on hover."""
    if isinstance(value, Shown):
        text = "—" if _missing(value.value) else plain(value.value)
        return f'<span class="xxgk-ocr-cell">{_esc(text)}{image_html(value.ocr, "xxgk-ocr-hover")}</span>'
    return "—" if _missing(value) else _esc(plain(value))
