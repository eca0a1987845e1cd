"""cells.parquet and cells.csv: every parsed cell of every report of a batch, one row each.

The machine-readable record of a year's reports (interface.md): the report (``source``, ``sha256``,
``agency``, ``year``, ``template``), the cell (``table`` 表二/表三/表四, ``key``, the official
``row_label`` and ``column_label`` and the full ``label``), its ``value`` (null where the printed
cell is blank or unreadable: never 0), its ``status`` (number, blank, text, missing, unreadable),
where it was printed (``location`` 第3页 / 第58行, ``line``, ``page``), the ``raw`` text, the
labels as printed (``printed_row_label``, ``printed_column_label``) and the parser's ``note``.
The values are those of ``check --format json`` (``cells``) for the same file.

How, for ten thousand reports and two million cells: each audit worker encodes a parsed report's
cells as one JSON line — the report's fields and one list per column (:func:`cell_line`; the
workers never load Arrow, so they stay small, and a string crosses the process boundary at the
cost of a copy). The batch's main process only appends the lines to a spool (:class:`CellsSpool`).
When the audit is done and its workers are gone, a process of its own (:class:`Conversion`) reads the
spool a few hundred lines at a time with Arrow's JSON reader, flattens the lists, looks the official labels up by key
and writes the Parquet file and the CSV (UTF-8 with BOM, for Excel), all in Arrow's C++, a block
at a time (:func:`write_cells`); it ends before the overview's Jupyter kernel starts, so Arrow's
memory never adds to the others'.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from ..shown import shown

COLUMNS = (
    "source", "sha256", "agency", "year", "template", "table", "key", "row_label", "column_label", "label",
    "value", "status", "location", "line", "page", "raw", "printed_row_label", "printed_column_label", "note",
)
OUTPUTS = ("cells.parquet", "cells.csv")
REPORT_FIELDS = ("source", "sha256", "agency", "year", "template", "layout")
CELL_FIELDS = ("key", "value", "status", "line", "page", "raw", "printed_row_label", "printed_column_label", "note")
CHUNK = 200  # reports (spool lines) parsed at a time: about 40,000 rows
ROW_GROUP = 262_144


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


@cache
def _spool_schema():
    import pyarrow as pa

    text = pa.string()
    lists = {"value": pa.list_(pa.float64()), "line": pa.list_(pa.int32()), "page": pa.list_(pa.int32())}
    return pa.schema(
        [(name, pa.int32() if name == "year" else text) for name in REPORT_FIELDS]
        + [(name, lists.get(name, pa.list_(text))) for name in CELL_FIELDS]
    )


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


# -- the audit workers -----------------------------------------------------------------------------

def cell_line(report) -> str | None:
    """The cells of one parsed report as one JSON line (worker side), or None when no table was read."""
    if not report.cells or report.layout is None:
        return None
    cells = list(report.cells.values())
    sources = [c.source for c in cells]
    data = {
        "source": shown(report.source), "sha256": report.sha256,  # a name that is no UTF-8: escaped (xxgk_audit.shown) "agency": report.agency, "year": report.year,
        "template": report.template, "layout": report.layout.id,
        "key": [c.key for c in cells],
        "value": [None if c.value is None else float(c.value) for c in cells],
        "status": [c.status for c in cells],
        "line": [s.line if s is not None else None for s in sources],
        "page": [s.page if s is not None else None for s in sources],
        "raw": [s.text if s is not None else None for s in sources],
        "printed_row_label": [s.row_label if s is not None else None for s in sources],
        "printed_column_label": [s.column_label if s is not None else None for s in sources],
        "note": [c.note for c in cells],
    }
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def cells_of_line(line: str | None) -> dict[str, tuple]:
    """key -> (value, status) from a :func:`cell_line` (for the batch's follow-ups and scores)."""
    if not line:
        return {}
    data = json.loads(line)
    return dict(zip(data["key"], zip(data["value"], data["status"])))


# -- the main process ------------------------------------------------------------------------------

class CellsSpool:
    """The cell lines of the audited reports, appended to ``cells.jsonl`` in the spool folder."""

    def __init__(self, spool_dir: str | os.PathLike):
        self.path = Path(spool_dir) / "cells.jsonl"
        self._file = open(self.path, "w", encoding="utf-8")
        self.reports = 0

    def add(self, result: dict) -> None:
        line = result.get("cell_line")
        if line:
            self._file.write(line)
            self._file.write("\n")
            self.reports += 1

    def close(self) -> str:
        self._file.close()
        return str(self.path)

    def abort(self) -> None:
        self._file.close()


class Conversion:
    """:func:`write_cells` in a process of its own, started when the audit workers are gone and
    running while the main process finishes the other outputs (ended before the overview's kernel
    starts: Arrow's memory never adds to theirs); or in this process (``inline``: a batch that runs
    in one process). :meth:`result` waits and returns the number of rows."""

    def __init__(self, spool: str, out_dir: Path, inline: bool = False):
        import subprocess
        import sys

        self.rows: int | None = None
        self.process = None
        self.inline = (spool, os.fspath(out_dir)) if inline else None
        if inline:
            return
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from xxgk_audit.batch.cells import write_cells; print(write_cells(sys.argv[1], sys.argv[2]))", spool, os.fspath(out_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
        )

    def result(self) -> int:
        if self.rows is None and self.inline is not None:
            self.rows = write_cells(*self.inline)
        if self.rows is None:
            stdout, stderr = self.process.communicate()
            if self.process.returncode != 0:
                lines = stderr.strip().splitlines()
                raise RuntimeError(f"cells.parquet 未能写出（{lines[-1] if lines else self.process.returncode}）")
            self.rows = int(stdout.strip().splitlines()[-1])
        return self.rows

    def stop(self) -> None:
        """After an error or Ctrl-C: end the process (its ``*.part`` files are removed by the caller)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def write_cells(spool: str, out_dir: str) -> int:
    """cells.parquet.part and cells.csv.part from the spool; returns the number of rows. The caller
    puts them in place with the other outputs (:func:`publish`), or removes them (:func:`discard`)."""
    import io
    from itertools import islice

    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    out = Path(out_dir)
    rows = 0
    parquet = pq.ParquetWriter(os.fspath(out / "cells.parquet.part"), schema(), compression="zstd")
    handle = open(out / "cells.csv.part", "wb")
    options = {
        "read_options": pajson.ReadOptions(use_threads=False, block_size=64 << 20),
        "parse_options": pajson.ParseOptions(explicit_schema=_spool_schema(), unexpected_field_behavior="error"),
    }
    try:
        handle.write(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        writer = pacsv.CSVWriter(handle, schema(), write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))
        with open(spool, "rb") as lines:
            # a few hundred lines at a time (Arrow's streaming reader reads ahead far more)
            while chunk := list(islice(lines, CHUNK)):
                for batch in pajson.read_json(io.BytesIO(b"".join(chunk)), **options).to_batches():
                    table = _flat(batch)
                    parquet.write_table(table, row_group_size=ROW_GROUP)
                    writer.write_table(_neutralised(table))
                    rows += table.num_rows
        writer.close()
    except BaseException:
        parquet.close()
        handle.close()
        discard(out)
        raise
    parquet.close()
    handle.close()
    return rows


def _flat(batch):
    """One row per cell from a batch of report lines: the lists flattened, the report's fields
    repeated, the official labels looked up, the location spelled out."""
    import pyarrow as pa
    import pyarrow.compute as pc

    owner = pc.list_parent_indices(batch.column("key"))

    def per_report(name: str):
        return batch.column(name).take(owner)

    def flat(name: str):
        return pc.list_flatten(batch.column(name))

    keys, line, page = flat("key"), flat("line"), flat("page")
    lookup, tables, row_labels, column_labels, labels = _labels()
    positions = pc.index_in(pc.binary_join_element_wise(per_report("layout"), keys, ":"), value_set=lookup)
    text = pa.string()
    location = pc.if_else(
        pc.is_valid(page),
        pc.binary_join_element_wise("第", pc.cast(page, text), "页", ""),
        pc.binary_join_element_wise("第", pc.cast(line, text), "行", ""),
    )
    arrays = [
        per_report("source"), per_report("sha256"), per_report("agency"), per_report("year"), per_report("template"),
        tables.take(positions), keys, row_labels.take(positions), column_labels.take(positions), labels.take(positions),
        flat("value"), flat("status"), location, line, page,
        flat("raw"), flat("printed_row_label"), flat("printed_column_label"), flat("note"),
    ]
    return pa.Table.from_arrays(arrays, schema=schema())


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
