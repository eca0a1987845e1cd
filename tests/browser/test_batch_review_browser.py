"""The batch review notebook as a Voilà app in headless Chromium: bulk-dismiss a rule, write back;
the batch outputs and the 通报 reflect it."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from browser_support import browser, watched  # noqa: F401 - fixtures
from helpers import ROOT, sample_text, set_row_value

VOILA = Path(sys.executable).parent / "voila"
NOTEBOOK = ROOT / "notebooks" / "batch_review.ipynb"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def reviewed_batch(tmp_path_factory):
    """A batch of two agencies' reports whose every finding an auditor confirmed, with its 通报."""
    from xxgk_audit.batch import run_batch
    from xxgk_audit.batch_findings import load_batch_findings
    from xxgk_audit.memo import inject_parameters
    from xxgk_audit.notice import export_notice

    folder = tmp_path_factory.mktemp("batch-review")
    text = set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5")
    for name, agency in (("a", "睢县工业和信息化和科技局"), ("b", "睢县教育体育局")):
        (folder / "in" / name).mkdir(parents=True)
        (folder / "in" / name / "index.txt").write_text(text.replace("睢县工业和信息化和科技局", agency), encoding="utf-8")
    store = folder / "reviews.sqlite"
    run_batch([folder / "in"], folder / "out", progress=False, overview=False, store=store)
    batch = load_batch_findings(folder / "out")
    batch.set_verdicts(batch.frame.index, "confirmed", None, "郑审核")
    batch.write_back()
    export_notice(folder / "out")
    import nbformat

    nb = inject_parameters(nbformat.read(NOTEBOOK, as_version=4), {"report_dir": str(folder / "out")})
    nbformat.write(nb, folder / "batch_review.ipynb")
    return {"folder": folder, "out": folder / "out", "store": store}


@pytest.fixture(scope="module")
def voila_app(reviewed_batch):
    if not VOILA.exists():
        pytest.skip("voila is not installed (pip install -e '.[dev]')")
    from test_voila import free_port, wait_for

    folder = reviewed_batch["folder"]
    port = free_port()
    env = dict(os.environ, XXGK_AUDIT_STORE=str(reviewed_batch["store"]), JUPYTER_PLATFORM_DIRS="1")
    log = open(folder / "voila.log", "w")
    process = subprocess.Popen(
        [str(VOILA), "batch_review.ipynb", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_bulk_dismiss_a_rule_in_the_browser(watched, voila_app, reviewed_batch):
    out = reviewed_batch["out"]
    notice_before = (out / "notice.html").read_text(encoding="utf-8")
    assert "LABEL-VARIANT" in notice_before.split('class="xxgk-table xxgk-notice-findings"', 1)[1]

    watch = watched(allowed_prefixes=(voila_app, voila_app.replace("127.0.0.1", "localhost"), "ws://127.0.0.1"), viewport=(1400, 1100))
    page = watch.page
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page.goto(voila_app, timeout=120_000)
    page.wait_for_selector("table.xxgk-batch-grid", timeout=120_000)
    assert "共 2 份报告" in page.inner_text("body")
    rule = page.locator(".widget-dropdown", has=page.locator("label", has_text="规则")).locator("select")
    rule.select_option(label="LABEL-VARIANT")
    page.wait_for_selector("button:has-text('应用到 2 项')", timeout=30_000)
    assert page.locator("table.xxgk-batch-grid tbody tr").count() == 2
    page.locator(".widget-toggle-buttons button:has-text('不是问题')").click()
    page.locator("input[placeholder='姓名']").fill("王审核")
    page.locator("input[placeholder='姓名']").press("Tab")
    page.locator("button:has-text('应用到 2 项')").click()
    page.wait_for_selector("text=已将 2 项问题设为“不是问题”", timeout=30_000)
    page.locator("button:has-text('写回批量结果并生成通报')").click()
    page.wait_for_selector(".xxgk-written", timeout=180_000)
    assert watch.page_errors == []

    findings = read_csv(out / "findings.csv")
    labels = [r for r in findings if r["rule"] == "LABEL-VARIANT"]
    assert len(labels) == 2 and {(r["verdict"], r["reviewer"]) for r in labels} == {("dismissed", "王审核")}
    assert {r["verdict"] for r in findings if r["rule"] != "LABEL-VARIANT"} == {"confirmed"}
    notice = (out / "notice.html").read_text(encoding="utf-8").split("<body>", 1)[1]
    listed = notice.split('class="xxgk-table xxgk-notice-findings"', 1)[1]
    assert "LABEL-VARIANT" not in listed and "T3-ROW-TOTAL" in listed
    assert "经审核不是问题的 2 项未列入" in notice
    assert "人工审核结论" in (out / "overview.html").read_text(encoding="utf-8")
    shutil.rmtree(out / "memos", ignore_errors=True)
