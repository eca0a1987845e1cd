import pytest

from xxgk_audit.document import Block, Document
from xxgk_audit.parse.metadata import read_metadata


def meta(*lines, **document_meta):
    blocks = [Block("text", line, line=n + 1) for n, line in enumerate(lines)]
    return read_metadata(Document("x", "", "txt", "utf-8", blocks, meta=document_meta), blocks)


@pytest.mark.parametrize(
    "lines, agency, year",
    [
        (["睢县工业和信息化和科技局 2023 年政府信息公开工作年度报告"], "睢县工业和信息化和科技局", 2023),
        (["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
        (["平潭综合实验区2021年度政府信息公开工作年度报告"], "平潭综合实验区", 2021),
        (["洪泽区人民政府", "2023 年政府信息公开工作年度报告"], "洪泽区人民政府", 2023),
        (["2024 年上海市科委政府信息公开工作", "年度报告"], "上海市科委", 2024),
        (["臨沭縣農業農村局2022年政府資訊公開工作年度報告"], "临沭县农业农村局", 2022),
        (["石门县体育局二〇二一年政府信息公开工作年度报告"], "石门县体育局", 2021),  # the year in Chinese numerals
        (["石门县体育局关于2021年政府信息公开工作年度报告"], "石门县体育局", 2021),
        (["关于印发《石门县体育局2021年政府信息公开工作年度报告》的通知"], "石门县体育局", 2021),
        (["石门县体育局政府信息公开工作2021年度报告"], "石门县体育局", 2021),  # the year last
        (["石门县体育局政府信息公开工作年度报告（2021年度）"], "石门县体育局", 2021),  # the year in brackets after
        (["石门县体育局政府信息公开工作年度报告(2021年)"], "石门县体育局", 2021),
        (["石门县体育局关于2021年度政府信息公开工作的报告"], "石门县体育局", 2021),  # a report "on" the work
        (["石门县体育局关于2021年政府信息公开工作情况的报告"], "石门县体育局", 2021),
        (["石门县体育局2021年政府信息公开年报"], "石门县体育局", 2021),  # 年报 for 年度报告
    ],
)
def test_title(lines, agency, year):
    result = meta(*lines)
    assert (result.agency, result.year) == (agency, year)


def test_a_title_without_its_year_gives_the_agency_and_the_period_the_year():
    result = meta("石门县体育局政府信息公开工作年度报告", "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。")
    assert (result.title, result.agency, result.year) == ("石门县体育局政府信息公开工作年度报告", "石门县体育局", 2021)
    undated = meta("一、总体情况", "本机关政府信息公开工作年度报告", "现将有关情况报告如下：政府信息公开工作年度报告")
    assert (undated.title, undated.agency, undated.year) == (None, None, None)  # no agency's name, no whole title line


def test_a_year_in_chinese_numerals_stays_in_the_title_as_printed():
    assert meta("石门县体育局二〇二一年政府信息公开工作年度报告").title == "石门县体育局二〇二一年政府信息公开工作年度报告"


def test_a_link_to_another_years_report_above_the_title_is_not_the_title():
    """A page whose own title is generic, with links to earlier reports above the report (相关报告):
    the title is the one of the year the statistics period names."""
    result = meta(
        "相关报告",
        "石门县体育局2020年政府信息公开工作年度报告",
        "石门县体育局2019年政府信息公开工作年度报告",
        "名称：2021年石门县体育局政府信息公开工作年度报告",
        "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
    )
    assert (result.agency, result.year, result.title) == ("石门县体育局", 2021, "2021年石门县体育局政府信息公开工作年度报告")


def test_a_title_that_disagrees_with_the_period_is_kept_when_it_is_the_only_one():
    result = meta("石门县体育局2020年政府信息公开工作年度报告", "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。")
    assert (result.year, result.period_year) == (2020, 2021)  # YEAR-MISMATCH tells the auditor


def test_site_suffix_and_meta_title():
    result = meta("首页", html_title="沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局")
    assert result.agency == "沭阳县发展和改革局"


@pytest.mark.parametrize(
    "sentence, year",
    [
        ("本报告所列数据的统计期限为2023年1月1日至12月31日。", 2023),
        ("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。", 2023),
        ("本年度报告中所列数据的统计周期为 2024 年 1 月 1 日至 12 月 31 日。", 2024),
        ("本年度报告中所列数据统计期限从2019年1月1日到12月31日止。", 2019),
    ],
)
def test_statistics_period(sentence, year):
    assert meta("某局2023年政府信息公开工作年度报告", sentence).period_year == year


def test_publication_date():
    assert meta("某局2023年政府信息公开工作年度报告", "发布日期：2024-01-31").published == "2024-01-31"
    assert meta("x", published="2024-03-08 15:34").published == "2024-03-08"
    assert meta("某局2023年政府信息公开工作年度报告").published is None
