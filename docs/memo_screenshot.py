"""Take docs/memo-tables-2021.png and docs/memo-tables-2019.png: the memo's tables in the printed form
of each official layout, as headless Chromium draws them.

    .venv/bin/python docs/memo_screenshot.py

The 2021 picture is the bundled sample with an arithmetic error (cells marked, finding numbers);
the 2019 one a generated 2019 report with blank cells (tests/synth). Nothing from ../shared is used.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from memo_inputs import arithmetic_error_text  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from synth import make_report, render  # noqa: E402

from xxgk_audit import audit, load_report  # noqa: E402
from xxgk_audit.memo import render_memo  # noqa: E402
from xxgk_audit.notebook import memo_notebook  # noqa: E402
from xxgk_audit.render import MemoContext  # noqa: E402


def memo(path: Path) -> Path:
    html = render_memo(memo_notebook(MemoContext(audit(load_report(str(path))), auditor="王审核")))
    out = path.with_suffix(".memo.html")
    out.write_text(html, encoding="utf-8")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sample = folder / "2023_示例_表三有误.txt"
        sample.write_text(arithmetic_error_text(), encoding="utf-8")
        report = make_report("2019", seed=7, variety=False, blanks="zeros")
        trial = folder / "2019_示例.html"
        trial.write_bytes(render(report, "html"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN", device_scale_factor=1)
            for source, name in ((sample, "memo-tables-2021.png"), (trial, "memo-tables-2019.png")):
                page.goto(memo(source).as_uri())
                page.locator("#xxgk-tables").screenshot(path=str(ROOT / "docs" / name))
                print(ROOT / "docs" / name)
            browser.close()


if __name__ == "__main__":
    main()
