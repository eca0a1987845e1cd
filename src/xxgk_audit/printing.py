"""The memo as PDF: the same HTML printed by the system's Chromium (headless), A4, fonts embedded.

Chromium lays the memo out with its print stylesheet (``@page { size: A4 }``, the ``@media print``
rules of memo.css) exactly as the browser tests see it, and embeds subsets of the fonts it used
(Noto Sans CJK from Debian's ``fonts-noto-cjk`` for the Chinese text). Nothing is fetched: the memo
is a local file whose Content-Security-Policy forbids every request.

What it needs: a Chromium or Chrome binary — ``$XXGK_CHROMIUM``, else the first of
:data:`CANDIDATES` on ``PATH`` (Debian: ``apt-get install chromium fonts-noto-cjk``). Without one,
:func:`html_to_pdf` raises :class:`PdfUnavailable` with a one-line reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_ENV = "XXGK_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT = 120  # seconds for one memo; a memo prints in about one second
_ARGS = (
    "--headless",
    "--no-sandbox",  # often run as root in containers; the page is our own memo, scripts are off by CSP
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--hide-scrollbars",
)


class PdfUnavailable(RuntimeError):
    """The PDF could not be written; ``reason`` is one line of Chinese for the auditor."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary to print with, or None."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable() -> str | None:
    """Why no PDF can be printed here (one line), or None when a Chromium was found."""
    if find_chromium() is not None:
        return None
    where = os.environ.get(CHROMIUM_ENV)
    hint = f"{CHROMIUM_ENV}={where} 不存在" if where else "未找到 Chromium 浏览器"
    return f"无法生成 PDF：{hint}（请安装 chromium 和 fonts-noto-cjk，例如 apt-get install chromium fonts-noto-cjk，或设置 {CHROMIUM_ENV}）"


def html_to_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike | None = None, *, timeout: int = TIMEOUT) -> Path:
    """Print ``html_path`` to ``pdf_path`` (default: the same name with ``.pdf``); returns the path."""
    source = Path(html_path).resolve()
    target = Path(pdf_path) if pdf_path is not None else Path(html_path).with_suffix(".pdf")
    binary = find_chromium()
    if binary is None:
        raise PdfUnavailable(unavailable())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="xxgk-chromium-") as profile:
        command = [binary, *_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={partial}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfUnavailable(f"无法生成 PDF：Chromium 在 {timeout} 秒内未完成打印") from None
        except OSError as exc:
            raise PdfUnavailable(f"无法生成 PDF：无法运行 {binary}（{exc.strerror or exc}）") from None
    if not partial.is_file() or partial.stat().st_size == 0 or partial.read_bytes()[:5] != b"%PDF-":
        partial.unlink(missing_ok=True)
        detail = next((line for line in reversed(done.stderr.splitlines()) if line.strip() and "dbus" not in line.lower()), "")
        raise PdfUnavailable(f"无法生成 PDF：Chromium 未写出文件（退出状态 {done.returncode}{'：' + detail[:200] if detail else ''}）")
    partial.replace(target)
    return target


__all__ = ["CHROMIUM_ENV", "PdfUnavailable", "find_chromium", "html_to_pdf", "unavailable"]
