"""Real-world variations of a report's text, as agencies and converters print them.

Each :class:`Variation` rewrites the text of a report (Markdown pipe tables, tab-separated tables or
plain lines) the way real reports differ from the official format: section titles reworded,
renumbered, split or missing; digits of a row run together by a crawler; tables cut up by a
PDF-to-Markdown or OCR conversion; old wordings and omitted rows; labels abbreviated. A variation
returns ``None`` when the report has nothing it applies to.

``changes`` says what the variation may legitimately change in the audit: the cells it makes
unknown or missing and the error rules it may add (an omitted row is a real ROW-MISSING; digits
that stay ambiguous are a real CELLS-INSEPARABLE). Everything else must stay as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from xxgk_audit.layout import get_layout

LAYOUT = get_layout("2021")
TITLES = {s.key: s.label for s in LAYOUT.sections}


@dataclass(frozen=True)
class Variation:
    name: str
    apply: Callable[[str], str | None]
    errors: frozenset[str] = frozenset()  # error rules it may add
    lost_rows: tuple[str, ...] = ()  # row labels whose cells it may make missing
    lost_columns: tuple[str, ...] = ()  # column labels whose cells it may make blank
    inseparable: bool = False  # cells it runs together may stay unknown (CELLS-INSEPARABLE)
    formats: tuple[str, ...] = ("txt", "md")  # the source formats it rewrites
    # it takes away what tells cells apart (separators, empty cells): only for reports whose every
    # cell was printed as a number in a labelled row
    needs_complete: bool = False
    same_findings: bool = False  # it changes nothing an auditor is told: no new finding of any severity
    notes: str = field(default="", compare=False)


# -- section titles ---------------------------------------------------------------------------------

def _heading_line(text: str, title: str) -> re.Match | None:
    """The line that prints ``title`` as a heading (Markdown #, bold, or alone on its line), or the
    element of a web page that holds it alone."""
    return (
        re.search(rf"(?m)^(?P<pre>[#*\s]*){re.escape(title)}(?P<post>[*\s]*)$", text)
        or re.search(rf"(?P<pre>>\s*){re.escape(title)}(?P<post>\s*<)", text)
        or re.search(rf"(?P<pre>(?<=[。；）)\s])){re.escape(title)}(?P<post>)", text)  # inside run-together text
    )


def retitle(key: str, new: str) -> Callable[[str], str | None]:
    def apply(text: str) -> str | None:
        match = _heading_line(text, TITLES[key])
        if match is None:
            return None
        return text[: match.start()] + match.group("pre") + new + match.group("post") + text[match.end() :]

    return apply


def drop_heading(key: str) -> Callable[[str], str | None]:
    def apply(text: str) -> str | None:
        match = _heading_line(text, TITLES[key])
        return None if match is None else text[: match.start()] + text[match.end() :]

    return apply


def drop_fee_heading(text: str) -> str | None:
    """六's heading left out where 六 states the fees (本年度未收取信息处理费): its words find it.
    A 六 of "无。" alone cannot be told from 五's last line: no variation there."""
    match = _heading_line(text, TITLES["s6"])
    if match is None or not re.search(r"信息处理费|相关费用|任何费用|成本费用", text[match.end() : match.end() + 300]):
        return None
    return text[: match.start()] + text[match.end() :]


def restyle(style: Callable[[str, str], str], every: bool = False) -> Callable[[str], str | None]:
    """Section titles printed in another style: ``style(ordinal, title without it)``; with
    ``every``, only a report whose six titles all print as headings is varied."""

    def apply(text: str) -> str | None:
        changed = text
        for title in TITLES.values():
            match = _heading_line(changed, title)
            if match is None:
                if every:
                    return None
                continue
            number, body = title.split("、", 1)
            changed = changed[: match.start()] + match.group("pre") + style(number, body) + match.group("post") + changed[match.end() :]
        return changed if changed != text else None

    return apply


def title_runs_into_text(separator: str) -> Callable[[str], str | None]:
    """Each text section's title and the first paragraph under it printed as one line or paragraph
    (六、其他需要报告的事项。本年度未收取信息处理费。), joined by ``separator``."""

    def apply(text: str) -> str | None:
        changed = text
        for key in ("s1", "s5", "s6"):
            title = re.escape(TITLES[key])
            changed = re.sub(rf"(?m)^(#+ |\*\*)?{title}(\*\*)?\n\s*\n(?=[^\s#|])", lambda m: f"{TITLES[key]}{separator}", changed, count=1)
            changed = re.sub(rf"(?s)<p([^>]*)>\s*(?:<strong>)?{title}(?:</strong>)?\s*</p>\s*<p[^>]*>(?=[^<])", lambda m: f"<p{m.group(1)}>{TITLES[key]}{separator}", changed, count=1)
        return changed if changed != text else None

    return apply


def table_of_contents(text: str) -> str | None:
    """A table of contents of the six titles, without page numbers, under the report's title."""
    listing = [TITLES[s.key] for s in LAYOUT.sections]
    if "<p" in text:
        changed = re.sub(r"(</h1>|</p>)", lambda m: m.group(1) + "<p>目录</p>" + "".join(f"<p>{t}</p>" for t in listing), text, count=1)
    else:
        changed = re.sub(r"\n\n", "\n\n目录\n" + "\n".join(listing) + "\n\n", text, count=1)
    return changed if changed != text else None


no_separator = restyle(lambda number, body: number + body)  # 一总体情况, 二主动公开…: the ordinals glued to the titles
spaced_ordinals = restyle(lambda number, body: f"{number}、\u3000{body}：")  # 一、 总体情况 with a full-width space, a colon after it
_NUMERALS = "一二三四五六七八九十"


def bold_titles(text: str) -> str | None:
    """**一、总体情况**: titles printed in bold instead of as headings."""
    changed = text
    for title in TITLES.values():
        match = _heading_line(changed, title)
        if match:
            changed = changed[: match.start()] + f"**{title}**" + changed[match.end() :]
    return changed if changed != text else None


def split_section_five(text: str) -> str | None:
    """五 printed as two numbered parts (problems / measures), the last part numbered 七."""
    five = _heading_line(text, TITLES["s5"])
    six = _heading_line(text, TITLES["s6"])
    if five is None or six is None:
        return None
    body = text[five.end() : six.start()]
    cut = re.search(r"(?m)^.*(?:改进|整改|下一步|措施).*$", body)
    if cut is None or cut.start() == 0:
        return None
    pre = five.group("pre")
    body = body[: cut.start()] + f"{pre}六、改进措施\n\n" + body[cut.start() :]
    return (
        text[: five.start()] + f"{pre}五、存在的主要问题" + five.group("post") + body
        + six.group("pre") + "七、其他需要报告的事项" + six.group("post") + text[six.end() :]
    )


# -- tables ---------------------------------------------------------------------------------------------

def _pipe(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return None
    return [c.strip() for c in stripped[1:-1].split("|")]


_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")


def _is_value(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell))


def flatten_tables(text: str) -> str | None:
    """Crawler text: every table on one line, cells run together with nothing between them."""
    if "\t" not in text and "|" not in text:
        return None
    out: list[str] = []
    run: list[str] = []
    for line in text.split("\n"):
        cells = _pipe(line) if "|" in line else (line.split("\t") if "\t" in line else None)
        if cells is not None and set("".join(cells)) <= set("-: "):
            continue
        if cells is not None:
            run.append("".join(c.strip() for c in cells))
            continue
        if run and line.strip() == "":
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(line)
    if run:
        out.append("".join(run))
    return "\n".join(out)


def one_line(text: str) -> str | None:
    """A crawler's text of a whole page: the title, then everything else on one line, headings
    and tables run together with nothing between them."""
    flat = flatten_tables(text) or text
    lines = [line.strip().lstrip("#").strip() for line in flat.split("\n") if line.strip()]
    return lines[0] + "\n" + "".join(lines[1:]) if len(lines) > 2 else None


def _t4_block(text: str) -> tuple[int, int, list[str]] | None:
    """(start, end, values) of the 表四 in a Markdown or tab table: header rows and the value row."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        cells = _pipe(line) or (line.split("\t") if "\t" in line else None)
        if cells and len([c for c in cells if c.strip()]) == 15 and all(_is_value(c.strip()) for c in cells if c.strip()):
            start = index
            while start > 0 and ("行政" in lines[start - 1] or "结果" in lines[start - 1] or "起诉" in lines[start - 1] or set(lines[start - 1].strip()) <= set("|-: \t")) and lines[start - 1].strip():
                start -= 1
            values = [c.strip() for c in cells if c.strip()]
            offset = sum(len(x) + 1 for x in lines[:start])
            end = offset + sum(len(x) + 1 for x in lines[start : index + 1])
            return offset, end, values
    return None


def t4_three_rows(text: str) -> str | None:
    """表四 as three rows of five values under a header split over two lines (OCR / PDF-to-Markdown)."""
    found = _t4_block(text)
    if found is None:
        return None
    start, end, values = found
    rows = ["|  | 结果 | 结果 | 其他 | 尚未 | 总计 |", "|  | 维持 | 纠正 | 结果 | 审结 |  |", "|---|---|---|---|---|---|"]
    for label, chunk in zip(("行政复议", "未经复议直接起诉", "复议后起诉"), (values[0:5], values[5:10], values[10:15])):
        rows.append(f"| {label} | " + " | ".join(chunk) + " |")
    return text[:start] + "\n".join(rows) + "\n" + text[end:]


def t4_two_tables(text: str) -> str | None:
    """表四 as two tables, as a page too narrow for fifteen columns prints it: 行政复议 (five values
    under its outcomes), then 行政诉讼 (ten values under its two groups and their outcomes)."""
    found = _t4_block(text)
    if found is None:
        return None
    start, end, values = found
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        "行政复议", "", "| " + " | ".join(outcomes) + " |", "|" + "---|" * 5, "| " + " | ".join(values[0:5]) + " |", "",
        "行政诉讼", "", "| 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  |  |", "|" + "---|" * 10,
        "| " + " | ".join(outcomes * 2) + " |", "| " + " | ".join(values[5:15]) + " |",
    ]
    return text[:start] + "\n".join(rows) + "\n" + text[end:]


def t4_heading_misspelled(text: str) -> str | None:
    return retitle("s4", "四、政府信息公开行政复以、行政诉松情况")(text)


def _t3_header_rows(text: str) -> list[str]:
    return [line for line in text.split("\n") if ("商业企业" in line and "科研机构" in line) or ("自然人" in line and "总计" in line and "申请人" not in line)]


def repeated_header(text: str) -> str | None:
    """The 表三 header printed again in the middle of the table (a page break in the conversion)."""
    header = _t3_header_rows(text)
    match = re.search(r"(?m)^.*（四）无法提供.*$|^.*\(四\) 无法提供.*$", text)
    if not header or match is None:
        return None
    return text[: match.start()] + "\n".join(header) + "\n" + text[match.start() :]


def data_columns(text: str) -> str | None:
    """The applicant column titles replaced by 数据1…数据7 (a converter's placeholders)."""
    rows = [line for line in text.split("\n") if "商业企业" in line and "科研机构" in line]
    if not rows:
        return None
    names = iter(f"数据{n}" for n in range(1, 8))
    new = re.sub(r"商业企业|科研机构|社会公益组织|法律服务机构|(?<=[|\t] )其他(?= [|\t])|(?<=\t)其他(?=\t)", lambda m: next(names), rows[0])
    return text.replace(rows[0], new, 1)


def wrap_long_label(text: str) -> str | None:
    """A long row label wrapped over two table rows: the tail on a row of its own below the values."""
    label = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    match = re.search(rf"(?m)^\|[^\n]*{re.escape(label)}[^\n]*$", text)
    if match is None:
        return None
    cells = _pipe(match.group(0))
    index = next(i for i, c in enumerate(cells) if label in c)
    cut = label.index("政府信息公开申请") + len("政府信息公")
    head, tail = list(cells), [""] * len(cells)
    head[index], tail[index] = cells[index].replace(label, label[:cut]), label[cut:]
    rows = "| " + " | ".join(head) + " |\n| " + " | ".join(tail) + " |"
    return text[: match.start()] + rows + text[match.end() :]


def lost_cell_above(text: str) -> str | None:
    """A row that lost one cell, the value printed as loose text just above the table."""
    match = re.search(r"(?m)^(?P<row>\|[^\n]*二、上年结转政府信息公开申请数量[^\n]*)$", text)
    if match is None:
        return None
    cells = _pipe(match.group("row"))
    values = [i for i, c in enumerate(cells) if _is_value(c)]
    if len(values) != 7:
        return None
    lost = cells[values[0]]
    cells = cells[: values[0]] + cells[values[0] + 1 :]
    table = re.search(r"(?m)^\|[^\n]*勾稽关系[^\n]*$", text)
    if table is None:
        return None
    row = "| " + " | ".join(cells) + " |"
    text = text[: match.start()] + row + text[match.end() :]
    return text[: table.start()] + f"{lost}\n\n" + text[table.start() :]


def _rewrite_pipe_rows(text: str, rewrite: Callable[[list[str]], list[str]]) -> str | None:
    """Each Markdown table row replaced by the lines ``rewrite`` makes of its cells (rule rows dropped)."""
    if "|" not in text:
        return None
    out = []
    for line in text.split("\n"):
        cells = _pipe(line)
        if cells is None:
            out.append(line)
        elif not set("".join(cells)) <= set("-: "):
            out += rewrite(cells)
    return "\n".join(out)


def text_lines(text: str) -> str | None:
    """Tables printed as lines of text (a PDF without ruling lines): labels then values, spaces between."""
    return _rewrite_pipe_rows(text, lambda cells: [" ".join([c for c in cells if c and not _is_value(c)] + [c for c in cells if _is_value(c)])])


def one_cell_per_line(text: str) -> str | None:
    """A web page's text taken by a crawler cell by cell (``get_text("\\n", strip=True)``): every
    filled cell of a table on a line of its own, the empty ones gone."""
    return _rewrite_pipe_rows(text, lambda cells: [c for c in cells if c])


# -- wordings -----------------------------------------------------------------------------------------------

def reword(old: str, new: str) -> Callable[[str], str | None]:
    def apply(text: str) -> str | None:
        return text.replace(old, new) if old in text else None

    return apply


def drop_row(label: str) -> Callable[[str], str | None]:
    def apply(text: str) -> str | None:
        match = re.search(rf"(?m)^(?:\|\s*|){re.escape(label)}(?:\s*\||\t)[^\n]*\n", text)
        return None if match is None else text[: match.start()] + text[match.end() :]

    return apply


def narrative_in_table_sections(text: str) -> str | None:
    """Sentences quoting counts under the headings of the table sections (制发规章1件、…)."""
    changed = text
    sentences = {
        "s2": "本年度制发规章1件、行政规范性文件3件，作出行政许可决定12件、行政处罚决定5件。",
        "s3": "本年度新收政府信息公开申请2件，其中予以公开1件，无法提供1件。",
        "s4": "本年度发生行政复议1件，行政诉讼0件，结果维持1件。",
    }
    for key, sentence in sentences.items():
        match = _heading_line(changed, TITLES[key])
        if match is None or match.group("post").endswith("<"):
            continue
        changed = changed[: match.end()] + "\n\n" + sentence + "\n" + changed[match.end() :]
    return changed if changed != text else None


def serial_column(text: str) -> str | None:
    """A serial-number column at the left of every table: 序号 in the header rows, then 1, 2, 3 …
    before the row labels (counted again from 1 in each table)."""
    if "<tr" in text:
        count = 0

        def row(match: re.Match) -> str:
            nonlocal count
            if re.search(r"<t[dh][^>]*>\s*(?:<[^>]+>\s*)*[+-]?\d", match.group(2)):
                count += 1
                return f"{match.group(1)}<td>{count}</td>{match.group(2)}"
            return f"{match.group(1)}<td>序号</td>{match.group(2)}"

        parts = re.split(r"(?=<table)", text)
        out = []
        for part in parts:
            count = 0
            out.append(re.sub(r"(<tr[^>]*>)(.*?)(?=</tr>)", row, part, flags=re.S))
        changed = "".join(out)
        return changed if changed != text else None
    lines = text.split("\n")
    rules = [i for i, line in enumerate(lines) if line.strip().startswith("|") and set(line.strip()) <= set("|-: ")]
    if any(i == 0 or not lines[i - 1].strip().startswith("|") or (i >= 2 and lines[i - 2].strip().startswith("|")) for i in rules):
        return None  # a conversion's table fragments (a rule row inside a table): no printed order of rows to count
    out, count, changed = [], 0, False
    for line in lines:
        cells = _pipe(line) if line.strip().startswith("|") else (line.split("\t") if "\t" in line else None)
        if cells is None:
            if line.strip():
                count = 0
            out.append(line)
            continue
        changed = True
        if set("".join(cells)) <= set("-: "):
            first = "---"
        elif any(_is_value(c.strip()) for c in cells):
            count += 1
            first = str(count)
        else:
            first = "序号"
        out.append(f"| {first} {line.strip()}" if line.strip().startswith("|") else f"{first}\t{line}")
    return "\n".join(out) if changed else None


def organisations_in_one_column(text: str) -> str | None:
    """表三's 法人或其他组织 printed as one column: the header row of its five kinds left out, each
    row's five values replaced by their sum."""
    out, changed = [], False
    for line in text.split("\n"):
        pipe = line.strip().startswith("|")
        cells = _pipe(line) if pipe else (line.split("\t") if "\t" in line else None)
        if cells is None:
            out.append(line)
            continue
        if re.sub(r"\s", "", "".join(cells)).find("商业企业科研机构") >= 0:
            changed = True
            continue
        values = [i for i, c in enumerate(cells) if _is_value(c.strip())]
        if len(values) == 7 and values == list(range(values[0], values[0] + 7)):
            first = values[0]
            total = sum(int(cells[i].strip()) for i in values[1:6])
            cells = cells[: first + 1] + [str(total)] + cells[first + 6 :]
            line = "| " + " | ".join(c.strip() for c in cells) + " |" if pipe else "\t".join(cells)
            changed = True
        out.append(line)
    return "\n".join(out) if changed else None


def full_width_digits(text: str) -> str | None:
    """Table values typed with full-width digits (１２ for 12), as some word processors print them."""
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    varied = re.sub(r"(?<=[|>])(\s*)(\d+)(?=\s*[|<])", lambda m: m.group(1) + m.group(2).translate(wide), text)
    return varied if varied != text else None


def half_width_parentheses(text: str) -> str | None:
    """Row labels with half-width parentheses: (一)予以公开, (二)部分公开 …"""
    varied = re.sub(r"（([一二三四五六七八九十]{1,2})）", r"(\1)", text)
    return varied if varied != text else None


def spacer_column(text: str) -> str | None:
    """A web page's tables with an empty first column in every row (a spacer some editors add)."""
    varied = re.sub(r"<tr([^>]*)>", r"<tr\1><td></td>", text)
    return varied if varied != text else None


def t3_without_total_column(text: str) -> str | None:
    """表三 printed without its 总计 column: the label leaves its header and each row its last cell
    (Markdown pipe tables, tab-separated text and web pages as the generator prints them)."""
    if "<table" in text:
        return _t3_html_without_total(text)
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if "自然人" in line and "总计" in line and ("|" in line or "\t" in line)), None)
    if start is None:
        return None
    end = next((i for i, line in enumerate(lines) if i > start and "结转下年度继续办理" in line), None)
    if end is None:
        return None
    pipe = "|" in lines[start]
    for i in range(start, end + 1):
        if pipe:
            fields = lines[i].split("|")
            if len(fields) < 4:
                return None
            del fields[-2]  # the last cell: "| … | 279 |" splits into […, " 279 ", ""]
            lines[i] = "|".join(fields)
        else:
            fields = lines[i].split("\t")
            lines[i] = "\t".join([f for f in fields if f != "总计"] if i == start else fields if i == start + 1 else fields[:-1])
    return "\n".join(lines)


def _t3_html_without_total(text: str) -> str | None:
    at = text.find("申请人情况")
    if at < 0:
        return None
    start, end = text.rfind("<table", 0, at), text.find("</table>", at)
    table = text[start:end]
    rows = re.findall(r"<tr>.*?</tr>", table, flags=re.S)
    if len(rows) < 4 or 'colspan="7"' not in rows[0] or "总计" not in rows[1]:
        return None
    rows[0] = rows[0].replace('colspan="7"', 'colspan="6"')
    header = re.sub(r"<td[^>]*>(?:<p[^>]*>)?总计(?:</p>)?</td>", "", rows[1])
    if header == rows[1]:
        return None
    rows[1] = header
    rows[3:] = [re.sub(r"<td[^>]*>(?:(?!<td).)*</td></tr>$", "</tr>", row, flags=re.S) for row in rows[3:]]
    return text[:start] + table[: table.find("<tr>")] + "".join(rows) + text[end:]


def markdown_artifacts(text: str) -> str | None:
    """What PDF-to-Markdown converters leave in pipe tables: ordinals escaped (1\\.属于国家秘密), a long
    label broken by <br>, numbers set as math ($12$), empty cells as &nbsp;."""
    if "|" not in text:
        return None
    changed = re.sub(r"(?<=\| )(\d)\.(?=\D)", r"\1\\.", text)
    changed = changed.replace("（二）部分公开（区分处理的", "（二）部分公开<br>（区分处理的", 1)
    changed = re.sub(r"(?<=\| )(\d{2,})(?= \|)", r"$\1$", changed)
    changed = re.sub(r"\|  \|", "| &nbsp; |", changed)
    return changed if changed != text else None


def thousands(text: str) -> str | None:
    """Counts of four digits and more printed with a thousands separator (1,234)."""
    changed = re.sub(r"(?<=[|\t] )(\d{1,3})(\d{3})(?= [|\t])|(?<=\| )(\d{1,3})(\d{3})(?= \|)", lambda m: f"{m.group(1) or m.group(3)},{m.group(2) or m.group(4)}", text)
    return changed if changed != text else None


VARIATIONS: tuple[Variation, ...] = (
    Variation("四 与 for 、", retitle("s4", "四、政府信息公开行政复议与行政诉讼情况"), formats=("txt", "md", "html")),
    Variation("四 typo 行政法复议", retitle("s4", "四、政府信息公开行政法复议、行政诉讼情况"), formats=("txt", "md", "html")),
    Variation("二 suffix 有关情况附表", retitle("s2", "二、主动公开政府信息情况（有关情况附表）"), formats=("txt", "md", "html")),
    Variation("三 suffix 有关情况附表", retitle("s3", "三、收到和处理政府信息公开申请情况（有关情况附表）"), formats=("txt", "md", "html")),
    Variation("四 suffix 有关情况附表", retitle("s4", "四、政府信息公开行政复议、行政诉讼情况（有关情况附表）"), formats=("txt", "md", "html")),
    Variation("五 明年工作计划", retitle("s5", "五、存在的主要问题及明年工作计划"), formats=("txt", "md", "html")),
    Variation("五 政府信息公开工作…改进情况", retitle("s5", "五、政府信息公开工作存在的主要问题及改进情况"), formats=("txt", "md", "html")),
    Variation("五 存在问题及整改措施", retitle("s5", "五、存在问题及整改措施"), formats=("txt", "md", "html")),
    Variation("一 renamed 年度工作核心成效", retitle("s1", "一、年度工作核心成效"), formats=("txt", "md", "html")),
    Variation("一 概述", retitle("s1", "一、概述"), formats=("txt", "md", "html")),
    Variation("六 其他需说明事项", retitle("s6", "六、其他需说明事项"), formats=("txt", "md", "html")),
    Variation("六 其他事项", retitle("s6", "六、其他事项"), formats=("txt", "md", "html")),
    Variation("六 其他情况", retitle("s6", "六、其他情况"), formats=("txt", "md", "html")),
    Variation("ordinals 1、 (Arabic)", restyle(lambda number, body: f"{_NUMERALS.index(number) + 1}、{body}", every=True), formats=("txt", "md", "html")),
    Variation("ordinals 第一部分", restyle(lambda number, body: f"第{number}部分 {body}", every=True), formats=("txt", "md", "html")),
    Variation("titles in 【】", restyle(lambda number, body: f"【{number}、{body}】", every=True), formats=("txt", "md", "html")),
    Variation("ordinals 1.", restyle(lambda number, body: f"{_NUMERALS.index(number) + 1}.{body}", every=True), formats=("txt", "md", "html")),
    Variation("一、二 with the year in the title", lambda text: retitle("s2", "二、2023年度主动公开政府信息情况")(retitle("s1", "一、2023年度政府信息公开工作总体情况")(text) or "") or None, formats=("txt", "md", "html")),
    Variation("title and first sentence on one line (。)", title_runs_into_text("。"), formats=("txt", "md", "html"), same_findings=True),
    Variation("title and first sentence on one line (：)", title_runs_into_text("："), formats=("txt", "md", "html"), same_findings=True),
    Variation("title and first sentence on one line (spaces)", title_runs_into_text("\u3000\u3000"), formats=("txt", "md", "html"), same_findings=True),
    Variation("table of contents without page numbers", table_of_contents, formats=("txt", "md", "html"), same_findings=True),
    Variation("ordinals glued 一总体情况", no_separator),
    Variation("full-width space and colon", spaced_ordinals),
    Variation("bold titles", bold_titles),
    Variation("五 split, 七 numbered", split_section_five),
    Variation("一 heading missing (overview after the preface)", drop_heading("s1"), formats=("txt", "md", "html")),
    Variation("六 heading missing (the fee sentence after 五)", drop_fee_heading, formats=("txt", "md", "html")),
    Variation("四 heading missing", drop_heading("s4"), formats=("txt", "md", "html")),
    Variation("四 heading misspelled", t4_heading_misspelled, formats=("txt", "md", "html")),
    Variation("二 heading missing", drop_heading("s2"), formats=("txt", "md", "html")),
    Variation("三 heading missing", drop_heading("s3"), formats=("txt", "md", "html")),
    Variation("tables flattened, digits run together", flatten_tables, errors=frozenset({"CELLS-INSEPARABLE"}), inseparable=True, needs_complete=True),
    *(
        Variation(f"tables flattened, {number} heading missing", (lambda key: lambda text: flatten_tables(drop_heading(key)(text) or text))(key),
                  errors=frozenset({"CELLS-INSEPARABLE"}), inseparable=True, needs_complete=True, formats=("txt", "md"))
        for number, key in (("二", "s2"), ("三", "s3"), ("四", "s4"))
    ),
    *(
        Variation(f"whole report on one line{name}", (lambda first: lambda text: one_line(first(text) or text) if first else one_line(text))(first),
                  errors=frozenset({"CELLS-INSEPARABLE"}), inseparable=True, needs_complete=True, formats=("txt", "md"))
        for name, first in (
            ("", None), (", 五 split, 七 numbered", split_section_five), (", counts quoted under the table headings", narrative_in_table_sections),
            (", serial-number column 序号", serial_column),  # the serial numbers run into the values: those cells stay unknown, never misread
            (", 法人或其他组织 as one column", organisations_in_one_column),  # its rows' digits are no cells one by one: unknown
            (", applicant columns 数据1…", data_columns),  # placeholders for the columns: read as ever
        )
    ),
    Variation("表四 three rows of five", t4_three_rows),
    Variation("表四 as two tables (行政复议, 行政诉讼)", t4_two_tables),
    Variation("表三 header repeated mid-table", repeated_header, formats=("md",)),
    Variation("applicant columns 数据1…", data_columns),
    Variation("long label wrapped over two rows", wrap_long_label, formats=("md",)),
    Variation("lost cell printed above the table", lost_cell_above, formats=("md",)),
    Variation("tables as lines of text", text_lines, formats=("md",), needs_complete=True),
    Variation("one cell per line (crawler)", one_cell_per_line, formats=("md",), needs_complete=True),
    Variation("规范性文件 (old wording)", reword("行政规范性文件", "规范性文件"), formats=("txt", "md", "html")),
    Variation("不再受理其 (old wording)", reword("行政机关不再处理其", "行政机关不再受理其"), formats=("txt", "md", "html")),
    Variation("其他法律和行政法规禁止公开", reword("其他法律行政法规禁止公开", "其他法律和行政法规禁止公开"), formats=("txt", "md", "html")),
    Variation("部分公开 without its note", reword("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开"), formats=("txt", "md", "html")),
    Variation("规章 row omitted", drop_row("规章"), errors=frozenset({"ROW-MISSING"}), lost_rows=("规章",)),
    Variation("full-width digits in the tables", full_width_digits, formats=("md", "html")),
    Variation("row labels with (一) half-width", half_width_parentheses, formats=("txt", "md", "html")),
    Variation("thousands separators", thousands),
    Variation("Markdown converter artifacts (1\\. <br> $12$ &nbsp;)", markdown_artifacts, formats=("md",), same_findings=True),
    Variation("表三 without its 总计 column", t3_without_total_column, formats=("txt", "md", "html"), lost_columns=("总计",)),
    Variation("empty spacer column at the left of the tables", spacer_column, formats=("html",)),
    Variation("serial-number column 序号", serial_column, formats=("txt", "md", "html")),
    Variation("法人或其他组织 as one column", organisations_in_one_column, errors=frozenset({"CELLS-INSEPARABLE"}), inseparable=True, needs_complete=True),
    Variation("counts quoted under the table headings", narrative_in_table_sections, formats=("txt", "md")),
)
