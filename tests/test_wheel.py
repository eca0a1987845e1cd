"""The built wheel works without the checkout: check, memo (HTML and PDF) and batch with its overview,
run from a temporary folder in a fresh virtual environment.

The wheel is built from a copy of the source tree (``pip wheel --no-deps``, isolated build) and
installed with ``--no-deps --no-index`` into a new venv that has no access to the checkout. To stay
fast, the fresh venv borrows the *dependencies* (pandas, nbconvert …) from the test environment's
site-packages through a path entry (its ``.pth`` files are not run, so the editable install of the
checkout stays invisible) and their data files (``share/jupyter``); ``XXGK_WHEEL_FULL=1`` installs the wheel with its dependencies from the
package index instead (about a minute more).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, SAMPLE, sample_text, set_t4_value

PIP_OFFLINE = ("connection", "No matching distribution", "Could not find a version")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "src-tree"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"), symlinks=False)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(folder / "dist")], capture_output=True, text=True)
    if done.returncode != 0 and any(word in done.stderr for word in PIP_OFFLINE):
        pytest.skip("building a wheel needs setuptools from the package index: " + done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    return next((folder / "dist").glob("*.whl"))


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> Path:
    """A new venv with the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    full = os.environ.get("XXGK_WHEEL_FULL") == "1"
    subprocess.run([sys.executable, "-m", "venv", *([] if full else ["--without-pip"]), str(venv)], check=True)
    python = venv / "bin" / "python"
    if full:
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    else:
        purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True).stdout.strip())
        ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
        (purelib / "borrowed-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
        # the dependencies' data files (nbconvert's base templates, ipykernel's kernel spec)
        (venv / "share").mkdir(exist_ok=True)
        (venv / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter", target_is_directory=True)
        done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_AUDIT", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(bin_dir / "xxgk-audit"), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_the_wheel_holds_layouts_templates_notebooks_and_entry_points(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "xxgk_audit/layouts/2021/layout.yaml", "xxgk_audit/layouts/2019/equations.yaml", "xxgk_audit/layouts/sections.yaml",
        "xxgk_audit/templates/xxgk_memo/index.html.j2", "xxgk_audit/templates/xxgk_memo/memo.css", "xxgk_audit/templates/xxgk_memo/conf.json",
        "xxgk_audit/notebooks/audit_report.ipynb", "xxgk_audit/notebooks/batch_overview.ipynb",
    ):
        assert name in names, name
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "xxgk-audit = xxgk_audit.cli:main" in entry_points
    assert "[nbconvert.exporters]" in entry_points and "xxgk-memo = xxgk_audit.exporter:MemoExporter" in entry_points


def test_the_checkout_notebooks_are_the_packaged_ones():
    for name in ("audit_report.ipynb", "batch_overview.ipynb"):
        assert (ROOT / "notebooks" / name).resolve() == (ROOT / "src" / "xxgk_audit" / "notebooks" / name).resolve()


def test_check_memo_and_batch_work_from_any_folder_without_the_checkout(fresh, tmp_path):
    work = tmp_path / "elsewhere"
    (work / "in").mkdir(parents=True)
    report = work / "in" / "2023_sample.txt"
    report.write_text(sample_text(), encoding="utf-8")
    bad = work / "in" / "2023_bad.txt"
    bad.write_text(set_t4_value(sample_text(), "review.upheld", "3"), encoding="utf-8")

    where = subprocess.run([str(fresh / "python"), "-c", "import xxgk_audit; print(xxgk_audit.__file__)"], capture_output=True, text=True, cwd=work)
    assert str(fresh.parent) in where.stdout and str(ROOT) not in where.stdout, where.stdout + where.stderr

    checked = run(fresh, work, "check", "in/2023_sample.txt", "in/2023_bad.txt")
    assert checked.returncode == 1, checked.stderr
    assert "睢县工业和信息化和科技局" in checked.stdout and "T4-SUM" in checked.stdout
    assert checked.stderr.strip().endswith("2 份报告：1 份有错误，0 份有警告，1 份未发现错误或警告")

    memo = run(fresh, work, "memo", "in/2023_sample.txt", "--auditor", "周审核", *(["--pdf"] if shutil.which("chromium") else []))
    assert memo.returncode == 0, memo.stderr
    html = (work / "reports" / "2023_sample.html").read_text(encoding="utf-8")
    assert "政府信息公开工作年度报告审核备忘录" in html and "周审核" in html and html.count("xxgk-official") >= 3
    if shutil.which("chromium"):
        assert (work / "reports" / "2023_sample.pdf").read_bytes().startswith(b"%PDF-")

    batch = run(fresh, work, "batch", "in", "--out-dir", "batch-out")
    assert batch.returncode == 1, batch.stderr
    for name in ("findings.csv", "findings.xlsx", "reports.csv", "batch.json", "overview.html"):
        assert (work / "batch-out" / name).is_file(), name
    overview = (work / "batch-out" / "overview.html").read_text(encoding="utf-8")
    assert "批量审核总览" in overview and "<script" not in overview.lower()
