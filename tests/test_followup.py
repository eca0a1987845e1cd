"""整改复核: generated pairs (fixed, not fixed, changed, new), the command, the closures in the review
store (and its upgrade from schema 1), a corpus report corrected by hand, versions in a batch."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS
from helpers import ROOT, sample_text, set_row_value, set_t4_value
from xxgk_audit import audit, load_report
from xxgk_audit.followup import CHANGED, FIXED, NEW, NOT_FIXED, compare, follow, record
from xxgk_audit.review import ReportReview, ReviewStore
from xxgk_audit.store import INDEXES, SCHEMA, validate

AGENCY = "睢县工业和信息化和科技局"


def cli(*args: str, store: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, XXGK_AUDIT_STORE=str(store))
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, env=env, cwd=cwd or ROOT)


def old_text() -> str:
    """表三 一 总计 5 (T3-ROW-TOTAL, T3-BAL, TEXT-VS-TABLE) and 表四 复议总计 3 (T4-SUM); LABEL-VARIANT (info) in both."""
    return set_t4_value(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), "review.total", "3")


def new_text() -> str:
    """表四 复议 corrected (T4-SUM gone), 表三 一 总计 now 7 (the same rules on the same cells, other
    values), and a new error: 表四 未经复议直接起诉 总计 2."""
    text = set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "7")
    return set_t4_value(text, "litigation_direct.total", "2")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def statuses(comparison) -> list[tuple[str, str]]:
    return sorted((i.status, i.finding.rule) for i in comparison.items)


def test_generated_pair_fixed_not_fixed_changed_new(tmp_path):
    old = audit(load_report(write(tmp_path, "old.txt", old_text())))
    new_report = load_report(write(tmp_path, "new.txt", new_text()))
    new = audit(new_report)
    cells = {k: (c.value, c.status) for k, c in new_report.cells.items()}
    verdicts = {f.fingerprint: "confirmed" for f in old.findings if f.rule in ("T3-BAL", "T4-SUM")}
    verdicts |= {f.fingerprint: "dismissed" for f in old.findings if f.rule == "TEXT-VS-TABLE"}
    comparison = compare(old.findings, new.findings, lambda f: verdicts.get(f.fingerprint, "pending"), cells)
    assert statuses(comparison) == [
        (CHANGED, "T3-BAL"), (CHANGED, "T3-ROW-TOTAL"),  # same rule and cells, 5 → 7
        (FIXED, "T4-SUM"),  # gone, 表四 复议 consistent now
        (NEW, "T4-SUM"),  # 未经复议直接起诉
        (NOT_FIXED, "LABEL-VARIANT"),
    ]
    assert comparison.not_followed == 1  # TEXT-VS-TABLE was 不是问题: not followed, and its successor is not "new" either
    fixed = comparison.of(FIXED)[0]
    assert fixed.verdict == "confirmed" and fixed.new is None and "一致" in fixed.note
    changed = next(i for i in comparison.of(CHANGED) if i.finding.rule == "T3-BAL")
    assert changed.new.fingerprint != changed.old.fingerprint and "5 → 7" in changed.note
    assert comparison.open == 3  # two changed errors, one new error


def test_a_vanished_finding_whose_cells_are_blank_now_is_not_closed(tmp_path):
    old = audit(load_report(write(tmp_path, "old.txt", old_text())))
    blank = set_t4_value(sample_text(), "review.total", "")  # T4-SUM gone, but only because the total is blank
    new_report = load_report(write(tmp_path, "new.txt", blank))
    comparison = compare(old.findings, audit(new_report).findings, new_cells={k: (c.value, c.status) for k, c in new_report.cells.items()})
    t4 = next(i for i in comparison.items if i.old is not None and i.old.rule == "T4-SUM")
    assert t4.status == CHANGED and "空白" in t4.note
    same = compare(old.findings, old.findings)
    assert {i.status for i in same.items} == {NOT_FIXED}


def test_findings_without_cells_are_followed_by_their_subject(tmp_path):
    def dated(day: str) -> str:
        return sample_text().replace("一、总体情况", f"发布日期：{day}\n一、总体情况", 1)

    old = audit(load_report(write(tmp_path, "old.txt", dated("2024-02-10"))))
    later = audit(load_report(write(tmp_path, "later.txt", dated("2024-03-01"))))
    in_time = audit(load_report(write(tmp_path, "in_time.txt", dated("2024-01-20"))))
    assert old.by_rule("DEADLINE") and later.by_rule("DEADLINE")
    assert ("changed", "DEADLINE") in statuses(compare(old.findings, later.findings))
    assert (FIXED, "DEADLINE") in statuses(compare(old.findings, in_time.findings))


def test_the_command_records_closures_and_writes_the_memo(tmp_path):
    store = tmp_path / "reviews.sqlite"
    old, new = write(tmp_path / "in", "old.txt", old_text()), write(tmp_path / "in2", "new.txt", new_text())
    done = cli("review", str(old), "--rule", "T4-SUM", "确认问题", "--auditor", "张三", store=store)
    assert done.returncode == 1, done.stderr
    out = tmp_path / "out"
    done = cli("followup", str(old), str(new), "--format", "json", "--auditor", "李四", "--out-dir", str(out), store=store)
    assert done.returncode == 1, done.stderr  # changed errors and a new error remain
    data = json.loads(done.stdout)
    assert data["old"]["agency"] == AGENCY and data["new"]["source"] == str(new)
    assert data["summary"]["fixed"] == 1 and data["summary"]["new"] == 1 and data["recorded"] == 5
    fixed = next(i for i in data["items"] if i["status"] == "fixed")
    assert fixed["old"]["rule"] == "T4-SUM" and fixed["verdict"] == "confirmed" and fixed["status_label"] == "已整改"
    closures = [h for h in data["history"] if h["status"] == "fixed"]
    assert len(closures) == 1 and closures[0]["auditor"] == "李四" and closures[0]["new_sha256"] == data["new"]["sha256"]
    memo = out / "new-followup.html"
    assert str(memo) in done.stderr and memo.is_file()
    html = memo.read_text(encoding="utf-8")
    assert "整改复核备忘录" in html and "已整改" in html and "销号" in html and "<script" not in html.lower()
    assert "default-src 'none'" in html

    history = cli("review", str(old), "--history", store=store)
    assert "整改复核记录（5 条，销号 1 项）" in history.stdout and "李四" in history.stdout
    again = cli("followup", str(old), str(new), "--dry-run", "--no-memo", store=store)
    assert "已记入" not in again.stdout and "复核结论：已整改 1 项；未整改 1 项；有变化 3 项；新问题 1 项" in again.stdout
    with ReviewStore(store, readonly=True) as opened:
        review = ReportReview.of(opened, audit(load_report(str(old))))
        assert len(review.followups()) == 5  # the dry run recorded nothing


def test_the_command_refuses_two_different_reports(tmp_path):
    store = tmp_path / "reviews.sqlite"
    a = write(tmp_path, "a.txt", old_text())
    b = write(tmp_path, "b.txt", new_text().replace(AGENCY, "睢县教育局"))
    done = cli("followup", str(a), str(b), store=store)
    assert done.returncode == 2 and "单位不同" in done.stderr and "Traceback" not in done.stderr
    done = cli("followup", str(a), str(a), store=store)
    assert done.returncode == 2 and "SHA-256 相同" in done.stderr
    done = cli("followup", str(a), str(tmp_path / "missing.txt"), store=store)
    assert done.returncode == 2 and "missing.txt" in done.stderr
    assert not store.exists()


def test_all_fixed_exits_zero(tmp_path):
    store = tmp_path / "reviews.sqlite"
    old = write(tmp_path / "a", "r.txt", set_t4_value(sample_text(), "review.total", "3"))
    new = write(tmp_path / "b", "r.txt", sample_text())
    done = cli("followup", str(old), str(new), "--no-memo", store=store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已整改 1 项" in done.stdout and "销号 1 项" in done.stdout


# -- the store: closures, and a store of schema version 1 ----------------------------------------------------

def v1_store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    for sql in (*SCHEMA.values(), *INDEXES):
        conn.execute(sql)
    conn.execute("INSERT INTO meta VALUES ('application', 'xxgk-audit review store'), ('schema_version', '1'), ('created_at', 'x')")
    conn.commit()
    conn.close()
    return path


def test_a_store_of_version_1_is_read_and_upgraded_at_the_first_followup(tmp_path):
    path = v1_store(tmp_path / "old.sqlite")
    validate(path)  # readable as it is
    old = audit(load_report(write(tmp_path / "a", "r.txt", old_text())))
    new = audit(load_report(write(tmp_path / "b", "r.txt", new_text())))
    with ReviewStore(path, readonly=True) as store:
        assert follow(old, new, store).history == []  # no follow-up table yet: none recorded
    before = path.read_bytes()
    with ReviewStore(path) as store:
        ReportReview.of(store, old).set(old.by_rule("T4-SUM")[0], "confirmed", auditor="张三")
        assert path.read_bytes() != before
        result = follow(old, new, store)
        assert record(result, store, "李四") == 5
        assert [row.status for row in store.followups(store.find_report(ReportReview.of(store, old).identity))].count("fixed") == 1
    validate(path)
    version = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert version == "2"


def test_recording_is_one_transaction(tmp_path):
    path = tmp_path / "s.sqlite"
    old = audit(load_report(write(tmp_path / "a", "r.txt", old_text())))
    new = audit(load_report(write(tmp_path / "b", "r.txt", new_text())))
    with ReviewStore(path) as store:
        result = follow(old, new, store)
        with pytest.raises(ValueError):
            store.record_followup(ReportReview.of(store, old).identity, ReportReview.of(store, new).identity, [(None, "closed", None, "pending", "")])
        assert store.followups(store.find_report(ReportReview.of(store, old).identity)) == []
        record(result, store)
        assert len(store.followups(store.find_report(ReportReview.of(store, old).identity))) == 5


# -- a corpus report with one defect corrected by hand ----------------------------------------------------------

def test_corpus_report_with_one_defect_corrected_by_hand(tmp_path):
    source = CORPUS / "2024_sh-kewei.md"
    if not source.exists():
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus follow-up needs the shared folder")
    text = source.read_text(encoding="utf-8")
    row = "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |"
    assert row in text
    corrected = write(tmp_path, "2024_sh-kewei.md", text.replace(row, "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"))  # the blank 总计 filled in
    old, new = audit(load_report(str(source))), audit(load_report(str(corrected)))
    comparison = follow(old, new).comparison
    blank = next(i for i in comparison.items if i.old is not None and i.old.rule == "CELL-BLANK")
    assert blank.status == FIXED and "t3.carry_forward.total" in blank.old.cells
    others = [i for i in comparison.items if i is not blank]
    assert others and all(i.status == NOT_FIXED for i in others)  # every other defect is still there
    assert not comparison.of(NEW)


# -- two versions of one report in a batch ------------------------------------------------------------------------

def test_a_batch_with_two_versions_follows_the_older_into_the_newer(tmp_path):
    from xxgk_audit.batch import run_batch

    def dated(text: str, day: str) -> str:
        return text.replace("一、总体情况", f"发布日期：{day}\n一、总体情况", 1)

    folder = tmp_path / "in"
    write(folder, "b-second.txt", dated(new_text(), "2024-01-15"))
    write(folder, "a-first.txt", dated(old_text(), "2024-01-10"))  # older by its date, though listed first by name …
    undated_old = write(folder / "u", "x.txt", old_text().replace(AGENCY, "睢县教育局"))
    undated_new = write(folder / "u", "y.txt", new_text().replace(AGENCY, "睢县教育局"))
    os.utime(undated_new, (time.time() - 3600, time.time() - 3600))  # … and without dates the file times decide: y.txt is older
    summary = run_batch([folder], tmp_path / "out", progress=False, overview=False, store=tmp_path / "none.sqlite")
    assert summary.year.followups > 0
    import csv

    rows = list(csv.DictReader((tmp_path / "out" / "followup.csv").open(encoding="utf-8-sig")))
    first = [r for r in rows if r["agency"] == AGENCY]
    assert {(r["old_source"], r["new_source"]) for r in first} == {(str(folder / "a-first.txt"), str(folder / "b-second.txt"))}
    assert ("fixed", "T4-SUM") in {(r["status"], r["rule"]) for r in first}
    assert ("new", "T4-SUM") in {(r["status"], r["rule"]) for r in first}
    second = [r for r in rows if r["agency"] == "睢县教育局"]
    assert {(r["old_source"], r["new_source"]) for r in second} == {(str(undated_new), str(undated_old))}
    from openpyxl import load_workbook

    assert "整改复核" in load_workbook(tmp_path / "out" / "findings.xlsx", read_only=True).sheetnames
