"""Where things are: the project checkout, the bundled sample, the memo folder, the inbox.

Relative report paths in the notebook resolve against the current folder first, then against the
project root, so the notebook runs the same from ``notebooks/`` (JupyterLab, Voilà) and from the
repository root (papermill, ``xxgk-audit memo``).
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE = "data/samples/2023_suixian-gxj.txt"
OUT_DIR_ENV = "XXGK_AUDIT_OUT_DIR"
INBOX_ENV = "XXGK_AUDIT_INBOX"
REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # images: scans (OCR extra)


def out_dir_env() -> str:
    return OUT_DIR_ENV


def _is_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "notebooks").is_dir() and (path / "data").is_dir()


def repo_root(start: str | os.PathLike | None = None) -> Path | None:
    """The project checkout: above the package (editable install) or above ``start`` / the cwd."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent.parent, *Path(start or os.getcwd()).resolve().parents, Path(start or os.getcwd()).resolve()):
        if _is_root(candidate):
            return candidate
    return None


def resolve_report(path: str | os.PathLike) -> Path:
    """An existing file for ``path``: as given, else relative to the project root (else as given)."""
    given = Path(os.path.expanduser(os.fspath(path)))
    if given.is_absolute() or given.exists():
        return given
    root = repo_root()
    if root is not None and (root / given).exists():
        return root / given
    return given


def out_dir() -> Path:
    """Memos and saved verdicts: ``$XXGK_AUDIT_OUT_DIR``, else ``<project>/reports``, else ./reports."""
    env = os.environ.get(OUT_DIR_ENV)
    if env:
        return Path(env)
    root = repo_root()
    return (root / "reports") if root is not None else Path("reports").resolve()


def inbox_dir() -> Path:
    """``$XXGK_AUDIT_INBOX``, else ``<project>/reports/inbox``: reports dropped or uploaded for auditing."""
    if os.environ.get(INBOX_ENV):
        return Path(os.environ[INBOX_ENV])
    root = repo_root()
    return (root / "reports" / "inbox") if root is not None else Path("reports/inbox").resolve()


def report_choices() -> list[tuple[str, str]]:
    """(label, path) of every report file under ``<project>/data`` and the inbox, for a picker; a
    folder holding only page images (a scanned report) is one choice."""
    from .loaders.images import folder_pages

    root = repo_root()
    folders = [(root / "data") if root is not None else None, inbox_dir()]
    choices: list[tuple[str, str]] = []
    seen = set()
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        pages = {str(p) for d in folder.rglob("*") if d.is_dir() and (found := folder_pages(str(d))) for p in found}
        for path in sorted(folder.rglob("*")):
            if str(path) in pages:
                continue  # a page of a scanned report listed as its folder
            if (path.is_file() and path.suffix.lower() in REPORT_SUFFIXES and not path.name.startswith(".")) or (path.is_dir() and folder_pages(str(path))):
                resolved = str(path.resolve())
                if resolved in seen:
                    continue
                seen.add(resolved)
                label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
                choices.append((label, resolved))
    return choices
