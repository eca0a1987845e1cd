"""The Voilà app on 127.0.0.1: widgets render, choosing another report changes the findings."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import browser, watched  # noqa: F401 - fixtures
from memo_inputs import NOTEBOOK, ROOT, arithmetic_error_text, hostile_text, write_report

VOILA = Path(sys.executable).parent / "voila"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"voila exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"voila did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def voila_app(tmp_path_factory):
    if not VOILA.exists():
        pytest.skip("voila is not installed (pip install -e '.[dev]')")
    folder = tmp_path_factory.mktemp("voila")
    inbox = folder / "inbox"
    write_report(inbox, "arith.txt", arithmetic_error_text())
    write_report(inbox, "hostile.txt", hostile_text())
    port = free_port()
    env = dict(os.environ, XXGK_AUDIT_INBOX=str(inbox), XXGK_AUDIT_OUT_DIR=str(folder / "out"), JUPYTER_PLATFORM_DIRS="1")
    log = open(folder / "voila.log", "w")
    process = subprocess.Popen(
        [str(VOILA), str(NOTEBOOK.relative_to(ROOT)), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url, process)
        yield {"url": url, "inbox": inbox, "out": folder / "out"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(folder / "out", ignore_errors=True)


def findings_summary(page) -> str:
    """"显示 N / M 项" of the findings list."""
    match = re.search(r"显示 \d+ / \d+ 项", page.inner_text("body"))
    assert match, "no findings summary on the page"
    return match.group(0)


def test_voila_app_changes_findings_with_the_dropdown(watched, voila_app):
    watch = watched(allowed_prefixes=(voila_app["url"], voila_app["url"].replace("127.0.0.1", "localhost"), "ws://127.0.0.1"), viewport=(1280, 1000))
    page = watch.page
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page.goto(voila_app["url"], timeout=120_000)
    page.wait_for_selector("select", timeout=120_000)
    body = page.inner_text("body")
    assert "papermill" not in body and "参数" not in body  # no developer words for auditors
    select = page.locator("select").first
    sample = next(o for o in select.locator("option").all_inner_texts() if o.endswith("2023_suixian-gxj.txt"))
    select.select_option(label=sample)  # nothing was open before: a first visit
    page.wait_for_selector(".xxgk-finding-row", timeout=120_000)
    assert "睢县工业和信息化和科技局" in page.inner_text("body")
    before = findings_summary(page)
    assert before == "显示 1 / 1 项"  # the sample: one finding (LABEL-VARIANT)
    rows = page.locator(".xxgk-finding-row")
    assert rows.count() == 1 and "LABEL-VARIANT" in rows.first.inner_text()
    page.locator("input[placeholder='姓名']").fill("郑审核")
    page.locator("input[placeholder='姓名']").press("Tab")

    arith = next(o for o in select.locator("option").all_inner_texts() if o.endswith("arith.txt"))
    select.select_option(label=arith)
    page.wait_for_selector(".xxgk-finding-row:has-text('T3-BAL')", timeout=60_000)
    page.wait_for_function("() => !document.body.innerText.includes('显示 1 / 1 项')", timeout=30_000)
    after = findings_summary(page)
    assert after != before and after.endswith(f"/ {after.split('/')[1].strip()}")
    assert page.locator(".xxgk-finding-row:has-text('T3-ROW-TOTAL')").count() == 1
    assert page.locator("td.xxgk-cell-error").count() >= 1
    for label in ("确认问题", "不是问题", "待定", "导出备忘录"):
        assert page.locator(f"button:has-text('{label}')").count() >= 1

    # a verdict given in the browser is saved and lands in the exported memo
    row = page.locator(".xxgk-finding-row:has-text('T3-ROW-TOTAL')")
    row.locator("button:has-text('确认问题')").click()
    row.locator("textarea").fill("浏览器中填写的说明")
    row.locator("textarea").press("Tab")
    page.wait_for_function("() => document.body.innerText.includes('确认问题 1 项')", timeout=30_000)
    page.locator("button:has-text('导出备忘录')").click()
    page.wait_for_selector("text=下载备忘录", timeout=60_000)
    memo = (voila_app["out"] / "arith.html").read_text(encoding="utf-8")
    assert "浏览器中填写的说明" in memo and "确认问题" in memo

    # a hostile report: its script never runs, its text is shown as text
    hostile = next(o for o in select.locator("option").all_inner_texts() if o.endswith("hostile.txt"))
    select.select_option(label=hostile)
    page.wait_for_selector(".xxgk-finding-row:has-text('CELL-NOT-NUMBER')", timeout=60_000)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert watch.dialogs == []
    assert "<script>window.__xss" in page.inner_text("body")
    # Voilà's own "lab" page template links Font Awesome from a CDN (no network here: it fails
    # harmlessly); nothing else may leave 127.0.0.1.
    beyond = [url for url in watch.foreign if "fontawesome-free" not in url]
    assert beyond == [], f"requests beyond the app: {beyond}"
    assert watch.page_errors == []

    # a reload comes back to the report last shown and the auditor's name
    page.reload(timeout=120_000)
    page.wait_for_selector(".xxgk-finding-row:has-text('CELL-NOT-NUMBER')", timeout=120_000)
    assert page.locator("input[placeholder='姓名']").input_value() == "郑审核"
    assert page.locator("select").first.evaluate("s => s.options[s.selectedIndex].text").endswith("hostile.txt")
