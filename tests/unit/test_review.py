"""Verdicts belong to a report's identity (agency, year, layout) and a finding's fingerprint, with history."""

from __future__ import annotations

import pytest

from helpers import SAMPLE, sample_text, set_row_value, set_t4_value
from xxgk_audit import audit, load_report
from xxgk_audit.review import (
    VERDICTS,
    ReportIdentity,
    ReportReview,
    ReviewStore,
    Verdict,
    parse_verdict,
    read_reviews,
    reviewed_conclusion,
)

ARITH = ("一、本年新收政府信息公开申请数量", 6, "5")


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def audited(path):
    return audit(load_report(str(path)))


def with_agency(text: str, agency: str) -> str:
    return text.replace("睢县工业和信息化和科技局", agency)


@pytest.fixture
def store(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite") as opened:
        yield opened


def test_verdict_words_in_chinese_and_english():
    assert [parse_verdict(v) for v in ("确认问题", "不是问题", "待定", "confirmed", "DISMISSED", " pending ")] == ["confirmed", "dismissed", "pending", "confirmed", "dismissed", "pending"]
    with pytest.raises(ValueError, match="确认问题、不是问题、待定"):
        parse_verdict("maybe")
    assert set(VERDICTS.values()) == {"确认问题", "不是问题", "待定"}


def test_a_verdict_is_saved_with_its_auditor_and_read_back_by_another_store(tmp_path, store):
    result = audited(SAMPLE)
    finding = result.findings[0]
    review = ReportReview.of(store, result)
    assert review.get(finding) == Verdict() and review.get(finding).label == "待定"
    saved = review.set(finding, "confirmed", "已与原表核对 <b>无误</b>", auditor="张三")
    assert (saved.verdict, saved.comment, saved.auditor) == ("confirmed", "已与原表核对 <b>无误</b>", "张三") and saved.updated_at
    again = ReportReview.of(ReviewStore(tmp_path / "reviews.sqlite", readonly=True), audited(SAMPLE))
    assert again.get(finding).verdict == "confirmed" and again.get(finding).comment == "已与原表核对 <b>无误</b>"
    assert again.reviewers() == ["张三"]


def test_every_change_is_a_row_of_history_with_the_previous_value(store):
    result = audited(SAMPLE)
    finding = result.findings[0]
    review = ReportReview.of(store, result)
    review.set(finding, "dismissed", auditor="张三")
    review.set(finding, comment="格式差异，不影响", auditor="李四")  # only the comment: the verdict stays
    review.set(finding, comment="格式差异，不影响", auditor="李四")  # no change: no row
    review.set(finding, "confirmed", auditor="王五")
    history = review.history()
    assert [(c.verdict, c.comment, c.auditor, c.previous_verdict, c.previous_comment) for c in history] == [
        ("dismissed", "", "张三", None, None),
        ("dismissed", "格式差异，不影响", "李四", "dismissed", ""),
        ("confirmed", "格式差异，不影响", "王五", "dismissed", "格式差异，不影响"),
    ]
    assert all(c.rule == finding.rule and c.sha256 == result.report.sha256 for c in history)
    assert review.get(finding).verdict == "confirmed"  # current = latest
    assert review.reviewers() == ["张三", "李四", "王五"]
    with pytest.raises(ValueError):
        review.set(finding, "maybe")


def test_same_file_name_different_agencies_never_share_a_verdict(tmp_path, store):
    """Two index.html-like cases: the same file name in two folders, two agencies."""
    text = set_row_value(sample_text(), *ARITH)
    a = write(tmp_path / "a", "2023年政府信息公开工作年度报告.txt", text)
    b = write(tmp_path / "b", "2023年政府信息公开工作年度报告.txt", with_agency(text, "睢县教育体育局"))
    result_a, result_b = audited(a), audited(b)
    same = next(f for f in result_a.findings if f.rule == "T3-ROW-TOTAL")
    assert same.fingerprint in {f.fingerprint for f in result_b.findings}  # identical numbers, identical fingerprint
    ReportReview.of(store, result_a).set(same, "dismissed", "a 的意见", auditor="张三")
    review_b = ReportReview.of(store, result_b)
    assert review_b.identity != ReportReview.of(store, result_a).identity
    assert review_b.get(same) == Verdict() and review_b.history() == [] and review_b.reviewers() == []
    assert ReportReview.of(store, result_a).get(same).comment == "a 的意见"


def test_a_republication_keeps_the_verdicts_of_unchanged_findings_and_flags_new_ones(tmp_path, store):
    first = write(tmp_path / "v1", "report.txt", set_row_value(sample_text(), *ARITH))
    old = audited(first)
    review = ReportReview.of(store, old)
    kept = next(f for f in old.findings if f.rule == "LABEL-VARIANT")
    changed = next(f for f in old.findings if f.rule == "T3-ROW-TOTAL")
    review.set(kept, "dismissed", "笔误", auditor="张三")
    review.set(changed, "confirmed", "总计多填", auditor="张三")
    # the corrected re-publication, elsewhere under another name: the row total fixed, a 表四 error added
    second = write(tmp_path / "v2", "更正后.txt", set_t4_value(sample_text(), "review.upheld", "3"))
    new = audited(second)
    again = ReportReview.of(store, new)
    assert again.identity.agency_key == review.identity.agency_key and again.identity.sha256 != review.identity.sha256
    assert again.get(kept).verdict == "dismissed" and again.get(kept).comment == "笔误"
    assert len(again.earlier_versions) == 1
    fresh = [f for f in new.findings if again.is_new(f)]
    assert fresh and {f.rule for f in fresh} == {"T4-SUM"} and not again.is_new(kept)
    assert changed.fingerprint in again.stale(new.findings)  # the old verdict no longer applies


def test_an_administrative_prefix_does_not_change_the_identity(tmp_path, store):
    short = write(tmp_path / "a", "r.txt", with_agency(sample_text(), "洪泽区人民政府"))
    long = write(tmp_path / "b", "r.txt", with_agency(set_t4_value(sample_text(), "review.upheld", "3"), "淮安市洪泽区人民政府"))
    first, second = audited(short), audited(long)
    finding = first.findings[0]
    ReportReview.of(store, first).set(finding, "dismissed", auditor="张三")
    assert ReportReview.of(store, second).get(finding).verdict == "dismissed"


def test_the_layout_and_year_are_part_of_the_identity():
    report = load_report(str(SAMPLE))
    identity = ReportIdentity.of(report)
    assert (identity.agency, identity.year, identity.layout, identity.anchor) == ("睢县工业和信息化和科技局", 2023, "2021", "")
    assert ReportIdentity.from_fields(identity.agency, 2022, "2021", "x") != ReportIdentity.from_fields(identity.agency, 2023, "2021", "x")
    assert ReportIdentity.from_fields(identity.agency, 2023, "2019", "x").layout == "2019"
    unknown = ReportIdentity.from_fields(None, None, "2021", "abc123")
    assert unknown.anchor == "abc123"  # an unidentified report is an identity of its own


def test_the_reviewed_conclusion():
    findings = audited(SAMPLE).findings  # one info finding
    error = type(findings[0])("T4-SUM", "error", "arithmetic", "x", values=(1,))
    warning = type(findings[0])("S5-THIN", "warning", "text", "y", values=(2,))

    def given(**verdicts):
        return lambda f: Verdict(verdicts.get(f.rule.replace("-", "_"), "pending"))

    assert reviewed_conclusion(findings, given()).text == "无需审核"
    assert reviewed_conclusion([error, warning], given(T4_SUM="dismissed")).text == "待审核"  # the warning is 待定
    assert reviewed_conclusion([error, warning], given(T4_SUM="dismissed", S5_THIN="dismissed")).text == "经审核未确认问题"
    both = reviewed_conclusion([error, warning], given(T4_SUM="confirmed", S5_THIN="confirmed"))
    assert both.text == "经审核确认 2 项问题" and both.open_errors == 1
    assert reviewed_conclusion([error], given(T4_SUM="dismissed")).open_errors == 0
    assert reviewed_conclusion([error], given()).open_errors == 1


def test_a_readonly_store_is_never_created(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_STORE", str(tmp_path / "none.sqlite"))
    reviews, problem = read_reviews([audited(SAMPLE)])
    assert reviews == [None] and problem is None and not (tmp_path / "none.sqlite").exists()
    store = ReviewStore(tmp_path / "lazy.sqlite")
    review = ReportReview.of(store, audited(SAMPLE))
    assert review.get(review.findings[0]).verdict == "pending" and not (tmp_path / "lazy.sqlite").exists()
    review.set(review.findings[0], "dismissed")  # the first write creates it
    assert (tmp_path / "lazy.sqlite").exists()
