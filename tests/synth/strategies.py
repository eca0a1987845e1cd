"""Hypothesis strategies over synthetic reports.

    from synth.strategies import reports, reports_with_error, formats

    @given(reports(), formats())
    def test_round_trip(report, fmt): ...

Cells, narrative and agency come from the drawn seed; the presentation knobs that matter most to a
parser (blank marker, Word markup, page footers, traditional characters) are drawn by hypothesis
itself so that failures shrink towards the plain form.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from .generate import PROFILES, inject_error, make_report
from .model import BLANK_MARKERS, FORMATS, SyntheticReport

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def formats(allowed: tuple[str, ...] = FORMATS) -> st.SearchStrategy[str]:
    return st.sampled_from(allowed)


@st.composite
def reports(draw, layout_ids: tuple[str, ...] = ("2021", "2019"), variety: bool = True) -> SyntheticReport:
    """Consistent reports (every equation of the layout holds)."""
    layout_id = draw(st.sampled_from(layout_ids))
    seed = draw(SEEDS)
    if not variety:
        return make_report(layout_id, seed, variety=False, profile=draw(st.sampled_from(PROFILES)))
    return make_report(
        layout_id,
        seed,
        profile=draw(st.sampled_from(PROFILES)),
        blanks=draw(st.sampled_from(["none", "org", "zeros"])),
        blank_marker=draw(st.sampled_from(BLANK_MARKERS)),
        word_markup=draw(st.booleans()),
        page_footers=draw(st.booleans()),
        traditional=draw(st.sampled_from([False] * 9 + [True])),
    )


@st.composite
def reports_with_error(draw, layout_ids: tuple[str, ...] = ("2021", "2019"), variety: bool = True) -> tuple[SyntheticReport, str]:
    """(report, key of the 表三/表四 cell that was changed so that an equation breaks)."""
    report = draw(reports(layout_ids, variety))
    rng = random.Random(draw(SEEDS))
    try:
        return inject_error(report, rng)
    except ValueError:  # 表三/表四 printed all blank: print the zeros, then change one
        zeros = {k: 0 if v is None and k.startswith(("t3.", "t4.")) else v for k, v in report.cells.items()}
        return inject_error(report.copy(cells=zeros), rng)
