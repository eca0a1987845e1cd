"""What a year's reports are as data: cells.parquet of a batch, for ``notebooks/dataset_explore.ipynb``.

``cells.parquet`` (written by ``xxgk-audit batch``) holds every parsed cell of every report, with
its source; joined with ``reports.csv`` (each report's kind of issuing body, publication date) it
answers questions across agencies and years, e.g.

- 复议纠错率: the share of concluded 行政复议 whose result was 纠正 (表四: 结果纠正 / (结果维持 + 结果纠正
  + 其他结果));
- 无法提供 share: the share of 办理结果 that were 无法提供 (表三 （四） / （七）总计).

Blank cells are unknown, never 0: a report whose cells needed for a ratio are blank is left out of
that ratio (and counted as such). Charts are SVG with their text kept as text
(``svg.fonttype = 'none'``): the browser draws the Chinese with its own fonts, so the server needs
no CJK font; no text is ever parsed as mathtext.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

REVIEW = ("t4.review.upheld", "t4.review.corrected", "t4.review.other")
UNABLE = ("t3.result.unable.not_held.total", "t3.result.unable.needs_creation.total", "t3.result.unable.unclear.total")
RESULTS_TOTAL = "t3.result.total.total"
NEW_TOTAL = "t3.new.total"
KIND_ORDER = ("政府部门", "本级政府", "乡镇街道", "其他")


def load_cells(report_dir: str | os.PathLike, columns=None) -> "pd.DataFrame":
    """cells.parquet of a batch folder, with each report's kind of body (``kind_label``) from
    reports.csv."""
    import pandas as pd

    from .batch.cells import read_cells
    from .publication import kind_label
    from .paths import resolve_report

    folder = Path(resolve_report(report_dir))
    if not (folder / "cells.parquet").is_file():
        raise FileNotFoundError(f"{folder} 中没有 cells.parquet：请先运行 xxgk-audit batch … --out-dir {folder}")
    cells = read_cells(folder, columns=columns)
    reports_csv = folder / "reports.csv"
    if reports_csv.is_file():
        reports = pd.read_csv(reports_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        if "kind" in reports.columns:
            kinds = dict(zip(reports["source"], reports["kind"].map(kind_label)))
            cells["kind_label"] = cells["source"].map(kinds).fillna(kind_label(None))
    if "kind_label" not in cells.columns:
        cells["kind_label"] = kind_label(None)
    return cells


def per_report(cells: "pd.DataFrame", keys) -> "pd.DataFrame":
    """One row per report (source) with the values of ``keys`` as columns (NaN where blank)."""
    reports = cells.drop_duplicates("source")[["source", "agency", "year", "kind_label"]].set_index("source")
    chosen = cells[cells["key"].isin(list(keys))]
    wide = chosen.drop_duplicates(["source", "key"]).set_index(["source", "key"])["value"].unstack("key")
    wide = wide.reindex(index=reports.index, columns=list(keys))
    return reports.join(wide).reset_index()


def ratios(cells: "pd.DataFrame") -> "pd.DataFrame":
    """Per report: 复议纠错率 and 无法提供 share (NaN where a needed cell is blank or the base is 0)."""
    import numpy as np

    keys = [*REVIEW, *UNABLE, RESULTS_TOTAL, NEW_TOTAL]
    wide = per_report(cells, keys)
    concluded = wide[list(REVIEW)].sum(axis=1, min_count=len(REVIEW))
    wide["复议结案"] = concluded
    wide["复议纠错率"] = np.where(concluded > 0, wide["t4.review.corrected"] / concluded.where(concluded > 0), np.nan)
    unable = wide[list(UNABLE)].sum(axis=1, min_count=len(UNABLE))
    total = wide[RESULTS_TOTAL]
    wide["办理结果总计"] = total
    wide["无法提供占比"] = np.where(total > 0, unable / total.where(total > 0), np.nan)
    return wide


def by_kind_and_year(table: "pd.DataFrame", value: str, weight: str) -> "pd.DataFrame":
    """The pooled share (Σ numerator / Σ denominator) of ``value`` by kind of body and year, with the
    number of reports that enter it and those left out (blank cells)."""
    import pandas as pd

    rows = []
    for (kind, year), group in table.groupby(["kind_label", "year"], dropna=False):
        usable = group[group[value].notna()]
        base = usable[weight].sum()
        rows.append({
            "类型": kind, "年度": int(year) if pd.notna(year) else None, "报告数": len(group), "计入": len(usable), "未计入（空白或为0）": len(group) - len(usable),
            value: (usable[value] * usable[weight]).sum() / base if base else float("nan"),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["_k"] = out["类型"].map(lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    return out.sort_values(["_k", "年度"]).drop(columns="_k").reset_index(drop=True)


def bar_svg(table: "pd.DataFrame", value: str, title: str) -> str:
    """A grouped bar chart (kinds of body × years) as SVG text, its text kept as text."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure

    settings = {"svg.fonttype": "none", "text.parse_math": False, "font.family": "sans-serif", "axes.unicode_minus": False, "font.size": 9,
                "font.sans-serif": ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "DejaVu Sans"], "svg.hashsalt": "xxgk"}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs the server's fonts lack: the browser draws them
        fig = Figure(figsize=(7, 3.2), layout="constrained")
        ax = fig.add_subplot()
        kinds = list(dict.fromkeys(table["类型"]))
        years = sorted(y for y in table["年度"].dropna().unique())
        width = 0.8 / max(1, len(years))
        for n, year in enumerate(years):
            part = table[table["年度"] == year].set_index("类型").reindex(kinds)
            ax.bar([k + n * width for k in range(len(kinds))], part[value].fillna(0) * 100, width, label=f"{int(year)}年度")
        ax.set_xticks([k + width * (len(years) - 1) / 2 for k in range(len(kinds))], kinds)
        ax.set_ylabel("%")
        ax.set_title(title)
        if years:
            ax.legend(frameon=False)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def trace(cells: "pd.DataFrame", source: str, key: str) -> "pd.DataFrame":
    """Where one value of one report was printed (file, location, labels as printed, raw text)."""
    row = cells[(cells["source"] == source) & (cells["key"] == key)]
    return row[["source", "key", "label", "value", "status", "location", "printed_row_label", "printed_column_label", "raw", "note"]].reset_index(drop=True)
