import pandas as pd

from helpers import SAMPLE
from xxgk_audit import load_report


def test_tables_in_the_official_layout():
    report = load_report(SAMPLE)
    t3 = report.table_frame("t3")
    assert t3.shape == (25, 7)
    assert t3.columns[0] == ("申请人情况", "自然人", "")
    assert t3.columns[1] == ("申请人情况", "法人或其他组织", "商业企业")
    assert t3.index[0] == ("一、本年新收政府信息公开申请数量", "", "")
    assert t3.index[2] == ("三、本年度办理结果", "（一）予以公开", "")
    assert t3.loc[("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"), ("申请人情况", "自然人", "")] == 0
    t4 = report.table_frame("t4")
    assert t4.shape == (1, 15) and t4.attrs["status"] == "found"
    assert t4.columns[0] == ("行政复议", "", "结果维持")
    assert t4.columns[5] == ("行政诉讼", "未经复议直接起诉", "结果维持")
    t2 = report.table_frame("t2")
    assert ("第二十条第（一）项", "规章") in t2.index
    # a position the format does not have is NA and has no cell key; a blank cell has a key
    assert pd.isna(t2.loc[("第二十条第（一）项", "规章"), "本年处理决定数量"])
    assert ((("第二十条第（一）项", "规章"), "本年处理决定数量")) not in t2.attrs["keys"]
    assert t2.attrs["keys"][(("第二十条第（五）项", "行政许可"), "本年处理决定数量")] == "t2.art20_5.licensing.decisions"


def test_the_2019_frames_follow_the_2019_layout(corpus):
    report = load_report(corpus / "2019_sh-szfbgt.html")
    t3 = report.table_frame("t3")
    assert t3.shape == (23, 7)
    assert ("三、本年度办理结果", "（六）其他处理", "") in t3.index
    t2 = report.table_frame("t2")
    assert ("第二十条第（九）项", "政府集中采购") in t2.index
