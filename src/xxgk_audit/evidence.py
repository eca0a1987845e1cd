"""Evidence beside each finding: the original as printed, so an auditor need not open the file.

- **PDF**: the page region that holds the finding's cells, rendered from the PDF with PDFium
  (pypdfium2) with each cell outlined in red, as a PNG embedded in the page (``data:`` URI: the
  memo's Content-Security-Policy allows ``img-src data:`` and nothing else; nothing is fetched).
  Cells far apart on a page (表三's 一 and 四) become separate strips of one image; the white page
  margins are trimmed.
- **Web pages, text, Word, and PDF cells without a drawn box**: the printed rows around the cells as
  an escaped table, the cells marked.

The report file is read again (its SHA-256 must be the audited one's, else nothing is shown and a
note says why): a memo is made from an audit snapshot without the loaded document. Every text from
the report is escaped; the image is made from the PDF's pixels only.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from .findings import Finding
from .render import esc

if TYPE_CHECKING:
    from .document import Block, Document
    from .report import Cell, Report

SCALE = 1.6  # pixels per point: 115 dpi, sharp enough to read 9-pt digits
MARGIN_ROWS = 1.4  # context above and below the cells, in cell heights
MAX_GAP = 70.0  # points: cells further apart vertically go into separate strips
MAX_STRIPS = 4  # per finding
MAX_ROWS = 12  # rows of a text snippet
OUTLINE = (214, 0, 0)
MEMO_LIMIT = 10  # findings with evidence in a memo (errors first): the memo stays short


@dataclass
class Evidence:
    """What is shown for one finding: an image (PNG bytes) or an HTML snippet, and a caption."""

    caption: str
    png: bytes | None = None
    snippet: str | None = None

    def html(self) -> str:
        caption = f'<div class="xxgk-evidence-caption">{esc(self.caption)}</div>'
        if self.png is not None:
            data = base64.b64encode(self.png).decode("ascii")
            return f'<figure class="xxgk-evidence">{caption}<img class="xxgk-evidence-img" alt="{esc(self.caption)}" src="data:image/png;base64,{data}"></figure>'
        return f'<figure class="xxgk-evidence">{caption}{self.snippet or ""}</figure>'


@dataclass
class EvidenceSource:
    """The report file opened once for all findings of a memo: its document, its PDF pages."""

    report: "Report"
    document: "Document | None" = None
    problem: str | None = None  # why nothing can be shown (file gone or changed)
    _pdf: object = None
    _pages: dict[int, object] = field(default_factory=dict)  # open PDFium pages
    _index: dict | None = None  # the document's blocks by line and by page

    @classmethod
    def open(cls, report: "Report") -> "EvidenceSource":
        source = cls(report, report.document)
        if source.document is not None and source.document.sha256 == report.sha256:
            return source
        path = report.source
        try:
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            source.problem = "原文件已不在原处，无法显示原文"
            return source
        if digest != report.sha256:
            source.problem = "原文件已改变（SHA-256 与审核时不同），不显示原文"
            return source
        from .errors import InputError
        from .loaders import load_document

        try:
            source.document = load_document(path)
        except InputError as exc:
            source.problem = f"原文件无法再次读取（{exc.reason}）"
        return source

    # -- PDF pages ---------------------------------------------------------------------------
    def strip(self, number: int, top: float, bottom: float):
        """The band of page ``number`` between ``top`` and ``bottom`` (points from the top, the
        loader's coordinates), rendered at :data:`SCALE`: (PIL image, top of its first pixel row,
        left shift of the rendered page), or None when PDFium cannot render it."""
        try:
            import pypdfium2 as pdfium

            if self._pdf is None:
                self._pdf = pdfium.PdfDocument(self.report.source)
            if not 1 <= number <= len(self._pdf):
                return None
            page = self._pages.get(number)
            if page is None:
                page = self._pages[number] = self._pdf[number - 1]
            width, height = page.get_size()
            dx, dy = _offsets(page)
            upper, lower = max(0.0, top - dy), min(height, bottom - dy)
            if lower <= upper:
                return None
            bitmap = page.render(scale=SCALE, crop=(0, height - lower, 0, upper), may_draw_forms=False)
            return bitmap.to_pil().convert("RGB"), upper + dy, dx
        except Exception:  # noqa: BLE001 - a page PDFium cannot render: the text snippet instead
            return None

    def close(self) -> None:
        for page in self._pages.values():
            page.close()
        self._pages.clear()
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def _offsets(page) -> tuple[float, float]:
    """How far the shown page (CropBox) lies from the MediaBox the loader measures from, for an
    unrotated page: (left, top) in points."""
    if page.get_rotation() % 360:
        return 0.0, 0.0
    media, crop = page.get_mediabox(), page.get_cropbox()
    return crop[0] - media[0], media[3] - crop[3]


# -- which cells ------------------------------------------------------------------------------------

def finding_cells(report: "Report", finding: Finding) -> list["Cell"]:
    """The cells of a finding that were printed somewhere (in the order the finding names them)."""
    keys = list(dict.fromkeys([*finding.cells, *(l.cell for l in finding.locations if l.cell)]))
    cells = [report.cells.get(key) for key in keys]
    return [c for c in cells if c is not None and c.source is not None and (c.source.line is not None or c.source.page is not None)]


def evidence_for(source: EvidenceSource, finding: Finding) -> Evidence | None:
    """The evidence of one finding, or None when it names no printed cell."""
    cells = finding_cells(source.report, finding)
    if not cells:
        return None
    if source.problem:
        return Evidence(source.problem, snippet="")
    boxed = [c for c in cells if c.source.bbox is not None and c.source.page is not None]
    if source.report.format == "pdf" and boxed:
        image = pdf_region(source, boxed)
        if image is not None:
            pages = sorted({c.source.page for c in boxed})
            return Evidence(f"原文第{'、'.join(map(str, pages))}页（红框为所涉单元格）", png=image)
    snippet = text_snippet(source, cells)
    if snippet is None:
        return None
    html, where = snippet
    return Evidence(f"原文{where}（标记为所涉单元格）", snippet=html)


# -- PDF: the page region ------------------------------------------------------------------------------

def _strips(cells: list["Cell"]) -> list[tuple[int, list[tuple[float, float, float, float]]]]:
    """(page, boxes) of each strip: the boxes of a page grouped where they lie close together."""
    by_page: dict[int, list[tuple[float, float, float, float]]] = {}
    for cell in cells:
        by_page.setdefault(cell.source.page, []).append(cell.source.bbox)
    strips = []
    for page in sorted(by_page):
        boxes = sorted(set(by_page[page]), key=lambda b: b[1])
        group = [boxes[0]]
        for box in boxes[1:]:
            if box[1] - max(b[3] for b in group) > MAX_GAP:
                strips.append((page, group))
                group = []
            group.append(box)
        strips.append((page, group))
    return strips[:MAX_STRIPS]


def pdf_region(source: EvidenceSource, cells: list["Cell"]) -> bytes | None:
    """One PNG: for each strip the page region around its cells, the cells outlined."""
    from PIL import Image, ImageDraw, ImageOps

    parts = []
    for page, boxes in _strips(cells):
        height = max(b[3] - b[1] for b in boxes)
        rendered = source.strip(page, min(b[1] for b in boxes) - MARGIN_ROWS * height - 4, max(b[3] for b in boxes) + MARGIN_ROWS * height + 4)
        if rendered is None:
            return None
        strip, top, left = rendered
        draw = ImageDraw.Draw(strip)
        for x0, y0, x1, y1 in boxes:
            draw.rectangle(((x0 - left) * SCALE - 2, (y0 - top) * SCALE - 2, (x1 - left) * SCALE + 2, (y1 - top) * SCALE + 2), outline=OUTLINE, width=3)
        ink = ImageOps.invert(strip.convert("L")).point(lambda v: 255 if v > 24 else 0).getbbox()
        if ink is not None:  # trim the white page margins left and right
            strip = strip.crop((max(0, ink[0] - 12), 0, min(strip.width, ink[2] + 12), strip.height))
        parts.append(strip)
    if not parts:
        return None
    gap = 10
    width = max(p.width for p in parts)
    canvas = Image.new("RGB", (width, sum(p.height for p in parts) + gap * (len(parts) - 1)), (255, 255, 255))
    y = 0
    for n, part in enumerate(parts):
        canvas.paste(part, (0, y))
        y += part.height
        if n < len(parts) - 1:
            ImageDraw.Draw(canvas).line((0, y + gap // 2, width, y + gap // 2), fill=(170, 170, 170), width=1)
            y += gap
    buffer = io.BytesIO()
    canvas.quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# -- web pages and text: the printed rows ------------------------------------------------------------------

def _fold(text: str | None) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _block_of(document: "Document", cell: "Cell", index: dict) -> int | None:
    """The index of the block that printed ``cell``."""
    src = cell.source
    if src.line is not None:
        candidates = index["line"].get(src.line, [])
    else:
        candidates = index["page"].get(src.page, [])
    if not candidates:
        return None
    text, label = _fold(src.text), _fold(src.row_label)

    def holds(i: int) -> bool:
        block = document.blocks[i]
        if block.kind == "row":
            return any(_fold(c.text) == text for c in block.cells) if text else True
        return text in _fold(block.text) if text else True

    fitting = [i for i in candidates if holds(i)] or candidates
    if label and len(fitting) > 1:
        labelled = [i for i in fitting if label[:12] in _fold(document.blocks[i].text)]
        fitting = labelled or fitting
    return fitting[0]


def _index(document: "Document") -> dict:
    lines: dict[int, list[int]] = {}
    pages: dict[int, list[int]] = {}
    for i, block in enumerate(document.blocks):
        if block.line is not None:
            lines.setdefault(block.line, []).append(i)
        for cell in block.cells:
            if cell.line is not None and cell.line != block.line:
                lines.setdefault(cell.line, []).append(i)
        if block.page is not None:
            pages.setdefault(block.page, []).append(i)
    return {"line": lines, "page": pages}


def text_snippet(source: EvidenceSource, cells: list["Cell"]) -> tuple[str, str] | None:
    """(HTML table of the printed rows around the cells with the cells marked, where) or None."""
    document = source.document
    if document is None:
        return None
    if source._index is None:
        source._index = _index(document)
    index = source._index
    marked: dict[int, list["Cell"]] = {}
    for cell in cells:
        found = _block_of(document, cell, index)
        if found is not None:
            marked.setdefault(found, []).append(cell)
    if not marked:
        return None
    shown: list[int] = []
    for i in sorted(marked):
        for j in (i - 1, i, i + 1):
            if 0 <= j < len(document.blocks) and j not in shown:
                shown.append(j)
    shown = sorted(shown)
    if len(shown) > MAX_ROWS:
        shown = sorted(marked)[:MAX_ROWS]
    rows = []
    previous = None
    for i in shown:
        if previous is not None and i != previous + 1:
            rows.append('<div class="xxgk-ev-gap">⋯</div>')
        rows.append(_row_html(document.blocks[i], marked.get(i, [])))
        previous = i
    where = "、".join(dict.fromkeys(document.blocks[i].where for i in sorted(marked)))
    return f'<div class="xxgk-evidence-rows">{"".join(rows)}</div>', where


def _row_html(block: "Block", cells: list["Cell"]) -> str:
    """One printed row (its cells side by side, the finding's cells marked) or line of text. Made
    of ``div``/``span`` elements laid out as a table by the stylesheet, so that the memo's findings
    table holds no nested table."""
    where = f'<span class="xxgk-ev-where">{esc(block.where)}</span>'
    if block.kind == "row" and block.cells:
        chosen = _chosen_cells(block, cells)
        spans = []
        for k, cell in enumerate(block.cells):
            if cell.inherited:
                continue
            css = "xxgk-ev-cell xxgk-ev-mark" if k in chosen else "xxgk-ev-cell"
            spans.append(f'<span class="{css}">{esc(cell.text)}</span>')
        return f'<div class="xxgk-ev-line">{where}{"".join(spans)}</div>'
    return f'<div class="xxgk-ev-line">{where}<span class="xxgk-ev-cell xxgk-ev-text">{_marked_text(block, cells)}</span></div>'


def _chosen_cells(block: "Block", cells: list["Cell"]) -> set[int]:
    """Positions in ``block.cells`` of the report cells printed there: by text, the n-th cell of a
    text for the n-th report cell of that text (printed order = layout order)."""
    chosen: set[int] = set()
    for cell in cells:
        text = _fold(cell.source.text)
        for k, printed in enumerate(block.cells):
            if k not in chosen and not printed.inherited and _fold(printed.text) == text:
                chosen.add(k)
                break
    return chosen


def _marked_text(block: "Block", cells: list["Cell"]) -> str:
    """A line of text with the cells cut out of it marked (by their character offsets)."""
    text = block.text
    spans = []
    for cell in cells:
        raw = cell.source.text or ""
        start = None
        if cell.source.column is not None:
            offset = cell.source.column - block.column
            if 0 <= offset <= len(text) and text[offset : offset + len(raw)] == raw:
                start = offset
        if start is None and raw:
            found = text.find(raw)
            start = found if found >= 0 else None
        if start is not None:
            spans.append((start, start + len(raw)))
    out, at = [], 0
    for start, end in sorted(set(spans)):
        if start < at:
            continue
        out.append(esc(text[at:start]))
        out.append(f'<mark class="xxgk-ev-mark">{esc(text[start:end])}</mark>')
        at = end
    out.append(esc(text[at:]))
    return "".join(out)


# -- what the memo and the app call ------------------------------------------------------------------

def evidence_map(report: "Report", findings: Iterable[Finding], limit: int | None = None) -> dict[str, str]:
    """fingerprint -> evidence HTML for the findings (errors and warnings first; at most ``limit``)."""
    findings = [f for f in findings if finding_cells(report, f)]
    order = {"error": 0, "warning": 1, "info": 2}
    chosen = sorted(findings, key=lambda f: order.get(f.severity, 3))
    if limit is not None:
        chosen = chosen[:limit]
    if not chosen:
        return {}
    source = EvidenceSource.open(report)
    try:
        out = {}
        for finding in chosen:
            evidence = evidence_for(source, finding)
            if evidence is not None:
                out[finding.fingerprint] = evidence.html()
        return out
    finally:
        source.close()


def findings_table(head: list[str], rows: list[list[str]], findings: list[Finding], evidence: dict[str, str], css: str = "") -> str:
    """The findings table with an evidence row below each finding that has one."""
    thead = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = []
    for row, finding in zip(rows, findings):
        body.append("<tr>" + "".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in row) + "</tr>")
        shown = evidence.get(finding.fingerprint)
        if shown:
            body.append(f'<tr class="xxgk-evidence-row"><td></td><td colspan="{len(head) - 1}">{shown}</td></tr>')
    return f'<table class="xxgk-table {css}"><thead><tr>{thead}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def evidence_note(total: int, shown: int) -> str:
    if total <= shown:
        return ""
    return f'<p class="xxgk-note">原文截图或摘录只列出前 {shown} 项问题（共 {total} 项涉及单元格）；其余问题的原文位置见“原文与位置”和附录。</p>'

