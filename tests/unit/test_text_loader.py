from xxgk_audit.loaders import load_document


def test_blocks_rows_headings_and_footers(write):
    text = "\n".join([
        "# 某局 2023 年政府信息公开工作年度报告",
        "",
        "一、总体情况",
        "— 1 —",
        "第 2 页",
        "规章\t0\t0\t0",
        "| 信息内容 | 本年制发件数 |",
        "|---|---|",
        "| 规章 | 3 |",
        "---------\t---",
    ])
    document = load_document(write("r.txt", text))
    kinds = [(b.kind, b.text, b.line) for b in document.blocks]
    assert kinds[0] == ("heading", "某局 2023 年政府信息公开工作年度报告", 1)
    assert ("text", "一、总体情况", 3) in kinds
    assert not any("— 1 —" in t or "第 2 页" in t for _, t, _ in kinds)  # page footers dropped
    rows = [b for b in document.blocks if b.kind == "row"]
    assert [[c.text for c in r.cells] for r in rows] == [["规章", "0", "0", "0"], ["信息内容", "本年制发件数"], ["规章", "3"]]
    assert rows[2].line == 9 and document.format == "md"


def test_crawler_header_goes_to_meta(write):
    text = "标题: 某县2023年度政府信息公开工作年度报告\n发布时间: 2024-01-20 10:00\n==================== 正文 ====================\n一、总体情况"
    document = load_document(write("r.txt", text))
    assert document.meta == {"title": "某县2023年度政府信息公开工作年度报告", "published": "2024-01-20 10:00"}
    assert [b.text for b in document.blocks] == ["一、总体情况"]
    assert document.blocks[0].line == 4


def test_gbk_and_big5_files(write):
    gbk = load_document(write("g.txt", "一、总体情况\n本年新收政府信息公开申请数量\t1", encoding="gbk"))
    assert gbk.encoding == "gb18030" and gbk.blocks[0].text == "一、总体情况"
    big5 = load_document(write("b.txt", "一、總體情況\n本年新收政府資訊公開申請數量\t1", encoding="big5"))
    assert big5.encoding == "cp950" and big5.blocks[0].text == "一、總體情況"


def test_markdown_is_read_as_its_reader_sees_it(write):
    """Converters escape ordinals (1\\.), break long labels with <br>, set numbers as math ($12$) and
    write empty cells as &nbsp;: the cells hold what a rendered page shows, and so do the source
    lines the numbers are checked against (SOURCE-GATE)."""
    text = "\n".join([
        "# 某局2023年政府信息公开工作年度报告",
        "| 1\\.属于国家秘密 | $12$ | &nbsp; | 0\\.10 |",
        "| （二）部分公开<br>（区分处理的） | a\\|b | 3 | 4 |",
    ])
    document = load_document(write("r.md", text))
    rows = [[c.text for c in b.cells] for b in document.blocks if b.kind == "row"]
    assert rows == [["1.属于国家秘密", "12", "", "0.10"], ["（二）部分公开 （区分处理的）", "a|b", "3", "4"]]
    assert document.source_lines[2] == "| 1.属于国家秘密 | 12 |   | 0.10 |"


def test_plain_text_keeps_its_backslashes_and_dollars(write):
    document = load_document(write("r.txt", "路径 C:\\报告\\2023 与 $5$ 原样保留"))
    assert document.blocks[0].text == "路径 C:\\报告\\2023 与 $5$ 原样保留"


def test_a_pipe_row_holding_a_tab_is_cut_at_its_pipes(write):
    document = load_document(write("r.md", "| 规章 |\t0 | 1 |\n| 行政规范性文件 | 2 | 3 |"))
    assert [[c.text for c in b.cells] for b in document.blocks] == [["规章", "0", "1"], ["行政规范性文件", "2", "3"]]
