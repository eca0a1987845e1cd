"""Auditor verdicts: what a verdict is, whose report it belongs to, and the reviewed conclusion.

A verdict (确认问题 / 不是问题 / 待定, with a comment, the auditor and the time) belongs to a finding
(its fingerprint: rule, cells and values) of a report *identity* — the normalised agency, the year
and the layout — never to a file name: two ``index.html`` of two agencies never share a verdict,
and a corrected re-publication of the same agency's report keeps the verdicts of the findings that
are still there (same fingerprint) and shows which findings are new. The verdicts live in the SQLite
review store (:mod:`xxgk_audit.store`); :class:`ReportReview` is the view of one report in it.

The reviewed conclusion (:func:`reviewed_conclusion`) stands beside the automatic one in the memo,
the app and ``check``: 待审核 while an error or warning is 待定; 经审核确认 N 项问题 when findings were
confirmed; 经审核未确认问题 when none was. Exit statuses count only errors not dismissed
(:func:`open_errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .findings import Finding
from .store import Change, FindingMeta, ReviewStore, StoreError, store_path

if TYPE_CHECKING:
    from .engine import AuditResult

CONFIRMED, DISMISSED, PENDING = "confirmed", "dismissed", "pending"
VERDICTS = {CONFIRMED: "确认问题", DISMISSED: "不是问题", PENDING: "待定"}
_ALIASES = {label: key for key, label in VERDICTS.items()} | {key: key for key in VERDICTS}


def parse_verdict(text: str) -> str:
    """The verdict key of 确认问题 / 不是问题 / 待定 or confirmed / dismissed / pending."""
    key = _ALIASES.get(str(text).strip()) or _ALIASES.get(str(text).strip().lower())
    if key is None:
        raise ValueError(f"审核意见“{text}”无效：应为 确认问题、不是问题、待定（或 confirmed、dismissed、pending）")
    return key


@dataclass(frozen=True, slots=True)
class Verdict:
    """The current verdict of a finding (待定 with no comment when none was given)."""

    verdict: str = PENDING
    comment: str = ""
    auditor: str = ""
    updated_at: str = ""

    @property
    def label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def is_pending(self) -> bool:
        return self.verdict == PENDING and not self.comment

    @classmethod
    def of(cls, change: Change | None) -> "Verdict":
        if change is None:
            return cls()
        return cls(change.verdict, change.comment, change.auditor, change.changed_at)


# -- whose report -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReportIdentity:
    """Agency (normalised), year and layout of a report, with the version (sha256, path) at hand.

    ``anchor`` is empty when agency and year are known; otherwise it is the file's sha256, so that an
    unidentified report is an identity of its own and never shares verdicts.
    """

    agency_key: str
    year: int
    layout: str
    anchor: str
    agency: str = ""
    sha256: str = ""
    path: str = ""

    @classmethod
    def from_fields(cls, agency: str | None, year: int | None, layout: str | None, sha256: str | None, path: str | None = None) -> "ReportIdentity":
        from .agency import agency_key

        agency = (agency or "").strip()
        key = agency_key(agency) if agency else ""
        year = int(year) if year else 0
        anchor = "" if key and year else (sha256 or f"path:{Path(path or '').resolve()}")
        resolved = str(Path(path).resolve()) if path else ""
        return cls(key, year, layout or "", anchor, agency, sha256 or "", resolved)

    @classmethod
    def of(cls, report) -> "ReportIdentity":
        layout = report.layout.id if getattr(report, "layout", None) is not None else ""
        return cls.from_fields(report.agency, report.year, layout, report.sha256, report.source)

    @property
    def label(self) -> str:
        parts = [self.agency or "（未识别单位）", f"{self.year}年度" if self.year else "（年度未识别）"]
        if self.layout:
            parts.append(f"{self.layout}年格式")
        return " · ".join(parts)

    def to_dict(self) -> dict:
        return {
            "agency": self.agency or None,
            "agency_key": self.agency_key or None,
            "year": self.year or None,
            "layout": self.layout or None,
            "sha256": self.sha256 or None,
            "path": self.path or None,
        }


def finding_meta(finding: Finding) -> FindingMeta:
    return FindingMeta(finding.fingerprint, finding.rule, finding.severity, finding.message)


# -- the reviewed conclusion ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Conclusion:
    """The auditor's conclusion on a report: ``status`` none | pending | confirmed | dismissed."""

    status: str
    text: str
    confirmed: int = 0
    dismissed: int = 0
    pending: int = 0  # errors and warnings still 待定
    open_errors: int = 0  # errors not dismissed (they decide the exit status)

    def to_dict(self) -> dict:
        return {"status": self.status, "conclusion": self.text, "confirmed": self.confirmed, "dismissed": self.dismissed, "pending": self.pending, "open_errors": self.open_errors}


CONCLUSION_LABELS = {"none": "无需审核", "pending": "待审核", "confirmed": "经审核确认问题", "dismissed": "经审核未确认问题"}


def reviewed_conclusion(findings: Iterable[Finding], verdict_of: Callable[[Finding], Verdict]) -> Conclusion:
    """待审核 while an error or warning is 待定; else 经审核确认 N 项问题 (N findings confirmed) or
    经审核未确认问题 (none confirmed); 无需审核 when there is no error or warning and nothing confirmed."""
    findings = list(findings)
    verdicts = [verdict_of(f).verdict for f in findings]
    reviewable = [v for f, v in zip(findings, verdicts) if f.severity in ("error", "warning")]
    pending = sum(1 for v in reviewable if v == PENDING)
    confirmed = sum(1 for v in verdicts if v == CONFIRMED)
    dismissed = sum(1 for v in verdicts if v == DISMISSED)
    errors = sum(1 for f, v in zip(findings, verdicts) if f.severity == "error" and v != DISMISSED)
    if pending:
        status, text = "pending", "待审核"
    elif confirmed:
        status, text = "confirmed", f"经审核确认 {confirmed} 项问题"
    elif reviewable:
        status, text = "dismissed", "经审核未确认问题"
    else:
        status, text = "none", "无需审核"
    return Conclusion(status, text, confirmed, dismissed, pending, errors)


def open_errors(findings: Iterable[Finding], verdict_of: Callable[[Finding], Verdict]) -> int:
    """Errors the auditor did not mark 不是问题 (what exit statuses count)."""
    return sum(1 for f in findings if f.severity == "error" and verdict_of(f).verdict != DISMISSED)


def no_verdict(_finding) -> Verdict:
    return Verdict()


# -- one report in the store ------------------------------------------------------------------------

class ReportReview:
    """The verdicts of one report (its identity) in a :class:`~xxgk_audit.store.ReviewStore`.

    >>> review = ReportReview.open(result)                      # the default store
    >>> review.set(result.findings[0], "dismissed", "格式差异", auditor="张三")
    >>> review.get(result.findings[0]).label, review.conclusion().text
    """

    def __init__(self, store: ReviewStore, identity: ReportIdentity, findings: Iterable[Finding] = ()):
        self.store = store
        self.identity = identity
        self.findings = list(findings)
        self.refresh()

    @classmethod
    def of(cls, store: ReviewStore, result: "AuditResult") -> "ReportReview":
        return cls(store, ReportIdentity.of(result.report), result.findings)

    @classmethod
    def open(cls, result: "AuditResult", store: str | ReviewStore | None = None, *, readonly: bool = False) -> "ReportReview":
        if not isinstance(store, ReviewStore):
            store = ReviewStore(store_path(store), readonly=readonly)
        return cls.of(store, result)

    def refresh(self) -> None:
        """Read the current verdicts again (after another process changed them)."""
        self.report_id = self.store.find_report(self.identity)
        self._current = self.store.current(self.report_id)
        self._seen = self.store.seen(self.report_id)
        self._versions = self.store.versions(self.report_id)

    # -- reading -----------------------------------------------------------------------------------
    def get(self, finding: Finding | str) -> Verdict:
        fingerprint = finding if isinstance(finding, str) else finding.fingerprint
        return Verdict.of(self._current.get(fingerprint))

    def change(self, finding: Finding | str) -> Change | None:
        return self._current.get(finding if isinstance(finding, str) else finding.fingerprint)

    def stale(self, findings: Iterable[Finding] | None = None) -> dict[str, Verdict]:
        """Given verdicts that match no current finding (their numbers changed or the rule no longer fires)."""
        current = {f.fingerprint for f in (self.findings if findings is None else findings)}
        return {fp: Verdict.of(c) for fp, c in self._current.items() if fp not in current and not Verdict.of(c).is_pending}

    def history(self) -> list[Change]:
        return self.store.history(self.report_id)

    def followups(self) -> list:
        """The 整改复核 history of this report (:class:`~xxgk_audit.store.Followup` rows, oldest
        first): each finding followed into a corrected version, the closures (销号) among them."""
        return self.store.followups(self.report_id)

    def reviewers(self) -> list[str]:
        """Everyone who gave a verdict or comment on this report, first one first."""
        names: dict[str, None] = {}
        for change in self.history():
            if change.auditor.strip() and change.origin != "import":
                names.setdefault(change.auditor.strip(), None)
        return list(names)

    @property
    def earlier_versions(self) -> list[dict]:
        """Other versions (sha256) of this report seen before: it is a re-publication if any."""
        return [v for v in self._versions if v["sha256"] != self.identity.sha256]

    def is_new(self, finding: Finding) -> bool:
        """True for a finding of a re-published report that no earlier version had."""
        if not self.earlier_versions:
            return False
        seen = self._seen.get(finding.fingerprint)
        return seen is None or seen[0] == self.identity.sha256

    def conclusion(self, findings: Iterable[Finding] | None = None) -> Conclusion:
        return reviewed_conclusion(self.findings if findings is None else findings, self.get)

    def open_errors(self, findings: Iterable[Finding] | None = None) -> int:
        return open_errors(self.findings if findings is None else findings, self.get)

    # -- writing -----------------------------------------------------------------------------------
    def see(self) -> None:
        """Record this version of the report and its findings (for 新 on a later re-publication)."""
        self.store.see(self.identity, [finding_meta(f) for f in self.findings])
        self.refresh()

    def set(self, finding: Finding, verdict: str | None = None, comment: str | None = None, auditor: str = "", origin: str = "api") -> Verdict:
        """Change one finding's verdict and/or comment (``None`` keeps it); one row of history."""
        return self.set_many([finding], verdict, comment, auditor, origin)[finding.fingerprint]

    def set_many(self, findings: Iterable[Finding], verdict: str | None = None, comment: str | None = None, auditor: str = "", origin: str = "api") -> dict[str, Verdict]:
        """The same verdict and/or comment for several findings, in one transaction."""
        key = None if verdict is None else parse_verdict(verdict)
        findings = list(findings)
        self.store.record(self.identity, [(finding_meta(f), key, comment) for f in findings], auditor=auditor, origin=origin, seen=[finding_meta(f) for f in self.findings])
        self.refresh()
        return {f.fingerprint: self.get(f) for f in findings}


def read_reviews(results, store: str | None = None) -> tuple[list["ReportReview | None"], str | None]:
    """The verdicts of each audit result, read-only (``check``): the review store is read if it
    exists and never created. Returns the reviews (None each when there is no store) and, for an
    unreadable store, the one line ``<file>: <reason>`` to print (exit status 2)."""
    results = list(results)
    path = store_path(store)
    none: list[ReportReview | None] = [None] * len(results)
    if not path.exists():
        return none, (f"{path}: 审核意见数据库不存在" if store else None)
    try:
        opened = ReviewStore(path, readonly=True)
        return [ReportReview.of(opened, result) for result in results], None
    except StoreError as exc:
        return none, f"{exc.path}: {exc.reason}"


__all__ = [
    "VERDICTS", "CONFIRMED", "DISMISSED", "PENDING", "Verdict", "ReportIdentity", "ReportReview", "Conclusion",
    "reviewed_conclusion", "open_errors", "parse_verdict", "no_verdict", "read_reviews", "ReviewStore", "StoreError", "store_path",
]
