"""cells.parquet and cells.csv: every parsed cell of every report of a batch, one row each.

The machine-readable record of a year's reports (interface.md): the report (``source``, ``sha256``,
``agency``, ``year``, ``template``), the cell (``table`` 表二/表三/表四, ``key``, the official
``row_label`` and ``column_label`` and the full ``label``), its ``value`` (null where the printed
cell is blank or unreadable: never 0), its ``status`` (number, blank, text, missing, unreadable),
where it was printed (``location`` 第3页 / 第58行, ``line``, ``page``), the ``raw`` text, the
labels as printed (``printed_row_label``, ``printed_column_label``) and the parser's ``note``.
The values are those of ``check --format json`` (``cells``) for the same file.

Each worker turns a parsed report into one Arrow record batch (:func:`cell_batch`), so the batch's
main process only appends ready-made batches: :class:`CellsWriter` streams them into row groups of
the Parquet file and into the CSV (UTF-8 with BOM, for Excel) through Arrow's C++ writers, holding
at most one row group in memory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

COLUMNS = (
    "source", "sha256", "agency", "year", "template", "table", "key", "row_label", "column_label", "label",
    "value", "status", "location", "line", "page", "raw", "printed_row_label", "printed_column_label", "note",
)
ROW_GROUP = 131_072
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


@cache
def _labels(layout_id: str):
    """(keys, table names, row labels, column labels, descriptions) of a layout, as Arrow arrays."""
    import pyarrow as pa

    from ..layout import get_layout
    from ..rules.structure import describe

    layout = get_layout(layout_id)
    keys = list(layout.cells)
    specs = [layout.cells[k] for k in keys]
    return (
        pa.array(keys),
        pa.array([layout.tables[s.table].name for s in specs]),
        pa.array([s.row_label or None for s in specs]),
        pa.array([s.column_label or None for s in specs]),
        pa.array([describe(layout, k) for k in keys]),
    )


def cell_batch(report):
    """The cells of one parsed report as an Arrow record batch (worker side), or None for none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not report.cells or report.layout is None:
        return None
    keys, values, statuses, lines, pages, places, raws, rows, columns, notes = ([] for _ in range(10))
    for key, cell in report.cells.items():
        source = cell.source
        keys.append(key)
        value = cell.value
        values.append(None if value is None else float(value))
        statuses.append(cell.status)
        notes.append(cell.note)
        if source is None:
            lines.append(None), pages.append(None), places.append(None), raws.append(None), rows.append(None), columns.append(None)
        else:
            lines.append(source.line), pages.append(source.page), places.append(source.where), raws.append(source.text)
            rows.append(source.row_label), columns.append(source.column_label)
    n = len(keys)
    key_array = pa.array(keys, pa.string())
    all_keys, tables, row_labels, column_labels, descriptions = _labels(report.layout.id)
    positions = pc.index_in(key_array, value_set=all_keys)
    year = report.year
    arrays = [
        pa.array([report.source] * n, pa.string()), pa.array([report.sha256] * n, pa.string()), pa.array([report.agency] * n, pa.string()),
        pa.array([year] * n, pa.int32()), pa.array([report.template] * n, pa.string()),
        tables.take(positions), key_array, row_labels.take(positions), column_labels.take(positions), descriptions.take(positions),
        pa.array(values, pa.float64()), pa.array(statuses, pa.string()), pa.array(places, pa.string()),
        pa.array(lines, pa.int32()), pa.array(pages, pa.int32()), pa.array(raws, pa.string()),
        pa.array(rows, pa.string()), pa.array(columns, pa.string()), pa.array(notes, pa.string()),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema())


class CellsWriter:
    """cells.parquet and cells.csv, written as record batches arrive (``*.part`` until :meth:`close`)."""

    def __init__(self, out_dir: Path):
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.out_dir = Path(out_dir)
        self.rows = 0
        self._pending: list = []
        self._pending_rows = 0
        self._parquet = pq.ParquetWriter(os.fspath(self.out_dir / "cells.parquet.part"), schema(), compression="zstd")
        self._csv_file = open(self.out_dir / "cells.csv.part", "wb")
        self._csv_file.write(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        self._csv = pacsv.CSVWriter(self._csv_file, schema(), write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))

    def add(self, batch) -> None:
        if batch is None or batch.num_rows == 0:
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        table = pa.Table.from_batches(self._pending, schema=schema()).combine_chunks()
        self._parquet.write_table(table, row_group_size=ROW_GROUP)
        self._csv.write_table(_neutralised(table))
        self.rows += table.num_rows
        self._pending, self._pending_rows = [], 0

    def close(self) -> list[Path]:
        self._flush()
        self._parquet.close()
        self._csv.close()
        self._csv_file.close()
        written = []
        for name in OUTPUTS:
            os.replace(self.out_dir / f"{name}.part", self.out_dir / name)
            written.append(self.out_dir / name)
        return written

    def abort(self) -> None:
        for close in (self._parquet.close, self._csv.close, self._csv_file.close):
            try:
                close()
            except Exception:  # noqa: BLE001 - already broken: only the part files are removed
                pass
        for name in OUTPUTS:
            try:
                os.remove(self.out_dir / f"{name}.part")
            except OSError:
                pass


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
