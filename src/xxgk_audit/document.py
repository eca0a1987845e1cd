"""What every loader produces: a report as an ordered list of blocks, each with its location.

A block is a line of text (a heading or a paragraph) or a table row. A table row keeps its cells as
printed, in reading order, each cell once (a cell spanning several columns is one cell); a label
cell that spans several rows (rowspan, vertical merge) is repeated in the rows below it with
``inherited=True``. Nothing here interprets the report: that is the parser's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "text", "row"]


@dataclass(slots=True)
class CellText:
    text: str
    line: int | None = None  # 1-based line in the decoded source (text, HTML)
    page: int | None = None  # 1-based page (PDF)
    colspan: int = 1
    inherited: bool = False  # repeated from a cell above that spans this row
    column: int | None = None  # character offset in its line, for cells cut out of running text
    bbox: tuple[float, float, float, float] | None = None  # PDF: the cell's box on its page (x0, top, x1, bottom; points from the top left)


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    line: int | None = None
    page: int | None = None
    cells: tuple[CellText, ...] = ()
    table: int | None = None  # index of the source table a row belongs to (HTML, PDF, DOCX)
    level: int | None = None  # heading level, where the source marks one
    column: int = 0  # offset of ``text`` within its source line (for blocks cut out of a line)

    @property
    def where(self) -> str:
        return place(self.line, self.page)



@dataclass
class Document:
    path: str
    sha256: str
    format: str  # txt | md | html | pdf | docx
    encoding: str | None
    blocks: list[Block]
    # source lines as the auditor would see them (decoded text; HTML markup; PDF page text), used by
    # SOURCE-GATE to check that every number re-appears where it was read
    source_lines: dict[int, str] = field(default_factory=dict, repr=False)
    source_pages: dict[int, str] = field(default_factory=dict, repr=False)
    meta: dict[str, str] = field(default_factory=dict)  # title, published, metadata of the container

    def source_at(self, line: int | None, page: int | None, span: int = 0) -> str:
        """The source text at a location: a page, or ``span`` lines from ``line`` on."""
        if page is not None and page in self.source_pages:
            return self.source_pages[page]
        if line is None:
            return ""
        return "\n".join(self.source_lines.get(n, "") for n in range(line, line + span + 1))


_TAG = re.compile(r"<[^>]*>")


def place(line: int | None, page: int | None) -> str:
    """Where something was printed, as an auditor says it: 第3页, 第58行."""
    if page is not None:
        return f"第{page}页"
    if line is not None:
        return f"第{line}行"
    return "位置不详"


def strip_tags(markup: str) -> str:
    return _TAG.sub(" ", markup)
