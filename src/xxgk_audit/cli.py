"""Command line: ``xxgk-audit check | memo | review | batch | followup | notice`` (../shared/spec/interface.md).

Exit status: 0 no error finding (an error the auditor marked 不是问题 does not count); 1 at least
one error finding not dismissed; 2 a usage error, an input or a review store that cannot be read
at all (one line on stderr per such input; the other inputs are still audited).
This module imports no Jupyter, nbformat or pandas: ``check`` must start fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE


def _audit_all(args) -> tuple[list, list[tuple[str, str]]]:
    from .engine import audit
    from .loading import load_all, pair_priors

    reports, failures = load_all(args.paths, args.debug)
    priors, prior_failures = load_all(args.prior or [], args.debug)
    results = [audit(report, pair_priors(report, priors + reports)) for report in reports]
    return results, failures + prior_failures


def _emit(text: str, output: str | None, bom: bool = False) -> None:
    if output:
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def cmd_check(args) -> int:
    from .output import render_csv, render_json, render_text
    from .review import read_reviews

    results, failures = _audit_all(args)
    reviews, store_failure = read_reviews(results, args.store)
    if store_failure:
        print(store_failure, file=sys.stderr)
    render = {"text": render_text, "json": render_json, "csv": render_csv}[args.format]
    _emit(render(results, failures, reviews), args.output, bom=args.format == "csv")
    if failures or store_failure:
        return EXIT_UNREADABLE
    open_errors = [r.open_errors() if r is not None else int(result.has_errors) for result, r in zip(results, reviews)]
    return EXIT_ERRORS if any(open_errors) else EXIT_OK


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
    check.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite；只读，不存在时不创建）")
    check.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    check.set_defaults(func=cmd_check)

    memo = sub.add_parser("memo", help="在 Jupyter 内核中运行审核笔记本，导出 HTML 审核备忘录")
    memo.add_argument("paths", nargs="+", metavar="PATH", help="报告文件")
    memo.add_argument("--prior", nargs="+", metavar="PATH", help="同一单位以往年度的报告")
    memo.add_argument("--auditor", default="", metavar="NAME", help="审核人姓名（写入备忘录签名栏）")
    memo.add_argument("--out-dir", default="reports", metavar="DIR", help="备忘录输出目录（默认 reports/）")
    memo.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite）")
    memo.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    memo.set_defaults(func=_lazy("xxgk_audit.memo", "cmd_memo"))

    review = sub.add_parser(
        "review",
        help="查看或填写一份报告的审核意见（确认问题 / 不是问题 / 待定）",
        description="列出报告发现的问题及其审核意见；用 --set 或 --rule 修改审核意见。审核意见按报告身份（单位、年度、格式）保存在审核意见数据库中，与文件名无关。",
        epilog="VERDICT：确认问题、不是问题、待定（或 confirmed、dismissed、pending）。退出状态：0 没有未排除的“错误”；1 至少一个“错误”未标为“不是问题”；2 参数错误、报告或审核意见数据库无法读取。",
    )
    review.add_argument("paths", nargs=1, metavar="PATH", help="报告文件")
    review.add_argument("--prior", nargs="+", metavar="PATH", help="同一单位以往年度的报告，用于跨年度核对")
    review.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite）")
    review.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    change = review.add_mutually_exclusive_group()
    change.add_argument("--set", nargs=2, metavar=("FINGERPRINT", "VERDICT"), help="修改一项问题的审核意见")
    change.add_argument("--rule", nargs=2, metavar=("RULE_ID", "VERDICT"), help="修改该报告中某条规则的全部问题的审核意见")
    review.add_argument("--comment", metavar="TEXT", help="审核说明（与 --set 或 --rule 一起使用）")
    review.add_argument("--auditor", default="", metavar="NAME", help="审核人姓名（记入修改历史）")
    review.add_argument("--history", action="store_true", help="列出该报告审核意见的全部修改历史")
    review.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    review.set_defaults(func=_lazy("xxgk_audit.reviewing", "cmd_review"))

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
    batch.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite；只读）")
    batch.add_argument("--roster", metavar="FILE", help="名单（CSV 或 XLSX，列：单位、类型，可选 网址、期限）：列出已发布、未发布、逾期、日期不明的单位")
    batch.add_argument("--dates", metavar="FILE", help="采集记录（CSV：文件、网址、首次发现日期）：发布日期以首次发现日期为准")
    batch.add_argument("--sheet", metavar="FILE", help="考评细则（YAML）：按细则为各单位评分；默认不评分（示例见 xxgk_audit/sheets/）")
    batch.add_argument("--year", type=int, metavar="YEAR", help="名单与评分针对的报告年度（默认：本批报告中最新的年度）")
    batch.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    batch.set_defaults(func=_lazy("xxgk_audit.batch", "cmd_batch"))

    followup = sub.add_parser(
        "followup",
        help="整改复核：比较已审核的报告与更正后的新版本，记录销号，生成复核备忘录",
        description="整改复核：原报告中经审核确认的问题和尚未审核的问题，在新版本中是已整改、未整改还是有变化，并列出新版本新出现的问题；"
        "复核结果（含销号）记入审核意见数据库，复核备忘录写入输出目录。",
        epilog="退出状态：0 原有问题均已整改且没有新的“错误”级问题；1 尚有未整改、有变化的问题或新的错误；2 参数错误、报告或审核意见数据库无法读取。",
    )
    followup.add_argument("old", metavar="OLD", help="原报告（已审核的版本）")
    followup.add_argument("new", metavar="NEW", help="新报告（更正后重新发布的版本）")
    followup.add_argument("--prior", nargs="+", metavar="PATH", help="同一单位以往年度的报告，用于跨年度核对")
    followup.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    followup.add_argument("--out-dir", default="reports", metavar="DIR", help="复核备忘录输出目录（默认 reports/）")
    followup.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite）")
    followup.add_argument("--auditor", default="", metavar="NAME", help="复核人姓名（记入复核记录和备忘录签名栏）")
    followup.add_argument("--dry-run", action="store_true", help="只比较，不记入审核意见数据库")
    followup.add_argument("--no-memo", action="store_true", help="不生成复核备忘录")
    followup.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    followup.set_defaults(func=_lazy("xxgk_audit.followup", "cmd_followup"))

    notice = sub.add_parser(
        "notice",
        help="根据已审核的批量结果生成通报（只列确认的问题）",
        description="读取 xxgk-audit batch 的输出文件夹和审核意见数据库，生成通报：按单位列出经审核确认的问题、各规则的问题数和各单位按确认错误数的排名。输出一个自包含的 HTML 文件。",
        epilog="退出状态：0 已生成；2 文件夹中没有批量审核结果、审核意见数据库无法读取或通报无法生成。",
    )
    notice.add_argument("batch_dir", metavar="BATCH_DIR", help="xxgk-audit batch 的输出文件夹")
    notice.add_argument("--out", metavar="FILE", help="通报文件（默认 BATCH_DIR/notice.html）")
    notice.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE，其次为批量审核时使用的数据库）")
    notice.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    notice.set_defaults(func=_lazy("xxgk_audit.notice", "cmd_notice"))
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
