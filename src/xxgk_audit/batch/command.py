"""``xxgk-audit batch PATH... [--out-dir DIR] [--jobs N]``: run the batch, report on stderr, exit status."""

from __future__ import annotations

import sys

from ..exitcodes import EXIT_UNREADABLE
from ..shown import shown
from .discover import REPORT_SUFFIXES
from .outputs import FolderLocked
from .run import run_batch


def cmd_batch(args) -> int:
    if args.jobs < 1:
        print("xxgk-audit batch: 参数错误：--jobs 至少为 1", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        summary = run_batch(args.paths, args.out_dir, jobs=args.jobs, progress=True, debug=args.debug, store=getattr(args, "store", None))
    except FolderLocked as exc:
        who = f"（进程 {exc.pid}）" if exc.pid else ""
        print(f"xxgk-audit batch: 输出目录 {shown(exc.folder)} 正由另一个批量审核{who}使用：请等它结束，或用 --out-dir 换一个目录", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"xxgk-audit batch: 无法写入输出目录 {shown(args.out_dir)}（{shown(exc.strerror or exc)}）", file=sys.stderr)
        return EXIT_UNREADABLE
    if summary.store_error:
        print(summary.store_error, file=sys.stderr)
    for source, reason in summary.unreadable:
        print(f"{source}: {reason}", file=sys.stderr)
    for note in summary.notes:
        print(f"说明：{note}", file=sys.stderr)
    if summary.overview_error:
        print(f"{shown(summary.out_dir / 'overview.html')}: 未能生成总览备忘录（{summary.overview_error}）", file=sys.stderr)
    if summary.nothing_found:
        print(f"xxgk-audit batch: 在给定的文件和文件夹中没有找到报告（{' '.join(REPORT_SUFFIXES)}）", file=sys.stderr)
    counts = summary.counts
    print(
        f"完成：共 {summary.files} 个文件，已审核 {summary.audited} 份，无法读取 {len(summary.unreadable)} 个；"
        f"错误 {counts['error']} · 警告 {counts['warning']} · 提示 {counts['info']}；"
        f"跨年度配对 {len(summary.pairs)} 对；用时 {summary.elapsed:.1f} 秒",
        file=sys.stderr,
    )
    for path in summary.outputs.values():
        print(shown(path))
    return summary.exit_status
