"""Plain text and Markdown as reports are published or converted.

Lines become blocks: Markdown headings (any level), Markdown pipe-table rows and tab-separated rows
become headings and table rows; page footers ("— 1 —", "第 1 页") are dropped; everything else is a
line of text. A crawler's metadata header ("标题: …", "发布时间: …" above a "==== 正文 ====" rule)
goes into ``Document.meta``.
"""

from __future__ import annotations

import os
import re

from ..document import Block, CellText, Document, markdown_inline
from .budget import Budget
from .decode import decode

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*[:\-–—=_*]{3,}\s*$")
_FOOTER = re.compile(  # "— 1 —", "- 1 -", "第 1 页", "第1页 共5页", "1/5"
    r"^\s*(?:[—\-–－]{1,3}\s*\d{1,4}\s*[—\-–－]{1,3}|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_PIPE = re.compile(r"(?<!\\)\|")  # a cell boundary: a pipe not escaped
_FOOTER_LENGTH = 60  # a longer line (without its margins) is no footer
_FOOTER_FIRST = "—-–－第"  # what a footer begins with, but for a digit
_RULE_FIRST = ":-–—=_*"  # what a rule line is made of
_RULE_CHARS = re.compile(r"[\s|:\-–—=_*]*")  # all a separator row can hold: a row with anything else is none
_CRAWLER_BODY = re.compile(r"^\s*=+\s*正文\s*=+\s*$")
_CRAWLER_FIELD = re.compile(r"^\s*([^:：\s]{1,12})\s*[:：]\s*(.*)$")
_META_KEYS = {"标题": "title", "发布时间": "published", "发布日期": "published", "发布机构": "publisher", "原文链接": "url"}


def _is_footer(line: str) -> bool:
    return _FOOTER.match(line) is not None


def _pipe_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.count("|") >= 2):
        return None
    inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
    if "\\" not in inner:
        return [c.strip() for c in inner.split("|")]
    return [c.strip().replace("\\|", "|") for c in _PIPE.split(inner)]


def _crawler_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """Metadata above a '==== 正文 ====' rule, and the index of the first body line."""
    for index, line in enumerate(lines[:40]):
        if _CRAWLER_BODY.match(line):
            meta = {}
            for field_line in lines[:index]:
                match = _CRAWLER_FIELD.match(field_line)
                if match and match.group(1) in _META_KEYS and match.group(2).strip():
                    meta.setdefault(_META_KEYS[match.group(1)], match.group(2).strip())
            return meta, index + 1
    return {}, 0


def load(path: str, data: bytes, sha256: str) -> Document:
    text, encoding = decode(data)
    Budget(path).spend_chars(len(text))
    lines = text.splitlines()
    meta, start = _crawler_header(lines)
    blocks: list[Block] = []
    markdown = os.path.splitext(path)[1].lower() in (".md", ".markdown")
    for index in range(start, len(lines)):
        number = index + 1
        piped = "|" in lines[index]
        if not markdown and piped and _pipe_cells(lines[index]) is not None:
            markdown = True  # a pipe-table row: Markdown from here on
        if markdown and (shown := markdown_inline(lines[index])) != lines[index]:
            lines[index] = shown  # the source line as its reader sees it (SOURCE-GATE, evidence)
            piped = "|" in shown
        line = lines[index].replace("\u3000", " ").rstrip(" \r\n")  # trailing tabs are empty cells
        stripped = line.strip()
        if not stripped or (len(stripped) <= _FOOTER_LENGTH and (stripped[0] in _FOOTER_FIRST or stripped[0].isdigit()) and _is_footer(line)):
            continue
        heading = _HEADING.match(line) if "#" in line[:4] else None
        if heading and heading.group(2):
            markdown = True
            blocks.append(Block("heading", heading.group(2), line=number, level=len(heading.group(1))))
            continue
        cells = _pipe_cells(line) if piped else None
        if cells is None and "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
        if cells is not None:
            if _RULE_CHARS.fullmatch(line) and all(_RULE.match(c) or not c for c in cells):
                continue  # a Markdown separator row or a stray rule line
            row = tuple([CellText(c, number, None, 1, False, None, None, None, n) for n, c in enumerate(cells, 1)])  # positional: every cell
            blocks.append(Block("row", " | ".join(cells), number, None, row))
            continue
        if stripped[0] in _RULE_FIRST and _RULE.match(line):
            continue
        blocks.append(Block("text", stripped, number, None, (), None, None, len(line) - len(line.lstrip())))
    return Document(
        path=path,
        sha256=sha256,
        format="md" if markdown else "txt",
        encoding=encoding,
        blocks=blocks,
        source_lines={n + 1: line for n, line in enumerate(lines)},
        meta=meta,
    )
