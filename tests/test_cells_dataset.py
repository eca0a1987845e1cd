"""cells.parquet / cells.csv: every parsed cell of every report, the same values as ``check --format json``;
and the dataset notebook, executed in a real kernel, draws its charts as SVG with the text as text."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS
from helpers import ROOT
from synth import make_report, write
from xxgk_audit.batch import run_batch
from xxgk_audit.batch.cells import COLUMNS

NOTEBOOK = ROOT / "notebooks" / "dataset_explore.ipynb"


def check_json(paths: list[Path]) -> dict[str, dict]:
    done = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "check", *map(str, paths), "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode in (0, 1, 2), done.stderr
    return {r["source"]: r for r in json.loads(done.stdout)["reports"]}


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None
    return b is not None and math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def assert_same_as_check(out: Path, expected: dict[str, dict]) -> pd.DataFrame:
    cells = pd.read_parquet(out / "cells.parquet")
    assert list(cells.columns) == list(COLUMNS)
    for source, report in expected.items():
        mine = cells[cells["source"] == source]
        assert len(mine) == len(report["cells"]), source
        values = dict(zip(mine["key"], mine["value"]))
        assert set(values) == set(report["cells"]), source
        for key, value in report["cells"].items():
            assert same(values[key], value), (source, key, values[key], value)
        assert set(mine["sha256"]) == {report["sha256"]} and set(mine["template"].dropna()) <= {report["template"]}
        assert set(mine["agency"].dropna()) <= {report["agency"]} and set(mine["year"].dropna()) <= {report["year"]}
    return cells


def test_every_corpus_report_reads_back_as_check_reports_it(tmp_path):
    if not CORPUS.exists():
        pytest.skip(f"../shared/corpus not found ({CORPUS}): the corpus dataset test needs the shared folder")
    reports = sorted(p for p in CORPUS.iterdir() if p.is_file())
    expected = check_json(reports)
    out = tmp_path / "out"
    run_batch([CORPUS], out, progress=False, overview=False, store=tmp_path / "none.sqlite")
    cells = assert_same_as_check(out, expected)
    assert cells["source"].nunique() == sum(1 for r in expected.values() if r["cells"])
    # every value is traceable: where it was printed and the raw text
    numbers = cells[cells["status"] == "number"]
    assert numbers["location"].notna().all() and numbers["raw"].notna().all()
    pdf = numbers[numbers["source"].str.endswith(".pdf")]
    assert len(pdf) > 100 and pdf["page"].notna().all() and pdf["location"].str.startswith("第").all()
    missing = cells[cells["status"] == "missing"]
    assert missing["value"].isna().all()
    blank = cells[cells["status"] == "blank"]
    assert blank["value"].isna().all()  # blank is null, never 0
    csv_cells = pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype={"raw": str, "key": str})
    assert len(csv_cells) == len(cells) and list(csv_cells.columns) == list(COLUMNS)


def test_generated_reports_in_every_format(tmp_path):
    folder = tmp_path / "in"
    paths = [write(make_report(layout, n, year=2023 if layout == "2021" else 2020), fmt, folder, name=f"{layout}-{fmt}-{n}") for n, (layout, fmt) in enumerate(
        [("2021", "txt"), ("2021", "md"), ("2021", "html"), ("2021", "docx"), ("2021", "pdf"), ("2019", "html"), ("2019", "txt")]
    )]
    hostile = folder / "hostile.txt"
    text = paths[0].read_bytes().decode(make_report("2021", 0).encoding).replace("一、本年新收政府信息公开申请数量", "=HYPERLINK(\"http://x\")一、本年新收政府信息公开申请数量", 1)
    hostile.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_batch([folder], out, progress=False, overview=False, store=tmp_path / "none.sqlite")
    cells = assert_same_as_check(out, check_json([*paths, hostile]))
    assert set(cells["table"]) == {"表二", "表三", "表四"}
    labels = cells[cells["key"] == "t3.new.total"]
    assert set(labels["label"]) == {"表三“一、本年新收政府信息公开申请数量”行“总计”列"} and set(labels["column_label"]) == {"总计"}
    raw_csv = (out / "cells.csv").read_bytes()
    assert raw_csv.startswith(b"\xef\xbb\xbf")
    printed = cells[(cells["source"] == str(hostile)) & (cells["printed_row_label"].fillna("").str.startswith("=HYPERLINK"))]
    assert not printed.empty  # the label as printed is kept in the Parquet file, neutralised in the CSV
    assert "'=HYPERLINK" in raw_csv.decode("utf-8-sig") and ',=HYPERLINK' not in raw_csv.decode("utf-8-sig") and ',"=HYPERLINK' not in raw_csv.decode("utf-8-sig")


def test_the_dataset_notebook_runs_and_draws_svg_with_text(tmp_path):
    pytest.importorskip("nbclient")
    from xxgk_audit.memo import KernelSession, inject_parameters

    import nbformat

    folder = tmp_path / "in"
    for n, (agency, year) in enumerate([("睢县教育局", 2022), ("睢县教育局", 2023), ("睢县人民政府", 2023), ("鄢陵县$x^2$人民政府", 2023)]):
        write(make_report("2021", n, agency=agency, year=year, variety=False, profile="medium"), "html", folder, name=f"r{n}")
    out = tmp_path / "out"
    run_batch([folder], out, progress=False, overview=False, store=tmp_path / "none.sqlite")
    nb = inject_parameters(nbformat.read(NOTEBOOK, as_version=4), {"report_dir": str(out)})
    with KernelSession(cwd=tmp_path) as session:
        session.execute(nb)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 2
    for svg in svgs:
        assert "<text" in svg and "<script" not in svg.lower()
    assert "行政复议纠错率" in svgs[0] and "政府部门" in svgs[0] and "本级政府" in svgs[0]
    assert "“无法提供”占办理结果的比例" in svgs[1]
    text = json.dumps([o.get("data", {}).get("text/html", "") + o.get("text", "") for o in outputs], ensure_ascii=False)
    assert "复议纠错率" in text and "份报告" in text and "t3.new.total" in text


def test_a_failed_dataset_is_reported_and_the_other_outputs_stand(tmp_path, monkeypatch):
    from xxgk_audit.batch import cells

    def broken(spool, out_dir):
        raise OSError("磁盘已满")

    monkeypatch.setattr(cells, "write_cells", broken)
    write(make_report("2021", 1, variety=False), "txt", tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch([tmp_path / "in"], out, progress=False, overview=False, store=tmp_path / "none.sqlite")
    assert summary.exit_status == 2 and "磁盘已满" in summary.cells_error
    assert (out / "findings.csv").is_file() and not (out / "cells.parquet").exists() and not list(out.glob("*.part"))
