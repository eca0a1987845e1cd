import csv
import io
import json
import subprocess
import sys

import pytest

from helpers import SAMPLE, sample_text, set_t4_value
from xxgk_audit.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, encoding="utf-8")


def test_sample_text_output_exit_0():
    proc = run("check", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "睢县工业和信息化和科技局" in proc.stdout and "LABEL-VARIANT" in proc.stdout and "第20行" in proc.stdout
    assert proc.stderr == ""


def test_error_finding_exits_1_and_shows_the_source_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(set_t4_value(sample_text(), "review.upheld", "3"), encoding="utf-8")
    proc = run("check", str(bad))
    assert proc.returncode == 1
    assert "T4-SUM" in proc.stdout and "错误" in proc.stdout
    assert "原文“3”" in proc.stdout


def test_unreadable_input_one_line_and_the_rest_audited(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run("check", str(tmp_path / "missing.txt"), str(empty), str(SAMPLE), "--format", "json")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(str(tmp_path / "missing.txt") + ": ") and "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert [r["source"] for r in data["reports"]] == [str(SAMPLE)]
    assert len(data["unreadable"]) == 2


def test_json_contract():
    proc = run("check", str(SAMPLE), "--format", "json")
    data = json.loads(proc.stdout)
    assert data["tool"]["name"] == "xxgk-audit"
    report = data["reports"][0]
    assert set(report) >= {"source", "sha256", "agency", "year", "template", "sections", "cells", "findings"}
    assert report["template"] == "2021" and report["year"] == 2023 and len(report["cells"]) == 200
    assert report["sections"]["s1"] == {"title": "一、总体情况", "line": 5, "page": None}
    finding = report["findings"][0]
    assert set(finding) >= {"rule", "severity", "message", "cells", "expected", "actual", "locations", "fingerprint"}
    assert set(finding["locations"][0]) >= {"cell", "line", "page", "text"}


def test_csv_output_to_file(tmp_path):
    out = tmp_path / "out.csv"
    assert main(["check", str(SAMPLE), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0]["rule"] == "LABEL-VARIANT" and rows[0]["agency"] == "睢县工业和信息化和科技局"


def test_usage_error_exits_2():
    proc = run("check")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run("check", str(SAMPLE), "--format", "xml")
    assert proc.returncode == 2


def test_folder_is_a_clear_error(tmp_path):
    proc = run("check", str(tmp_path))
    assert proc.returncode == 2 and "文件夹" in proc.stderr


def test_check_does_not_import_jupyter_or_pandas():
    code = "import sys; from xxgk_audit.cli import main; main(['check', %r, '-o', '/dev/null']); print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas','nbformat','nbconvert','jupyter_client','IPython')))" % str(SAMPLE)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
