"""cells.parquet and cells.csv: every parsed cell of every report of a batch, one row each.

The machine-readable record of a year's reports (interface.md): the report (``source``, ``sha256``,
``agency``, ``year``, ``template``), the cell (``table`` 表二/表三/表四, ``key``, the official
``row_label`` and ``column_label`` and the full ``label``), its ``value`` (null where the printed
cell is blank or unreadable: never 0), its ``status`` (number, blank, text, missing, unreadable),
where it was printed (``location`` 第3页 / 第58行, ``line``, ``page``), the ``raw`` text, the
labels as printed (``printed_row_label``, ``printed_column_label``) and the parser's ``note``.
The values are those of ``check --format json`` (``cells``) for the same file.

Each worker turns a parsed report into plain columns (:func:`cell_rows`: the audit workers never
load Arrow, so they stay small); the batch's main process appends them to a JSON-lines spool as
results arrive (:class:`CellsSpool`). When the audit is done and its workers are gone, a process
of its own (:func:`convert`) turns the spool, a row group at a time, into Arrow arrays — the
official labels looked up by key in C — and streams them into the Parquet file and the CSV (UTF-8
with BOM, for Excel) through Arrow's C++ writers (:func:`write_cells`); it ends before the
overview's Jupyter kernel starts, so Arrow's memory never adds to the others'.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

COLUMNS = (
    "source", "sha256", "agency", "year", "template", "table", "key", "row_label", "column_label", "label",
    "value", "status", "location", "line", "page", "raw", "printed_row_label", "printed_column_label", "note",
)
ROW_GROUP = 65_536
OUTPUTS = ("cells.parquet", "cells.csv")


@cache
def schema():
    import pyarrow as pa

    text = pa.string()
    return pa.schema([
        ("source", text), ("sha256", text), ("agency", text), ("year", pa.int32()), ("template", text), ("table", text),
        ("key", text), ("row_label", text), ("column_label", text), ("label", text),
        ("value", pa.float64()), ("status", text), ("location", text), ("line", pa.int32()), ("page", pa.int32()),
        ("raw", text), ("printed_row_label", text), ("printed_column_label", text), ("note", text),
    ])


WORKER_COLUMNS = ("key", "value", "status", "location", "line", "page", "raw", "printed_row_label", "printed_column_label", "note")


@cache
def _labels():
    """For every layout's cells, looked up by "<layout>:<key>": (lookup keys, table names, row
    labels, column labels, descriptions) as Arrow arrays."""
    import pyarrow as pa

    from ..layout import all_layouts
    from ..rules.structure import describe

    lookup, tables, rows, columns, labels = [], [], [], [], []
    for layout in all_layouts():
        for key, spec in layout.cells.items():
            lookup.append(f"{layout.id}:{key}")
            tables.append(layout.tables[spec.table].name)
            rows.append(spec.row_label or None)
            columns.append(spec.column_label or None)
            labels.append(describe(layout, key))
    return pa.array(lookup), pa.array(tables), pa.array(rows), pa.array(columns), pa.array(labels)


def cell_rows(report) -> dict[str, list] | None:
    """The cells of one parsed report as plain columns (worker side: no Arrow in the workers, whose
    memory stays small), or None when no table was read."""
    if not report.cells or report.layout is None:
        return None
    out: dict[str, list] = {name: [] for name in WORKER_COLUMNS}
    key, value, status, location, line, page, raw, row, column, note = (out[name].append for name in WORKER_COLUMNS)
    for k, cell in report.cells.items():
        source = cell.source
        key(k)
        value(None if cell.value is None else float(cell.value))
        status(cell.status)
        note(cell.note)
        if source is None:
            location(None), line(None), page(None), raw(None), row(None), column(None)
        else:
            location(source.where), line(source.line), page(source.page), raw(source.text), row(source.row_label), column(source.column_label)
    out["layout"] = report.layout.id
    return out


class CellsSpool:
    """The batch's main process: each audited report's cells, appended as one JSON line to a spool
    file as results arrive (no Arrow here, so the main process stays small while the Jupyter kernel
    makes the overview); :func:`write_cells` turns the spool into the outputs."""

    def __init__(self, spool_dir: str | os.PathLike):
        self.path = Path(spool_dir) / "cells.jsonl"
        self._file = open(self.path, "w", encoding="utf-8")
        self.reports = 0

    def add(self, result: dict) -> None:
        rows = result.get("cell_rows")
        if not rows:
            return
        head = [result["source"], result["sha256"], result["agency"], result["year"], result["template"], rows["layout"]]
        self._file.write(json.dumps([head, [rows[name] for name in WORKER_COLUMNS]], ensure_ascii=False, allow_nan=False) + "\n")
        self.reports += 1

    def close(self) -> str:
        self._file.close()
        return str(self.path)

    def abort(self) -> None:
        self._file.close()


def write_cells(spool: str, out_dir: str) -> int:
    """cells.parquet.part and cells.csv.part from a spool of :class:`CellsSpool` (run by a worker of
    the batch, whose memory is given back afterwards); returns the number of rows. The caller puts
    them in place with the other outputs (:func:`publish`), or removes them (:func:`discard`)."""
    writer = CellsWriter(Path(out_dir))
    try:
        with open(spool, encoding="utf-8") as handle:
            for line in handle:
                head, columns = json.loads(line)
                writer.add_rows(head, dict(zip(WORKER_COLUMNS, columns)))
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return writer.rows


def convert(spool: str, out_dir: Path, inline: bool = False) -> int:
    """:func:`write_cells` in a process of its own (started after the audit workers are gone, ended
    before the overview's kernel starts: Arrow's memory never adds to theirs), or in this process
    (``inline``: a batch that runs in one process). Returns the number of rows."""
    import subprocess
    import sys

    if inline:
        return write_cells(spool, os.fspath(out_dir))
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from xxgk_audit.batch.cells import write_cells; print(write_cells(sys.argv[1], sys.argv[2]))", spool, os.fspath(out_dir)],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"cells.parquet 未能写出（{lines[-1] if lines else done.returncode}）")
    return int(done.stdout.strip().splitlines()[-1])


def publish(out_dir: Path) -> list[Path]:
    """The written ``*.part`` files in place."""
    written = []
    for name in OUTPUTS:
        os.replace(Path(out_dir) / f"{name}.part", Path(out_dir) / name)
        written.append(Path(out_dir) / name)
    return written


def discard(out_dir: Path) -> None:
    for name in OUTPUTS:
        Path(out_dir, f"{name}.part").unlink(missing_ok=True)


class CellsWriter:
    """cells.parquet and cells.csv (``*.part`` until :meth:`close`): the plain columns of each
    report are gathered until a row group is full, then turned into Arrow arrays at once and written
    by Arrow's C++ writers."""

    def __init__(self, out_dir: Path):
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.out_dir = Path(out_dir)
        self.rows = 0
        self._columns: dict[str, list] = {name: [] for name in WORKER_COLUMNS}
        self._reports: list[tuple] = []  # (source, sha256, agency, year, template, layout, rows)
        self._pending = 0
        self._parquet = pq.ParquetWriter(os.fspath(self.out_dir / "cells.parquet.part"), schema(), compression="zstd")
        self._csv_file = open(self.out_dir / "cells.csv.part", "wb")
        self._csv_file.write(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        self._csv = pacsv.CSVWriter(self._csv_file, schema(), write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))

    def add_rows(self, head: list, rows: dict[str, list]) -> None:
        """One report: ``head`` = (source, sha256, agency, year, template, layout), its columns."""
        n = len(rows["key"])
        for name in WORKER_COLUMNS:
            self._columns[name].extend(rows[name])
        self._reports.append((*head, n))
        self._pending += n
        if self._pending >= ROW_GROUP:
            self._flush()

    def _table(self):
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        reports = self._reports
        index = pa.array(np.repeat(np.arange(len(reports)), [r[6] for r in reports]))

        def per_report(position: int, kind):
            return pa.array([r[position] for r in reports], kind).take(index)

        columns = self._columns
        keys = pa.array(columns["key"], pa.string())
        lookup, tables, row_labels, column_labels, labels = _labels()
        positions = pc.index_in(pc.binary_join_element_wise(per_report(5, pa.string()), keys, ":"), value_set=lookup)
        text = pa.string()
        arrays = [
            per_report(0, text), per_report(1, text), per_report(2, text), per_report(3, pa.int32()), per_report(4, text),
            tables.take(positions), keys, row_labels.take(positions), column_labels.take(positions), labels.take(positions),
            pa.array(columns["value"], pa.float64()), pa.array(columns["status"], text), pa.array(columns["location"], text),
            pa.array(columns["line"], pa.int32()), pa.array(columns["page"], pa.int32()), pa.array(columns["raw"], text),
            pa.array(columns["printed_row_label"], text), pa.array(columns["printed_column_label"], text), pa.array(columns["note"], text),
        ]
        return pa.Table.from_arrays(arrays, schema=schema())

    def _flush(self) -> None:
        if not self._pending:
            return
        table = self._table()
        self._parquet.write_table(table, row_group_size=ROW_GROUP)
        self._csv.write_table(_neutralised(table))
        self.rows += table.num_rows
        self._columns = {name: [] for name in WORKER_COLUMNS}
        self._reports, self._pending = [], 0

    def finish(self) -> None:
        """The last row group written and the ``*.part`` files closed."""
        self._flush()
        self._parquet.close()
        self._csv.close()
        self._csv_file.close()

    def close(self) -> list[Path]:
        self.finish()
        return publish(self.out_dir)

    def abort(self) -> None:
        for close in (self._parquet.close, self._csv.close, self._csv_file.close):
            try:
                close()
            except Exception:  # noqa: BLE001 - already broken: only the part files are removed
                pass
        discard(self.out_dir)


_TEXT_COLUMNS = ("source", "agency", "raw", "printed_row_label", "printed_column_label", "note")


def _neutralised(table):
    """The CSV's text as a spreadsheet must not take it for a formula: a text starting with = + - @
    (other than a plain number) gets a leading apostrophe. Only in the CSV; the Parquet file keeps
    the text as printed."""
    import pyarrow.compute as pc

    for name in _TEXT_COLUMNS:
        column = table.column(name)
        risky = pc.and_(pc.match_substring_regex(column, r"^[=+\-@\t\r]"), pc.invert(pc.match_substring_regex(column, r"^[+\-]?[0-9][0-9.,]*$")))
        if pc.any(risky).as_py():
            table = table.set_column(table.schema.get_field_index(name), name, pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column))
    return table


def read_cells(folder: str | os.PathLike, keys=None, columns=None):
    """cells.parquet of a batch folder as a pandas DataFrame (only ``keys``' rows, ``columns``)."""
    import pyarrow.parquet as pq

    filters = [("key", "in", list(keys))] if keys else None
    return pq.read_table(Path(folder) / "cells.parquet", columns=list(columns) if columns else None, filters=filters).to_pandas()
