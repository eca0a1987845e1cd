"""``xxgk-audit lab``: the notebooks in JupyterLab as working copies, never the tracked files.

The packaged notebooks (``xxgk_audit/notebooks/``, linked from ``notebooks/`` of a checkout) are
committed without outputs. Opening one in JupyterLab would write outputs, widget state and
metadata back into it; instead the command copies it once to ``reports/notebooks/`` (the memo
folder, never committed) and opens that copy. A copy that exists is opened as it is, so an
auditor's own changes survive; ``--fresh`` replaces it with the packaged notebook.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .exitcodes import EXIT_UNREADABLE


def working_copy(name: str = "audit_report", folder: str | os.PathLike | None = None, *, fresh: bool = False) -> Path:
    """``<folder>/<name>.ipynb`` (default ``reports/notebooks/``), copied from the package when absent."""
    from .memo import find_notebook
    from .paths import out_dir

    target_dir = Path(folder) if folder else out_dir() / "notebooks"
    target = target_dir / f"{name}.ipynb"
    if fresh or not target.exists():
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(find_notebook(f"{name}.ipynb"), target)
    return target


def cmd_lab(args) -> int:
    from .errors import InputError
    from .paths import repo_root

    if importlib.util.find_spec("jupyterlab") is None:
        print("xxgk-audit lab：未安装 JupyterLab（请运行 pip install 'xxgk-audit[notebook]'，在项目中为 .venv/bin/pip install -e '.[notebook]'）", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        notebook = working_copy(args.notebook, args.dir, fresh=args.fresh)
    except (InputError, OSError) as exc:
        print(f"xxgk-audit lab：无法准备笔记本的工作副本（{getattr(exc, 'reason', None) or exc}）", file=sys.stderr)
        return EXIT_UNREADABLE
    root = repo_root() or Path.cwd()
    notebook = notebook.resolve()
    if not notebook.is_relative_to(root.resolve()):
        root = notebook.parent
    print(f"打开工作副本：{notebook}（软件包中的笔记本保持不变）", file=sys.stderr)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", str(notebook.relative_to(root.resolve()))]
    if args.no_browser:
        command.append("--no-browser")
    try:
        return subprocess.call(command, cwd=root)
    except KeyboardInterrupt:
        return 130
