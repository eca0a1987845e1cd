"""The national report layouts, read from the package data in ``layouts/`` (the only reader).

A layout is frozen and validated on load: every cell key, label and equation term is checked, so a
typo in the data fails loudly at the first use instead of silently dropping a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import product

import yaml

try:  # the C loader is ten times faster; fall back where libyaml is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

LAYOUT_IDS = ("2021", "2019")


class LayoutError(ValueError):
    """The package's layout data is inconsistent (a bug in the data, never in a report)."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    kind: str = "count"  # count | amount | signed
    unit: str | None = None
    group: str | None = None
    group_label: str | None = None  # 表四: the label of the column's own group (行政复议, 未经复议直接起诉 …)
    outcome: str | None = None  # 表四: the outcome label (结果维持 … 总计)
    span: int = 1  # grid columns the cell covers in the printed table (表二's narrower blocks)
    # the header cells above the column in the printed table, top to bottom; None: the cell above
    # extends down over this level (a rowspan), e.g. 表三 自然人, 表四 行政复议
    path: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class RowSpec:
    key: str | None
    label: str
    data: bool = True
    group: str | None = None
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockSpec:
    key: str | None
    header: str | None
    label_column: str | None
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]


@dataclass(frozen=True)
class CellSpec:
    key: str
    table: str
    block: str | None
    row: str | None
    column: str
    row_label: str
    column_label: str
    kind: str
    unit: str | None


@dataclass(frozen=True)
class Marker:
    """A row or line that announces a table: it holds every one of ``words`` and, with
    ``header_only``, at most ``rest_chars`` characters besides the table's header words."""

    words: tuple[str, ...]
    max_chars: int | None = None
    header_only: bool = False
    rest_chars: int = 0


@dataclass(frozen=True, eq=False)
class TableSpec:
    key: str  # t2 | t3 | t4
    name: str  # 表二 …
    section: str
    blocks: tuple[BlockSpec, ...]
    header_labels: tuple[str, ...] = ()
    corner_note: str | None = None
    markers: tuple[Marker, ...] = ()
    header_gate: tuple[str, ...] = ()  # characters every block header holds
    header_fragments: tuple[str, ...] = ()  # header words as printed in pieces (结果/维持 …)

    @property
    def header_words(self) -> tuple[str, ...]:
        """Every word of the table's header rows, longest first (labels, group labels, fragments)."""
        words = {*self.header_labels, *self.header_fragments}
        for block in self.blocks:
            words.update(c.label for c in block.columns)
            words.update(c.group for c in block.columns if c.group)
            if block.label_column:
                words.add(block.label_column)
            if block.header:
                words.add(block.header)
        words.update(self.outcome_labels)
        return tuple(sorted(words, key=len, reverse=True))

    @property
    def outcome_labels(self) -> tuple[str, ...]:
        """表四: the outcome column labels (结果维持 … 总计) without their group; () elsewhere."""
        return tuple(dict.fromkeys(c.label.removeprefix(c.group_label or "") for b in self.blocks for c in b.columns if c.group_label))
    column_group_header: str | None = None  # 表三 申请人情况: the header row over every value column
    grid_width: int | None = None  # 表二: value columns of the printed grid (blocks span them)

    @cached_property  # walked for every table of every report
    def data_rows(self) -> tuple[tuple[BlockSpec, RowSpec], ...]:
        return tuple((b, r) for b in self.blocks for r in b.rows if r.data)

    @property
    def all_column_labels(self) -> list[str]:
        return [c.label for b in self.blocks for c in b.columns]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: str
    kind: str
    table: str | None
    variants: tuple[str, ...]
    title_cues: tuple[str, ...] = ()
    content_cues: tuple[str, ...] = ()
    must_cover: tuple[str, ...] = ()
    untitled_words: tuple[str, ...] = ()  # words that find the section printed without its heading
    untitled_at_least: int = 0  # distinct ones needed in its stretch (0: never found so)

    @cached_property  # asked for every candidate title of every report
    def number(self) -> str:
        return self.label.split("、", 1)[0]

    @cached_property
    def body(self) -> str:
        return self.label.split("、", 1)[1]


@dataclass(frozen=True)
class EquationInstance:
    """One concrete equation, e.g. T3-BAL for the 自然人 column."""

    rule: str
    subject: str  # the iterated item, e.g. "natural_person"
    subject_label: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    message: str  # template with {lhs} {rhs}
    display: str = ""  # the equation as the memo shows it: 一 + 二 ＝ （七）总计 + 四
    printed: str = "lhs"  # the side whose printed figure is checked (报告填写); the other side gives 按勾稽关系应为

    @cached_property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    @property
    def printed_cells(self) -> tuple[str, ...]:
        return self.lhs if self.printed == "lhs" else self.rhs

    @property
    def computed_cells(self) -> tuple[str, ...]:
        return self.rhs if self.printed == "lhs" else self.lhs


@dataclass(frozen=True)
class EquationRule:
    id: str
    severity: str
    basis: str
    instances: tuple[EquationInstance, ...]
    display: str = ""


@dataclass(frozen=True, eq=False)  # one instance per layout id: identity is equality
class Layout:
    id: str
    document_number: str
    first_year: int
    last_year: int | None
    detect: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    tables: dict[str, TableSpec]
    cells: dict[str, CellSpec] = field(repr=False)
    equations: tuple[EquationRule, ...] = field(repr=False)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def section(self, key: str) -> SectionSpec:
        return next(s for s in self.sections if s.key == key)

    def table_cells(self, table: str) -> list[CellSpec]:
        return list(self._by_table.get(table, ()))

    def row_cells(self, table: str, block: str | None, row: str | None) -> list[CellSpec]:
        return self._rows.get((table, block, row), [])

    def row_keys(self, table: str, block: str | None, row: str | None) -> tuple[str, ...]:
        """The keys of a row's cells, in order (asked for every row of every report)."""
        keys = self.__dict__.get("_row_keys")
        if keys is None:
            keys = {where: tuple(c.key for c in cells) for where, cells in self._rows.items()}
            object.__setattr__(self, "_row_keys", keys)
        return keys.get((table, block, row), ())

    @property
    def _by_table(self) -> dict[str, tuple[CellSpec, ...]]:
        tables = self.__dict__.get("_table_index")
        if tables is None:
            grouped: dict[str, list[CellSpec]] = {}
            for cell in self.cells.values():
                grouped.setdefault(cell.table, []).append(cell)
            tables = {key: tuple(cells) for key, cells in grouped.items()}
            object.__setattr__(self, "_table_index", tables)
        return tables

    def equation_instance(self, rule: str, cells: tuple[str, ...]) -> EquationInstance | None:
        """The equation instance of an arithmetic finding (its rule and the cells it read)."""
        index = self.__dict__.get("_equation_index")
        if index is None:
            index = {(e.id, i.cells): i for e in self.equations for i in e.instances}
            object.__setattr__(self, "_equation_index", index)
        return index.get((rule, tuple(cells)))

    @property
    def _rows(self) -> dict[tuple, list[CellSpec]]:
        rows = self.__dict__.get("_row_index")
        if rows is None:
            rows = {}
            for cell in self.cells.values():
                rows.setdefault((cell.table, cell.block, cell.row), []).append(cell)
            object.__setattr__(self, "_row_index", rows)
        return rows


def _read(name: str) -> object:
    path = resources.files("xxgk_audit").joinpath("layouts")
    for part in name.split("/"):
        path = path.joinpath(part)
    text = path.read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)


def _sections() -> tuple[SectionSpec, ...]:
    data = _read("sections.yaml")
    return tuple(
        SectionSpec(
            key=s["key"],
            label=s["label"],
            kind=s["kind"],
            table=s.get("table"),
            variants=tuple(s.get("variants", ())),
            title_cues=tuple(s.get("title_cues", ())),
            content_cues=tuple(s.get("content_cues", ())),
            must_cover=tuple(s.get("must_cover", ())),
            untitled_words=tuple(s.get("printed_without_title", {}).get("words", ())),
            untitled_at_least=int(s.get("printed_without_title", {}).get("at_least", 0)),
        )
        for s in data["sections"]
    )


@dataclass(frozen=True)
class HeadingRules:
    """How printed headings are weighed against the sections (``sections.yaml``, ``headings``)."""

    caption: str
    weights: dict[str, float] = field(hash=False, compare=False)
    enclosing: tuple[str, ...] = ()  # pairs of brackets a whole heading may stand in
    accept: float = 75.0
    accept_unnumbered: float = 92.0
    out_of_order: float = 92.0


@cache
def heading_rules() -> HeadingRules:
    data = _read("sections.yaml")["headings"]
    return HeadingRules(
        caption=data["caption"],
        weights={k: float(v) for k, v in data["weights"].items()},
        enclosing=tuple(data.get("enclosing", ())),
        accept=float(data["accept"]),
        accept_unnumbered=float(data["accept_unnumbered"]),
        out_of_order=float(data["out_of_order"]),
    )


def _columns(items: list[dict], top: str | None = None, stacked: bool = False) -> tuple[ColumnSpec, ...]:
    """Columns with their printed header path: ``top`` (a header over all columns, 表三 申请人情况),
    then the group and the label; ``stacked`` tables (表二) print one header row per block."""
    columns = []
    for c in items:
        group = c.get("group")
        if stacked:
            path: tuple[str | None, ...] = (c["label"],)
        else:
            path = ((top,) if top else ()) + ((group, c["label"]) if group else (c["label"], None))
        columns.append(
            ColumnSpec(
                key=c["key"],
                label=c["label"],
                kind=c.get("kind", "count"),
                unit=c.get("unit"),
                group=group,
                span=c.get("span", 1),
                path=path,
            )
        )
    return tuple(columns)


def _rows(items: list[dict]) -> tuple[RowSpec, ...]:
    return tuple(
        RowSpec(
            key=r["key"],
            label=r["label"],
            data=r.get("data", True),
            group=r.get("group"),
            variants=tuple(r.get("variants", ())),
        )
        for r in items
    )


def _table(key: str, data: dict) -> TableSpec:
    if "groups" in data:  # 表四: a single unlabeled data row of group x outcome cells
        outcomes = data["outcomes"]
        columns = tuple(
            ColumnSpec(
                key=f"{g['key']}.{o['key']}",
                label=f"{g['label']}{o['label']}",
                kind=o.get("kind", "count"),
                group=g.get("parent", g["label"]),
                group_label=g["label"],
                outcome=o["label"],
                path=(g["parent"], g["label"], o["label"]) if g.get("parent") else (g["label"], None, o["label"]),
            )
            for g, o in product(data["groups"], outcomes)
        )
        blocks = (BlockSpec(key=None, header=None, label_column=None, columns=columns, rows=(RowSpec(key=None, label=""),)),)
        header_labels = tuple(data.get("header_labels", ())) + tuple(
            dict.fromkeys(o["label"] for o in outcomes)
        )
    else:
        stacked = len(data["blocks"]) > 1
        blocks = tuple(
            BlockSpec(
                key=b["key"],
                header=b.get("header"),
                label_column=b.get("label_column"),
                columns=_columns(b["columns"], data.get("column_group_header"), stacked),
                rows=_rows(b["rows"]),
            )
            for b in data["blocks"]
        )
        header_labels = tuple(data.get("header_labels", ()))
        width = data.get("grid_width")
        for block in blocks:
            if width is not None and sum(c.span for c in block.columns) != width:
                raise LayoutError(f"{key} {block.key}: column spans do not add up to grid_width {width}")
    return TableSpec(
        key=key,
        name=data["name"],
        section=data["section"],
        blocks=blocks,
        header_labels=header_labels,
        corner_note=data.get("corner_note"),
        markers=tuple(
            Marker(tuple(m["words"]), m.get("max_chars"), bool(m.get("header_only")), int(m.get("rest_chars", 0)))
            for m in data.get("markers", ())
        ),
        header_gate=tuple(data.get("header_gate", ())),
        header_fragments=tuple(data.get("header_fragments", ())),
        column_group_header=data.get("column_group_header"),
        grid_width=data.get("grid_width"),
    )


def _cells(tables: dict[str, TableSpec]) -> dict[str, CellSpec]:
    cells: dict[str, CellSpec] = {}
    for t in tables.values():
        for b in t.blocks:
            for r in b.rows:
                if not r.data:
                    continue
                for c in b.columns:
                    key = ".".join(p for p in (t.key, b.key, r.key, c.key) if p)
                    if key in cells:
                        raise LayoutError(f"duplicate cell key {key}")
                    cells[key] = CellSpec(
                        key=key,
                        table=t.key,
                        block=b.key,
                        row=r.key,
                        column=c.key,
                        row_label=r.label,
                        column_label=c.label,
                        kind=c.kind,
                        unit=c.unit,
                    )
    return cells


_TERM = re.compile(r"^[a-z0-9_.{}]+$")


def _equations(layout_id: str, tables: dict[str, TableSpec], cells: dict[str, CellSpec]) -> tuple[EquationRule, ...]:
    labels: dict[str, dict[str, str]] = {
        "col": {c.key: c.label for c in tables["t3"].blocks[0].columns},
        "row": {r.key: r.label for r in tables["t3"].blocks[0].rows if r.key},
        "grp": {c.key.split(".")[0]: [p for p in c.path if p][-2] for c in tables["t4"].blocks[0].columns},
    }
    rules = []
    for item in _read(f"{layout_id}/equations.yaml"):
        if item.get("printed", "lhs") not in ("lhs", "rhs") or not item.get("display"):
            raise LayoutError(f"{layout_id} {item['id']}: every equation needs `display` and `printed: lhs|rhs`")
        (name, values), = item["for_each"].items()
        lhs_text, rhs_text = item["equation"].split("==")
        instances = []
        for value in values:
            sides = []
            for text in (lhs_text, rhs_text):
                terms = tuple(t.strip().replace("{" + name + "}", value) for t in text.split("+"))
                for term in terms:
                    if not _TERM.match(term) or term not in cells:
                        raise LayoutError(f"{layout_id} {item['id']}: unknown cell {term!r}")
                sides.append(terms)
            label = labels.get(name, {}).get(value, value)
            instances.append(
                EquationInstance(
                    rule=item["id"],
                    subject=value,
                    subject_label=label,
                    lhs=sides[0],
                    rhs=sides[1],
                    message=item["message"].replace("{" + name + "_label}", label),
                    display=item["display"],
                    printed=item.get("printed", "lhs"),
                )
            )
        rules.append(EquationRule(id=item["id"], severity=item["severity"], basis=item["basis"], instances=tuple(instances), display=item["display"]))
    return tuple(rules)


@cache
def get_layout(layout_id: str) -> Layout:
    if layout_id not in LAYOUT_IDS:
        raise LayoutError(f"unknown layout {layout_id!r}")
    data = _read(f"{layout_id}/layout.yaml")
    tables = {k: _table(k, v) for k, v in data["tables"].items()}
    cells = _cells(tables)
    years = data["report_years"]
    return Layout(
        id=layout_id,
        document_number=data["document_number"],
        first_year=years["first"],
        last_year=years.get("last"),
        detect=tuple(data["detect"]),
        sections=_sections(),
        tables=tables,
        cells=cells,
        equations=_equations(layout_id, tables, cells),
    )


@cache
def narrative_data() -> dict:
    """``layouts/narrative.yaml``: the counts the narrative quotes and what the sections must say."""
    return _read("narrative.yaml")


@cache
def crossyear_data() -> dict:
    """``layouts/crossyear.yaml``: thresholds and word lists of the rules across reports."""
    return _read("crossyear.yaml")


@cache
def serial_headers() -> frozenset[str]:
    """``layouts/tables.yaml``: headers of a serial-number column added at the left of a table."""
    return frozenset(str(word) for word in _read("tables.yaml")["serial_headers"])


@cache
def key_cells() -> dict[str, str]:
    """``layouts/key_cells.yaml``: the cells a batch's reports.csv and the overview's series show,
    with their short names, in column order."""
    return {str(key): str(name) for key, name in _read("key_cells.yaml").items()}


def all_layouts() -> list[Layout]:
    return [get_layout(i) for i in LAYOUT_IDS]


def layout_for_year(year: int | None) -> Layout:
    for layout in all_layouts():
        if year is not None and layout.applies_to(year):
            return layout
    return get_layout("2021")
