"""Publication dates (a crawler's record, the printed date), deadlines by kind of body, rosters."""

from __future__ import annotations

from datetime import date

import pytest

from xxgk_audit.errors import InputError
from xxgk_audit.publication import PRINTED, SIDECAR, Publication, deadline, effective, parse_date, read_dates, roster_kind
from xxgk_audit.roster import ReportFacts, read_roster, roster_rows


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-25", date(2024, 1, 25)),
        ("2024/1/5", date(2024, 1, 5)),
        ("2024.01.05 08:30", date(2024, 1, 5)),
        ("2024年1月25日", date(2024, 1, 25)),
        ("２０２４年１月２５日", date(2024, 1, 25)),
        ("20240125", date(2024, 1, 25)),
        ("2024-01-25T10:00:00+08:00", date(2024, 1, 25)),
        ("2024-02-30", None),
        ("昨天", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_people_and_crawlers_write_them(text, expected):
    assert parse_date(text) == expected


def test_deadlines_by_kind_and_an_explicit_one():
    assert deadline("department", 2023) == date(2024, 1, 31)
    assert deadline("government", 2023) == date(2024, 3, 31)
    assert deadline("township", 2023) is None and deadline("unknown", 2023) is None
    assert deadline("township", 2023, "2024-02-20") == date(2024, 2, 20)


@pytest.mark.parametrize("text, kind", [("政府部门", "department"), ("部门", "department"), ("本级政府", "government"), ("乡镇街道", "township"), ("街道", "township"), ("其他", "unknown"), (" 本级 政府 ", "government"), ("大学", None)])
def test_roster_kinds(text, kind):
    assert roster_kind(text) == kind


def test_the_sidecar_date_wins_over_the_printed_one():
    used = effective("2024-01-20", Publication("2024-02-03", SIDECAR, "http://x/r0"))
    assert (used.date, used.source, used.printed, used.url) == ("2024-02-03", SIDECAR, "2024-01-20", "http://x/r0")
    assert "采集记录" in used.describe() and "报告所载 2024-01-20" in used.describe()
    assert effective("2024-01-20").source == PRINTED and effective(None).date is None
    kind_only = effective("2024-01-20", Publication(kind="government"))
    assert (kind_only.date, kind_only.source, kind_only.kind) == ("2024-01-20", PRINTED, "government")


def test_a_crawler_record_matches_files_by_path_then_by_a_unique_name(tmp_path):
    folder = tmp_path / "crawl"
    (folder / "a").mkdir(parents=True)
    files = [folder / "a" / "r1.html", folder / "r2.pdf", folder / "b" / "r3.txt", folder / "c" / "index.html", folder / "d" / "index.html"]
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    record = tmp_path / "dates.csv"
    record.write_bytes(
        "文件,网址,首次发现日期\n"
        "crawl/a/r1.html,http://x/1,2024-01-25\n"
        "crawl/a/r1.html,http://y/1,2024-01-20\n"  # seen twice: the earliest counts
        f"{files[1]},http://x/2,2024年2月1日\n"  # absolute
        "elsewhere/r3.txt,http://x/3,2024/01/30\n"  # another folder, unique name
        "elsewhere/index.html,http://x/4,2024-01-10\n"  # a name two files of the batch have: not used
        "gone.pdf,http://x/5,2024-01-01\n".encode("gb18030")  # GBK, as Excel saves it
    )
    sidecar = read_dates(record)
    found, unmatched = sidecar.assign([str(f) for f in files])
    assert found[str(files[0])] == Publication("2024-01-20", SIDECAR, "http://y/1")
    assert found[str(files[1])].date == "2024-02-01"
    assert found[str(files[2])].date == "2024-01-30"
    assert str(files[3]) not in found and str(files[4]) not in found
    assert unmatched == 2  # index.html and gone.pdf


def test_a_crawler_record_that_cannot_be_used_is_one_line(tmp_path):
    bad = tmp_path / "dates.csv"
    bad.write_text("file,url,first_seen\nr1.html,http://x,next week\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行的首次发现日期“next week”无法识别"):
        read_dates(bad)
    bad.write_text("name,when\nr1.html,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="缺少“file”列"):
        read_dates(bad)
    bad.write_bytes(b"")
    with pytest.raises(InputError, match="为空"):
        read_dates(bad)


def _roster(tmp_path, text: str, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_roster(path)


def test_roster_from_csv_and_xlsx(tmp_path):
    from openpyxl import Workbook

    roster = _roster(tmp_path, "某某县政府信息公开年报名单\n单位,类型,网址,期限\n睢县教育局,政府部门,http://jy,\n睢县人民政府,本级政府,,\n城关镇人民政府,乡镇街道,,2024年2月20日\n睢县档案馆,,,\n")
    assert [(e.name, e.kind, e.deadline) for e in roster.entries] == [
        ("睢县教育局", "department", None), ("睢县人民政府", "government", None), ("城关镇人民政府", "township", "2024-02-20"), ("睢县档案馆", None, None),
    ]
    assert roster.entries[0].row == 3 and roster.entries[0].url == "http://jy"
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "类型"])
    sheet.append(["睢县教育局", "部门"])
    sheet.append(["睢县人民政府", "本级政府"])
    book.save(tmp_path / "roster.xlsx")
    roster = read_roster(tmp_path / "roster.xlsx")
    assert [(e.name, e.kind) for e in roster.entries] == [("睢县教育局", "department"), ("睢县人民政府", "government")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("名称说明\n睢县教育局\n", "缺少“单位”列"),
        ("单位,类型\n睢县教育局,大学\n", "第 2 行的类型“大学”无法识别"),
        ("单位,类型\n睢县人民政府,本级政府\n商丘市睢县人民政府,本级政府\n", "第 3 行“商丘市睢县人民政府”与第 2 行“睢县人民政府”是同一单位"),
        ("单位,期限\n城关镇,下个月\n", "第 2 行的期限“下个月”不是日期"),
        ("单位,类型\n,政府部门\n", "第 2 行没有单位名称"),
        ("单位,类型\n", "名单中没有任何单位"),
    ],
)
def test_a_roster_that_cannot_be_used_is_one_line(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as raised:
        _roster(tmp_path, text)
    assert "\n" not in raised.value.reason


def test_roster_statuses(tmp_path):
    roster = _roster(tmp_path, "单位,类型,期限\n睢县教育局,政府部门,\n睢县财政局,政府部门,\n淮安市洪泽区人民政府,本级政府,\n睢县商务局,政府部门,\n城关镇人民政府,乡镇街道,2024-02-20\n")

    def facts(n, agency, published, source=None, kind="department"):
        return ReportFacts(n, source or f"r{n}.html", agency, 2023, f"sha{n}", kind, None, published, "printed" if published else None)

    rows = roster_rows(roster, [
        facts(1, "睢县教育局", "2024-02-10"),  # late
        facts(2, "睢县财政局", None),  # undated
        facts(3, "洪泽区人民政府", "2024-03-20", kind="government"),  # the roster's name has the city prefix: same agency, on time
        facts(4, "城关镇人民政府", "2024-02-21", kind="township"),  # the roster's own deadline
        facts(5, "林州市审计局", "2024-01-10"),  # not on the roster
        facts(6, "睢县教育局", "2024-03-01", source="r1-corrected.html"),  # a later version: the first date counts
        ReportFacts(7, "r7.html", "睢县商务局", 2022, "sha7", "department", None, "2023-01-10", "printed"),  # another year
    ], 2023)
    by_unit = {r.unit: r for r in rows}
    assert by_unit["睢县教育局"].status == "late" and by_unit["睢县教育局"].days_late == 10 and by_unit["睢县教育局"].sources == ["r1.html", "r1-corrected.html"]
    assert by_unit["睢县财政局"].status == "undated"
    assert by_unit["淮安市洪泽区人民政府"].status == "published" and by_unit["淮安市洪泽区人民政府"].deadline == "2024-03-31"
    assert by_unit["城关镇人民政府"].status == "late" and by_unit["城关镇人民政府"].days_late == 1
    assert by_unit["睢县商务局"].status == "missing" and by_unit["睢县商务局"].sources == []
    assert by_unit["林州市审计局"].status == "extra" and by_unit["林州市审计局"].publication == "published"
    assert [r.status for r in rows] == ["missing", "late", "late", "undated", "published", "extra"]
