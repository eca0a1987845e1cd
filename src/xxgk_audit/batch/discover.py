"""Finding the inputs of a batch: report files under files and folders, hierarchy declarations."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import InputError
from ..loaders import is_regular_file

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".shtml", ".pdf", ".docx")
HIERARCHY_NAMES = ("hierarchy.yaml", "hierarchy.yml", "hierarchy.csv")
OUTPUT_NAMES = ("findings.csv", "findings.xlsx", "reports.csv", "batch.json", "overview.html")
SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints", "node_modules")
SKIPPED_STEMS = ("readme", "license", "licence", "changelog", "notice", "copying", "authors")  # docs, not reports
GENERATOR_MARK = b'name="generator" content="xxgk-audit'  # memos and overviews written by this tool


@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)
    declarations: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)


def find_inputs(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike) -> Inputs:
    """Report files under ``paths`` (folders recursively), hierarchy declarations, missing paths.

    A folder contributes files with a report suffix and files without a suffix that sniff as a
    report; hidden files and folders, and this tool's own outputs (the batch outputs in the output
    folder, memos and overviews anywhere) are skipped. A file named explicitly is always audited.
    A folder that holds only page images (PNG, JPEG, TIFF) is one scanned report.
    """
    out_real = os.path.realpath(os.fspath(out_dir))
    found = Inputs()
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        name = os.path.basename(path)
        if name.lower() in HIERARCHY_NAMES:
            seen.add(real)
            found.declarations.append(path)
            return
        if not explicit:
            if name.startswith(".") or os.path.splitext(name)[0].lower() in SKIPPED_STEMS:
                return
            suffix = os.path.splitext(name)[1].lower()
            if not is_regular_file(path):  # a FIFO, a device, a socket (also behind a link): never opened
                if suffix in REPORT_SUFFIXES:
                    seen.add(real)
                    found.missing.append((path, _not_regular(path)))
                return
            if suffix not in REPORT_SUFFIXES and not (suffix == "" and _sniffs_as_report(path)):
                return
            if _is_own_output(path, out_real):
                return
        seen.add(real)
        found.files.append(path)

    for given in paths:
        given = os.fspath(given)
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                if _is_page_folder(root):
                    real = os.path.realpath(root)
                    if real not in seen:
                        seen.add(real)
                        found.files.append(root)
                    continue
                for name in sorted(files):
                    add(os.path.join(root, name), explicit=False)
        elif os.path.exists(given):
            add(given, explicit=True)
        else:
            found.missing.append((given, "文件不存在"))
    return found


def _not_regular(path: str) -> str:
    """The reason a path that is no regular file is refused (what the loader says)."""
    from ..loaders import read_report_file

    try:
        read_report_file(path)
    except InputError as exc:
        return exc.reason
    return "这不是普通文件，不是报告文件，未读取"


def _is_page_folder(path: str) -> bool:
    from ..loaders.images import folder_pages

    return folder_pages(path) is not None


def _head(path: str, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _sniffs_as_report(path: str) -> bool:
    """Whether a file without a suffix is a report: PDF, Word, or HTML/text about 信息公开."""
    import zipfile

    from ..loaders import sniff
    from ..loaders.decode import decode

    head = _head(path, 65536)
    if not head.strip():
        return False
    try:
        kind = sniff(path, head[:4096])
    except InputError:
        return False
    if kind == "pdf":
        return True
    if kind == "docx":
        try:
            with zipfile.ZipFile(path) as archive:
                return "word/document.xml" in archive.namelist()
        except (OSError, zipfile.BadZipFile):
            return False
    if b"\x00" in head[:4096]:
        return False
    text, _ = decode(head)
    return "信息公开" in text or "政务公开" in text or "資訊公開" in text or "信息公開" in text


def _is_own_output(path: str, out_dir: str) -> bool:
    name = os.path.basename(path)
    if name in OUTPUT_NAMES and os.path.dirname(os.path.realpath(path)) == out_dir:
        return True
    if name.lower().endswith((".html", ".htm", ".shtml")) or "." not in name:
        return GENERATOR_MARK in _head(path, 8192)
    return False
