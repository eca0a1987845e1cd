"""What a batch did (:class:`BatchSummary`, with the exit status) and its record batch.json."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..exitcodes import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE
from ..shown import shown


@dataclass
class BatchSummary:
    """What a batch did: counts, outputs and the exit status of ``xxgk-audit batch``."""

    out_dir: Path
    files: int = 0
    audited: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (report, prior) sources
    hierarchy: dict[str, list[str]] = field(default_factory=dict)  # summary source -> member sources
    notes: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    overview_error: str | None = None
    elapsed: float = 0.0
    open_errors: int = 0  # error findings the auditor did not mark 不是问题
    store: Path | None = None  # the review store whose verdicts the outputs carry
    store_error: str | None = None  # ``<file>: <reason>`` when it could not be read
    year: object = None  # the year's work (roster, scores, follow-ups): a yearly.YearResult
    cells: int = 0  # rows of cells.parquet
    cells_error: str | None = None  # why cells.parquet could not be written (exit status 2)

    @property
    def nothing_found(self) -> bool:
        return self.files == 0 and not self.unreadable

    @property
    def exit_status(self) -> int:
        if self.unreadable or self.overview_error or self.nothing_found or self.store_error or self.cells_error:
            return EXIT_UNREADABLE
        return EXIT_ERRORS if self.open_errors else EXIT_OK


def _year_json(year) -> dict:
    if year is None:
        return {}
    return {
        "year": year.year,
        "roster": year.roster or None,
        "scored": year.scored,
        "followups": year.followups,
        "outputs": {name: shown(str(path)) for name, path in year.outputs.items()},
    }


def write_batch_json(folder: Path, summary: BatchSummary, executor, jobs: int, out: Path | None = None) -> Path:
    """batch.json in ``folder``: the run (tool, time, counts, pairs, hierarchies, notes, exit status);
    ``out`` is the output folder it will be installed in (default: ``folder``)."""
    from ..engine import tool_info

    data = {
        "tool": tool_info(),
        "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "out_dir": shown(str((out or folder).resolve())),
        "files": summary.files,
        "audited": summary.audited,
        "unreadable": [{"source": s, "reason": r} for s, r in summary.unreadable],
        "counts": summary.counts,
        "pairs": [{"report": r, "prior": p} for r, p in summary.pairs],
        "hierarchy": [{"summary": s, "members": m} for s, m in summary.hierarchy.items()],
        "notes": summary.notes,
        "executor": type(executor).__name__,
        "jobs": jobs,
        "elapsed_seconds": round(summary.elapsed, 2),
        "exit_status": summary.exit_status,
        "overview_error": summary.overview_error,
        "store": str(Path(summary.store).resolve()) if summary.store is not None else None,
        "store_error": summary.store_error,
        "open_errors": summary.open_errors,
        "cells": summary.cells,
        "cells_error": summary.cells_error,
        **_year_json(summary.year),
    }
    target = folder / "batch.json"
    temporary = folder / "batch.json.part"
    temporary.unlink(missing_ok=True)
    with open(temporary, "x", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    os.replace(temporary, target)
    return target
