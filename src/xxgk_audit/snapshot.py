"""An audit result as plain JSON, for handing it to another process (``xxgk-audit memo`` → its kernel).

``xxgk-audit memo`` parses and audits each report once, in the command's own process (where the
exit status is decided), and the audit notebook in the kernel shows that very result instead of
parsing the report again. The result crosses the process boundary as a JSON file written by
:func:`dump_audit` and read by :func:`load_audit_snapshot`:

- JSON, never pickle: the data derives from untrusted files, and decoding JSON runs no code.
- Only the package's own record types are rebuilt, from an explicit list (:data:`TYPES`), with
  exactly their declared fields; anything else is refused (:class:`SnapshotError`). A layout is
  referred to by its id and taken from the package. The loaded ``Document`` (source text) is not
  passed: the memo shows the parsed report, the findings and the equation checks, all included.
- The snapshot names the report's path and sha256 and the tool version; the notebook uses it only
  for that report and otherwise audits the report itself, so the notebook stays the source of the
  memo and runs the same under papermill, in JupyterLab and in Voilà.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = "xxgk-audit audit snapshot"
_TUPLE, _CLASS, _LAYOUT, _DICT = "~tuple", "~type", "~layout", "~dict"


class SnapshotError(ValueError):
    """A snapshot that is not what :func:`dump_audit` writes."""


def _types() -> dict[str, type]:
    from .document import OcrBox
    from .engine import AuditResult
    from .findings import Finding, Location
    from .layout import EquationInstance
    from .parse.narrative import Claim, Sentence
    from .publication import Publication
    from .report import Cell, Inseparable, LabelVariant, MissingRow, Report, SectionHit, Source, StrayHeading, Unmapped
    from .rules.registry import EquationCheck

    return {
        t.__name__: t
        for t in (
            AuditResult, Report, Source, Cell, SectionHit, StrayHeading, LabelVariant, Unmapped, Inseparable, MissingRow,
            Finding, Location, EquationCheck, EquationInstance, Claim, Sentence, Publication, OcrBox,
        )
    }


TYPES = (
    "AuditResult", "Report", "Source", "Cell", "SectionHit", "StrayHeading", "LabelVariant", "Unmapped", "Inseparable",
    "MissingRow", "Finding", "Location", "EquationCheck", "EquationInstance", "Claim", "Sentence", "Publication",
    "OcrBox",  # a recognized value's box (scans, pictures): the memo shows its image
)
_SKIPPED = {("Report", "document")}  # the loaded source text: not needed to show a memo


def encode(value: Any) -> Any:
    """Plain JSON data for a value made of the package's record types, containers and scalars."""
    from .layout import Layout

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise SnapshotError("only text keys can be encoded")
        return {_DICT: {k: encode(v) for k, v in value.items()}}
    if isinstance(value, Layout):
        return {_LAYOUT: value.id}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and name in TYPES:
        return {
            _CLASS: name,
            "fields": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if (name, f.name) not in _SKIPPED},
        }
    raise SnapshotError(f"cannot encode a {name}")


def decode(data: Any, _types_: dict[str, type] | None = None) -> Any:
    """The inverse of :func:`encode`; refuses any type or field it does not know."""
    types = _types_ or _types()
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, types) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise SnapshotError("malformed snapshot value")
    if _TUPLE in data and len(data) == 1:
        return tuple(decode(v, types) for v in _list(data[_TUPLE]))
    if _DICT in data and len(data) == 1:
        mapping = data[_DICT]
        if not isinstance(mapping, dict):
            raise SnapshotError("malformed mapping")
        return {str(k): decode(v, types) for k, v in mapping.items()}
    if _LAYOUT in data and len(data) == 1:
        from .layout import LayoutError, get_layout

        try:
            return get_layout(str(data[_LAYOUT]))
        except LayoutError as exc:
            raise SnapshotError(str(exc)) from None
    if _CLASS in data and "fields" in data:
        cls = types.get(data[_CLASS]) if data[_CLASS] in TYPES else None
        fields = data["fields"]
        if cls is None or not isinstance(fields, dict):
            raise SnapshotError(f"unknown type {data[_CLASS]!r}")
        declared = {f.name for f in dataclasses.fields(cls) if f.init} - {n for t, n in _SKIPPED if t == cls.__name__}
        if set(fields) != declared:
            raise SnapshotError(f"fields of {cls.__name__} do not match")
        return cls(**{name: decode(value, types) for name, value in fields.items()})
    raise SnapshotError("malformed snapshot value")


def _list(value) -> list:
    if not isinstance(value, list):
        raise SnapshotError("malformed tuple")
    return value


def dump_audit(result, priors=(), path: str | os.PathLike | None = None) -> dict:
    """The snapshot of an audit result and its priors; written to ``path`` (JSON) when given."""
    report = result.report
    data = {
        "format": FORMAT,
        "version": __version__,
        "source": str(Path(report.source).resolve()),
        "sha256": report.sha256,
        "result": encode(result),
        "priors": [encode(prior) for prior in priors],
    }
    if path is not None:
        target = Path(path)
        target.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return data


def load_audit_snapshot(path: str | os.PathLike, report_path: str | os.PathLike | None = None):
    """(result, priors) from a snapshot file; ``report_path``, if given, must be the report it holds."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"cannot read the snapshot {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError(f"{path} is no audit snapshot")
    if data.get("version") != __version__:
        raise SnapshotError(f"{path} was written by xxgk-audit {data.get('version')}, not {__version__}")
    if report_path is not None and os.path.realpath(str(report_path)) != os.path.realpath(str(data.get("source"))):
        raise SnapshotError(f"{path} holds the audit of {data.get('source')}, not of {report_path}")
    types = _types()
    result = decode(data.get("result"), types)
    priors = [decode(p, types) for p in _list(data.get("priors", []))]
    if type(result).__name__ != "AuditResult":
        raise SnapshotError(f"{path} holds no audit result")
    return result, priors
