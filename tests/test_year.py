"""A supervising office's year: a roster, a crawler's dates and an indicator sheet given to batch, with
generated reports. Who is missing, late (both deadline kinds), undated or not on the roster; the
crawler's date wins and is shown; DEADLINE agrees; scores confirmed and provisional; the 通报."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from synth import inject_error, make_report, write
from xxgk_audit.batch import apply_verdicts, run_batch
from xxgk_audit.batch_findings import load_batch_findings
from xxgk_audit.review import ReviewStore

YEAR = 2023
# agency, printed publication date, format (txt prints no 发布日期: undated), roster 类型 (None: not on the roster)
REPORTS = {
    "on_time": ("睢县农业农村局", "2024-01-20", "html", "政府部门"),
    "late_department": ("睢县教育局", "2024-02-10", "html", "政府部门"),
    "government_in_time": ("睢县人民政府", "2024-03-20", "html", "本级政府"),  # after 1月31日, before 3月31日
    "late_government": ("鄢陵县人民政府", "2024-04-05", "html", "本级政府"),
    "undated": ("睢县财政局", "2024-01-15", "txt", "政府部门"),
    "sidecar_late": ("睢县水利局", "2024-01-20", "html", "政府部门"),  # printed in time, first seen online late
    "sidecar_dates_undated": ("睢县统计局", "2024-01-20", "txt", "政府部门"),  # no printed date; the crawler's is in time
    "roster_kind": ("睢县政务服务中心", "2024-03-01", "html", "本级政府"),  # named like a department: the roster's 类型 decides
    "extra": ("林州市审计局", "2024-01-18", "html", None),
}
MISSING = ("睢县商务局", "政府部门")
SIDECAR = {"sidecar_late": "2024-02-05", "sidecar_dates_undated": "2024-01-25", "on_time": "2024-01-21"}


def cli(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XXGK_AUDIT_STORE=str(store))
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    work = tmp_path_factory.mktemp("year")
    folder = work / "in"
    files = {}
    for n, (name, (agency, published, fmt, _)) in enumerate(REPORTS.items()):
        report = make_report("2021", n, agency=agency, year=YEAR, published=published, variety=False, profile="small")
        if name == "late_department":
            report, _ = inject_error(report, random.Random(7))
        files[name] = write(report, fmt, folder, name=name)
    roster = work / "roster.csv"
    lines = ["单位,类型,网址"] + [f"{agency},{kind},http://{name}.example" for name, (agency, _, _, kind) in REPORTS.items() if kind] + [f"{MISSING[0]},{MISSING[1]},"]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dates = work / "dates.csv"
    dates.write_text("file,url,first_seen\n" + "".join(f"in/{files[name].name},http://crawl/{name},{day} 09:00\n" for name, day in SIDECAR.items()), encoding="utf-8")
    store = work / "reviews.sqlite"
    out = work / "out"
    done = cli("batch", str(folder), "--out-dir", str(out), "--roster", str(roster), "--dates", str(dates), "--sheet", "example-annual-report", store=store)
    return work, out, files, done, store


def test_outputs_and_summary(year):
    work, out, _, done, _ = year
    assert done.returncode == 1, done.stderr  # the injected error
    assert "Traceback" not in done.stderr
    for name in ("publication.csv", "scores.csv", "scorecards.csv", "sheet.yaml", "cells.parquet", "cells.csv", "overview.html"):
        assert (out / name).is_file(), name
        assert name == "overview.html" or str(out / name) in done.stdout
    assert "2023 年度名单：未发布 1；逾期 3；日期不明 1；已发布 4；不在名单 1" in done.stderr
    meta = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert meta["year"] == YEAR and meta["roster"]["missing"] == 1 and meta["scored"] == 10 and meta["cells"] > 1000
    from openpyxl import load_workbook

    assert {"发布情况", "评分排名"} <= set(load_workbook(out / "findings.xlsx", read_only=True).sheetnames)


def test_each_agency_lands_in_its_row(year):
    _, out, files, _, _ = year
    rows = {r["unit"]: r for r in read_csv(out / "publication.csv")}
    status = {name: rows[agency]["status"] for name, (agency, *_) in REPORTS.items()}
    assert status == {
        "on_time": "published", "late_department": "late", "government_in_time": "published", "late_government": "late",
        "undated": "undated", "sidecar_late": "late", "sidecar_dates_undated": "published", "roster_kind": "published", "extra": "extra",
    }
    assert rows[MISSING[0]]["status"] == "missing" and rows[MISSING[0]]["sources"] == "" and rows[MISSING[0]]["status_label"] == "未发布"
    assert rows["睢县教育局"]["days_late"] == "10" and rows["睢县教育局"]["deadline"] == "2024-01-31"
    assert rows["鄢陵县人民政府"]["days_late"] == "5" and rows["鄢陵县人民政府"]["deadline"] == "2024-03-31"
    assert rows["睢县政务服务中心"]["kind"] == "government" and rows["睢县政务服务中心"]["deadline"] == "2024-03-31"
    assert rows["林州市审计局"]["roster_row"] == "" and rows["林州市审计局"]["publication"] == "published"
    assert rows["睢县农业农村局"]["roster_url"] == "http://on_time.example"


def test_the_crawler_date_wins_and_is_shown_as_such(year):
    _, out, files, _, _ = year
    rows = {r["unit"]: r for r in read_csv(out / "publication.csv")}
    late = rows["睢县水利局"]
    assert (late["published"], late["date_source"], late["date_source_label"], late["report_url"]) == ("2024-02-05", "sidecar", "采集记录的首次发现日期", "http://crawl/sidecar_late")
    assert late["days_late"] == "5"
    assert rows["睢县统计局"]["published"] == "2024-01-25" and rows["睢县统计局"]["date_source"] == "sidecar"
    assert rows["睢县农业农村局"]["published"] == "2024-01-21" and rows["睢县农业农村局"]["date_source"] == "sidecar"
    assert rows["睢县教育局"]["date_source"] == "printed" and rows["睢县教育局"]["date_source_label"] == "报告所载发布日期"
    reports = {Path(r["source"]).stem: r for r in read_csv(out / "reports.csv")}
    assert reports["sidecar_late"]["published"] == "2024-02-05" and reports["sidecar_late"]["date_source"] == "sidecar"
    assert reports["undated"]["publication_status"] == "undated" and reports["undated"]["published"] == ""


def test_deadline_uses_the_same_dates(year):
    _, out, files, _, _ = year
    deadline = {Path(r["source"]).stem: r["message"] for r in read_csv(out / "findings.csv") if r["rule"] == "DEADLINE"}
    assert set(deadline) == {"late_department", "late_government", "sidecar_late"}
    assert "2024-02-05（采集记录的首次发现日期，报告所载日期为2024-01-20）" in deadline["sidecar_late"]
    assert "县级以上人民政府（本级报告）的法定期限2024-03-31" in deadline["late_government"]


def test_scores_are_computed_and_ranked(year):
    _, out, _, _, _ = year
    scores = {r["unit"]: r for r in read_csv(out / "scores.csv")}
    assert len(scores) == 10 and scores[MISSING[0]]["score"] == "0" and scores[MISSING[0]]["publication"] == "missing"
    # late: 按时发布 15 points lost; nothing confirmed yet, so the injected error costs points provisionally only
    edu = scores["睢县教育局"]
    assert edu["on_time"] == "0" and edu["on_time.provisional"] == "0"
    assert float(edu["arithmetic"]) == 20 and float(edu["arithmetic.provisional"]) < 20 and int(edu["pending"]) >= 1
    assert float(edu["score"]) > float(edu["provisional"])
    assert scores["睢县财政局"]["dated"] == "0"  # undated: 发布日期可查 lost
    assert scores["林州市审计局"]["on_roster"] == "False"
    ranks = [int(r["rank"]) for r in read_csv(out / "scores.csv")]
    assert ranks == sorted(ranks) and ranks[-1] == 10
    details = [r for r in read_csv(out / "scorecards.csv") if r["unit"] == "睢县教育局" and r["indicator"] == "arithmetic" and r["cost"]]
    assert details and all(r["verdict"] == "pending" and r["rule"] for r in details)


def test_confirmed_verdicts_move_the_confirmed_score_and_the_notice_shows_it(year, tmp_path):
    import shutil

    _, out, _, _, store = year
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    batch = load_batch_findings(copy, store)
    arithmetic = batch.frame.index[(batch.frame["agency"] == "睢县教育局") & (batch.frame["group"] == "arithmetic")]
    batch.set_verdicts(arithmetic[:1], "confirmed", "核实属实", "周审核")
    apply_verdicts(copy, ReviewStore(store, readonly=True))
    edu = {r["unit"]: r for r in read_csv(copy / "scores.csv")}["睢县教育局"]
    assert float(edu["arithmetic"]) == 15  # one confirmed arithmetic error: 5 points
    from xxgk_audit.notice import load_notice, publication_html, scorecards_html, scores_html

    data = load_notice(copy, store)
    html = scores_html(data) + scorecards_html(data) + publication_html(data)
    assert "考评得分排名" in html and "示例考评细则" in html and "暂计" in html and "睢县教育局" in html
    assert "确认问题" in html and "待审核（暂计）" in html
    assert "未发布" in html and MISSING[0] in html and "逾期" in html and "采集记录的首次发现日期" in html


@pytest.mark.parametrize(
    "option, content, message",
    [
        ("--roster", "单位,类型\n睢县教育局,大学\n", "名单第 2 行的类型“大学”无法识别"),
        ("--dates", "file,first_seen\nx.html,someday\n", "采集记录第 2 行的首次发现日期“someday”无法识别"),
        ("--sheet", "name: x\nindicators:\n  - {id: a, name: b, points: 5, when: {findings: {rules: [NO-SUCH-RULE]}}, deduct: 1}\n", "指标 a：没有规则 NO-SUCH-RULE"),
    ],
)
def test_a_bad_side_file_is_one_line_and_nothing_is_written(tmp_path, option, content, message):
    side = tmp_path / "side.csv"
    side.write_text(content, encoding="utf-8")
    report = write(make_report("2021", 1, variety=False), "txt", tmp_path / "in")
    out = tmp_path / "out"
    done = cli("batch", str(report), "--out-dir", str(out), option, str(side), store=tmp_path / "s.sqlite")
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert not out.exists() or not any(out.iterdir())


def test_the_year_defaults_to_the_newest_and_can_be_chosen(tmp_path):
    folder = tmp_path / "in"
    for n, year in enumerate((2022, 2023)):
        write(make_report("2021", n, agency="睢县教育局", year=year, published=f"{year + 1}-01-10", variety=False), "html", folder, name=f"r{year}")
    roster = tmp_path / "roster.csv"
    roster.write_text("单位,类型\n睢县教育局,政府部门\n", encoding="utf-8")
    newest = run_batch([folder], tmp_path / "a", progress=False, overview=False, roster=roster, store=tmp_path / "s.sqlite")
    chosen = run_batch([folder], tmp_path / "b", progress=False, overview=False, roster=roster, year=2022, store=tmp_path / "s.sqlite")
    assert newest.year.year == 2023 and chosen.year.year == 2022
    assert read_csv(tmp_path / "b" / "publication.csv")[0]["sources"].endswith("r2022.html")


def test_the_notice_command_shows_publication_and_scores(year, tmp_path):
    import shutil

    _, out, _, _, store = year
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    done = cli("notice", str(copy), store=store)
    assert done.returncode == 0, done.stderr
    html = (copy / "notice.html").read_text(encoding="utf-8")
    assert "年度报告发布情况" in html and "考评得分排名" in html and "各单位得分明细" in html and MISSING[0] in html
    assert "<script" not in html.lower()
