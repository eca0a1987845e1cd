"""Reports the tool has never seen: each real-world variation of a report's text (tests/variants/
variation.py) read back gives the same cells and no error the original did not have.

The reports varied are the bundled sample, the text and Markdown reports of ../shared/corpus and
generated reports of both layouts in Markdown, plain text and HTML (tests/synth).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLE
from xxgk_audit import audit, load_report

from .variation import VARIATIONS, Variation

CORPUS_TEXTS = ("2024_sh-kewei.md", "2021_pingtan.txt", "2023_pingtan.txt", "2019_sh-szfbgt.html")
GENERATED = (("2021", 7, "md"), ("2021", 21, "md"), ("2019", 8, "md"), ("2021", 7, "txt"), ("2021", 9, "html"), ("2019", 3, "html"))


def _generated(layout_id: str, seed: int, fmt: str) -> tuple[str, str]:
    from synth.generate import make_report
    from synth.render import render

    report = make_report(layout_id, seed, variety=False, profile="medium")
    return render(report, fmt).decode("utf-8"), fmt


SOURCES = {"sample": lambda: (SAMPLE.read_text(encoding="utf-8"), "txt")}
for _name in CORPUS_TEXTS:
    SOURCES[_name] = (lambda n: lambda: ((CORPUS / n).read_text(encoding="utf-8"), n.rsplit(".", 1)[1]))(_name)
for _layout, _seed, _fmt in GENERATED:
    SOURCES[f"generated-{_layout}-{_seed}.{_fmt}"] = (lambda a, b, c: lambda: _generated(a, b, c))(_layout, _seed, _fmt)

_BASE: dict[str, tuple] = {}


def _audit(tmp_path: Path, name: str, text: str, fmt: str):
    path = tmp_path / f"{name}.{fmt}"
    path.write_text(text, encoding="utf-8")
    report = load_report(path)
    return report, audit(report)


def _base(tmp_path_factory, source: str):
    if source not in _BASE:
        if source in CORPUS_TEXTS and not CORPUS.is_dir():
            pytest.skip(f"../shared/corpus not found ({CORPUS}): corpus variants need the shared folder")
        text, fmt = SOURCES[source]()
        _BASE[source] = (text, fmt, *_audit(tmp_path_factory.mktemp("base"), "base", text, fmt))
    return _BASE[source]


def _all(result) -> Counter:
    """Findings by severity and rule (their subjects name lines, which a variation may move)."""
    return Counter((f.severity, f.rule) for f in result.findings)


def _errors(result) -> set[tuple[str, str]]:
    return {(f.rule, f.subject or ",".join(f.cells)) for f in result.findings if f.severity == "error"}


@pytest.mark.parametrize("variation", VARIATIONS, ids=lambda v: v.name)
@pytest.mark.parametrize("source", list(SOURCES))
def test_variation_reads_the_same(tmp_path_factory, tmp_path, source: str, variation: Variation):
    text, fmt, base, base_result = _base(tmp_path_factory, source)
    if fmt not in variation.formats:
        pytest.skip(f"{variation.name}: not a variation of {fmt} text")
    if variation.needs_complete and any(c.status != "number" or c.origin is not None for c in base.cells.values()):
        pytest.skip(f"{variation.name}: {source} has blank or unlabelled cells, which this variation would make ambiguous")
    varied = variation.apply(text)
    if varied is None or varied == text:
        pytest.skip(f"{variation.name}: nothing to vary in {source}")
    fmt_out = "txt" if variation.inseparable or variation.name == "tables as lines of text" else fmt
    report, result = _audit(tmp_path, "varied", varied, fmt_out)

    lost = {
        k for k, c in base.cells.items()
        if base.layout.cells[k].row_label in variation.lost_rows
        or (k.startswith("t3.") and base.layout.cells[k].column_label in variation.lost_columns and k in report.cells and report.cells[k].status == "blank")
    }
    unknown = {k for item in report.inseparable for k in item.cells} if variation.inseparable else set()
    before, after = base.values(), report.values()
    differences = {
        k: (before.get(k, "ABSENT"), after.get(k, "ABSENT"))
        for k in set(before) | set(after)
        if before.get(k, "ABSENT") != after.get(k, "ABSENT") and k not in lost and k not in unknown
    }
    assert differences == {}

    allowed = {rule for rule in variation.errors}
    new = [
        (f.rule, f.message)
        for f in result.findings
        if f.severity == "error" and (f.rule, f.subject or ",".join(f.cells)) not in _errors(base_result) and f.rule not in allowed
    ]
    assert new == []
    if variation.same_findings:
        assert _all(result) - _all(base_result) == Counter()
    assert {k for k in report.sections} >= {k for k in base.sections}  # no section lost
