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
# the memo shows the original for at most this many errors and warnings (errors first), each snippet
# at most MEMO_ROWS rows: about one printed page more; the app shows every finding's, on demand
MEMO_LIMIT = 6
MEMO_ROWS = 6


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
    _placement: dict | None = None  # every printed cell's block and position (text snippets)

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


def has_evidence(report: "Report", finding: Finding) -> bool:
    """Whether a finding names a printed cell, whose original can be shown."""
    return bool(finding_cells(report, finding))


def evidence_for(source: EvidenceSource, finding: Finding, max_rows: int = MAX_ROWS) -> Evidence | None:
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
    snippet = text_snippet(source, cells, max_rows)
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


def _candidates(document: "Document", src, index: dict) -> list[int]:
    """The blocks at a cell's line (or page): table rows rather than paragraphs where it has labels,
    the one whose row label is the cell's printed row label first."""
    candidates = index["line"].get(src.line, []) if src.line is not None else index["page"].get(src.page, [])
    rows = [i for i in candidates if document.blocks[i].kind == "row"]
    if rows and (src.row_label or src.column_label or len(rows) == len(candidates)):
        candidates = rows
    label = _fold(src.row_label)
    if label and len(candidates) > 1:
        labelled = [i for i in candidates if label[:16] in _fold(document.blocks[i].text)]
        candidates = labelled or candidates
    return candidates


def _texts(block: "Block") -> list[tuple[int, str]]:
    return [(k, _fold(c.text)) for k, c in enumerate(block.cells) if not c.inherited]


def _align(block: "Block", cells: list["Cell"]) -> dict[str, int]:
    """key -> position in ``block.cells`` of the report cells printed in that row: their texts
    matched in order (a row prints its cells in the layout's order), blanks included."""
    printed = _texts(block)
    out: dict[str, int] = {}
    at = 0
    for cell in cells:
        text = _fold(cell.source.text)
        for j in range(at, len(printed)):
            if printed[j][1] == text:
                out[cell.key] = printed[j][0]
                at = j + 1
                break
    return out


def _matches(block: "Block", cells: list["Cell"]) -> int:
    return len(_align(block, cells)) if block.kind == "row" else sum(1 for c in cells if _fold(c.source.text) and _fold(c.source.text) in _fold(block.text))


def _placement(source: EvidenceSource) -> dict[str, tuple[int, int | None]]:
    """key -> (block index, position in the row or None) of every printed cell of the report.

    Cells printed on the same line with the same printed row label belong together (a row of the
    table; 表四's single row has no label): each such group goes to the candidate block holding most
    of its texts in order, and is aligned with that row's cells."""
    if source._placement is not None:
        return source._placement
    document, report = source.document, source.report
    if source._index is None:
        source._index = _index(document)
    groups: dict[tuple, list["Cell"]] = {}
    for key, cell in report.cells.items():
        src = cell.source
        if src is None or (src.line is None and src.page is None):
            continue
        groups.setdefault((key.split(".", 1)[0], src.line, src.page, _fold(src.row_label)), []).append(cell)
    placed: dict[str, tuple[int, int | None]] = {}
    for group in groups.values():
        candidates = _candidates(document, group[0].source, source._index)
        if not candidates:
            continue
        best = max(candidates, key=lambda i: (_matches(document.blocks[i], group), -candidates.index(i)))
        block = document.blocks[best]
        aligned = _align(block, group) if block.kind == "row" else {}
        for cell in group:
            placed[cell.key] = (best, aligned.get(cell.key))
    source._placement = placed
    return placed


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


def text_snippet(source: EvidenceSource, cells: list["Cell"], max_rows: int = MAX_ROWS) -> tuple[str, str] | None:
    """(HTML of the printed rows around the cells with the cells marked, where) or None."""
    document = source.document
    if document is None:
        return None
    placement = _placement(source)
    marked: dict[int, list["Cell"]] = {}
    for cell in cells:
        found = placement.get(cell.key)
        if found is not None:
            marked.setdefault(found[0], []).append(cell)
    if not marked:
        return None
    shown: list[int] = []
    for i in sorted(marked):
        for j in (i - 1, i, i + 1):
            if 0 <= j < len(document.blocks) and j not in shown:
                shown.append(j)
    shown = sorted(shown)
    if len(shown) > max_rows:
        shown = sorted(marked)[:max_rows]
    rows = []
    previous = None
    for i in shown:
        if previous is not None and i != previous + 1:
            rows.append('<div class="xxgk-ev-gap">⋯</div>')
        positions = {placement[c.key][1] for c in marked.get(i, []) if placement[c.key][1] is not None}
        rows.append(_row_html(document.blocks[i], marked.get(i, []), positions))
        previous = i
    places = list(dict.fromkeys(document.blocks[i].where for i in sorted(marked)))
    where = "、".join(places[:3]) + (f"等 {len(places)} 处" if len(places) > 3 else "")
    return f'<div class="xxgk-evidence-rows">{"".join(rows)}</div>', where


def _row_html(block: "Block", cells: list["Cell"], positions: set[int]) -> str:
    """One printed row (its cells side by side, those at ``positions`` marked) or line of text
    (the cells' texts marked). Made of ``div``/``span`` elements laid out as a table by the
    stylesheet, so that the memo's findings table holds no nested table."""
    where = f'<span class="xxgk-ev-where">{esc(block.where)}</span>'
    if block.kind == "row" and block.cells:
        spans = []
        for k, cell in enumerate(block.cells):
            if cell.inherited:
                continue
            css = "xxgk-ev-cell xxgk-ev-mark" if k in positions else "xxgk-ev-cell"
            spans.append(f'<span class="{css}">{esc(cell.text)}</span>')
        return f'<div class="xxgk-ev-line">{where}{"".join(spans)}</div>'
    return f'<div class="xxgk-ev-line">{where}<span class="xxgk-ev-cell xxgk-ev-text">{_marked_text(block, cells)}</span></div>'


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

def evidence_map(report: "Report", findings: Iterable[Finding], limit: int | None = None, severities=("error", "warning", "info"), max_rows: int = MAX_ROWS) -> dict[str, str]:
    """fingerprint -> evidence HTML for the findings of ``severities`` (errors first; at most ``limit``)."""
    findings = [f for f in findings if f.severity in severities and finding_cells(report, f)]
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
            evidence = evidence_for(source, finding, max_rows)
            if evidence is not None:
                out[finding.fingerprint] = evidence.html()
        return out
    finally:
        source.close()


def evidence_note(total: int, shown: int) -> str:
    """The memo's note on findings whose original is not shown beside them."""
    if total <= shown:
        return ""
    return (
        f'<p class="xxgk-note">原文截图或摘录列出了 {shown} 项错误和警告（共 {total} 项问题涉及单元格）；'
        "其余问题的原文位置见“原文与位置”和附录，在审核应用中可逐项查看原文。</p>"
    )

