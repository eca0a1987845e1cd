"""overview.html: ``notebooks/batch_overview.ipynb`` run on a batch output folder and exported."""

from __future__ import annotations

import os
from pathlib import Path

OVERVIEW_NOTEBOOK = "batch_overview.ipynb"


def export_overview(report_dir: str | os.PathLike, output: str | os.PathLike | None = None) -> Path:
    """Run ``notebooks/batch_overview.ipynb`` on a batch output folder and export overview.html."""
    from ..memo import KernelSession, export_notebook, find_notebook

    report_dir = Path(report_dir).resolve()
    notebook = find_notebook(OVERVIEW_NOTEBOOK)
    with KernelSession(cwd=report_dir, warmup="import xxgk_audit.overview") as session:
        return export_notebook(notebook, {"report_dir": str(report_dir)}, output or report_dir / "overview.html", session=session, title="政府信息公开工作年度报告批量审核总览")
