"""Take docs/voila.png: the Voilà app (``make app``) in headless Chromium, a report with findings chosen.

    .venv/bin/python docs/voila_screenshot.py

Starts Voilà on a free port of 127.0.0.1 with a generated report (the bundled sample with an
arithmetic error) in a temporary inbox, opens it in Debian's /usr/bin/chromium through playwright,
chooses that report, gives one verdict and saves two PNGs next to this script.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from memo_inputs import arithmetic_error_text, write_report  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        write_report(inbox, "2023_示例_表三有误.txt", arithmetic_error_text())
        env = dict(os.environ, XXGK_AUDIT_INBOX=str(inbox), XXGK_AUDIT_OUT_DIR=str(Path(tmp) / "out"))
        log = Path(tmp) / "app.log"
        voila = subprocess.Popen(
            [sys.executable, "-m", "xxgk_audit.cli", "app", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            url = None
            for _ in range(300):  # `xxgk-audit app` prints its URL with the token once it listens
                found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]+", log.read_text())
                if found:
                    url = found.group(0)
                    break
                time.sleep(0.3)
            assert url, log.read_text()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1280, "height": 1500}, locale="zh-CN")
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) or route.request.url.startswith("ws") else route.abort())
                page.goto(url, timeout=120_000)
                page.wait_for_selector("select", timeout=120_000)
                select = page.locator("select").first
                label = next(o for o in select.locator("option").all_inner_texts() if o.endswith("表三有误.txt"))
                select.select_option(label=label)
                page.wait_for_selector(".xxgk-finding-row:has-text('T3-BAL')", timeout=60_000)
                page.locator("input[placeholder='姓名']").fill("王审核")
                row = page.locator(".xxgk-finding-row:has-text('T3-ROW-TOTAL')")
                row.locator("button:has-text('确认问题')").click()
                row.locator("textarea").fill("总计栏与各列之和不符，已通知单位更正")
                row.locator("textarea").press("Tab")
                page.wait_for_timeout(500)
                page.locator("h1").first.evaluate("e => e.scrollIntoView()")
                page.screenshot(path=str(ROOT / "docs" / "voila.png"))
                page.locator("h2:has-text('发现的问题')").first.evaluate("e => e.scrollIntoView()")
                page.screenshot(path=str(ROOT / "docs" / "voila-findings.png"))
                for name in ("voila.png", "voila-findings.png"):  # 128 colours: a tenth of the size, same look
                    image = Image.open(ROOT / "docs" / name)
                    image.convert("P", palette=Image.ADAPTIVE, colors=128).save(ROOT / "docs" / name, optimize=True)
                browser.close()
        finally:
            os.killpg(voila.pid, signal.SIGTERM)
            voila.wait(timeout=15)
    print(ROOT / "docs" / "voila.png")


if __name__ == "__main__":
    main()
