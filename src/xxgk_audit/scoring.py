"""Scores against an indicator sheet (考评细则): configuration in YAML, one file per sheet.

A sheet (``xxgk_audit/sheets/example-annual-report.yaml`` is the example; users pass their own with
``xxgk-audit batch … --sheet FILE``) lists indicators, each with ``points`` and one condition:

- ``findings``: findings of some rules (``rules``), rule groups (``groups``) and/or severities;
- ``reuse``: TEXT-REUSE findings (optionally only from a share of repeated text, ``min_share``);
- ``cells``: the sum of some cells compared with a value (表四 结果纠正 > 0);
- ``publication``: the publication status (``late``, ``undated``, ``missing``).

Each occurrence takes ``deduct`` points (per finding; once for a cell or publication condition,
or ``per: unit`` of the cells' sum, ``per: day`` late), at most ``cap`` (default: the points), and no
indicator goes below 0. An agency on the roster without a report scores 0 (``missing_report:
zero``, the default) or only loses what its conditions say (``missing_report: deduct``).

**Confirmed and provisional.** A finding costs points in the *confirmed* score only when an auditor
marked it 确认问题; a finding still 待定 costs points only in the *provisional* score (暂计), shown
beside it; a finding marked 不是问题 never costs anything. Cells and the publication status are facts
read from the report and the dates, not findings awaiting a verdict: they count in both. The
ranking is by confirmed score, then provisional score.

Every problem in a sheet is a :class:`SheetError` with one line naming the file and the indicator.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

CONDITIONS = ("findings", "reuse", "cells", "publication")
PUBLICATION_STATUSES = {"late": "逾期发布", "undated": "发布日期不明", "missing": "未发布"}
OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
PER = ("occurrence", "unit", "day")
_SHEET_KEYS = {"name", "description", "example", "missing_report", "indicators", "total", "year"}
_INDICATOR_KEYS = {"id", "name", "points", "basis", "when", "deduct", "cap", "per"}
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
REUSE_RULE = "TEXT-REUSE"


class SheetError(InputError):
    """A scoring sheet that cannot be used: ``reason`` says where and why, in one line."""


@dataclass(frozen=True)
class Condition:
    kind: str
    rules: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    min_share: float | None = None
    keys: tuple[str, ...] = ()
    op: str = ">"
    value: float = 0.0
    statuses: tuple[str, ...] = ()

    def matches(self, finding: "ScoredFinding") -> bool:
        if self.kind == "reuse":
            if finding.rule != REUSE_RULE:
                return False
            return self.min_share is None or finding.actual is None or finding.actual >= self.min_share
        if self.kind != "findings":
            return False
        if self.rules and finding.rule not in self.rules:
            return False
        if self.groups and finding.group not in self.groups:
            return False
        return not self.severities or finding.severity in self.severities

    def describe(self) -> str:
        if self.kind == "findings":
            parts = [*sorted(self.rules), *(f"{g}类" for g in sorted(self.groups))]
            return "问题：" + "、".join(parts) + (f"（{'/'.join(sorted(self.severities))}）" if self.severities else "")
        if self.kind == "reuse":
            return "文字雷同（TEXT-REUSE）" + (f"，重复比例≥{self.min_share:.0%}" if self.min_share is not None else "")
        if self.kind == "cells":
            return f"单元格 {'+'.join(self.keys)} {self.op} {self.value:g}"
        return "发布情况：" + "、".join(PUBLICATION_STATUSES[s] for s in self.statuses)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    points: float
    condition: Condition
    deduct: float
    cap: float
    per: str = "occurrence"
    basis: str = ""


@dataclass(frozen=True)
class Sheet:
    path: str
    name: str
    indicators: tuple[Indicator, ...]
    description: str = ""
    example: bool = False
    missing_report: str = "zero"
    text: str = ""  # the YAML as read (copied into a batch folder, so its scores can be recomputed)

    @property
    def total(self) -> float:
        return sum(i.points for i in self.indicators)

    @property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for i in self.indicators for k in i.condition.keys))


# -- reading and checking a sheet ---------------------------------------------------------------------

def packaged_sheets() -> list[str]:
    """The sheets shipped in the package (names without ``.yaml``)."""
    folder = resources.files("xxgk_audit").joinpath("sheets")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_sheet(path: str | os.PathLike) -> Sheet:
    """Read and check a sheet: a YAML file, or the name of a sheet shipped in the package."""
    name = os.fspath(path)
    if not os.path.exists(name) and name in packaged_sheets():
        text = resources.files("xxgk_audit").joinpath("sheets", f"{name}.yaml").read_text(encoding="utf-8")
        return parse_sheet(text, f"{name}.yaml")
    try:
        if os.path.isdir(name):
            raise SheetError(name, "考评细则应为 YAML 文件，这是文件夹")
        if os.path.getsize(name) > 1_000_000:
            raise SheetError(name, "考评细则文件过大（上限 1 MB）")
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SheetError(name, f"考评细则无法读取（{exc.strerror or exc}）") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise SheetError(name, "考评细则不是 UTF-8 或 GBK 编码的文字文件") from None
    return parse_sheet(text, name)


def parse_sheet(text: str, where: str = "考评细则") -> Sheet:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"第 {mark.line + 1} 行：" if mark is not None else ""
        raise SheetError(where, f"考评细则不是有效的 YAML（{at}{getattr(exc, 'problem', '') or exc}）") from None
    if not isinstance(data, dict):
        raise SheetError(where, "考评细则应为映射（name、indicators …），见示例 xxgk_audit/sheets/example-annual-report.yaml")
    unknown = set(data) - _SHEET_KEYS
    if unknown:
        raise SheetError(where, f"考评细则中有不认识的项：{'、'.join(map(str, sorted(unknown, key=str)))}（可用：{'、'.join(sorted(_SHEET_KEYS))}）")
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        raise SheetError(where, "考评细则缺少 indicators（指标列表）")
    missing_report = data.get("missing_report", "zero")
    if missing_report not in ("zero", "deduct"):
        raise SheetError(where, f"missing_report 应为 zero 或 deduct，而不是“{missing_report}”")
    indicators = []
    seen: set[str] = set()
    for number, item in enumerate(items, 1):
        indicator = _indicator(item, number, where)
        if indicator.id in seen:
            raise SheetError(where, f"指标编号 {indicator.id} 重复（第 {number} 个指标）")
        seen.add(indicator.id)
        indicators.append(indicator)
    sheet = Sheet(where, str(data.get("name") or Path(where).stem), tuple(indicators), str(data.get("description") or "").strip(), bool(data.get("example", False)), missing_report, text)
    total = data.get("total")
    if total is not None and (not _number(total) or not math.isclose(float(total), sheet.total)):
        raise SheetError(where, f"total 为 {total}，但各指标分值之和为 {sheet.total:g}")
    return sheet


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _indicator(item, number: int, where: str) -> Indicator:
    from .layout import all_layouts
    from .rules import REGISTRY
    from .rules.registry import GROUPS

    if not isinstance(item, dict):
        raise SheetError(where, f"第 {number} 个指标应为映射（id、name、points、when、deduct）")
    ident = str(item.get("id", "")).strip()
    label = f"指标 {ident}" if ident else f"第 {number} 个指标"
    if not _ID.match(ident):
        raise SheetError(where, f"{label}：id 应为字母、数字、下划线组成的编号")
    unknown = set(item) - _INDICATOR_KEYS
    if unknown:
        raise SheetError(where, f"{label}：有不认识的项 {'、'.join(map(str, sorted(unknown, key=str)))}（可用：{'、'.join(sorted(_INDICATOR_KEYS))}）")
    name = str(item.get("name") or "").strip()
    if not name:
        raise SheetError(where, f"{label}：缺少 name（指标名称）")
    points = item.get("points")
    if not _number(points) or points <= 0:
        raise SheetError(where, f"{label}：points（分值）应为正数")
    deduct = item.get("deduct")
    if deduct == "all":
        deduct = points
    if not _number(deduct) or deduct <= 0:
        raise SheetError(where, f"{label}：deduct（每次扣分）应为正数或 all")
    cap = item.get("cap", points)
    if not _number(cap) or cap <= 0:
        raise SheetError(where, f"{label}：cap（最多扣分）应为正数")
    per = item.get("per", "occurrence")
    if per not in PER:
        raise SheetError(where, f"{label}：per 应为 {'、'.join(PER)} 之一")
    when = item.get("when")
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in CONDITIONS:
        raise SheetError(where, f"{label}：when 应恰有一个条件：{'、'.join(CONDITIONS)}")
    kind, spec = next(iter(when.items()))
    if kind == "findings":
        if not isinstance(spec, dict) or not (set(spec) <= {"rules", "groups", "severities"}) or not (spec.get("rules") or spec.get("groups")):
            raise SheetError(where, f"{label}：findings 条件应给出 rules（规则编号）或 groups（类别）")
        rules, groups, severities = (frozenset(str(x) for x in _list(spec.get(k), where, label, k)) for k in ("rules", "groups", "severities"))
        bad = sorted(rules - set(REGISTRY))
        if bad:
            raise SheetError(where, f"{label}：没有规则 {'、'.join(bad)}（规则编号见 rules.md）")
        bad = sorted(groups - set(GROUPS))
        if bad:
            raise SheetError(where, f"{label}：没有类别 {'、'.join(bad)}（可用：{'、'.join(GROUPS)}）")
        bad = sorted(severities - {"error", "warning", "info"})
        if bad:
            raise SheetError(where, f"{label}：没有级别 {'、'.join(bad)}（可用：error、warning、info）")
        condition = Condition("findings", rules, groups, severities)
    elif kind == "reuse":
        spec = spec or {}
        if spec is True:
            spec = {}
        if not isinstance(spec, dict) or not set(spec) <= {"min_share"}:
            raise SheetError(where, f"{label}：reuse 条件只可给出 min_share（重复比例，0 到 1）")
        share = spec.get("min_share")
        if share is not None and (not _number(share) or not 0 <= share <= 1):
            raise SheetError(where, f"{label}：min_share 应为 0 到 1 之间的数")
        condition = Condition("reuse", min_share=None if share is None else float(share))
    elif kind == "cells":
        if not isinstance(spec, dict) or not set(spec) <= {"keys", "key", "op", "value"}:
            raise SheetError(where, f"{label}：cells 条件应给出 keys（单元格键）、op 和 value")
        keys = tuple(str(k) for k in _list(spec.get("keys", spec.get("key")), where, label, "keys"))
        known = {k for layout in all_layouts() for k in layout.cells}
        bad = [k for k in keys if k not in known]
        if not keys or bad:
            raise SheetError(where, f"{label}：单元格键 {'、'.join(bad) or '（空）'} 不存在（见 ../shared/spec/format-2021.yaml，例如 t4.review.corrected）")
        op = str(spec.get("op", ">"))
        if op not in OPS:
            raise SheetError(where, f"{label}：op 应为 {' '.join(OPS)} 之一")
        if not _number(spec.get("value", 0)):
            raise SheetError(where, f"{label}：value 应为数字")
        condition = Condition("cells", keys=keys, op=op, value=float(spec.get("value", 0)))
    else:
        statuses = tuple(str(s) for s in _list(spec, where, label, "publication"))
        bad = [s for s in statuses if s not in PUBLICATION_STATUSES]
        if not statuses or bad:
            raise SheetError(where, f"{label}：publication 条件应为 {'、'.join(PUBLICATION_STATUSES)} 中的一项或几项")
        condition = Condition("publication", statuses=statuses)
    if per == "unit" and kind != "cells":
        raise SheetError(where, f"{label}：per: unit 只用于 cells 条件")
    if per == "day" and (kind != "publication" or "late" not in condition.statuses):
        raise SheetError(where, f"{label}：per: day 只用于 publication: [late]")
    return Indicator(ident, name, float(points), condition, float(deduct), float(cap), per, str(item.get("basis") or "").strip())


def _list(value, where: str, label: str, key: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return value
    raise SheetError(where, f"{label}：{key} 应为一项或一个列表")


# -- what is scored -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScoredFinding:
    rule: str
    group: str
    severity: str
    message: str
    fingerprint: str
    verdict: str  # confirmed | pending | dismissed
    actual: float | None = None


@dataclass
class UnitInput:
    """One agency of the year: the report scored (its earliest version), its findings with their
    verdicts, its cells, its publication status (on_time | late | undated | missing)."""

    unit: str
    key: str
    kind_label: str = ""
    year: int | None = None
    source: str | None = None
    sha256: str | None = None
    publication: str = "undated"
    days_late: int | None = None
    findings: list[ScoredFinding] = field(default_factory=list)
    cells: dict[str, float | None] = field(default_factory=dict)
    on_roster: bool = True


@dataclass(frozen=True, slots=True)
class Cost:
    """Something that cost points: a finding (with its verdict) or a fact (a cell sum, the publication)."""

    text: str
    verdict: str  # confirmed | pending | fact
    rule: str = ""
    fingerprint: str = ""


@dataclass
class Line:
    indicator: Indicator
    confirmed: float  # points kept, counting confirmed findings and facts
    provisional: float  # points kept, counting unreviewed findings too
    costs: list[Cost] = field(default_factory=list)
    note: str = ""


@dataclass
class ScoreCard:
    unit: UnitInput
    lines: list[Line]

    @property
    def confirmed(self) -> float:
        return round(sum(line.confirmed for line in self.lines), 2)

    @property
    def provisional(self) -> float:
        return round(sum(line.provisional for line in self.lines), 2)

    @property
    def pending(self) -> int:
        """Unreviewed findings that cost points in the provisional score."""
        return len({c.fingerprint for line in self.lines for c in line.costs if c.verdict == "pending"})


def _kept(indicator: Indicator, occurrences: float) -> float:
    deduction = min(indicator.cap, indicator.deduct * occurrences)
    return round(max(0.0, indicator.points - deduction), 2)


def score(sheet: Sheet, unit: UnitInput) -> ScoreCard:
    lines = []
    for indicator in sheet.indicators:
        if unit.publication == "missing" and sheet.missing_report == "zero":
            lines.append(Line(indicator, 0.0, 0.0, [Cost("未发布年度报告", "fact")], "未发布年度报告，本项不得分"))
            continue
        lines.append(_line(indicator, unit))
    return ScoreCard(unit, lines)


def _line(indicator: Indicator, unit: UnitInput) -> Line:
    condition = indicator.condition
    if condition.kind in ("findings", "reuse"):
        matched = [f for f in unit.findings if f.verdict != "dismissed" and condition.matches(f)]
        confirmed = sum(1 for f in matched if f.verdict == "confirmed")
        costs = [Cost(f.message, f.verdict, f.rule, f.fingerprint) for f in sorted(matched, key=lambda f: f.verdict != "confirmed")]
        return Line(indicator, _kept(indicator, confirmed), _kept(indicator, len(matched)), costs)
    if condition.kind == "cells":
        values = [unit.cells.get(k) for k in condition.keys]
        known = [v for v in values if v is not None]
        if unit.publication == "missing" or not known:
            return Line(indicator, indicator.points, indicator.points, [], "所涉单元格空白或缺失，本项未评分" if unit.publication != "missing" else "")
        total = sum(known)
        if not OPS[condition.op](total, condition.value):
            return Line(indicator, indicator.points, indicator.points)
        occurrences = total if indicator.per == "unit" else 1
        text = f"{'＋'.join(cell_label(k) for k in condition.keys)} = {total:g}（{condition.op} {condition.value:g}）"
        kept = _kept(indicator, occurrences)
        return Line(indicator, kept, kept, [Cost(text, "fact")])
    # publication
    if unit.publication not in condition.statuses:
        return Line(indicator, indicator.points, indicator.points)
    occurrences = (unit.days_late or 1) if indicator.per == "day" else 1
    text = PUBLICATION_STATUSES[unit.publication] + (f"（逾期 {unit.days_late} 天）" if unit.publication == "late" and unit.days_late else "")
    kept = _kept(indicator, occurrences)
    return Line(indicator, kept, kept, [Cost(text, "fact")])


def cell_label(key: str) -> str:
    """A cell key as an auditor reads it: 表四“行政复议”的“结果纠正”."""
    from .layout import all_layouts
    from .rules.structure import describe

    for layout in all_layouts():
        if key in layout.cells:
            return describe(layout, key)
    return key


def score_all(sheet: Sheet, units: Iterable[UnitInput]) -> list[ScoreCard]:
    """The score cards, ranked: confirmed score, then provisional score (higher first), then name."""
    cards = [score(sheet, unit) for unit in units]
    cards.sort(key=lambda c: (-c.confirmed, -c.provisional, c.unit.unit))
    return cards


def ranks(cards: list[ScoreCard]) -> list[int]:
    out, previous = [], None
    for position, card in enumerate(cards, 1):
        pair = (card.confirmed, card.provisional)
        out.append(out[-1] if pair == previous else position)
        previous = pair
    return out


# -- tables -------------------------------------------------------------------------------------------

VERDICT_LABELS = {"confirmed": "确认问题", "pending": "待审核（暂计）", "fact": "事实"}


DETAIL_COLUMNS = ["unit", "year", "indicator", "name", "points", "score", "provisional", "note", "cost", "verdict", "rule", "fingerprint"]


def ranking_columns(sheet: Sheet) -> list[str]:
    columns = ["rank", "unit", "kind", "year", "publication", "days_late", "on_roster", "score", "provisional", "pending", "total", "source", "sha256"]
    return columns + [c for i in sheet.indicators for c in (i.id, f"{i.id}.provisional")]


def ranking_rows(sheet: Sheet, cards: list[ScoreCard]) -> list[dict]:
    """scores.csv: one row per agency, ranked; per indicator the confirmed and provisional points."""
    rows = []
    for rank, card in zip(ranks(cards), cards):
        unit = card.unit
        row = {
            "rank": rank, "unit": unit.unit, "kind": unit.kind_label, "year": unit.year, "publication": unit.publication,
            "days_late": unit.days_late, "on_roster": unit.on_roster, "score": card.confirmed, "provisional": card.provisional, "pending": card.pending,
            "total": sheet.total, "source": unit.source, "sha256": unit.sha256,
        }
        for line in card.lines:
            row[line.indicator.id] = line.confirmed
            row[f"{line.indicator.id}.provisional"] = line.provisional
        rows.append(row)
    return rows


def details_rows(cards: list[ScoreCard]) -> list[dict]:
    """scorecards.csv: one row per agency × indicator that lost points (or was not scored) × what
    cost them; an indicator that kept all its points has no row (scores.csv has every indicator)."""
    rows = []
    for card in cards:
        for line in card.lines:
            if not line.costs and not line.note:
                continue
            base = {
                "unit": card.unit.unit, "year": card.unit.year, "indicator": line.indicator.id, "name": line.indicator.name,
                "points": line.indicator.points, "score": line.confirmed, "provisional": line.provisional, "note": line.note,
            }
            if not line.costs:
                rows.append(base | {"cost": "", "verdict": "", "rule": "", "fingerprint": ""})
            for cost in line.costs:
                rows.append(base | {"cost": cost.text, "verdict": cost.verdict, "rule": cost.rule, "fingerprint": cost.fingerprint})
    return rows


def ranking_frame(sheet: Sheet, cards: list[ScoreCard]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(ranking_rows(sheet, cards), columns=ranking_columns(sheet))


def details_frame(cards: list[ScoreCard]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(details_rows(cards), columns=DETAIL_COLUMNS)


def fmt(value: float) -> str:
    return f"{value:g}"
