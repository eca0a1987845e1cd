"""The 通报 of a reviewed batch (``xxgk-audit notice BATCH_DIR``, ``notebooks/notice.ipynb``).

What a 政务公开办 sends to the agencies it supervises: per agency only the problems an auditor
**confirmed** (确认问题) — never an automatic finding nobody looked at, never one marked 不是问题 —,
the number of confirmed problems per rule, and the agencies ranked by confirmed errors. Findings
still 待定 are counted in a note, not listed. The data is the batch's findings.csv and reports.csv
with the verdicts of the review store (:mod:`xxgk_audit.batch_findings`); the document is the
notebook exported through the memo exporter: one self-contained HTML file, no script, nothing
fetched from the network.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .agency import agency_key
from .batch_findings import BatchFindings, NotABatch, batch_store_path, load_batch_findings, resolve_batch_dir
from .findings import GROUP_LABELS, SEVERITY_LABELS
from .render import MEMO_META_MIME, badge, esc
from .review import StoreError
from .store import STORE_ENV

if TYPE_CHECKING:
    import pandas as pd

NOTICE_NOTEBOOK = "notice.ipynb"
NOTICE_TITLE = "政府信息公开工作年度报告审核情况通报"
_NUMERALS = "一二三四五六七八九十"


@dataclass
class NoticeData:
    """What the 通报 lists (DataFrames with the batch's column names)."""

    batch: BatchFindings
    confirmed: "pd.DataFrame"  # confirmed findings, with the agency ``unit`` (display name) and ``unit_key``
    ranking: "pd.DataFrame"  # one row per agency of the batch
    rules: "pd.DataFrame"  # confirmed findings per rule
    publication: "pd.DataFrame | None" = None  # publication.csv: the roster's statuses (batch --roster)
    sheet: object = None  # the scoring sheet (batch --sheet), with ``cards`` recomputed with the current verdicts
    cards: list | None = None

    @property
    def folder(self) -> Path:
        return self.batch.folder

    @property
    def pending(self) -> int:
        frame = self.batch.frame
        return int(((frame["verdict"] == "pending") & frame["severity"].isin(["error", "warning"])).sum())

    @property
    def reviewers(self) -> list[str]:
        names = self.confirmed["reviewer"].tolist()
        return list(dict.fromkeys(n for n in names if n))


def _units(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``unit_key`` (the normalised agency; the file for an unidentified one) and ``unit`` (the name
    printed in its latest report) of each row."""
    frame = frame.copy()
    frame["unit_key"] = [agency_key(a) if a else f"file:{s}" for a, s in zip(frame["agency"], frame["source"])]
    years = [int(float(y)) if y not in ("", None) else 0 for y in frame["year"]]
    latest: dict[str, tuple[int, str]] = {}
    for key, year, agency, source in zip(frame["unit_key"], years, frame["agency"], frame["source"]):
        name = agency or f"（未识别单位：{Path(source).name}）"
        if key not in latest or year >= latest[key][0]:
            latest[key] = (year, name)
    frame["unit"] = [latest[k][1] for k in frame["unit_key"]]
    return frame


def load_notice(report_dir, store=None) -> NoticeData:
    """The 通报's data of a batch output folder; the review store is only read."""
    import pandas as pd

    batch = load_batch_findings(report_dir, store, readonly=True)
    frame = _units(batch.frame)
    confirmed = frame[frame["verdict"] == "confirmed"]
    reports = batch.reports[batch.reports["status"] != "unreadable"]
    units = _units(reports.reindex(columns=["source", "agency", "year"], fill_value=""))
    per_unit = units.groupby("unit_key", sort=False).agg(unit=("unit", "first"), reports=("source", "size"))
    severities = confirmed.groupby(["unit_key", "severity"]).size().unstack(fill_value=0).reindex(columns=["error", "warning", "info"], fill_value=0)
    open_ = frame[(frame["verdict"] == "pending") & frame["severity"].isin(["error", "warning"])].groupby("unit_key").size()
    ranking = per_unit.join(severities, how="left").fillna(0)
    ranking = ranking.rename(columns={"error": "errors", "warning": "warnings", "info": "infos"})
    for column in ("errors", "warnings", "infos"):
        ranking[column] = ranking[column].astype(int)
    ranking["confirmed"] = ranking["errors"] + ranking["warnings"] + ranking["infos"]
    ranking["pending"] = open_.reindex(ranking.index, fill_value=0).astype(int)
    ranking = ranking.reset_index()[["unit_key", "unit", "reports", "errors", "warnings", "infos", "confirmed", "pending"]]
    ranking = ranking.sort_values(["errors", "confirmed", "unit"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    ranks, previous = [], None
    for position, pair in enumerate(zip(ranking["errors"], ranking["confirmed"]), 1):
        ranks.append(ranks[-1] if pair == previous else position)
        previous = pair
    ranking.insert(0, "rank", ranks)
    rules = (
        confirmed.groupby(["rule", "severity"], sort=False).agg(findings=("fingerprint", "size"), units=("unit_key", "nunique"), reports=("source", "nunique")).reset_index()
        if len(confirmed) else pd.DataFrame(columns=["rule", "severity", "findings", "units", "reports"])
    )
    order = _rule_order()
    rules = rules.assign(_o=rules["rule"].map(lambda r: order.get(r, len(order)))).sort_values(["_o", "severity"]).drop(columns="_o").reset_index(drop=True)
    publication = None
    if (batch.folder / "publication.csv").is_file():
        publication = pd.read_csv(batch.folder / "publication.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    from .batch.yearly import rescore

    scored = rescore(batch.folder, batch.frame)
    sheet, cards = scored if scored is not None else (None, None)
    return NoticeData(batch, confirmed, ranking, rules, publication, sheet, cards)


def _rule_order() -> dict[str, int]:
    from .rules import REGISTRY

    return {rule: n for n, rule in enumerate(REGISTRY)}


def _group_of(rule: str) -> str:
    from .rules import REGISTRY

    return GROUP_LABELS.get(REGISTRY[rule].group, "") if rule in REGISTRY else ""


def _table(head: list[str], rows: list[list[str]], css: str = "") -> str:
    thead = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="xxgk-table {css}"><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>'


def _num(n) -> str:
    return f'<td class="xxgk-num">{esc(n)}</td>'


# -- the sections --------------------------------------------------------------------------------------

def summary_html(data: NoticeData) -> str:
    frame = data.batch.frame
    reports = data.batch.reports
    audited = int((reports["status"] != "unreadable").sum())
    counts = data.confirmed["severity"].value_counts()
    units_with = int((data.ranking["confirmed"] > 0).sum())
    text = (
        f"本次共审核 {audited} 份政府信息公开工作年度报告（{len(data.ranking)} 个单位）。自动审核发现问题 {len(frame)} 项，"
        f"经人工逐项审核，确认问题 {len(data.confirmed)} 项（错误 {int(counts.get('error', 0))} 项、警告 {int(counts.get('warning', 0))} 项、提示 {int(counts.get('info', 0))} 项），"
        f"涉及 {units_with} 个单位。以下只列出经审核确认的问题；经审核不是问题的 {int((frame['verdict'] == 'dismissed').sum())} 项未列入。"
    )
    parts = [f"<p>{esc(text)}</p>"]
    if data.pending:
        parts.append(f'<p class="xxgk-conclusion xxgk-review-pending">尚有 {data.pending} 项错误或警告待审核，未列入本通报。</p>')
    unreadable = int((reports["status"] == "unreadable").sum())
    if unreadable:
        parts.append(f'<p class="xxgk-note">另有 {unreadable} 个文件无法读取，见批量审核总览。</p>')
    return '<section class="xxgk-section" id="xxgk-notice-summary">' + "".join(parts) + "</section>"


def ranking_html(data: NoticeData) -> str:
    if data.ranking.empty:
        return '<p class="xxgk-note">本批没有可排名的单位。</p>'
    rows = [
        [_num(r.rank), esc(r.unit), _num(r.errors), _num(r.warnings), _num(r.infos), _num(r.confirmed), _num(r.reports)]
        for r in data.ranking.itertuples()
    ]
    note = '<p class="xxgk-note">按经审核确认的错误数排名，其次按确认问题总数；“待审核”的问题不计入。</p>'
    return note + _table(["排名", "单位", "确认错误", "确认警告", "确认提示", "确认问题合计", "报告数"], rows, "xxgk-notice-ranking")


def rules_html(data: NoticeData) -> str:
    if data.rules.empty:
        return "<p>没有经审核确认的问题。</p>"
    rows = [
        [f'<span class="xxgk-rule">{esc(r.rule)}</span>', esc(_group_of(r.rule)), badge(SEVERITY_LABELS.get(r.severity, r.severity), "xxgk-sev-" + r.severity), _num(r.findings), _num(r.units), _num(r.reports)]
        for r in data.rules.itertuples()
    ]
    return _table(["规则", "类别", "级别", "确认问题数", "涉及单位数", "涉及报告数"], rows, "xxgk-notice-rules")


def agencies_html(data: NoticeData) -> str:
    """Per agency (ranking order) its confirmed problems."""
    if data.confirmed.empty:
        return "<p>没有经审核确认的问题。</p>"
    order = _rule_order()
    parts = []
    listed = data.ranking[data.ranking["confirmed"] > 0]
    by_unit = dict(tuple(data.confirmed.groupby("unit_key", sort=False)))
    for n, unit in enumerate(listed.itertuples(), 1):
        mine = by_unit[unit.unit_key]
        mine = mine.assign(_s=mine["severity"].map({"error": 0, "warning": 1, "info": 2}), _o=mine["rule"].map(lambda r: order.get(r, len(order))))
        mine = mine.sort_values(["year", "_s", "_o"], kind="stable")
        numeral = _NUMERALS[n - 1] if n <= len(_NUMERALS) else str(n)
        parts.append(f'<h3 class="xxgk-notice-unit">（{esc(numeral)}）{esc(unit.unit)}：确认问题 {unit.confirmed} 项（错误 {unit.errors}、警告 {unit.warnings}、提示 {unit.infos}）</h3>')
        rows = [
            [_num(i), esc(r.year), esc(Path(r.source).name), f'<span class="xxgk-rule">{esc(r.rule)}</span>', badge(SEVERITY_LABELS.get(r.severity, r.severity), "xxgk-sev-" + r.severity), esc(r.message), f'<span class="xxgk-comment">{esc(r.comment)}</span>']
            for i, r in enumerate(mine.itertuples(), 1)
        ]
        parts.append(_table(["序号", "年度", "报告文件", "规则", "级别", "问题", "审核说明"], rows, "xxgk-notice-findings"))
    return "".join(parts)


PUBLICATION_NOTES = {
    "missing": "未发布：本批中没有找到该单位本年度的年度报告",
    "late": "逾期：发布日期晚于法定期限（部门1月31日、本级政府3月31日，条例第四十九条）或名单给出的期限",
    "undated": "日期不明：找到了报告，但采集记录和报告本身都没有发布日期",
}


def publication_html(data: NoticeData) -> str:
    """The roster's agencies that have not published, published late, or without a date."""
    frame = data.publication
    if frame is None:
        return ""
    counts = frame["status"].value_counts()
    parts = ["<p>" + esc("；".join(f"{label} {int(counts.get(status, 0))} 个" for status, label in (("published", "已发布"), ("late", "逾期"), ("undated", "日期不明"), ("missing", "未发布"), ("extra", "不在名单")))) + "。</p>"]
    for status in ("missing", "late", "undated"):
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        parts.append(f"<h3>{esc(PUBLICATION_NOTES[status])}（{len(rows)} 个）</h3>")
        body = [
            [_num(i), esc(r.unit), esc(r.kind_label), esc(r.deadline), esc(r.published), esc(r.date_source_label), _num(r.days_late) if r.days_late else "<td></td>", esc(r.report_url or r.roster_url)]
            for i, r in enumerate(rows.itertuples(), 1)
        ]
        parts.append(_table(["序号", "单位", "类型", "期限", "发布日期", "日期来源", "逾期天数", "网址"], body, "xxgk-notice-publication"))
    return '<section class="xxgk-section" id="xxgk-notice-publication"><h2>年度报告发布情况</h2>' + "".join(parts) + "</section>"


def scores_html(data: NoticeData, limit: int = 300) -> str:
    """The ranking by the scoring sheet: confirmed score, provisional score beside it."""
    if data.cards is None:
        return ""
    from .scoring import fmt, ranks

    sheet = data.sheet
    example = '<p class="xxgk-note xxgk-example-sheet">本次评分使用的是示例考评细则，仅供参考。</p>' if sheet.example else ""
    note = (
        f'<p class="xxgk-note">按《{esc(sheet.name)}》评分，满分 {esc(fmt(sheet.total))} 分。“确认得分”只扣经审核确认的问题；'
        "“暂计得分”另扣尚待审核的问题，仅供参考，审核后可能变化；经审核“不是问题”的不扣分。发布情况和表格数字按事实计分。</p>"
    )
    head = ["排名", "单位", "确认得分", "暂计得分", "待审核问题"] + [f"{i.name}（{fmt(i.points)}）" for i in sheet.indicators]
    rows = []
    for rank, card in list(zip(ranks(data.cards), data.cards))[:limit]:
        cells = [_num(rank), esc(card.unit.unit) + ("" if card.unit.on_roster else ' <span class="xxgk-note">（不在名单）</span>'), _num(fmt(card.confirmed)), _num(fmt(card.provisional)), _num(card.pending)]
        for line in card.lines:
            text = fmt(line.confirmed) + (f"（暂计 {fmt(line.provisional)}）" if line.provisional != line.confirmed else "")
            cells.append(_num(text))
        rows.append(cells)
    more = f'<p class="xxgk-note">共 {len(data.cards)} 个单位，只列出前 {limit} 名。</p>' if len(data.cards) > limit else ""
    return '<section class="xxgk-section" id="xxgk-notice-scores"><h2>考评得分排名</h2>' + example + note + _table(head, rows, "xxgk-notice-scores") + more + "</section>"


def scorecards_html(data: NoticeData, limit: int = 200) -> str:
    """Per agency that lost points: each indicator, its points, and what cost them."""
    if data.cards is None:
        return ""
    from .scoring import VERDICT_LABELS, fmt

    parts = []
    lost = [c for c in data.cards if c.provisional < data.sheet.total]
    for card in lost[:limit]:
        parts.append(f'<h3 class="xxgk-notice-unit">{esc(card.unit.unit)}：确认得分 {esc(fmt(card.confirmed))}，暂计得分 {esc(fmt(card.provisional))}</h3>')
        rows = []
        for line in card.lines:
            if line.provisional == line.indicator.points and line.confirmed == line.indicator.points and not line.note:
                continue
            costs = "".join(
                f'<div>{badge(VERDICT_LABELS.get(c.verdict, c.verdict), "xxgk-v-" + ("confirmed" if c.verdict == "confirmed" else "pending" if c.verdict == "pending" else "dismissed"))} '
                + (f'<span class="xxgk-rule">{esc(c.rule)}</span> ' if c.rule else "") + f"{esc(c.text)}</div>"
                for c in line.costs
            ) or esc(line.note)
            rows.append([esc(line.indicator.name), _num(fmt(line.indicator.points)), _num(fmt(line.confirmed)), _num(fmt(line.provisional)), costs])
        parts.append(_table(["指标", "分值", "确认得分", "暂计得分", "扣分原因（问题及其审核意见）"], rows, "xxgk-notice-scorecard"))
    if not parts:
        parts.append("<p>各单位均未扣分。</p>")
    more = f'<p class="xxgk-note">另有 {len(lost) - limit} 个单位扣分，见 scorecards.csv。</p>' if len(lost) > limit else ""
    return '<section class="xxgk-section" id="xxgk-notice-scorecards"><h2>各单位得分明细</h2>' + "".join(parts) + more + "</section>"


def memo_meta(data: NoticeData) -> dict:
    reports = data.batch.reports
    facts = [
        ["批量审核结果", str(data.folder)],
        ["报告", f"{int((reports['status'] != 'unreadable').sum())} 份（{len(data.ranking)} 个单位）"],
        ["确认问题", f"{len(data.confirmed)} 项"],
        ["待审核", f"{data.pending} 项"],
        ["生成日期", _dt.date.today().isoformat()],
    ]
    return {"title": NOTICE_TITLE, "subtitle": data.folder.name, "facts": facts, "auditor": "、".join(data.reviewers), "reviewers": data.reviewers}


def show_notice(report_dir="reports", store=None) -> NoticeData:
    """Everything of the 通报 as notebook outputs (what notice.ipynb shows, section by section there)."""
    from IPython.display import HTML, display

    data = load_notice(report_dir, store)
    show_meta(data)
    for title, fragment in (("", summary_html(data)), ("一、各单位排名", ranking_html(data)), ("二、各规则确认的问题", rules_html(data)), ("三、各单位经审核确认的问题", agencies_html(data))):
        display(HTML((f'<section class="xxgk-section"><h2>{esc(title)}</h2>' if title else "<section>") + fragment + "</section>"))
    show_year(data)
    return data


def show_year(data: NoticeData) -> None:
    """发布情况 (with a roster), 考评得分排名 and 各单位得分明细 (with a sheet), where the batch has them."""
    from IPython.display import HTML, display

    for fragment in (publication_html(data), scores_html(data), scorecards_html(data)):
        if fragment:
            display(HTML(fragment))


def show_meta(data: NoticeData) -> None:
    """The title and signature values for the exporter, and a line for live notebooks."""
    from IPython.display import display

    meta = memo_meta(data)
    display({MEMO_META_MIME: meta, "text/markdown": f"**{meta['title']}** — " + "；".join(f"{k}：{v}" for k, v in meta["facts"])}, raw=True)


# -- the command -------------------------------------------------------------------------------------

def export_notice(report_dir, out: str | os.PathLike | None = None, store: str | os.PathLike | None = None) -> Path:
    """Run ``notebooks/notice.ipynb`` on a batch output folder and write the 通报 (default
    ``BATCH_DIR/notice.html``). Raises NotABatch / StoreError before any kernel starts."""
    from .memo import KernelSession, export_notebook, find_notebook

    folder = resolve_batch_dir(report_dir)
    store_file = batch_store_path(folder, store)
    load_notice(folder, store_file)  # a clear error here rather than a failed notebook
    notebook = find_notebook(NOTICE_NOTEBOOK)
    target = Path(out) if out else folder / "notice.html"
    with KernelSession(cwd=folder, warmup="import xxgk_audit.notice") as session:
        return export_notebook(notebook, {"report_dir": str(folder)}, target, session=session, title=NOTICE_TITLE, env={STORE_ENV: str(store_file.resolve())})


def cmd_notice(args) -> int:
    from .exitcodes import EXIT_OK, EXIT_UNREADABLE

    try:
        path = export_notice(args.batch_dir, args.out, args.store)
    except (NotABatch, StoreError) as exc:
        print(f"{exc.path}: {exc.reason}", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as exc:  # noqa: BLE001 - one line, exit 2
        if args.debug:
            import traceback

            traceback.print_exc()
        lines = str(exc).strip().splitlines()
        print(f"{args.batch_dir}: 未能生成通报（{type(exc).__name__}: {lines[-1] if lines else ''}）", file=sys.stderr)
        return EXIT_UNREADABLE
    print(path)
    return EXIT_OK


__all__ = ["NoticeData", "load_notice", "show_notice", "export_notice", "cmd_notice", "summary_html", "ranking_html", "rules_html", "agencies_html", "publication_html", "scores_html", "scorecards_html", "show_year"]
