"""Command line: ``xxgk-audit check | memo | batch`` (../shared/spec/interface.md).

Exit status: 0 no error finding; 1 at least one error finding; 2 a usage error or an input that
cannot be read at all (one line on stderr per such input; the other inputs are still audited).
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

    app = sub.add_parser(
        "app",
        help="以网页应用（Voilà）打开审核笔记本：只在本机、凭令牌访问",
        description="在 127.0.0.1 上启动审核应用（Voilà），打印带令牌的网址。应用只能打开项目 data/、reports/ 文件夹和 --allow 指定的文件夹中的报告；"
        "闲置的页面会关闭其内核，同时运行的内核数有上限（见 README“审核网页应用”）。",
    )
    app.add_argument("--port", type=int, default=8866, metavar="N", help="端口（默认 8866）")
    app.add_argument("--allow", action="append", metavar="DIR", help="另外允许打开其中报告的文件夹（可重复）")
    app.add_argument("--idle-timeout", type=int, default=1800, metavar="SECONDS", help="页面闲置多少秒后关闭其内核（默认 1800）")
    app.add_argument("--cull-interval", type=int, default=60, metavar="SECONDS", help="每隔多少秒检查一次闲置内核（默认 60）")
    app.add_argument("--max-kernels", type=int, default=4, metavar="N", help="最多同时运行的内核（打开的页面）数（默认 4）")
    app.set_defaults(func=_lazy("xxgk_audit.app", "cmd_app"))
    return parser


def _lazy(module: str, name: str):
    """The command function, imported only when that command runs (keeps ``check`` start-up light)."""

    def run(args) -> int:
        from importlib import import_module

        return getattr(import_module(module), name)(args)

    return run


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM as Ctrl-C: the same clean-up (pool cancelled, temporary files removed)


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
        sys.stderr.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    previous = _on_sigterm(_terminate)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    finally:
        _on_sigterm(previous)


def _on_sigterm(handler):
    """Install ``handler`` for SIGTERM (main thread only); the handler it replaces."""
    import signal
    import threading

    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


if __name__ == "__main__":
    sys.exit(main())
