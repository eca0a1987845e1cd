"""findings.xlsx, written row by row with openpyxl's write-only sheets: 报告汇总 (one row per
file, with the auditor's conclusion), 问题清单 (one row per finding, with its verdict and comment)
and 规则统计 (findings and reports per rule)."""

from __future__ import annotations

import os
from typing import Any

from ..findings import GROUP_LABELS, SEVERITY_LABELS
from .schema import STATUS_LABELS, UNREADABLE_RULE

_FILLS = {"error": "F8D7DA", "warning": "FFF3CD", "info": "D9EDF7", "clean": "D4EDDA", "unreadable": "E2E3E5"}
_VERDICT_FILLS = {"confirmed": "error", "dismissed": "clean", "pending": "warning"}
_XLSX_MAX = 32000  # characters per cell (Excel's limit is 32767)
SUMMARY_SHEET, FINDINGS_SHEET, RULES_SHEET = "报告汇总", "问题清单", "规则统计"
SUMMARY_HEADER = [("文件", 48), ("单位", 30), ("年度", 8), ("格式", 16), ("审核结论", 12), ("错误", 7), ("警告", 7), ("提示", 7), ("上年报告", 40), ("下属报告数", 10), ("无法读取的原因", 50), ("人工审核结论", 20), ("确认问题数", 10)]
# 涉及单元格 in the words of the format (表三“（一）予以公开”行“自然人”列), the internal keys in a column of
# their own; 报告数值 is what the report says, 核对值 what it is checked against (数值说明 in the rule's words)
FINDINGS_HEADER = [
    ("文件", 40), ("单位", 26), ("年度", 8), ("规则", 22), ("严重程度", 10), ("类别", 14), ("说明", 70),
    ("涉及单元格", 40), ("数值说明", 36), ("报告数值", 10), ("核对值", 10), ("差额", 10), ("位置", 16), ("原文", 50),
    ("单元格键", 30), ("指纹", 18), ("审核意见", 10), ("审核说明", 40), ("审核人", 10), ("审核时间", 20),
]
_LABELS_SHOWN = 12  # cell labels per finding; the keys column lists all
# the columns :func:`xxgk_audit.batch.verdicts.apply_verdicts` rewrites when verdicts change
VERDICT_COLUMNS = ("审核意见", "审核说明", "审核人", "审核时间")
CONCLUSION_COLUMNS = ("人工审核结论", "确认问题数")
RULES_HEADER = [("规则", 24), ("类别", 16), ("严重程度", 10), ("问题数", 10), ("涉及报告数", 12)]


class FindingsWorkbook:
    """The three sheets; only per-rule counts are kept in memory until :meth:`save`."""

    def __init__(self):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.workbook = Workbook(write_only=True)
        self.fills = {k: PatternFill("solid", fgColor=v) for k, v in _FILLS.items()}
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.summary = self._sheet(SUMMARY_SHEET, SUMMARY_HEADER)
        self.findings = self._sheet(FINDINGS_SHEET, FINDINGS_HEADER)
        self.rules_sheet = self._sheet(RULES_SHEET, RULES_HEADER)
        self.rows = {SUMMARY_SHEET: 1, FINDINGS_SHEET: 1, RULES_SHEET: 1}
        # per-rule counts: rule -> [severity, group, findings, reports]
        self.rules: dict[str, list] = {}
        self.extra: list[tuple[object, list[tuple[str, int]]]] = []  # sheets added by table_sheet
        self.labels: dict[tuple, object] = {}  # styled label cells, made once (see _label)

    def report(self, result: dict[str, Any], prior_source: str | None, verdicts: dict | None = None, conclusion=None) -> None:
        """An audited report (a result of :func:`~.worker.audit_chunk`): its findings and its summary
        row; ``verdicts``: fingerprint -> Verdict, ``conclusion``: the reviewed Conclusion."""
        verdicts = verdicts or {}
        source, agency, year, template = result["source"], result["agency"], result["year"], result["template"]
        seen_rules = set()
        for finding in result["findings"]:
            wheres = list(dict.fromkeys(l["where"] for l in finding["locations"]))
            quotes = "\n".join(
                f"{l['where']} " + "".join(f"“{x}”" for x in (l.get("row_label"), l.get("column_label")) if x) + f"：{l['text']}"
                for l in finding["locations"]
                if l["text"] is not None
            )
            sheet = self.findings
            sheet.append([
                self._text(sheet, source), self._text(sheet, agency), year, finding["rule"],
                self._label(sheet, _severity_label(finding["severity"]), finding["severity"]),
                _group_label(finding["group"]), self._text(sheet, finding["message"]), self._text(sheet, _cell_labels(finding)),
                self._text(sheet, finding.get("values_text") or None), finding["actual"], finding["expected"], finding["difference"],
                self._text(sheet, "、".join(wheres)),
                self._cell(sheet, quotes, wrap=True) if "\n" in quotes else self._text(sheet, quotes),
                " ".join(finding["cells"]), finding["fingerprint"],
                *self.verdict_values(sheet, verdicts.get(finding["fingerprint"])),
            ])
            self.rows[FINDINGS_SHEET] += 1
            entry = self.rules.setdefault(finding["rule"], [finding["severity"], finding["group"], 0, 0])
            entry[2] += 1
            if finding["rule"] not in seen_rules:
                seen_rules.add(finding["rule"])
                entry[3] += 1
        counts, status = result["counts"], result["status"]
        sheet = self.summary
        sheet.append([
            self._text(sheet, source), self._text(sheet, agency), year, _template_label(template),
            self._label(sheet, STATUS_LABELS[status], status), counts["error"], counts["warning"], counts["info"],
            self._text(sheet, prior_source), result["members"] or None, None,
            conclusion.text if conclusion is not None else None, conclusion.confirmed if conclusion is not None else None,
        ])
        self.rows[SUMMARY_SHEET] += 1

    def verdict_values(self, sheet, verdict) -> list:
        """审核意见, 审核说明, 审核人, 审核时间 of one finding (待定 when none was given)."""
        from ..review import Verdict

        verdict = verdict or Verdict()
        return [
            self._label(sheet, verdict.label, _VERDICT_FILLS.get(verdict.verdict)),
            self._text(sheet, verdict.comment or None), self._text(sheet, verdict.auditor or None), verdict.updated_at.replace("T", " ") or None,
        ]

    def unreadable(self, source: str, reason: str) -> None:
        sheet = self.findings
        sheet.append([self._text(sheet, source), None, None, UNREADABLE_RULE, self._cell(sheet, _severity_label("error"), fill="error"), "无法读取", self._text(sheet, reason)])
        self.rows[FINDINGS_SHEET] += 1
        sheet = self.summary
        sheet.append([self._text(sheet, source), None, None, None, self._cell(sheet, STATUS_LABELS["unreadable"], fill="unreadable"), None, None, None, None, None, self._text(sheet, reason)])
        self.rows[SUMMARY_SHEET] += 1
        entry = self.rules.setdefault(UNREADABLE_RULE, ["error", "unreadable", 0, 0])
        entry[2] += 1
        entry[3] += 1

    def save(self, path: os.PathLike) -> None:
        """Write 规则统计, put the autofilters on and save the workbook."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.filters import AutoFilter

        from ..rules import REGISTRY

        order = {rule: n for n, rule in enumerate(REGISTRY)}
        for rule, (severity, group, findings, reports) in sorted(self.rules.items(), key=lambda kv: order.get(kv[0], -1)):
            self.rules_sheet.append([rule, _group_label(group), self._cell(self.rules_sheet, _severity_label(severity), fill=severity), findings, reports])
            self.rows[RULES_SHEET] += 1
        for sheet, header in ((self.summary, SUMMARY_HEADER), (self.findings, FINDINGS_HEADER), (self.rules_sheet, RULES_HEADER), *self.extra):
            sheet.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(header))}{self.rows[sheet.title]}")
        self.workbook.save(path)

    def discard(self) -> None:
        """After an error or Ctrl-C: end the sheets' streams and remove their temporary files."""
        for sheet in (self.summary, self.findings, self.rules_sheet):
            try:
                if not sheet.closed:
                    sheet.close()  # ends the sheet's XML stream in its temporary file
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
            out = getattr(getattr(sheet, "_writer", None), "out", None)
            if isinstance(out, str) and os.path.exists(out):
                os.remove(out)

    def table_sheet(self, title: str, header: list[tuple[str, int]], rows, fills: list[str | None] | None = None, fill_column: int = 0) -> None:
        """A further sheet written at once (发布情况, 评分排名, 整改复核): ``header`` as
        [(label, width)], ``rows`` of plain values; ``fills``: a fill key (see ``_FILLS``) per row for
        the cell at ``fill_column``."""
        sheet = self._sheet(title, header)
        self.extra.append((sheet, header))
        count = 1
        for n, row in enumerate(rows):
            values = [self._text(sheet, v) for v in row]
            fill = fills[n] if fills else None
            if fill:
                values[fill_column] = self._cell(sheet, row[fill_column], fill=fill)
            sheet.append(values)
            count += 1
        self.rows[title] = count

    def _sheet(self, title: str, header: list[tuple[str, int]]):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for number, (_, width) in enumerate(header, 1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        cells = []
        for label, _ in header:
            cell = WriteOnlyCell(sheet, label)
            cell.font = self.bold
            cells.append(cell)
        sheet.append(cells)
        return sheet

    def _cell(self, sheet, value, fill: str | None = None, wrap: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_XLSX_MAX]
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        if fill:
            cell.fill = self.fills[fill]
        if wrap:
            cell.alignment = self.wrap
        return cell

    def _label(self, sheet, value: str, fill: str | None):
        """A label of a few values (严重程度, 审核结论, 审核意见) in its fill. A write-only sheet
        writes each appended cell at once, so one cell object serves every row: its style is
        looked up once, not once per row (openpyxl hashes the fill on every assignment)."""
        key = (sheet.title, value, fill)
        cell = self.labels.get(key)
        if cell is None:
            cell = self.labels[key] = self._cell(sheet, value, fill=fill)
        return cell

    def _text(self, sheet, value):
        """A plain value, or a cell when the text would otherwise be taken for a formula or is illegal."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, str) and (value.startswith("=") or len(value) > _XLSX_MAX or ILLEGAL_CHARACTERS_RE.search(value)):
            return self._cell(sheet, value)
        return value


def _template_label(template: str | None) -> str:
    return "未识别出表格" if template is None else f"{template}年格式"


def _severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def _group_label(group: str) -> str:
    return GROUP_LABELS.get(group, "无法读取" if group == "unreadable" else group)


def _cell_labels(finding: dict[str, Any]) -> str:
    labels = finding.get("cell_labels") or finding["cells"]
    shown = "；".join(labels[:_LABELS_SHOWN])
    return shown + (f"；等共{len(labels)}个单元格" if len(labels) > _LABELS_SHOWN else "")
