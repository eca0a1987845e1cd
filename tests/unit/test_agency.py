"""Agency names: the same agency under different printed names, the kind of body, and the pairing
of --prior reports (loading.pair_priors, reused by the batch for automatic pairing)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from xxgk_audit.agency import agency_kind, same_agency
from xxgk_audit.loading import pair_priors


def report(agency, year, sha=""):
    return SimpleNamespace(agency=agency, year=year, sha256=sha if sha != "" else f"{agency}-{year}")


@pytest.mark.parametrize(
    "a, b",
    [
        ("洪泽区人民政府", "淮安市洪泽区人民政府"),  # the corpus pair 2023 → 2024
        ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府"),
        ("洪泽区人民政府", "洪泽区政府"),
        ("臨沭縣農業農村局", "临沭县农业农村局"),  # traditional characters
        ("沭阳县发展和改革局", "沐阳县发展和改革局"),  # OCR confusion 沭/沐
        ("沭阳县发展和改革局", "宿迁市沭阳县发展和改革局"),
        ("上海市科委", "上海市科学技术委员会"),  # short form
        ("沭阳县发展和改革局", "沭阳县 发展和改革局"),  # a space from line wrapping
        ("上海市人民政府办公厅", "上海市人民政府办公厅"),
    ],
)
def test_same_agency(a, b):
    assert same_agency(a, b) and same_agency(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("上海市科委", "北京市科委"),  # a different prefix is a different agency
        ("洪泽区人民政府", "淮阴区人民政府"),
        ("沭阳县发展和改革局", "泗阳县发展和改革局"),  # neighbouring counties differ in one character
        ("洪泽区人民政府", "洪泽区人民政府办公室"),  # the government vs its office
        ("淮安市人民政府", "淮安市洪泽区人民政府"),  # a city vs one of its districts
        ("科学技术委员会", "上海市科学技术委员会"),  # a bare organ name has no place of its own
        (None, "洪泽区人民政府"),
        ("", ""),
    ],
)
def test_different_agencies(a, b):
    assert not same_agency(a, b) and not same_agency(b, a)


@pytest.mark.parametrize(
    "name, kind",
    [
        ("淮安市人民政府", "government"),
        ("淮安市洪泽区人民政府", "government"),
        ("平潭综合实验区", "government"),  # a region's own report, titled with the region
        ("上海市人民政府办公厅", "department"),  # a government's office is a department
        ("洪泽区人民政府办公室", "department"),
        ("沭阳县发展和改革局", "department"),
        ("上海市科委", "department"),
        ("高沟镇人民政府", "township"),
        ("城东街道办事处", "township"),
        (None, "unknown"),
    ],
)
def test_agency_kind(name, kind):
    assert agency_kind(name) == kind


def test_pair_priors_pairs_by_normalised_agency_newest_first():
    current = report("淮安市洪泽区人民政府", 2024)
    priors = [
        report("洪泽区人民政府", 2022),
        report("洪泽区人民政府", 2023),
        report("淮安市人民政府", 2023),  # another agency
        report("淮阴区人民政府", 2023),  # another agency
        report("淮安市洪泽区人民政府", 2025),  # later, not a prior
    ]
    assert [(p.agency, p.year) for p in pair_priors(current, priors)] == [("洪泽区人民政府", 2023), ("洪泽区人民政府", 2022)]


def test_pair_priors_one_report_per_year_and_never_itself():
    current = report("上海市科委", 2024, sha="same")
    first, duplicate = report("上海市科学技术委员会", 2023, "a"), report("上海市科委", 2023, "b")
    itself = report("上海市科委", 2024, sha="same")
    assert pair_priors(current, [first, duplicate, itself, current]) == [first]


def test_pair_priors_needs_agency_and_year():
    assert pair_priors(report(None, 2024), [report("洪泽区人民政府", 2023)]) == []
    assert pair_priors(report("洪泽区人民政府", None), [report("洪泽区人民政府", 2023)]) == []
    assert pair_priors(report("洪泽区人民政府", 2024), [report("洪泽区人民政府", None)]) == []


def test_pair_priors_traditional_and_ocr_variants():
    current = report("沭阳县发展和改革局", 2024)
    priors = [report("沐阳縣發展和改革局", 2023), report("泗阳县发展和改革局", 2022)]
    assert [p.year for p in pair_priors(current, priors)] == [2023]


def test_pair_priors_without_hashes():
    # callers that pair by metadata only (the batch planner) may carry no hash at all
    current = report("洪泽区人民政府", 2024, sha=None)
    prior = report("洪泽区人民政府", 2023, sha=None)
    assert pair_priors(current, [prior]) == [prior]
