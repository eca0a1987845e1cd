"""Reviewing a batch at once: verdicts in the batch outputs, bulk verdicts, the 通报."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, sample_text, set_row_value
from xxgk_audit.batch import run_batch
from xxgk_audit.batch_findings import NotABatch, load_batch_findings

BATCH_NOTEBOOK = ROOT / "notebooks" / "batch_review.ipynb"
NOTICE_NOTEBOOK = ROOT / "notebooks" / "notice.ipynb"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def make_batch(tmp_path: Path) -> tuple[Path, Path]:
    """Two agencies' reports under the same file name, with the same arithmetic error, and the sample."""
    text = set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5")
    (tmp_path / "in" / "工信局").mkdir(parents=True)
    (tmp_path / "in" / "教体局").mkdir(parents=True)
    (tmp_path / "in" / "工信局" / "index.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "教体局" / "index.txt").write_text(text.replace("睢县工业和信息化和科技局", "睢县教育体育局"), encoding="utf-8")
    (tmp_path / "in" / "sample.txt").write_text(sample_text().replace("睢县工业和信息化和科技局", "睢县财政局"), encoding="utf-8")
    store = tmp_path / "reviews.sqlite"
    summary = run_batch([tmp_path / "in"], tmp_path / "out", progress=False, overview=False, store=store)
    assert summary.exit_status == 1
    return tmp_path / "out", store


def by(rows, **where):
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def test_batch_outputs_carry_identity_verdicts_and_reviewed_status(tmp_path):
    out, store = make_batch(tmp_path)
    findings = read_csv(out / "findings.csv")
    assert {"sha256", "layout", "verdict", "comment", "reviewer", "reviewed_at", "fingerprint"} <= set(findings[0])
    assert {r["verdict"] for r in findings} == {"pending"} and not store.exists()  # the batch only reads the store
    reports = {Path(r["source"]).parent.name + "/" + Path(r["source"]).name: r for r in read_csv(out / "reports.csv")}
    assert reports["工信局/index.txt"]["review"] == "待审核" and reports["in/sample.txt"]["review"] == "无需审核"

    batch = load_batch_findings(out)
    assert batch.store.path == store  # the store the batch read (batch.json)
    frame = batch.frame
    labels = frame.index[frame["rule"] == "LABEL-VARIANT"]
    assert len(labels) == 3
    assert batch.set_verdicts(labels, "不是问题", "OCR 误差", "赵审核") == 3
    gongxin = frame.index[(frame["agency"] == "睢县工业和信息化和科技局") & frame["rule"].isin(["T3-ROW-TOTAL", "T3-BAL"])]
    batch.set_verdicts(gongxin, "confirmed", "总计栏多填", "赵审核")
    gongxin_warn = frame.index[(frame["agency"] == "睢县工业和信息化和科技局") & (frame["rule"] == "TEXT-VS-TABLE")]
    batch.set_verdicts(gongxin_warn, "dismissed", None, "赵审核")
    applied = batch.write_back()
    assert applied.verdicts["dismissed"] == 4 and applied.verdicts["confirmed"] == 2

    findings = read_csv(out / "findings.csv")
    assert {r["verdict"] for r in by(findings, rule="LABEL-VARIANT")} == {"dismissed"}
    assert {r["comment"] for r in by(findings, rule="LABEL-VARIANT")} == {"OCR 误差"}
    jiaoti = by(findings, agency="睢县教育体育局", rule="T3-ROW-TOTAL")
    assert jiaoti[0]["verdict"] == "pending" and jiaoti[0]["fingerprint"] == by(findings, agency="睢县工业和信息化和科技局", rule="T3-ROW-TOTAL")[0]["fingerprint"]
    reports = {r["agency"]: r for r in read_csv(out / "reports.csv")}
    assert reports["睢县工业和信息化和科技局"]["review"] == "经审核确认 2 项问题" and reports["睢县工业和信息化和科技局"]["open_errors"] == "2"
    assert reports["睢县教育体育局"]["review"] == "待审核"
    assert reports["睢县工业和信息化和科技局"]["review_status"] == "confirmed"

    from openpyxl import load_workbook

    book = load_workbook(out / "findings.xlsx", read_only=True)
    rows = list(book["问题清单"].iter_rows(values_only=True))
    head = {name: n for n, name in enumerate(rows[0])}
    verdicts = {(row[head["单位"]], row[head["规则"]]): (row[head["审核意见"]], row[head["审核说明"]], row[head["审核人"]]) for row in rows[1:]}
    assert verdicts[("睢县工业和信息化和科技局", "T3-ROW-TOTAL")] == ("确认问题", "总计栏多填", "赵审核")
    assert verdicts[("睢县教育体育局", "T3-ROW-TOTAL")][0] == "待定"
    summary = list(book["报告汇总"].iter_rows(values_only=True))
    head = {name: n for n, name in enumerate(summary[0])}
    assert {row[head["单位"]]: row[head["人工审核结论"]] for row in summary[1:]}["睢县工业和信息化和科技局"] == "经审核确认 2 项问题"

    # a batch run again takes the verdicts straight from the store
    again = run_batch([tmp_path / "in"], tmp_path / "again", progress=False, overview=False, store=store)
    assert {r["verdict"] for r in by(read_csv(tmp_path / "again" / "findings.csv"), rule="LABEL-VARIANT")} == {"dismissed"}
    assert again.exit_status == 1  # 教体局's errors are still 待定
    batch.set_verdicts(batch.frame.index[batch.frame["severity"] == "error"], "dismissed", None, "赵审核")
    assert run_batch([tmp_path / "in"], tmp_path / "third", progress=False, overview=False, store=store).exit_status == 0


def test_the_notice_lists_only_confirmed_problems_per_agency(tmp_path):
    out, store = make_batch(tmp_path)
    batch = load_batch_findings(out)
    frame = batch.frame
    batch.set_verdicts(frame.index[frame["rule"] == "LABEL-VARIANT"], "dismissed", None, "赵审核")
    batch.set_verdicts(frame.index[(frame["agency"] == "睢县工业和信息化和科技局") & (frame["severity"] != "info")], "confirmed", "请更正总计栏 <b>", "钱审核")
    done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "notice", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "notice.html")
    text = (out / "notice.html").read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "default-src 'none'" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "政府信息公开工作年度报告审核情况通报" in text
    body = text.split("<body>", 1)[1]
    units = re.findall(r'<h3 class="xxgk-notice-unit">(.*?)</h3>', body)
    assert len(units) == 1 and "睢县工业和信息化和科技局" in units[0] and "确认问题 3 项" in units[0]
    listed = body.split('class="xxgk-table xxgk-notice-findings"', 1)[1]
    assert "T3-ROW-TOTAL" in listed and "T3-BAL" in listed and "LABEL-VARIANT" not in listed
    assert "请更正总计栏 &lt;b&gt;" in listed
    ranking = body.split('class="xxgk-table xxgk-notice-ranking"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", ranking)[1:]
    assert len(rows) == 3 and "睢县工业和信息化和科技局" in rows[0] and '<td class="xxgk-num">1</td>' in rows[0]
    assert "尚有 3 项错误或警告待审核" in body  # 教体局's, not listed
    assert "钱审核" in body.split('class="xxgk-signature"', 1)[1]

    done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "notice", str(tmp_path / "in")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "没有批量审核的结果" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_folder_without_batch_results_is_a_clear_error(tmp_path):
    with pytest.raises(NotABatch):
        load_batch_findings(tmp_path)
    (tmp_path / "findings.csv").write_text("source,rule\n", encoding="utf-8")
    (tmp_path / "reports.csv").write_text("source,status\n", encoding="utf-8")
    with pytest.raises(NotABatch, match="旧版本"):
        load_batch_findings(tmp_path)


def test_the_batch_review_app_in_process(tmp_path):
    pytest.importorskip("ipywidgets")
    from xxgk_audit.batch_review import BatchReviewApp

    out, store = make_batch(tmp_path)
    app = BatchReviewApp(out)
    assert app.batch is not None and "共 3 份报告" in app.summary.value
    assert app.grid.value.count("<tr>") == len(app.batch.frame) + 1
    app.rule.value = "LABEL-VARIANT"
    assert app.apply_button.description == "应用到 3 项"
    app.pick.value = (app.pick.options[0][1],)  # one picked in the list: only that one
    assert app.apply_button.description == "应用到 1 项"
    app.pick.value = ()
    app.new_verdict.value = "dismissed"
    app.auditor.value = "孙审核"
    assert app.apply() == 3 and "已将 3 项问题设为“不是问题”" in app.result.value
    app.rule.value = "all"
    app.verdict.value = "pending"
    assert "LABEL-VARIANT" not in app.grid.value
    memos = app.make_memos(limit=1)
    assert len(memos) == 1 and memos[0].is_file() and memos[0].parent == out / "memos"
    assert "不是问题" in memos[0].read_text(encoding="utf-8")
    written = app.write_back()
    assert {p.name for p in written} >= {"findings.csv", "reports.csv", "findings.xlsx", "overview.html", "notice.html"}, app.result.value
    assert {r["verdict"] for r in by(read_csv(out / "findings.csv"), rule="LABEL-VARIANT")} == {"dismissed"}
    assert "人工审核结论" in (out / "overview.html").read_text(encoding="utf-8")


def test_the_batch_review_and_notice_notebooks_run_in_a_kernel(tmp_path):
    from xxgk_audit.memo import KernelSession, export_notebook

    out, store = make_batch(tmp_path)
    batch = load_batch_findings(out)
    batch.set_verdicts(batch.frame.index[batch.frame["rule"] == "T3-BAL"], "confirmed", None, "周审核")
    with KernelSession() as session:
        review = export_notebook(BATCH_NOTEBOOK, {"report_dir": str(out)}, tmp_path / "review.html", session=session).read_text(encoding="utf-8")
        notice = export_notebook(NOTICE_NOTEBOOK, {"report_dir": str(out)}, tmp_path / "notice.html", session=session).read_text(encoding="utf-8")
    assert "xxgk-batch-grid" in review and "确认问题" in review and "<script" not in review.lower()
    assert review.count("睢县教育体育局") >= 1
    assert "xxgk-notice-ranking" in notice and notice.count('class="xxgk-notice-unit"') == 2  # T3-BAL confirmed for both agencies


def test_notebooks_are_committed_without_outputs_and_only_call_the_library():
    import json

    for path in (BATCH_NOTEBOOK, NOTICE_NOTEBOOK):
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1 and 'report_dir = "reports"' in "".join(tagged[0]["source"])
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
        code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert "xxgk_audit" in code and "def " not in code and "for " not in code
