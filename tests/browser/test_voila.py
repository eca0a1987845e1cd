"""The Voilà app (``xxgk-audit app``) on 127.0.0.1: widgets render, choosing another report changes
the findings; only its user can reach it (host, origin, token); idle kernels are culled and capped."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser_support import browser, watched  # noqa: F401 - fixtures
from memo_inputs import ROOT, arithmetic_error_text, hostile_text, write_report

VOILA = Path(sys.executable).parent / "voila"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(folder: Path, *options: str, env: dict | None = None) -> dict:
    """``xxgk-audit app`` on a free port; returns its process, URL with token, log."""
    if not VOILA.exists():
        pytest.skip("voila is not installed (pip install -e '.[dev]')")
    port = free_port()
    log_path = folder / f"app-{port}.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "xxgk_audit.cli", "app", "--port", str(port), *options],
        cwd=ROOT,
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1", **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    url = None
    while time.monotonic() < deadline and url is None:
        if process.poll() is not None:
            raise AssertionError(f"xxgk-audit app exited with {process.returncode}: {log_path.read_text()}")
        match = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]+)", log_path.read_text())
        url = match.group(1) if match else None
        time.sleep(0.2)
    assert url, f"no URL printed: {log_path.read_text()}"
    return {"process": process, "url": url, "base": url.split("?")[0], "token": url.split("token=")[1], "port": port, "log": log, "log_path": log_path}


def stop_app(app: dict) -> None:
    process = app["process"]
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    app["log"].close()


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
    folder = tmp_path_factory.mktemp("voila")
    inbox = folder / "inbox"
    write_report(inbox, "arith.txt", arithmetic_error_text())
    write_report(inbox, "hostile.txt", hostile_text())
    app = start_app(folder, env={"XXGK_AUDIT_INBOX": str(inbox), "XXGK_AUDIT_OUT_DIR": str(folder / "out")})
    try:
        wait_for(app["url"], app["process"])
        yield {**app, "inbox": inbox, "out": folder / "out"}
    finally:
        stop_app(app)
        shutil.rmtree(folder / "out", ignore_errors=True)


def findings_summary(page) -> str:
    """"显示 N / M 项" of the findings list."""
    match = re.search(r"显示 \d+ / \d+ 项", page.inner_text("body"))
    assert match, "no findings summary on the page"
    return match.group(0)


def test_voila_app_changes_findings_with_the_dropdown(watched, voila_app):
    base = voila_app["base"]
    watch = watched(allowed_prefixes=(base, base.replace("127.0.0.1", "localhost"), "ws://127.0.0.1", "data:", "blob:"), viewport=(1280, 1000))
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
    # nothing leaves 127.0.0.1: Voilà's page linked Font Awesome from a CDN, the app's page does not
    assert watch.foreign == [], f"requests beyond the app: {watch.foreign}"
    assert watch.page_errors == []

    # a reload comes back to the report last shown and the auditor's name
    page.reload(timeout=120_000)
    page.wait_for_selector(".xxgk-finding-row:has-text('CELL-NOT-NUMBER')", timeout=120_000)
    assert page.locator("input[placeholder='姓名']").input_value() == "郑审核"
    assert page.locator("select").first.evaluate("s => s.options[s.selectedIndex].text").endswith("hostile.txt")
    assert not [m for m in watch.console_errors if "Content Security Policy" in m], watch.console_errors


# -- only its user reaches it ------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status(url: str, headers: dict | None = None) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_foreign_host_or_origin_or_no_token_is_refused(voila_app):
    base, token, port = voila_app["base"], voila_app["token"], voila_app["port"]
    assert status(base) == 302  # no token: the login page, never the app
    assert status(f"{base}?token=wrong-{token[:8]}") == 302
    rebinding = {"Host": f"attacker.example:{port}"}  # a page that rebound its DNS name to 127.0.0.1
    for path in (f"?token={token}", "voila/static/voila.js", f"api/kernels/{'0' * 32}"):
        assert status(base + path, rebinding) in (403, 404), path
    assert status(f"{base}?token={token}", {"Origin": "http://attacker.example"}) == 403
    assert status(f"{base}api/kernels/{'0' * 32}?token={token}", {"Origin": "http://attacker.example"}) in (403, 404)
    assert status(f"{base}voila/files/audit_report.ipynb?token={token}") == 403  # Voilà's file route serves nothing


# -- kernels: culled when idle, capped ---------------------------------------------------------------------

def kernels(app: dict) -> int:
    import psutil

    count = 0
    for child in psutil.Process(app["process"].pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                count += 1
        except psutil.Error:  # ended (or a zombie) while we looked: not running
            continue
    return count


def test_idle_kernels_are_culled_and_their_number_capped(tmp_path):
    idle = 10
    app = start_app(tmp_path, "--idle-timeout", str(idle), "--cull-interval", "1", "--max-kernels", "2")
    try:
        started = time.monotonic()
        for _ in range(2):
            assert status(app["url"]) == 200  # each page load starts a kernel
        assert kernels(app) == 2
        if time.monotonic() - started < idle - 3:  # neither kernel idle long enough to be culled yet
            assert status(app["url"]) == 503  # the cap: no third kernel
        deadline = time.monotonic() + 90
        while kernels(app) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernels(app) == 0, app["log_path"].read_text()[-3000:]
        assert status(app["url"]) == 200  # room again
    finally:
        stop_app(app)


def test_closing_the_tab_shuts_its_kernel_down(watched, tmp_path):
    """The page's close request carries the _xsrf cookie now (it got 403, and the kernel lived on)."""
    app = start_app(tmp_path, "--idle-timeout", "600")
    try:
        watch = watched(allowed_prefixes=(app["base"], "ws://127.0.0.1", "data:", "blob:"))
        watch.page.goto(app["url"], timeout=120_000)
        watch.page.wait_for_selector("text=发现的问题", timeout=120_000)
        assert kernels(app) == 1
        watch.page.close(run_before_unload=True)
        deadline = time.monotonic() + 30
        while kernels(app) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert kernels(app) == 0, app["log_path"].read_text()[-3000:]
        assert "_xsrf" not in app["log_path"].read_text()
    finally:
        stop_app(app)
