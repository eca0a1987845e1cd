"""Read a report file into a :class:`~xxgk_audit.document.Document`.

The format is sniffed from the bytes (the suffix only breaks ties between plain text and Markdown);
each format has one module with a ``load(path, data, sha256) -> Document`` function. Inputs that
cannot be a report at all raise :class:`~xxgk_audit.errors.InputError` with a one-line reason.
Page images (PNG, JPEG, TIFF) and a folder holding only page images are scans: they are read by
text recognition (:mod:`.images`) when the OCR extra is installed, and refused otherwise.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from importlib import import_module

from ..document import Document
from ..errors import InputError

MB = 1024 * 1024
# Inputs above these sizes are refused before they are read: no real report comes near them.
MAX_BYTES = {"pdf": 100 * MB, "docx": 50 * MB, "html": 30 * MB, "txt": 30 * MB, "md": 30 * MB, "image": 50 * MB}
_SNIFF_BYTES = 4096
_IMAGE_MAGIC = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"II*\x00": "TIFF 图片",
    b"MM\x00*": "TIFF 图片",
    b"BM": "BMP 图片",
}
_SCANS = ("PNG 图片", "JPEG 图片", "TIFF 图片")  # page images read by text recognition (:mod:`.images`)
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|table|p|title)\b", re.I | re.S)
_HTML_TAGS = re.compile(rb"<(p|div|table|tr|td|span|br|h[1-6])\b", re.I)


def sniff(path: str, head: bytes) -> str:
    """The format of a file from its first bytes: pdf | docx | html | txt (txt covers Markdown)."""
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(_OLE_MAGIC):
        suffix = os.path.splitext(path)[1].lower() or ".doc"
        raise InputError(path, f"这是旧版 Office/WPS 文件（{suffix}），无法直接读取：请另存为 DOCX 或 PDF 后再审核")
    for magic, kind in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            raise InputError(path, f"这是{kind}，不是文字报告：请先进行文字识别（OCR）或提供网页、PDF、Word 版本")
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    return "txt"


def _image_kind(head: bytes) -> str | None:
    return next((kind for magic, kind in _IMAGE_MAGIC.items() if head.startswith(magic)), None)


def _format(path: str, head: bytes) -> str:
    """The loader's format: a page image read by text recognition is ``image``, else :func:`sniff`."""
    return "image" if _image_kind(head) in _SCANS else sniff(path, head)


_MODULES = {"txt": "text", "image": "images"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05


def load_document(path: str | os.PathLike) -> Document:
    path = os.fspath(path)
    if os.path.isdir(path):
        from . import images

        pages = images.folder_pages(path)
        if pages:  # a folder of page images only: one scanned report
            return images.load_folder(path, pages)
        raise InputError(path, _FOLDER)
    data = read_report_file(path)
    fmt = _format(path, data[:_SNIFF_BYTES])
    if fmt in ("html", "txt") and _looks_binary(data):
        raise InputError(path, "不是文字文件（含二进制内容），也不是 PDF 或 Word 文档")
    sha256 = hashlib.sha256(data).hexdigest()
    module = import_module(f".{_MODULES.get(fmt, fmt)}", __name__)
    try:
        document = module.load(path, data, sha256)
    except RecursionError:
        raise InputError(path, "文件结构嵌套过深，无法读取") from None
    except MemoryError:
        raise InputError(path, "文件过于复杂，读取时内存不足，未读取") from None
    except UnicodeError:
        raise InputError(path, "文件中有无法解码的文字，无法读取") from None
    if not any(b.text.strip() for b in document.blocks):
        raise InputError(path, "文件中没有可读的文字内容")
    return document


def read_report_file(path: str) -> bytes:
    """The bytes of a report file; a refusal for anything that is not a regular file (a device,
    a FIFO, a socket, a folder, also behind a symbolic link), is empty or is too large.

    The file is opened without blocking (a FIFO would wait for a writer forever) and checked on
    the open descriptor; at most the size limit of its format is read, whatever its size said."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, "文件不存在") from None
    except IsADirectoryError:
        raise InputError(path, _FOLDER) from None
    except OSError as exc:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise InputError(path, _FOLDER) from None
        if mode is not None and not stat.S_ISREG(mode):
            raise InputError(path, f"这不是普通文件（{_kind(mode)}），不是报告文件，未读取") from None
        raise InputError(path, f"无法读取文件：{exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the name
        raise InputError(path, "文件名无效（含空字符）") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, _FOLDER)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, f"这不是普通文件（{_kind(info.st_mode)}），不是报告文件，未读取")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            head = handle.read(_SNIFF_BYTES)
            if not head.strip():
                raise InputError(path, "文件为空")
            limit = MAX_BYTES[_format(path, head)]
            if info.st_size > limit:
                raise InputError(path, f"文件过大（{info.st_size / MB:.0f} MB，上限 {limit // MB} MB），不像是一份年度报告，未读取")
            # what the size said (a read of the whole limit would allocate it), more only if it grew
            rest = handle.read(max(min(limit, info.st_size) + 1 - len(head), 0))
            if len(head) + len(rest) > info.st_size:
                rest += handle.read(limit + 1 - len(head) - len(rest))
            if len(head) + len(rest) > limit:  # grew since it was measured
                raise InputError(path, f"文件过大（超过 {limit // MB} MB 的上限），不像是一份年度报告，未读取")
            return head + rest
    except OSError as exc:
        raise InputError(path, f"无法读取文件：{exc.strerror or exc}") from None
    finally:
        os.close(fd)


_FOLDER = "这是文件夹，不是报告文件（批量审核请用 xxgk-audit batch）"


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def is_regular_file(path: str) -> bool:
    """Whether ``path`` (after symbolic links) is a regular file; never blocks, never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
