"""Command line: ``xxgk-audit check | memo | review | batch | followup | notice | lab | app`` (../shared/spec/interface.md).

Exit status: 0 no error finding (an error the auditor marked 不是问题 does not count); 1 at least
one error finding not dismissed; 2 a usage error, an input or a review store that cannot be read
at all (one line on stderr per such input; the other inputs are still audited).
This module imports no Jupyter, nbformat or pandas: ``check`` must start fast.

Everything the command line says is Chinese, argparse's own words included: help and usage come
from :class:`_Formatter` and the parser's section titles; argparse's messages (missing or unknown
arguments, invalid choices …) are translated by message id while a parser runs (:data:`ARGPARSE_ZH`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys

from . import __version__
from .exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE

EXIT_STATUS = (
    "退出状态：0 未发现“错误”级问题（审核人标为“不是问题”的不计）；1 至少有一个“错误”级问题未被排除；"
    "2 参数错误、有文件或审核意见数据库无法读取（每个这样的文件在标准错误输出中有一行说明，其余文件照常审核）。"
)
STORE_HELP = "审核意见数据库（默认 $XXGK_AUDIT_STORE 或 reports/reviews.sqlite）"


def _audit_all(args) -> tuple[list, list[tuple[str, str]], int]:
    from .engine import audit
    from .loading import load_all, pair_priors

    reports, failures = load_all(args.paths, args.debug)
    unreadable = len(failures)
    priors, prior_failures = load_all(args.prior, args.debug)
    results = [audit(report, pair_priors(report, priors + reports)) for report in reports]
    return results, failures + prior_failures, unreadable


def _emit(text: str, output: str | None, bom: bool = False) -> None:
    if output:
        with open(output, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def cmd_check(args) -> int:
    from .output import render_csv, render_json, render_text, summary_line
    from .review import read_reviews

    results, failures, unreadable = _audit_all(args)
    reviews, store_failure = read_reviews(results, args.store)
    if store_failure:
        print(store_failure, file=sys.stderr)
    render = {"text": render_text, "json": render_json, "csv": render_csv}[args.format]
    _emit(render(results, failures, reviews), args.output, bom=args.format == "csv")
    open_errors = [r.open_errors() if r is not None else int(result.has_errors) for result, r in zip(results, reviews)]
    if len(args.paths) > 1:
        sys.stdout.flush()
        print(summary_line(results, unreadable, open_errors=open_errors), file=sys.stderr)
    if failures or store_failure:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if any(open_errors) else EXIT_OK


# -- parser --------------------------------------------------------------------------------------

# argparse's messages by message id (Python 3.11–3.13), in Chinese
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "至多一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "ignored explicit argument %r": "此选项不接受值：%r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须给出参数 %s 之一",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
}


_HEADING = re.compile(r"^( *)([^\s:][^:\n]*[\u4e00-\u9fff]):$", re.M)


def _gettext(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextlib.contextmanager
def _chinese():
    """argparse's messages in Chinese while a parser of ours runs (restored afterwards)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help as written (descriptions and examples keep their lines), ``用法：`` before the usage."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def format_help(self):  # section headings with a Chinese colon: 选项：
        return _HEADING.sub(lambda m: f"{m.group(1)}{m.group(2)}：", super().format_help())


class _Parser(argparse.ArgumentParser):
    """A parser that speaks Chinese; a subcommand reports its own usage for a wrong flag."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        with _chinese():
            super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def parse_known_args(self, args=None, namespace=None):
        with _chinese():
            parsed, extras = super().parse_known_args(args, namespace)
            if extras and getattr(self, "_is_subcommand", False):
                self.error(_gettext("unrecognized arguments: %s") % " ".join(extras))
            return parsed, extras

    def parse_args(self, args=None, namespace=None):
        with _chinese():
            return super().parse_args(args, namespace)

    def format_help(self):
        with _chinese():
            return super().format_help()

    def format_usage(self):
        with _chinese():
            return super().format_usage()

    def error(self, message: str) -> None:  # usage errors: this (sub)command's usage, one line, exit 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}：参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_UNREADABLE)


def _subcommand(sub, name: str, *, summary: str, description: str, example: str, exit_status: str = EXIT_STATUS) -> _Parser:
    parser = sub.add_parser(name, help=summary, description=description, epilog=f"示例：\n{example}\n\n{exit_status}")
    parser._is_subcommand = True
    return parser


def _prior(parser) -> None:
    parser.add_argument(
        "--prior",
        action="append",
        default=[],
        metavar="PATH",
        help="同一单位以往年度的报告，用于跨年度核对；每个 --prior 给一个文件，可重复使用",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xxgk-audit",
        description="政府信息公开工作年度报告审核工具：检查六个部分、三张表格及其勾稽关系，写出审核备忘录。",
        epilog="子命令的说明：xxgk-audit 子命令 --help，例如 xxgk-audit check --help\n\n" + EXIT_STATUS,
    )
    parser.add_argument("--version", action="version", version=f"xxgk-audit {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, title="子命令", metavar="子命令", help="下列之一")

    check = _subcommand(
        sub,
        "check",
        summary="审核报告：完整性与表格勾稽，输出发现的问题",
        description="审核一份或多份报告（网页 HTML、PDF、Word DOCX、文本、Markdown；UTF-8、GBK 或 Big5），"
        "输出每份报告发现的问题：规则、级别、说明、涉及的单元格及其在原文中的位置。\n"
        "审核多份报告时，最后在标准错误输出中给出一行汇总。",
        example="  xxgk-audit check 2024_单位.pdf\n"
        "  xxgk-audit check --prior 2023_单位.pdf 2024_单位.pdf      审核 2024 年报告，以 2023 年报告做跨年度核对\n"
        "  xxgk-audit check 报告/*.html --format csv -o 问题清单.csv",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="报告文件（txt、md、html、pdf、docx）")
    _prior(check)
    check.add_argument("--format", choices=("text", "json", "csv"), default="text", help="输出格式：text 文字（默认）、json、csv")
    check.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是标准输出")
    check.add_argument("--store", metavar="FILE", help=STORE_HELP + "；只读，不存在时不创建")
    check.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    check.set_defaults(func=cmd_check)

    memo = _subcommand(
        sub,
        "memo",
        summary="生成审核备忘录（HTML，可同时生成 PDF）",
        description="为每份报告生成审核备忘录：报告信息、审核结论、完整性、表格勾稽、按规定格式排列的三张表格、"
        "发现的问题及审核意见、签名栏。写入 DIR/<报告文件名>.html 并输出其路径；--pdf 同时写出 A4 PDF"
        "（需要 Chromium 浏览器和中文字体）。\n审核多份报告时，最后在标准错误输出中给出一行汇总。",
        example="  xxgk-audit memo 2024_单位.pdf --auditor 王审核\n"
        "  xxgk-audit memo --prior 2023_单位.pdf 2024_单位.pdf --pdf --out-dir 备忘录\n"
        "  xxgk-audit memo 报告/*.pdf --appendix        在签名栏后附上全部单元格及其出处",
    )
    memo.add_argument("paths", nargs="+", metavar="PATH", help="报告文件")
    _prior(memo)
    memo.add_argument("--auditor", default="", metavar="NAME", help="审核人姓名（写入备忘录签名栏）")
    memo.add_argument("--out-dir", default="reports", metavar="DIR", help="备忘录输出文件夹（默认 reports/）")
    memo.add_argument("--pdf", action="store_true", help="同时写出 PDF（A4，嵌入中文字体；用系统的 Chromium 打印）")
    memo.add_argument("--appendix", action="store_true", help="在签名栏之后附上全部单元格及其出处（表、行、列、位置、原文）")
    memo.add_argument("--store", metavar="FILE", help=STORE_HELP)
    memo.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    memo.set_defaults(func=_lazy("xxgk_audit.memo", "cmd_memo"))

    review = _subcommand(
        sub,
        "review",
        summary="查看或填写一份报告的审核意见（确认问题 / 不是问题 / 待定）",
        description="列出报告发现的问题及其审核意见；用 --set 或 --rule 修改审核意见，--history 列出修改历史。\n"
        "审核意见按报告身份（单位、年度、格式）保存在审核意见数据库中，与文件名无关。\n"
        "VERDICT：确认问题、不是问题、待定（或 confirmed、dismissed、pending）。",
        example="  xxgk-audit review 2024_单位.pdf\n"
        "  xxgk-audit review 2024_单位.pdf --set 3f2a9c41 不是问题 --comment 已核实 --auditor 王审核\n"
        "  xxgk-audit review 2024_单位.pdf --rule LABEL-VARIANT dismissed --auditor 王审核\n"
        "  xxgk-audit review 2024_单位.pdf --history --format json",
        exit_status="退出状态：0 没有未排除的“错误”；1 至少一个“错误”未标为“不是问题”；2 参数错误、报告或审核意见数据库无法读取。",
    )
    review.add_argument("paths", nargs=1, metavar="PATH", help="报告文件")
    _prior(review)
    review.add_argument("--store", metavar="FILE", help=STORE_HELP)
    review.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text 文字（默认）、json")
    change = review.add_mutually_exclusive_group()
    change.add_argument("--set", nargs=2, metavar=("FINGERPRINT", "VERDICT"), help="修改一项问题的审核意见")
    change.add_argument("--rule", nargs=2, metavar=("RULE_ID", "VERDICT"), help="修改该报告中某条规则的全部问题的审核意见")
    review.add_argument("--comment", metavar="TEXT", help="审核说明（与 --set 或 --rule 一起使用）")
    review.add_argument("--auditor", default="", metavar="NAME", help="审核人姓名（记入修改历史）")
    review.add_argument("--history", action="store_true", help="列出该报告审核意见的全部修改历史")
    review.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    review.set_defaults(func=_lazy("xxgk_audit.reviewing", "cmd_review"))

    batch = _subcommand(
        sub,
        "batch",
        summary="批量审核文件夹中的全部报告，输出汇总表和总览备忘录",
        description="批量审核：逐一审核给定文件和文件夹（含子文件夹）中的全部报告，自动配对同一单位上一年度的报告做跨年度核对，"
        "在输出文件夹写出 findings.csv、findings.xlsx、reports.csv、batch.json 和总览备忘录 overview.html。\n"
        "文件夹中的 hierarchy.yaml 或 hierarchy.csv 声明汇总报告与其下属报告（见 README“批量审核”）。",
        example="  xxgk-audit batch 2024年报/ --out-dir 审核结果 --jobs 2",
        exit_status="退出状态：0 未发现“错误”级问题；1 至少一个“错误”级问题；2 有文件无法读取（该文件在结果中为一行 UNREADABLE，"
        "其余文件照常审核）、层级声明有误、总览无法生成、没有找到任何报告或参数错误。",
    )
    batch.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或文件夹")
    batch.add_argument("--out-dir", default="reports", metavar="DIR", help="输出文件夹（默认 reports/）")
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help="并行审核的进程数（默认 1：在本进程中审核）")
    batch.add_argument("--store", metavar="FILE", help=STORE_HELP + "；只读")
    batch.add_argument("--roster", metavar="FILE", help="名单（CSV 或 XLSX，列：单位、类型，可选 网址、期限）：列出已发布、未发布、逾期、日期不明的单位")
    batch.add_argument("--dates", metavar="FILE", help="采集记录（CSV 或 XLSX：文件、网址、首次发现日期）：发布日期以首次发现日期为准")
    batch.add_argument("--sheet", metavar="FILE", help="考评细则（YAML）：按细则为各单位评分；默认不评分（示例：--sheet example-annual-report）")
    batch.add_argument("--year", type=int, metavar="YEAR", help="名单与评分针对的报告年度（默认：本批报告中最新的年度）")
    batch.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    batch.set_defaults(func=_lazy("xxgk_audit.batch", "cmd_batch"))

    followup = _subcommand(
        sub,
        "followup",
        summary="整改复核：比较已审核的报告与更正后的新版本，记录销号，生成复核备忘录",
        description="整改复核：原报告中经审核确认的问题和尚未审核的问题，在新版本中是已整改、未整改还是有变化，并列出新版本新出现的问题；"
        "复核结果（含销号）记入审核意见数据库，复核备忘录写入输出目录。",
        example="  xxgk-audit followup 原报告.pdf 更正后.pdf --auditor 张三",
        exit_status="退出状态：0 原有问题均已整改且没有新的“错误”级问题；1 尚有未整改、有变化的问题或新的错误；2 参数错误、报告或审核意见数据库无法读取。",
    )
    followup.add_argument("old", metavar="OLD", help="原报告（已审核的版本）")
    followup.add_argument("new", metavar="NEW", help="新报告（更正后重新发布的版本）")
    _prior(followup)
    followup.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    followup.add_argument("--out-dir", default="reports", metavar="DIR", help="复核备忘录输出目录（默认 reports/）")
    followup.add_argument("--store", metavar="FILE", help=STORE_HELP)
    followup.add_argument("--auditor", default="", metavar="NAME", help="复核人姓名（记入复核记录和备忘录签名栏）")
    followup.add_argument("--dry-run", action="store_true", help="只比较，不记入审核意见数据库")
    followup.add_argument("--no-memo", action="store_true", help="不生成复核备忘录")
    followup.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    followup.set_defaults(func=_lazy("xxgk_audit.followup", "cmd_followup"))

    notice = _subcommand(
        sub,
        "notice",
        summary="根据已审核的批量结果生成通报（只列确认的问题）",
        description="读取 xxgk-audit batch 的输出文件夹和审核意见数据库，生成通报：按单位列出经审核确认的问题、"
        "各规则的问题数和各单位按确认错误数的排名。输出一个自包含的 HTML 文件。",
        example="  xxgk-audit notice 审核结果\n  xxgk-audit notice 审核结果 --out 通报.html",
        exit_status="退出状态：0 已生成；2 文件夹中没有批量审核结果、审核意见数据库无法读取或通报无法生成。",
    )
    notice.add_argument("batch_dir", metavar="BATCH_DIR", help="xxgk-audit batch 的输出文件夹")
    notice.add_argument("--out", metavar="FILE", help="通报文件（默认 BATCH_DIR/notice.html）")
    notice.add_argument("--store", metavar="FILE", help="审核意见数据库（默认 $XXGK_AUDIT_STORE，其次为批量审核时使用的数据库）")
    notice.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    notice.set_defaults(func=_lazy("xxgk_audit.notice", "cmd_notice"))

    lab = _subcommand(
        sub,
        "lab",
        summary="在 JupyterLab 中打开审核笔记本的工作副本（不改动软件包中的笔记本）",
        description="把审核笔记本复制到 DIR（默认 reports/notebooks/，不纳入版本管理）并在 JupyterLab 中打开；"
        "已有的工作副本保持不变（其中的输出和修改都保留）。需要 JupyterLab：pip install 'xxgk-audit[notebook]'。",
        example="  xxgk-audit lab\n  xxgk-audit lab --notebook batch_overview --no-browser",
        exit_status="退出状态：JupyterLab 的退出状态；2 参数错误或未安装 JupyterLab。",
    )
    lab.add_argument("--notebook", choices=("audit_report", "batch_overview"), default="audit_report", help="打开哪个笔记本（默认 audit_report 审核笔记本）")
    lab.add_argument("--dir", default=None, metavar="DIR", help="工作副本所在文件夹（默认 reports/notebooks/）")
    lab.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    lab.add_argument("--fresh", action="store_true", help="用软件包中的笔记本覆盖已有的工作副本")
    lab.set_defaults(func=_lazy("xxgk_audit.lab", "cmd_lab"))

    app = _subcommand(
        sub,
        "app",
        summary="以网页应用（Voilà）打开审核笔记本：只在本机、凭令牌访问",
        description="在 127.0.0.1 上启动审核应用（Voilà），打印带令牌的网址。应用只能打开项目 data/、reports/ 文件夹和 --allow 指定的文件夹中的报告；"
        "闲置的页面会关闭其内核，同时运行的内核数有上限（见 README“审核网页应用”）。",
        example="  xxgk-audit app\n  xxgk-audit app --port 9000 --allow 待审核报告/",
        exit_status="退出状态：应用停止时为 0；2 参数错误、端口被占用或未安装 Voilà。",
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
