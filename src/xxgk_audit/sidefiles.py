"""Small tables an auditor gives beside the reports (a roster, a crawler's dates): CSV or XLSX read
into a header and rows of text, with a budget, and columns found by their accepted names.

A CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (Excel on a Chinese Windows saves that);
an XLSX is read from its first sheet. Any problem is an :class:`~xxgk_audit.errors.InputError` with
a one-line reason; nothing is guessed.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass

from .errors import InputError

MAX_BYTES = 20 * 2**20
MAX_ROWS = 200_000


@dataclass
class SideTable:
    path: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells as text)

    def column(self, names: tuple[str, ...], what: str, required: bool = True) -> int | None:
        """The index of the first column whose header is one of ``names`` (compared without width,
        spaces or case); an InputError naming the accepted headers when a required one is absent."""
        wanted = {fold(n) for n in names}
        for index, label in enumerate(self.header):
            if fold(label) in wanted:
                return index
        if required:
            raise InputError(self.path, f"{what}缺少“{names[0]}”列（可用的列名：{'、'.join(names)}）；表头为：{'、'.join(h for h in self.header if h) or '（空）'}")
        return None


def fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def read_table(path: str | os.PathLike, what: str, header_names: tuple[str, ...] = ()) -> SideTable:
    """The table in ``path`` (``.xlsx``/``.xlsm`` or CSV); ``what`` names it in messages (名单 …).

    The header is the first row holding one of ``header_names`` (rows above it — a title — are
    skipped), else the first non-empty row.
    """
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
    except OSError as exc:
        raise InputError(name, f"{what}文件无法读取（{exc.strerror or exc}）") from None
    if os.path.isdir(name):
        raise InputError(name, f"{what}应为 CSV 或 Excel 文件，这是文件夹")
    if size == 0:
        raise InputError(name, f"{what}文件为空")
    if size > MAX_BYTES:
        raise InputError(name, f"{what}文件过大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB）")
    with open(name, "rb") as handle:
        data = handle.read()
    if data.startswith(b"PK\x03\x04"):
        raw = _xlsx_rows(name, data, what)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(name, f"{what}是旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV")
    else:
        raw = _csv_rows(name, data, what)
    wanted = {fold(n) for n in header_names}
    start = next((i for i, (_, row) in enumerate(raw) if wanted & {fold(c) for c in row}), None)
    if start is None:
        start = next((i for i, (_, row) in enumerate(raw) if any(c.strip() for c in row)), None)
    if start is None:
        raise InputError(name, f"{what}文件中没有任何内容")
    header = [c.strip() for c in raw[start][1]]
    rows = [(number, row) for number, row in raw[start + 1 :] if any(c.strip() for c in row)]
    return SideTable(name, header, rows)


def _csv_rows(name: str, data: bytes, what: str) -> list[tuple[int, list[str]]]:
    from .loaders.decode import decode

    if b"\x00" in data[:4096]:
        raise InputError(name, f"{what}不是文字文件（含二进制内容），应为 CSV 或 .xlsx")
    text, _ = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > MAX_ROWS:
                raise InputError(name, f"{what}超过 {MAX_ROWS} 行，未读取")
            rows.append((number, [c.strip() for c in row]))
    except csv.Error as exc:
        raise InputError(name, f"{what}不是有效的 CSV 文件（{exc}）") from None
    return rows


def _xlsx_rows(name: str, data: bytes, what: str) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(name, f"{what}不是有效的 Excel（.xlsx）文件（{type(exc).__name__}）") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS:
                raise InputError(name, f"{what}超过 {MAX_ROWS} 行，未读取")
            rows.append((number, [_text(v) for v in values]))
        return rows
    finally:
        book.close()


def _text(value) -> str:
    """An Excel value as text: dates as ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
