"""Hierarchy declarations (``hierarchy.yaml`` / ``hierarchy.csv``): which reports a summary report
sums up, resolved against the files of the batch."""

from __future__ import annotations

import csv
import os

from ..errors import InputError


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
    read = _read_csv if declaration.lower().endswith(".csv") else _read_yaml
    mapping, problems = read(declaration, text)
    resolved = {os.path.join(base, summary): [os.path.join(base, m) for m in members] for summary, members in mapping.items()}
    return resolved, problems


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


def declared_members(declarations: list[str], known: dict[str, int]) -> tuple[dict[int, tuple[int, ...]], list[tuple[str, str]], list[str]]:
    """Summary index -> member indexes; problems (rows of the declaration); notes.

    ``known`` maps the real path of each file of the batch to its index. A summary with a member
    entry that names no file of the batch is not checked at all: the sum of the members found
    would be wrong.
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
                hits = [i for i in _expand(pattern, base, known) if i != index]
                if not hits:
                    problems.append((declaration, f"找不到下属报告“{os.path.relpath(pattern, base)}”"))
                    complete = False
                members += [i for i in hits if i not in members]
            if not complete:
                notes.append(f"汇总报告“{summary}”声明的下属报告不全，未核对汇总数（HIERARCHY-SUM）")
            elif members:
                members_of[index] = tuple(members)
    return members_of, problems, notes


def _expand(entry: str, base: str, known: dict[str, int]) -> list[int]:
    """Indexes of the batch's files a member entry names: a file, a folder or a glob pattern.

    An entry naming an existing file is that file, even with ``[`` in its name; only the part after
    the declaration's folder ``base`` is a pattern, the folder's own name is taken literally.
    """
    import glob

    if os.path.isdir(entry):
        prefix = os.path.realpath(entry) + os.sep
        return sorted(i for real, i in known.items() if real.startswith(prefix))
    literal = base if entry.startswith(base) else ""
    if not os.path.exists(entry) and any(ch in entry[len(literal):] for ch in "*?["):
        hits = sorted(glob.glob(glob.escape(literal) + entry[len(literal):], recursive=True))
    else:
        hits = [entry]
    return [known[real] for real in (os.path.realpath(h) for h in hits) if real in known]
