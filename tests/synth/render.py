"""Render a :class:`~synth.model.SyntheticReport` as html, docx, pdf, txt or md bytes.

All formats share one document outline (title, preamble, six sections, signature) and one grid
per table (:class:`Grid`: the official merged-cell layout of 表二/表三/表四 as rows of cells with
rowspan/colspan). HTML/DOCX/PDF keep the merges; txt/md flatten them the way converted documents
do: the merged label is printed once, the covered positions stay empty.

Output is deterministic for a given report (fixed zip timestamps in DOCX, ``invariant`` PDFs).
"""

from __future__ import annotations

import html as _html
import io
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Callable

from .model import FORMATS, SUBHEADING, SUFFIXES, SyntheticReport, t4_columns

# ---------------------------------------------------------------------------------------------
# table grids


@dataclass(frozen=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "label"  # corner | header | block | label | value
    key: str | None = None  # the cell key for value cells


@dataclass(frozen=True)
class Grid:
    table: str  # t2 | t3 | t4
    ncols: int
    rows: tuple[tuple[GridCell, ...], ...]

    def placed(self) -> list[tuple[int, int, GridCell]]:
        """(row, column, cell) for every cell, positions resolved around row/col spans."""
        taken: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
        return out

    def flat(self) -> list[list[str]]:
        """The grid as text rows: merged cells print their text at the top-left position only."""
        matrix = [[""] * self.ncols for _ in self.rows]
        for r, c, cell in self.placed():
            matrix[r][c] = cell.text
        return matrix


def _even_spans(n: int, slots: int) -> list[int]:
    spans = [slots // n] * n
    for i in range(slots % n):
        spans[(n // 2 + i) % n] += 1
    return spans


def grid_t2(report: SyntheticReport) -> Grid:
    """表二: the blocks stacked in one table, each opened by a full-width header row. The 2019
    table has five grid columns (上海 2019); with ``span_quirk`` the data rows of 第（五）/（六）项
    use other colspans than their header row, as on that page."""
    t2 = report.layout.tables["t2"]
    ncols = 1 + max(len(b.columns) for b in t2.blocks) + (1 if report.layout_id == "2019" else 0)
    label = report.label
    rows: list[tuple[GridCell, ...]] = []
    for index, block in enumerate(t2.blocks):
        n = len(block.columns)
        head_spans = _even_spans(n, ncols - 1)
        data_spans = head_spans
        if report.span_quirk and index > 0 and n == 3 and head_spans != [1] * n:
            data_spans = sorted(head_spans, reverse=True)
        rows.append((GridCell(label(block.header), colspan=ncols, role="block"),))
        rows.append(
            (GridCell(label(block.label_column), role="header"),)
            + tuple(GridCell(label(c.label), colspan=s, role="header") for c, s in zip(block.columns, head_spans))
        )
        for row in block.rows:
            keys = [f"t2.{block.key}.{row.key}.{c.key}" for c in block.columns]
            rows.append(
                (GridCell(label(row.label)),)
                + tuple(GridCell(report.value_text(k), colspan=s, role="value", key=k) for k, s in zip(keys, data_spans))
            )
    return Grid("t2", ncols, tuple(rows))


def grid_t3(report: SyntheticReport) -> Grid:
    """表三 as printed: corner note (rowspan 3, colspan over the label columns), 申请人情况 over
    the 7 columns, 自然人/总计 rowspan 2, 法人或其他组织 over its 5 columns; result rows nested
    under row-spanning group labels (三、本年度办理结果, （三）不予公开 …)."""
    t3 = report.layout.tables["t3"]
    block = t3.blocks[0]
    columns = block.columns
    label = report.label
    by_label = {r.label: r for r in block.rows}

    def ancestors(row) -> list:
        chain = []
        while row.group:
            row = by_label[row.group]
            chain.append(row)
        return chain[::-1]

    data_rows = [r for r in block.rows if r.data]
    depth = {r.label: len(ancestors(r)) for r in block.rows}
    label_cols = 1 + max(depth.values())
    ncols = label_cols + len(columns)
    groups = {c.group for c in columns if c.group}
    top = next(h for h in t3.header_labels if h not in groups)

    head0 = [GridCell(label(t3.corner_note), rowspan=3, colspan=label_cols, role="corner"),
             GridCell(label(top), colspan=len(columns), role="header")]
    head1: list[GridCell] = []
    head2: list[GridCell] = []
    seen: set[str] = set()
    for c in columns:
        if c.group is None:
            head1.append(GridCell(label(c.label), rowspan=2, role="header"))
        else:
            if c.group not in seen:
                seen.add(c.group)
                head1.append(GridCell(label(c.group), colspan=sum(1 for x in columns if x.group == c.group), role="header"))
            head2.append(GridCell(label(c.label), role="header"))
    rows = [tuple(head0), tuple(head1), tuple(head2)]
    emitted: set[str] = set()
    for row in data_rows:
        cells: list[GridCell] = []
        for parent in ancestors(row):
            if parent.label not in emitted:
                emitted.add(parent.label)
                n = sum(1 for r in data_rows if parent in ancestors(r))
                cells.append(GridCell(label(parent.label), rowspan=n))
        cells.append(GridCell(label(row.label), colspan=label_cols - depth[row.label]))
        for c in columns:
            key = f"t3.{row.key}.{c.key}"
            cells.append(GridCell(report.value_text(key), role="value", key=key))
        rows.append(tuple(cells))
    return Grid("t3", ncols, tuple(rows))


def grid_t4(report: SyntheticReport) -> Grid:
    """表四: 行政复议 (5) | 行政诉讼 (10) → outcomes (rowspan 2) | 未经复议直接起诉 (5) 复议后起诉 (5)
    → 10 outcomes → one row of 15 values."""
    cols = t4_columns(report.layout)
    label = report.label
    parents = list(dict.fromkeys(c.parent for c in cols))
    row0 = [GridCell(label(p), colspan=sum(1 for c in cols if c.parent == p), role="header") for p in parents]
    row1: list[GridCell] = []
    row2: list[GridCell] = []
    seen: set[str] = set()
    for c in cols:
        if c.subgroup is None:
            row1.append(GridCell(label(c.outcome), rowspan=2, role="header"))
        else:
            if c.subgroup not in seen:
                seen.add(c.subgroup)
                row1.append(GridCell(label(c.subgroup), colspan=sum(1 for x in cols if x.subgroup == c.subgroup), role="header"))
            row2.append(GridCell(label(c.outcome), role="header"))
    values = [GridCell(report.value_text(c.key), role="value", key=c.key) for c in cols]
    return Grid("t4", len(cols), (tuple(row0), tuple(row1), tuple(row2), tuple(values)))


def grids(report: SyntheticReport) -> dict[str, Grid]:
    return {"t2": grid_t2(report), "t3": grid_t3(report), "t4": grid_t4(report)}


# ---------------------------------------------------------------------------------------------
# document outline

Block = tuple[str, object]  # (kind, text | Grid); kinds: title para heading subheading table signature


def date_cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def outline(report: SyntheticReport) -> list[Block]:
    tables = grids(report)
    blocks: list[Block] = [("title", report.title)]
    blocks += [("para", p) for p in report.preamble.split("\n") if p.strip()]
    for section in report.layout.sections:
        blocks.append(("heading", report.section_title(section.key)))
        if section.table:
            blocks.append(("table", tables[section.table]))
        else:
            for p in report.paragraphs(section.key):
                blocks.append(("subheading" if SUBHEADING.match(p) else "para", p))
    blocks.append(("signature", report.agency))
    blocks.append(("signature", date_cn(report.published_date)))
    return blocks


@cache
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


def converter(report: SyntheticReport) -> Callable[[str], str]:
    """Identity, or simplified → traditional for mirror-site copies."""
    return _s2t() if report.traditional else (lambda s: s)


def _encode(report: SyntheticReport, text: str) -> bytes:
    return text.encode(report.encoding)


# ---------------------------------------------------------------------------------------------
# txt and md


_RUN = re.compile(r"[0-9A-Za-z.%+\-]+|.", re.S)


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap CJK text at ``width`` characters without splitting a number or a Latin word."""
    if width <= 0 or len(text) <= width:
        return [text]
    lines, line = [], ""
    for token in _RUN.findall(text):
        if line and len(line) + len(token) > width:
            lines.append(line)
            line = ""
        line += token
    if line:
        lines.append(line)
    return lines


def _paginate(lines: list[str], report: SyntheticReport) -> list[str]:
    if not report.page_footers:
        return lines
    rnd = random.Random(f"pages/{report.style_seed}")
    per_page = rnd.randint(36, 50)
    out, page = [], 1
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i % per_page == 0:
            out += [f"— {page} —", ""]
            page += 1
    out += ["", f"— {page} —"]
    return out


def render_txt(report: SyntheticReport) -> bytes:
    wrapped = report.wrap_width > 0
    lines: list[str] = []
    for kind, content in outline(report):
        if kind == "table":
            lines += ["\t".join(row) for row in content.flat()]  # type: ignore[union-attr]
        elif kind == "para":
            lines += wrap(content, report.wrap_width)  # type: ignore[arg-type]
        else:
            lines.append(content)  # type: ignore[arg-type]
        if not wrapped or kind == "title":
            lines.append("")
    lines = _paginate(lines, report)
    return _encode(report, converter(report)("\n".join(lines).rstrip("\n") + "\n"))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_md(report: SyntheticReport) -> bytes:
    out: list[str] = []
    for kind, content in outline(report):
        if kind == "title":
            out.append(f"# {content}")
        elif kind == "heading":
            out.append(f"## {content}")
        elif kind == "subheading":
            out.append(f"### {content}")
        elif kind == "table":
            rows = content.flat()  # type: ignore[union-attr]
            lines = ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            lines.insert(1, "|" + "---|" * content.ncols)  # type: ignore[union-attr]
            out.append("\n".join(lines))
        else:
            out.append(str(content))
        out.append("")
    return _encode(report, converter(report)("\n".join(out).rstrip("\n") + "\n"))


# ---------------------------------------------------------------------------------------------
# html

_esc = _html.escape


class _WordRuns:
    """Word's "save as HTML" splits text into many <span> runs: Latin/digit runs carry lang=EN-US,
    CJK text is cut at arbitrary edit points."""

    def __init__(self, rnd: random.Random, size: str, font: str) -> None:
        self.rnd, self.size, self.font = rnd, size, font

    def __call__(self, text: str) -> str:
        parts = []
        for run in re.findall(r"[0-9A-Za-z.%+\-/:]+|[^0-9A-Za-z.%+\-/:]+", text):
            if run[0].isascii():
                parts.append(f'<span lang="EN-US" style="font-size:{self.size};font-family:&quot;Times New Roman&quot;">{_esc(run)}</span>')
                continue
            while run:
                cut = len(run) if len(run) < 3 or self.rnd.random() < 0.6 else self.rnd.randint(1, len(run) - 1)
                parts.append(f'<span style="font-size:{self.size};font-family:{self.font}">{_esc(run[:cut])}</span>')
                run = run[cut:]
        parts.append(f'<span lang="EN-US" style="font-size:{self.size}"><o:p></o:p></span>')
        return "".join(parts)


def _td_attrs(cell: GridCell) -> str:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    return attrs


def _html_table_plain(grid: Grid, report: SyntheticReport) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" align="center" style="border-collapse:collapse;width:100%;"><tbody>']
    for row in grid.rows:
        out.append("<tr>")
        for cell in row:
            text = _esc(cell.text) if cell.text else "&nbsp;"
            align = "" if cell.role == "label" else ' align="center"'
            out.append(f'<td{_td_attrs(cell)} valign="middle"><p{align}>{text}</p></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _html_table_word(grid: Grid, report: SyntheticReport, rnd: random.Random) -> str:
    runs = _WordRuns(rnd, "10.5pt", "宋体")
    unit = 604 // grid.ncols
    out = [
        '<div align="center"><table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="604" '
        'style="width:453.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;'
        'mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt">\n <tbody>'
    ]
    for i, row in enumerate(grid.rows):
        out.append(f'\n  <tr style="mso-yfti-irow:{i};height:19.85pt">')
        for cell in row:
            width = unit * cell.colspan
            out.append(
                f'\n   <td width="{width}"{_td_attrs(cell)} valign="center" style="width:{width * 0.75:.1f}pt;'
                'border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:19.85pt">'
            )
            align = ' align="center" style="text-align:center;line-height:15.0pt"' if cell.role != "label" else ' style="line-height:15.0pt"'
            if not cell.text:
                out.append(f'<p class="MsoNormal"{align}><span lang="EN-US" style="font-size:10.5pt"><o:p>&nbsp;</o:p></span></p>')
            elif cell.role == "header" and len(cell.text) == 4 and rnd.random() < 0.4:
                # a narrow header cell typed on two lines: 商业 / 企业
                out.append("".join(f'\n    <p class="MsoNormal"{align}>{runs(part)}</p>' for part in (cell.text[:2], cell.text[2:])))
            else:
                out.append(f'<p class="MsoNormal"{align}>{runs(cell.text)}</p>')
            out.append("</td>")
        out.append("\n  </tr>")
    out.append("\n </tbody>\n</table></div>")
    return "".join(out)


def _html_article(report: SyntheticReport, rnd: random.Random) -> str:
    word = report.word_markup
    body_runs = _WordRuns(rnd, "16.0pt", "仿宋_GB2312")
    head_runs = _WordRuns(rnd, "16.0pt", "黑体")
    sub_runs = _WordRuns(rnd, "16.0pt", "楷体_GB2312")
    title_runs = _WordRuns(rnd, "22.0pt", "方正小标宋简体")
    repeat_title = rnd.random() < 0.5
    out = []
    for kind, content in outline(report):
        if kind == "table":
            grid = content
            out.append(_html_table_word(grid, report, rnd) if word else _html_table_plain(grid, report))  # type: ignore[arg-type]
            continue
        text = str(content)
        if kind == "title":
            if repeat_title:
                out.append(f'<p class="MsoNormal" align="center" style="text-align:center;line-height:28.0pt">{title_runs(text)}</p>'
                           if word else f'<p style="text-align:center;"><strong>{_esc(text)}</strong></p>')
        elif kind == "signature":
            out.append(f'<p class="MsoNormal" align="right" style="text-align:right;line-height:28.0pt">{body_runs(text)}</p>'
                       if word else f'<p style="text-align:right;">{_esc(text)}</p>')
        elif word:
            runs = {"heading": head_runs, "subheading": sub_runs}.get(kind, body_runs)
            out.append(f'<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;'
                       f'mso-line-height-rule:exactly">{runs(text)}</p>')
        elif kind == "heading":
            out.append(f'<p style="text-indent:2em;"><strong>{_esc(text)}</strong></p>')
        else:
            out.append(f'<p style="text-indent:2em;line-height:1.75em;">{_esc(text)}</p>')
    return "\n".join(out)


_NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进{place}"]
_SUBNAV = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]


def _charset(report: SyntheticReport, text: str) -> str:
    if report.encoding != "gb18030":
        return "utf-8"
    try:
        text.encode("gb2312")
        return "gb2312"
    except UnicodeEncodeError:
        return "gbk"


def render_html(report: SyntheticReport) -> bytes:
    rnd = random.Random(f"html/{report.style_seed}")
    site = report.site
    pub = report.published_date
    place = site.host.removesuffix("人民政府办公室") or "本地"
    article = _html_article(report, rnd)
    hits = rnd.randint(30, 5000)
    nav = "".join(f'<li><a href="/{i}/index.html">{_esc(n.format(place=place))}</a></li>' for i, n in enumerate(_NAV))
    subnav = "".join(f'<li><a href="/xxgk/{i}/">{_esc(n)}</a></li>' for i, n in enumerate(_SUBNAV))
    related = "".join(
        f'<li><a href="/xxgk/nb/{report.year - k}/">{_esc(report.agency)}{report.year - k}年政府信息公开工作年度报告</a>'
        f'<span>{report.year - k + 1}-01-{rnd.randint(10, 28):02d}</span></li>'
        for k in (1, 2)
    )
    pubdate = f'\n<meta name="PubDate" content="{pub.isoformat()} {rnd.randint(8, 17):02d}:{rnd.randint(0, 59):02d}">' if report.pubdate_meta else ""
    body = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{{charset}}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{_esc(report.title)}-{_esc(site.name)}</title>
<meta name="SiteName" content="{_esc(site.name)}">
<meta name="SiteDomain" content="{site.domain}">
<meta name="SiteIDCode" content="{site.site_code}">
<meta name="ColumnName" content="{_esc(site.column)}">
<meta name="ArticleTitle" content="{_esc(report.title)}">{pubdate}
<meta name="ContentSource" content="{_esc(report.agency)}">
<link rel="stylesheet" type="text/css" href="/css/common.css">
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="container"><span class="welcome">欢迎访问{_esc(site.name)}网站！</span>
<ul class="top-links"><li><a href="javascript:void(0);" onclick="jft()">繁體版</a></li><li><a href="javascript:;" onclick="aria.start()">无障碍</a></li><li><a href="javascript:;">长者模式</a></li></ul></div></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{_esc(site.name)}"></div>
<form class="search" action="/search/s" method="get"><input type="text" name="q" placeholder="请输入关键词"><input type="submit" value="搜索"></form></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="main container">
<div class="sidebar"><h3>{_esc(site.column)}</h3><ul>{subnav}</ul></div>
<div class="content">
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="/xxgk/nb/">{_esc(site.column)}</a></div>
<div class="xxgk-info"><ul>
<li><b>索引号：</b>{site.index_number}/{pub.year}-{rnd.randint(1, 99999):05d}</li>
<li><b>发布机构：</b>{_esc(report.agency)}</li>
<li><b>主题分类：</b>{_esc(site.column)}</li>
<li><b>发文日期：</b>{pub.isoformat()}</li>
<li><b>名称：</b>{_esc(report.title)}</li>
</ul></div>
<div class="article">
<h1 class="article-title">{_esc(report.title)}</h1>
<div class="article-info"><span>发布时间：{pub.isoformat()}</span><span>来源：{_esc(report.agency)}</span><span>浏览次数：<em id="hits">{hits}</em></span><span>字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span></div>
<div class="article-content TRS_Editor" id="zoom">
{article}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h4>相关文章</h4><ul>{related}</ul></div>
</div>
</div>
<div class="footer"><div class="container">
<p>主办单位：{_esc(site.host)}　　地址：{_esc(site.address)}　　邮编：{site.postcode}</p>
<p>版权所有：{_esc(site.name)}　　<a href="https://beian.miit.gov.cn/" target="_blank">{site.icp}</a></p>
<p>网站标识码：{site.site_code}　　<img src="/images/ga.png" alt="">{site.police_record}　　联系电话：{site.phone}</p>
</div></div>
<script type="text/javascript">
function doZoom(size) {{ document.getElementById("zoom").style.fontSize = size + "px"; }}
var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?0"; }})();
</script>
</body>
</html>
"""
    text = converter(report)(body)
    return _encode(report, text.replace("{charset}", _charset(report, text)))


# ---------------------------------------------------------------------------------------------
# docx


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with a fixed timestamp on every member (python-docx stamps the save time)."""
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, 9, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def _east_asian(run, font: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None


def _docx_page_number(section) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    para = section.footer.paragraphs[0]
    para.alignment = 1
    para.add_run("— ")
    para._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    para.add_run(" —")


def render_docx(report: SyntheticReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    conv = converter(report)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    if report.page_footers:
        _docx_page_number(section)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    props = doc.core_properties
    when = datetime.combine(report.published_date, datetime.min.time()).replace(hour=9)
    props.title, props.author, props.last_modified_by = conv(report.title), conv(report.agency), conv(report.agency)
    props.created = props.modified = when
    props.revision = 1

    for kind, content in outline(report):
        if kind == "table":
            _docx_table(doc, content, conv)  # type: ignore[arg-type]
            continue
        text = conv(str(content))
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing = Pt(28)
        if kind == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _east_asian(para.add_run(text), "方正小标宋简体", 22)
        elif kind == "signature":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _east_asian(para.add_run(text), "仿宋_GB2312", 16)
        else:
            fmt.first_line_indent = Pt(32)
            font = {"heading": "黑体", "subheading": "楷体_GB2312"}.get(kind, "仿宋_GB2312")
            _east_asian(para.add_run(text), font, 16)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), when)


def _docx_table(doc, grid: Grid, conv: Callable[[str], str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = 1
    placed = grid.placed()
    # table.cell() rebuilds the whole cell grid on every call; the regions never overlap, so the
    # cell objects of the unmerged table stay valid for their top-left corners
    cells = table._cells
    at = lambda r, c: cells[r * grid.ncols + c]  # noqa: E731
    for r, c, cell in placed:
        if cell.rowspan > 1 or cell.colspan > 1:
            at(r, c).merge(at(r + cell.rowspan - 1, c + cell.colspan - 1))
    for r, c, cell in placed:
        para = at(r, c).paragraphs[0]
        if cell.role != "label":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if cell.text:
            _east_asian(para.add_run(conv(cell.text)), "宋体", 10.5)
    doc.add_paragraph()


# ---------------------------------------------------------------------------------------------
# pdf

_FONT = "STSong-Light"
_MM = 72 / 25.4
_PDF_WIDTHS = {  # column widths in mm, 170 mm of text width on A4
    ("t2", 4): [62, 36, 36, 36],
    ("t2", 5): [50, 30, 30, 30, 30],
    ("t3", 10): [13, 16, 52.5] + [12.64] * 7,
    ("t4", 15): [170 / 15] * 15,
}


@cache
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    return _FONT


def _xml(text: str) -> str:
    return _html.escape(text, quote=False)


def render_pdf(report: SyntheticReport) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _pdf_font()
    conv = converter(report)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=19, firstLineIndent=21, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=30, alignment=TA_CENTER, spaceAfter=12, wordWrap="CJK"),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=22, spaceBefore=6),
        "subheading": ParagraphStyle("subheading", parent=body),
        "para": body,
        "signature": ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
    }
    cell_label = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    cell_center = ParagraphStyle("cellc", parent=cell_label, alignment=TA_CENTER)

    story: list = []
    for kind, content in outline(report):
        if kind == "table":
            story.append(_pdf_table(content, conv, cell_label, cell_center, Paragraph, Table, TableStyle))  # type: ignore[arg-type]
            story.append(Spacer(1, 8))
        else:
            story.append(Paragraph(_xml(conv(str(content))), styles[kind]))

    def footer(canvas, doc) -> None:
        if report.page_footers:
            canvas.saveState()
            canvas.setFont(font, 9)
            canvas.drawCentredString(A4[0] / 2, 14 * _MM, f"— {doc.page} —")
            canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * _MM, rightMargin=20 * _MM, topMargin=25 * _MM, bottomMargin=25 * _MM,
        title=conv(report.title), author=conv(report.agency), creator="Microsoft Word", invariant=1,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _pdf_table(grid: Grid, conv, cell_label, cell_center, Paragraph, Table, TableStyle):
    matrix: list[list] = [[""] * grid.ncols for _ in grid.rows]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("FONT", (0, 0), (-1, -1), _FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, c, cell in grid.placed():
        text = conv(cell.text)
        if cell.role == "value":
            matrix[r][c] = text
        elif text:
            matrix[r][c] = Paragraph(_xml(text), cell_label if cell.role == "label" else cell_center)
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    widths = [w * _MM for w in _PDF_WIDTHS.get((grid.table, grid.ncols), [170 / grid.ncols] * grid.ncols)]
    return Table(matrix, colWidths=widths, style=TableStyle(commands), hAlign="CENTER")


# ---------------------------------------------------------------------------------------------
# entry points

_RENDERERS = {"html": render_html, "docx": render_docx, "pdf": render_pdf, "txt": render_txt, "md": render_md}


def render(report: SyntheticReport, fmt: str) -> bytes:
    """The report as the bytes of a file in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in _RENDERERS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    return _RENDERERS[fmt](report)


def file_name(report: SyntheticReport, fmt: str) -> str:
    return f"{report.year}_{report.slug}{SUFFIXES[fmt]}"


def write(report: SyntheticReport, fmt: str, directory: str | Path, name: str | None = None) -> Path:
    """Render into ``directory`` (created if needed); the file is ``{year}_{slug}.{suffix}`` unless
    ``name`` (a stem) is given. Returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name + SUFFIXES[fmt] if name else file_name(report, fmt))
    path.write_bytes(render(report, fmt))
    return path
