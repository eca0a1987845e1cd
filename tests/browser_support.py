"""Headless Chromium (Debian's /usr/bin/chromium) driven by playwright's Python API: one per module.

Fixtures for tests/browser (imported by the test modules: a conftest.py there would shadow the
``conftest`` module other tests import from).

Never ``playwright install``: the browser is the system's. Tests skip with a clear message when
either is missing (.ci/run installs chromium and fonts-noto-cjk).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """Console errors, page errors, dialogs and every request a page makes."""

    def __init__(self, page, allowed_prefixes: tuple[str, ...]):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)
        self.allowed = allowed_prefixes

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        self.requests.append(request.url)
        if not request.url.startswith(self.allowed):
            self.foreign.append(request.url)


@pytest.fixture
def watched(browser):
    def open_page(allowed_prefixes: tuple[str, ...], viewport=(1200, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
        page = context.new_page()
        return PageWatch(page, allowed_prefixes)

    return open_page


@pytest.fixture
def not_blank():
    return _not_blank


def _not_blank(png: bytes) -> bool:
    """A screenshot with real content: many colours and both dark and light pixels."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    low, high = image.getextrema()
    return high - low > 100 and len(image.getcolors(maxcolors=256 * 256) or range(10_000)) > 20
