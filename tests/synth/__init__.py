"""Synthetic 政府信息公开工作年度报告 with known values, for round-trip, mutation and benchmark tests.

Independent of the parser under test: only :mod:`xxgk_audit.layout` is imported.

    from synth import make_report, render, inject_error
    report = make_report("2021", seed=3)
    data = render(report, "html")            # bytes of a realistic CMS page
    bad, key = inject_error(report, rng=1)   # one 表三/表四 number changed; an equation breaks
"""

from .generate import (
    apply_blanks,
    broken_equations,
    consistent_cells,
    equation_feasible,
    inject_error,
    leaf_result_rows,
    make_report,
)
from .model import BLANK_MARKERS, FORMATS, SUFFIXES, SiteInfo, SyntheticReport, t4_columns
from .render import Grid, GridCell, file_name, grids, outline, render, write

__all__ = [
    "BLANK_MARKERS", "FORMATS", "SUFFIXES", "Grid", "GridCell", "SiteInfo", "SyntheticReport",
    "apply_blanks", "broken_equations", "consistent_cells", "equation_feasible", "file_name", "grids",
    "inject_error", "leaf_result_rows", "make_report", "outline", "render", "t4_columns", "write",
]
