"""The corpus reports, each loaded and audited once per test session."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS
from xxgk_audit import audit, load_report

NAMES = sorted(p.name for p in CORPUS.glob("*.*")) if CORPUS.is_dir() else ["(corpus absent)"]


@pytest.fixture(scope="session")
def results():
    """results(name) -> (report, audit result, expected JSON); skips where ../shared is absent."""
    cache = {}

    def get(name):
        if not CORPUS.is_dir():
            pytest.skip(f"../shared/corpus not found ({CORPUS}): corpus tests need the shared folder next to the project")
        if name not in cache:
            report = load_report(CORPUS / name)
            expected = json.loads((CORPUS / "expected" / (name.rsplit(".", 1)[0] + ".json")).read_text(encoding="utf-8"))
            cache[name] = (report, audit(report), expected)
        return cache[name]

    return get
