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
    from ..errors import InputError

    try:
        summary = run_batch(
            args.paths, args.out_dir, jobs=args.jobs, progress=True, debug=args.debug, store=getattr(args, "store", None),
            roster=getattr(args, "roster", None), dates=getattr(args, "dates", None), sheet=getattr(args, "sheet", None), year=getattr(args, "year", None),
        )
    except InputError as exc:  # a roster, record or sheet that cannot be used: nothing was written
        print(f"{shown(exc.path)}: {shown(exc.reason)}", file=sys.stderr)
        return EXIT_UNREADABLE
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
    if summary.cells_error:
        print(f"{shown(summary.out_dir / 'cells.parquet')}: 未能写出单元格数据集（{shown(summary.cells_error)}）", file=sys.stderr)
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
    year = summary.year
    if year is not None and year.roster:
        from ..roster import STATUS_LABELS

        print(f"{year.year} 年度名单：" + "；".join(f"{STATUS_LABELS[s]} {n}" for s, n in year.roster.items()), file=sys.stderr)
    if year is not None and year.scored:
        print(f"已按考评细则为 {year.scored} 个单位评分（scores.csv）", file=sys.stderr)
    if year is not None and year.followups:
        print(f"同一单位同一年度有多个版本：整改复核 {year.followups} 项（followup.csv）", file=sys.stderr)
    for path in summary.outputs.values():
        print(shown(path))
    return summary.exit_status
