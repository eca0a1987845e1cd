"""What the app and the memo write and read (issue 11): uploads with hostile names, a second upload
of the same name, the folders the app may read (enforced in the library), memo names that never
replace a batch overview or another report's memo, temporary files never written through a link."""

from __future__ import annotations

import datetime
import os

import pytest

pytest.importorskip("ipywidgets")

from memo_inputs import SAMPLE, arithmetic_error_text, write_report  # noqa: E402
from xxgk_audit import InputError  # noqa: E402
from xxgk_audit.paths import ROOTS_ENV, check_allowed, report_choices, save_upload, upload_name  # noqa: E402
from xxgk_audit.widgets import AuditApp  # noqa: E402


def upload(app, name: str, content: bytes) -> None:
    app.upload.value = ({"name": name, "type": "text/plain", "size": len(content), "content": memoryview(content), "last_modified": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)},)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_AUDIT_INBOX", str(tmp_path / "inbox"))
    return AuditApp(SAMPLE, review_dir=tmp_path / "out", choices=[])


# -- uploads --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fragment", [
    ("..", "文件名无效"),
    ("../../evil.txt", "文件名无效"),
    ("a\x00.txt", "文件名无效"),
    ("报" * 100 + ".txt", "文件名过长"),
    (".bashrc.txt", "文件名无效"),
    ("line\nbreak.txt", "文件名无效"),
    ("run.sh", "只能上传报告文件"),
])
def test_hostile_upload_names_are_refused_with_a_message(app, tmp_path, name, fragment):
    upload(app, name, arithmetic_error_text().encode("utf-8"))
    assert fragment in app.status.value and "无法保存上传的文件" in app.status.value
    inbox = tmp_path / "inbox"
    assert not inbox.exists() or list(inbox.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()
    assert app.loaded.report.source == str(SAMPLE)  # the report shown stays
    with pytest.raises(InputError):
        upload_name(name)


def test_a_second_upload_of_the_same_name_does_not_replace_the_first(app, tmp_path):
    first = arithmetic_error_text().encode("utf-8")
    second = SAMPLE.read_bytes()
    upload(app, "报告.txt", first)
    upload(app, "报告.txt", second)
    inbox = tmp_path / "inbox"
    assert (inbox / "报告.txt").read_bytes() == first
    assert (inbox / "报告 (2).txt").read_bytes() == second
    assert app.loaded.report.source == str(inbox / "报告 (2).txt") and "另存为" in app.status.value
    upload(app, "报告.txt", first)  # the same file again: no third copy
    assert sorted(p.name for p in inbox.iterdir()) == ["报告 (2).txt", "报告.txt"]


def test_an_upload_is_never_written_through_a_planted_link(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    os.symlink(victim, inbox / "报告.txt")
    path, renamed = save_upload("报告.txt", b"new content", inbox)
    assert renamed and path.name == "报告 (2).txt" and victim.read_text() == "keep me"


# -- the folders the app may read ---------------------------------------------------------------------------------

def test_the_app_reads_only_from_its_folders(tmp_path, monkeypatch):
    allowed = tmp_path / "allowed"
    inside = write_report(allowed / "sub", "arith.txt", arithmetic_error_text())
    outside = write_report(tmp_path / "elsewhere", "arith.txt", arithmetic_error_text())
    os.symlink(outside, allowed / "link.txt")  # a link out of an allowed folder leads nowhere
    monkeypatch.setenv(ROOTS_ENV, str(allowed))
    app = AuditApp(None, review_dir=tmp_path / "out")
    assert [value for _, value in app.picker.options if value] == [str(inside.resolve())]
    for refused in (outside, allowed / "link.txt", "/etc/passwd", allowed / ".." / "elsewhere" / "arith.txt"):
        app.path_field.value = str(refused)
        app.open_button.click()
        assert app.loaded is None and "只能打开这些文件夹中的报告" in app.status.value, refused
    app.path_field.value = str(inside)
    app.open_button.click()
    assert app.loaded is not None and app.loaded.report.source.endswith("arith.txt")
    with pytest.raises(InputError):
        check_allowed("/etc/passwd", [allowed])
    assert all("elsewhere" not in value for _, value in report_choices([allowed]))


def test_without_the_app_the_notebook_is_not_restricted(tmp_path, monkeypatch):
    monkeypatch.delenv(ROOTS_ENV, raising=False)
    outside = write_report(tmp_path / "elsewhere", "arith.txt", arithmetic_error_text())
    app = AuditApp(outside, review_dir=tmp_path / "out", choices=[])
    assert app.loaded is not None


# -- memo names -----------------------------------------------------------------------------------------------------

def test_a_memo_never_replaces_a_batch_overview_or_another_reports_memo(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "overview.html").write_text("<html>批量审核总览</html>", encoding="utf-8")
    (out / "notes.html").write_text("<html>not a memo</html>", encoding="utf-8")
    overview = write_report(tmp_path / "a", "overview.txt", arithmetic_error_text())
    app = AuditApp(overview, review_dir=out, choices=[])
    first = app.export()
    assert first.name == "overview-2.html" and (out / "overview.html").read_text(encoding="utf-8") == "<html>批量审核总览</html>"
    assert app.export() == first  # the same report's memo is replaced

    same_stem = write_report(tmp_path / "b", "overview.txt", arithmetic_error_text().replace("睢县", "杞县"))
    other = AuditApp(same_stem, review_dir=out, choices=[]).export()
    assert other.name == "overview-3.html" and first.read_text(encoding="utf-8").count("睢县") > 0

    notes = write_report(tmp_path / "c", "notes.txt", arithmetic_error_text())
    assert AuditApp(notes, review_dir=out, choices=[]).export().name == "notes-2.html"
    assert (out / "notes.html").read_text(encoding="utf-8") == "<html>not a memo</html>"


def test_memo_command_picks_free_names(tmp_path):
    from xxgk_audit.memo import memo_target

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.html").write_text("someone else's page", encoding="utf-8")
    assert memo_target(out, "a", "ff" * 32).name == "a-2.html"
    assert memo_target(out, "batch", "ff" * 32).name == "batch-2.html"
    assert memo_target(out, "b", "ff" * 32, taken={"b.html"}).name == "b-2.html"


def test_export_never_writes_through_a_planted_temporary_name(tmp_path):
    from xxgk_audit.files import write_atomic

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "memo.html"
    os.symlink(victim, tmp_path / "memo.html.part")  # where the old code wrote first
    write_atomic(target, "<html>memo</html>")
    assert victim.read_text() == "keep me" and target.read_text() == "<html>memo</html>"
    os.symlink(victim, tmp_path / "link.html")
    write_atomic(tmp_path / "link.html", "<html>x</html>")  # a link at the target itself is replaced, not followed
    assert victim.read_text() == "keep me" and not (tmp_path / "link.html").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "memo.html", "memo.html.part", "victim.txt"]


def test_memo_command_keeps_the_batch_overview(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    (out / "overview.html").write_text("<html>批量审核总览</html>", encoding="utf-8")
    report = write_report(tmp_path / "in", "overview.txt", arithmetic_error_text())
    proc = subprocess.run([sys.executable, "-m", "xxgk_audit.cli", "memo", str(report), "--out-dir", str(out)], capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 1, proc.stderr  # the report has errors
    assert proc.stdout.strip() == str(out / "overview-2.html")
    assert (out / "overview.html").read_text(encoding="utf-8") == "<html>批量审核总览</html>"
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
