"""The audit notebook in a real kernel: our warm session, papermill, nbconvert and ``xxgk-audit memo``."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import sample_text, set_row_value
from memo_inputs import IMG, LINK, NOTEBOOK, ROOT, SAMPLE, SCRIPT, arithmetic_error_text, hostile_text, need_corpus, write_report
from xxgk_audit import audit, load_report
from xxgk_audit.memo import KernelSession, export_notebook, inject_parameters
from xxgk_audit.review import ReportReview, ReviewStore

BIN = Path(sys.executable).parent
SECTION_TITLES = ("报告信息", "审核结论", "完整性", "表格勾稽", "表格（按规定格式）", "发现的问题")
APPENDIX_TITLE = "附录：全部单元格及其出处"


@pytest.fixture(scope="module")
def session():
    with KernelSession() as warm:
        yield warm


def assert_is_memo(text: str) -> None:
    """Self-contained, no code, no prompts, nothing from the network, every section in order."""
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "<script" not in text.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "no resource from the network"
    assert "@import" not in text and "url(http" not in text
    for marker in ("show_audit(", "report_path =", "jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "require.js", "MathJax"):
        assert marker not in text, marker
    positions = [text.index(f"<h2>{title}</h2>") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert '<header class="xxgk-titleblock">' in text and "政府信息公开工作年度报告审核备忘录" in text
    assert 'class="xxgk-signature"' in text and "审核人：" in text and "日期：" in text
    assert "@page" in text and "size: A4" in text


def findings_in(text: str) -> int:
    table = text.split('class="xxgk-table xxgk-findings"', 1)
    if len(table) == 1:
        return 0
    return table[1].split("</table>", 1)[0].count("<tr>") - 1


def test_parameters_cell_and_no_outputs_committed():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert 'report_path = ""' in source  # empty: the app opens the last report; a memo is always given one
    assert "prior_paths = []" in source and 'auditor = ""' in source and "appendix = False" in source
    shown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "papermill" not in shown and "参数" not in shown  # auditors read this in the app: no developer words
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and c is not tagged[0])
    assert code.count("\n") <= 3 and "xxgk_audit" in code  # the notebook only calls the library


def test_memo_of_the_sample(session, tmp_path):
    output = export_notebook(NOTEBOOK, {"report_path": str(SAMPLE), "auditor": "李审核"}, tmp_path / "memo.html", session=session)
    text = output.read_text(encoding="utf-8")
    assert_is_memo(text)
    report = load_report(str(SAMPLE))
    for value in ("睢县工业和信息化和科技局 · 2023年度", report.sha256, "李审核", "2023_suixian-gxj.txt", "未发现错误或警告"):
        assert value in text
    assert findings_in(text) == len(audit(report).findings) == 1
    assert text.count('class="xxgk-frame xxgk-official') == 3  # the three tables
    assert APPENDIX_TITLE not in text  # the appendix is a parameter, off by default


def test_the_appendix_follows_the_signature_block(session, tmp_path):
    output = export_notebook(NOTEBOOK, {"report_path": str(SAMPLE), "appendix": True}, tmp_path / "memo.html", session=session)
    text = output.read_text(encoding="utf-8")
    assert_is_memo(text)
    signature, appendix = text.index('class="xxgk-signature"'), text.index(f"<h2>{APPENDIX_TITLE}</h2>")
    assert signature < appendix and text.index("<h2>发现的问题</h2>") < signature
    assert "t3.result" not in text and "natural_person" not in text  # keys stay in JSON and CSV


def test_memos_of_corpus_reports(session, tmp_path):
    corpus = need_corpus()
    for name in ("2024_sh-kewei.md", "2019_sh-szfbgt.html", "2024_huaianshi.pdf"):
        path = corpus / name
        if not path.exists():
            pytest.skip(f"corpus file {name} not found in {corpus}")
        text = export_notebook(NOTEBOOK, {"report_path": str(path)}, tmp_path / f"{path.stem}.html", session=session).read_text(encoding="utf-8")
        assert_is_memo(text)
        report = load_report(str(path))
        result = audit(report)
        assert findings_in(text) == len(result.findings), name
        assert html.escape(report.agency) in text
        if result.has_errors:
            assert "有错误，需要更正" in text


def test_the_kernel_is_reset_between_runs(session, tmp_path):
    import nbformat

    probe = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("value = 0", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('leaked' if 'left_over' in globals() else 'clean', value)\nleft_over = 1"),
    ])
    path = tmp_path / "probe.ipynb"
    nbformat.write(probe, path)
    first = export_notebook(path, {"value": 1}, tmp_path / "one.html", session=session).read_text(encoding="utf-8")
    second = export_notebook(path, {"value": 2}, tmp_path / "two.html", session=session).read_text(encoding="utf-8")
    assert "clean 1" in first and "clean 2" in second


def test_injected_parameters_follow_the_parameters_cell():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb = inject_parameters(nb, {"report_path": "a'b\".txt", "prior_paths": ["x", Path("y")], "auditor": "张"})
    nb = inject_parameters(nb, {"report_path": "c.txt"})  # a second injection replaces the first
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags.count(["injected-parameters"]) == 1
    index = tags.index(["injected-parameters"])
    assert "parameters" in tags[index - 1]
    assert nb.cells[index].source == "# Parameters\nreport_path = 'c.txt'\n"


def test_verdicts_are_reapplied_and_reset_when_values_change(session, tmp_path):
    report_path = write_report(tmp_path / "in", "arith.txt", arithmetic_error_text())
    out = tmp_path / "out"
    result = audit(load_report(str(report_path)))
    finding = next(f for f in result.findings if f.rule == "T3-ROW-TOTAL")
    ReportReview.of(ReviewStore(out / "reviews.sqlite"), result).set(finding, verdict="confirmed", comment="总计栏多填了5件，已请单位更正", auditor="吴审核")
    text = export_notebook(NOTEBOOK, {"report_path": str(report_path)}, out / "arith.html", session=session).read_text(encoding="utf-8")
    assert "确认问题" in text and "总计栏多填了5件，已请单位更正" in text
    assert "审核意见由 吴审核 给出" in text  # the signature block names who reviewed

    report_path.write_text(set_row_value(sample_text(), "一、本年新收政府信息公开申请数量", 6, "7"), encoding="utf-8")
    changed = next(f for f in audit(load_report(str(report_path))).findings if f.rule == "T3-ROW-TOTAL")
    assert changed.fingerprint != finding.fingerprint
    text = export_notebook(NOTEBOOK, {"report_path": str(report_path)}, out / "arith.html", session=session).read_text(encoding="utf-8")
    assert "总计栏多填了5件" not in text
    assert "确认问题 0 项" in text and "以往的审核意见不再适用" in text


def test_hostile_report_text_is_shown_as_text(session, tmp_path):
    path = write_report(tmp_path, "hostile.txt", hostile_text())
    text = export_notebook(NOTEBOOK, {"report_path": str(path)}, tmp_path / "hostile.html", session=session).read_text(encoding="utf-8")
    assert_is_memo(text)
    body = text.split("<body>", 1)[1]
    for payload in (SCRIPT, IMG, "<!-- 隐藏", 'href="javascript'):
        assert payload not in body
    assert html.escape(IMG) in body and html.escape(LINK) in body
    assert "&lt;script&gt;" in body


def test_papermill_runs_the_notebook_from_the_repo_and_from_notebooks(tmp_path):
    papermill = pytest.importorskip("papermill")
    for cwd in (ROOT, ROOT / "notebooks"):  # the default report_path resolves from both
        output = tmp_path / f"out-{cwd.name}.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK), str(output), parameters={"report_path": "data/samples/2023_suixian-gxj.txt"},
            cwd=str(cwd), kernel_name="python3", progress_bar=False, log_output=False,
        )
        nb = json.loads(output.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        html_out = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
        for title in SECTION_TITLES:
            assert f"<h2>{title}</h2>" in html_out
        assert "睢县工业和信息化和科技局" in html_out
        assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)  # headless: static
    # and the package exporter works from the nbconvert command line (entry point)
    done = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk-memo", str(output), "--output-dir", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_is_memo((tmp_path / f"{output.stem}.html").read_text(encoding="utf-8"))


def run_memo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk-audit"), "memo", *args], capture_output=True, text=True, cwd=cwd)


def test_memo_command_several_reports_one_kernel_exit_codes(tmp_path):
    arith = write_report(tmp_path / "in", "arith.txt", arithmetic_error_text())
    empty = write_report(tmp_path / "in", "empty.txt", "")
    done = run_memo(str(SAMPLE), str(arith), str(empty), str(tmp_path / "missing.txt"), "--out-dir", str(tmp_path / "out"), "--auditor", "赵审核")
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines() == [str(tmp_path / "out" / "2023_suixian-gxj.html"), str(tmp_path / "out" / "arith.html")]
    errors = [line for line in done.stderr.splitlines() if line.startswith(str(tmp_path))]
    assert len(errors) == 2 and "Traceback" not in done.stderr
    assert "[1/2]" in done.stderr and "[2/2]" in done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith("4 份报告：1 份有错误，0 份有警告，1 份未发现错误或警告；2 份无法读取；已生成 2 份审核备忘录"), summary
    memo = (tmp_path / "out" / "arith.html").read_text(encoding="utf-8")
    assert_is_memo(memo)
    assert re.search(r'<span class="xxgk-sign-line">赵审核</span>', memo)


def test_memo_command_exit_status_follows_the_findings(tmp_path):
    ok = run_memo(str(SAMPLE), "--out-dir", str(tmp_path))
    assert ok.returncode == 0, ok.stderr
    arith = write_report(tmp_path / "in", "arith.txt", arithmetic_error_text())
    bad = run_memo(str(arith), "--out-dir", str(tmp_path))
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout.strip() == str(tmp_path / "arith.html")


def test_live_frontends_get_widgets_and_headless_runs_do_not():
    """JupyterLab sends the cell id with each execute request; nbclient (papermill, memo) does not."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env={k: v for k, v in __import__("os").environ.items() if not k.startswith("XXGK_AUDIT")})
    try:
        def run(metadata):
            content = {"code": "from xxgk_audit.notebook import widget_mode; print(widget_mode())", "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
            msg = kc.session.msg("execute_request", content, metadata=metadata)
            kc.shell_channel.send(msg)
            output = []
            while True:
                reply = kc.get_iopub_msg(timeout=60)
                if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if reply["msg_type"] == "stream":
                    output.append(reply["content"]["text"])
                if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                    return "".join(output).strip()

        assert run({"cellId": "4f1c", "deletedCells": [], "recordTiming": False}) == "True"
        assert run({}) == "False"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_memo_import_path_avoids_the_slow_optional_grammar():
    """jsonschema (via nbformat) would build rfc3987_syntax's grammar at import: about 1–3 s per process."""
    for first in ("xxgk_audit.memo", "xxgk_audit.exporter", "xxgk_audit.widgets"):
        code = f"import sys, {first}, nbformat, nbclient, nbconvert; print(sys.modules.get('rfc3987_syntax', 'absent'))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stdout.strip() in ("None", "absent"), first
