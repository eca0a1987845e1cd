"""The OCR result of each page, cached on disk as JSON, so that a report is recognized once.

A page is keyed by the sha256 of the file it comes from (the PDF, or the image file of a folder),
its page number, the resolution it was recognized at and the engine (package, runtime and this
pipeline's version): change any of them and the page is recognized again. Files are plain JSON
(never pickle), written atomically, so that parallel workers of a batch can share the cache; one
that cannot be read or does not match is recognized again and rewritten.

Where: ``$XXGK_AUDIT_OCR_CACHE`` if set (``off`` disables the cache), else the user's cache folder:
``$XDG_CACHE_HOME/xxgk-audit/ocr`` (``~/.cache/xxgk-audit/ocr``; ``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "xxgk-audit-ocr-page"
ENV = "XXGK_AUDIT_OCR_CACHE"
_MAX_BYTES = 32 * 1024 * 1024
_OFF = ("", "0", "off", "no", "false", "none")


def directory() -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    value = os.environ.get(ENV)
    if value is not None:
        return None if value.strip().lower() in _OFF else Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    root = Path(base) if base else Path.home() / ".cache"
    return root / "xxgk-audit" / "ocr"


def path(sha256: str, page: int, dpi: int, engine: str) -> Path | None:
    folder = directory()
    if folder is None:
        return None
    return folder / sha256[:2] / f"{sha256}-p{page}-{dpi}dpi-{engine}.json"


def read(sha256: str, page: int, dpi: int, engine: str) -> dict[str, Any] | None:
    """The cached result of a page, or None (absent, unreadable, of another engine)."""
    target = path(sha256, page, dpi, engine)
    if target is None:
        return None
    try:
        if target.stat().st_size > _MAX_BYTES:
            return None
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("engine") != engine or data.get("dpi") != dpi:
        return None
    return data


def write(sha256: str, page: int, dpi: int, engine: str, result: dict[str, Any]) -> None:
    """Store a page's result; a cache that cannot be written is skipped (the audit goes on)."""
    target = path(sha256, page, dpi, engine)
    if target is None:
        return
    payload = dict(result, format=FORMAT, engine=engine, dpi=dpi)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError:
        return
