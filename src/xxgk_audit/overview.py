"""The batch overview: tables and charts over a batch output folder, for ``batch_overview.ipynb``.

Reads only what ``xxgk-audit batch`` wrote (``reports.csv``, ``findings.csv``, ``batch.json``), so
the notebook runs on any such folder, also in JupyterLab long after the batch. ``findings.csv`` is
read in chunks and only its few needed columns, so a folder of ten thousand reports stays small in
memory. Charts are matplotlib figures rendered to PNG (inline, no network resources).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import CROSS_RULES, KEY_CELLS, STATUS_LABELS, UNREADABLE_RULE
from .findings import GROUP_LABELS, SEVERITY_LABELS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

BREAK_RULES = ("T3-CARRY-CHAIN", "T2-VALID-PROGRESSION", "YOY-JUMP")
SERIES_CELLS = ("t3.new.total", "t3.result.total.total", "t3.carry_forward.total", "t4.review.total")
STATUS_ORDER = ("error", "warning", "info", "clean", "unreadable")
SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e0a100", "info": "#3a7bbf"}
STATUS_COLOURS = {"error": "#f8d7da", "warning": "#fff3cd", "info": "#d9edf7", "clean": "#d4edda", "unreadable": "#e2e3e5"}
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
_CHUNK = 50_000


@dataclass
class BatchOverview:
    """What the overview shows, as DataFrames (column names as in the batch files)."""

    folder: Path
    meta: dict[str, Any]
    reports: "pd.DataFrame"  # reports.csv: one row per file
    rule_counts: "pd.DataFrame"  # rule, severity, findings, reports
    source_rules: "pd.DataFrame"  # source, rule, findings
    cross: "pd.DataFrame"  # findings of the cross-year and cross-report rules
    findings_total: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def audited(self) -> "pd.DataFrame":
        return self.reports[self.reports["status"] != "unreadable"]


class NotABatchFolder(FileNotFoundError):
    """The folder holds no batch output (no reports.csv / findings.csv)."""


def resolve_folder(report_dir: str | os.PathLike) -> Path:
    """The batch output folder: as given, else relative to the project root (as the memo does)."""
    from .paths import resolve_report

    return Path(resolve_report(report_dir)).resolve()


def load_overview(report_dir: str | os.PathLike) -> BatchOverview:
    import pandas as pd

    folder = resolve_folder(report_dir)
    reports_csv, findings_csv = folder / "reports.csv", folder / "findings.csv"
    if not reports_csv.is_file() or not findings_csv.is_file():
        raise NotABatchFolder(f"{folder} 中没有批量审核的结果（reports.csv、findings.csv）：请先运行 xxgk-audit batch … --out-dir {folder}")
    meta: dict[str, Any] = {}
    if (folder / "batch.json").is_file():
        meta = json.loads((folder / "batch.json").read_text(encoding="utf-8"))
    reports = pd.read_csv(reports_csv, encoding="utf-8-sig", dtype={"source": "str", "agency": "str", "series": "str", "prior": "str", "template": "str", "reason": "str", "review": "str", "review_status": "str", "layout": "str"})
    for column in ("year", "errors", "warnings", "infos", "members", "confirmed", "dismissed", "open_errors"):
        if column not in reports.columns:  # a batch written before the review columns existed
            reports[column] = pd.NA
        reports[column] = pd.to_numeric(reports[column], errors="coerce").astype("Int64")

    counts: list[pd.DataFrame] = []
    per_source: list[pd.DataFrame] = []
    cross: list[pd.DataFrame] = []
    total = 0
    columns = ["source", "agency", "year", "rule", "severity", "message", "expected", "actual", "difference"]
    for chunk in pd.read_csv(findings_csv, encoding="utf-8-sig", usecols=columns, chunksize=_CHUNK, dtype={"source": "str", "rule": "str", "severity": "str", "message": "str", "agency": "str"}):
        total += len(chunk)
        counts.append(chunk.groupby(["rule", "severity"]).agg(findings=("source", "size"), reports=("source", "nunique")).reset_index())
        per_source.append(chunk.groupby(["source", "rule"]).size().rename("findings").reset_index())
        cross.append(chunk[chunk["rule"].isin(CROSS_RULES)])
    empty_counts = pd.DataFrame({"rule": pd.Series(dtype="str"), "severity": pd.Series(dtype="str"), "findings": pd.Series(dtype="int64"), "reports": pd.Series(dtype="int64")})
    rule_counts = pd.concat(counts).groupby(["rule", "severity"], as_index=False)[["findings", "reports"]].sum() if counts else empty_counts
    source_rules = pd.concat(per_source).groupby(["source", "rule"], as_index=False)["findings"].sum() if per_source else pd.DataFrame(columns=["source", "rule", "findings"])
    cross_frame = pd.concat(cross, ignore_index=True) if cross else pd.DataFrame(columns=columns)
    return BatchOverview(folder, meta, reports, rule_counts, source_rules, cross_frame, total, list(meta.get("notes", [])))


# -- figures as a memo sees them ---------------------------------------------------------------------

def _cjk_family() -> list[str]:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in _CJK_FONTS if name in names] + ["DejaVu Sans"]


def _figure(width: float, height: float) -> "Figure":
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # generous padding: where no CJK font is installed the text is measured with a stand-in, and
    # the browser's CJK glyphs stand a little taller and wider than that
    return Figure(figsize=(width, height), dpi=100, layout=ConstrainedLayoutEngine(h_pad=0.12, w_pad=0.12))


def _style() -> dict[str, Any]:
    """Chinese text in the charts wherever they are shown: the installed CJK fonts measure the text,
    an SVG keeps it as text (svg.fonttype none) and names every CJK font for the browser to choose
    from; report text (agency names) is never parsed as mathtext (a "$" stays a "$")."""
    installed = _cjk_family()
    family = list(dict.fromkeys(installed[:-1] + list(_CJK_FONTS) + ["DejaVu Sans"]))
    return {
        "font.family": "sans-serif",
        "font.sans-serif": family,
        "axes.unicode_minus": False,
        "font.size": 9,
        "svg.fonttype": "none",
        "text.parse_math": False,
        "svg.hashsalt": "xxgk-audit",  # stable ids: the same chart, the same SVG
    }


# how the series of a year chart differ besides colour, so that lines on top of each other stay visible
_SERIES_STYLES = (("o", "-", 7.5), ("s", "--", 6.0), ("^", "-.", 5.5), ("D", ":", 4.5), ("v", (0, (5, 1, 1, 1)), 5.0), ("P", (0, (1, 1)), 5.0))
_DODGE = 0.07  # years: series side by side around each year, a point hidden behind another is shifted


def svg(fig: "Figure"):
    """The figure as SVG with its text kept as text (``IPython.display.SVG``): the browser draws the
    Chinese with its own fonts, so the chart reads right on a server without CJK fonts."""
    import io
    import logging
    import warnings

    import matplotlib
    from IPython.display import SVG

    buffer = io.StringIO()
    quiet = logging.getLogger("matplotlib.font_manager")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the CJK fonts named for the browser need not be installed here
    try:
        with matplotlib.rc_context(_style()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        quiet.setLevel(level)
    return SVG(data=buffer.getvalue())


def png(fig: "Figure", dpi: int = 110):
    """The figure as an inline PNG image (``IPython.display.Image``); its Chinese needs a CJK font
    on this machine — the overview uses :func:`svg`."""
    import io
    import logging
    import warnings

    import matplotlib
    from IPython.display import Image

    buffer = io.BytesIO()
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(_style()), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.savefig(buffer, format="png", dpi=dpi)
    return Image(data=buffer.getvalue(), format="png")


def _rule_order(rules) -> list[str]:
    from .rules import REGISTRY

    order = {rule: n for n, rule in enumerate(REGISTRY)}
    return sorted(set(rules), key=lambda r: (order.get(r, len(order)), r))


def rule_chart(overview: BatchOverview) -> "Figure | None":
    """Horizontal bars: findings per rule, stacked by severity."""
    import matplotlib

    counts = overview.rule_counts[overview.rule_counts["rule"] != UNREADABLE_RULE]
    if counts.empty:
        return None
    table = counts.pivot_table(index="rule", columns="severity", values="findings", aggfunc="sum", fill_value=0)
    rules = _rule_order(table.index)[::-1]
    table = table.reindex(rules)
    with matplotlib.rc_context(_style()):
        fig = _figure(8, max(2.0, 0.32 * len(rules) + 1.0))
        ax = fig.add_subplot()
        left = [0] * len(rules)
        for severity in ("error", "warning", "info"):
            if severity not in table.columns:
                continue
            values = table[severity].tolist()
            ax.barh(rules, values, left=left, color=SEVERITY_COLOURS[severity], label=SEVERITY_LABELS[severity])
            left = [a + b for a, b in zip(left, values)]
        for y, total in enumerate(left):
            ax.text(total, y, f" {total}", va="center", fontsize=8)
        ax.set_xlabel("问题数")
        ax.set_title("各规则发现的问题数")
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max(left) * 1.12 + 1)
    return fig


def agency_rule_matrix(overview: BatchOverview, max_agencies: int = 30) -> tuple["pd.DataFrame", int]:
    """Findings per agency (series name) and rule, the agencies with most findings first."""
    import pandas as pd

    names = overview.reports[["source", "series", "agency"]].copy()
    names["单位"] = names["series"].fillna(names["agency"]).fillna("（未识别单位）")
    data = overview.source_rules.merge(names[["source", "单位"]], on="source", how="inner")
    data = data[data["rule"] != UNREADABLE_RULE]
    if data.empty:
        return pd.DataFrame(), 0
    matrix = data.pivot_table(index="单位", columns="rule", values="findings", aggfunc="sum", fill_value=0)
    matrix = matrix[_rule_order(matrix.columns)]
    ranked = matrix.sum(axis=1).sort_values(ascending=False, kind="stable")
    return matrix.loc[ranked.index[:max_agencies]], len(matrix)


def heatmap(matrix: "pd.DataFrame") -> "Figure | None":
    """Agency × rule heat map with the counts written in the cells."""
    import matplotlib

    if matrix.empty:
        return None
    rows, cols = matrix.shape
    with matplotlib.rc_context(_style()):
        fig = _figure(max(6.0, 0.55 * cols + 3.5), max(2.5, 0.34 * rows + 1.8))
        ax = fig.add_subplot()
        values = matrix.to_numpy()
        image = ax.imshow(values, cmap="OrRd", aspect="auto", vmin=0)
        ax.set_xticks(range(cols), matrix.columns, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(rows), matrix.index, fontsize=8)
        peak = values.max() or 1
        for i in range(rows):
            for j in range(cols):
                if values[i, j]:
                    ax.text(j, i, str(values[i, j]), ha="center", va="center", fontsize=7, color="white" if values[i, j] > peak * 0.6 else "black")
        ax.set_title("各单位 × 规则的问题数")
        fig.colorbar(image, ax=ax, shrink=0.6, label="问题数")
    return fig


def year_series(overview: BatchOverview, max_agencies: int = 15) -> tuple["pd.DataFrame", int]:
    """Key counts per agency and year, for the agencies with reports of two or more years (those
    with most years, then most findings, first)."""
    import pandas as pd

    data = overview.audited.dropna(subset=["year"]).copy()
    if data.empty:
        return pd.DataFrame(), 0
    data["单位"] = data["series"].fillna(data["agency"])
    data = data.dropna(subset=["单位"])
    data = data[data[[c for c in KEY_CELLS if c in data.columns]].notna().any(axis=1)]  # years whose tables were read
    years = data.groupby("单位")["year"].nunique()
    multi = years[years >= 2].index
    data = data[data["单位"].isin(multi)]
    if data.empty:
        return pd.DataFrame(), 0
    findings = (data["errors"].fillna(0) + data["warnings"].fillna(0) + data["infos"].fillna(0)).groupby(data["单位"]).sum()
    keep = sorted(multi, key=lambda name: (-years[name], -findings.get(name, 0), name))[:max_agencies]
    data = data[data["单位"].isin(keep)]
    long = data.melt(id_vars=["单位", "year"], value_vars=[c for c in KEY_CELLS if c in data.columns], var_name="cell", value_name="value")
    long["指标"] = long["cell"].map(KEY_CELLS)
    table = long.pivot_table(index=["单位", "指标"], columns="year", values="value", aggfunc="first")
    order = {name: n for n, name in enumerate(keep)}
    metric = {label: n for n, label in enumerate(KEY_CELLS.values())}
    table = table.loc[sorted(table.index, key=lambda ix: (order[ix[0]], metric[ix[1]]))]
    table.columns = [f"{int(y)}年" for y in table.columns]
    return table.dropna(how="all"), len(multi)


def series_chart(overview: BatchOverview, max_agencies: int = 6) -> "Figure | None":
    """Small multiples: per agency, the key counts over the years."""
    import matplotlib

    from matplotlib.ticker import MaxNLocator

    table, _ = year_series(overview, max_agencies)
    if table.empty:
        return None
    agencies = list(dict.fromkeys(table.index.get_level_values(0)))
    labels = [KEY_CELLS[c] for c in SERIES_CELLS]
    columns = min(3, len(agencies))
    rows = -(-len(agencies) // columns)
    with matplotlib.rc_context(_style()):
        fig = _figure(max(4.8, 3.4 * columns), 2.6 * rows + 0.6)
        axes = fig.subplots(rows, columns, squeeze=False)
        for k, agency in enumerate(agencies):
            ax = axes[k // columns][k % columns]
            part = table.loc[agency]
            years = [int(c.rstrip("年")) for c in part.columns]
            shown = [label for label in labels if label in part.index and part.loc[label].notna().any()]
            for n, label in enumerate(labels):
                if label not in shown:
                    continue
                marker, dashes, size = _SERIES_STYLES[n % len(_SERIES_STYLES)]
                offset = (n - (len(labels) - 1) / 2) * _DODGE
                ax.plot(
                    [year + offset for year in years], part.loc[label].astype("float").tolist(), label=label, color=f"C{n}",
                    marker=marker, markersize=size, markerfacecolor="white" if n % 2 else f"C{n}", linestyle=dashes, linewidth=1.4,
                )
            ax.set_title(agency, fontsize=9)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts
            ax.set_ylim(bottom=0, top=max(1.0, ax.get_ylim()[1]))
            ax.set_xticks(years, [str(y) for y in years])
            ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
            ax.spines[["top", "right"]].set_visible(False)
        for k in range(len(agencies), rows * columns):
            axes[k // columns][k % columns].set_visible(False)
        handles, names = {}, []
        for ax in fig.axes:  # every series drawn anywhere, in the order of the labels
            for handle, name in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(name, handle)
        names = [label for label in labels if label in handles]
        if names:  # below the charts, in as many columns as the figure is wide enough for
            fig.legend([handles[n] for n in names], names, loc="outside lower center", ncols=min(len(names), 2 * columns), frameon=False)
        fig.suptitle("各单位关键数字的年度变化")
    return fig


# -- tables ------------------------------------------------------------------------------------------

def status_counts(overview: BatchOverview) -> "pd.DataFrame":
    import pandas as pd

    counts = overview.reports["status"].value_counts()
    rows = [(STATUS_LABELS[s], int(counts.get(s, 0))) for s in STATUS_ORDER if counts.get(s, 0)]
    return pd.DataFrame(rows, columns=["审核结论", "份数"])


def review_counts(overview: BatchOverview) -> "pd.DataFrame":
    """Reports per reviewed conclusion (待审核, 经审核确认 N 项问题, 经审核未确认问题, 无需审核)."""
    import pandas as pd

    if "review_status" not in overview.reports.columns:
        return pd.DataFrame(columns=["人工审核结论", "份数"])
    audited = overview.audited
    labels = {"pending": "待审核", "confirmed": "经审核确认问题", "dismissed": "经审核未确认问题", "none": "无需审核"}
    counts = audited["review_status"].value_counts()
    rows = [(label, int(counts.get(key, 0))) for key, label in labels.items() if counts.get(key, 0)]
    return pd.DataFrame(rows, columns=["人工审核结论", "份数"])


def report_table(overview: BatchOverview) -> "pd.DataFrame":
    """One row per file: the worst first (errors, then warnings …), then by file."""
    import pandas as pd

    frame = overview.reports.copy()
    frame["_rank"] = frame["status"].map({s: n for n, s in enumerate(STATUS_ORDER)})
    frame = frame.sort_values(["_rank", "source"], kind="stable")
    out = pd.DataFrame(
        {
            "文件": frame["source"].map(lambda s: os.path.basename(s) if isinstance(s, str) else s),
            "单位": frame["agency"],
            "年度": frame["year"],
            "格式": frame["template"].map(lambda t: f"{t}年格式" if isinstance(t, str) and t else "未识别出表格"),
            "审核结论": frame["status"].map(STATUS_LABELS),
            "错误": frame["errors"],
            "警告": frame["warnings"],
            "提示": frame["infos"],
            "上年报告": frame["prior"].map(lambda s: os.path.basename(s) if isinstance(s, str) else ""),
            "无法读取的原因": frame["reason"].fillna(""),
        }
    )
    if "review" in frame.columns:  # the auditor's conclusion (batch review), beside the automatic one
        out.insert(5, "人工审核结论", frame["review"].fillna("").to_numpy())
    out.loc[frame["status"].to_numpy() == "unreadable", "格式"] = ""
    return out.reset_index(drop=True)


def rule_table(overview: BatchOverview) -> "pd.DataFrame":
    import pandas as pd

    from .rules import REGISTRY

    counts = overview.rule_counts
    rows = []
    for rule in _rule_order(counts["rule"]):
        part = counts[counts["rule"] == rule]
        group = REGISTRY[rule].group if rule in REGISTRY else None
        for _, row in part.iterrows():
            rows.append((rule, GROUP_LABELS.get(group, "无法读取") if group else "无法读取", SEVERITY_LABELS.get(row["severity"], row["severity"]), int(row["findings"]), int(row["reports"])))
    return pd.DataFrame(rows, columns=["规则", "类别", "严重程度", "问题数", "涉及报告数"])


def break_table(overview: BatchOverview, rules: tuple[str, ...] = BREAK_RULES) -> "pd.DataFrame":
    """The cross-year breaks (or other cross-report findings) as a table for the memo; 数值 says
    what the report says and what it is compared with, in the rule's words (本年度 … 上年度 …)."""
    import pandas as pd

    from .render import values_sentence

    part = overview.cross[overview.cross["rule"].isin(rules)]
    order = {rule: n for n, rule in enumerate(rules)}
    part = part.assign(_rank=part["rule"].map(order)).sort_values(["_rank", "agency", "year", "source"], kind="stable")
    return pd.DataFrame(
        {
            "文件": part["source"].map(os.path.basename),
            "单位": part["agency"],
            "年度": pd.to_numeric(part["year"], errors="coerce").astype("Int64"),
            "规则": part["rule"],
            "严重程度": part["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
            "说明": part["message"],
            "数值": [
                values_sentence(rule, None, _plain(actual), _plain(expected), _plain(difference))
                for rule, actual, expected, difference in zip(part["rule"], part["actual"], part["expected"], part["difference"])
            ],
        }
    ).reset_index(drop=True)


def _plain(value):
    """A number read back from findings.csv as it was written (6.0 -> 6), None for an empty cell."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def pair_table(overview: BatchOverview) -> "pd.DataFrame":
    import pandas as pd

    pairs = overview.meta.get("pairs", [])
    return pd.DataFrame([(os.path.basename(p["report"]), os.path.basename(p["prior"])) for p in pairs], columns=["本年报告", "上年报告"])


def hierarchy_table(overview: BatchOverview) -> "pd.DataFrame":
    import pandas as pd

    rows = [(os.path.basename(h["summary"]), len(h["members"]), "、".join(os.path.basename(m) for m in h["members"][:8]) + ("……" if len(h["members"]) > 8 else "")) for h in overview.meta.get("hierarchy", [])]
    return pd.DataFrame(rows, columns=["汇总报告", "下属报告数", "下属报告"])


def _number(value) -> str:
    """Counts without a decimal point (CSV columns with blanks come back as floats), amounts with two."""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else f"{value:.2f}"
    return str(value)


def html_table(frame: "pd.DataFrame", *, max_rows: int = 300, index: bool = False, status_column: str | None = None, caption: str | None = None):
    """A DataFrame as a plain HTML table (no scripts), cut to ``max_rows`` with a note saying so."""
    from html import escape

    from IPython.display import HTML

    shown = frame.head(max_rows)
    styler = shown.style.format(_number, na_rep="", escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if not index:
        styler = styler.hide(axis="index")
    if status_column and status_column in shown.columns:
        colours = {STATUS_LABELS[k]: v for k, v in STATUS_COLOURS.items()} | {SEVERITY_LABELS[k]: STATUS_COLOURS[k] for k in SEVERITY_LABELS}
        styler = styler.map(lambda v: f"background-color: {colours[v]}" if v in colours else "", subset=[status_column])
    styler = styler.set_table_attributes('class="dataframe xxgk-table"')
    html = styler.to_html()
    notes = []
    if caption:
        notes.append(escape(caption))
    if len(frame) > max_rows:
        notes.append(f"共 {len(frame)} 行，此处只列出前 {max_rows} 行；完整内容见 findings.xlsx 和 reports.csv。")
    if notes:
        html += "".join(f'<p class="xxgk-note">{n}</p>' for n in notes)
    return HTML(html)


def memo_meta(overview: BatchOverview) -> dict[str, Any]:
    """Title block facts for the memo exporter (mimetype :data:`xxgk_audit.exporter.MEMO_META_MIME`)."""
    meta = overview.meta
    counts = meta.get("counts") or {}
    reports = overview.reports
    folder = Path(meta.get("out_dir") or overview.folder)  # where the run installed it (it was made in a staging folder)
    facts = [
        ("输出文件夹", str(folder)),
        ("报告文件", f"{len(reports)} 个（已审核 {int((reports['status'] != 'unreadable').sum())}，无法读取 {int((reports['status'] == 'unreadable').sum())}）"),
        ("发现的问题", f"错误 {counts.get('error', 0)} · 警告 {counts.get('warning', 0)} · 提示 {counts.get('info', 0)}"),
        ("跨年度配对", f"{len(meta.get('pairs', []))} 对"),
    ]
    if meta.get("created"):
        facts.append(("审核时间", str(meta["created"]).replace("T", " ")))
    if meta.get("tool"):
        facts.append(("工具版本", f"xxgk-audit {meta['tool'].get('version', '')}"))
    return {"title": "政府信息公开工作年度报告批量审核总览", "subtitle": folder.name, "facts": facts}


def show_memo_meta(overview: BatchOverview) -> None:
    from IPython.display import display

    from .exporter import MEMO_META_MIME

    data = memo_meta(overview)
    display({MEMO_META_MIME: data, "text/markdown": f"**{data['title']}** — " + "；".join(f"{k}：{v}" for k, v in data["facts"])}, raw=True)


# -- the year's work: publication (--roster), scores (--sheet), follow-ups of versions ---------------------

def _read_side(overview: BatchOverview, name: str) -> "pd.DataFrame | None":
    import pandas as pd

    path = overview.folder / name
    if not path.is_file():
        return None
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def publication_table(overview: BatchOverview) -> "pd.DataFrame | None":
    """The roster's statuses (publication.csv), worst first; None without a roster."""
    frame = _read_side(overview, "publication.csv")
    if frame is None:
        return None
    columns = {"status_label": "发布情况", "unit": "单位", "kind_label": "类型", "deadline": "期限", "published": "发布日期", "date_source_label": "日期来源", "days_late": "逾期天数", "versions": "版本数"}
    return frame[list(columns)].rename(columns=columns)


def publication_counts(overview: BatchOverview) -> "pd.DataFrame | None":
    import pandas as pd

    frame = _read_side(overview, "publication.csv")
    if frame is None:
        return None
    counts = frame["status_label"].value_counts()
    order = ["已发布", "逾期", "日期不明", "未发布", "不在名单"]
    return pd.DataFrame({"发布情况": order, "单位数": [int(counts.get(label, 0)) for label in order]})


def score_table(overview: BatchOverview) -> "pd.DataFrame | None":
    """The ranking of scores.csv (confirmed and provisional scores, each indicator); None unscored."""
    frame = _read_side(overview, "scores.csv")
    if frame is None:
        return None
    from .scoring import parse_sheet

    names = {}
    sheet_file = overview.folder / "sheet.yaml"
    if sheet_file.is_file():
        sheet = parse_sheet(sheet_file.read_text(encoding="utf-8"), str(sheet_file))
        names = {i.id: f"{i.name}（{i.points:g}）" for i in sheet.indicators}
    labels = {"published": "已发布", "late": "逾期", "undated": "日期不明", "missing": "未发布"}
    out = frame[["rank", "unit", "score", "provisional", "pending"]].rename(columns={"rank": "排名", "unit": "单位", "score": "确认得分", "provisional": "暂计得分", "pending": "待审核问题"})
    out.insert(2, "发布情况", frame["publication"].map(lambda v: labels.get(v, v)))
    for ident, name in names.items():
        if ident in frame.columns:
            out[name] = [c if c == p else f"{c}（暂计 {p}）" for c, p in zip(frame[ident], frame[f"{ident}.provisional"])]
    return out


def followup_table(overview: BatchOverview) -> "pd.DataFrame | None":
    """Per agency with several versions of a report: the follow-up counts (followup.csv)."""
    import pandas as pd

    frame = _read_side(overview, "followup.csv")
    if frame is None or frame.empty:
        return None
    counts = frame.groupby(["agency", "year", "old_source", "new_source", "status_label"]).size().unstack(fill_value=0)
    for label in ("已整改", "未整改", "有变化", "新问题"):
        if label not in counts.columns:
            counts[label] = 0
    counts = counts[["已整改", "未整改", "有变化", "新问题"]].reset_index()
    counts["old_source"] = counts["old_source"].map(os.path.basename)
    counts["new_source"] = counts["new_source"].map(os.path.basename)
    return pd.DataFrame(counts).rename(columns={"agency": "单位", "year": "年度", "old_source": "原报告", "new_source": "新报告"})


def show_year(overview: BatchOverview) -> None:
    """Section 八 of the overview: publication (with a roster), scores (with a sheet), follow-ups."""
    from IPython.display import Markdown, display

    publication, scores, followups = publication_table(overview), score_table(overview), followup_table(overview)
    if publication is None and scores is None and followups is None:
        display(Markdown("本批未提供名单和考评细则，也没有同一单位同一年度的多个版本。"))
    if publication is not None:
        display(Markdown("**年度报告发布情况**"))
        display(html_table(publication_counts(overview)))
        display(html_table(publication, max_rows=200, caption="发布日期以采集记录的首次发现日期为准，没有采集记录时取报告所载日期；完整名单见 publication.csv 和 findings.xlsx 的“发布情况”。"))
    if scores is not None:
        display(Markdown("**考评得分排名**（“确认得分”只扣经审核确认的问题，“暂计得分”另扣待审核的问题）"))
        display(html_table(scores, max_rows=200, caption="各单位的扣分原因见 scorecards.csv 和通报（notice.html）。"))
    if followups is not None:
        display(Markdown("**整改复核（同一单位同一年度的多个版本）**"))
        display(html_table(followups, max_rows=100, caption="逐项结果见 followup.csv 和 findings.xlsx 的“整改复核”。"))


__all__ = [
    "show_year", "publication_table", "publication_counts", "score_table", "followup_table",
    "BatchOverview", "NotABatchFolder", "load_overview", "resolve_folder", "rule_chart", "agency_rule_matrix", "heatmap",
    "year_series", "series_chart", "status_counts", "review_counts", "report_table", "rule_table", "break_table", "pair_table",
    "hierarchy_table", "html_table", "memo_meta", "show_memo_meta", "notes_html", "png", "svg",
]


def notes_html(overview: BatchOverview):
    """The batch's notes (pairs or sums it could not check) as an escaped HTML list."""
    from html import escape

    from IPython.display import HTML

    return HTML('<ul class="xxgk-notes">' + "".join(f"<li>{escape(note)}</li>" for note in overview.notes) + "</ul>")
