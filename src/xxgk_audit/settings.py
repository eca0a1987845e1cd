"""What the app remembers between page loads: the report last opened and the auditor's name.

One small JSON file beside the memos (``reports/app-settings.json``; never committed). It is a
convenience, not work product: an unreadable or unwritable file means starting without it, never
an error in the auditor's face.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SETTINGS_NAME = "app-settings.json"


@dataclass
class AppSettings:
    last_report: str = ""
    auditor: str = ""


def settings_path(folder: str | os.PathLike | None = None) -> Path:
    from .paths import out_dir

    return Path(folder) if folder else out_dir()


def load_settings(folder: str | os.PathLike | None = None) -> AppSettings:
    path = settings_path(folder) / SETTINGS_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return AppSettings()
    if not isinstance(data, dict):
        return AppSettings()
    known = {f.name for f in fields(AppSettings)}
    return AppSettings(**{k: v for k, v in data.items() if k in known and isinstance(v, str)})


def save_settings(folder: str | os.PathLike | None = None, **changes: str) -> AppSettings:
    """Update some settings and write the file atomically; returns the settings as saved."""
    settings = load_settings(folder)
    for key, value in changes.items():
        setattr(settings, key, value)
    path = settings_path(folder) / SETTINGS_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass  # a read-only folder: the app works, it only forgets
    return settings
