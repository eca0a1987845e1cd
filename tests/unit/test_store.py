"""The review store: an unreadable file is one clear error and stays byte for byte; concurrent
writers never lose a change."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SAMPLE, sample_text, set_row_value
from xxgk_audit import audit, load_report
from xxgk_audit.review import ReportReview, ReviewStore, StoreError
from xxgk_audit.store import SCHEMA, validate

ROOT = Path(__file__).resolve().parents[2]


def arith_report(tmp_path) -> Path:
    path = tmp_path / "arith.txt"
    path.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), encoding="utf-8")
    return path


def good_store(path: Path) -> Path:
    result = audit(load_report(str(SAMPLE)))
    with ReviewStore(path) as store:
        ReportReview.of(store, result).set(result.findings[0], "dismissed", "笔误", auditor="张三")
    return path


def legacy_json() -> str:
    return json.dumps({"tool": "xxgk-audit", "format": 1, "report": None, "verdicts": {"abc": {"verdict": "confirmed", "comment": "x"}}}, ensure_ascii=False)


def truncated(path: Path) -> None:
    data = good_store(path.with_name("whole.sqlite")).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt(path: Path) -> None:
    data = bytearray(good_store(path.with_name("whole.sqlite")).read_bytes())
    for offset in range(4096, len(data), 97):  # pages after the first: keep the header, break the b-trees
        data[offset] = (data[offset] + 0x5A) % 256
    path.write_bytes(bytes(data))


def wrong_types(path: Path) -> None:
    """The right table names, but a year that is text and a verdict that is no verdict."""
    conn = sqlite3.connect(path)
    for name, sql in SCHEMA.items():
        conn.execute(sql.replace(" STRICT", "").replace("year INTEGER", "year TEXT").replace("CHECK (verdict IN ('confirmed', 'dismissed', 'pending'))", ""))
    conn.execute("INSERT INTO meta VALUES ('application', 'xxgk-audit review store'), ('schema_version', '1')")
    conn.execute("INSERT INTO reports VALUES (1, 'x', '二〇二三', '2021', '', 'x', 't')")
    conn.commit()
    conn.close()


def bad_value(path: Path) -> None:
    """A store of the right schema into which a wrong verdict was forced."""
    good_store(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE changes SET verdict = 'maybe'")
    conn.commit()
    conn.close()


def other_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()


DAMAGE = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": truncated,
    "corrupt": corrupt,
    "bom json": lambda p: p.write_bytes(b"\xef\xbb\xbf" + legacy_json().encode("utf-8")),
    "gbk text": lambda p: p.write_bytes("审核意见：确认问题，不是问题".encode("gbk")),
    "json": lambda p: p.write_text(legacy_json(), encoding="utf-8"),
    "binary": lambda p: p.write_bytes(bytes(range(256)) * 8),
    "wrong types": wrong_types,
    "bad value": bad_value,
    "other database": other_database,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_an_unreadable_store_is_one_clear_error_and_left_unchanged(tmp_path, damage):
    path = tmp_path / "reviews.sqlite"
    DAMAGE[damage](path)
    for extra in tmp_path.glob("whole.sqlite*"):
        extra.unlink()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        ReviewStore(path)
    assert caught.value.path == str(path) and caught.value.reason and "\n" not in caught.value.reason
    assert path.read_bytes() == before
    with pytest.raises(StoreError):
        ReviewStore(path, readonly=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.sqlite"]  # nothing written beside it either


@pytest.mark.parametrize("damage", ["truncated", "gbk text", "wrong types"])
def test_the_commands_refuse_an_unreadable_store_in_one_line(tmp_path, damage):
    path = tmp_path / "reviews.sqlite"
    DAMAGE[damage](path)
    for extra in tmp_path.glob("whole.sqlite*"):
        extra.unlink()
    before = path.read_bytes()
    report = arith_report(tmp_path)
    for args in (["check", str(report)], ["review", str(report)], ["review", str(report), "--rule", "T3-BAL", "不是问题"]):
        done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args, "--store", str(path)], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and "Traceback" not in done.stderr
    assert path.read_bytes() == before


def test_a_valid_store_passes_the_check(tmp_path):
    path = good_store(tmp_path / "reviews.sqlite")
    validate(path)
    assert ReviewStore(path, readonly=True).reports()[0]["agency"] == "睢县工业和信息化和科技局"


WRITER = """
import sys
from xxgk_audit import audit, load_report
from xxgk_audit.review import ReportReview, ReviewStore
store_path, report_path, name, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
result = audit(load_report(report_path))
review = ReportReview.of(ReviewStore(store_path), result)
print("ready", flush=True)
sys.stdin.readline()
findings = result.findings
for n in range(rounds):
    finding = findings[n % len(findings)]
    review.set(finding, ("confirmed", "dismissed")[n % 2], f"{name}-{n}", auditor=name)
print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_no_change(tmp_path):
    report = arith_report(tmp_path)
    store_file = tmp_path / "reviews.sqlite"
    rounds = 40
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(store_file), str(report), name, str(rounds)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for name in ("甲", "乙")
    ]
    for process in writers:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in writers:  # start both at once
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "done", err
    result = audit(load_report(str(report)))
    review = ReportReview.of(ReviewStore(store_file, readonly=True), result)
    history = review.history()
    assert len(history) == 2 * rounds  # every change is a row
    assert {c.comment for c in history} == {f"{name}-{n}" for name in ("甲", "乙") for n in range(rounds)}
    by_finding: dict[str, list] = {}
    for change in history:
        by_finding.setdefault(change.fingerprint, []).append(change)
    for fingerprint, changes in by_finding.items():
        for before, after in zip(changes, changes[1:]):  # each row's previous value is the row before it
            assert (after.previous_verdict, after.previous_comment) == (before.verdict, before.comment)
        assert review.get(fingerprint).comment == changes[-1].comment  # current = latest
