"""One-time import of the verdict files of earlier versions (``<report stem>.review.json``).

Those files sat in the output folder, one per report *file name*, keyed by fingerprint. Each file
in the review store's folder that has not been imported yet (by path and content hash) is read and
its verdicts are added to the store under the identity of the report it names (agency, year,
layout: the layout is read from the report file when it is still there unchanged, else inferred
from the year), as history rows of origin ``import``. The files are never changed or removed.

A file that cannot be read — not UTF-8 (with or without BOM) nor GBK, not valid JSON (a trailing
comma, say), entries of the wrong type, no agency and year — is refused with a message naming it
and the reason, every time the store is opened for writing, until it is fixed: never read as
empty, never overwritten.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .review import VERDICTS, ReportIdentity, parse_verdict
from .store import FindingMeta

SUFFIX = ".review.json"
MAX_BYTES = 20 * 1024 * 1024


def legacy_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{SUFFIX}") if p.is_file())


class LegacyError(ValueError):
    """A legacy file that cannot be imported; the message says why (in Chinese)."""


def import_folder(store, folder: str | Path) -> list[str]:
    """Import every legacy file of ``folder`` not imported yet; one message per file imported or refused."""
    messages = []
    for path in legacy_files(folder):
        raw = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
        if raw is None:
            messages.append(f"{path}: 未导入以往的审核意见：文件过大（超过 {MAX_BYTES // 1024 // 1024} MB）；文件未改动")
            continue
        digest = hashlib.sha256(raw).hexdigest()
        key = str(path.resolve())
        if store.imported(key, digest):
            continue
        try:
            identity, entries = read_legacy(path, raw)
        except LegacyError as exc:
            messages.append(f"{path}: 未导入以往的审核意见：{exc}；文件未改动，修正后会自动导入")
            continue
        added = store.import_entries(identity, entries, key, digest)
        messages.append(f"已将以往的审核意见 {path}（{len(entries)} 条，{identity.label}）导入审核意见数据库 {store.path}" + ("" if added == len(entries) else f"（其中 {len(entries) - added} 条与数据库中已有的相同）"))
    return messages


def read_legacy(path: Path, raw: bytes) -> tuple[ReportIdentity, list[tuple[FindingMeta, str, str, str]]]:
    """The identity and the (finding, verdict, comment, time) entries of one legacy file."""
    text = _decode(raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LegacyError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("verdicts"), dict):
        raise LegacyError("不是 xxgk-audit 的审核意见文件（缺少 verdicts）")
    entries = []
    for fingerprint, entry in data["verdicts"].items():
        if not isinstance(entry, dict):
            raise LegacyError(f"审核意见 {fingerprint} 不是对象")
        verdict = entry.get("verdict", "pending")
        if not isinstance(verdict, str) or (verdict not in VERDICTS and verdict not in VERDICTS.values()):
            raise LegacyError(f"审核意见 {fingerprint} 的 verdict 取值无效（{verdict!r}）")
        fields = {name: entry.get(name) if entry.get(name) is not None else "" for name in ("comment", "rule", "message", "updated")}
        for name, value in fields.items():
            if not isinstance(value, str):
                raise LegacyError(f"审核意见 {fingerprint} 的 {name} 不是文字（{value!r}）")
        if parse_verdict(verdict) == "pending" and not fields["comment"]:
            continue
        entries.append((FindingMeta(str(fingerprint), fields["rule"], "", fields["message"]), parse_verdict(verdict), fields["comment"], fields["updated"]))
    return _identity(data.get("report"), path), entries


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise LegacyError("文字编码无法识别（不是 UTF-8 或 GBK）") from None


def _identity(report, path: Path) -> ReportIdentity:
    if not isinstance(report, dict):
        raise LegacyError("文件中没有报告信息（单位、年度），无法确定这些审核意见属于哪份报告")
    source, sha256 = report.get("source"), report.get("sha256")
    agency, year = report.get("agency"), report.get("year")
    if not isinstance(year, (int, type(None))) or isinstance(year, bool) or not isinstance(agency, (str, type(None))):
        raise LegacyError("报告信息中单位或年度的类型错误")
    if isinstance(source, str) and isinstance(sha256, str):
        current = _load_if_unchanged(source, sha256, path.parent)
        if current is not None:
            return ReportIdentity.of(current)
    if not agency or not year:
        raise LegacyError("报告信息中没有单位或年度，且报告文件已不在原处，无法确定这些审核意见属于哪份报告")
    from .layout import layout_for_year

    return ReportIdentity.from_fields(agency, year, layout_for_year(year).id, sha256 if isinstance(sha256, str) else "", source if isinstance(source, str) else "")


def _load_if_unchanged(source: str, sha256: str, folder: Path):
    """The report named by a legacy file, if it is still there with the same content."""
    from . import load_report
    from .errors import InputError
    from .paths import resolve_report

    for candidate in (resolve_report(source), folder / source):
        try:
            if not candidate.is_file() or hashlib.sha256(candidate.read_bytes()).hexdigest() != sha256:
                continue
            return load_report(str(candidate))
        except (InputError, OSError):
            continue
    return None
