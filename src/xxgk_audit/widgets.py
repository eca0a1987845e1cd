"""The interactive audit app (ipywidgets 8) for JupyterLab and Voilà.

Choose a report (a list over ``data/`` and ``reports/inbox/``, a path field, an upload), read the
memo's sections, filter the findings by severity and group, give each finding a verdict and a
comment (saved at once in the review store, :mod:`xxgk_audit.store`, under the report's identity and
the finding's fingerprint, with the auditor's name), and export the memo as HTML and PDF. Every
text from a report is shown through the escaped fragments of :mod:`xxgk_audit.render`.

The app remembers the report last opened and the auditor's name (:mod:`xxgk_audit.settings`), so a
reloaded page comes back where it was. An upload is read before it is kept: a file that cannot be
read never enters the inbox and leaves the open report, the picker and the export as they were.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path
from typing import Iterable

import ipywidgets as w
import traitlets

from . import fastimport  # noqa: F401 - keeps the memo export's nbformat import fast
from . import load_report
from .errors import InputError
from .evidence import has_evidence
from .findings import GROUP_LABELS, SEVERITY_LABELS, Finding
from .notebook import LoadedAudit, load_audit, memo_notebook
from .paths import REPORT_SUFFIXES, allowed_roots, check_allowed, inbox_dir, out_dir, report_choices, resolve_report, save_upload
from .render import (
    FINDING_HEAD,
    MemoContext,
    appendix_html,
    checks_html,
    completeness_html,
    conclusion_html,
    esc,
    finding_cells,
    findings_table,
    info_html,
    memo_sections,
    style_html,
    tables_html,
)
from .review import VERDICTS, ReviewStore, StoreError, store_path
from .settings import load_settings, save_settings

NO_CHOICE = ("（请选择报告）", "")
SEVERITY_OPTIONS = [("全部", "all")] + [(label, key) for key, label in SEVERITY_LABELS.items()]
GROUP_OPTIONS = [("全部", "all")] + [(label, key) for key, label in GROUP_LABELS.items()]
VERDICT_OPTIONS = [(label, key) for key, label in VERDICTS.items()]
WIDE = w.Layout(width="100%")


VERDICT_STYLES = {"confirmed": "danger", "dismissed": "success", "pending": "warning"}


class VerdictButtons(w.HBox):
    """确认问题 / 不是问题 / 待定 as three buttons; the chosen one is coloured (red, green, amber),
    marked ✔ and named in a label beside them, so the current verdict cannot be mistaken."""

    value = traitlets.Unicode("pending")

    def __init__(self, value: str = "pending"):
        self.buttons = {key: w.Button(description=label, tooltip=f"审核意见：{label}", layout=w.Layout(width="7.5em")) for key, label in VERDICTS.items()}
        for key, button in self.buttons.items():
            button.on_click(lambda _, key=key: setattr(self, "value", key))
            button.add_class(f"xxgk-verdict-{key}")
        self.state = w.HTML()
        super().__init__([w.HTML('<span class="xxgk-verdict-title">审核意见</span>'), *self.buttons.values(), self.state])
        self.add_class("xxgk-verdict")
        self.value = value
        self.observe(lambda _: self.paint(), names="value")
        self.paint()

    def paint(self, who: str = "") -> None:
        for key, button in self.buttons.items():
            chosen = key == self.value
            button.button_style = VERDICT_STYLES[key] if chosen else ""
            button.description = f"✔ {VERDICTS[key]}" if chosen else VERDICTS[key]
            (button.add_class if chosen else button.remove_class)("xxgk-verdict-selected")
        note = f'<span class="xxgk-badge xxgk-v-{self.value}">当前：{esc(VERDICTS[self.value])}</span>'
        if who:
            note += f' <span class="xxgk-note">{esc(who)}</span>'
        self.state.value = note


class FindingRow(w.VBox):
    """One finding: its description, a verdict (确认问题 / 不是问题 / 待定) and a comment box."""

    def __init__(self, number: int, finding: Finding, app: "AuditApp"):
        self.finding = finding
        self._app = app
        saved = app.loaded.review.get(finding)
        self.description = w.HTML(self._html(number))
        self.verdict = VerdictButtons(saved.verdict)
        self.verdict.paint(_who(saved))
        self.comment = w.Textarea(value=saved.comment, placeholder="说明（可选）：例如核实过程、整改要求", continuous_update=False, layout=w.Layout(width="100%", height="3.2em"))
        self.verdict.observe(self._save, names="value")
        self.comment.observe(self._save, names="value")
        children = [self.description, self.verdict, self.comment]
        self.evidence = None
        if app.show_evidence and has_evidence(app.loaded.report, finding):
            # the original (PDF page region or printed rows) is rendered when the auditor opens it
            self.evidence = w.Accordion(children=[w.HTML()], selected_index=None)
            self.evidence.set_title(0, "原文（截图或摘录，所涉单元格已标出）")
            self.evidence.observe(self._show_evidence, names="selected_index")
            children.append(self.evidence)
        super().__init__(children, layout=w.Layout(border="1px solid #d0d4dc", padding="4px 8px", margin="0 0 6px 0"))
        self.add_class("xxgk-finding-row")

    def _show_evidence(self, change) -> None:
        shown = self.evidence.children[0]
        if change["new"] == 0 and not shown.value:
            shown.value = f'<div class="xxgk-app">{self._app.evidence_html(self.finding)}</div>'

    def _html(self, number: int) -> str:
        """The finding as a row of the findings table: the same fixed columns as the header above it."""
        loaded = self._app.loaded
        cells = finding_cells(number, self.finding, loaded.report, loaded.review.is_new(self.finding))
        return f'<div class="xxgk-app">{findings_table([cells], FINDING_HEAD[:-1], with_head=False)}</div>'

    def _save(self, change) -> None:
        """Save what changed (the verdict or the comment): a value another auditor changed meanwhile
        in the other field is not overwritten."""
        verdict = self.verdict.value if change["owner"] is self.verdict else None
        comment = self.comment.value if change["owner"] is self.comment else None
        try:
            saved = self._app.loaded.review.set(self.finding, verdict=verdict, comment=comment, auditor=self._app.auditor.value.strip(), origin="app")
        except StoreError as exc:
            self._app.show_error(f"审核意见未能保存：{exc.path}：{exc.reason}")
            return
        self.verdict.paint(_who(saved))
        self._app.refresh_conclusion()

    def matches(self, severity: str, group: str) -> bool:
        return (severity == "all" or self.finding.severity == severity) and (group == "all" or self.finding.group == group)


class AuditApp(w.VBox):
    """The whole audit of one report, live. ``open_report(path)`` switches to another report."""

    def __init__(
        self,
        report_path=None,
        prior_paths: Iterable = (),
        auditor: str = "",
        appendix: bool = False,
        *,
        review_dir: str | os.PathLike | None = None,
        store: str | os.PathLike | ReviewStore | None = None,
        choices: list[tuple[str, str]] | None = None,
        roots: list[str | os.PathLike] | None = None,
        evidence: bool = True,
    ):
        """``review_dir``: where memos are exported (default: the output folder); ``store``: the
        review store (default ``$XXGK_AUDIT_STORE``, else ``reviews.sqlite`` in that folder);
        ``evidence``: each finding can show the original (page region or printed rows) on demand."""
        self.show_evidence = evidence
        self._evidence_source = None
        self.prior_paths = list(prior_paths or ())
        self.review_dir = Path(review_dir) if review_dir else None
        self._store_arg = store
        self.store: ReviewStore | None = store if isinstance(store, ReviewStore) else None
        self.notices: list[str] = []
        # the folders reports may be opened from: given, else $XXGK_AUDIT_ROOTS (the web app), else anywhere
        self.roots = [Path(r) for r in roots] if roots is not None else allowed_roots()
        self.loaded: LoadedAudit | None = None
        self.rows: list[FindingRow] = []
        self.last_export: Path | None = None
        saved = load_settings(self.folder)
        auditor = auditor or saved.auditor
        if not report_path and saved.last_report and Path(saved.last_report).is_file():
            report_path = saved.last_report  # a reloaded page comes back to the report it showed

        self.picker = w.Dropdown(options=[NO_CHOICE] + list(report_choices(self.roots) if choices is None else choices), value="", description="报告", layout=w.Layout(width="60%"))
        self.path_field = w.Text(placeholder="或输入报告文件的路径，按回车或点“打开”", description="路径", continuous_update=False, layout=w.Layout(width="60%"))
        self.open_button = w.Button(description="打开", tooltip="打开路径中的报告")
        self.upload = w.FileUpload(accept=",".join(REPORT_SUFFIXES), multiple=False, description="上传报告")
        self.auditor = w.Text(value=auditor or "", description="审核人", placeholder="姓名")
        self.status = w.HTML()
        self.severity_filter = w.ToggleButtons(options=SEVERITY_OPTIONS, value="all", description="级别")
        self.group_filter = w.ToggleButtons(options=GROUP_OPTIONS, value="all", description="类别", style={"button_width": "9em"})
        self.sections = {key: w.HTML(layout=WIDE) for key in ("info", "conclusion", "completeness", "checks", "tables")}
        self.findings_title = w.HTML()
        self.findings_head = w.HTML(layout=WIDE)  # the column heads, right above the rows
        self.findings_box = w.VBox(layout=WIDE)
        self.appendix = w.Accordion(children=[w.HTML()], selected_index=None)
        self.appendix.set_title(0, "附录：全部单元格及其出处")
        self.with_appendix = w.Checkbox(value=bool(appendix), description="备忘录附上全部单元格及其出处（附录）", indent=False, layout=w.Layout(width="auto"))
        self.export_button = w.Button(description="导出备忘录", button_style="primary", tooltip="生成 HTML 审核备忘录", disabled=True)
        self.pdf_button = w.Button(description="导出 PDF", tooltip="生成 HTML 备忘录并打印为 A4 PDF", disabled=True)
        self.export_link = w.HTML()

        self.picker.observe(self._on_pick, names="value")
        self.path_field.observe(lambda change: self.open_report(change["new"]), names="value")  # Enter or leaving the field
        self.open_button.on_click(lambda _: self.open_report(self.path_field.value))
        self.upload.observe(self._on_upload, names="value")
        self.severity_filter.observe(lambda _: self.apply_filters(), names="value")
        self.group_filter.observe(lambda _: self.apply_filters(), names="value")
        self.auditor.observe(self._on_auditor, names="value")
        self.export_button.on_click(lambda _: self.export())
        self.pdf_button.on_click(lambda _: self.export(pdf=True))

        chooser = w.VBox([w.HTML("<b>选择要审核的报告</b>"), w.HBox([self.picker]), w.HBox([self.path_field, self.open_button]), w.HBox([self.upload, self.auditor])])
        s = self.sections
        super().__init__(
            [
                w.HTML(style_html()),
                chooser,
                self.status,
                s["info"],
                s["conclusion"],
                s["completeness"],
                s["checks"],
                s["tables"],
                self.findings_title,
                w.HBox([self.severity_filter]),
                w.HBox([self.group_filter]),
                self.findings_head,
                self.findings_box,
                self.appendix,
                self.with_appendix,
                w.HBox([self.export_button, self.pdf_button, self.export_link]),
            ],
            layout=WIDE,
        )
        self.add_class("xxgk-app")
        if report_path:
            self.open_report(report_path)

    # -- choosing a report ---------------------------------------------------------------------
    def _on_pick(self, change) -> None:
        if change["new"]:
            self.open_report(change["new"])

    @property
    def folder(self) -> Path:
        """Where verdicts, memos and the app's settings are kept."""
        return self.review_dir or out_dir()

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        self.upload.value = ()  # ready for the next upload
        try:  # a safe name in the inbox, never replacing another file (paths.save_upload)
            target, renamed = save_upload(item["name"], bytes(item["content"]), inbox_dir())
        except InputError as exc:
            self._error(f"无法保存上传的文件：{esc(exc.reason)}")
            return
        try:  # only a readable report stays in the inbox
            load_report(str(target))
        except InputError as exc:
            target.unlink(missing_ok=True)
            kept = f"仍显示 {esc(Path(self.loaded.report.source).name)}。" if self.loaded is not None else ""
            self._error(f"上传的文件 {esc(target.name)} 无法读取：{esc(exc.reason)}。该文件未加入待审核的报告。{kept}")
            return
        self.refresh_choices()
        if self.open_report(str(target)) and renamed:
            self.status.value = f'<div class="xxgk-app"><p class="xxgk-note">收件夹中已有同名的另一个文件，上传的报告另存为 {esc(target.name)}。</p></div>'

    def refresh_choices(self) -> None:
        current = self.picker.value
        options = [NO_CHOICE] + report_choices(self.roots)
        self.picker.unobserve(self._on_pick, names="value")
        self.picker.options = options
        self.picker.value = current if any(v == current for _, v in options) else ""
        self.picker.observe(self._on_pick, names="value")

    def _sync_picker(self, path: str) -> None:
        resolved = str(Path(path).resolve())
        values = [v for _, v in self.picker.options]
        self.picker.unobserve(self._on_pick, names="value")
        if resolved not in values:
            self.picker.options = list(self.picker.options) + [(Path(path).name, resolved)]
        self.picker.value = resolved
        self.picker.observe(self._on_pick, names="value")

    def open_store(self) -> ReviewStore:
        """The review store, opened once (legacy ``*.review.json`` files are imported then)."""
        if self.store is None:
            self.store = ReviewStore(store_path(self._store_arg, self.folder))
            self.notices = list(self.store.messages)
        return self.store

    def show_error(self, text: str) -> None:
        self.status.value = f'<div class="xxgk-app"><p class="xxgk-conclusion xxgk-sev-error">{esc(text)}</p></div>'

    def open_report(self, report_path) -> bool:
        """Load and audit ``report_path``; on an unreadable file show why and show nothing else:
        the picker says no report is chosen and there is nothing to export."""
        if not report_path:
            return False
        try:
            store = self.open_store()
            path = check_allowed(resolve_report(report_path), self.roots)
            self.loaded = load_audit(path if self.roots is not None else report_path, self.prior_paths, self.folder, store=store)
        except StoreError as exc:
            self.loaded = None
            self.show_error(f"无法读取审核意见数据库 {exc.path}：{exc.reason}")
            self._clear()
            self._select("")
            return False
        except InputError as exc:
            self.loaded = None
            self._error(f"无法读取报告：{esc(exc.reason)}")
            self._clear()
            self._select("")
            return False
        self.status.value = "".join(f'<p class="xxgk-note">{esc(n)}</p>' for n in self.notices)
        self.notices = []
        self.export_link.value = ""
        self._sync_picker(self.loaded.report.source)
        self.path_field.value = ""
        self.render()
        save_settings(self.folder, last_report=str(Path(self.loaded.report.source).resolve()))
        return True

    def _error(self, message_html: str) -> None:
        self.status.value = f'<div class="xxgk-app"><p class="xxgk-conclusion xxgk-sev-error">{message_html}</p></div>'

    def _select(self, value: str) -> None:
        self.picker.unobserve(self._on_pick, names="value")
        self.picker.value = value if any(v == value for _, v in self.picker.options) else ""
        self.picker.observe(self._on_pick, names="value")
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.export_button.disabled = self.pdf_button.disabled = self.loaded is None

    def _on_auditor(self, change) -> None:
        self.refresh_info()
        save_settings(self.folder, auditor=change["new"].strip())

    def _clear(self) -> None:
        for widget in self.sections.values():
            widget.value = ""
        self.findings_title.value = ""
        self.findings_head.value = ""
        self.findings_box.children = ()
        self.rows = []
        self.appendix.children[0].value = ""
        self.export_link.value = ""
        self._sync_buttons()

    # -- showing it ----------------------------------------------------------------------------
    @property
    def context(self) -> MemoContext:
        return MemoContext(self.loaded.result, self.loaded.review, self.auditor.value.strip(), appendix=self.with_appendix.value)

    def evidence_html(self, finding: Finding) -> str:
        """The original beside one finding (the report file opened once per report)."""
        from .evidence import EvidenceSource, evidence_for

        if self._evidence_source is None or self._evidence_source.report is not self.loaded.report:
            self._close_evidence()
            self._evidence_source = EvidenceSource.open(self.loaded.report)
        shown = evidence_for(self._evidence_source, finding)
        return shown.html() if shown is not None else '<p class="xxgk-note">该问题没有可显示的原文。</p>'

    def _close_evidence(self) -> None:
        if self._evidence_source is not None:
            self._evidence_source.close()
            self._evidence_source = None

    def render(self) -> None:
        self._close_evidence()
        ctx = self.context
        self.sections["info"].value = info_html(ctx)
        self.sections["conclusion"].value = conclusion_html(ctx)
        self.sections["completeness"].value = completeness_html(ctx)
        self.sections["checks"].value = checks_html(ctx)
        self.sections["tables"].value = tables_html(ctx)
        self.appendix.children[0].value = appendix_html(ctx)
        self.rows = [FindingRow(n, f, self) for n, f in enumerate(ctx.result.findings, 1)]
        self.findings_box.children = tuple(self.rows)
        self.apply_filters()
        self._sync_buttons()

    def refresh_info(self) -> None:
        if self.loaded is not None:
            self.sections["info"].value = info_html(self.context)

    def refresh_conclusion(self) -> None:
        if self.loaded is not None:
            self.sections["conclusion"].value = conclusion_html(self.context)

    def apply_filters(self) -> None:
        severity, group = self.severity_filter.value, self.group_filter.value
        shown = 0
        for row in self.rows:
            visible = row.matches(severity, group)
            row.layout.display = "" if visible else "none"
            shown += visible
        total = len(self.rows)
        note = "未发现问题。" if not total else f"显示 {shown} / {total} 项。为每一项选择审核意见并填写说明，意见会自动保存。"
        self.findings_title.value = f'<section class="xxgk-section"><h2>发现的问题</h2><p class="xxgk-note">{esc(note)}</p></section>'
        # the column heads once, with the rows' fixed columns and their frame's inner width
        self.findings_head.value = f'<div class="xxgk-app xxgk-findings-head">{findings_table([], FINDING_HEAD[:-1])}</div>' if shown else ""

    def visible_findings(self) -> list[Finding]:
        return [row.finding for row in self.rows if row.layout.display != "none"]

    def row(self, finding_or_rule) -> FindingRow:
        for row in self.rows:
            if row.finding is finding_or_rule or row.finding.rule == finding_or_rule or row.finding.fingerprint == finding_or_rule:
                return row
        raise KeyError(finding_or_rule)

    # -- the memo ------------------------------------------------------------------------------
    def export(self, pdf: bool = False) -> Path | None:
        """Write ``<out dir>/<report stem>.html`` through the memo exporter (and with ``pdf`` the
        same memo printed to ``.pdf``) and show links to them."""
        if self.loaded is None:
            self.export_link.value = '<span class="xxgk-note">请先选择报告。</span>'
            return None
        from .files import write_atomic
        from .memo import memo_target, render_memo

        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        report = self.loaded.report
        target = memo_target(folder, Path(report.source).stem, report.sha256)  # never another report's memo, never overview.html
        text = render_memo(memo_notebook(self.context))
        write_atomic(target, text)
        self.last_export = target
        link = _link_html(target, text.encode("utf-8"), "text/html;charset=utf-8", "备忘录")
        if pdf:
            from .printing import PdfUnavailable, html_to_pdf

            try:
                printed = html_to_pdf(target)
            except PdfUnavailable as exc:
                link += f' <span class="xxgk-sev-error">{esc(exc.reason)}</span>'
            else:
                self.last_export = printed
                link += "<br>" + _link_html(printed, printed.read_bytes(), "application/pdf", "PDF")
        self.export_link.value = link
        return self.last_export

    def _repr_mimebundle_(self, **kwargs):
        """The widget, plus the static memo as text/html for saved notebooks and exporters."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if self.loaded is not None and isinstance(bundle, dict):
            fragments = "".join(fragment for _, fragment in memo_sections(self.context))
            bundle["text/html"] = f'<div class="xxgk-app">{style_html()}{fragments}</div>'
        return bundle


def _who(verdict) -> str:
    return " · ".join(x for x in (verdict.auditor, verdict.updated_at.replace("T", " ")[:16] if verdict.updated_at else "") if x)


def _link_html(target: Path, content: bytes, mimetype: str, what: str) -> str:
    data = base64.b64encode(content).decode("ascii")
    name = html.escape(target.name, quote=True)
    parts = [f'已写入 <code>{esc(target)}</code>']
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        try:
            relative = os.path.relpath(target, Path.cwd()).replace(os.sep, "/")
            parts.append(f'<a href="{html.escape(relative, quote=True)}" target="_blank" rel="noopener">打开{what}</a>')
        except ValueError:
            pass
    parts.append(f'<a download="{name}" href="data:{mimetype};base64,{data}">下载{what}</a>')
    return '<span class="xxgk-export-link">' + " · ".join(parts) + "</span>"
