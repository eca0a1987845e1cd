"""Rules of the group "Structure and completeness" (rules.md)."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..document import place, strip_tags
from ..layout import CellSpec, Layout
from ..parse.labels import cosmetic, nfkc
from ..parse.metadata import text_years
from ..parse.values import parse_value
from ..report import Source
from .registry import AuditContext, location, rule

_LIST_LIMIT = 8


def describe(layout: Layout, key: str) -> str:
    """Where a cell sits, in the words of the format: 表三“（一）予以公开”行“自然人”列."""
    spec: CellSpec | None = layout.cells.get(key)
    if spec is None:
        return key
    table = layout.tables[spec.table]
    if spec.table == "t4":
        group, outcome = _t4_parts(layout, spec)
        return f"{table.name}“{group}”的“{outcome}”"
    block = next((b for b in table.blocks if b.key == spec.block), None)
    prefix = f"{table.name}{block.header}" if block is not None and block.header else table.name
    return f"{prefix}“{spec.row_label}”行“{spec.column_label}”列"


def _t4_parts(layout: Layout, spec: CellSpec) -> tuple[str, str]:
    """(group, outcome) of a 表四 cell from its printed header path: (行政诉讼·复议后起诉, 总计)."""
    column = next(c for c in layout.tables["t4"].blocks[0].columns if c.key == spec.column)
    *groups, outcome = [part for part in column.path if part]
    return "·".join(groups), outcome


def _listing(items: list, describe_item=str) -> str:
    """The first items (described), and how many there are in all."""
    shown = "；".join(describe_item(item) for item in items[:_LIST_LIMIT])
    return shown + (f"；等共{len(items)}处" if len(items) > _LIST_LIMIT else "")


@rule("SECTION-MISSING", "error", "structure")
def section_missing(ctx: AuditContext):
    """条例第五十条；国办公开办函〔2021〕30号“报告内容……不能遗漏”：六个部分缺一不可。"""
    layout = ctx.report.layout
    for section in layout.sections:
        if section.key not in ctx.report.sections:
            yield ctx.finding(
                "SECTION-MISSING",
                f"未找到第{section.number}部分“{section.label}”（也未找到相近的标题）",
                subject=section.key,
            )


@rule("SECTION-TITLE-VARIANT", "info", "structure")
def section_title_variant(ctx: AuditContext):
    """国办公开办函〔2021〕30号年度报告格式：六个部分的标题有统一写法。"""
    layout = ctx.report.layout
    for hit in sorted(ctx.report.sections.values(), key=lambda h: h.block):
        if not hit.is_variant:
            continue
        number = hit.official.split("、")[0]
        if hit.inferred:
            table_key = layout.section(hit.key).table
            what = layout.tables[table_key].name if table_key else "其内容"
            message = f"第{number}部分没有印出标题（格式规定为“{hit.official}”），{what}从{place(hit.line, hit.page)}起直接列出"
        else:
            message = f"第{number}部分标题为“{hit.title}”，格式规定为“{hit.official}”"
        yield ctx.finding(
            "SECTION-TITLE-VARIANT",
            message,
            locations=[location(None, _heading_source(ctx, hit), ctx.file)],
            subject=f"{hit.key}:{hit.title}",
        )


def _heading_source(ctx: AuditContext, hit) -> Source:
    return Source(ctx.file, hit.line, hit.page, text=hit.title or None)


@rule("SECTION-ORDER", "warning", "structure")
def section_order(ctx: AuditContext):
    """国办公开办函〔2021〕30号年度报告格式：六个部分按一至六的顺序编排，编号不得重复或改动。"""
    hits = sorted((h for h in ctx.report.sections.values() if not h.inferred), key=lambda h: h.block)
    problems = []
    official_order = [s.key for s in ctx.report.layout.sections]
    keys = [h.key for h in hits]
    if keys != sorted(keys, key=official_order.index):
        problems.append("各部分的先后顺序为" + "、".join(f"“{h.title}”" for h in hits) + "，与格式规定的顺序不同")
    for hit in hits:
        official_number = hit.official.split("、")[0]
        if hit.number and hit.number != official_number:
            problems.append(f"“{hit.title}”编号为“{hit.number}”，应为“{official_number}”")
    strays = ctx.report.stray_headings
    repeated = [s for s in strays if any(_same_title(s.title, h.title) and _apart(s, h, hits) for h in hits)]
    if repeated:
        places = "、".join(f"“{s.title}”（{place(s.line, s.page)}）" for s in repeated[:6])
        problems.append(f"标题{places}重复出现，疑似多份报告拼接或内容重复")
    for stray in _split_parts(ctx, hits):
        section = ctx.report.layout.section(stray.within)
        problems.append(f"“{stray.title}”是第{section.number}部分“{section.body}”的一部分，却单独编号，其后各部分的编号随之顺延")
    if problems:
        yield ctx.finding(
            "SECTION-ORDER",
            "报告各部分的编号或顺序不规范：" + "；".join(problems),
            locations=[location(None, _heading_source(ctx, h), ctx.file) for h in hits],
            subject="|".join(f"{h.key}:{h.number}" for h in hits),
        )


def _same_title(a: str, b: str) -> bool:
    return cosmetic(a) == cosmetic(b)


def _apart(stray, hit, hits) -> bool:
    """A title printed twice with another section between (two reports joined, a part repeated),
    not a heading repeated right above its table as a caption."""
    low, high = sorted((stray.block, hit.block))
    return any(low < other.block < high for other in hits)


def _split_parts(ctx: AuditContext, hits) -> list:
    """Stray numbered headings that continue the numbering of the sections around them: a section
    printed as two numbered parts (五、存在的主要问题 / 六、改进措施 / 七、其他需要报告的事项)."""
    from ..parse.labels import numeral_value

    numbered = [h for h in hits if h.number]
    parts = []
    for stray in ctx.report.stray_headings:
        if stray.within is None:
            continue
        before = [h for h in numbered if h.block < stray.block]
        after = [h for h in numbered if h.block > stray.block]
        if not before or not after:
            continue
        value = numeral_value(stray.number)
        if numeral_value(before[-1].number) == value - 1 and numeral_value(after[0].number) == value + 1:
            parts.append(stray)
    return parts


@rule("TABLE-MISSING", "error", "structure")
def table_missing(ctx: AuditContext):
    """条例第五十条；年度报告格式规定的表二、表三、表四必须填报。"""
    unread = int(ctx.report.meta.get("pictures_unread", 0))
    pictures = f"；原文另有{unread}张图片未能识别，如表格以图片形式发布，请对照图片人工核对" if unread else ""
    for key, table in ctx.report.layout.tables.items():
        if ctx.report.tables.get(key) == "missing":
            section = ctx.report.layout.section(table.section)
            yield ctx.finding("TABLE-MISSING", f"未找到{table.name}（{section.label}）{pictures}", subject=key)


@rule("ROW-MISSING", "error", "structure")
def row_missing(ctx: AuditContext):
    """国办公开办函〔2021〕30号年度报告格式：表格的行不得删减或合并。"""
    report = ctx.report
    for missing in report.missing_rows:
        table = report.layout.tables[missing.table]
        parts = "、".join(f"“{label}”" for label in missing.rows)
        if missing.kind == "merged":
            printed = f"（{place(missing.source.line, missing.source.page)}：“{missing.row_label}”{missing.source.text or ''}）" if missing.source else ""
            message = f"{table.name}只印了合并的“{missing.row_label}”一行{printed}，未按现行格式分列{parts}{len(missing.rows)}行；这些单元格记为空"
        elif missing.kind == "block":
            message = f"{table.name}缺少“{missing.row_label}”整项（{parts}）；这些单元格记为空"
        else:
            after = f"（应在{place(missing.source.line, missing.source.page)}“{missing.source.row_label}”行之后）" if missing.source and missing.source.row_label else ""
            message = f"{table.name}缺少“{missing.row_label}”行{after}；该行各单元格记为空"
        yield ctx.finding(
            "ROW-MISSING",
            message,
            missing.cells,
            locations=[location(None, missing.source, ctx.file)] if missing.source else [],
            subject=f"{missing.table}:{missing.row_label}",
        )


_REMARK = re.compile(r"^(.{3,}?)（[^）]*）$")


@rule("CELL-BLANK", "warning", "structure")
def cell_blank(ctx: AuditContext):
    """年度报告格式：表格中应填数字；空白、“—”、“/”、“无”按未知处理（不视为0），须由填报单位补正。"""
    layout = ctx.report.layout
    by_table: dict[str, list] = {}
    for cell in ctx.report.cells.values():
        if cell.status == "blank":
            by_table.setdefault(cell.key.split(".", 1)[0], []).append(cell)
    for key, table in layout.tables.items():
        blanks = by_table.get(key)
        if not blanks:
            continue
        yield ctx.finding(
            "CELL-BLANK",
            f"{table.name}有{len(blanks)}个应填数字的单元格为空白或“—”“/”“无”等（按未知处理，不视为0）：{_blank_rows(layout, key, blanks)}",
            [c.key for c in blanks],
        )


@lru_cache(maxsize=256)  # the layout's row labels: a blank row names each of its cells
def _short(label: str) -> str:
    """A row label without its trailing remark: （二）部分公开（区分处理的，……） -> （二）部分公开."""
    match = _REMARK.match(label)
    return match.group(1) if match and len(label) > 12 else label


def _blank_rows(layout: Layout, table: str, blanks: list) -> str:
    """The blank cells compactly: rows that are blank in the same columns share one line."""
    rows: dict[str, list[str]] = {}
    for cell in blanks:
        spec = layout.cells[cell.key]
        if spec.row_label:
            row, column = _short(spec.row_label), spec.column_label
        else:  # 表四: the header path names the cell
            row, column = _t4_parts(layout, spec)
        rows.setdefault(row, []).append(column)
    every_row = _row_count(layout, table)
    by_columns: dict[tuple[str, ...], list[str]] = {}
    for row, columns in rows.items():
        by_columns.setdefault(tuple(columns), []).append(row)
    parts = []
    for columns, names in by_columns.items():
        width = len(layout.row_cells(table, *_block_row(layout, table, names[0])))
        cols = "整行" if len(columns) == width > 1 else "“" + "”“".join(columns) + "”" + (f"{len(columns)}列" if len(columns) > 2 else "")
        if len(names) == every_row > 1:
            parts.append(f"{cols}在全部{every_row}行均为空白")
        elif len(names) > _LIST_LIMIT:
            parts.append(f"“{'”“'.join(names[:_LIST_LIMIT])}”等{len(names)}行的{cols}")
        else:
            parts.append(f"“{'”“'.join(names)}”" + ("行" if len(names) == 1 else f"{len(names)}行") + f"的{cols}")
    return "；".join(parts[:_LIST_LIMIT]) + (f"；另有{len(parts) - _LIST_LIMIT}组" if len(parts) > _LIST_LIMIT else "")


def _block_row(layout: Layout, table: str, shown: str) -> tuple[str | None, str | None]:
    return _row_names(layout, table).get(shown, (None, None))


@lru_cache(maxsize=16)
def _row_names(layout: Layout, table: str) -> dict[str, tuple[str | None, str | None]]:
    """Each row of ``table`` by the name the findings show for it (its first row of that name)."""
    names: dict[str, tuple[str | None, str | None]] = {}
    for cell in layout.table_cells(table):
        name = _short(cell.row_label) if cell.row_label else _t4_parts(layout, cell)[0]
        names.setdefault(name, (cell.block, cell.row))
    return names


@lru_cache(maxsize=16)
def _row_count(layout: Layout, table: str) -> int:
    return len({(c.block, c.row) for c in layout.table_cells(table)})


@rule("CELL-NOT-NUMBER", "error", "structure")
def cell_not_number(ctx: AuditContext):
    """年度报告格式：表格单元格填写数字（件数、金额）。"""
    for cell in ctx.report.cells.values():
        if cell.status == "text":
            yield ctx.finding(
                "CELL-NOT-NUMBER",
                f"{describe(ctx.report.layout, cell.key)}填写的是“{cell.raw}”，不是数字",
                [cell.key],
            )


@rule("CELL-NEGATIVE", "error", "structure")
def cell_negative(ctx: AuditContext):
    """件数不能为负（2019年格式表二“本年增/减”除外）。"""
    layout = ctx.report.layout
    for cell in ctx.report.cells.values():
        if cell.value is None or cell.value >= 0:
            continue
        spec = layout.cells.get(cell.key)
        if spec and spec.kind != "signed":
            yield ctx.finding("CELL-NEGATIVE", f"{describe(layout, cell.key)}为负数（{cell.value}）", [cell.key])


@rule("CELL-NOT-INTEGER", "error", "structure")
def cell_not_integer(ctx: AuditContext):
    """件数应为整数（以万元计的金额除外）。"""
    layout = ctx.report.layout
    for cell in ctx.report.cells.values():
        if not isinstance(cell.value, float) or cell.value.is_integer():
            continue
        spec = layout.cells.get(cell.key)
        if spec and spec.kind != "amount":
            yield ctx.finding("CELL-NOT-INTEGER", f"{describe(layout, cell.key)}应为整数，填写为{cell.value}", [cell.key])


@rule("CELLS-INSEPARABLE", "error", "structure")
def cells_inseparable(ctx: AuditContext):
    """表格须能逐格读取：数字连写而按格式的单元格个数和勾稽关系仍不能唯一拆分时，不作推测，只将这些
    单元格列为无法读取（其余单元格照常读取）。"""
    layout = ctx.report.layout
    by_table: dict[str, list] = {}
    for item in ctx.report.inseparable:
        by_table.setdefault(item.table, []).append(item)
    for key, items in by_table.items():
        table = layout.tables[key]
        rows = [(label, digits, source) for item in items for label, digits, source in item.rows]
        examples = [_inseparable_example(item, label, digits) for item in items for label, digits, _ in item.rows]
        cells = tuple(dict.fromkeys(k for item in items for k in item.cells))
        whole = ctx.report.tables.get(key) == "inseparable"
        groups = list(dict.fromkeys(item.merged for item in items if item.merged))
        if groups and all(item.merged for item in items):  # a column group printed as one column
            message = "；".join(_merged_message(table, group, [i for i in items if i.merged == group]) for group in groups)
        elif all(item.short for item in items):  # values fewer than cells: blank cells lost (a conversion)
            message = (
                f"{table.name}有{len(rows)}行的数值个数少于该行的单元格个数（{_listing(examples)}），空白单元格可能在转换中丢失，"
                f"无法确定各数值属于哪一格，" + ("本表未读取任何数值" if whole else f"这{len(cells)}个单元格未读取，本表其余单元格已读取")
            )
        elif whole:
            message = f"{table.name}的数字在原文中连写在一起，无法唯一拆分到各单元格（{_listing(examples)}），本表未读取任何数值"
        else:
            message = (
                f"{table.name}有{len(rows)}处数字无法唯一对应到各单元格（{_listing(examples)}），"
                f"这{len(cells)}个单元格未读取，本表其余单元格已读取"
            )
        yield ctx.finding(
            "CELLS-INSEPARABLE",
            message,
            cells,
            locations=[location(None, source, ctx.file) for _, _, source in rows],
            subject=key,
        )


def _merged_message(table, group: str, items: list) -> str:
    members = [c.label for b in table.blocks for c in b.columns if c.group == group]
    cells = sum(len(item.cells) for item in items)
    return (
        f"{table.name}的“{group}”只印了一列，没有按格式分为{'、'.join(members)}{len(members)}列"
        f"（{len(items)}行，如{_listing([f'“{label}”行印为“{digits}”' for item in items[:3] for label, digits, _ in item.rows])}），"
        f"这{cells}个单元格无法读取；本表其余单元格已读取"
    )


def _inseparable_example(item, label: str, digits: str) -> str:
    if item.short:
        return f"“{label}”行只有“{digits}”，该行有{item.short}个单元格" if label else f"只有“{digits}”，该行有{item.short}个单元格"
    return f"“{label}”行为“{digits}”" if label else f"“{digits}”"


@rule("LABEL-VARIANT", "info", "structure")
def label_variant(ctx: AuditContext):
    """年度报告格式的行、列、项标题有统一写法；错字、识别错误和旧写法均应更正。"""
    kinds = {"row": "行标题", "column": "列标题", "block": "项标题"}
    for variant in ctx.report.label_variants:
        yield ctx.finding(
            "LABEL-VARIANT",
            f"{kinds.get(variant.kind, '标题')}印为“{variant.printed}”，格式规定为“{variant.official}”",
            variant.cells,
            locations=[location(None, variant.source, ctx.file)],
            subject=f"{variant.kind}:{variant.printed}",
        )


@rule("UNMAPPED-CONTENT", "warning", "structure")
def unmapped_content(ctx: AuditContext):
    """表格中的每一行、每个数字都应能对应到格式规定的单元格；无法对应的内容如实列出，不丢弃。"""
    for item in ctx.report.unmapped:
        yield ctx.finding(
            "UNMAPPED-CONTENT",
            f"{item.reason}。原文：“{item.text}”",
            item.cells,
            locations=[location(None, item.source, ctx.file)],
            subject=f"{item.table}:{item.source.line}:{item.source.page}:{item.text}",
        )


@rule("FORMAT-OUTDATED", "warning", "structure")
def format_outdated(ctx: AuditContext):
    """国办公开办函〔2021〕30号：2021年度起的报告使用新格式；2019、2020年度使用〔2019〕60号试行格式。"""
    report = ctx.report
    if report.year is None or report.template is None:
        return
    layout = report.layout
    if not layout.applies_to(report.year):
        expected = "〔2021〕30号格式" if report.year >= 2021 else "〔2019〕60号试行格式"
        yield ctx.finding(
            "FORMAT-OUTDATED",
            f"{report.year}年度报告应使用{expected}，但表格采用的是{layout.document_number}的格式",
            subject=f"{report.year}:{layout.id}",
        )


@rule("YEAR-MISMATCH", "warning", "structure")
def year_mismatch(ctx: AuditContext):
    """条例第四十九条：报告的是上一年度的情况；标题年度、统计期限和正文所述年度应一致。"""
    report = ctx.report
    if report.year is None:
        return
    problems = []
    if report.period_year is not None and report.period_year != report.year:
        problems.append(f"统计期限为{report.period_year}年（“{report.period_text}”）")
    years = text_years(report.section_text("s1"))
    if years and report.year not in years:
        common, count = years.most_common(1)[0]
        if count >= 2:
            problems.append(f"“{report.layout.section('s1').body}”中所述年度为{common}年（{count}处），未提及{report.year}年")
    if problems:
        yield ctx.finding(
            "YEAR-MISMATCH",
            f"报告标题年度为{report.year}年，但" + "；".join(problems),
            subject=f"{report.year}:{report.period_year}",
        )


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return "".join(nfkc(text).split()).replace(",", "")  # the whitespace \s matches, removed in C


def _reappears(document, cell, windows: dict) -> bool:
    source = cell.source
    raw = source.text if source else None
    if raw is None or parse_value(raw).value != cell.value:
        return False
    if document is None:
        return True
    if source.ocr is not None and document.format in ("html", "docx"):
        return _fold(raw) in _fold(source.ocr.text)  # a picture of the page's: what was recognized in it
    if source.column is not None and source.line in document.source_lines:
        line = document.source_lines[source.line]
        return line[source.column : source.column + len(raw)] == raw
    place = (source.line, source.page)
    window = windows.get(place)
    if window is None:  # many cells share a line or a page: fold each window once
        html_page = document.format == "html"
        text = document.source_at(source.line, source.page, 6 if html_page else 0)
        if html_page:
            text = html.unescape(strip_tags(text))
        window = windows[place] = _fold.__wrapped__(text)  # not cached: whole lines and pages
    return _fold(raw) in window


@rule("SOURCE-GATE", "error", "structure")
def source_gate(ctx: AuditContext):
    """可追溯性：每个读取的数字必须在原文读取位置重新出现（防止解析错误把不存在的数字带入审核）。"""
    windows: dict = {}
    document = ctx.report.document
    for cell in ctx.report.cells.values():
        if cell.value is not None and not _reappears(document, cell, windows):
            yield ctx.finding(
                "SOURCE-GATE",
                f"{describe(ctx.report.layout, cell.key)}读取为{cell.value}，但该数字未在原文{cell.source.where if cell.source else ''}重新出现，读取结果不可靠",
                [cell.key],
            )
