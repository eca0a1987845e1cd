"""Writing files safely where others may have been: atomically, never through a planted link.

A temporary file is created with ``mkstemp`` in the target's folder (a new name, ``O_EXCL``: an
existing file or symbolic link there is never opened), filled, and renamed over the target (the
rename replaces a link at the target's name instead of writing through it). On any failure the
temporary file is removed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(target: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``target`` through a fresh temporary file in the same folder."""
    target = Path(target)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)  # as open() would have made it
            handle.write(payload)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise
    return target


def create_exclusive(folder: str | os.PathLike, name: str, data: bytes, mode: int = 0o666) -> Path | None:
    """Create ``folder/name`` holding ``data``; None when that name is taken (by anything, a link too)."""
    target = Path(folder) / name
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags, mode)
    except FileExistsError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        try:
            os.remove(target)
        except OSError:
            pass
        raise
    return target
