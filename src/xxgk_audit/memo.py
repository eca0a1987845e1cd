"""Audit memos: run the parameterized notebook in a warm Jupyter kernel and export it as HTML.

``xxgk-audit memo`` (``cmd_memo``) starts one kernel, resets it between reports and exports each
executed notebook through the package's nbconvert exporter (:mod:`xxgk_audit.exporter`).
:func:`export_notebook` is the public entry point for any parameterized notebook (the batch
overview uses it too).
"""

from __future__ import annotations

import atexit
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fastimport  # noqa: F401 - first: before anything imports nbformat
from .errors import InputError
from .files import write_atomic
from .paths import out_dir_env
from .shown import shown

from jupyter_core.utils import run_sync  # noqa: E402

if TYPE_CHECKING:
    from nbformat import NotebookNode

NOTEBOOK_NAME = "audit_report.ipynb"
STATIC_ENV = "XXGK_AUDIT_STATIC"
# Imported once when the kernel starts, so each memo after the first costs only its own work.
WARMUP = "import xxgk_audit.notebook, xxgk_audit.render, xxgk_audit.snapshot, pandas.io.formats.style; from xxgk_audit.layout import all_layouts; all_layouts()"
RESET = """\
get_ipython().reset(new_session=False, aggressive=False)
import os as _os
_os.environ.update({env!r})
del _os
"""


class KernelSession:
    """One warm Jupyter kernel for several notebook runs: started once, reset before each run.

    >>> with KernelSession() as session:
    ...     export_notebook(nb, {"report_path": "a.txt"}, "reports/a.html", session=session)
    """

    def __init__(self, *, cwd: str | os.PathLike | None = None, kernel_name: str = "python3", timeout: int = 600, warmup: str = WARMUP):
        self.cwd = str(Path(cwd or os.getcwd()).resolve())
        self.kernel_name = kernel_name
        self.timeout = timeout
        self.warmup = warmup
        self.runs = 0
        self.km = None
        self.kc = None

    # -- life cycle ------------------------------------------------------------------------
    def launch(self) -> "KernelSession":
        """Spawn the kernel process and return at once; it boots (and warms up) in the background."""
        if self.km is not None:
            return self
        from jupyter_client.manager import AsyncKernelManager

        arguments = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]
        if self.warmup:  # run by the kernel while it starts, in parallel with the caller's work
            arguments.append(f"--IPKernelApp.exec_lines={self.warmup}")
        env = dict(os.environ)
        env[STATIC_ENV] = "1"  # headless: the notebook shows the static memo, not widgets
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(extra_arguments=arguments, env=env, cwd=self.cwd)
        self.km = km
        return self

    def start(self) -> "KernelSession":
        """Launch the kernel if needed and wait until it answers."""
        self.launch()
        if self.kc is None:
            kc = self.km.client()
            kc.start_channels()
            try:
                run_sync(kc.wait_for_ready)(timeout=self.timeout)
            except RuntimeError:
                kc.stop_channels()
                self.close()
                raise
            kc.allow_stdin = False
            self.kc = kc
        return self

    def close(self) -> None:
        """Stop the kernel at once (nothing of it needs to survive: memos are written by the caller)."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            kc.stop_channels()
        if km is None:
            return
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()
            process.wait()
        else:  # pragma: no cover - a provisioner without a local process
            run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()

    def __enter__(self) -> "KernelSession":
        return self.launch()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self.km is not None

    # -- running -----------------------------------------------------------------------------
    def execute(self, nb: "NotebookNode", env: dict[str, str] | None = None) -> "NotebookNode":
        """Run ``nb`` in place after resetting the kernel's state (namespace; ``env`` entries).

        The reset runs as a first cell of the same execution (one round trip) and is removed
        from ``nb`` afterwards.
        """
        import nbformat
        from nbclient import NotebookClient

        self.start()
        reset = nbformat.v4.new_code_cell(RESET.format(env=dict(env or {})), metadata={"tags": ["memo-hide", "xxgk-reset"]})
        nb.cells.insert(0, reset)
        client = NotebookClient(nb, km=self.km, timeout=self.timeout, kernel_name=self.kernel_name, resources={"metadata": {"path": self.cwd}})
        client.kc = self.kc
        try:
            client.execute(cleanup_kc=False)
        finally:
            atexit.unregister(client._cleanup_kernel)
            nb.cells.remove(reset)
        self.runs += 1
        return nb


# -- parameters ------------------------------------------------------------------------------

def inject_parameters(nb: "NotebookNode", parameters: dict[str, Any]) -> "NotebookNode":
    """Insert a cell tagged ``injected-parameters`` after the ``parameters`` cell, as papermill does."""
    import nbformat

    lines = ["# Parameters"] + [f"{name} = {_literal(value)}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines) + "\n", metadata={"tags": ["injected-parameters"]})
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    index = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    cells.insert(index, cell)
    nb.cells = cells
    return nb


def _literal(value: Any) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if value is None or isinstance(value, (str, bool, int, float)):
        return repr(value)
    raise TypeError(f"parameter value {value!r} is not a literal")


# -- export ----------------------------------------------------------------------------------

_EXPORTER = None


def render_memo(nb: "NotebookNode", *, title: str | None = None) -> str:
    """The memo HTML of an executed notebook, through the package exporter (one per process:
    its Jinja templates are compiled once)."""
    global _EXPORTER
    if _EXPORTER is None:
        from .exporter import MemoExporter

        _EXPORTER = MemoExporter()
    resources = {"xxgk": {"title": title}} if title else None
    body, _ = _EXPORTER.from_notebook_node(nb, resources=resources)
    return body


def export_notebook(
    notebook: str | os.PathLike,
    parameters: dict,
    output: str | os.PathLike,
    *,
    session: "KernelSession | None" = None,
    title: str | None = None,
    env: dict[str, str] | None = None,
) -> Path:
    """Execute a parameterized notebook and write its self-contained memo HTML to ``output``.

    ``parameters`` are injected after the cell tagged ``parameters`` (as papermill does);
    ``session`` reuses a warm kernel (its state is reset first), otherwise a kernel is started
    and stopped for this run. The kernel sees ``XXGK_AUDIT_OUT_DIR`` = the folder of ``output``
    and the entries of ``env`` (e.g. ``XXGK_AUDIT_STORE``, the review store). ``title`` overrides
    the memo title.
    """
    import nbformat

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    nb = inject_parameters(nbformat.read(os.fspath(notebook), as_version=4), parameters)
    env = {out_dir_env(): str(output.parent.resolve()), **(env or {})}
    if session is None:
        with KernelSession() as own:
            own.execute(nb, env)
    else:
        session.execute(nb, env)
    html = render_memo(nb, title=title)
    write_atomic(output, html)
    return output


def _blank_notebook() -> "NotebookNode":
    import nbformat

    return nbformat.v4.new_notebook()


def find_notebook(name: str = NOTEBOOK_NAME) -> Path:
    """The notebook ``name`` shipped inside the package (``xxgk_audit/notebooks/``; ``notebooks/``
    of a checkout links to the same files), or from ``$XXGK_AUDIT_NOTEBOOKS`` when that is set."""
    from importlib import resources

    env = os.environ.get("XXGK_AUDIT_NOTEBOOKS")
    if env:
        path = Path(env) / name
        if path.is_file():
            return path
        raise InputError(name, f"找不到笔记本 {path}（环境变量 XXGK_AUDIT_NOTEBOOKS 指向的文件夹中没有此文件）")
    packaged = Path(str(resources.files("xxgk_audit").joinpath("notebooks", name)))
    if packaged.is_file():
        return packaged
    raise InputError(name, f"安装不完整：软件包中缺少笔记本 {name}，请重新安装 xxgk-audit")


# -- command line ----------------------------------------------------------------------------

def cmd_memo(args) -> int:
    """``xxgk-audit memo``: each report is read and audited once, here; the notebook in the kernel
    shows that result (passed as a JSON snapshot, :mod:`xxgk_audit.snapshot`) with the verdicts of
    the review store, and the exit status counts the errors not dismissed."""
    import tempfile

    from .engine import audit
    from .exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
    from .loading import load_all, pair_priors
    from .output import summary_line
    from .review import ReportReview, StoreError
    from .reviewing import open_store
    from .snapshot import dump_audit
    from .store import STORE_ENV

    started = time.perf_counter()
    try:
        notebook = find_notebook()
    except InputError as exc:
        print(f"xxgk-audit memo：{exc.reason}", file=sys.stderr)
        return EXIT_UNREADABLE
    pdf = getattr(args, "pdf", False)
    if pdf:
        from .printing import PdfUnavailable, html_to_pdf, unavailable

        reason = unavailable()
        if reason:  # before any work: one line, exit 2
            print(f"xxgk-audit memo：{reason}", file=sys.stderr)
            return EXIT_UNREADABLE
    store = open_store(args)
    if store is None:
        return EXIT_UNREADABLE
    session = KernelSession()
    try:
        session.launch()  # the kernel boots while the reports are read here
    except Exception as exc:  # noqa: BLE001 - no kernel, no memo: one line, exit 2
        print(f"xxgk-audit memo：无法启动 Jupyter 内核（{_first_line(exc)}）", file=sys.stderr)
        return EXIT_UNREADABLE
    results, open_errors = [], []
    with session, store, tempfile.TemporaryDirectory(prefix="xxgk-memo-") as spool:
        reports, failures = load_all(args.paths, args.debug)
        unreadable = len(failures)
        priors, prior_failures = load_all(args.prior or [], args.debug)
        failures += prior_failures
        if not reports:
            if len(args.paths) > 1:
                print(summary_line([], unreadable), file=sys.stderr)
            return EXIT_UNREADABLE
        render_memo(_blank_notebook())  # imports nbconvert, compiles the template while the kernel boots

        out_dir = Path(args.out_dir)
        stems = _unique_stems(reports)
        taken: set[str] = set()
        total = len(reports)
        written = 0
        env = {STORE_ENV: str(store.path.resolve())}
        for number, report in enumerate(reports, 1):
            print(f"[{number}/{total}] 正在生成审核备忘录：{shown(report.source)}", file=sys.stderr, flush=True)
            paired = pair_priors(report, priors + reports)
            output = memo_target(out_dir, stems[id(report)], report.sha256, taken)
            taken.add(output.name)
            try:
                result = audit(report, paired)
                results.append(result)
                open_errors.append(ReportReview.of(store, result).open_errors())
                snapshot = Path(spool) / f"{number}.json"
                dump_audit(result, paired, snapshot)
                parameters = {
                    "report_path": str(Path(report.source).resolve()),
                    "prior_paths": [str(Path(p.source).resolve()) for p in paired],
                    "auditor": args.auditor or "",
                    "appendix": bool(getattr(args, "appendix", False)),
                    "audit_data": str(snapshot),
                }
                export_notebook(notebook, parameters, output, session=session, env=env)
            except StoreError as exc:
                print(f"{exc.path}: {exc.reason}", file=sys.stderr)
                failures.append((report.source, exc.reason))
                continue
            except Exception as exc:  # noqa: BLE001 - one line per failed memo, the others go on
                if args.debug:
                    import traceback

                    traceback.print_exc()
                reason = _first_line(exc)
                print(f"{shown(report.source)}: 未能生成审核备忘录（{shown(reason)}）", file=sys.stderr)
                failures.append((report.source, reason))
                continue
            print(shown(output), flush=True)
            written += 1
            if pdf:
                try:
                    print(html_to_pdf(output), flush=True)
                except PdfUnavailable as exc:
                    print(f"{report.source}: {exc.reason}", file=sys.stderr)
                    failures.append((report.source, exc.reason))
    elapsed = time.perf_counter() - started
    done = f"已生成 {written} 份审核备忘录{'（含 PDF）' if pdf else ''}，用时 {elapsed:.1f} 秒"
    if len(args.paths) > 1:
        print(summary_line(results, unreadable, done, open_errors=open_errors), file=sys.stderr)
    else:
        print(f"完成：{done}", file=sys.stderr)
    if failures:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if any(open_errors) else EXIT_OK


RESERVED_STEMS = ("overview", "notice", "index", "findings", "reports", "batch")  # names of a batch folder's own files
_MEMO_MARK = b'name="generator" content="xxgk-audit'


def memo_target(folder: str | os.PathLike, stem: str, sha256: str | None, taken: set | frozenset = frozenset(), suffix: str = ".html") -> Path:
    """Where a report's memo is written: ``<stem>.html``, unless that name belongs to the batch
    (overview.html, notice.html …), to another file, or to the memo of another report (another
    SHA-256): then ``<stem>-2.html``, ``-3`` … A memo of this same report is replaced."""
    folder = Path(folder)
    for n in range(1, 10000):
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        if n == 1 and stem.lower() in RESERVED_STEMS:
            continue
        target = folder / name
        if name in taken:
            continue
        if not os.path.lexists(target) or _is_memo_of(target, sha256):
            return target
    raise InputError(str(folder / stem), "备忘录文件名已全部被占用")


def _is_memo_of(path: Path, sha256: str | None) -> bool:
    """Whether ``path`` is a regular file holding this tool's memo of the report ``sha256``."""
    import stat

    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or not sha256:
            return False
        with open(path, "rb") as handle:
            head = handle.read(4 * 1024 * 1024)
    except OSError:
        return False
    return _MEMO_MARK in head and sha256.encode("ascii") in head and "批量审核总览".encode("utf-8") not in head[:4096]


def _unique_stems(reports) -> dict[int, str]:
    """``<file stem>`` for each report; a repeated stem gets ``-2``, ``-3`` …"""
    seen: dict[str, int] = {}
    stems = {}
    for report in reports:
        stem = Path(report.source).stem
        seen[stem] = seen.get(stem, 0) + 1
        stems[id(report)] = stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"
    return stems


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}"[:300]


__all__ = ["KernelSession", "export_notebook", "inject_parameters", "render_memo", "cmd_memo", "find_notebook", "memo_target"]
