"""xxgk-audit batch: inputs, pairing, hierarchy, outputs (CSV, XLSX, overview), executors, exit status."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import CORPUS
from helpers import SAMPLE, sample_text, set_t4_value
from xxgk_audit import batch
from xxgk_audit.batch import ScanRecord, find_inputs, pair_records, plan_batch, read_hierarchy, run_batch

AGENCY = "睢县工业和信息化和科技局"
CHROMIUM = "/usr/bin/chromium"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd)


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def finding_rows(out: Path) -> list[tuple]:
    """findings.csv without its order (parallel runs may order components differently)."""
    return sorted(tuple(r.values()) for r in read_csv(out / "findings.csv"))


def report_text(agency: str = AGENCY, year: int = 2023, **t4: str) -> str:
    text = sample_text().replace(AGENCY, agency).replace("2023", str(year))
    for key, value in t4.items():
        text = set_t4_value(text, key.replace("__", "."), value)
    return text


# -- the corpus batch, run once through the command line ----------------------------------------------

@pytest.fixture(scope="module")
def corpus_batch(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus batch tests need the shared folder next to the project")
    work = tmp_path_factory.mktemp("corpus_batch")
    garbage = work / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 20)
    out = work / "out"
    started = time.perf_counter()
    proc = cli("batch", str(CORPUS), str(garbage), "--out-dir", str(out), "--jobs", "2")
    elapsed = time.perf_counter() - started
    print(f"\ncorpus batch (--jobs 2, with overview): {elapsed:.1f} s")
    return proc, out, garbage, elapsed


def test_corpus_batch_writes_the_outputs_and_the_garbage_file_is_one_error_row(corpus_batch):
    proc, out, garbage, _ = corpus_batch
    assert proc.returncode == 2, proc.stderr  # an unreadable input, as `check`
    assert "Traceback" not in proc.stderr
    assert f"{garbage}: " in proc.stderr
    for name in ("findings.csv", "findings.xlsx", "overview.html", "reports.csv", "batch.json"):
        assert (out / name).is_file(), name
        assert str(out / name) in proc.stdout
    assert not list(out.glob(".xxgk-spool-*")) and not list(out.glob("*.part"))

    rows = read_csv(out / "findings.csv")
    garbage_rows = [r for r in rows if r["source"] == str(garbage)]
    assert len(garbage_rows) == 1
    assert garbage_rows[0]["rule"] == "UNREADABLE" and garbage_rows[0]["severity"] == "error" and garbage_rows[0]["message"]
    reports = read_csv(out / "reports.csv")
    corpus_files = sorted(p.name for p in CORPUS.iterdir() if p.is_file())  # expected/ holds no reports
    assert sorted(Path(r["source"]).name for r in reports) == sorted(corpus_files + ["garbage.pdf"])
    assert {r["status"] for r in reports if r["source"] != str(garbage)} <= {"error", "warning", "info", "clean"}
    assert [r["status"] for r in reports if r["source"] == str(garbage)] == ["unreadable"]
    meta = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert meta["files"] == len(corpus_files) + 1 and meta["audited"] == len(corpus_files) and meta["exit_status"] == 2
    # every finding of an audited report is a row, and the report counts add up to them
    audited = [r for r in reports if r["status"] != "unreadable"]
    assert sum(int(r["errors"]) + int(r["warnings"]) + int(r["infos"]) for r in audited) == len(rows) - 1


def test_corpus_pair_hongzequ_is_paired_automatically(corpus_batch):
    _, out, _, _ = corpus_batch
    reports = {Path(r["source"]).name: r for r in read_csv(out / "reports.csv")}
    assert Path(reports["2024_hongzequ.pdf"]["prior"]).name == "2023_hongzequ.pdf"
    assert reports["2024_hongzequ.pdf"]["series"] == reports["2023_hongzequ.pdf"]["series"]
    assert reports["2023_hongzequ.pdf"]["prior"] == ""  # no 2022 report in the corpus
    assert reports["2023_pingtan.txt"]["prior"] == ""  # 2021 is not the year before
    meta = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert {(Path(p["report"]).name, Path(p["prior"]).name) for p in meta["pairs"]} == {("2024_hongzequ.pdf", "2023_hongzequ.pdf")}
    # the key cells the cross-year rules compare are in reports.csv
    assert reports["2024_hongzequ.pdf"]["t3.carried_over.total"] != ""


def test_findings_xlsx_has_sheets_filters_frozen_header_and_colours(corpus_batch):
    from openpyxl import load_workbook

    _, out, garbage, _ = corpus_batch
    workbook = load_workbook(out / "findings.xlsx")
    assert workbook.sheetnames == ["报告汇总", "问题清单", "规则统计"]
    for sheet in workbook:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet.auto_filter.ref.endswith(str(sheet.max_row)), sheet.title
    summary, findings = workbook["报告汇总"], workbook["问题清单"]
    header = [c.value for c in summary[1]]
    assert header[:8] == ["文件", "单位", "年度", "格式", "审核结论", "错误", "警告", "提示"]
    assert summary.max_row - 1 == len(read_csv(out / "reports.csv"))
    assert findings.max_row - 1 == len(read_csv(out / "findings.csv"))
    columns = {c.value: n for n, c in enumerate(findings[1])}
    assert {"规则", "严重程度", "说明", "位置", "原文"} <= set(columns)
    rows = list(findings.iter_rows(min_row=2, values_only=False))
    severities = {row[columns["严重程度"]].value: row[columns["严重程度"]].fill.fgColor.rgb for row in rows}
    assert set(severities) <= {"错误", "警告", "提示"} and len(set(severities.values())) == len(severities)
    assert all(rgb not in (None, "00000000") for rgb in severities.values())
    # the source quote: where (line or page) and the printed text
    t4 = [row for row in rows if row[columns["规则"]].value == "ROW-MISSING" or row[columns["规则"]].value == "CELL-BLANK"]
    assert any(row[columns["位置"]].value and ("行" in row[columns["位置"]].value or "页" in row[columns["位置"]].value) for row in t4)
    garbage_rows = [row for row in rows if row[0].value == str(garbage)]
    assert len(garbage_rows) == 1 and garbage_rows[0][columns["规则"]].value == "UNREADABLE"
    statuses = {row[4].value for row in summary.iter_rows(min_row=2)}
    assert "无法读取" in statuses


def test_overview_html_offline_in_headless_chromium(corpus_batch):
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    _, out, _, _ = corpus_batch
    html = (out / "overview.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    requests, problems = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto((out / "overview.html").as_uri())
        page.wait_for_load_state("load")
        text = page.inner_text("body")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.src.slice(0, 26), e.naturalWidth])")
        browser.close()
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert problems == []
    assert "批量审核总览" in text
    for heading in ("报告与审核结论", "各规则发现的问题", "各单位 × 规则", "年度变化", "跨年度核对", "无法读取的文件"):
        assert heading in text, heading
    assert "2024_hongzequ.pdf" in text and "garbage.pdf" in text
    # every cross-year break of findings.csv is listed with its message
    breaks = [r for r in read_csv(out / "findings.csv") if r["rule"] in ("T3-CARRY-CHAIN", "T2-VALID-PROGRESSION", "YOY-JUMP")]
    assert all(r["message"] in text for r in breaks)
    assert len(images) >= 2 and all(src == "data:image/svg+xml;base64," and width > 0 for src, width in images)  # charts: SVG, text as text


# -- same findings whatever runs the batch -------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_inputs(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus batch tests need the shared folder next to the project")
    return [str(CORPUS)]


@pytest.fixture(scope="module")
def jobs_1(corpus_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("jobs1")
    summary = run_batch(corpus_inputs, out, jobs=1, progress=False, overview=False)
    return summary, out


def test_jobs_2_gives_the_same_findings_as_jobs_1(corpus_inputs, jobs_1, tmp_path):
    summary_1, out_1 = jobs_1
    summary_2 = run_batch(corpus_inputs, tmp_path, jobs=2, progress=False, overview=False)
    assert finding_rows(tmp_path) == finding_rows(out_1)
    assert len(finding_rows(out_1)) > 20
    assert summary_2.counts == summary_1.counts and summary_2.pairs == summary_1.pairs
    assert summary_1.exit_status == summary_2.exit_status == 1
    assert sorted(map(tuple, (r.values() for r in read_csv(tmp_path / "reports.csv")))) == sorted(map(tuple, (r.values() for r in read_csv(out_1 / "reports.csv"))))


def test_dask_local_cluster_gives_the_same_findings(corpus_inputs, jobs_1, tmp_path):
    pytest.importorskip("distributed", reason="dask.distributed is not installed: pip install -e '.[dask]' (it is part of the dev extra)")
    from dask.distributed import Client, LocalCluster

    _, out_1 = jobs_1
    with LocalCluster(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        summary = run_batch(corpus_inputs, tmp_path / "executor", executor=client.get_executor(), progress=False, overview=False)
        assert finding_rows(tmp_path / "executor") == finding_rows(out_1)
        assert summary.pairs and summary.exit_status == 1
        summary = run_batch(corpus_inputs, tmp_path / "client", executor=client, progress=False, overview=False)
        assert finding_rows(tmp_path / "client") == finding_rows(out_1)


def test_dask_worker_processes(tmp_path):
    pytest.importorskip("distributed", reason="dask.distributed is not installed: pip install -e '.[dask]' (it is part of the dev extra)")
    from dask.distributed import Client, LocalCluster

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2022_a.txt").write_text(report_text("示范县教育局", 2022), encoding="utf-8")
    (folder / "2023_a.txt").write_text(report_text("示范县教育局", 2023, review__upheld="3"), encoding="utf-8")
    (folder / "2023_b.txt").write_text(report_text("示范县财政局", 2023), encoding="utf-8")
    reference = run_batch([folder], tmp_path / "inline", progress=False, overview=False)
    with LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        summary = run_batch([folder], tmp_path / "dask", executor=client, progress=False, overview=False)
    assert finding_rows(tmp_path / "dask") == finding_rows(tmp_path / "inline")
    assert summary.exit_status == reference.exit_status == 1  # the T4-SUM error
    assert [(Path(a).name, Path(b).name) for a, b in summary.pairs] == [("2023_a.txt", "2022_a.txt")]


# -- consistency with `check` ----------------------------------------------------------------------------

def test_findings_csv_columns_and_rows_match_check_csv(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "bad.txt"
    bad.write_text(report_text(review__upheld="3"), encoding="utf-8")
    shutil.copy(SAMPLE, folder / "sample.txt")
    check = cli("check", str(bad), str(folder / "sample.txt"), "--format", "csv")
    assert check.returncode == 1
    summary = run_batch([folder], tmp_path / "out", progress=False, overview=False)
    assert summary.exit_status == 1
    raw = (tmp_path / "out" / "findings.csv").read_text(encoding="utf-8-sig")
    check_lines = check.stdout.splitlines()
    batch_lines = raw.splitlines()
    assert batch_lines[0] == check_lines[0]
    assert sorted(batch_lines[1:]) == sorted(check_lines[1:])
    assert any(",T4-SUM,error," in line for line in batch_lines)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_a_spooled_report_gives_the_findings_and_locations_of_check(tmp_path, fmt):
    """HTML, DOCX and PDF documents are kept from the scan pass for the audit pass (batch/spool.py):
    their findings, with each cell's table, row and column, are those of check."""
    synth_generate = pytest.importorskip("synth.generate")
    synth_render = pytest.importorskip("synth.render")
    report, _ = synth_generate.inject_error(synth_generate.make_report("2021", 5, variety=False, profile="medium"), 5)
    path = synth_render.write(report, fmt, tmp_path / "in", name="report")
    check = cli("check", str(path), "--format", "csv")
    assert check.returncode == 1, check.stderr
    run_batch([tmp_path / "in"], tmp_path / "out", progress=False, overview=False)
    batch_lines = (tmp_path / "out" / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sorted(batch_lines[1:]) == sorted(check.stdout.splitlines()[1:])
    assert any("表格第" in line for line in batch_lines), "cells are located by table, row and column"


def test_exit_status_as_check(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(SAMPLE, clean / "sample.txt")
    assert run_batch([clean], tmp_path / "o1", progress=False, overview=False).exit_status == 0
    (clean / "bad.txt").write_text(report_text(review__upheld="3"), encoding="utf-8")
    assert run_batch([clean], tmp_path / "o2", progress=False, overview=False).exit_status == 1
    summary = run_batch([clean, tmp_path / "missing.txt"], tmp_path / "o3", progress=False, overview=False)
    assert summary.exit_status == 2
    assert summary.unreadable == [(str(tmp_path / "missing.txt"), "文件不存在")]


def test_no_report_found_is_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = cli("batch", str(tmp_path / "empty"), "--out-dir", str(tmp_path / "out"))
    assert proc.returncode == 2 and "没有找到报告" in proc.stderr
    assert read_csv(tmp_path / "out" / "findings.csv") == [] and (tmp_path / "out" / "overview.html").is_file()


def test_cli_help_states_the_exit_status():
    proc = cli("batch", "--help")
    assert proc.returncode == 0
    assert "退出状态" in proc.stdout and "无法读取" in proc.stdout


# -- inputs --------------------------------------------------------------------------------------------------

def test_find_inputs_recurses_sniffs_and_skips_own_outputs(tmp_path):
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    text = sample_text()
    (root / "a.txt").write_text(text, encoding="utf-8")
    (root / "sub" / "b.HTML").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (root / "sub" / "deeper" / "c.shtml").write_text("<html></html>", encoding="utf-8")
    (root / "sub" / "noext_report").write_text(text, encoding="utf-8")
    (root / "sub" / "noext_other").write_text("just some notes", encoding="utf-8")
    (root / "sub" / "picture.png").write_bytes(b"\x89PNG....")
    (root / "sub" / "data.json").write_text("{}", encoding="utf-8")
    (root / ".hidden" / "d.txt").write_text(text, encoding="utf-8")
    (root / ".e.txt").write_text(text, encoding="utf-8")
    (root / "README.md").write_text("# about these reports", encoding="utf-8")
    (root / "memo.html").write_text('<!DOCTYPE html><html><head><meta name="generator" content="xxgk-audit 0.1.0"></head></html>', encoding="utf-8")
    (root / "hierarchy.yaml").write_text("a.txt: [sub/noext_report]\n", encoding="utf-8")
    out = root / "out"
    out.mkdir()
    (out / "overview.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    (out / "findings.csv").write_text("x", encoding="utf-8")
    (out / "2023_kept.txt").write_text(text, encoding="utf-8")  # a report in the output folder is a report

    found = find_inputs([root, root / "a.txt", tmp_path / "nope.pdf"], out)
    names = sorted(os.path.relpath(p, root) for p in found.files)
    assert names == sorted(["a.txt", "sub/b.HTML", "sub/deeper/c.shtml", "sub/noext_report", "out/2023_kept.txt"])
    assert [os.path.basename(d) for d in found.declarations] == ["hierarchy.yaml"]
    assert found.missing == [(str(tmp_path / "nope.pdf"), "文件不存在")]
    # a file named explicitly is audited whatever its name
    assert find_inputs([root / "sub" / "noext_other"], out).files == [str(root / "sub" / "noext_other")]


# -- pairing and planning ------------------------------------------------------------------------------

def _records(*rows) -> list[ScanRecord]:
    return [ScanRecord(i, f"/r/{i}.txt", "txt", agency, year, sha256=f"h{i}") for i, (agency, year) in enumerate(rows)]


def test_pair_records_uses_the_agency_rules_and_scales_the_same():
    records = _records(
        ("洪泽区人民政府", 2023),
        ("淮安市洪泽区人民政府", 2024),
        ("上海市科学技术委员会", 2023),
        ("上海市科委", 2024),
        ("北京市科委", 2024),
        ("沭阳县发展和改革局", 2023),
        ("泗阳县发展和改革局", 2024),
        ("平潭综合实验区", 2021),
        ("平潭综合实验区", 2023),
        ("睢县工业和信息化和科技局", 2022),
        ("睢县工业和信息化和科技局", 2023),
        ("睢县工业和信息化和科技局", 2024),
    )
    expected = {1: 0, 3: 2, 10: 9, 11: 10}
    assert pair_records(records) == expected
    assert pair_records(records, budget=0) == expected  # the blocked comparison of large batches


def test_plan_keeps_series_and_hierarchies_whole_and_ordered():
    records = _records(
        ("示范县教育局", 2023),  # 0
        ("示范县财政局", 2022),  # 1
        ("示范县教育局", 2022),  # 2
        ("示范县人民政府", 2023),  # 3: summary of 0 and 4
        ("示范县财政局", 2023),  # 4
        ("其他县民政局", 2023),  # 5
    )
    plan = plan_batch(records, {3: (0, 4)}, chunk_size=1)
    assert plan.prior_of == {0: 2, 4: 1}
    assert len(plan.tasks) == 2
    big = next(t for t in plan.tasks if len(t) == 5)
    order = [item.index for item in big]
    assert order.index(2) < order.index(0) and order.index(1) < order.index(4) and order.index(3) == 4
    summary = big[-1]
    assert summary.members == (0, 4) and set(summary.release) == {0, 4}
    kept = {item.index for item in big if item.keep}
    assert kept == {0, 1, 2, 4}
    released = [i for item in big for i in item.release]
    assert sorted(released) == sorted(kept)  # everything held is released within the task
    assert plan.series[2] == plan.series[0] == "示范县教育局"


def test_batch_pairs_across_folders_and_runs_the_cross_year_rules(tmp_path):
    (tmp_path / "2022").mkdir()
    (tmp_path / "2023").mkdir()
    before = report_text("示范县教育局", 2022)
    (tmp_path / "2022" / "jyj.txt").write_text(before, encoding="utf-8")
    (tmp_path / "2023" / "jyj.txt").write_text(report_text("示范县教育局", 2023), encoding="utf-8")
    summary = run_batch([tmp_path / "2023", tmp_path / "2022"], tmp_path / "out", progress=False, overview=False)
    assert [(Path(a).parent.name, Path(b).parent.name) for a, b in summary.pairs] == [("2023", "2022")]
    rules = {r["rule"] for r in read_csv(tmp_path / "out" / "findings.csv") if Path(r["source"]).parent.name == "2023"}
    assert "TEXT-REUSE" in rules  # the same narrative as last year: only possible with the prior


# -- hierarchy declarations --------------------------------------------------------------------------------

def _hierarchy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "region"
    (folder / "depts").mkdir(parents=True)
    (folder / "summary.txt").write_text(report_text("示范县人民政府", 2023, review__upheld="3", review__total="3"), encoding="utf-8")
    (folder / "depts" / "a.txt").write_text(report_text("示范县教育局", 2023, review__upheld="1", review__total="1"), encoding="utf-8")
    (folder / "depts" / "b.txt").write_text(report_text("示范县财政局", 2023, review__upheld="1", review__total="1"), encoding="utf-8")
    return folder


def _hierarchy_findings(out: Path) -> list[dict]:
    return [r for r in read_csv(out / "findings.csv") if r["rule"] == "HIERARCHY-SUM"]


def test_hierarchy_yaml_gives_the_summary_its_members(tmp_path):
    folder = _hierarchy_folder(tmp_path)
    run_batch([folder], tmp_path / "undeclared", progress=False, overview=False)
    assert _hierarchy_findings(tmp_path / "undeclared") == []  # only where the batch declares it
    (folder / "hierarchy.yaml").write_text("# 汇总报告: 下属报告\nsummary.txt:\n  - depts/*.txt\n", encoding="utf-8")
    summary = run_batch([folder], tmp_path / "declared", progress=False, overview=False)
    rows = _hierarchy_findings(tmp_path / "declared")
    assert rows and {Path(r["source"]).name for r in rows} == {"summary.txt"}
    assert {r["cells"] for r in rows} == {"t4.review.upheld", "t4.review.total"}
    assert all(r["expected"] == "2" and r["actual"] == "3" for r in rows)
    assert {Path(s).name: sorted(Path(m).name for m in ms) for s, ms in summary.hierarchy.items()} == {"summary.txt": ["a.txt", "b.txt"]}
    assert summary.exit_status == 0  # HIERARCHY-SUM is a warning


def test_hierarchy_csv_and_a_folder_as_member(tmp_path):
    folder = _hierarchy_folder(tmp_path)
    (folder / "hierarchy.csv").write_text("汇总报告,下属报告\nsummary.txt,depts\n", encoding="utf-8-sig")
    mapping, problems = read_hierarchy(str(folder / "hierarchy.csv"))
    assert mapping == {str(folder / "summary.txt"): [str(folder / "depts")]} and problems == []
    run_batch([folder], tmp_path / "out", progress=False, overview=False)
    assert {r["cells"] for r in _hierarchy_findings(tmp_path / "out")} == {"t4.review.upheld", "t4.review.total"}


def test_broken_hierarchy_declarations_are_error_rows(tmp_path):
    folder = _hierarchy_folder(tmp_path)
    (folder / "hierarchy.yaml").write_text("summary.txt: [depts/a.txt, depts/missing.txt]\nnot-here.txt: [depts/b.txt]\n", encoding="utf-8")
    summary = run_batch([folder], tmp_path / "out", progress=False, overview=False)
    assert summary.exit_status == 2
    reasons = sorted(reason for source, reason in summary.unreadable if source.endswith("hierarchy.yaml"))
    assert len(reasons) == 2 and any("missing.txt" in r for r in reasons) and any("not-here.txt" in r for r in reasons)
    assert _hierarchy_findings(tmp_path / "out") == []  # an incomplete member list is not summed
    assert any("summary.txt" in note and "HIERARCHY-SUM" in note for note in summary.notes)
    (folder / "hierarchy.yaml").write_text("summary.txt: [unclosed\n", encoding="utf-8")
    summary = run_batch([folder], tmp_path / "out2", progress=False, overview=False)
    assert summary.exit_status == 2
    assert any(source.endswith("hierarchy.yaml") and "YAML" in reason for source, reason in summary.unreadable)


# -- robustness ----------------------------------------------------------------------------------------------

class _CrashingExecutor:
    """A thread pool whose worker 'dies' on any scan task holding bang.txt and any audit task holding boom.txt."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(2)
        self.calls = 0

    def submit(self, fn, *args):
        self.calls += 1
        if fn is batch.scan_chunk and any(path.endswith("bang.txt") for _, path in args[0]):
            future: Future = Future()
            future.set_exception(RuntimeError("worker process died"))
            return future
        if fn is batch.audit_chunk and any(item.path.endswith("boom.txt") for item in args[0]):
            future: Future = Future()
            future.set_exception(RuntimeError("worker process died"))
            return future
        return self.pool.submit(fn, *args)


def test_a_dying_worker_costs_only_its_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "bang.txt", "boom.txt", "c.txt"):
        (folder / name).write_text(report_text(f"示范县{name[:2]}局"), encoding="utf-8")
    executor = _CrashingExecutor()
    summary = run_batch([folder], tmp_path / "out", executor=executor, progress=False, overview=False, chunk_size=4)
    executor.pool.shutdown()
    assert summary.audited == 2 and summary.exit_status == 2
    assert sorted((Path(s).name, "意外终止" in r) for s, r in summary.unreadable) == [("bang.txt", True), ("boom.txt", True)]
    assert {Path(r["source"]).name for r in read_csv(tmp_path / "out" / "reports.csv")} == {"a.txt", "bang.txt", "boom.txt", "c.txt"}


def test_many_reports_in_chunks_with_a_process_pool(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(120):
        year = 2022 + n % 2
        text = report_text(f"示范县第{'一二三四五六七八九十'[n // 20 % 10]}{'甲乙丙丁戊己庚辛壬癸'[n // 2 % 10]}局", year)
        (folder / f"{year}_{n:03d}.txt").write_text(text, encoding="utf-8")
    summary = run_batch([folder], tmp_path / "out", jobs=2, progress=False, overview=False)
    assert summary.files == 120 and summary.audited == 120 and not summary.unreadable
    assert len(summary.pairs) == 60
    reports = read_csv(tmp_path / "out" / "reports.csv")
    assert len(reports) == 120 and sum(1 for r in reports if r["prior"]) == 60


def test_check_stays_light():
    code = (
        "import sys, xxgk_audit.cli as c; c.build_parser();"
        "heavy = [m for m in ('pandas', 'openpyxl', 'tqdm', 'xxgk_audit.batch', 'nbformat', 'matplotlib') if m in sys.modules];"
        "print(heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_overview_notebook_runs_standalone_on_a_batch_folder(jobs_1):
    """As in JupyterLab: the notebook's own folder as cwd, report_dir set by hand, no exporter."""
    import nbformat
    from nbclient import NotebookClient

    from xxgk_audit.memo import inject_parameters

    _, out = jobs_1
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "batch_overview.ipynb"
    nb = inject_parameters(nbformat.read(notebook, as_version=4), {"report_dir": str(out)})
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "2024_hongzequ.pdf" in html and "2023_hongzequ.pdf" in html  # the pair
    assert sum(1 for o in outputs if "image/svg+xml" in o.get("data", {})) >= 3  # rules, heat map, year series


def test_worker_memory_does_not_grow_with_the_collection(tmp_path):
    """A worker holds nothing per audited report: no cache keeps whole documents alive."""
    import gc
    import tracemalloc

    from xxgk_audit.batch import WorkItem, audit_chunk

    names = "甲乙丙丁戊己庚辛壬癸"
    paths = []
    for n in range(260):
        path = tmp_path / f"{n:03d}.txt"
        path.write_text(report_text(f"示范县{names[n // 100]}{names[n // 10 % 10]}{names[n % 10]}局", 2023), encoding="utf-8")
        paths.append(path)
    audit_chunk([WorkItem(i, str(p)) for i, p in enumerate(paths[:60])])  # warm up: layouts, rules, label caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    results = audit_chunk([WorkItem(i, str(p)) for i, p in enumerate(paths[60:])])
    del results
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 1_000_000, f"{grown / 200:.0f} bytes kept per report"


def test_pairing_prefers_the_exact_agency_name():
    records = _records(("鼓楼区人民政府", 2023), ("南京市鼓楼区人民政府", 2023), ("南京市鼓楼区人民政府", 2024))
    assert pair_records(records) == {2: 1}
    assert pair_records(records, budget=0) == {2: 1}


@pytest.mark.parametrize("folder, declaration, member", [
    ("region[2023]", "summary.txt:\n  - depts/*.txt\n", "a.txt"),
    ("plain", "summary.txt:\n  - depts/a[1].txt\n  - depts/b.txt\n", "a[1].txt"),
])
def test_hierarchy_paths_with_brackets(tmp_path, folder, declaration, member):
    from helpers import sample_text, set_t4_value

    def report(agency: str, count: str) -> str:
        text = sample_text().replace("睢县工业和信息化和科技局", agency)
        return set_t4_value(set_t4_value(text, "review.upheld", count), "review.total", count)

    root = tmp_path / folder
    (root / "depts").mkdir(parents=True)
    (root / "summary.txt").write_text(report("示范县人民政府", "3"), encoding="utf-8")
    (root / "depts" / member).write_text(report("示范县教育局", "1"), encoding="utf-8")
    (root / "depts" / "b.txt").write_text(report("示范县财政局", "1"), encoding="utf-8")
    (root / "hierarchy.yaml").write_text(declaration, encoding="utf-8")
    summary = run_batch([root], tmp_path / "out", progress=False, overview=False)
    assert summary.unreadable == [] and summary.exit_status == 0
    assert {Path(k).name: sorted(Path(m).name for m in v) for k, v in summary.hierarchy.items()} == {"summary.txt": sorted([member, "b.txt"])}
