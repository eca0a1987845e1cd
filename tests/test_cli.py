import csv
import io
import json
import subprocess
import sys

import pytest
from pathlib import Path

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
    assert len(lines) == 3 and lines[0].startswith(str(tmp_path / "missing.txt") + ": ") and "Traceback" not in proc.stderr
    assert lines[-1] == "3 份报告：0 份有错误，0 份有警告，1 份未发现错误或警告；2 份无法读取"
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


ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help", "error:", "required:", "invalid choice", "unrecognized")


@pytest.mark.parametrize("command", [None, "check", "memo", "batch", "lab"])
def test_help_is_chinese_with_description_example_and_exit_statuses(command):
    proc = run(*([command] if command else []), "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("用法：xxgk-audit" + (f" {command}" if command else ""))
    assert "选项：" in text and "显示本帮助并退出" in text and "退出状态：" in text
    if command:
        assert "位置参数：" in text or command == "lab"
        assert "示例：\n  xxgk-audit " + command in text
        description = text.split("\n\n")[1]
        assert len(description) > 30 and not description.startswith(("位置参数", "选项"))
    for word in ENGLISH:
        assert word not in text.lower(), word


@pytest.mark.parametrize(
    ("args", "usage", "message"),
    [
        (["check", "--bogus", "a.txt"], "用法：xxgk-audit check", "无法识别的参数：--bogus"),
        (["memo", "a.txt", "--pdff"], "用法：xxgk-audit memo", "无法识别的参数：--pdff"),
        (["batch", "--jobs", "x", "a"], "用法：xxgk-audit batch", "参数 --jobs：无效的值 'x'"),
        (["check"], "用法：xxgk-audit check", "缺少必需的参数：PATH"),
        (["check", "a.txt", "--prior"], "用法：xxgk-audit check", "参数 --prior：需要一个值"),
        (["audit", "a.txt"], "用法：xxgk-audit [-h]", "无效的选择 'audit'"),
        ([], "用法：xxgk-audit [-h]", "缺少必需的参数：子命令"),
    ],
)
def test_usage_errors_are_chinese_and_show_the_subcommands_usage(args, usage, message):
    proc = run(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(usage), proc.stderr
    assert message in proc.stderr and "参数错误" in proc.stderr
    for word in ENGLISH:
        assert word not in proc.stderr.lower(), word


def _two_years(tmp_path):
    """The sample as 2023, and a 2024 copy whose 上年结转 does not follow from 2023's 结转下年度."""
    from helpers import set_row_value

    earlier = tmp_path / "2023.txt"
    earlier.write_text(set_row_value(sample_text(), "四、结转下年度继续办理", 0, "3"), encoding="utf-8")
    later = tmp_path / "2024.txt"
    later.write_text(sample_text().replace("2023", "2024"), encoding="utf-8")
    return earlier, later


def test_prior_takes_one_path_and_may_be_repeated(tmp_path):
    earlier, later = _two_years(tmp_path)
    other = tmp_path / "other.txt"
    other.write_text(sample_text().replace("2023", "2022"), encoding="utf-8")
    for args in (["--prior", str(earlier), str(later)], [str(later), "--prior", str(earlier)], ["--prior", str(other), "--prior", str(earlier), str(later)]):
        proc = run("check", *args, "--format", "json")
        data = json.loads(proc.stdout)
        assert [Path(r["source"]).name for r in data["reports"]] == ["2024.txt"], args  # B is audited, A is its prior
        rules = {f["rule"] for f in data["reports"][0]["findings"]}
        assert "T3-CARRY-CHAIN" in rules, (args, rules)
        assert proc.stderr == ""  # one report: no summary line


def test_several_reports_end_with_one_summary_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(set_t4_value(sample_text(), "review.upheld", "3"), encoding="utf-8")
    proc = run("check", str(SAMPLE), str(bad), "-o", str(tmp_path / "out.txt"))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["2 份报告：1 份有错误，0 份有警告，1 份未发现错误或警告"]


def test_format_labels_a_text_file_as_text(tmp_path):
    from xxgk_audit import audit, load_report
    from xxgk_audit.render import MemoContext, info_html

    report = load_report(str(SAMPLE))
    assert report.format == "md"  # Markdown headings inside a .txt file
    info = info_html(MemoContext(audit(report)))
    assert "<th>文件类型</th><td>文本</td>" in info
