"""One file never breaks the batch, and nothing in a batch folder is trusted (issue 11): names that
are no UTF-8 or hold a newline, mathtext in agency names, outputs replaced together or not at all,
one batch per output folder, SIGTERM, leftovers, a spool without pickle, CSV formula injection."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import sample_text
from xxgk_audit.batch import run_batch
from xxgk_audit.batch.outputs import FolderLocked, OutputFolder

AGENCY = "睢县工业和信息化和科技局"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk_audit.cli", *args], capture_output=True, text=True, encoding="utf-8", errors="replace", **kwargs)


def write(folder: Path, name: str | bytes, agency: str = AGENCY, year: int = 2023) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = sample_text().replace(AGENCY, agency).replace("2023", str(year))
    target = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
    with open(target, "wb") as handle:
        handle.write(text.encode("utf-8"))


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


# -- names ---------------------------------------------------------------------------------------------------

def test_names_that_are_no_utf8_or_hold_a_newline(tmp_path):
    folder = tmp_path / "in"
    write(folder, b"\xff\xfe\xe6\x8a\xa5\xe5\x91\x8a.txt", agency="甲局")
    write(folder, "new\nline.txt", agency="乙局")
    with open(os.path.join(os.fsencode(folder), b"bad\xff\nname.txt"), "wb") as handle:
        handle.write(bytes(range(256)) * 20)  # unreadable: its one stderr line must stay one line
    out = tmp_path / "out"
    proc = cli("batch", str(folder), "--out-dir", str(out), "--jobs", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    refused = [line for line in proc.stderr.splitlines() if "不是文字文件" in line]
    assert refused == [f"{folder}/bad\\xff\\nname.txt: 不是文字文件（含二进制内容），也不是 PDF 或 Word 文档"], proc.stderr
    sources = {row[0] for row in csv_cells(out / "reports.csv")[1:]}
    assert sources == {f"{folder}/\\xff\\xfe报告.txt", f"{folder}/new\\nline.txt", f"{folder}/bad\\xff\\nname.txt"}
    assert len((out / "reports.csv").read_text(encoding="utf-8-sig").splitlines()) == 4  # a row is a line
    data = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert data["unreadable"][0]["source"] == f"{folder}/bad\\xff\\nname.txt"
    assert (out / "overview.html").is_file() and (out / "findings.xlsx").is_file()


def test_check_escapes_names_in_every_format(tmp_path):
    write(tmp_path, b"r\xff.txt")
    path = os.path.join(os.fsencode(tmp_path), b"r\xff.txt")
    for fmt in ("text", "json", "csv"):
        proc = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "check", path, "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")], capture_output=True)
        assert proc.returncode == 0, proc.stderr
        assert "r\\xff.txt" in (tmp_path / f"out.{fmt}").read_text(encoding="utf-8-sig").replace("\\\\", "\\")


# -- the overview ----------------------------------------------------------------------------------------------

def test_agency_name_with_mathtext_does_not_break_the_overview(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt", agency="$\\frac$局", year=2022)
    write(folder, "b.txt", agency="$\\frac$局", year=2023)
    summary = run_batch([folder], tmp_path / "out", progress=False)
    assert summary.overview_error is None and summary.exit_status != 2
    assert "$\\frac$局" in (tmp_path / "out" / "overview.html").read_text(encoding="utf-8")


# -- outputs replaced together or not at all --------------------------------------------------------------------

def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_a_failed_overview_leaves_no_earlier_overview_beside_new_outputs(tmp_path, monkeypatch):
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    write(first, "a.txt", agency="甲局")
    write(second, "b.txt", agency="乙局")
    assert run_batch([first], out, progress=False).overview_error is None
    assert (out / "overview.html").is_file()

    import xxgk_audit.batch.run as run_module

    def broken(folder):
        raise RuntimeError("kernel died")

    monkeypatch.setattr(run_module, "export_overview", broken)
    summary = run_batch([second], out, progress=False)
    assert summary.exit_status == 2 and "kernel died" in summary.overview_error
    assert not (out / "overview.html").exists()  # it described the first batch
    assert "乙局" in (out / "reports.csv").read_text(encoding="utf-8-sig")
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["overview_error"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".xxgk-batch.lock"]


def test_an_interrupted_batch_leaves_the_previous_outputs_as_they_were(tmp_path, monkeypatch):
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    write(first, "a.txt", agency="甲局")
    for n in range(3):
        write(second, f"b{n}.txt", agency="乙局")
    run_batch([first], out, progress=False)
    before = _outputs(out)

    import xxgk_audit.batch.run as run_module

    real = run_module._take
    calls = []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(run_module, "_take", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch([second], out, progress=False)
    assert _outputs(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".xxgk-batch.lock"]


# -- one batch per output folder -----------------------------------------------------------------------------------

def test_a_second_batch_into_the_same_folder_is_refused_with_one_line(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "a.txt")
    with OutputFolder(out):
        proc = cli("batch", str(folder), "--out-dir", str(out))
        with pytest.raises(FolderLocked):
            run_batch([folder], out, progress=False)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "正由另一个批量审核" in lines[0] and str(os.getpid()) in lines[0], proc.stderr
    assert not (out / "reports.csv").exists()
    assert run_batch([folder], out, progress=False, overview=False).exit_status == 0  # the lock went with its holder


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "a.txt")
    assert cli("batch", str(folder), "--out-dir", str(out)).returncode == 0
    before = _outputs(out)
    for n in range(400):
        write(folder, f"r{n:03d}.txt", agency=f"第{n}局")
    process = subprocess.Popen([sys.executable, "-m", "xxgk_audit.cli", "batch", str(folder), "--out-dir", str(out), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(out.glob(".xxgk-batch-*/spool")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the batch ended before it could be interrupted"
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "已中断" in stderr.decode("utf-8"), stderr.decode("utf-8")[-2000:]
    assert _outputs(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".xxgk-batch.lock"]


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "a.txt")
    (out / ".xxgk-batch-killed" / "spool").mkdir(parents=True)
    (out / ".xxgk-batch-killed" / "spool" / "0.json").write_text("{}")
    (out / ".xxgk-spool-1234").mkdir()
    (out / "findings.csv.part").write_text("half")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    os.symlink(victim, out / "reports.csv.part")  # a link planted where an older version wrote
    run_batch([folder], out, progress=False, overview=False)
    assert sorted(p.name for p in out.iterdir()) == [".xxgk-batch.lock", "batch.json", "cells.csv", "cells.parquet", "findings.csv", "findings.xlsx", "reports.csv"]
    assert victim.read_text() == "keep me"


# -- the spool -------------------------------------------------------------------------------------------------------

def test_the_spool_is_json_in_a_private_folder_and_a_planted_pickle_never_runs(tmp_path):
    from xxgk_audit.batch import spool
    from xxgk_audit.batch.records import WorkItem
    from xxgk_audit.batch.worker import _load, scan_chunk
    from xxgk_audit.loaders import load_document

    html = tmp_path / "r.html"
    html.write_text("<html><body><h1>某局2023年政府信息公开工作年度报告</h1>" + "".join(f"<p>{line}</p>" for line in sample_text().splitlines()) + "</body></html>", encoding="utf-8")
    with OutputFolder(tmp_path / "out") as folder:
        assert (folder.stage.stat().st_mode & 0o777) == 0o700
        spool_dir = spool.folder(str(folder.stage))
        record = scan_chunk([(0, str(html))], spool_dir)[0]
        assert record.spool and record.spool.endswith(".json")
        assert json.loads(Path(record.spool).read_text())["version"] == spool.VERSION
        original = load_document(html)
        assert spool.read(record.spool) == original

        marker = tmp_path / "pwned"

        class Payload:
            def __reduce__(self):
                return (os.system, (f"touch {marker}",))

        Path(record.spool).write_bytes(pickle.dumps(Payload()))
        report = _load(WorkItem(0, str(html), record.spool))  # ignored: loaded from the file again
        assert report.sha256 == original.sha256 and not marker.exists()
        assert spool.write(original, spool_dir, 0) is None  # exclusive: never over an existing file


# -- CSV formula injection -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("agency", ['=HYPERLINK("http://evil/","点击")局', "+1+2局", "-3+4局", "@SUM(A1)局", "\t=1局"])
def test_no_csv_cell_starts_a_formula(tmp_path, agency):
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, "=cmd|' -C calc'!A0.txt", agency=agency)
    write(folder, "@report.txt", agency=agency)
    (folder / "-broken.txt").write_bytes(bytes(range(256)) * 20)
    run_batch([folder], out, progress=False, overview=False)
    proc = cli("check", "--format", "csv", "-o", str(tmp_path / "check.csv"), "--", *sorted(p.name for p in folder.iterdir()), cwd=folder)  # sources as given: "=cmd…"
    assert proc.returncode == 2, proc.stderr
    for path in (out / "findings.csv", out / "reports.csv", tmp_path / "check.csv"):
        rows = csv_cells(path)
        assert len(rows) > 3
        offending = [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
        assert offending == [], (path.name, offending)
    sources = {row[0] for row in csv_cells(tmp_path / "check.csv")[1:]}
    assert sources == {"'=cmd|' -C calc'!A0.txt", "'@report.txt", "'-broken.txt"}  # neutralised, still readable
    locations = [row[11] for row in csv_cells(tmp_path / "check.csv")[1:] if row[11]]
    assert locations and all(location.startswith("第") for location in locations)


# -- hierarchy members stay in the declaration's folder ----------------------------------------------------------------------

def test_hierarchy_members_never_leave_the_declarations_folder(tmp_path, monkeypatch):
    import glob as glob_module

    region = tmp_path / "region"
    write(region, "summary.txt", agency="示范县人民政府")
    write(region / "depts", "a.txt", agency="示范县教育局")
    write(tmp_path / "outside", "b.txt", agency="示范县财政局")
    (region / "hierarchy.yaml").write_text(
        "summary.txt:\n  - depts/*.txt\n  - /**/*.nomatch\n  - ../outside/b.txt\n  - " + str(tmp_path / "outside" / "b.txt") + "\n",
        encoding="utf-8",
    )

    def no_walking(*args, **kwargs):
        raise AssertionError("the file system was searched for a member pattern")

    monkeypatch.setattr(glob_module, "glob", no_walking)
    monkeypatch.setattr(glob_module, "iglob", no_walking)
    started = time.monotonic()
    summary = run_batch([region, tmp_path / "outside"], tmp_path / "out", progress=False, overview=False)
    assert time.monotonic() - started < 30
    reasons = [reason for source, reason in summary.unreadable if source.endswith("hierarchy.yaml")]
    assert len(reasons) == 3 and all("不在声明文件所在的文件夹内" in r for r in reasons), reasons
    assert summary.hierarchy == {}  # a refused member: the sum is not checked at all
    assert any("下属报告不全" in note for note in summary.notes)


def test_hierarchy_patterns_match_the_batch_files_only(tmp_path):
    region = tmp_path / "region"
    write(region, "summary.txt", agency="示范县人民政府")
    write(region / "depts" / "x", "a.txt", agency="示范县教育局")
    write(region / "depts", "b.txt", agency="示范县财政局")
    (region / "hierarchy.yaml").write_text("summary.txt:\n  - depts/**/*.txt\n", encoding="utf-8")
    summary = run_batch([region], tmp_path / "out", progress=False, overview=False)
    assert summary.unreadable == []
    assert {Path(k).name: sorted(Path(m).name for m in v) for k, v in summary.hierarchy.items()} == {"summary.txt": ["a.txt", "b.txt"]}


def test_a_fifo_named_like_a_declaration_does_not_hang_the_batch(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt")
    os.mkfifo(folder / "hierarchy.yaml")
    proc = cli("batch", str(folder), "--out-dir", str(tmp_path / "out"), timeout=120)
    assert proc.returncode == 2 and f"{folder / 'hierarchy.yaml'}: 层级声明不是普通文件" in proc.stderr, proc.stderr


def test_a_batch_in_one_process_leaves_the_garbage_collector_as_it_was(tmp_path):
    """Workers set their settled objects aside from the collector after their first chunk; a batch
    that runs in the caller's process (one job) must not do that to the caller."""
    import gc

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(sample_text(), encoding="utf-8")
    before = gc.get_freeze_count()
    run_batch([folder], tmp_path / "out", jobs=1, progress=False, overview=False)
    assert gc.get_freeze_count() == before
