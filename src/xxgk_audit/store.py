"""The review store: every auditor verdict in one SQLite database (stdlib ``sqlite3``, WAL mode).

Where: ``--store FILE``, else ``$XXGK_AUDIT_STORE``, else ``reviews.sqlite`` in the output folder
(:func:`xxgk_audit.paths.out_dir`, normally ``reports/``): :func:`store_path`.

What (schema version 1, STRICT tables):

- ``reports``: one row per report *identity* — normalised agency, year and layout
  (:class:`~xxgk_audit.review.ReportIdentity`); a report whose agency or year is unknown is its own
  identity, anchored by its file's sha256. Verdicts belong to an identity, never to a file name.
- ``sightings``: each version (sha256) and path under which an identity was seen.
- ``findings``: each finding fingerprint seen for an identity, with the version it first appeared in
  (so a corrected re-publication can say which findings are new).
- ``changes``: the history. Every change of a verdict or comment is a row (verdict, comment,
  auditor, time, previous verdict and comment, the version it was made on); the current verdict of a
  finding is its latest row. Rows are only ever added.
- ``imports``: the legacy ``*.review.json`` files already imported (:mod:`xxgk_audit.legacy`).
- ``followups`` (schema version 2): the 整改复核 history. Each follow-up of a finding on a corrected
  re-publication is a row: 已整改 (``fixed`` — the 销号, the problem's closure), 未整改
  (``not_fixed``) or 有变化 (``changed``), the versions compared, the finding it became, the verdict
  it had, the auditor and the time (:mod:`xxgk_audit.followup`). Rows are only ever added. A store
  of version 1 is upgraded to version 2 (the table added, in one transaction) the first time a
  follow-up is recorded in it; until then it reads as having no follow-ups.

Every write is one ``BEGIN IMMEDIATE`` transaction that reads the current value and appends the
change, so concurrent writers (two notebooks, the app and the command line) are serialised by
SQLite and never lose a change. A file that is not such a database (not SQLite, empty, truncated,
corrupt, another schema, values of the wrong type) raises :class:`StoreError` naming the file; it is
opened read-only for that check and never written to.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import os
import sqlite3
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .errors import InputError

STORE_ENV = "XXGK_AUDIT_STORE"
STORE_NAME = "reviews.sqlite"
APPLICATION = "xxgk-audit review store"
SCHEMA_VERSION = 2
READABLE_VERSIONS = ("1", "2")
VERDICT_KEYS = ("confirmed", "dismissed", "pending")
_HEADER = b"SQLite format 3\x00"
_TIMEOUT = 60.0  # seconds a writer waits for another writer's transaction

_V = "('confirmed', 'dismissed', 'pending')"
SCHEMA = {
    "meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    "reports": (
        "CREATE TABLE reports (id INTEGER PRIMARY KEY, agency_key TEXT NOT NULL, year INTEGER NOT NULL, "
        "layout TEXT NOT NULL, anchor TEXT NOT NULL, agency TEXT NOT NULL, created_at TEXT NOT NULL, "
        "UNIQUE (agency_key, year, layout, anchor)) STRICT"
    ),
    "sightings": (
        "CREATE TABLE sightings (report_id INTEGER NOT NULL REFERENCES reports(id), sha256 TEXT NOT NULL, "
        "path TEXT NOT NULL, agency TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, "
        "PRIMARY KEY (report_id, sha256, path)) STRICT"
    ),
    "findings": (
        "CREATE TABLE findings (report_id INTEGER NOT NULL REFERENCES reports(id), fingerprint TEXT NOT NULL, "
        "rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, first_sha256 TEXT NOT NULL, "
        "first_seen TEXT NOT NULL, PRIMARY KEY (report_id, fingerprint)) STRICT"
    ),
    "changes": (
        "CREATE TABLE changes (id INTEGER PRIMARY KEY AUTOINCREMENT, report_id INTEGER NOT NULL REFERENCES reports(id), "
        f"fingerprint TEXT NOT NULL, verdict TEXT NOT NULL CHECK (verdict IN {_V}), comment TEXT NOT NULL, "
        "auditor TEXT NOT NULL, changed_at TEXT NOT NULL, "
        f"previous_verdict TEXT CHECK (previous_verdict IS NULL OR previous_verdict IN {_V}), previous_comment TEXT, "
        "sha256 TEXT NOT NULL, path TEXT NOT NULL, origin TEXT NOT NULL) STRICT"
    ),
    "imports": (
        "CREATE TABLE imports (path TEXT NOT NULL, sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, "
        "entries INTEGER NOT NULL, PRIMARY KEY (path, sha256)) STRICT"
    ),
}
FOLLOWUP_STATUSES = ("fixed", "not_fixed", "changed")
_F = "('fixed', 'not_fixed', 'changed')"
SCHEMA_V2 = {
    "followups": (
        "CREATE TABLE followups (id INTEGER PRIMARY KEY AUTOINCREMENT, report_id INTEGER NOT NULL REFERENCES reports(id), "
        f"fingerprint TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN {_F}), new_fingerprint TEXT, "
        f"verdict TEXT NOT NULL CHECK (verdict IN {_V}), old_sha256 TEXT NOT NULL, new_sha256 TEXT NOT NULL, new_path TEXT NOT NULL, "
        "rule TEXT NOT NULL, note TEXT NOT NULL, auditor TEXT NOT NULL, checked_at TEXT NOT NULL) STRICT"
    ),
}
INDEXES = ("CREATE INDEX changes_by_finding ON changes (report_id, fingerprint, id)",)
INDEXES_V2 = ("CREATE INDEX followups_by_finding ON followups (report_id, fingerprint, id)",)
# (table, SQL condition of a bad row, what is wrong) — checked when a store is opened
_TYPE_CHECKS = (
    ("reports", "typeof(id) != 'integer' OR typeof(year) != 'integer' OR typeof(agency_key) != 'text' OR typeof(layout) != 'text' OR typeof(anchor) != 'text' OR typeof(agency) != 'text'", "报告身份"),
    ("changes", f"typeof(report_id) != 'integer' OR typeof(fingerprint) != 'text' OR verdict NOT IN {_V} OR typeof(comment) != 'text' OR typeof(auditor) != 'text' OR typeof(changed_at) != 'text' OR (previous_verdict IS NOT NULL AND previous_verdict NOT IN {_V})", "审核意见"),
    ("findings", "typeof(report_id) != 'integer' OR typeof(fingerprint) != 'text' OR typeof(rule) != 'text' OR typeof(message) != 'text'", "问题记录"),
    ("sightings", "typeof(report_id) != 'integer' OR typeof(sha256) != 'text' OR typeof(path) != 'text'", "报告版本"),
    ("followups", f"typeof(report_id) != 'integer' OR typeof(fingerprint) != 'text' OR status NOT IN {_F} OR verdict NOT IN {_V} OR typeof(checked_at) != 'text'", "整改复核记录"),
)


class StoreError(InputError):
    """The review store cannot be read: ``reason`` says why (in Chinese); the file was not changed."""


def store_path(explicit: str | os.PathLike | None = None, folder: str | os.PathLike | None = None) -> Path:
    """The review store: ``explicit``, else ``$XXGK_AUDIT_STORE``, else ``<folder or out_dir()>/reviews.sqlite``."""
    if explicit:
        return Path(os.path.expanduser(os.fspath(explicit)))
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(os.path.expanduser(env))
    if folder is None:
        from .paths import out_dir

        folder = out_dir()
    return Path(folder) / STORE_NAME


def now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the history: a verdict or comment given to a finding."""

    id: int
    fingerprint: str
    verdict: str
    comment: str
    auditor: str
    changed_at: str
    previous_verdict: str | None
    previous_comment: str | None
    sha256: str
    path: str
    origin: str
    rule: str = ""
    severity: str = ""
    message: str = ""

    def to_dict(self) -> dict:
        return {
            "id": self.id, "fingerprint": self.fingerprint, "rule": self.rule, "severity": self.severity, "message": self.message,
            "verdict": self.verdict, "comment": self.comment, "auditor": self.auditor, "changed_at": self.changed_at,
            "previous_verdict": self.previous_verdict, "previous_comment": self.previous_comment,
            "sha256": self.sha256, "path": self.path, "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class FindingMeta:
    """What the store keeps of a finding besides its verdict."""

    fingerprint: str
    rule: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class Followup:
    """One row of the 整改复核 history: what became of a finding in a corrected version."""

    id: int
    fingerprint: str
    status: str  # fixed (已整改, 销号) | not_fixed (未整改) | changed (有变化)
    new_fingerprint: str | None
    verdict: str  # the finding's verdict when it was followed up
    old_sha256: str
    new_sha256: str
    new_path: str
    rule: str
    note: str
    auditor: str
    checked_at: str

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


class ReviewStore:
    """The verdict database at ``path``.

    An existing file is checked at once (read-only) and :class:`StoreError` is raised if it is not a
    readable review store. A missing file is created at the first write (``readonly=False``), and
    legacy ``*.review.json`` files of its folder not imported yet are imported whenever the store is
    opened for writing (messages in :attr:`messages`). With ``readonly=True`` nothing is ever written or created: a missing store
    reads as empty.
    """

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False, import_legacy: bool = True):
        self.path = Path(path)
        self.readonly = readonly
        self.import_legacy = import_legacy and not readonly
        self.messages: list[str] = []
        self._conn: sqlite3.Connection | None = None
        if self.path.exists():
            validate(self.path)
        if self.import_legacy:
            from .legacy import import_folder, legacy_files

            if legacy_files(self.path.parent):
                self._connect(create=True)
                self.messages += import_folder(self, self.path.parent)

    # -- connection ----------------------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return self._conn is not None or self.path.exists()

    def _connect(self, create: bool = False) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            if not create or self.readonly:
                return None
            _create(self.path)
            validate(self.path)
        self._conn = _open(self.path, self.readonly)
        # closed when the store is dropped or the interpreter exits: the last connection to close
        # checkpoints the write-ahead log and removes the -wal and -shm files
        self._finalizer = weakref.finalize(self, self._conn.close)
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._finalizer.detach()
            conn.close()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, sql: str, args: Sequence = ()) -> list[tuple]:
        conn = self._connect()
        if conn is None:
            return []
        try:
            return conn.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(str(self.path), f"审核意见数据库读取失败（{exc}）") from exc

    def _write(self):
        conn = self._connect(create=True)
        if conn is None:
            raise StoreError(str(self.path), "审核意见数据库以只读方式打开，不能修改")
        return _Transaction(conn, self.path)

    # -- identities ----------------------------------------------------------------------------
    def find_report(self, identity) -> int | None:
        """The id of ``identity`` (a :class:`~xxgk_audit.review.ReportIdentity`) in the store, or None."""
        return _find(self._read, identity)

    def reports(self) -> list[dict]:
        rows = self._read("SELECT id, agency_key, year, layout, anchor, agency, created_at FROM reports ORDER BY id")
        return [dict(zip(("id", "agency_key", "year", "layout", "anchor", "agency", "created_at"), row)) for row in rows]

    def see(self, identity, findings: Iterable[FindingMeta] = ()) -> int:
        """Record a sighting of a report version and its findings; returns the identity's id."""
        stamp = now()
        with self._write() as cur:
            report_id = _ensure(cur, identity, stamp)
            _sighting(cur, report_id, identity, stamp)
            _remember(cur, report_id, findings, identity.sha256, stamp)
        return report_id

    # -- verdicts ------------------------------------------------------------------------------
    def current(self, report_id: int | None) -> dict[str, Change]:
        """The latest change of every finding of an identity."""
        if report_id is None:
            return {}
        rows = self._read(
            _CHANGE_SELECT + " WHERE c.report_id = ? AND c.id = (SELECT max(id) FROM changes WHERE report_id = c.report_id AND fingerprint = c.fingerprint)",
            (report_id,),
        )
        return {row[1]: Change(*row) for row in rows}

    def history(self, report_id: int | None) -> list[Change]:
        if report_id is None:
            return []
        return [Change(*row) for row in self._read(_CHANGE_SELECT + " WHERE c.report_id = ? ORDER BY c.id", (report_id,))]

    def record(
        self,
        identity,
        items: Iterable[tuple[FindingMeta, str | None, str | None]],
        auditor: str = "",
        origin: str = "api",
        seen: Iterable[FindingMeta] = (),
    ) -> dict[str, Change]:
        """Set verdicts and comments in one transaction; ``None`` keeps the current value.

        ``items``: (finding, verdict key or None, comment or None). A change that alters nothing is
        not recorded. ``seen``: all findings of this version of the report (remembered, so that a
        later version can tell which findings are new). Returns the resulting current change of
        each finding.
        """
        items = list(items)
        report_id = self.record_many([(identity, items, seen)], auditor, origin)[0]
        current = self.current(report_id)
        return {meta.fingerprint: current[meta.fingerprint] for meta, _, _ in items if meta.fingerprint in current}

    def record_many(self, reports: Iterable[tuple[object, Iterable[tuple[FindingMeta, str | None, str | None]], Iterable[FindingMeta]]], auditor: str = "", origin: str = "api") -> list[int]:
        """:meth:`record` for several reports (identity, items, seen) in one transaction: a bulk
        verdict is saved entirely or not at all. Returns the identities' ids."""
        reports = [(identity, list(items), list(seen)) for identity, items, seen in reports]
        for _, items, _ in reports:
            for _, verdict, _ in items:
                if verdict is not None and verdict not in VERDICT_KEYS:
                    raise ValueError(f"unknown verdict {verdict!r}; one of {VERDICT_KEYS}")
        stamp = now()
        ids = []
        with self._write() as cur:
            for identity, items, seen in reports:
                report_id = _ensure(cur, identity, stamp)
                ids.append(report_id)
                _sighting(cur, report_id, identity, stamp)
                _remember(cur, report_id, [*seen, *(meta for meta, _, _ in items)], identity.sha256, stamp)
                for meta, verdict, comment in items:
                    _change(cur, report_id, identity, meta, verdict, comment, auditor, origin, stamp)
        return ids

    def seen(self, report_id: int | None) -> dict[str, tuple[str, str]]:
        """fingerprint -> (first sha256, first seen) of every finding recorded for an identity."""
        if report_id is None:
            return {}
        return {fp: (sha, when) for fp, sha, when in self._read("SELECT fingerprint, first_sha256, first_seen FROM findings WHERE report_id = ?", (report_id,))}

    def versions(self, report_id: int | None) -> list[dict]:
        """The versions and paths under which an identity was seen, oldest first."""
        if report_id is None:
            return []
        rows = self._read("SELECT sha256, path, agency, first_seen, last_seen FROM sightings WHERE report_id = ? ORDER BY first_seen, sha256", (report_id,))
        return [dict(zip(("sha256", "path", "agency", "first_seen", "last_seen"), row)) for row in rows]

    # -- follow-ups (整改复核) --------------------------------------------------------------------
    def followups(self, report_id: int | None) -> list[Followup]:
        """The follow-up history of an identity, oldest first (none in a store of version 1)."""
        if report_id is None or not self._has_table("followups"):
            return []
        rows = self._read(
            "SELECT id, fingerprint, status, new_fingerprint, verdict, old_sha256, new_sha256, new_path, rule, note, auditor, checked_at "
            "FROM followups WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [Followup(*row) for row in rows]

    def record_followup(self, identity, new_identity, items: Iterable[tuple[FindingMeta, str, str | None, str, str]], seen: Iterable[FindingMeta] = (), auditor: str = "") -> int:
        """Record a follow-up in one transaction: the new version sighted with its findings
        (``seen``), and per finding of the old version (finding, status, new fingerprint, verdict,
        note) a row of the history. Upgrades a store of version 1 first. Returns the identity's id."""
        items = list(items)
        for _, status, _, verdict, _ in items:
            if status not in FOLLOWUP_STATUSES or verdict not in VERDICT_KEYS:
                raise ValueError(f"bad follow-up status {status!r} or verdict {verdict!r}")
        self._upgrade()
        stamp = now()
        with self._write() as cur:
            report_id = _ensure(cur, identity, stamp)
            new_id = _ensure(cur, new_identity, stamp)
            _sighting(cur, new_id, new_identity, stamp)
            _remember(cur, new_id, list(seen), new_identity.sha256, stamp)
            cur.executemany(
                "INSERT INTO followups (report_id, fingerprint, status, new_fingerprint, verdict, old_sha256, new_sha256, new_path, rule, note, auditor, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (report_id, meta.fingerprint, status, new_fp, verdict, identity.sha256 or "", new_identity.sha256 or "", new_identity.path or "", meta.rule, note or "", auditor or "", stamp)
                    for meta, status, new_fp, verdict, note in items
                ],
            )
            _remember(cur, report_id, [meta for meta, *_ in items], identity.sha256, stamp)
        return report_id

    def _has_table(self, name: str) -> bool:
        return bool(self._read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def _upgrade(self) -> None:
        """Bring a store of schema version 1 to version 2 (one transaction; nothing else changes)."""
        conn = self._connect(create=True)
        if conn is None:
            raise StoreError(str(self.path), "审核意见数据库以只读方式打开，不能修改")
        with _Transaction(conn, self.path) as cur:
            version = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version and version[0] == "1":
                for sql in (*SCHEMA_V2.values(), *INDEXES_V2):
                    cur.execute(sql)
                cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def imported(self, path: str, sha256: str) -> bool:
        return bool(self._read("SELECT 1 FROM imports WHERE path = ? AND sha256 = ?", (path, sha256)))

    def import_entries(self, identity, entries: Sequence[tuple[FindingMeta, str, str, str]], path: str, sha256: str) -> int:
        """Legacy verdicts (finding, verdict, comment, time) of one file, and the file marked as
        imported, in one transaction; returns how many changes were added (0 if already imported)."""
        stamp = now()
        added = 0
        with self._write() as cur:
            if cur.execute("SELECT 1 FROM imports WHERE path = ? AND sha256 = ?", (path, sha256)).fetchone():
                return 0
            report_id = _ensure(cur, identity, stamp)
            _sighting(cur, report_id, identity, stamp)
            _remember(cur, report_id, (meta for meta, _, _, _ in entries), identity.sha256, stamp)
            for meta, verdict, comment, when in entries:
                row = cur.execute(
                    "SELECT verdict, comment FROM changes WHERE report_id = ? AND fingerprint = ? ORDER BY id DESC LIMIT 1",
                    (report_id, meta.fingerprint),
                ).fetchone()
                if row is not None and tuple(row) == (verdict, comment):
                    continue
                cur.execute(
                    "INSERT INTO changes (report_id, fingerprint, verdict, comment, auditor, changed_at, previous_verdict, previous_comment, sha256, path, origin) "
                    "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, 'import')",
                    (report_id, meta.fingerprint, verdict, comment, when or stamp, row[0] if row else None, row[1] if row else None, identity.sha256 or "", path),
                )
                added += 1
            cur.execute("INSERT INTO imports (path, sha256, imported_at, entries) VALUES (?, ?, ?, ?)", (path, sha256, stamp, added))
        return added


_CHANGE_SELECT = (
    "SELECT c.id, c.fingerprint, c.verdict, c.comment, c.auditor, c.changed_at, c.previous_verdict, c.previous_comment, "
    "c.sha256, c.path, c.origin, coalesce(f.rule, ''), coalesce(f.severity, ''), coalesce(f.message, '') "
    "FROM changes c LEFT JOIN findings f ON f.report_id = c.report_id AND f.fingerprint = c.fingerprint"
)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error); database errors become StoreError."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    def __enter__(self) -> sqlite3.Cursor:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(str(self.path), f"无法写入审核意见数据库（{exc}）") from exc
        return self.conn.cursor()

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.DatabaseError as error:
                self.conn.execute("ROLLBACK")
                raise StoreError(str(self.path), f"无法写入审核意见数据库（{error}）") from error
        self.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError(str(self.path), f"无法写入审核意见数据库（{exc}）") from exc
        return False


def _change(cur: sqlite3.Cursor, report_id: int, identity, meta: FindingMeta, verdict: str | None, comment: str | None, auditor: str, origin: str, stamp: str) -> None:
    """Append one change (within the caller's transaction), unless it alters nothing."""
    row = cur.execute(
        "SELECT verdict, comment FROM changes WHERE report_id = ? AND fingerprint = ? ORDER BY id DESC LIMIT 1",
        (report_id, meta.fingerprint),
    ).fetchone()
    previous_verdict, previous_comment = row if row else (None, None)
    new_verdict = verdict if verdict is not None else (previous_verdict or "pending")
    new_comment = comment if comment is not None else (previous_comment or "")
    if row is not None and (new_verdict, new_comment) == (previous_verdict, previous_comment):
        return
    if row is None and new_verdict == "pending" and not new_comment:
        return  # nothing to say yet
    cur.execute(
        "INSERT INTO changes (report_id, fingerprint, verdict, comment, auditor, changed_at, previous_verdict, previous_comment, sha256, path, origin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (report_id, meta.fingerprint, new_verdict, new_comment, auditor or "", stamp, previous_verdict, previous_comment, identity.sha256 or "", identity.path or "", origin),
    )


def _find(read, identity) -> int | None:
    row = read(
        "SELECT id FROM reports WHERE agency_key = ? AND year = ? AND layout = ? AND anchor = ?",
        (identity.agency_key, identity.year or 0, identity.layout, identity.anchor),
    )
    if row:
        return row[0][0]
    if identity.anchor or not identity.agency:
        return None
    # the same agency printed with or without its administrative prefix (洪泽区人民政府 = 淮安市洪泽区人民政府)
    from .agency import same_agency

    candidates = read("SELECT id, agency FROM reports WHERE year = ? AND layout = ? AND anchor = ''", (identity.year or 0, identity.layout))
    matches = [rid for rid, agency in candidates if same_agency(agency, identity.agency)]
    return matches[0] if len(matches) == 1 else None


def _ensure(cur: sqlite3.Cursor, identity, stamp: str) -> int:
    found = _find(lambda sql, args=(): cur.execute(sql, tuple(args)).fetchall(), identity)
    if found is not None:
        return found
    cur.execute(
        "INSERT INTO reports (agency_key, year, layout, anchor, agency, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (identity.agency_key, identity.year or 0, identity.layout, identity.anchor, identity.agency or "", stamp),
    )
    return cur.lastrowid


def _sighting(cur: sqlite3.Cursor, report_id: int, identity, stamp: str) -> None:
    if not identity.sha256:
        return
    cur.execute(
        "INSERT INTO sightings (report_id, sha256, path, agency, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (report_id, sha256, path) DO UPDATE SET last_seen = excluded.last_seen",
        (report_id, identity.sha256, identity.path or "", identity.agency or "", stamp, stamp),
    )


def _remember(cur: sqlite3.Cursor, report_id: int, findings: Iterable[FindingMeta], sha256: str, stamp: str) -> None:
    cur.executemany(
        "INSERT INTO findings (report_id, fingerprint, rule, severity, message, first_sha256, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (report_id, fingerprint) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, message = excluded.message "
        "WHERE findings.severity = '' AND excluded.severity != ''",
        [(report_id, f.fingerprint, f.rule, f.severity, f.message, sha256 or "", stamp) for f in findings],
    )


# -- opening, creating, checking ---------------------------------------------------------------------

def _open(path: Path, readonly: bool) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(os.fspath(path), timeout=_TIMEOUT, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(_TIMEOUT * 1000)}")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), f"无法打开审核意见数据库（{exc}）") from exc


def _create(path: Path) -> bool:
    """A new, empty store at ``path``: built aside and linked into place, so that a concurrent
    creator either wins or sees a complete database (never a half-made one). False if another
    process created it first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(os.fspath(temporary), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN")
            for sql in (*SCHEMA.values(), *SCHEMA_V2.values(), *INDEXES, *INDEXES_V2):
                conn.execute(sql)
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION)), ("created_at", now())])
            conn.execute("COMMIT")
        finally:
            conn.close()
        try:
            os.link(temporary, path)
            return True
        except FileExistsError:
            return False
    except sqlite3.DatabaseError as exc:
        raise StoreError(str(path), f"无法创建审核意见数据库（{exc}）") from exc
    except OSError as exc:
        raise StoreError(str(path), f"无法创建审核意见数据库（{exc.strerror or exc}）") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def validate(path: Path) -> None:
    """Raise :class:`StoreError` unless ``path`` is a readable review store; never writes to it."""
    where = str(path)
    try:
        if path.is_dir():
            raise StoreError(where, "这是文件夹，不是审核意见数据库")
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise StoreError(where, f"无法读取审核意见数据库（{exc.strerror or exc}）") from exc
    if not head:
        raise StoreError(where, "文件为空，不是审核意见数据库（SQLite）；文件未改动")
    if not head.startswith(_HEADER):
        raise StoreError(where, f"不是审核意见数据库（{_what(head)}，不是 SQLite 数据库）；文件未改动")
    # Read-only; without a write-ahead log beside it the file is complete and is read as immutable,
    # which creates no -wal/-shm files next to a file that may not even be ours.
    immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True, timeout=_TIMEOUT)
    except sqlite3.DatabaseError as exc:
        raise StoreError(where, f"无法打开审核意见数据库（{exc}）；文件未改动") from exc
    try:
        try:
            status = [row[0] for row in conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(where, f"审核意见数据库已损坏或不完整（{exc}）；文件未改动") from exc
        if status != ["ok"]:
            detail = " ".join(" ".join(map(str, status[:3])).split())[:200]
            raise StoreError(where, f"审核意见数据库已损坏（{detail}）；文件未改动")
        _check_schema(conn, where)
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, condition, label in _TYPE_CHECKS:
            if table not in present:
                continue
            bad = conn.execute(f"SELECT rowid FROM {table} WHERE {condition} LIMIT 1").fetchone()
            if bad is not None:
                raise StoreError(where, f"审核意见数据库中的{label}数据类型或取值错误（{table} 表第 {bad[0]} 行）；文件未改动")
    except sqlite3.DatabaseError as exc:
        raise StoreError(where, f"审核意见数据库无法读取（{exc}）；文件未改动") from exc
    finally:
        conn.close()


def _check_schema(conn: sqlite3.Connection, where: str) -> None:
    tables = {row[0]: row for row in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        raise StoreError(where, "不是 xxgk-audit 的审核意见数据库（SQLite 文件中没有 meta 表）；文件未改动")
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("application") != APPLICATION:
        raise StoreError(where, "不是 xxgk-audit 的审核意见数据库（meta 表标识不符）；文件未改动")
    version = meta.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise StoreError(where, f"审核意见数据库的结构版本为 {version}，本版本的 xxgk-audit 只能读取版本 {'、'.join(READABLE_VERSIONS)}；文件未改动")
    strict = {row[1]: row[5] for row in conn.execute("PRAGMA table_list") if row[0] == "main"}
    reference = sqlite3.connect(":memory:")
    expected_tables = {**SCHEMA, **(SCHEMA_V2 if version != "1" else {})}
    try:
        for name, sql in expected_tables.items():
            if name not in tables:
                raise StoreError(where, f"审核意见数据库缺少 {name} 表；文件未改动")
            reference.execute(sql)
            expected = [row[1:6] for row in reference.execute(f"PRAGMA table_info({name})")]
            actual = [row[1:6] for row in conn.execute(f"PRAGMA table_info({name})")]
            if expected != actual or not strict.get(name):
                raise StoreError(where, f"审核意见数据库的 {name} 表结构或数据类型与本工具不符；文件未改动")
    finally:
        reference.close()


def _what(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "带 BOM 的文字文件"
    if head.lstrip()[:1] in (b"{", b"["):
        return "看起来是 JSON 文件"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "文字文件"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gb18030")
        return "GBK 编码的文字文件"
    except UnicodeDecodeError:
        return "未知格式的文件"
