"""Command line: ``xxgk-audit check | memo | batch`` (../shared/spec/interface.md).

Exit status: 0 no error finding; 1 at least one error finding; 2 a usage error or an input that
cannot be read at all (one line on stderr per such input; the other inputs are still audited).
This module imports no Jupyter, nbformat or pandas: ``check`` must start fast.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import traceback
from typing import Iterable, TextIO

from . import __version__
from .errors import InputError

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _fail_line(path: str, exc: BaseException, debug: bool) -> str:
    if isinstance(exc, InputError):
        return f"{path}: {exc.reason}"
    if debug:
        traceback.print_exc()
    return f"{path}: 内部错误，未能完成审核（{type(exc).__name__}: {exc}）；请用 --debug 运行并报告此问题"


def load_all(paths: Iterable[str], debug: bool = False, stderr: TextIO | None = None) -> tuple[list, list[tuple[str, str]]]:
    """Load every path; unreadable ones are reported on stderr and returned as (path, reason)."""
    from . import load_report

    stderr = stderr or sys.stderr
    reports, failures = [], []
    for path in paths:
        try:
            reports.append(load_report(path))
        except Exception as exc:  # noqa: BLE001 - the boundary: one line per bad input, never a traceback
            line = _fail_line(path, exc, debug)
            print(line, file=stderr)
            failures.append((path, line.split(": ", 1)[1]))
    return reports, failures


def pair_priors(report, priors: list) -> list:
    """Earlier reports of the same agency, most recent first, one per year (the first given wins).

    Agencies are compared by :func:`xxgk_audit.agency.same_agency`: width, traditional characters,
    OCR confusions, 人民政府/政府, short forms and an added administrative prefix
    (洪泽区人民政府 = 淮安市洪泽区人民政府) make no difference. The report itself is never its prior.
    """
    from .agency import same_agency

    if report.agency is None or report.year is None:
        return []
    by_year: dict[int, object] = {}
    for prior in priors:
        if prior.year is None or prior.year >= report.year or (report.sha256 and prior.sha256 == report.sha256):
            continue
        if prior.year not in by_year and same_agency(prior.agency, report.agency):
            by_year[prior.year] = prior
    return [by_year[year] for year in sorted(by_year, reverse=True)]


def _audit_all(args) -> tuple[list, list[tuple[str, str]]]:
    from .engine import audit

    reports, failures = load_all(args.paths, args.debug)
    priors, prior_failures = load_all(args.prior or [], args.debug)
    results = [audit(report, pair_priors(report, priors + reports)) for report in reports]
    return results, failures + prior_failures


# -- output ------------------------------------------------------------------------------------

def _template_label(report) -> str:
    if report.template is None:
        return "未识别出表格"
    return f"{report.template}年格式（{report.layout.document_number}）"


def render_text(results, failures) -> str:
    from .findings import SEVERITIES, SEVERITY_LABELS

    out = io.StringIO()
    for result in results:
        report = result.report
        counts = result.counts
        out.write(f"== {report.source}\n")
        tables = "、".join(f"{report.layout.tables[k].name}{ {'found': '已读取', 'missing': '缺失', 'inseparable': '数字连写无法读取'}[v]}" for k, v in report.tables.items())
        out.write(f"   {report.agency or '（未识别单位）'} · {report.year or '？'}年度 · {_template_label(report)} · 找到{len(report.sections)}/6个部分 · {tables}\n")
        verdict = "有错误，需要更正" if counts["error"] else ("有警告，建议核实" if counts["warning"] else "未发现问题")
        out.write(f"   结论：{verdict}（错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}）\n")
        for severity in SEVERITIES:
            group = [f for f in result.findings if f.severity == severity]
            if not group:
                continue
            out.write(f"\n  {SEVERITY_LABELS[severity]}（{len(group)}）\n")
            for finding in group:
                out.write(f"  [{finding.rule}] {finding.message}\n")
                shown = finding.locations[:6]
                for location in shown:
                    label = "".join(f"“{x}”" for x in (location.row_label, location.column_label) if x)
                    text = f"原文“{location.text}”" if location.text is not None else ""
                    out.write(f"      {location.where} {label} {text}".rstrip() + "\n")
                if len(finding.locations) > len(shown):
                    out.write(f"      ……共{len(finding.locations)}处\n")
        out.write("\n")
    for path, reason in failures:
        out.write(f"== {path}\n   无法读取：{reason}\n\n")
    return out.getvalue()


def render_json(results, failures) -> str:
    from .engine import tool_info

    data = {
        "tool": tool_info(),
        "reports": [r.to_dict() for r in results],
        "unreadable": [{"source": path, "reason": reason} for path, reason in failures],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["source", "agency", "year", "template", "rule", "severity", "message", "cells", "expected", "actual", "difference", "locations", "fingerprint"]


def render_csv(results, failures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in results:
        report = result.report
        for finding in result.findings:
            places = "; ".join(f"{l.cell or ''}@{l.where}:{l.text if l.text is not None else ''}" for l in finding.locations)
            writer.writerow([report.source, report.agency, report.year, report.template, finding.rule, finding.severity, finding.message, " ".join(finding.cells), finding.expected, finding.actual, finding.difference, places, finding.fingerprint])
    for path, reason in failures:
        writer.writerow([path, None, None, None, "UNREADABLE", "error", reason, "", None, None, None, "", ""])
    return out.getvalue()


def _emit(text: str, output: str | None, bom: bool = False) -> None:
    if output:
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def cmd_check(args) -> int:
    results, failures = _audit_all(args)
    render = {"text": render_text, "json": render_json, "csv": render_csv}[args.format]
    _emit(render(results, failures), args.output, bom=args.format == "csv")
    if failures:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if any(r.has_errors for r in results) else EXIT_OK


# -- parser --------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: one line, exit 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_UNREADABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xxgk-audit", description="政府信息公开工作年度报告审核工具")
    parser.add_argument("--version", action="version", version=f"xxgk-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="审核报告：完整性与表格勾稽，输出发现的问题")
    check.add_argument("paths", nargs="+", metavar="PATH", help="报告文件（txt、md、html、pdf、docx）")
    check.add_argument("--prior", nargs="+", metavar="PATH", help="同一单位以往年度的报告，用于跨年度核对")
    check.add_argument("--format", choices=("text", "json", "csv"), default="text", help="输出格式（默认 text）")
    check.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是标准输出")
    check.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    check.set_defaults(func=cmd_check)

    memo = sub.add_parser("memo", help="在 Jupyter 内核中运行审核笔记本，导出 HTML 审核备忘录")
    memo.add_argument("paths", nargs="+", metavar="PATH", help="报告文件")
    memo.add_argument("--prior", nargs="+", metavar="PATH", help="同一单位以往年度的报告")
    memo.add_argument("--auditor", default="", metavar="NAME", help="审核人姓名（写入备忘录签名栏）")
    memo.add_argument("--out-dir", default="reports", metavar="DIR", help="备忘录输出目录（默认 reports/）")
    memo.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    memo.set_defaults(func=_lazy("xxgk_audit.memo", "cmd_memo"))

    batch = sub.add_parser(
        "batch",
        help="批量审核文件夹中的全部报告，输出汇总表和总览备忘录",
        description="批量审核：逐一审核给定文件和文件夹（含子文件夹）中的全部报告，自动配对同一单位上一年度的报告做跨年度核对，"
        "在输出目录写出 findings.csv、findings.xlsx、reports.csv、batch.json 和总览备忘录 overview.html。"
        "文件夹中的 hierarchy.yaml 或 hierarchy.csv 声明汇总报告与其下属报告（见 README“批量审核”）。",
        epilog="退出状态：0 未发现“错误”级问题；1 至少一个“错误”级问题；2 有文件无法读取（该文件在结果中为一行 UNREADABLE，"
        "其余文件照常审核）、层级声明有误、总览无法生成、没有找到任何报告或参数错误。",
    )
    batch.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或文件夹")
    batch.add_argument("--out-dir", default="reports", metavar="DIR", help="输出目录（默认 reports/）")
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help="并行审核的进程数（默认 1：在本进程中审核）")
    batch.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    batch.set_defaults(func=_lazy("xxgk_audit.batch", "cmd_batch"))
    return parser


def _lazy(module: str, name: str):
    """The command function, imported only when that command runs (keeps ``check`` start-up light)."""

    def run(args) -> int:
        from importlib import import_module

        return getattr(import_module(module), name)(args)

    return run


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
        sys.stderr.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
