"""``xxgk-audit lab``: JupyterLab opens a working copy under reports/, never the tracked notebook."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from types import SimpleNamespace

from helpers import ROOT
from xxgk_audit import lab

TRACKED = ROOT / "src" / "xxgk_audit" / "notebooks" / "audit_report.ipynb"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_working_copy_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_OUT_DIR", str(tmp_path / "reports"))
    before = digest(TRACKED)
    copy = lab.working_copy()
    assert copy == tmp_path / "reports" / "notebooks" / "audit_report.ipynb"
    assert copy.read_bytes() == TRACKED.read_bytes()
    copy.write_text(copy.read_text(encoding="utf-8").replace('"outputs": []', '"outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]', 1), encoding="utf-8")
    edited = copy.read_bytes()
    assert lab.working_copy() == copy and copy.read_bytes() == edited  # the auditor's copy survives
    assert lab.working_copy(fresh=True).read_bytes() == TRACKED.read_bytes()
    assert lab.working_copy("batch_overview").name == "batch_overview.ipynb"
    assert digest(TRACKED) == before


def test_lab_opens_the_copy_in_jupyterlab(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_OUT_DIR", str(tmp_path / "reports"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name: object() if name == "jupyterlab" else None)
    calls = []
    monkeypatch.setattr(lab.subprocess, "call", lambda command, cwd: calls.append((command, cwd)) or 0)
    args = SimpleNamespace(notebook="audit_report", dir=None, no_browser=True, fresh=False)
    assert lab.cmd_lab(args) == 0
    (command, cwd), = calls
    assert command[:3] == [sys.executable, "-m", "jupyterlab"] and "--no-browser" in command
    opened = cwd / command[4]
    assert opened == (tmp_path / "reports" / "notebooks" / "audit_report.ipynb").resolve()


def test_without_jupyterlab_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name: None)
    args = SimpleNamespace(notebook="audit_report", dir=str(tmp_path), no_browser=True, fresh=False)
    assert lab.cmd_lab(args) == 2


def test_reports_is_not_tracked():
    ignored = subprocess.run(["git", "check-ignore", "reports/notebooks/audit_report.ipynb", "reports/app-settings.json"], cwd=ROOT, capture_output=True, text=True)
    if ignored.returncode == 128:
        return  # not a git checkout (an unpacked source tree)
    assert ignored.stdout.split() == ["reports/notebooks/audit_report.ipynb", "reports/app-settings.json"]
