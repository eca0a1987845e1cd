"""The batch review app (``notebooks/batch_review.ipynb``): every finding of a batch in one grid.

Filter by agency, year, rule group, rule, severity and verdict; give the filtered findings — or
those picked in the list below the grid — one verdict and comment at once (e.g. every LABEL-VARIANT
of every report 不是问题); write the verdicts back into the batch's files (findings.csv,
findings.xlsx, reports.csv, overview.html) and make the 通报 (notice.html); open or make each
report's memo. Verdicts go to the review store at once (:mod:`xxgk_audit.batch_findings`). Every
text from a report is escaped.

Headless (papermill, nbconvert) the notebook shows a static summary and the findings table instead.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as w

from . import fastimport  # noqa: F401 - keeps a later nbformat import fast
from .batch_findings import BatchFindings, NotABatch, group_label, load_batch_findings, severity_label, verdict_label
from .findings import GROUP_LABELS, SEVERITIES, SEVERITY_LABELS
from .render import badge, esc, style_html
from .review import VERDICTS, StoreError

ALL = "all"
MAX_ROWS = 300
MEMO_FOLDER = "memos"


def memo_path(folder: Path, source: str, sha256: str) -> Path:
    """Where the memo of a report of the batch goes: ``memos/<stem>-<sha256[:8]>.html`` (file names
    repeat across folders: ``index.html``)."""
    return folder / MEMO_FOLDER / f"{Path(source).stem}-{(sha256 or 'x')[:8]}.html"


def _href(target: Path) -> str:
    try:
        return os.path.relpath(target, Path.cwd()).replace(os.sep, "/")
    except ValueError:
        return target.as_uri()


def summary_html(batch: BatchFindings) -> str:
    frame = batch.frame
    status = batch.report_status()
    verdicts = frame["verdict"].value_counts()
    reviewed = status["review"].value_counts()
    parts = [
        f"<p>共 {len(status)} 份报告、{len(frame)} 项问题。审核意见："
        + "，".join(f"{badge(label, 'xxgk-v-' + key)} {int(verdicts.get(key, 0))} 项" for key, label in VERDICTS.items())
        + "</p>",
        "<p>各报告的审核结论：" + "，".join(f"{esc(text)} {int(n)} 份" for text, n in reviewed.items()) + "</p>" if len(status) else "",
        f'<p class="xxgk-note">审核意见数据库：{esc(batch.store.path)}</p>',
    ]
    return '<section class="xxgk-section"><h2>批量审核意见</h2>' + "".join(parts) + "</section>"


def grid_html(batch: BatchFindings, frame, limit: int = MAX_ROWS) -> str:
    """The findings of ``frame`` (a slice of ``batch.frame``) as an escaped HTML table."""
    head = ["单位", "年度", "文件", "规则", "类别", "级别", "问题", "审核意见", "说明", "审核人", "备忘录"]
    rows = []
    for row in frame.head(limit).itertuples():
        memo = memo_path(batch.folder, row.source, row.sha256)
        link = f'<a href="{html.escape(_href(memo), quote=True)}" target="_blank" rel="noopener">打开</a>' if memo.is_file() else '<span class="xxgk-note">未生成</span>'
        rows.append(
            "<tr>"
            f"<td>{esc(row.agency)}</td><td>{esc(row.year)}</td><td>{esc(Path(row.source).name)}</td>"
            f'<td><span class="xxgk-rule">{esc(row.rule)}</span></td><td>{esc(group_label(row.group))}</td>'
            f"<td>{badge(severity_label(row.severity), 'xxgk-sev-' + row.severity)}</td><td>{esc(row.message)}</td>"
            f"<td>{badge(verdict_label(row.verdict), 'xxgk-v-' + row.verdict)}</td><td>{esc(row.comment)}</td><td>{esc(row.reviewer)}</td>"
            f"<td>{link}</td></tr>"
        )
    thead = "".join(f"<th>{esc(h)}</th>" for h in head)
    note = f'<p class="xxgk-note">显示 {min(limit, len(frame))} / {len(frame)} 项' + ("（筛选结果较多，只列出前面的部分；批量意见作用于全部筛选结果）" if len(frame) > limit else "") + "。</p>"
    return f'{note}<table class="xxgk-table xxgk-batch-grid"><thead><tr>{thead}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def show_batch_review(report_dir="reports", store=None, *, widgets: bool | None = None):
    """The batch review of ``report_dir``: the app live, a static summary headless."""
    from IPython.display import HTML, display

    from .notebook import widget_mode

    if widgets is None:
        widgets = widget_mode()
    if widgets:
        app = BatchReviewApp(report_dir, store)
        display(app)
        return app
    display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
    try:
        batch = load_batch_findings(report_dir, store, readonly=True)
    except (NotABatch, StoreError) as exc:
        display(HTML(f'<p class="xxgk-conclusion xxgk-sev-error">{esc(exc.path)}：{esc(exc.reason)}</p>'))
        return None
    display(HTML(summary_html(batch)))
    display(HTML(grid_html(batch, batch.frame)))
    return batch


# -- the app ----------------------------------------------------------------------------------------

class BatchReviewApp(w.VBox):
    """Filters, the grid, a selection list, the bulk verdict, write-back and memos."""

    def __init__(self, report_dir="reports", store=None):
        self.batch: BatchFindings | None = None
        self.status = w.HTML()
        self.summary = w.HTML()
        self.agency = _dropdown("单位")
        self.year = _dropdown("年度")
        self.group = _dropdown("类别", [(label, key) for key, label in GROUP_LABELS.items()])
        self.rule = _dropdown("规则")
        self.severity = _dropdown("级别", [(SEVERITY_LABELS[s], s) for s in SEVERITIES])
        self.verdict = _dropdown("审核意见", [(label, key) for key, label in VERDICTS.items()])
        self.grid = w.HTML(layout=w.Layout(width="100%"))
        self.pick = w.SelectMultiple(options=[], rows=8, description="只选这些", layout=w.Layout(width="100%"))
        self.new_verdict = w.ToggleButtons(options=[(label, key) for key, label in VERDICTS.items()], value="dismissed", description="设为", style={"button_width": "7em"})
        self.comment = w.Text(placeholder="说明（可选），例如：格式差异，不影响理解", description="说明", layout=w.Layout(width="40em"))
        self.auditor = w.Text(placeholder="姓名", description="审核人")
        self.apply_button = w.Button(description="应用", button_style="primary", tooltip="把审核意见应用到筛选出的（或列表中选中的）全部问题")
        self.write_button = w.Button(description="写回批量结果并生成通报", button_style="success", tooltip="写入 findings.csv、findings.xlsx、reports.csv、overview.html，生成 notice.html", layout=w.Layout(width="auto"))
        self.memo_button = w.Button(description="生成备忘录", tooltip="为筛选出的（或选中的）问题所在的报告生成审核备忘录")
        self.result = w.HTML()
        for control in (self.agency, self.year, self.group, self.rule, self.severity, self.verdict):
            control.observe(lambda _: self.render(), names="value")
        self.pick.observe(lambda _: self.update_apply_label(), names="value")
        self.apply_button.on_click(lambda _: self.apply())
        self.write_button.on_click(lambda _: self.write_back())
        self.memo_button.on_click(lambda _: self.make_memos())
        super().__init__(
            [
                w.HTML(style_html()),
                self.status,
                self.summary,
                w.HTML("<b>筛选</b>"),
                w.HBox([self.agency, self.year, self.group]),
                w.HBox([self.rule, self.severity, self.verdict]),
                self.grid,
                w.HTML("<b>批量审核意见</b>：作用于全部筛选结果；在下面的列表中选中若干项时只作用于选中的项（按住 Ctrl 或 Shift 多选）。"),
                self.pick,
                self.new_verdict,
                w.HBox([self.comment, self.auditor]),
                w.HBox([self.apply_button, self.write_button, self.memo_button]),
                self.result,
            ],
            layout=w.Layout(width="100%"),
        )
        self.add_class("xxgk-app")
        self.add_class("xxgk-batch-review")
        self.load(report_dir, store)

    # -- data ----------------------------------------------------------------------------------
    def load(self, folder, store_arg=None) -> bool:
        try:
            self.batch = load_batch_findings(folder, store_arg)
        except (NotABatch, StoreError) as exc:
            self.batch = None
            self.status.value = f'<p class="xxgk-conclusion xxgk-sev-error">{esc(exc.path)}：{esc(exc.reason)}</p>'
            return False
        self.status.value = "".join(f'<p class="xxgk-note">{esc(m)}</p>' for m in self.batch.store.messages)
        frame = self.batch.frame
        self._options(self.agency, sorted(a for a in frame["agency"].unique() if a))
        self._options(self.year, sorted((y for y in frame["year"].unique() if y), reverse=True))
        self._options(self.rule, _rule_order(frame["rule"].unique()))
        self.summary.value = summary_html(self.batch)
        self.render()
        return True

    @staticmethod
    def _options(control, values) -> None:
        control.options = [("全部", ALL)] + [(str(v), str(v)) for v in values]
        control.value = ALL

    def filtered(self):
        frame = self.batch.frame
        mask = frame["source"].notna()
        for control, column in ((self.agency, "agency"), (self.year, "year"), (self.group, "group"), (self.rule, "rule"), (self.severity, "severity"), (self.verdict, "verdict")):
            if control.value != ALL:
                mask &= frame[column] == control.value
        return frame[mask]

    def selection(self):
        """The findings the bulk verdict applies to: those picked in the list, else all filtered."""
        frame = self.filtered()
        picked = [i for i in self.pick.value if i in frame.index]
        return frame.loc[picked] if picked else frame

    def render(self) -> None:
        if self.batch is None:
            return
        frame = self.filtered()
        self.grid.value = grid_html(self.batch, frame)
        self.pick.options = [(f"{r.agency} · {r.year} · {r.rule} · {verdict_label(r.verdict)} · {r.message[:40]}", i) for i, r in zip(frame.index[:MAX_ROWS * 10], frame.head(MAX_ROWS * 10).itertuples())]
        self.update_apply_label()

    def update_apply_label(self) -> None:
        if self.batch is None:
            return
        n = len(self.selection())
        self.apply_button.description = f"应用到 {n} 项"
        self.apply_button.disabled = n == 0

    # -- actions -------------------------------------------------------------------------------
    def apply(self) -> int:
        chosen = self.selection()
        if self.batch is None or chosen.empty:
            return 0
        try:
            n = self.batch.set_verdicts(chosen.index, self.new_verdict.value, self.comment.value.strip() or None, self.auditor.value.strip())
        except StoreError as exc:
            self.result.value = f'<p class="xxgk-conclusion xxgk-sev-error">审核意见未能保存：{esc(exc.path)}：{esc(exc.reason)}</p>'
            return 0
        self.pick.value = ()
        self.summary.value = summary_html(self.batch)
        self.render()
        self.result.value = f'<p class="xxgk-note xxgk-applied">已将 {n} 项问题设为“{esc(VERDICTS[self.new_verdict.value])}”，已保存到审核意见数据库。点击“写回批量结果并生成通报”更新批量结果文件。</p>'
        return n

    def write_back(self) -> list[Path]:
        """Verdicts into the batch files, overview.html re-made, notice.html made."""
        if self.batch is None:
            return []
        from .batch.overview_memo import export_overview
        from .notice import export_notice

        written: list[Path] = []
        try:
            written += self.batch.write_back().outputs
            written.append(export_overview(self.batch.folder))
            written.append(export_notice(self.batch.folder, store=self.batch.store.path))
        except Exception as exc:  # noqa: BLE001 - shown in the app; what was written stays
            self.result.value = f'<p class="xxgk-conclusion xxgk-sev-error">写回未完成：{esc(type(exc).__name__)}：{esc(exc)}</p>'
            return written
        links = "、".join(f'<a href="{html.escape(_href(p), quote=True)}" target="_blank" rel="noopener">{esc(p.name)}</a>' for p in written)
        self.result.value = f'<p class="xxgk-note xxgk-written">已写回：{links}</p>'
        return written

    def make_memos(self, limit: int = 50) -> list[Path]:
        """The memos of the reports of the selection (at most ``limit``), into ``memos/``."""
        if self.batch is None:
            return []
        chosen = self.selection()
        reports = chosen.drop_duplicates("source")[["source", "sha256"]].head(limit)
        written = []
        for row in reports.itertuples():
            try:
                written.append(write_report_memo(self.batch, row.source, row.sha256, self.auditor.value.strip()))
            except Exception as exc:  # noqa: BLE001 - one line per report, the others go on
                self.result.value += f'<p class="xxgk-note">{esc(Path(row.source).name)}：未能生成备忘录（{esc(getattr(exc, "reason", exc))}）</p>'
        self.render()
        self.result.value = f'<p class="xxgk-note">已生成 {len(written)} 份备忘录（{esc(self.batch.folder / MEMO_FOLDER)}）。</p>' + self.result.value
        return written



def _dropdown(label: str, options=()):
    return w.Dropdown(options=[("全部", ALL), *options], value=ALL, description=label, layout=w.Layout(width="24em"))


def write_report_memo(batch: BatchFindings, source: str, sha256: str, auditor: str = "") -> Path:
    """The memo of one report of the batch (audited again with its paired prior), with its verdicts."""
    from .memo import render_memo
    from .notebook import load_audit, memo_notebook
    from .render import MemoContext

    reports = batch.reports
    prior = reports.loc[reports["source"] == source, "prior"]
    priors = [p for p in prior.tolist() if p] if len(prior) else []
    loaded = load_audit(source, priors, store=batch.store)
    target = memo_path(batch.folder, source, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = render_memo(memo_notebook(MemoContext(loaded.result, loaded.review, auditor)))
    target.with_name(target.name + ".part").write_text(text, encoding="utf-8")
    target.with_name(target.name + ".part").replace(target)
    return target


def _rule_order(rules) -> list[str]:
    from .rules import REGISTRY

    order = {rule: n for n, rule in enumerate(REGISTRY)}
    return sorted(set(rules), key=lambda r: (order.get(r, len(order)), r))
