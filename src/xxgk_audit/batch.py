"""Batch audit: every report under files and folders → findings.csv, findings.xlsx, reports.csv,
batch.json and the overview memo overview.html (``xxgk-audit batch``, interface.md).

Design
------
The batch runs on any ``concurrent.futures``-style executor (an object whose ``submit(fn, *args)``
returns something with ``result()``): in-process for ``jobs=1``, a process pool for ``jobs>1``, a
Dask ``Client`` (or ``client.get_executor()``) for collections too large for one machine. Workers
get *chunks* of files, import the engine once per process and return compact plain data.

1. **Scan** (parallel, cheap). Each file is loaded and only its title, agency and year are read
   (:func:`xxgk_audit.parse.document_metadata`, the very code the full parse uses). A slow format
   (PDF, DOCX) leaves its loaded ``Document`` pickled in a spool folder inside the output folder, so
   the audit pass does not extract it again; a text or HTML file is cheaper to load twice than to
   spool. The parent keeps one small :class:`ScanRecord` per file.
2. **Plan** (parent). Each report gets its prior: the same agency's report of the year before
   (exact normalised name first; the rest through :func:`xxgk_audit.cli.pair_priors`, the one
   definition of "same agency"). Hierarchy declarations (``hierarchy.yaml`` / ``hierarchy.csv``)
   give a summary report its members. Reports linked by a prior or a hierarchy form a component;
   a component is ordered (prior before report, members before summary) and never split, and
   components are packed into tasks of about ``chunk_size`` files.
3. **Audit** (parallel). A worker parses each report of its task once, in order, and keeps a parsed
   report only until its last use as a prior or member later in the same task, so a worker holds a
   few reports at a time, never the collection. It returns per report a summary dict, the key cells
   and the findings as plain dicts (:func:`audit_chunk`).
4. **Write** (parent, streaming). Task results are consumed in submission order with a bounded
   window of tasks in flight; rows go straight into findings.csv, reports.csv and the write-only
   sheets of findings.xlsx. The parent keeps only the scan records, the plan and per-rule counts:
   memory is flat in the size of the collection.
5. **Overview**. ``notebooks/batch_overview.ipynb`` reads the folder (reports.csv, findings.csv,
   batch.json) and is exported through :func:`xxgk_audit.memo.export_notebook`.

Exit status (as ``check``): 0 no finding of severity error; 1 at least one error finding; 2 a file
could not be read at all (it is an ``UNREADABLE`` row), a hierarchy declaration is broken, the
overview could not be made, or no report was found at all.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import os
import pickle
import shutil
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import InputError

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".shtml", ".pdf", ".docx")
HIERARCHY_NAMES = ("hierarchy.yaml", "hierarchy.yml", "hierarchy.csv")
OUTPUT_NAMES = ("findings.csv", "findings.xlsx", "reports.csv", "batch.json", "overview.html")
SKIPPED_DIRS = ("__pycache__", ".ipynb_checkpoints", "node_modules")
SKIPPED_STEMS = ("readme", "license", "licence", "changelog", "notice", "copying", "authors")  # docs, not reports
GENERATOR_MARK = b'name="generator" content="xxgk-audit'  # memos and overviews written by this tool
SPOOLED_FORMATS = ("pdf", "docx")  # slow to load: the scan keeps their Document for the audit pass
CROSS_RULES = ("T3-CARRY-CHAIN", "T2-VALID-PROGRESSION", "YOY-JUMP", "TEXT-REUSE", "HIERARCHY-SUM")
OVERVIEW_NOTEBOOK = "batch_overview.ipynb"
UNREADABLE_RULE = "UNREADABLE"

# The key cells of reports.csv (per-agency year series in the overview), with their Chinese labels.
KEY_CELLS = {
    "t3.new.total": "本年新收申请",
    "t3.carried_over.total": "上年结转申请",
    "t3.result.total.total": "办理结果总计",
    "t3.carry_forward.total": "结转下年度办理",
    "t4.review.total": "行政复议总计",
    "t4.litigation_direct.total": "未经复议直接起诉总计",
    "t4.litigation_after_review.total": "复议后起诉总计",
    "t2.art20_1.regulations.valid": "现行有效规章",
    "t2.art20_1.normative_docs.valid": "现行有效规范性文件",
}
STATUS_LABELS = {"error": "有错误", "warning": "有警告", "info": "仅有提示", "clean": "未发现问题", "unreadable": "无法读取"}
REPORT_COLUMNS = [
    "source", "agency", "year", "template", "format", "status", "errors", "warnings", "infos",
    "prior", "series", "members", "reason", "sha256", *KEY_CELLS,
]


# -- data passed between parent and workers ------------------------------------------------------

@dataclass(slots=True)
class ScanRecord:
    """What the scan learns of one file: enough to pair it, nothing of its tables."""

    index: int
    path: str
    format: str | None = None
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    sha256: str | None = None
    spool: str | None = None  # the pickled Document of a slow format
    error: str | None = None  # the one-line reason the file cannot be read


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One report of an audit task, with the indexes of the reports it is compared with."""

    index: int
    path: str
    spool: str | None = None
    prior: int | None = None
    members: tuple[int, ...] = ()
    keep: bool = False  # used later in the same task (as a prior or a member): hold it
    release: tuple[int, ...] = ()  # held reports no longer needed after this item
    report: bool = True  # False: parsed only as a prior or member of another item (retries)


@dataclass
class BatchSummary:
    """What a batch did: counts, outputs and the exit status of ``xxgk-audit batch``."""

    out_dir: Path
    files: int = 0
    audited: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (report, prior) sources
    hierarchy: dict[str, list[str]] = field(default_factory=dict)  # summary source -> member sources
    notes: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    overview_error: str | None = None
    elapsed: float = 0.0

    @property
    def nothing_found(self) -> bool:
        return self.files == 0 and not self.unreadable

    @property
    def exit_status(self) -> int:
        if self.unreadable or self.overview_error or self.nothing_found:
            return EXIT_UNREADABLE
        return EXIT_ERRORS if self.counts["error"] else EXIT_OK


# -- finding the inputs ----------------------------------------------------------------------------

@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)
    declarations: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)


def _head(path: str, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _sniffs_as_report(path: str) -> bool:
    """Whether a file without a suffix is a report: PDF, Word, or HTML/text about 信息公开."""
    import zipfile

    from .loaders import sniff
    from .loaders.decode import decode

    head = _head(path, 65536)
    if not head.strip():
        return False
    try:
        kind = sniff(path, head[:4096])
    except InputError:
        return False
    if kind == "pdf":
        return True
    if kind == "docx":
        try:
            with zipfile.ZipFile(path) as archive:
                return "word/document.xml" in archive.namelist()
        except (OSError, zipfile.BadZipFile):
            return False
    if b"\x00" in head[:4096]:
        return False
    text, _ = decode(head)
    return "信息公开" in text or "政务公开" in text or "資訊公開" in text or "信息公開" in text


def _is_own_output(path: str, out_dir: str) -> bool:
    name = os.path.basename(path)
    if name in OUTPUT_NAMES and os.path.dirname(os.path.realpath(path)) == out_dir:
        return True
    if name.lower().endswith((".html", ".htm", ".shtml")) or "." not in name:
        return GENERATOR_MARK in _head(path, 8192)
    return False


def find_inputs(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike) -> Inputs:
    """Report files under ``paths`` (folders recursively), hierarchy declarations, missing paths.

    A folder contributes files with a report suffix and files without a suffix that sniff as a
    report; hidden files and folders, and this tool's own outputs (the batch outputs in the output
    folder, memos and overviews anywhere) are skipped. A file named explicitly is always audited.
    """
    out_real = os.path.realpath(os.fspath(out_dir))
    found = Inputs()
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        name = os.path.basename(path)
        if name.lower() in HIERARCHY_NAMES:
            seen.add(real)
            found.declarations.append(path)
            return
        if not explicit:
            if name.startswith(".") or os.path.splitext(name)[0].lower() in SKIPPED_STEMS:
                return
            suffix = os.path.splitext(name)[1].lower()
            if suffix not in REPORT_SUFFIXES and not (suffix == "" and _sniffs_as_report(path)):
                return
            if _is_own_output(path, out_real):
                return
        seen.add(real)
        found.files.append(path)

    for given in paths:
        given = os.fspath(given)
        if os.path.isdir(given):
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                for name in sorted(files):
                    add(os.path.join(root, name), explicit=False)
        elif os.path.exists(given):
            add(given, explicit=True)
        else:
            found.missing.append((given, "文件不存在"))
    return found


# -- hierarchy declarations ------------------------------------------------------------------------

def read_hierarchy(declaration: str) -> tuple[dict[str, list[str]], list[str]]:
    """``{summary path: [member path or pattern, …]}`` of one declaration file, and its problems.

    Paths are relative to the declaration's folder. YAML: a mapping from each summary report to
    the list of its members. CSV: columns ``summary,member`` (or ``汇总报告,下属报告``), one row per
    member. Raises InputError when the file cannot be read at all.
    """
    base = os.path.dirname(declaration)
    try:
        with open(declaration, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(declaration, f"层级声明文件无法读取（{exc}）") from None
    mapping: dict[str, list[str]] = {}
    problems: list[str] = []
    if declaration.lower().endswith(".csv"):
        rows = list(csv.reader(text.splitlines()))
        if not rows:
            raise InputError(declaration, "层级声明文件为空")
        header = [c.strip().lower() for c in rows[0]]
        names = {"summary": ("summary", "汇总报告"), "member": ("member", "下属报告")}
        try:
            columns = {key: next(i for i, c in enumerate(header) if c in options) for key, options in names.items()}
        except StopIteration:
            raise InputError(declaration, "层级声明文件缺少 summary,member（或 汇总报告,下属报告）表头") from None
        for number, row in enumerate(rows[1:], 2):
            if not any(c.strip() for c in row):
                continue
            if len(row) <= max(columns.values()) or not row[columns["summary"]].strip() or not row[columns["member"]].strip():
                problems.append(f"第{number}行不完整，已忽略")
                continue
            mapping.setdefault(row[columns["summary"]].strip(), []).append(row[columns["member"]].strip())
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(declaration, f"层级声明文件不是有效的 YAML（{str(exc).splitlines()[0]}）") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError(declaration, "层级声明文件应为“汇总报告: [下属报告, …]”形式的映射")
        for summary, members in data.items():
            if isinstance(members, str):
                members = [members]
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                problems.append(f"“{summary}”的下属报告应为文件路径列表，已忽略")
                continue
            mapping[str(summary)] = list(members)
    resolved = {os.path.join(base, summary): [os.path.join(base, m) for m in members] for summary, members in mapping.items()}
    return resolved, problems


def _expand(pattern: str, known: dict[str, int]) -> list[int]:
    """Indexes of the batch's files a member entry names: a file, a folder or a glob pattern."""
    import glob

    if any(ch in pattern for ch in "*?["):
        hits = sorted(glob.glob(pattern, recursive=True))
    elif os.path.isdir(pattern):
        prefix = os.path.realpath(pattern) + os.sep
        return sorted(i for real, i in known.items() if real.startswith(prefix))
    else:
        hits = [pattern]
    return [known[real] for real in (os.path.realpath(h) for h in hits) if real in known]


# -- the worker side -------------------------------------------------------------------------------

def _reason(path: str, exc: BaseException, debug: bool) -> str:
    from .cli import _fail_line

    return _fail_line(path, exc, debug).split(": ", 1)[1]


def scan_chunk(chunk: Sequence[tuple[int, str]], spool_dir: str | None = None, debug: bool = False) -> list[ScanRecord]:
    """Scan pass: load each file and read its metadata (worker side; never raises)."""
    from .loaders import load_document
    from .parse import document_metadata

    records = []
    for index, path in chunk:
        record = ScanRecord(index, path)
        try:
            document = load_document(path)
            record.format, record.sha256 = document.format, document.sha256
            meta = document_metadata(document)
            record.agency, record.year, record.title = meta.agency, meta.year, meta.title
            if spool_dir and document.format in SPOOLED_FORMATS:
                record.spool = _spool(document, spool_dir, index)
        except Exception as exc:  # noqa: BLE001 - the boundary: the file becomes an error row
            record.error = _reason(path, exc, debug)
        records.append(record)
    return records


def _spool(document, spool_dir: str, index: int) -> str | None:
    target = os.path.join(spool_dir, f"{index}.pickle")
    try:
        with open(target + ".part", "wb") as handle:
            pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(target + ".part", target)
    except OSError:  # a worker that cannot write there (another machine): the audit pass reloads
        return None
    return target


def _load(item: WorkItem):
    from . import load_report, report_from_document

    if item.spool:
        try:
            with open(item.spool, "rb") as handle:
                document = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError):
            document = None
        if document is not None:
            return report_from_document(document)
    return load_report(item.path)


def _location_where(location: dict) -> str:
    if location.get("page") is not None:
        return f"第{location['page']}页"
    if location.get("line") is not None:
        return f"第{location['line']}行"
    return "位置不详"


def _compact(item: WorkItem, result, prior, members: int) -> dict[str, Any]:
    report = result.report
    counts = result.counts
    status = "error" if counts["error"] else "warning" if counts["warning"] else "info" if counts["info"] else "clean"
    findings = []
    for finding in result.findings:
        data = finding.to_dict()
        for location in data["locations"]:
            location["where"] = _location_where(location)
        findings.append(data)
    return {
        "index": item.index,
        "source": report.source,
        "status": status,
        "reason": None,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "format": report.format,
        "sha256": report.sha256,
        "counts": counts,
        "prior": prior.source if prior is not None else None,
        "members": members,
        "cells": {key: report.value(key) for key in KEY_CELLS if key in report.cells},
        "findings": findings,
    }


def _failed(item: WorkItem, reason: str) -> dict[str, Any]:
    return {"index": item.index, "source": item.path, "status": "unreadable", "reason": reason, "findings": []}


def audit_chunk(items: Sequence[WorkItem], debug: bool = False) -> list[dict[str, Any]]:
    """Audit pass: parse and audit each item in order, priors and members from earlier items.

    Worker side; never raises for a bad file: it becomes a result with status ``unreadable``.
    """
    from .engine import audit

    held: dict[int, Any] = {}
    out: list[dict[str, Any]] = []
    for item in items:
        report = None
        try:
            report = _load(item)
        except Exception as exc:  # noqa: BLE001
            if item.report:
                out.append(_failed(item, _reason(item.path, exc, debug)))
        if report is not None and item.report:
            prior = held.get(item.prior) if item.prior is not None else None
            members = [held[m] for m in item.members if m in held]
            if len(members) < len(item.members):
                members = []  # a member could not be read: the sum would be wrong, HIERARCHY-SUM stays off
            try:
                result = audit(report, [prior] if prior is not None else None, members=members)
                out.append(_compact(item, result, prior, len(members)))
            except Exception as exc:  # noqa: BLE001
                out.append(_failed(item, _reason(item.path, exc, debug)))
        if item.keep and report is not None:
            held[item.index] = report
        for index in item.release:
            held.pop(index, None)
    return out


# -- planning (parent) -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Stub:
    """The attributes of a report that :func:`xxgk_audit.cli.pair_priors` reads."""

    index: int
    source: str
    agency: str | None
    year: int | None
    sha256: str | None
    title: str | None = None


def pair_records(records: Sequence[ScanRecord], budget: int = 250_000) -> dict[int, int]:
    """``{report index: prior index}``: the same agency's report of the previous year.

    "Same agency" is what :func:`xxgk_audit.cli.pair_priors` says (:mod:`xxgk_audit.agency`). Each
    report is compared with the reports of the year before: all of them while the number of
    comparisons stays under ``budget``; beyond that (tens of thousands of reports) only with those
    whose agency key equals its own or is a suffix of it or the reverse (a name with or without
    its administrative prefix), which is every pair ``same_agency`` can accept.
    """
    from .agency import agency_key
    from .cli import pair_priors

    stubs = [_Stub(r.index, r.path, r.agency, r.year, r.sha256, r.title) for r in records if r.error is None and r.agency and r.year is not None]
    by_year: dict[int, list[_Stub]] = defaultdict(list)
    for stub in stubs:
        by_year[stub.year].append(stub)
    prior_of: dict[int, int] = {}
    for year, group in sorted(by_year.items()):
        candidates = by_year.get(year - 1)
        if not candidates:
            continue
        narrow = _suffix_blocks(candidates) if len(group) * len(candidates) > budget else None
        for stub in group:
            pool = candidates if narrow is None else narrow(agency_key(stub.agency))
            hits = [p for p in pair_priors(stub, pool) if p.year == year - 1] if pool else []
            if hits:
                prior_of[stub.index] = hits[0].index
    return prior_of


def _suffix_blocks(candidates: list[_Stub]) -> Callable[[str], list[_Stub]]:
    """Candidates whose agency key equals a key, is a suffix of it, or ends with it (in order)."""
    from .agency import agency_key

    exact: dict[str, list[_Stub]] = defaultdict(list)
    ending: dict[str, list[_Stub]] = defaultdict(list)
    for candidate in candidates:
        key = agency_key(candidate.agency)
        exact[key].append(candidate)
        for i in range(1, len(key)):
            ending[key[i:]].append(candidate)

    def pool(key: str) -> list[_Stub]:
        found: dict[int, _Stub] = {}
        for i in range(len(key)):
            for candidate in exact.get(key[i:], ()):
                found[candidate.index] = candidate
        for candidate in ending.get(key, ()):
            found[candidate.index] = candidate
        return [found[i] for i in sorted(found)]

    return pool


@dataclass
class Plan:
    tasks: list[list[WorkItem]]
    prior_of: dict[int, int]
    members_of: dict[int, tuple[int, ...]]
    series: dict[int, str]
    notes: list[str]


def _find(parent: dict[int, int], x: int) -> int:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def plan_batch(records: Sequence[ScanRecord], members_of: dict[int, tuple[int, ...]], chunk_size: int) -> Plan:
    """Pair, group and order the readable reports into tasks (see the module docstring)."""
    import heapq

    readable = {r.index: r for r in records if r.error is None}
    prior_of = pair_records([readable[i] for i in sorted(readable)])
    members_of = {s: tuple(m for m in ms if m in readable and m != s) for s, ms in members_of.items() if s in readable}
    deps: dict[int, list[int]] = {i: [] for i in readable}
    for report, prior in prior_of.items():
        deps[report].append(prior)
    for summary, members in members_of.items():
        deps[summary].extend(members)

    # series: the reports linked by priors, named after the agency of the latest report
    chain: dict[int, int] = {}
    for report, prior in prior_of.items():
        chain[_find(chain, report)] = _find(chain, prior)
    latest: dict[int, ScanRecord] = {}
    for record in readable.values():
        root = _find(chain, record.index)
        best = latest.get(root)
        if best is None or (record.year or 0, -record.index) > (best.year or 0, -best.index):
            latest[root] = record
    series = {i: (latest[_find(chain, i)].agency or "") for i in readable}

    # components: reports linked by a prior or a hierarchy are audited in one task
    parent: dict[int, int] = {}
    for node, needs in deps.items():
        for need in needs:
            parent[_find(parent, node)] = _find(parent, need)
    components: dict[int, list[int]] = defaultdict(list)
    for node in sorted(readable):
        components[_find(parent, node)].append(node)

    notes: list[str] = []
    ordered: list[list[int]] = []
    for nodes in sorted(components.values(), key=lambda ns: ns[0]):
        waiting = {n: len(set(deps[n])) for n in nodes}
        users: dict[int, list[int]] = defaultdict(list)
        for n in nodes:
            for need in set(deps[n]):
                users[need].append(n)
        ready = [((readable[n].year or 0), n) for n in nodes if waiting[n] == 0]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            _, n = heapq.heappop(ready)
            order.append(n)
            for user in users[n]:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, ((readable[user].year or 0), user))
        if len(order) < len(nodes):  # a cycle in the hierarchy declarations
            stuck = [n for n in nodes if n not in set(order)]
            for n in stuck:
                if members_of.pop(n, None):
                    notes.append(f"层级声明有循环，未核对“{readable[n].path}”的汇总数（HIERARCHY-SUM）")
                deps[n] = [d for d in deps[n] if prior_of.get(n) == d]
            order += sorted(stuck, key=lambda n: ((readable[n].year or 0), n))
        ordered.append(order)

    tasks: list[list[WorkItem]] = []
    current: list[int] = []
    for order in ordered:
        current.extend(order)
        if len(current) >= chunk_size:
            tasks.append(_items(current, readable, prior_of, members_of))
            current = []
    if current:
        tasks.append(_items(current, readable, prior_of, members_of))
    return Plan(tasks, prior_of, members_of, series, notes)


def _items(order: list[int], readable: dict[int, ScanRecord], prior_of: dict[int, int], members_of: dict[int, tuple[int, ...]]) -> list[WorkItem]:
    position = {n: k for k, n in enumerate(order)}
    last_use: dict[int, int] = {}
    for k, n in enumerate(order):
        needs = ([prior_of[n]] if n in prior_of else []) + list(members_of.get(n, ()))
        for need in needs:
            if need in position and position[need] < k:
                last_use[need] = k
    releases: dict[int, list[int]] = defaultdict(list)
    for need, k in last_use.items():
        releases[k].append(need)
    items = []
    for k, n in enumerate(order):
        record = readable[n]
        items.append(
            WorkItem(
                index=n,
                path=record.path,
                spool=record.spool,
                prior=prior_of.get(n),
                members=members_of.get(n, ()),
                keep=n in last_use,
                release=tuple(sorted(releases.get(k, ()))),
            )
        )
    return items


def _context_task(item: WorkItem, items_by_index: dict[int, WorkItem]) -> list[WorkItem]:
    """``item`` alone, preceded by its prior and members as context (for a retry)."""
    needs = ([item.prior] if item.prior is not None else []) + list(item.members)
    context = [items_by_index[n] for n in needs if n in items_by_index]
    out = [WorkItem(c.index, c.path, c.spool, keep=True, report=False) for c in context]
    out.append(WorkItem(item.index, item.path, item.spool, item.prior, item.members, release=tuple(c.index for c in context)))
    return out


# -- running on an executor ------------------------------------------------------------------------

class _InlineExecutor:
    """``submit`` runs the call at once in this process (``jobs=1``): no pickling, no processes."""

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future

    def map(self, fn, *iterables):
        return (fn(*args) for args in zip(*iterables))

    def shutdown(self, wait: bool = True, **kwargs) -> None:
        pass


def _process_pool(jobs: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["xxgk_audit.batch", "xxgk_audit.engine", "xxgk_audit.loaders", "xxgk_audit.parse"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def _parallelism(executor, jobs: int) -> int:
    """How many tasks the executor runs at once (a guess for foreign executors)."""
    for owner in (executor, getattr(executor, "_client", None)):
        if owner is None:
            continue
        workers = getattr(owner, "_max_workers", None)
        if isinstance(workers, int) and workers > 0:
            return workers
        nthreads = getattr(owner, "nthreads", None)
        if callable(nthreads):
            try:
                return max(1, sum(nthreads().values()))
            except Exception:  # noqa: BLE001 - a guess only
                pass
    return max(1, jobs)


class _Runner:
    """Submits tasks with a bounded window and yields results in submission order.

    A process pool the runner created itself is replaced when a worker process dies.
    """

    def __init__(self, executor, jobs: int):
        self.owned = executor is None
        self.jobs = max(1, jobs)
        self.executor = executor if executor is not None else (_InlineExecutor() if self.jobs == 1 else _process_pool(self.jobs))
        self.window = 4 * _parallelism(self.executor, self.jobs)

    def submit(self, fn, *args):
        from concurrent.futures import BrokenExecutor

        try:
            return self.executor.submit(fn, *args)
        except (BrokenExecutor, RuntimeError):
            if not self.owned or self.jobs == 1:
                raise
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = _process_pool(self.jobs)
            return self.executor.submit(fn, *args)

    def run(self, fn, tasks: Iterable, *args):
        """Yields ``(task, result, exception)`` in task order."""
        pending: deque = deque()
        source = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                try:
                    pending.append((task, self.submit(fn, task, *args)))
                except Exception as exc:  # noqa: BLE001 - reported with the task
                    pending.append((task, exc))
            if not pending:
                return
            task, future = pending.popleft()
            if isinstance(future, BaseException):
                yield task, None, future
                continue
            try:
                yield task, future.result(), None
            except Exception as exc:  # noqa: BLE001 - a worker died or the task raised
                yield task, None, exc

    def close(self, cancel: bool = False) -> None:
        """Shut down a pool the runner created (``cancel``: after an error or Ctrl-C, do not wait)."""
        if self.owned:
            if cancel:
                self.executor.shutdown(wait=False, cancel_futures=True)
            else:
                self.executor.shutdown(wait=True)


def _chunks(items: Sequence, size: int) -> list[list]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


# -- outputs (parent, streaming) ---------------------------------------------------------------------

_FILLS = {"error": "F8D7DA", "warning": "FFF3CD", "info": "D9EDF7", "clean": "D4EDDA", "unreadable": "E2E3E5"}
_XLSX_MAX = 32000  # characters per cell (Excel's limit is 32767)
SUMMARY_SHEET, FINDINGS_SHEET, RULES_SHEET = "报告汇总", "问题清单", "规则统计"
SUMMARY_HEADER = [("文件", 48), ("单位", 30), ("年度", 8), ("格式", 16), ("审核结论", 12), ("错误", 7), ("警告", 7), ("提示", 7), ("上年报告", 40), ("下属报告数", 10), ("无法读取的原因", 50)]
FINDINGS_HEADER = [("文件", 40), ("单位", 26), ("年度", 8), ("规则", 22), ("严重程度", 10), ("类别", 14), ("说明", 70), ("涉及单元格", 30), ("应为", 10), ("实际", 10), ("差额", 10), ("位置", 16), ("原文", 50), ("指纹", 18)]
RULES_HEADER = [("规则", 24), ("类别", 16), ("严重程度", 10), ("问题数", 10), ("涉及报告数", 12)]


def _template_label(template: str | None) -> str:
    return "未识别出表格" if template is None else f"{template}年格式"


class _Writers:
    """findings.csv, reports.csv and findings.xlsx, written row by row as results arrive."""

    def __init__(self, out_dir: Path, series: dict[int, str]):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        from .cli import CSV_COLUMNS

        self.out_dir = out_dir
        self.series = series
        self.csv_columns = CSV_COLUMNS
        self._findings_file = open(out_dir / "findings.csv.part", "w", encoding="utf-8-sig", newline="")
        self._reports_file = open(out_dir / "reports.csv.part", "w", encoding="utf-8-sig", newline="")
        self.findings_csv = csv.writer(self._findings_file, lineterminator="\n")
        self.reports_csv = csv.writer(self._reports_file, lineterminator="\n")
        self.findings_csv.writerow(CSV_COLUMNS)
        self.reports_csv.writerow(REPORT_COLUMNS)

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

    def _text(self, sheet, value):
        """A plain value, or a cell when the text would otherwise be taken for a formula or is illegal."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, str) and (value.startswith("=") or len(value) > _XLSX_MAX or ILLEGAL_CHARACTERS_RE.search(value)):
            return self._cell(sheet, value)
        return value

    def report(self, result: dict[str, Any], prior_source: str | None) -> None:
        source = result["source"]
        if result["status"] == "unreadable":
            self.unreadable(source, result["reason"])
            return
        counts = result["counts"]
        agency, year, template = result["agency"], result["year"], result["template"]
        seen_rules = set()
        for finding in result["findings"]:
            places = "; ".join(f"{l['cell'] or ''}@{l['where']}:{l['text'] if l['text'] is not None else ''}" for l in finding["locations"])
            self.findings_csv.writerow([source, agency, year, template, finding["rule"], finding["severity"], finding["message"], " ".join(finding["cells"]), finding["expected"], finding["actual"], finding["difference"], places, finding["fingerprint"]])
            wheres = list(dict.fromkeys(l["where"] for l in finding["locations"]))
            quotes = "\n".join(
                f"{l['where']} " + "".join(f"“{x}”" for x in (l.get("row_label"), l.get("column_label")) if x) + f"：{l['text']}"
                for l in finding["locations"]
                if l["text"] is not None
            )
            sheet = self.findings
            sheet.append([
                self._text(sheet, source), self._text(sheet, agency), year, finding["rule"],
                self._cell(sheet, _severity_label(finding["severity"]), fill=finding["severity"]),
                _group_label(finding["group"]), self._text(sheet, finding["message"]), " ".join(finding["cells"]),
                finding["expected"], finding["actual"], finding["difference"], "、".join(wheres),
                self._cell(sheet, quotes, wrap=True) if "\n" in quotes else self._text(sheet, quotes), finding["fingerprint"],
            ])
            self.rows[FINDINGS_SHEET] += 1
            entry = self.rules.setdefault(finding["rule"], [finding["severity"], finding["group"], 0, 0])
            entry[2] += 1
            if finding["rule"] not in seen_rules:
                seen_rules.add(finding["rule"])
                entry[3] += 1
        status = result["status"]
        cells = result.get("cells", {})
        self.reports_csv.writerow([
            source, agency, year, template, result["format"], status, counts["error"], counts["warning"], counts["info"],
            prior_source, self.series.get(result["index"], agency), result["members"], None, result["sha256"],
            *(cells.get(key) for key in KEY_CELLS),
        ])
        sheet = self.summary
        sheet.append([
            self._text(sheet, source), self._text(sheet, agency), year, _template_label(template),
            self._cell(sheet, STATUS_LABELS[status], fill=status), counts["error"], counts["warning"], counts["info"],
            self._text(sheet, prior_source), result["members"] or None, None,
        ])
        self.rows[SUMMARY_SHEET] += 1

    def unreadable(self, source: str, reason: str) -> None:
        self.findings_csv.writerow([source, None, None, None, UNREADABLE_RULE, "error", reason, "", None, None, None, "", ""])
        self.reports_csv.writerow([source, None, None, None, None, "unreadable", None, None, None, None, None, None, reason, None, *(None for _ in KEY_CELLS)])
        sheet = self.findings
        sheet.append([self._text(sheet, source), None, None, UNREADABLE_RULE, self._cell(sheet, _severity_label("error"), fill="error"), "无法读取", self._text(sheet, reason)])
        self.rows[FINDINGS_SHEET] += 1
        sheet = self.summary
        sheet.append([self._text(sheet, source), None, None, None, self._cell(sheet, STATUS_LABELS["unreadable"], fill="unreadable"), None, None, None, None, None, self._text(sheet, reason)])
        self.rows[SUMMARY_SHEET] += 1
        entry = self.rules.setdefault(UNREADABLE_RULE, ["error", "unreadable", 0, 0])
        entry[2] += 1
        entry[3] += 1

    def close(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.filters import AutoFilter

        from .rules import REGISTRY

        order = {rule: n for n, rule in enumerate(REGISTRY)}
        for rule, (severity, group, findings, reports) in sorted(self.rules.items(), key=lambda kv: order.get(kv[0], -1)):
            self.rules_sheet.append([rule, _group_label(group), self._cell(self.rules_sheet, _severity_label(severity), fill=severity), findings, reports])
            self.rows[RULES_SHEET] += 1
        for sheet, header in ((self.summary, SUMMARY_HEADER), (self.findings, FINDINGS_HEADER), (self.rules_sheet, RULES_HEADER)):
            sheet.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(header))}{self.rows[sheet.title]}")
        self._findings_file.close()
        self._reports_file.close()
        self.workbook.save(self.out_dir / "findings.xlsx.part")
        for name in ("findings.csv", "reports.csv", "findings.xlsx"):
            os.replace(self.out_dir / f"{name}.part", self.out_dir / name)

    def abort(self) -> None:
        """After an error or Ctrl-C: close everything and leave no partial file behind."""
        for handle in (self._findings_file, self._reports_file):
            handle.close()
        for sheet in (self.summary, self.findings, self.rules_sheet):
            try:
                if not sheet.closed:
                    sheet.close()  # ends the sheet's XML stream in its temporary file
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
            out = getattr(getattr(sheet, "_writer", None), "out", None)
            if isinstance(out, str) and os.path.exists(out):
                os.remove(out)
        for name in ("findings.csv", "reports.csv", "findings.xlsx"):
            try:
                os.remove(self.out_dir / f"{name}.part")
            except OSError:
                pass


def _severity_label(severity: str) -> str:
    from .findings import SEVERITY_LABELS

    return SEVERITY_LABELS.get(severity, severity)


def _group_label(group: str) -> str:
    from .findings import GROUP_LABELS

    return GROUP_LABELS.get(group, "无法读取" if group == "unreadable" else group)


# -- the batch -----------------------------------------------------------------------------------

def _bar(progress: bool, total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="份", disable=not progress, file=sys.stderr, dynamic_ncols=True, leave=True)


def _chunk_size(n: int, parallelism: int) -> int:
    return max(1, min(32, math.ceil(n / (4 * parallelism)) if n else 1))


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
) -> BatchSummary:
    """Audit every report under ``paths`` and write the batch outputs into ``out_dir``.

    ``executor``: any object with ``submit(fn, *args)`` returning a future (``concurrent.futures``
    executors, ``dask.distributed.Client`` or ``client.get_executor()``); the caller owns it. Without
    one, ``jobs=1`` runs in this process and ``jobs>1`` in a process pool of that size. With
    ``progress`` a bar is shown (tqdm on a terminal, a widget in a notebook). ``overview=False``
    skips overview.html. Returns a :class:`BatchSummary`; files that cannot be read are rows of
    the outputs and ``summary.unreadable``, never exceptions.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(out_dir=out)
    inputs = find_inputs(paths, out)
    summary.files = len(inputs.files)
    spool_dir = out / f".xxgk-spool-{os.getpid()}"
    runner = _Runner(executor, jobs)
    writers: _Writers | None = None
    finished = False
    try:
        spool_dir.mkdir(exist_ok=True)
        # 1. scan
        indexed = list(enumerate(inputs.files))
        size = chunk_size or _chunk_size(len(indexed), _parallelism(runner.executor, jobs))
        records: list[ScanRecord] = [ScanRecord(i, p) for i, p in indexed]
        with _bar(progress, len(indexed), "读取报告信息") as bar:
            for chunk, scanned, exc in runner.run(scan_chunk, _chunks(indexed, size), str(spool_dir), debug):
                if exc is not None:
                    scanned = _retry_scan(runner, chunk, str(spool_dir), debug)
                for record in scanned:
                    records[record.index] = record
                bar.update(len(chunk))

        # 2. plan: hierarchy declarations and pairs
        known = {os.path.realpath(r.path): r.index for r in records}
        declared, problems, notes = _declared_members(inputs.declarations, known)
        plan = plan_batch(records, declared, size)
        summary.notes += notes + plan.notes
        summary.pairs = [(records[r].path, records[p].path) for r, p in sorted(plan.prior_of.items())]
        summary.hierarchy = {records[s].path: [records[m].path for m in ms] for s, ms in sorted(plan.members_of.items())}

        # 3. audit and 4. write, in task order
        writers = _Writers(out, plan.series)
        failures: list[tuple[str, str]] = list(inputs.missing) + problems
        failures += [(r.path, r.error) for r in records if r.error is not None]
        n_reports = sum(len([i for i in task if i.report]) for task in plan.tasks)
        with _bar(progress, n_reports, "审核报告") as bar:
            for task, results, exc in runner.run(audit_chunk, plan.tasks, debug):
                if exc is not None:
                    results = _retry(runner, task, debug)
                for result in results:
                    _take(result, summary, failures, writers, records, plan)
                bar.update(len([i for i in task if i.report]))
        for source, reason in failures:
            writers.unreadable(source, reason)
        summary.unreadable = failures
        writers.close()
        writers = None
        summary.outputs.update(findings_csv=out / "findings.csv", findings_xlsx=out / "findings.xlsx", reports_csv=out / "reports.csv")
        finished = True
    finally:
        runner.close(cancel=not finished)
        if writers is not None:
            writers.abort()
        shutil.rmtree(spool_dir, ignore_errors=True)

    summary.elapsed = time.perf_counter() - started
    _write_meta(out, summary, inputs, jobs, runner)
    summary.outputs["batch"] = out / "batch.json"
    if overview:
        if progress:
            print("正在生成总览备忘录 overview.html …", file=sys.stderr, flush=True)
        try:
            summary.outputs["overview"] = export_overview(out)
        except Exception as exc:  # noqa: BLE001 - the other outputs stand; reported and exit 2
            if debug:
                import traceback

                traceback.print_exc()
            text = str(exc).strip().splitlines()
            summary.overview_error = f"{type(exc).__name__}: {text[-1] if text else ''}"[:300]
        summary.elapsed = time.perf_counter() - started
        _write_meta(out, summary, inputs, jobs, runner)
    return summary


def _take(result: dict[str, Any], summary: BatchSummary, failures: list, writers: _Writers, records, plan: Plan) -> None:
    if result["status"] == "unreadable":
        failures.append((result["source"], result["reason"]))
        return
    prior = plan.prior_of.get(result["index"])
    prior_source = result["prior"] if result["prior"] is not None else None
    if prior is not None and prior_source is None:
        summary.notes.append(f"“{result['source']}”的上年报告“{records[prior].path}”无法读取，未做跨年度核对")
    declared = plan.members_of.get(result["index"])
    if declared and not result["members"]:
        summary.notes.append(f"汇总报告“{result['source']}”的下属报告有无法读取的，未核对汇总数（HIERARCHY-SUM）")
    summary.audited += 1
    for severity, n in result["counts"].items():
        summary.counts[severity] = summary.counts.get(severity, 0) + n
    writers.report(result, prior_source)


def _retry_scan(runner: _Runner, chunk: list[tuple[int, str]], spool_dir: str, debug: bool) -> list[ScanRecord]:
    """A scan task whose worker failed: each of its files again on its own."""
    records = []
    for index, path in chunk:
        try:
            records += runner.submit(scan_chunk, [(index, path)], spool_dir, debug).result()
        except Exception as again:  # noqa: BLE001 - this file brings the worker down
            records.append(ScanRecord(index, path, error=f"读取该文件时审核进程意外终止（{type(again).__name__}: {again}）"))
    return records


def _retry(runner: _Runner, task: list[WorkItem], debug: bool) -> list[dict[str, Any]]:
    """A task whose worker failed: each of its reports again on its own (with its context)."""
    by_index = {item.index: item for item in task}
    results = []
    for item in task:
        if not item.report:
            continue
        try:
            results += [r for r in runner.submit(audit_chunk, _context_task(item, by_index), debug).result() if r["index"] == item.index]
        except Exception as again:  # noqa: BLE001 - this file brings the worker down
            results.append(_failed(item, f"处理该文件时审核进程意外终止（{type(again).__name__}: {again}）"))
    return results


def _declared_members(declarations: list[str], known: dict[str, int]) -> tuple[dict[int, tuple[int, ...]], list[tuple[str, str]], list[str]]:
    """Summary index -> member indexes; problems (rows of the declaration); notes.

    A summary with a member entry that names no file of the batch is not checked at all: the sum
    of the members found would be wrong.
    """
    members_of: dict[int, tuple[int, ...]] = {}
    problems: list[tuple[str, str]] = []
    notes: list[str] = []
    for declaration in declarations:
        try:
            mapping, issues = read_hierarchy(declaration)
        except InputError as exc:
            problems.append((declaration, exc.reason))
            continue
        problems += [(declaration, issue) for issue in issues]
        base = os.path.dirname(declaration)
        for summary, patterns in mapping.items():
            index = known.get(os.path.realpath(summary))
            if index is None:
                problems.append((declaration, f"汇总报告“{os.path.relpath(summary, base)}”不在本次审核的文件中"))
                continue
            members: list[int] = []
            complete = True
            for pattern in patterns:
                hits = [i for i in _expand(pattern, known) if i != index]
                if not hits:
                    problems.append((declaration, f"找不到下属报告“{os.path.relpath(pattern, base)}”"))
                    complete = False
                members += [i for i in hits if i not in members]
            if not complete:
                notes.append(f"汇总报告“{summary}”声明的下属报告不全，未核对汇总数（HIERARCHY-SUM）")
            elif members:
                members_of[index] = tuple(members)
    return members_of, problems, notes


def _write_meta(out: Path, summary: BatchSummary, inputs: Inputs, jobs: int, runner: _Runner) -> None:
    from .engine import tool_info

    data = {
        "tool": tool_info(),
        "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "out_dir": str(out.resolve()),
        "files": summary.files,
        "audited": summary.audited,
        "unreadable": [{"source": s, "reason": r} for s, r in summary.unreadable],
        "counts": summary.counts,
        "pairs": [{"report": r, "prior": p} for r, p in summary.pairs],
        "hierarchy": [{"summary": s, "members": m} for s, m in summary.hierarchy.items()],
        "notes": summary.notes,
        "executor": type(runner.executor).__name__,
        "jobs": jobs,
        "elapsed_seconds": round(summary.elapsed, 2),
        "exit_status": summary.exit_status,
        "overview_error": summary.overview_error,
    }
    target = out / "batch.json"
    target.with_name("batch.json.part").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(out / "batch.json.part", target)


def export_overview(report_dir: str | os.PathLike, output: str | os.PathLike | None = None) -> Path:
    """Run ``notebooks/batch_overview.ipynb`` on a batch output folder and export overview.html."""
    from .memo import KernelSession, export_notebook, find_notebook

    report_dir = Path(report_dir).resolve()
    notebook = find_notebook(OVERVIEW_NOTEBOOK)
    with KernelSession(cwd=report_dir, warmup="import xxgk_audit.overview") as session:
        return export_notebook(notebook, {"report_dir": str(report_dir)}, output or report_dir / "overview.html", session=session, title="政府信息公开工作年度报告批量审核总览")


# -- command line ----------------------------------------------------------------------------------

def cmd_batch(args) -> int:
    if args.jobs < 1:
        print("xxgk-audit batch: 参数错误：--jobs 至少为 1", file=sys.stderr)
        return EXIT_UNREADABLE
    summary = run_batch(args.paths, args.out_dir, jobs=args.jobs, progress=True, debug=args.debug)
    for source, reason in summary.unreadable:
        print(f"{source}: {reason}", file=sys.stderr)
    for note in summary.notes:
        print(f"说明：{note}", file=sys.stderr)
    if summary.overview_error:
        print(f"{summary.out_dir / 'overview.html'}: 未能生成总览备忘录（{summary.overview_error}）", file=sys.stderr)
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
        print(path)
    return summary.exit_status


__all__ = ["BatchSummary", "run_batch", "find_inputs", "read_hierarchy", "pair_records", "plan_batch", "scan_chunk", "audit_chunk", "export_overview", "cmd_batch"]
