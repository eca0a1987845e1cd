"""Where things are: the project checkout, the bundled sample, the memo folder, the inbox.

Relative report paths in the notebook resolve against the current folder first, then against the
project root, so the notebook runs the same from ``notebooks/`` (JupyterLab, Voilà) and from the
repository root (papermill, ``xxgk-audit memo``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

SAMPLE = "data/samples/2023_suixian-gxj.txt"
OUT_DIR_ENV = "XXGK_AUDIT_OUT_DIR"
INBOX_ENV = "XXGK_AUDIT_INBOX"
ROOTS_ENV = "XXGK_AUDIT_ROOTS"  # set by `xxgk-audit app`: the only folders the app may read reports from
REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # images: scans (OCR extra)
MAX_UPLOAD_NAME = 200  # bytes of UTF-8: file systems allow 255
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


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


# -- the folders the app may read -------------------------------------------------------------------

def default_roots() -> list[Path]:
    """The project's ``data/`` and ``reports/`` folders (and the memo folder and inbox, when elsewhere)."""
    root = repo_root()
    base = root if root is not None else Path.cwd()
    roots = _unique([base / "data", base / "reports", out_dir(), inbox_dir()])
    return [r for r in roots if not any(other != r and other in r.parents for other in roots)]


def allowed_roots() -> list[Path] | None:
    """The folders reports may be opened from, when restricted (``$XXGK_AUDIT_ROOTS``, set by
    ``xxgk-audit app``: the defaults plus every ``--allow DIR``); None: unrestricted (a notebook
    in the auditor's own JupyterLab)."""
    value = os.environ.get(ROOTS_ENV)
    if not value:
        return None
    return _unique(Path(part) for part in value.split(os.pathsep) if part)


def check_allowed(path: str | os.PathLike, roots: list[Path] | None) -> Path:
    """``path`` resolved (links followed); InputError when it lies outside every root."""
    resolved = Path(os.path.realpath(os.fspath(path)))
    if roots is None:
        return resolved
    for root in roots:
        real = Path(os.path.realpath(root))
        if resolved == real or real in resolved.parents:
            return resolved
    folders = "、".join(str(r) for r in roots)
    raise InputError(os.fspath(path), f"只能打开这些文件夹中的报告：{folders}（启动时用 --allow 添加其他文件夹）")


def _unique(paths) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        path = Path(os.path.abspath(path))
        if path not in out:
            out.append(path)
    return out


# -- uploads ------------------------------------------------------------------------------------------

def upload_name(name) -> str:
    """The file name of an upload, checked: a plain name with a report suffix, no folder, no
    ``..``, no NUL or control character, not hidden, not over-long. InputError otherwise."""
    name = str(name or "")
    if not name or name in (".", "..") or any(sep in name for sep in ("/", "\\")) or "\x00" in name:
        raise InputError(name, "上传的文件名无效（不能含路径、“..”或空字符），请改名后再上传")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) <= 0xDFFF for ch in name) or name.startswith("."):
        raise InputError(name, "上传的文件名无效（含控制字符，或以“.”开头），请改名后再上传")
    if len(name.encode("utf-8")) > MAX_UPLOAD_NAME:
        raise InputError(name, f"上传的文件名过长（超过 {MAX_UPLOAD_NAME} 字节），请改名后再上传")
    if os.path.splitext(name)[1].lower() not in REPORT_SUFFIXES:
        raise InputError(name, f"只能上传报告文件（{'、'.join(REPORT_SUFFIXES)}）")
    return name


def save_upload(name, content: bytes, folder: str | os.PathLike) -> tuple[Path, bool]:
    """Save an uploaded report in ``folder`` under its checked name; a file of that name is never
    replaced: the same content is that file again, other content gets ``name (2).ext`` …
    Returns (path, renamed)."""
    import hashlib

    from .files import create_exclusive

    name = upload_name(name)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError(name, f"上传的文件过大（超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    digest = hashlib.sha256(content).digest()
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem} ({n}){suffix}"
        created = create_exclusive(folder, candidate, content)
        if created is not None:
            return created, n > 1
        existing = folder / candidate
        if existing.is_file() and not existing.is_symlink() and _same_content(existing, digest, len(content)):
            return existing, n > 1
    raise InputError(name, "收件夹中同名文件过多，请改名后再上传")


def _same_content(path: Path, digest: bytes, size: int) -> bool:
    import hashlib

    try:
        if path.stat().st_size != size:
            return False
        return hashlib.sha256(path.read_bytes()).digest() == digest
    except OSError:
        return False


def report_choices(roots: list[Path] | None = None) -> list[tuple[str, str]]:
    """(label, path) of every report file under ``<project>/data`` and the inbox (``roots``: under
    those folders instead), for a picker; a folder holding only page images (a scanned report) is
    one choice. Links leading out of the folders are not listed."""
    from .loaders.images import folder_pages

    root = repo_root()
    folders = list(roots) if roots is not None else [(root / "data") if root is not None else None, inbox_dir()]
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
                if roots is not None and not any(Path(resolved).is_relative_to(os.path.realpath(r)) for r in roots):
                    continue
                if resolved in seen:
                    continue
                seen.add(resolved)
                label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
                choices.append((label, resolved))
    return choices
