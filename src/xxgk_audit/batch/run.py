"""The batch: scan, plan, audit and write, with progress bars; the outputs are complete or absent.

Tasks run on a :class:`~.executors.Runner`. A task whose worker fails is retried one file at a
time, so a file that brings its worker down costs only itself. Everything is written into a
private staging folder inside the output folder, under a lock (:mod:`.outputs`); the outputs are
moved into place together when the run is complete. After an error, Ctrl-C or SIGTERM the pool is
cancelled and the staging folder (with the spool) is removed: the previous outputs stand.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..shown import shown
from . import spool
from .discover import find_inputs
from .cells import CellsSpool, Conversion
from .cells import discard as discard_cells
from .cells import publish as publish_cells
from .executors import Runner, _InlineExecutor, parallelism
from .hierarchy import declared_members
from .outputs import OutputFolder
from .overview_memo import export_overview
from .plan import Plan, context_task, plan_batch
from .records import ScanRecord, WorkItem
from .summary import BatchSummary, write_batch_json
from .verdicts import BatchVerdicts
from .worker import audit_chunk, failed_result, scan_chunk
from .writers import Writers
from .yearly import YearOptions, YearWork


def run_batch(
    paths: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike = "reports",
    executor=None,
    jobs: int = 1,
    progress: bool = True,
    *,
    overview: bool = True,
    chunk_size: int | None = None,
    debug: bool = False,
    store=None,
    roster=None,
    dates=None,
    sheet=None,
    year: int | None = None,
) -> BatchSummary:
    """Audit every report under ``paths`` and write the batch outputs into ``out_dir``.

    ``executor``: any object with ``submit(fn, *args)`` returning a future (``concurrent.futures``
    executors, ``dask.distributed.Client`` or ``client.get_executor()``); the caller owns it. Without
    one, ``jobs=1`` runs in this process and ``jobs>1`` in a process pool of that size. With
    ``progress`` a bar is shown (tqdm on a terminal, a widget in a notebook). ``overview=False``
    skips overview.html. ``store``: the review store whose verdicts the outputs carry (a path or
    an open store; default ``$XXGK_AUDIT_STORE``, else ``reports/reviews.sqlite``), read only and
    never created. Returns a :class:`BatchSummary`; files that cannot be read are rows of the
    outputs and ``summary.unreadable``, never exceptions. Raises :class:`~.outputs.FolderLocked`
    when another batch is writing into ``out_dir``.

    ``roster`` (a roster file or :class:`~xxgk_audit.roster.Roster`), ``dates`` (a crawler's record
    or :class:`~xxgk_audit.publication.DateSidecar`), ``sheet`` (a scoring sheet file, the name of
    a packaged sheet, or :class:`~xxgk_audit.scoring.Sheet`) and ``year`` (the year under review;
    default the newest) add publication.csv, scores.csv and scorecards.csv (:mod:`.yearly`). They
    are read before anything else: one that cannot be used raises
    :class:`~xxgk_audit.errors.InputError` (one line) and nothing is written.
    """
    started = time.perf_counter()
    options = year_options(roster, dates, sheet, year)
    out = Path(out_dir)
    summary = BatchSummary(out_dir=out)
    verdicts = _verdicts(store, summary)
    with OutputFolder(out) as folder:
        stage = folder.stage
        inputs = find_inputs(paths, out)
        summary.files = len(inputs.files)
        runner = Runner(executor, jobs)
        writers: Writers | None = None
        cells: CellsSpool | None = None
        conversion: Conversion | None = None
        year_work = YearWork(stage, options)
        made: list[str] = []
        finished = False
        try:
            spool_dir = spool.folder(str(stage))
            # 1. scan
            indexed = list(enumerate(inputs.files))
            size = chunk_size or _chunk_size(len(indexed), parallelism(runner.executor, jobs))
            records = _scan(runner, indexed, size, spool_dir, progress, debug)

            # 2. plan: hierarchy declarations and pairs
            known = {os.path.realpath(r.path): r.index for r in records}
            declared, problems, notes = declared_members(inputs.declarations, known, {r.path: r.index for r in records})
            plan = plan_batch(records, declared, size)
            summary.notes += notes + plan.notes
            summary.pairs = [(shown(records[r].path), shown(records[p].path)) for r, p in sorted(plan.prior_of.items())]
            summary.hierarchy = {shown(records[s].path): [shown(records[m].path) for m in ms] for s, ms in sorted(plan.members_of.items())}
            hints = year_work.prepare(records)
            if hints:
                plan.tasks = [[replace(item, publication=hints[item.index]) if item.index in hints else item for item in task] for task in plan.tasks]

            # 3. audit and 4. write, in task order
            writers = Writers(stage, plan.series, verdicts)
            cells = CellsSpool(spool_dir)
            failures: list[tuple[str, str]] = [(shown(s), shown(r)) for s, r in list(inputs.missing) + problems]
            failures += [(shown(r.path), r.error) for r in records if r.error is not None]
            _audit(runner, plan, records, summary, failures, (writers, cells, year_work), progress, debug)
            cells_spool = cells.close()
            cells = None
            runner.close()  # the workers' work is done: their memory is given back before the outputs are finished
            if progress:
                print("正在写出 cells.parquet、cells.csv 和汇总表 …", file=sys.stderr, flush=True)
            conversion = Conversion(cells_spool, stage, inline=isinstance(runner.executor, _InlineExecutor))  # beside the rest
            for source, reason in failures:
                writers.unreadable(source, reason)
            summary.unreadable = failures
            summary.open_errors = writers.open_errors
            summary.year = year_work.finish(writers.workbook)
            summary.notes += summary.year.notes
            made = writers.close()
            writers = None
            try:
                summary.cells = conversion.result()
                made += [path.name for path in publish_cells(stage)]
            except Exception as exc:  # noqa: BLE001 - the other outputs stand; reported, exit status 2
                discard_cells(stage)
                summary.cells_error = shown(f"{type(exc).__name__}: {str(exc).strip()[-300:]}")
            made += [path.name for path in summary.year.outputs.values()]
            summary.year.outputs = {key: out / path.name for key, path in summary.year.outputs.items()}  # where they are installed
            finished = True
        finally:
            runner.close(cancel=not finished)
            if writers is not None:
                writers.abort()
            if cells is not None:
                cells.abort()
            if conversion is not None and not finished:
                conversion.stop()
        _remove_tree(spool_dir)

        summary.elapsed = time.perf_counter() - started
        write_batch_json(stage, summary, runner.executor, jobs, out)
        made.append("batch.json")
        if overview:
            del records, plan, inputs, year_work, writers, cells, conversion
            _give_back_memory()  # the overview's kernel runs beside this process
            if _overview(summary, stage, progress, debug):
                made.append("overview.html")
            summary.elapsed = time.perf_counter() - started
            write_batch_json(stage, summary, runner.executor, jobs, out)
        installed = folder.install(made)
    summary.outputs.update(
        {key: installed[name] for key, name in (("findings_csv", "findings.csv"), ("findings_xlsx", "findings.xlsx"), ("reports_csv", "reports.csv"), ("batch", "batch.json"), ("overview", "overview.html"), ("cells_parquet", "cells.parquet"), ("cells_csv", "cells.csv")) if name in installed}
    )
    if summary.year is not None:
        summary.outputs.update({key: path for key, path in summary.year.outputs.items() if path.name in installed})
    return summary


def _give_back_memory() -> None:
    """Free what the audit pass left and hand it back to the system (glibc), so that this process
    is small while the overview's Jupyter kernel runs beside it."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by this process
        pass


def _verdicts(store, summary: BatchSummary) -> BatchVerdicts:
    """The review store, read-only; an unreadable one is reported (exit status 2), the batch goes on."""
    from ..review import ReviewStore, StoreError, store_path

    if isinstance(store, ReviewStore):
        summary.store = store.path
        return BatchVerdicts(store)
    path = store_path(store)
    summary.store = path
    try:
        return BatchVerdicts(ReviewStore(path, readonly=True) if path.exists() else None)
    except StoreError as exc:
        summary.store_error = f"{exc.path}: {exc.reason}"
        return BatchVerdicts(None)


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _scan(runner: Runner, indexed: list[tuple[int, str]], size: int, spool_dir: str, progress: bool, debug: bool) -> list[ScanRecord]:
    """The scan pass: one record per file, in input order."""
    records: list[ScanRecord] = [ScanRecord(i, p) for i, p in indexed]
    with _bar(progress, len(indexed), "读取报告信息") as bar:
        for chunk, scanned, exc in runner.run(scan_chunk, _chunks(indexed, size), spool_dir, debug):
            if exc is not None:
                scanned = _retry_scan(runner, chunk, spool_dir, debug)
            for record in scanned:
                records[record.index] = record
            bar.update(len(chunk))
    return records


def _audit(runner: Runner, plan: Plan, records: list[ScanRecord], summary: BatchSummary, failures: list[tuple[str, str]], writers, progress: bool, debug: bool) -> None:
    """The audit pass: each task's results written as they arrive."""
    cell_keys = writers[2].cell_keys
    n_reports = sum(len([i for i in task if i.report]) for task in plan.tasks)
    with _bar(progress, n_reports, "审核报告") as bar:
        for task, results, exc in runner.run(audit_chunk, plan.tasks, debug, cell_keys):
            if exc is not None:
                results = _retry(runner, task, debug, cell_keys)
            for result in results:
                _take(result, summary, failures, writers, records, plan)
            bar.update(len([i for i in task if i.report]))


def _take(result: dict[str, Any], summary: BatchSummary, failures: list, outputs, records: list[ScanRecord], plan: Plan) -> None:
    """One result of the audit pass: an unreadable file joins the failures, a report is written
    (``outputs``: the writers of findings and reports, of the cells, and the year's work)."""
    writers, cells, year_work = outputs
    if result["status"] == "unreadable":
        failures.append((result["source"], result["reason"]))
        return
    prior = plan.prior_of.get(result["index"])
    if prior is not None and result["prior"] is None:
        summary.notes.append(f"“{result['source']}”的上年报告“{shown(records[prior].path)}”无法读取，未做跨年度核对")
    declared = plan.members_of.get(result["index"])
    if declared and not result["members"]:
        summary.notes.append(f"汇总报告“{result['source']}”的下属报告有无法读取的，未核对汇总数（HIERARCHY-SUM）")
    summary.audited += 1
    for severity, n in result["counts"].items():
        summary.counts[severity] = summary.counts.get(severity, 0) + n
    verdicts = writers.report(result, result["prior"])
    cells.add(result)
    year_work.take(result, verdicts)
    result.pop("cell_line", None)


def year_options(roster, dates, sheet, year: int | None) -> YearOptions:
    """The roster, the crawler's record and the sheet, read (InputError for one that cannot be used)."""
    from ..publication import DateSidecar, read_dates
    from ..roster import Roster, read_roster
    from ..scoring import Sheet, load_sheet

    return YearOptions(
        roster if roster is None or isinstance(roster, Roster) else read_roster(roster),
        dates if dates is None or isinstance(dates, DateSidecar) else read_dates(dates),
        sheet if sheet is None or isinstance(sheet, Sheet) else load_sheet(sheet),
        year,
    )


def _retry_scan(runner: Runner, chunk: list[tuple[int, str]], spool_dir: str, debug: bool) -> list[ScanRecord]:
    """A scan task whose worker failed: each of its files again on its own."""
    records = []
    for index, path in chunk:
        try:
            records += runner.submit(scan_chunk, [(index, path)], spool_dir, debug).result()
        except Exception as again:  # noqa: BLE001 - this file brings the worker down
            records.append(ScanRecord(index, path, error=shown(f"读取该文件时审核进程意外终止（{type(again).__name__}: {again}）")))
    return records


def _retry(runner: Runner, task: list[WorkItem], debug: bool, cell_keys=()) -> list[dict[str, Any]]:
    """A task whose worker failed: each of its reports again on its own (with its context)."""
    by_index = {item.index: item for item in task}
    results = []
    for item in task:
        if not item.report:
            continue
        try:
            results += [r for r in runner.submit(audit_chunk, context_task(item, by_index), debug, cell_keys).result() if r["index"] == item.index]
        except Exception as again:  # noqa: BLE001 - this file brings the worker down
            results.append(failed_result(item, shown(f"处理该文件时审核进程意外终止（{type(again).__name__}: {again}）")))
    return results


def _overview(summary: BatchSummary, stage: Path, progress: bool, debug: bool) -> bool:
    """overview.html in the staging folder; a failure is kept in ``summary.overview_error`` (exit
    status 2): the other outputs stand, and no earlier overview.html is left beside them."""
    if progress:
        print("正在生成总览备忘录 overview.html …", file=sys.stderr, flush=True)
    try:
        export_overview(stage)
        return True
    except Exception as exc:  # noqa: BLE001 - the other outputs stand; reported and exit 2
        if debug:
            import traceback

            traceback.print_exc()
        text = str(exc).strip().splitlines()
        summary.overview_error = shown(f"{type(exc).__name__}: {text[-1] if text else ''}"[:300])
        return False


def _bar(progress: bool, total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="份", disable=not progress, file=sys.stderr, dynamic_ncols=True, leave=True)


def _chunk_size(n: int, parallel: int) -> int:
    return max(1, min(32, math.ceil(n / (4 * parallel)) if n else 1))


def _chunks(items: Sequence, size: int) -> list[list]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
