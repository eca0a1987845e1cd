"""The plain data passed between the parent and the workers (picklable, small)."""

from __future__ import annotations

from dataclasses import dataclass

from ..publication import Publication


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
    spool: str | None = None  # the spooled Document (JSON) of a slow format
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
    publication: Publication | None = None  # a crawler's first-seen date, the roster's kind and deadline
