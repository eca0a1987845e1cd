import pandas as pd

from helpers import SAMPLE
from xxgk_audit import load_report


def test_tables_in_the_official_layout():
    report = load_report(SAMPLE)
    t3 = report.table_frame("t3")
    assert t3.shape == (25, 7)
    assert list(t3.columns.get_level_values(-1))[:2] == ["", "商业企业"]
    assert t3.index[0] == ("", "一、本年新收政府信息公开申请数量")
    assert t3.loc[("（三）不予公开", "1.属于国家秘密"), ("自然人", "")] == 0
    t4 = report.table_frame("t4")
    assert t4.shape == (1, 15) and t4.attrs["status"] == "found"
    t2 = report.table_frame("t2")
    assert ("第二十条第（一）项", "规章") in t2.index
    assert pd.isna(t2.loc[("第二十条第（一）项", "规章"), ("本年处理决定数量",)])
