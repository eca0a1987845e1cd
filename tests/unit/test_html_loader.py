from xxgk_audit.loaders import load_document

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某局2023年政府信息公开工作年度报告-某县政府网</title>
<meta name="PubDate" content="2024-01-25 09:00"><script>var x = "一、总体情况";</script><style>p{}</style></head>
<body><div class="nav"><ul><li>首页</li><li>政务公开</li></ul></div>
<div class="article"><h1>某局2023年政府信息公开工作年度报告</h1>
<p><span>一、总体情况</span><o:p></o:p></p><p>第一段<br>第二段&nbsp;文字</p>
<div style="display:none">一、隐藏的垃圾文字 123</div>
<!-- 注释里的文字 -->
<table border="1">
<tr><td rowspan="3" colspan="2">角注</td><td colspan="3">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="2">法人</td></tr>
<tr><td>商业企业</td><td>其他</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td>&nbsp;</td><td><p><span>2</span><o:p></o:p></p></td></tr>
<tr><td>（二）部分公开</td><td>3</td><td>4</td><td>5</td></tr>
</table></div>
<table><tr><td><p>版权所有：某县人民政府 网站标识码 1234567890</p>
<table><tr><td>内层</td><td>7</td></tr></table></td></tr></table>
</body></html>"""


def test_cms_page(write):
    document = load_document(write("r.html", PAGE))
    assert document.format == "html"
    assert document.meta["html_title"].startswith("某局2023年") and document.meta["published"] == "2024-01-25 09:00"
    texts = [b.text for b in document.blocks if b.kind != "row"]
    assert "一、总体情况" in texts and "第一段" in texts and "第二段 文字" in texts
    assert not any("隐藏" in t or "注释" in t or "var x" in t for t in texts)
    headings = [b for b in document.blocks if b.kind == "heading"]
    assert headings[0].level == 1


def test_grid_expansion_inherits_row_labels(write):
    document = load_document(write("r.html", PAGE))
    rows = [b for b in document.blocks if b.kind == "row" and b.table == 0]
    first, second = rows[3], rows[4]
    assert [c.text for c in first.cells] == ["三、本年度办理结果", "（一）予以公开", "1", "", "2"]
    assert [c.text for c in second.cells] == ["三、本年度办理结果", "（二）部分公开", "3", "4", "5"]
    assert second.cells[0].inherited and not second.cells[1].inherited
    assert first.cells[2].line is not None


def test_nested_table_in_layout_table(write):
    document = load_document(write("r.html", PAGE))
    inner = [b for b in document.blocks if b.kind == "row" and [c.text for c in b.cells] == ["内层", "7"]]
    assert len(inner) == 1
    assert any("版权所有" in b.text for b in document.blocks if b.kind == "text")


def test_pictures_are_never_fetched_nor_read_outside_the_pages_folder(tmp_path):
    """An <img> on a server, at an absolute path or outside the page's folder is not read; a table
    the report prints only as such a picture is TABLE-MISSING, and the message says the page has
    pictures it could not read."""
    from xxgk_audit import audit, load_report
    from xxgk_audit.loaders.html import _picture

    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    page = tmp_path / "site" / "report.html"
    page.parent.mkdir()
    for source in ("http://example.gov.cn/t.png", "//example.gov.cn/t.png", "/etc/passwd", "../secret.png", "file:///etc/passwd", "a%00b.png", "x\x00.png", "http://[::1"):
        assert _picture(str(page), source) is None, source
    page.write_text(
        "<html><body><h1>某局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年度收到申请0件。</p>"
        "<p>二、主动公开政府信息情况</p><p><img src='http://example.gov.cn/t2.png'></p></body></html>",
        encoding="utf-8",
    )
    report = load_report(page)
    assert report.document.meta["pictures_unread"] == "1"
    missing = [f.message for f in audit(report).findings if f.rule == "TABLE-MISSING"]
    assert missing and all("另有1张图片未能识别" in m for m in missing)


def test_hidden_elements_in_every_spelling_are_dropped_and_their_tails_kept(write):
    page = """<html><body><div class="article">
<p>甲<span style="DISPLAY : NONE">隐藏一</span>乙<span hidden>隐藏二</span>丙<i aria-hidden="true">隐藏三</i>丁</p>
<p style="color:red; visibility:Hidden">隐藏四<b style="display:none">隐藏五</b></p>
<p style="font-family:none-such; color:blue">可见一</p><p style="color:red">可见二</p>
<p>戊<span aria-hidden="true">可见三</span></p>  <!-- a span so marked is often the text itself -->
</div></body></html>"""
    document = load_document(write("h.html", page))
    text = " ".join(b.text for b in document.blocks)
    assert "隐藏" not in text
    assert "甲乙丙丁" in text.replace(" ", "")  # the tails of hidden elements stay in place, in order
    assert "可见一" in text and "可见二" in text and "可见三" in text
