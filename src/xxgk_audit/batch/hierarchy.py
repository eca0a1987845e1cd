"""Hierarchy declarations (``hierarchy.yaml`` / ``hierarchy.csv``): which reports a summary report
sums up, resolved against the files of the batch."""

from __future__ import annotations

import csv
import fnmatch
import os

from ..errors import InputError
from ..shown import shown


def read_hierarchy(declaration: str) -> tuple[dict[str, list[str]], list[str]]:
    """``{summary path: [member path or pattern, …]}`` of one declaration file, and its problems.

    Paths are relative to the declaration's folder. YAML: a mapping from each summary report to
    the list of its members. CSV: columns ``summary,member`` (or ``汇总报告,下属报告``), one row per
    member. Raises InputError when the file cannot be read at all.
    """
    base = os.path.dirname(declaration)
    text = _read_text(declaration)
    read = _read_csv if declaration.lower().endswith(".csv") else _read_yaml
    mapping, problems = read(declaration, text)
    resolved = {os.path.join(base, summary): [os.path.join(base, m) for m in members] for summary, members in mapping.items()}
    return resolved, problems


MAX_DECLARATION_BYTES = 10 * 1024 * 1024


def _read_text(declaration: str) -> str:
    """The declaration's text: a regular file (opened without blocking: a FIFO never waits), not
    above 10 MB, in UTF-8."""
    import stat

    try:
        fd = os.open(declaration, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise InputError(declaration, f"层级声明文件无法读取（{shown(getattr(exc, 'strerror', None) or exc)}）") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(declaration, "层级声明不是普通文件，未读取")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_DECLARATION_BYTES + 1)
    except OSError as exc:
        raise InputError(declaration, f"层级声明文件无法读取（{shown(exc.strerror or exc)}）") from None
    finally:
        os.close(fd)
    if len(data) > MAX_DECLARATION_BYTES:
        raise InputError(declaration, f"层级声明文件过大（超过 {MAX_DECLARATION_BYTES // (1024 * 1024)} MB）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(declaration, "层级声明文件不是 UTF-8 编码的文字") from None


def _read_csv(declaration: str, text: str) -> tuple[dict[str, list[str]], list[str]]:
    mapping: dict[str, list[str]] = {}
    problems: list[str] = []
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
    return mapping, problems


def _read_yaml(declaration: str, text: str) -> tuple[dict[str, list[str]], list[str]]:
    import yaml

    mapping: dict[str, list[str]] = {}
    problems: list[str] = []
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
    return mapping, problems


def declared_members(declarations: list[str], known: dict[str, int], given: dict[str, int] | None = None) -> tuple[dict[int, tuple[int, ...]], list[tuple[str, str]], list[str]]:
    """Summary index -> member indexes; problems (rows of the declaration); notes.

    ``known`` maps the real path of each file of the batch to its index (``given``: the paths as
    found, for files reached through a symbolic link). Every entry is resolved inside the
    declaration's folder, among the files of the batch only: an absolute path, a ``..`` or a
    pattern never reaches beyond it, and nothing else of the file system is looked at. A summary
    with a member entry that names no file of the batch is not checked at all: the sum of the
    members found would be wrong.
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
        scope = _Scope(base, known, given or {})
        for summary, patterns in mapping.items():
            shown_summary = shown(os.path.relpath(summary, base))
            if not scope.inside(summary):
                problems.append((declaration, f"汇总报告“{shown_summary}”{_OUTSIDE}"))
                continue
            index = known.get(os.path.realpath(summary))
            if index is None:
                problems.append((declaration, f"汇总报告“{shown_summary}”不在本次审核的文件中"))
                continue
            members: list[int] = []
            complete = True
            for pattern in patterns:
                shown_member = shown(os.path.relpath(pattern, base))
                if not scope.inside(pattern):
                    problems.append((declaration, f"下属报告“{shown_member}”{_OUTSIDE}"))
                    complete = False
                    continue
                hits = [i for i in scope.expand(pattern) if i != index]
                if not hits:
                    problems.append((declaration, f"找不到下属报告“{shown_member}”"))
                    complete = False
                members += [i for i in hits if i not in members]
            if not complete:
                notes.append(f"汇总报告“{shown(summary)}”声明的下属报告不全，未核对汇总数（HIERARCHY-SUM）")
            elif members:
                members_of[index] = tuple(members)
    return members_of, problems, notes


_MAX_SEGMENTS = 64  # folders in a member pattern
_OUTSIDE = "不在声明文件所在的文件夹内（只能写该文件夹内的相对路径，不能用绝对路径或“..”），已忽略"


class _Scope:
    """The files of the batch inside one declaration's folder, by their path relative to it."""

    def __init__(self, base: str, known: dict[str, int], given: dict[str, int]):
        self.base = base
        self.real_base = os.path.realpath(base or ".")
        self.relative: dict[str, set[int]] = {}
        for path, index in list(known.items()) + [(os.path.abspath(p), i) for p, i in given.items()]:
            for root in {self.real_base, os.path.abspath(base or ".")}:
                if path.startswith(root.rstrip(os.sep) + os.sep):
                    self.relative.setdefault(os.path.relpath(path, root).replace(os.sep, "/"), set()).add(index)
        self.known = known

    def inside(self, entry: str) -> bool:
        """Whether an entry (already joined to the folder) stays in it: not absolute, no "..",
        and not through a symbolic link to a folder outside."""
        relative = os.path.relpath(entry, self.base or ".") if entry.startswith(self.base) else entry
        parts = relative.replace(os.sep, "/").split("/")
        if os.path.isabs(relative) or relative.startswith("~") or ".." in parts:
            return False
        real = os.path.realpath(entry if not _has_magic(relative) else os.path.join(self.base, _literal_head(relative)))
        return real == self.real_base or real.startswith(self.real_base.rstrip(os.sep) + os.sep)

    def expand(self, entry: str) -> list[int]:
        """Indexes of the batch's files an entry names: a file, a folder or a glob pattern (``*``,
        ``?``, ``[…]`` within a name, ``**`` across folders), matched against the batch's own
        files, never by walking the file system. An entry naming an existing file is that file,
        even with ``[`` in its name."""
        real = os.path.realpath(entry)
        if real in self.known:
            return [self.known[real]]
        if os.path.isdir(entry):
            prefix = real.rstrip(os.sep) + os.sep
            return sorted(i for path, i in self.known.items() if path.startswith(prefix))
        relative = os.path.relpath(entry, self.base or ".").replace(os.sep, "/")
        if not _has_magic(relative):
            return []
        pattern = relative.split("/")
        if len(pattern) > _MAX_SEGMENTS:
            return []
        return sorted({i for path, indexes in self.relative.items() if _matches(path.split("/"), pattern) for i in indexes})


def _has_magic(entry: str) -> bool:
    return any(ch in entry for ch in "*?[")


def _literal_head(relative: str) -> str:
    """The folders before the first pattern segment."""
    parts = relative.split("/")
    head = []
    for part in parts:
        if _has_magic(part):
            break
        head.append(part)
    return "/".join(head)


def _matches(parts: list[str], pattern: list[str]) -> bool:
    """glob's matching of a relative path, segment by segment (``**``: any number of folders);
    hidden names match only a pattern segment that starts with a dot, as in glob. Memoised on
    the positions: a declaration full of ``**`` costs no more than path × pattern steps."""
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def match(i: int, j: int) -> bool:
        if j == len(pattern):
            return i == len(parts)
        head = pattern[j]
        if head == "**":
            return match(i, j + 1) or (i < len(parts) and not parts[i].startswith(".") and match(i + 1, j))
        if i == len(parts) or (parts[i].startswith(".") and not head.startswith(".")):
            return False
        return fnmatch.fnmatchcase(parts[i], head) and match(i + 1, j + 1)

    return match(0, 0)
