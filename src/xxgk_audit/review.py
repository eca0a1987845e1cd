"""Auditor verdicts, saved beside the memo as ``<report stem>.review.json``, keyed by fingerprint.

A finding's fingerprint depends on its rule, cells and values: when the report's numbers change the
finding gets a new fingerprint and its verdict is 待定 again, while the old entry stays in the file
(marked as no longer matching in :meth:`ReviewStore.stale`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from .findings import Finding

VERDICTS = {"confirmed": "确认问题", "dismissed": "不是问题", "pending": "待定"}
PENDING = "pending"
FORMAT_VERSION = 1


@dataclass
class Verdict:
    verdict: str = PENDING
    comment: str = ""
    rule: str = ""
    message: str = ""
    updated: str = ""

    @property
    def label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def is_pending(self) -> bool:
        return self.verdict == PENDING and not self.comment


def review_path(report_source: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    return Path(out_dir) / f"{Path(report_source).stem}.review.json"


class ReviewStore:
    """The verdicts of one report; every change is written to disk at once (atomic replace)."""

    def __init__(self, path: str | os.PathLike, report=None):
        self.path = Path(path)
        self.report = report
        self.entries: dict[str, Verdict] = {}
        self.load()

    @classmethod
    def for_report(cls, report, out_dir: str | os.PathLike) -> "ReviewStore":
        return cls(review_path(report.source, out_dir), report)

    def load(self) -> None:
        self.entries = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            return  # an unreadable store is treated as empty; it is rewritten on the next change
        for fingerprint, entry in (data.get("verdicts") or {}).items():
            if not isinstance(entry, dict):
                continue
            verdict = entry.get("verdict", PENDING)
            self.entries[str(fingerprint)] = Verdict(
                verdict=verdict if verdict in VERDICTS else PENDING,
                comment=str(entry.get("comment") or ""),
                rule=str(entry.get("rule") or ""),
                message=str(entry.get("message") or ""),
                updated=str(entry.get("updated") or ""),
            )

    def get(self, finding: Finding | str) -> Verdict:
        fingerprint = finding if isinstance(finding, str) else finding.fingerprint
        return self.entries.get(fingerprint) or Verdict()

    def set(self, finding: Finding, verdict: str | None = None, comment: str | None = None) -> Verdict:
        if verdict is not None and verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}; one of {sorted(VERDICTS)}")
        current = self.get(finding)
        entry = Verdict(
            verdict=current.verdict if verdict is None else verdict,
            comment=current.comment if comment is None else comment,
            rule=finding.rule,
            message=finding.message,
            updated=_dt.datetime.now().isoformat(timespec="seconds"),
        )
        self.entries[finding.fingerprint] = entry
        self.save()
        return entry

    def stale(self, findings: Iterable[Finding]) -> dict[str, Verdict]:
        """Saved verdicts that match no current finding (their values changed or the rule no longer fires)."""
        current = {f.fingerprint for f in findings}
        return {k: v for k, v in self.entries.items() if k not in current and not v.is_pending}

    def to_dict(self) -> dict:
        report = self.report
        return {
            "tool": "xxgk-audit",
            "format": FORMAT_VERSION,
            "report": None
            if report is None
            else {"source": report.source, "sha256": report.sha256, "agency": report.agency, "year": report.year},
            "verdicts": {k: asdict(v) | {"label": v.label} for k, v in self.entries.items()},
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".part")
        temporary.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temporary.replace(self.path)
