"""What the audit notebook calls: load and audit a report, then show the memo.

In a live frontend (JupyterLab, Voilà) :func:`show_audit` shows the interactive app of
:mod:`xxgk_audit.widgets`; in a headless run (papermill, nbconvert, ``xxgk-audit memo``) it displays
the same content as static HTML outputs, which the memo exporter turns into the memo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import fastimport  # noqa: F401 - first: keeps a later nbformat import fast (export)
from .errors import InputError
from .paths import out_dir, resolve_report
from .render import MEMO_META_MIME, MemoContext, error_html, memo_meta, memo_sections, style_html
from .review import ReportReview, ReviewStore, StoreError, store_path

STATIC_ENV = "XXGK_AUDIT_STATIC"
WIDGETS_ENV = "XXGK_AUDIT_WIDGETS"


@dataclass
class LoadedAudit:
    report: object
    result: object
    priors: list
    review: ReportReview


def load_audit(report_path, prior_paths: Iterable = (), review_dir=None, *, store: str | os.PathLike | ReviewStore | None = None, audit_data=None) -> LoadedAudit:
    """Load, audit (with the priors of the same agency) and attach the verdicts of the review store.

    ``audit_data``: a snapshot written by :func:`xxgk_audit.snapshot.dump_audit` for this very
    report (``xxgk-audit memo`` passes one): its result is shown and the report is not parsed again.
    ``store``: the review store (a path or an open store), else ``$XXGK_AUDIT_STORE``, else
    ``reviews.sqlite`` in ``review_dir`` (default: the output folder). Raises InputError for an
    unreadable report and :class:`~xxgk_audit.store.StoreError` for an unreadable store.
    """
    from . import audit, load_report
    from .loading import pair_priors

    path = resolve_report(report_path)
    if audit_data:
        from .snapshot import load_audit_snapshot

        result, paired = load_audit_snapshot(audit_data, path)
    else:
        report = load_report(str(path))
        priors = []
        for prior in prior_paths or ():
            try:
                priors.append(load_report(str(resolve_report(prior))))
            except InputError:
                continue  # an unreadable prior only disables the cross-year rules for it
        paired = pair_priors(report, priors)
        result = audit(report, paired)
    if not isinstance(store, ReviewStore):
        store = ReviewStore(store_path(store, review_dir or out_dir()))
    return LoadedAudit(result.report, result, paired, ReportReview.of(store, result))


def widget_mode() -> bool:
    """True in a frontend that renders widgets (JupyterLab, Notebook 7, Voilà), False headless."""
    if os.environ.get(STATIC_ENV) == "1":
        return False
    if os.environ.get(WIDGETS_ENV) == "1":
        return True
    if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        return True
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    try:
        parent = kernel.get_parent("shell")
    except TypeError:  # older ipykernel
        parent = kernel.get_parent()
    # JupyterLab and Notebook 7 send the cell id with each execute request; nbclient does not.
    return "cellId" in (parent or {}).get("metadata", {})


def display_static(ctx: MemoContext) -> None:
    from IPython.display import HTML, display

    display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
    display({MEMO_META_MIME: memo_meta(ctx), "text/plain": ""}, raw=True)
    for key, fragment in memo_sections(ctx):
        display(HTML(fragment), metadata={"xxgk": "appendix"} if key == "appendix" else None)


def show_audit(report_path, prior_paths: Iterable = (), auditor: str = "", appendix: bool = False, *, widgets: bool | None = None, audit_data=None):
    """Show the audit of ``report_path``: the widget app live, the static memo headless.

    ``appendix``: add the provenance of every cell (表/行/列, where it was printed, the raw text)
    after the signature block of the memo; the app always offers it.

    Returns the :class:`~xxgk_audit.widgets.AuditApp` in widget mode, else the MemoContext (or
    ``None`` when the report or the review store cannot be read; the reason is displayed).
    ``audit_data``: the audit already made by ``xxgk-audit memo`` (see :func:`load_audit`).
    """
    from IPython.display import HTML, display

    if widgets is None:
        widgets = widget_mode()
    if widgets:
        from .widgets import AuditApp

        app = AuditApp(report_path, prior_paths, auditor, appendix)
        display(app)
        return app
    if not report_path:
        display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
        display(HTML(error_html("", "未指定报告：请在 report_path 中填写报告文件的路径")))
        return None
    try:
        loaded = load_audit(report_path, prior_paths, audit_data=audit_data)
    except StoreError as exc:
        display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
        display(HTML(error_html(str(exc.path), exc.reason, "无法读取审核意见数据库")))
        return None
    except InputError as exc:
        display({"text/html": style_html(), "text/plain": ""}, raw=True, metadata={"xxgk": "style"})
        display(HTML(error_html(str(report_path), exc.reason)))
        return None
    ctx = MemoContext(loaded.result, loaded.review, auditor or "", appendix=bool(appendix))
    display_static(ctx)
    return ctx


def memo_notebook(ctx: MemoContext):
    """An executed-like notebook of the static memo (for exporting without a kernel)."""
    import nbformat

    from .render import style_html as _style

    outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": _style(), "text/plain": ""}, metadata={"xxgk": "style"}),
        nbformat.v4.new_output("display_data", data={MEMO_META_MIME: memo_meta(ctx), "text/plain": ""}),
    ]
    outputs += [
        nbformat.v4.new_output("display_data", data={"text/html": fragment, "text/plain": ""}, metadata={"xxgk": "appendix"} if key == "appendix" else {})
        for key, fragment in memo_sections(ctx)
    ]
    cell = nbformat.v4.new_code_cell("show_audit(report_path, prior_paths, auditor)", outputs=outputs)
    return nbformat.v4.new_notebook(cells=[cell], metadata={"xxgk": {"source": str(Path(ctx.report.source))}})
