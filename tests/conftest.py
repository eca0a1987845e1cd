"""Shared test fixtures: the sample report, the shared corpus (skipped when absent), file writers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "2023_suixian-gxj.txt"
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SPEC = SHARED / "spec"


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"../shared not found ({path}): the corpus and spec tests need the shared folder next to the project")
    return path


@pytest.fixture
def corpus() -> Path:
    return need_shared(CORPUS)


@pytest.fixture
def spec() -> Path:
    return need_shared(SPEC)


@pytest.fixture
def write(tmp_path):
    """write("name.txt", text or bytes, encoding="utf-8") -> path"""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers.py

from hypothesis import settings  # noqa: E402

# CI runs the property tests on a fixed set of examples (HYPOTHESIS_PROFILE=ci in .ci/run), so that a
# run is reproducible; on a developer's machine they explore new examples every time.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _ocr_cache(tmp_path_factory):
    """Scanned pages recognized by the tests are cached in a folder of the test run, never in the
    user's cache (see xxgk_audit.loaders.ocr_cache)."""
    if "XXGK_AUDIT_OCR_CACHE" not in os.environ:
        os.environ["XXGK_AUDIT_OCR_CACHE"] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield
