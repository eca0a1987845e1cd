"""The verdict files of earlier versions (``<stem>.review.json``) are imported once, never ignored or overwritten."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from helpers import SAMPLE
from xxgk_audit import audit, load_report
from xxgk_audit.review import ReportReview, ReviewStore


@pytest.fixture
def finding():
    return audit(load_report(str(SAMPLE))).findings[0]


def legacy(finding, source: str, **report) -> dict:
    """A file as the JSON ReviewStore of earlier versions wrote it."""
    loaded = load_report(source)
    return {
        "tool": "xxgk-audit",
        "format": 1,
        "report": {"source": source, "sha256": loaded.sha256, "agency": loaded.agency, "year": loaded.year} | report,
        "verdicts": {
            finding.fingerprint: {"verdict": "dismissed", "comment": "旧版本里给的意见", "rule": finding.rule, "message": finding.message, "updated": "2024-03-01T10:00:00", "label": "不是问题"},
        },
    }


def write_legacy(folder, data, encoding="utf-8", bom=False, text=None):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2023_suixian-gxj.review.json"
    raw = (text if text is not None else json.dumps(data, ensure_ascii=False, indent=2)).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    return path


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False)])
def test_a_legacy_file_is_imported_once_with_a_message(tmp_path, finding, encoding, bom):
    report = tmp_path / "in" / "2023_suixian-gxj.txt"
    report.parent.mkdir()
    shutil.copy(SAMPLE, report)
    out = tmp_path / "reports"
    path = write_legacy(out, legacy(finding, str(report)), encoding, bom)
    before = path.read_bytes()
    store = ReviewStore(out / "reviews.sqlite")
    assert len(store.messages) == 1 and "已将以往的审核意见" in store.messages[0] and str(path) in store.messages[0]
    review = ReportReview.of(store, audit(load_report(str(report))))
    saved = review.get(finding)
    assert (saved.verdict, saved.comment, saved.updated_at) == ("dismissed", "旧版本里给的意见", "2024-03-01T10:00:00")
    assert [c.origin for c in review.history()] == ["import"]
    assert path.read_bytes() == before  # never changed or removed
    store.close()
    again = ReviewStore(out / "reviews.sqlite")
    assert again.messages == [] and len(ReportReview.of(again, audit(load_report(str(report)))).history()) == 1


def test_a_legacy_file_whose_report_moved_is_imported_by_agency_and_year(tmp_path, finding):
    data = legacy(finding, str(SAMPLE)) | {}
    data["report"]["source"] = str(tmp_path / "gone.txt")
    write_legacy(tmp_path / "reports", data)
    store = ReviewStore(tmp_path / "reports" / "reviews.sqlite")
    assert "睢县工业和信息化和科技局 · 2023年度 · 2021年格式" in store.messages[0]
    assert ReportReview.of(store, audit(load_report(str(SAMPLE)))).get(finding).verdict == "dismissed"


@pytest.mark.parametrize(
    "text,why",
    [
        ('{"verdicts": {"abc": {"verdict": "dismissed",},},}', "不是有效的 JSON"),  # trailing commas
        ('{"report": {"agency": "x", "year": 2023}, "verdicts": {"abc": {"verdict": 3}}}', "verdict 取值无效"),
        ('{"report": {"agency": "x", "year": 2023}, "verdicts": {"abc": {"verdict": "dismissed", "comment": ["a"]}}}', "comment 不是文字"),
        ('{"report": null, "verdicts": {"abc": {"verdict": "dismissed"}}}', "无法确定"),
        ('[1, 2]', "缺少 verdicts"),
    ],
)
def test_an_unreadable_legacy_file_is_refused_clearly_every_time_and_left_alone(tmp_path, text, why):
    path = write_legacy(tmp_path, None, text=text)
    before = path.read_bytes()
    for _ in range(2):
        store = ReviewStore(tmp_path / "reviews.sqlite")
        assert len(store.messages) == 1 and store.messages[0].startswith(f"{path}: 未导入") and why in store.messages[0]
        assert "文件未改动" in store.messages[0]
        store.close()
    assert path.read_bytes() == before


def test_the_commands_print_the_import_message(tmp_path, finding):
    out = tmp_path / "reports"
    write_legacy(out, legacy(finding, str(SAMPLE)))
    done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "review", str(SAMPLE), "--store", str(out / "reviews.sqlite")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "已将以往的审核意见" in done.stderr and "不是问题" in done.stdout and "旧版本里给的意见" in done.stdout
