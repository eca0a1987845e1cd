"""The scan pass's loaded documents, kept for the audit pass as plain JSON (never pickle).

A spool file is data only: reading one cannot run code, whoever wrote it. The spool folder lives
in the batch's private staging folder (``mkdtemp``, mode 0700); each file is created exclusively
(``O_EXCL``, no link followed) and is read back only by the run that wrote it. Anything that does
not read back as a document (damaged, truncated, of another shape) is ignored: the audit pass
then loads the report from its file again.
"""

from __future__ import annotations

import json
import os

from ..document import Block, CellText, Document

VERSION = 1


def folder(stage: str) -> str:
    """The spool folder inside the staging folder."""
    path = os.path.join(stage, "spool")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def write(document: Document, spool_dir: str, index: int) -> str | None:
    """Write ``document`` as ``<index>.json``; None when it cannot be written (a worker on another
    machine, a folder that is gone)."""
    target = os.path.join(spool_dir, f"{int(index)}.json")
    data = json.dumps(_plain(document), separators=(",", ":")).encode("ascii")  # \\u-escapes: any name, any text
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError:
        try:
            os.remove(target)
        except OSError:
            pass
        return None
    return target


def read(path: str) -> Document | None:
    """The document of a spool file, or None when it is missing or not what :func:`write` wrote."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            data = json.loads(handle.read())
        return _document(data)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def _plain(document: Document) -> dict:
    return {
        "version": VERSION,
        "path": document.path,
        "sha256": document.sha256,
        "format": document.format,
        "encoding": document.encoding,
        "meta": document.meta,
        "lines": [[n, text] for n, text in document.source_lines.items()],
        "pages": [[n, text] for n, text in document.source_pages.items()],
        "blocks": [
            [b.kind, b.text, b.line, b.page, b.table, b.level, b.column, [[c.text, c.line, c.page, c.colspan, c.inherited, c.column] for c in b.cells]]
            for b in document.blocks
        ],
    }


def _document(data) -> Document:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("not a spooled document")
    blocks = []
    for kind, text, line, page, table, level, column, cells in data["blocks"]:
        if kind not in ("heading", "text", "row"):
            raise ValueError(kind)
        blocks.append(
            Block(
                kind,
                _text(text),
                line=_number(line),
                page=_number(page),
                cells=tuple(CellText(_text(t), line=_number(l), page=_number(p), colspan=int(s), inherited=bool(i), column=_number(c)) for t, l, p, s, i, c in cells),
                table=_number(table),
                level=_number(level),
                column=int(column),
            )
        )
    meta = data["meta"]
    if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        raise ValueError("meta")
    return Document(
        path=_text(data["path"]),
        sha256=_text(data["sha256"]),
        format=_text(data["format"]),
        encoding=None if data["encoding"] is None else _text(data["encoding"]),
        blocks=blocks,
        source_lines={int(n): _text(t) for n, t in data["lines"]},
        source_pages={int(n): _text(t) for n, t in data["pages"]},
        meta=meta,
    )


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _number(value) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("integer expected")
    return value
