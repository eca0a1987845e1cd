"""整改复核: what became of an audited report's problems in its corrected re-publication.

Each finding of the old version that an auditor confirmed (确认问题) or has not reviewed yet (待定) is
followed into the new version — findings marked 不是问题 are not followed (only counted):

- **未整改** (``not_fixed``): the new version has the same finding (same fingerprint: rule, cells
  and values).
- **有变化** (``changed``): the same rule fires on the same cells (or, for a finding without cells,
  on the same subject) with other values; or the finding is gone but its cells are not consistent
  yet (missing or blank in the new version, or named by another error or warning of it).
- **已整改** (``fixed``): the finding is gone and its cells are now consistent: every cell it read
  is printed as a number and no error or warning of the new version names it. This is the 销号.

Findings of the new version that no old finding became are **新问题** (``new``).

``xxgk-audit followup OLD NEW`` compares two files, writes the follow-up memo
(``notebooks/followup.ipynb`` through the memo exporter) and records each follow-up in the review
store (:meth:`~xxgk_audit.store.ReviewStore.record_followup`: the closure history, one transaction).
A batch holding two versions of the same agency and year compares them too (``followup.csv``; the
batch only reads the store and records nothing).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .findings import SEVERITY_LABELS

if TYPE_CHECKING:
    from .engine import AuditResult

FIXED, NOT_FIXED, CHANGED, NEW = "fixed", "not_fixed", "changed", "new"
STATUS_LABELS = {FIXED: "已整改", NOT_FIXED: "未整改", CHANGED: "有变化", NEW: "新问题"}
FOLLOWED_VERDICTS = ("confirmed", "pending")
FOLLOWUP_NOTEBOOK = "followup.ipynb"
FOLLOWUP_TITLE = "政府信息公开工作年度报告整改复核备忘录"


@dataclass(frozen=True, slots=True)
class FindingRef:
    """What the follow-up needs of a finding (from a :class:`~xxgk_audit.findings.Finding` or a
    batch result's finding dict)."""

    rule: str
    severity: str
    message: str
    cells: tuple[str, ...]
    fingerprint: str
    subject: str = ""
    expected: Any = None
    actual: Any = None

    @classmethod
    def of(cls, finding) -> "FindingRef":
        if isinstance(finding, Mapping):
            return cls(finding["rule"], finding["severity"], finding["message"], tuple(finding.get("cells") or ()), finding["fingerprint"], finding.get("subject") or "", finding.get("expected"), finding.get("actual"))
        return cls(finding.rule, finding.severity, finding.message, tuple(finding.cells), finding.fingerprint, finding.subject, finding.expected, finding.actual)

    @property
    def key(self) -> tuple:
        """Same rule on the same cells; for a finding without cells, on the same subject, values
        left out (DEADLINE's "published:2024-02-10" is the subject "published")."""
        return (self.rule, self.cells) if self.cells else (self.rule, self.subject.split(":", 1)[0])

    def to_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "cells": list(self.cells), "fingerprint": self.fingerprint, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True, slots=True)
class FollowupItem:
    status: str  # fixed | not_fixed | changed | new
    old: FindingRef | None  # None for a new finding
    new: FindingRef | None  # None for a fixed one
    verdict: str = "pending"  # the old finding's verdict (confirmed | pending); "" for a new finding
    note: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def finding(self) -> FindingRef:
        return self.old if self.old is not None else self.new

    def to_dict(self) -> dict:
        return {
            "status": self.status, "status_label": self.label, "verdict": self.verdict or None, "note": self.note,
            "old": self.old.to_dict() if self.old else None, "new": self.new.to_dict() if self.new else None,
        }


@dataclass
class Comparison:
    items: list[FollowupItem]  # one per followed old finding, then the new findings
    not_followed: int = 0  # old findings marked 不是问题

    def of(self, status: str) -> list[FollowupItem]:
        return [i for i in self.items if i.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(self.of(status)) for status in STATUS_LABELS}

    @property
    def open(self) -> int:
        """What keeps the exit status at 1: followed problems not closed (confirmed ones, and errors
        or warnings not reviewed yet) and new errors."""
        kept = [i for i in self.of(NOT_FIXED) + self.of(CHANGED) if i.verdict == "confirmed" or i.old.severity in ("error", "warning")]
        return len(kept) + sum(1 for i in self.of(NEW) if i.new.severity == "error")

    def summary(self) -> str:
        counts = self.counts
        text = "；".join(f"{STATUS_LABELS[s]} {counts[s]} 项" for s in (FIXED, NOT_FIXED, CHANGED, NEW))
        if self.not_followed:
            text += f"（原报告中经审核“不是问题”的 {self.not_followed} 项未复核）"
        return text


def _cell_problem(old: FindingRef, new_findings: list[FindingRef], new_cells: Mapping[str, tuple[Any, str]] | None) -> str:
    """Why a vanished finding's cells are not consistent in the new version ('' when they are)."""
    if not old.cells:
        return ""
    if new_cells is not None:
        missing = [k for k in old.cells if k not in new_cells]
        if missing:
            return f"新版本中缺少所涉单元格（{len(missing)} 个，如 {missing[0]}），无法确认已整改"
        blank = [k for k in old.cells if new_cells[k][1] != "number"]
        if blank:
            return f"新版本中所涉单元格有 {len(blank)} 个为空白或无法读取（如 {blank[0]}），无法确认已整改"
    mine = set(old.cells)
    others = sorted({f.rule for f in new_findings if f.severity in ("error", "warning") and mine & set(f.cells)})
    if others:
        return f"问题已消失，但所涉单元格在新版本中仍有问题（{'、'.join(others)}）"
    return ""


def _change_note(old: FindingRef, new: FindingRef) -> str:
    parts = []
    if old.expected != new.expected:
        parts.append(f"应为 {old.expected} → {new.expected}")
    if old.actual != new.actual:
        parts.append(f"实际 {old.actual} → {new.actual}")
    return "数值有变化：" + "，".join(parts) if parts else "同一规则在相同单元格上仍有问题，数值有变化"


def compare(
    old_findings: Iterable,
    new_findings: Iterable,
    verdict_of: Callable[[FindingRef], str] = lambda _: "pending",
    new_cells: Mapping[str, tuple[Any, str]] | None = None,
) -> Comparison:
    """Follow each confirmed or unreviewed old finding into the new version (module docstring).

    ``verdict_of``: the verdict key of an old finding; ``new_cells``: key -> (value, status) of the
    new version's cells (without it, a vanished finding is 已整改 when no new finding names its cells).
    """
    old = [FindingRef.of(f) for f in old_findings]
    new = [FindingRef.of(f) for f in new_findings]
    by_fingerprint = {f.fingerprint: f for f in new}
    by_key: dict[tuple, list[FindingRef]] = defaultdict(list)
    for f in new:
        by_key[f.key].append(f)
    matched: set[str] = set()
    old_fingerprints = {f.fingerprint for f in old}
    items: list[FollowupItem] = []
    skipped = 0
    for finding in old:
        verdict = verdict_of(finding)
        same = by_fingerprint.get(finding.fingerprint)
        similar = next((f for f in by_key.get(finding.key, ()) if f.fingerprint not in matched and f.fingerprint not in old_fingerprints), None) if same is None else None
        successor = same or similar
        if successor is not None:
            matched.add(successor.fingerprint)
        if verdict not in FOLLOWED_VERDICTS:
            skipped += 1
            continue
        if same is not None:
            items.append(FollowupItem(NOT_FIXED, finding, same, verdict, "新版本中仍有相同问题"))
        elif similar is not None:
            items.append(FollowupItem(CHANGED, finding, similar, verdict, _change_note(finding, similar)))
        else:
            problem = _cell_problem(finding, new, new_cells)
            items.append(FollowupItem(CHANGED if problem else FIXED, finding, None, verdict, problem or "新版本中该问题已消失，所涉单元格数据一致"))
    for finding in new:
        if finding.fingerprint not in matched:
            items.append(FollowupItem(NEW, None, finding, "", "原报告中没有的问题"))
    return Comparison(items, skipped)


# -- two audited files ---------------------------------------------------------------------------------

@dataclass
class Followup:
    """The follow-up of ``old`` by ``new``: both audit results, the comparison, the store's history."""

    old: "AuditResult"
    new: "AuditResult"
    comparison: Comparison
    verdicts: dict[str, str] = field(default_factory=dict)  # old fingerprint -> verdict key
    history: list = field(default_factory=list)  # store.Followup rows of the identity, oldest first
    store: str | None = None

    @property
    def closures(self) -> list:
        return [row for row in self.history if row.status == FIXED]


def cells_of(report) -> dict[str, tuple[Any, str]]:
    return {key: (cell.value, cell.status) for key, cell in report.cells.items()}


def same_report(old, new) -> str | None:
    """Why ``new`` cannot be a re-publication of ``old`` (None when it can)."""
    from .agency import same_agency

    if old.sha256 == new.sha256:
        return "两个文件内容完全相同（SHA-256 相同），不是更正后的新版本"
    if not old.agency or not new.agency or not same_agency(old.agency, new.agency):
        return f"两份报告的单位不同（{old.agency or '未识别'} / {new.agency or '未识别'}），不是同一份报告的两个版本"
    if old.year != new.year or old.year is None:
        return f"两份报告的年度不同（{old.year or '未识别'} / {new.year or '未识别'}）"
    return None


def follow(old_result: "AuditResult", new_result: "AuditResult", store=None) -> Followup:
    """Compare two audit results with the verdicts of ``store`` (a ReviewStore or None: all 待定)."""
    from .review import ReportIdentity

    verdicts: dict[str, str] = {}
    history: list = []
    if store is not None:
        old_id = store.find_report(ReportIdentity.of(old_result.report))
        verdicts = {fp: change.verdict for fp, change in store.current(old_id).items()}
        history = store.followups(old_id)
    comparison = compare(old_result.findings, new_result.findings, lambda f: verdicts.get(f.fingerprint, "pending"), cells_of(new_result.report))
    return Followup(old_result, new_result, comparison, verdicts, history, str(store.path) if store is not None else None)


def record(followup: Followup, store, auditor: str = "") -> int:
    """The follow-up of every followed finding into the store's history, in one transaction."""
    from .review import ReportIdentity, finding_meta
    from .store import FindingMeta

    items = [
        (FindingMeta(i.old.fingerprint, i.old.rule, i.old.severity, i.old.message), i.status, i.new.fingerprint if i.new else None, i.verdict, i.note)
        for i in followup.comparison.items
        if i.old is not None
    ]
    store.record_followup(
        ReportIdentity.of(followup.old.report), ReportIdentity.of(followup.new.report), items,
        seen=[finding_meta(f) for f in followup.new.findings], auditor=auditor,
    )
    return len(items)


# -- output --------------------------------------------------------------------------------------------

def _report_facts(result) -> dict:
    report = result.report
    used = getattr(result, "publication", None)
    return {
        "source": report.source, "agency": report.agency, "year": report.year, "template": report.template, "sha256": report.sha256,
        "published": used.to_dict() if used is not None else None, "findings": len(result.findings),
    }


def followup_json(followup: Followup, tool: dict, recorded: int | None = None) -> dict:
    comparison = followup.comparison
    return {
        "tool": tool,
        "old": _report_facts(followup.old),
        "new": _report_facts(followup.new),
        "summary": {**comparison.counts, "not_followed": comparison.not_followed, "open": comparison.open, "text": comparison.summary()},
        "items": [item.to_dict() for item in comparison.items],
        "store": followup.store,
        "recorded": recorded,
        "history": [row.to_dict() for row in followup.history],
    }


def followup_text(followup: Followup, recorded: int | None = None) -> str:
    old, new = followup.old.report, followup.new.report
    comparison = followup.comparison
    lines = [
        f"== 整改复核：{old.agency or '（未识别单位）'} · {old.year or '？'}年度",
        f"   原报告：{old.source}（SHA-256 {old.sha256[:12]}…，问题 {len(followup.old.findings)} 项）",
        f"   新报告：{new.source}（SHA-256 {new.sha256[:12]}…，问题 {len(followup.new.findings)} 项）",
        f"   复核结论：{comparison.summary()}",
    ]
    if recorded is not None and followup.store:
        lines.append(f"   已记入审核意见数据库：{followup.store}（{recorded} 项，其中销号 {len(comparison.of(FIXED))} 项）")
    for status in (NOT_FIXED, CHANGED, FIXED, NEW):
        group = comparison.of(status)
        if not group:
            continue
        lines.append(f"\n  {STATUS_LABELS[status]}（{len(group)}）")
        for item in group:
            finding = item.finding
            verdict = {"confirmed": "〔确认问题〕", "pending": "〔待定〕"}.get(item.verdict, "")
            lines.append(f"  [{finding.rule}] {SEVERITY_LABELS.get(finding.severity, finding.severity)} {finding.message} {verdict}".rstrip())
            if item.status == CHANGED and item.new is not None:
                lines.append(f"      新版本：{item.new.message}")
            if item.note and item.status not in (NEW,):
                lines.append(f"      {item.note}")
    return "\n".join(lines) + "\n"


# -- the command -------------------------------------------------------------------------------------

def cmd_followup(args) -> int:
    """``xxgk-audit followup OLD NEW``: compare, print, record in the store, write the memo."""
    import tempfile

    from .engine import audit, tool_info
    from .exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
    from .loading import load_all, pair_priors
    from .review import StoreError
    from .reviewing import open_store

    reports, failures = load_all([args.old, args.new], args.debug)
    if failures or len(reports) != 2:
        return EXIT_UNREADABLE
    old, new = reports
    problem = same_report(old, new)
    if problem:
        print(f"xxgk-audit followup: {problem}", file=sys.stderr)
        return EXIT_UNREADABLE
    priors, prior_failures = load_all(args.prior or [], args.debug)
    old_result, new_result = audit(old, pair_priors(old, priors)), audit(new, pair_priors(new, priors))
    store = open_store(args)
    if store is None:
        return EXIT_UNREADABLE
    with store:
        try:
            result = follow(old_result, new_result, store)
            recorded = record(result, store, args.auditor) if not args.dry_run else None
            if recorded is not None:
                result = follow(old_result, new_result, store)  # with the history just written
        except StoreError as exc:
            print(f"{exc.path}: {exc.reason}", file=sys.stderr)
            return EXIT_UNREADABLE
        if args.format == "json":
            sys.stdout.write(json.dumps(followup_json(result, tool_info(), recorded), ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            sys.stdout.write(followup_text(result, recorded))
        if not args.no_memo:
            try:
                with tempfile.TemporaryDirectory(prefix="xxgk-followup-") as spool:
                    path = export_followup(result, Path(args.out_dir), args.auditor, Path(spool), store.path)
                print(f"整改复核备忘录：{path}", file=sys.stderr)
            except Exception as exc:  # noqa: BLE001 - one line, exit 2; the comparison above stands
                if args.debug:
                    import traceback

                    traceback.print_exc()
                lines = str(exc).strip().splitlines()
                print(f"{args.new}: 未能生成整改复核备忘录（{type(exc).__name__}: {lines[-1] if lines else ''}）", file=sys.stderr)
                return EXIT_UNREADABLE
    if prior_failures:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if result.comparison.open else EXIT_OK


def memo_path(out_dir: Path, new_source: str) -> Path:
    return out_dir / f"{Path(new_source).stem}-followup.html"


def export_followup(result: Followup, out_dir: Path, auditor: str, spool: Path, store_file) -> Path:
    """Run ``notebooks/followup.ipynb`` on the two audits (passed as snapshots: nothing is parsed
    again) and write ``<out_dir>/<new stem>-followup.html``."""
    from .memo import export_notebook, find_notebook
    from .snapshot import dump_audit
    from .store import STORE_ENV

    old_data, new_data = spool / "old.json", spool / "new.json"
    dump_audit(result.old, path=old_data)
    dump_audit(result.new, path=new_data)
    parameters = {
        "old_path": str(Path(result.old.report.source).resolve()),
        "new_path": str(Path(result.new.report.source).resolve()),
        "auditor": auditor or "",
        "old_data": str(old_data),
        "new_data": str(new_data),
    }
    target = memo_path(out_dir, result.new.report.source)
    return export_notebook(find_notebook(FOLLOWUP_NOTEBOOK), parameters, target, title=FOLLOWUP_TITLE, env={STORE_ENV: str(Path(store_file).resolve())})


# -- the memo (notebooks/followup.ipynb) ---------------------------------------------------------------

def load_followup(old_path, new_path, prior_paths: Iterable = (), *, old_data=None, new_data=None, store=None) -> Followup:
    """The follow-up of two files (or of the snapshots ``xxgk-audit followup`` passes), with the
    verdicts and history of the review store (read only)."""
    from . import audit, load_report
    from .loading import pair_priors
    from .paths import resolve_report
    from .review import ReviewStore, store_path
    from .snapshot import load_audit_snapshot

    results = []
    for path, data in ((old_path, old_data), (new_path, new_data)):
        resolved = resolve_report(path)
        if data:
            results.append(load_audit_snapshot(data, resolved)[0])
        else:
            report = load_report(str(resolved))
            priors = [load_report(str(resolve_report(p))) for p in prior_paths or ()]
            results.append(audit(report, pair_priors(report, priors)))
    path = store_path(store)
    opened = ReviewStore(path, readonly=True) if path.exists() else None
    try:
        return follow(results[0], results[1], opened)
    finally:
        if opened is not None:
            opened.close()


def show_followup(old_path, new_path, prior_paths: Iterable = (), auditor: str = "", *, old_data=None, new_data=None):
    """The follow-up memo's sections as notebook outputs."""
    from IPython.display import HTML, display

    from .errors import InputError
    from .render import MEMO_META_MIME, error_html, style_html
    from .store import StoreError

    display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
    try:
        result = load_followup(old_path, new_path, prior_paths, old_data=old_data, new_data=new_data)
    except (InputError, StoreError) as exc:
        display(HTML(error_html(str(getattr(exc, "path", new_path)), exc.reason, "无法进行整改复核")))
        return None
    display({MEMO_META_MIME: memo_meta(result, auditor), "text/plain": ""}, raw=True)
    for fragment in followup_sections(result):
        display(HTML(fragment))
    return result


def memo_meta(result: Followup, auditor: str = "") -> dict:
    import datetime as _dt

    old, new = result.old.report, result.new.report
    reviewers = list(dict.fromkeys(r.auditor for r in result.history if r.auditor))
    return {
        "title": FOLLOWUP_TITLE,
        "subtitle": " · ".join(x for x in (new.agency or "（未识别单位）", f"{new.year}年度" if new.year else "") if x),
        "auditor": auditor or "、".join(reviewers),
        "date": _dt.date.today().isoformat(),
        "facts": [["原报告", Path(old.source).name], ["新报告", Path(new.source).name], ["复核日期", _dt.date.today().isoformat()]],
        "review": result.comparison.summary(),
        "reviewers": reviewers,
    }


def followup_sections(result: Followup) -> list[str]:
    """The memo top to bottom: the two versions, the conclusion, each status, the closure history."""
    from .render import badge, esc, message_html

    def section(title: str, body: str, key: str) -> str:
        return f'<section class="xxgk-section" id="xxgk-followup-{key}"><h2>{esc(title)}</h2>{body}</section>'

    def table(head, rows, css=""):
        thead = "".join(f"<th>{esc(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return f'<table class="xxgk-table {css}"><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>'

    out = []
    rows = []
    for name, audited in (("原报告（已审核的版本）", result.old), ("新报告（更正后重新发布）", result.new)):
        report = audited.report
        used = getattr(audited, "publication", None)
        rows.append([esc(name), esc(Path(report.source).name), esc(report.agency or "（未识别）"), esc(report.year or ""), esc(used.describe() if used is not None else (report.published or "")), f"<code>{esc(report.sha256[:16])}</code>", f'<td class="xxgk-num">{len(audited.findings)}</td>'])
    out.append(section("一、复核的两个版本", table(["版本", "文件", "单位", "年度", "发布日期", "SHA-256", "问题数"], rows), "versions"))
    comparison = result.comparison
    counts = comparison.counts
    css = "xxgk-review-dismissed" if not comparison.open else "xxgk-review-confirmed"
    body = f'<p class="xxgk-conclusion {css}">复核结论：{esc(comparison.summary())}</p>'
    body += '<p class="xxgk-note">复核原报告中经审核确认的问题和尚未审核的问题：新版本中仍有相同问题为“未整改”；同一规则在相同单元格上仍有问题但数值变化，或问题消失但所涉单元格仍不一致，为“有变化”；问题消失且所涉单元格数据一致为“已整改”（销号）。</p>'
    out.append(section("二、复核结论", body, "conclusion"))
    status_colour = {FIXED: "xxgk-st-pass", NOT_FIXED: "xxgk-st-fail", CHANGED: "xxgk-st-unknown", NEW: "xxgk-sev-info"}
    verdicts = {"confirmed": "确认问题", "pending": "待定"}
    for number, status in enumerate((NOT_FIXED, CHANGED, FIXED, NEW), 3):
        group = comparison.of(status)
        title = f"{'三四五六'[number - 3]}、{STATUS_LABELS[status]}（{counts[status]} 项）"
        if not group:
            out.append(section(title, "<p>无。</p>", status))
            continue
        rows = []
        for n, item in enumerate(group, 1):
            finding = item.finding
            detail = message_html(_as_finding(finding))
            if item.status == CHANGED and item.new is not None:
                detail += f'<br><span class="xxgk-note">新版本：{esc(item.new.message)}</span>'
            rows.append([
                f'<td class="xxgk-num">{n}</td>', badge(STATUS_LABELS[status], status_colour[status]),
                f'<span class="xxgk-rule">{esc(finding.rule)}</span>', badge(SEVERITY_LABELS.get(finding.severity, finding.severity), "xxgk-sev-" + finding.severity),
                detail, esc(verdicts.get(item.verdict, "—")), esc(item.note),
            ])
        out.append(section(title, table(["序号", "复核结果", "规则", "级别", "问题", "原审核意见", "说明"], rows, "xxgk-followup"), status))
    if result.history:
        rows = [
            [esc(row.checked_at.replace("T", " ")[:16]), badge(STATUS_LABELS.get(row.status, row.status), status_colour.get(row.status, "")), f'<span class="xxgk-rule">{esc(row.rule)}</span>', f"<code>{esc(row.fingerprint)}</code>", esc(row.auditor or "（未署名）"), esc(row.note)]
            for row in result.history
        ]
        out.append(section("七、整改复核记录（审核意见数据库）", f'<p class="xxgk-note">已销号 {len(result.closures)} 项。</p>' + table(["时间", "结果", "规则", "指纹", "复核人", "说明"], rows), "history"))
    return out


def _as_finding(ref: FindingRef):
    from .findings import Finding

    return Finding(ref.rule, ref.severity, "", ref.message, ref.cells, ref.expected, ref.actual)


__all__ = ["compare", "follow", "record", "Comparison", "FollowupItem", "FindingRef", "Followup", "cmd_followup", "load_followup", "show_followup", "STATUS_LABELS"]
