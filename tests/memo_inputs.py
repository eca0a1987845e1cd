"""Reports for the notebook, widget and browser tests: one with an arithmetic error, one hostile.

The hostile report carries HTML and script in places the memo shows: a narrative sentence (quoted
by TEXT-VS-TABLE), table cells (quoted by CELL-NOT-NUMBER and the appendix) and a section title.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import ROOT, SAMPLE, replace_line, sample_text, set_row_value  # noqa: F401 - re-exported

NOTEBOOK = ROOT / "notebooks" / "audit_report.ipynb"
CORPUS = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared")) / "corpus"


def need_corpus() -> Path:
    if not CORPUS.exists():
        pytest.skip(f"../shared not found ({CORPUS}): the corpus tests need the shared folder next to the project")
    return CORPUS

SCRIPT = "<script>window.__xss = 1; document.title = 'pwned'</script>"
IMG = '<img src=x onerror="window.__xss = 2">'
LINK = "[点此查看](javascript:window.__xss=3)"
COMMENT = "<!-- 隐藏的注释 -->"
PAYLOADS = (SCRIPT, IMG, LINK, COMMENT)


def arithmetic_error_text() -> str:
    """The sample with 表三 一、本年新收 总计 = 5 while every column is 0: T3-ROW-TOTAL and T3-BAL fail."""
    return set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "5")


def hostile_text() -> str:
    text = arithmetic_error_text()
    text = replace_line(text, "(二) 依申请公开：", f"(二) 依申请公开：2023 年度，县工业和信息化和科技局未收到依申请公开{SCRIPT}{LINK}。")
    text = set_row_value(text, "二、上年结转政府信息公开申请数量", 0, f"{IMG}{COMMENT}")
    text = set_row_value(text, "二、上年结转政府信息公开申请数量", 1, LINK)
    text = replace_line(text, "## 五、", f"## 五、存在的主要问题及改进情况{COMMENT}{IMG}")
    return text


def write_report(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
