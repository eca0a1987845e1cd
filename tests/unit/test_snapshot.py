"""The audit result handed to the memo's kernel as JSON: the same memo, no pickle, nothing but our types."""

from __future__ import annotations

import json
import re

import pytest

from helpers import SAMPLE, sample_text, set_row_value
from memo_inputs import hostile_text
from xxgk_audit import audit, load_report
from xxgk_audit.render import MemoContext, memo_sections
from xxgk_audit.snapshot import SnapshotError, decode, dump_audit, encode, load_audit_snapshot


def sections(result) -> list:
    """The memo's fragments, without the random ids pandas gives each table."""
    return [(key, re.sub(r"T_[0-9a-f]{5}", "T_", html)) for key, html in memo_sections(MemoContext(result, None, "审核人", "2024-01-01"))]


@pytest.mark.parametrize("text", [sample_text(), set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5"), hostile_text()], ids=["sample", "arith", "hostile"])
def test_the_memo_of_a_snapshot_is_the_memo_of_the_result(tmp_path, text):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    prior = load_report(str(SAMPLE))
    result = audit(load_report(str(path)))
    dump_audit(result, [prior], tmp_path / "audit.json")
    again, priors = load_audit_snapshot(tmp_path / "audit.json", path)
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in result.findings]
    assert again.findings == result.findings and again.checks == result.checks
    assert sections(again) == sections(result)
    assert priors[0].agency == prior.agency and priors[0].cells.keys() == prior.cells.keys()
    assert again.report.document is None  # the source text is not passed


def test_memos_of_corpus_reports_survive_the_round_trip(tmp_path, corpus):
    for path in sorted(corpus.glob("*.*")):
        result = audit(load_report(str(path)))
        dump_audit(result, path=tmp_path / "audit.json")
        again, _ = load_audit_snapshot(tmp_path / "audit.json", path)
        assert sections(again) == sections(result), path.name


def test_only_the_packages_own_types_are_rebuilt():
    assert decode(encode((1, [2.5, None], {"a": "b"}))) == (1, [2.5, None], {"a": "b"})
    for hostile in (
        {"~type": "Popen", "fields": {"args": "ls"}},
        {"~type": "Finding", "fields": {"rule": "x"}},  # missing fields
        {"~type": "Location", "fields": {"cell": None, "file": "f", "line": None, "page": None, "row_label": None, "column_label": None, "text": None, "__class__": 1}},
        {"~layout": "1999"},
        {"unexpected": 1},
    ):
        with pytest.raises(SnapshotError):
            decode(hostile)
    with pytest.raises(SnapshotError):
        encode(object())


def test_a_snapshot_of_another_report_or_version_is_refused(tmp_path):
    result = audit(load_report(str(SAMPLE)))
    data = dump_audit(result, path=tmp_path / "audit.json")
    with pytest.raises(SnapshotError, match="not of"):
        load_audit_snapshot(tmp_path / "audit.json", tmp_path / "other.txt")
    (tmp_path / "old.json").write_text(json.dumps(data | {"version": "0.0.1"}), encoding="utf-8")
    with pytest.raises(SnapshotError, match="written by"):
        load_audit_snapshot(tmp_path / "old.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(SnapshotError):
        load_audit_snapshot(tmp_path / "bad.json")
