"""The batch overview's charts on a server without CJK fonts: SVG with the text kept as text (the
browser draws the Chinese), no mathtext from report text, nothing clipped, coinciding lines visible."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from browser_support import browser, watched  # noqa: F401 - fixtures
from helpers import sample_text
from xxgk_audit.batch import run_batch

CHARTS = ("rule_chart", "heatmap", "series_chart", "dollar")
# a fresh process whose matplotlib knows no CJK font: what a bare server has
NO_CJK = textwrap.dedent(
    """
    import json, sys
    from matplotlib import font_manager
    font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist
        if not any(k in f.name for k in ("CJK", "Han ", "WenQuanYi", "Hei", "YaHei", "PingFang", "Unicode", "Droid Sans Fallback", "AR PL"))]
    from xxgk_audit import overview as ov
    data = ov.load_overview(sys.argv[1])
    out = {}
    matrix, _ = ov.agency_rule_matrix(data)
    figures = {"rule_chart": ov.rule_chart(data), "heatmap": ov.heatmap(matrix), "series_chart": ov.series_chart(data)}
    styles = []
    for n, ax in enumerate(figures["series_chart"].axes):
        styles += [(n, line.get_label(), line.get_marker(), str(line.get_linestyle()), list(map(float, line.get_xdata()))) for line in ax.lines]
    import pandas as pd
    figures["dollar"] = ov.heatmap(pd.DataFrame([[1, 2]], index=["测试$x^2$局"], columns=["T3-BAL", "CELL-BLANK"]))
    for name, figure in figures.items():
        out[name] = ov.svg(figure).data
    out["cjk_installed"] = [n for n in ov._cjk_family() if n != "DejaVu Sans"]
    out["series_styles"] = styles
    print(json.dumps(out, ensure_ascii=False))
    """
)


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    inputs = folder / "in"
    inputs.mkdir()
    text = sample_text()
    (inputs / "2023_a.txt").write_text(text, encoding="utf-8")
    (inputs / "2024_a.txt").write_text(text.replace("2023", "2024"), encoding="utf-8")  # the same numbers: lines on top of each other
    other = text.replace("睢县工业和信息化和科技局", "睢县发展和改革委员会")
    (inputs / "2023_b.txt").write_text(other, encoding="utf-8")
    (inputs / "2024_b.txt").write_text(other.replace("2023", "2024").replace("\t0\t0\t0\t0\t0\t0\t0\n", "\t1\t0\t0\t0\t0\t0\t0\n", 1), encoding="utf-8")
    run_batch([inputs], folder / "out", progress=False, overview=False)
    done = subprocess.run([sys.executable, "-c", NO_CJK, str(folder / "out")], capture_output=True, text=True, check=True)
    data = json.loads(done.stdout)
    for name in CHARTS:
        (folder / f"{name}.svg").write_text(data[name], encoding="utf-8")
    return folder, data


def test_no_cjk_font_is_installed_in_the_chart_process(charts):
    _, data = charts
    assert data["cjk_installed"] == []


@pytest.mark.parametrize("name", CHARTS)
def test_text_stays_text_and_names_cjk_fonts(charts, name):
    _, data = charts
    svg = data[name]
    assert svg.lstrip().startswith("<svg") or "<svg" in svg[:400]
    assert "<text" in svg and "Noto Sans CJK SC" in svg and "sans-serif" in svg
    assert "DejaVuSans-" not in svg  # no glyph outlines: the browser sets the text
    assert "<script" not in svg.lower()



def test_report_text_is_never_mathtext(charts):
    _, data = charts
    assert "测试$x^2$局" in data["dollar"]


def test_coinciding_lines_differ_in_marker_dash_and_position(charts):
    _, data = charts
    per_axis = {}
    for axis, label, marker, dashes, xs in data["series_styles"]:
        per_axis.setdefault(axis, []).append((label, marker, dashes, xs))
    assert len(per_axis) == 2 and all(len(lines) == 4 for lines in per_axis.values())
    for lines in per_axis.values():
        assert len({marker for _, marker, _, _ in lines}) == len(lines)
        assert len({dashes for _, _, dashes, _ in lines}) == len(lines)
        assert len({tuple(xs) for *_, xs in lines}) == len(lines)  # dodged around each year


@pytest.mark.parametrize("name", CHARTS)
def test_nothing_is_clipped_in_the_browser(charts, watched, name, tmp_path):
    folder, _ = charts
    path = folder / f"{name}.svg"
    watch = watched(allowed_prefixes=(path.as_uri(),))
    page = watch.page
    page.goto(path.as_uri())
    outside = page.evaluate(
        """() => {
        const svg = document.querySelector('svg');
        const box = svg.viewBox.baseVal;
        const bad = [];
        for (const t of svg.querySelectorAll('text')) {
            if (!t.textContent.trim()) continue;
            const b = t.getBBox();
            const m = t.getCTM();
            const p1 = new DOMPoint(b.x, b.y).matrixTransform(m), p2 = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
            const root = svg.getCTM().inverse();
            const q1 = p1.matrixTransform(root), q2 = p2.matrixTransform(root);
            const [x1, x2] = [Math.min(q1.x, q2.x), Math.max(q1.x, q2.x)], [y1, y2] = [Math.min(q1.y, q2.y), Math.max(q1.y, q2.y)];
            if (x1 < box.x - 1 || y1 < box.y - 1 || x2 > box.x + box.width + 1 || y2 > box.y + box.height + 1) bad.push(t.textContent);
        }
        return bad;
    }"""
    )
    assert outside == [], f"text outside the chart: {outside}"
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    assert watch.page_errors == []
