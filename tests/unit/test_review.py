"""Auditor verdicts: saved beside the memo, keyed by fingerprint, back to 待定 when values change."""

import json

import pytest

from helpers import SAMPLE, sample_text, set_row_value
from xxgk_audit import audit, load_report
from xxgk_audit.review import VERDICTS, ReviewStore, review_path


@pytest.fixture
def finding():
    return audit(load_report(str(SAMPLE))).findings[0]


def test_review_path_is_beside_the_memo(tmp_path):
    assert review_path("data/samples/2023_suixian-gxj.txt", tmp_path) == tmp_path / "2023_suixian-gxj.review.json"


def test_a_verdict_is_saved_at_once_and_read_back(tmp_path, finding):
    store = ReviewStore(tmp_path / "r.review.json")
    assert store.get(finding).verdict == "pending" and store.get(finding).label == "待定"
    store.set(finding, verdict="confirmed", comment="已与原表核对 <b>无误</b>")
    data = json.loads((tmp_path / "r.review.json").read_text(encoding="utf-8"))
    entry = data["verdicts"][finding.fingerprint]
    assert entry["verdict"] == "confirmed" and entry["label"] == "确认问题"
    assert entry["rule"] == finding.rule and entry["comment"] == "已与原表核对 <b>无误</b>"
    again = ReviewStore(tmp_path / "r.review.json")
    assert again.get(finding).verdict == "confirmed"
    assert again.get(finding).comment == "已与原表核对 <b>无误</b>"


def test_setting_only_the_comment_keeps_the_verdict(tmp_path, finding):
    store = ReviewStore(tmp_path / "r.review.json")
    store.set(finding, verdict="dismissed")
    store.set(finding, comment="格式差异，不影响")
    assert (store.get(finding).verdict, store.get(finding).comment) == ("dismissed", "格式差异，不影响")


def test_unknown_verdicts_are_refused(tmp_path, finding):
    with pytest.raises(ValueError):
        ReviewStore(tmp_path / "r.json").set(finding, verdict="maybe")
    assert set(VERDICTS.values()) == {"确认问题", "不是问题", "待定"}


def test_a_finding_whose_values_changed_is_pending_again(tmp_path):
    first = tmp_path / "a" / "report.txt"
    first.parent.mkdir()
    first.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), encoding="utf-8")
    before = next(f for f in audit(load_report(str(first))).findings if f.rule == "T3-ROW-TOTAL")
    store = ReviewStore.for_report(load_report(str(first)), tmp_path)
    store.set(before, verdict="confirmed", comment="总计多填")
    first.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "7"), encoding="utf-8")
    after_result = audit(load_report(str(first)))
    after = next(f for f in after_result.findings if f.rule == "T3-ROW-TOTAL")
    assert after.fingerprint != before.fingerprint
    reloaded = ReviewStore.for_report(load_report(str(first)), tmp_path)
    assert reloaded.get(after).verdict == "pending"
    assert before.fingerprint in reloaded.stale(after_result.findings)


def test_a_damaged_store_is_treated_as_empty(tmp_path, finding):
    path = tmp_path / "r.review.json"
    path.write_text("{not json", encoding="utf-8")
    store = ReviewStore(path)
    assert store.get(finding).verdict == "pending"
    store.set(finding, verdict="confirmed")
    assert json.loads(path.read_text(encoding="utf-8"))["verdicts"][finding.fingerprint]["verdict"] == "confirmed"
