"""The memo exporter on hand-made notebooks: what it keeps, what it drops, what it adds."""

import re

from xxgk_audit.memo import render_memo
from xxgk_audit.render import MEMO_META_MIME, memo_css

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell


def notebook():
    outputs = [
        new_output("display_data", data={"text/html": "<style>.x{}</style>", "text/plain": ""}, metadata={"xxgk": "style"}),
        new_output("display_data", data={MEMO_META_MIME: {"title": "测试备忘录", "subtitle": "某单位 · 2023年度", "auditor": "吴审核", "date": "2024-03-01", "facts": [["报告文件", "a.txt"]]}, "text/plain": ""}),
        new_output("display_data", data={"text/html": "<p class='kept'>保留的输出</p>", "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}, "text/plain": "AuditApp()"}),
        new_output("display_data", data={"application/javascript": "alert(1)"}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "def", "version_major": 2, "version_minor": 0}, "text/plain": "VBox()"}),
        new_output("stream", name="stderr", text="DeprecationWarning: noise"),
        new_output("stream", name="stdout", text="print <b>text</b>"),
        new_output("error", ename="ValueError", evalue="boom", traceback=["Traceback: boom"]),
    ]
    return new_notebook(cells=[
        new_markdown_cell("# 使用说明", metadata={"tags": ["memo-hide"]}),
        new_code_cell("report_path = 'x'", metadata={"tags": ["parameters"]}),
        new_code_cell("secret_code_here()", outputs=outputs),
        new_markdown_cell("## 说明文字"),
        new_raw_cell("<script>raw()</script>"),
    ])


def test_outputs_kept_and_dropped():
    html = render_memo(notebook())
    assert "保留的输出" in html and "说明文字" in html
    assert "print &lt;b&gt;text&lt;/b&gt;" in html  # stdout as escaped text
    for dropped in ("使用说明", "secret_code_here", "report_path", "alert(1)", "DeprecationWarning", "boom", "raw()", "VBox()", "AuditApp()", ".x{}"):
        assert dropped not in html, dropped
    assert "<script" not in html.lower()


def test_title_block_signature_and_inline_css():
    html = render_memo(notebook())
    assert "<title>测试备忘录 · 某单位 · 2023年度</title>" in html
    assert re.search(r"<h1>测试备忘录</h1>\s*<p class=\"xxgk-subtitle\">某单位 · 2023年度</p>", html)
    assert "<dt>报告文件</dt><dd>a.txt</dd>" in html
    assert '<span class="xxgk-sign-line">吴审核</span>' in html and '<span class="xxgk-sign-line">2024-03-01</span>' in html
    assert memo_css() in html and "size: A4" in html
    assert 'name="generator" content="xxgk-audit' in html


def test_title_parameter_overrides_and_defaults_apply():
    assert "<h1>批量审核总览</h1>" in render_memo(notebook(), title="批量审核总览")
    plain = render_memo(new_notebook(cells=[new_code_cell("1", outputs=[new_output("execute_result", data={"text/plain": "1"}, execution_count=1)])]))
    assert "<h1>政府信息公开工作年度报告审核备忘录</h1>" in plain and '<pre class="xxgk-output">1</pre>' in plain


def test_stylesheet_is_scoped_to_the_package_classes():
    """The same CSS is shown inside JupyterLab and Voilà: no rule may touch their own elements."""
    css = re.sub(r"/\*.*?\*/", "", memo_css(), flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)
    for selectors in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        for selector in selectors.split(","):
            if selector.strip():
                assert "xxgk" in selector, selector


def test_valid_notebook_fixture():
    nbformat.validate(notebook())
