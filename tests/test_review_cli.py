"""``xxgk-audit review``, and the verdicts as ``check``, ``memo`` and the app see them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SAMPLE, sample_text, set_row_value
from memo_inputs import need_corpus

BIN = Path(sys.executable).parent


def cli(*args: str, store: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, XXGK_AUDIT_STORE=str(store))
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, env=env, cwd=cwd or ROOT)


def arith(folder: Path, name: str = "arith.txt", agency: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5")
    if agency:
        text = text.replace("睢县工业和信息化和科技局", agency)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def findings_json(path: Path, store: Path) -> list[dict]:
    done = cli("review", str(path), "--format", "json", store=store)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def test_review_lists_changes_and_shows_the_history(tmp_path):
    store = tmp_path / "reviews.sqlite"
    report = arith(tmp_path / "in")
    listed = cli("review", str(report), store=store)
    assert listed.returncode == 1 and "审核结论：待审核" in listed.stdout and "T3-ROW-TOTAL" in listed.stdout
    assert not store.exists()  # listing creates nothing

    data = json.loads(cli("review", str(report), "--format", "json", store=store).stdout)
    assert data["report"]["agency"] == "睢县工业和信息化和科技局" and data["report"]["year"] == 2023 and data["report"]["layout"] == "2021"
    assert data["report"]["sha256"] and data["report"]["review"]["conclusion"] == "待审核"
    first = data["findings"][0]
    assert set(first) >= {"fingerprint", "rule", "severity", "message", "verdict", "comment", "auditor", "updated_at"}
    assert first["verdict"] == "pending" and first["updated_at"] is None

    bal = next(f for f in data["findings"] if f["rule"] == "T3-BAL")
    done = cli("review", str(report), "--set", bal["fingerprint"], "不是问题", "--comment", "已核实", "--auditor", "张三", store=store)
    assert done.returncode == 1 and "已修改 1 项审核意见" in done.stderr
    done = cli("review", str(report), "--rule", "T3-ROW-TOTAL", "dismissed", "--auditor", "李四", store=store)
    assert done.returncode == 0, done.stdout  # every error is now 不是问题 …
    assert "审核结论：待审核" in done.stdout  # … but the TEXT-VS-TABLE warning is still 待定
    done = cli("review", str(report), "--rule", "TEXT-VS-TABLE", "confirmed", "--auditor", "李四", store=store)
    assert done.returncode == 0 and "审核结论：经审核确认 1 项问题（审核人：张三、李四）" in done.stdout

    after = {f["fingerprint"]: f for f in findings_json(report, store)}
    assert (after[bal["fingerprint"]]["verdict"], after[bal["fingerprint"]]["comment"], after[bal["fingerprint"]]["auditor"]) == ("dismissed", "已核实", "张三")
    assert after[bal["fingerprint"]]["updated_at"]

    cli("review", str(report), "--set", bal["fingerprint"][:8], "确认问题", "--auditor", "王五", store=store)
    history = json.loads(cli("review", str(report), "--history", "--format", "json", store=store).stdout)["history"]
    mine = [h for h in history if h["fingerprint"] == bal["fingerprint"]]
    assert [(h["verdict"], h["previous_verdict"], h["auditor"]) for h in mine] == [("dismissed", None, "张三"), ("confirmed", "dismissed", "王五")]
    text = cli("review", str(report), "--history", store=store).stdout
    assert "修改历史" in text and "不是问题 → 确认问题" in text


@pytest.mark.parametrize(
    "args,message",
    [
        (["--comment", "x"], "--comment 需要与 --set 或 --rule 一起使用"),
        (["--rule", "NO-SUCH-RULE", "不是问题"], "没有规则 NO-SUCH-RULE"),
        (["--rule", "T3-BAL", "也许"], "审核意见“也许”无效"),
        (["--set", "0123456789abcdef", "确认问题"], "报告中没有指纹为 0123456789abcdef 的问题"),
    ],
)
def test_review_usage_errors_are_one_line(tmp_path, args, message):
    done = cli("review", str(arith(tmp_path / "in")), *args, store=tmp_path / "reviews.sqlite")
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "reviews.sqlite").exists()


def test_same_file_name_in_two_folders_two_agencies_never_mix(tmp_path):
    store = tmp_path / "reviews.sqlite"
    a = arith(tmp_path / "县工信局", "index.txt")
    b = arith(tmp_path / "县教体局", "index.txt", agency="睢县教育体育局")
    for rule in ("T3-BAL", "T3-ROW-TOTAL", "TEXT-VS-TABLE"):
        assert cli("review", str(a), "--rule", rule, "不是问题", "--comment", "工信局的意见", store=store).returncode in (0, 1)
    assert cli("check", str(a), store=store).returncode == 0
    other = cli("check", str(b), store=store)
    assert other.returncode == 1 and "审核结论：待审核" in other.stdout and "工信局的意见" not in other.stdout
    assert all(f["verdict"] == "pending" for f in findings_json(b, store))
    both = json.loads(cli("check", str(a), str(b), "--format", "json", store=store).stdout)["reports"]
    assert [r["review"]["conclusion"] for r in both] == ["经审核未确认问题", "待审核"]
    assert cli("check", str(a), str(b), store=store).returncode == 1


def test_check_never_creates_a_store_and_names_a_missing_explicit_one(tmp_path):
    report = arith(tmp_path / "in")
    done = cli("check", str(report), store=tmp_path / "none.sqlite")
    assert done.returncode == 1 and not (tmp_path / "none.sqlite").exists()
    done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "check", str(report), "--store", str(tmp_path / "typo.sqlite")], capture_output=True, text=True)
    assert done.returncode == 2 and "typo.sqlite: 审核意见数据库不存在" in done.stderr and not (tmp_path / "typo.sqlite").exists()


def test_corpus_report_all_errors_dismissed_then_one_confirmed(tmp_path):
    """2023_hongzequ.pdf has ROW-MISSING and T4-SUM errors: dismissed, memo, app and check agree."""
    corpus = need_corpus()
    source = corpus / "2023_hongzequ.pdf"
    if not source.exists():
        pytest.skip(f"{source} not found")
    report = tmp_path / "in" / source.name
    report.parent.mkdir()
    shutil.copy(source, report)
    store = tmp_path / "reviews.sqlite"
    errors = [f for f in findings_json(report, store) if f["severity"] == "error"]
    assert {f["rule"] for f in errors} == {"ROW-MISSING", "T4-SUM"}
    assert cli("check", str(report), store=store).returncode == 1
    for rule in ("ROW-MISSING", "T4-SUM"):
        cli("review", str(report), "--rule", rule, "不是问题", "--comment", "已与单位核实", "--auditor", "陈审核", store=store)

    checked = cli("check", str(report), store=store)
    assert checked.returncode == 0 and "审核结论：经审核未确认问题" in checked.stdout
    memo = run_memo(report, tmp_path / "memos", store)
    assert memo.returncode == 0, memo.stderr
    text = (tmp_path / "memos" / "2023_hongzequ.html").read_text(encoding="utf-8")
    assert "结论：有错误，需要更正" in text and "审核结论：经审核未确认问题" in text and "陈审核" in text
    assert app_conclusion(report, store).count("审核结论：经审核未确认问题") == 1

    cli("review", str(report), "--set", errors[0]["fingerprint"], "确认问题", "--auditor", "陈审核", store=store)
    assert cli("check", str(report), store=store).returncode == 1
    memo = run_memo(report, tmp_path / "memos", store)
    assert memo.returncode == 1, memo.stderr
    assert "审核结论：经审核确认 1 项问题" in (tmp_path / "memos" / "2023_hongzequ.html").read_text(encoding="utf-8")
    assert "审核结论：经审核确认 1 项问题" in app_conclusion(report, store)


def run_memo(report: Path, out: Path, store: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk-audit"), "memo", str(report), "--out-dir", str(out), "--store", str(store)], capture_output=True, text=True, cwd=ROOT)


def app_conclusion(report: Path, store: Path) -> str:
    pytest.importorskip("ipywidgets")
    from xxgk_audit.widgets import AuditApp

    app = AuditApp(report, review_dir=store.parent / "app", store=store, choices=[])
    return app.sections["conclusion"].value


def test_the_memo_kernel_shows_the_result_it_is_given_without_reading_the_report(tmp_path):
    """xxgk-audit memo audits once and passes the result: the notebook never parses the report again."""
    from memo_inputs import NOTEBOOK
    from xxgk_audit import audit, load_report
    from xxgk_audit.memo import export_notebook
    from xxgk_audit.snapshot import dump_audit

    report = arith(tmp_path / "in")
    snapshot = dump_audit(audit(load_report(str(report))), path=tmp_path / "audit.json")
    report.unlink()  # were it read again, the memo would say the file is missing
    text = export_notebook(NOTEBOOK, {"report_path": str(report), "audit_data": str(tmp_path / "audit.json")}, tmp_path / "out" / "arith.html").read_text(encoding="utf-8")
    assert snapshot["sha256"] in text and "T3-ROW-TOTAL" in text and "无法读取报告" not in text
