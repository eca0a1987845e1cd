"""Where the notebook finds reports and writes memos, from the repository root and from notebooks/."""

from helpers import ROOT, SAMPLE
from xxgk_audit.paths import inbox_dir, out_dir, repo_root, report_choices, resolve_report


def test_relative_sample_path_resolves_from_root_and_from_notebooks(monkeypatch):
    for cwd in (ROOT, ROOT / "notebooks"):
        monkeypatch.chdir(cwd)
        assert repo_root() == ROOT
        assert resolve_report("data/samples/2023_suixian-gxj.txt").resolve() == SAMPLE.resolve()


def test_out_dir_and_inbox_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("XXGK_AUDIT_OUT_DIR", raising=False)
    monkeypatch.delenv("XXGK_AUDIT_INBOX", raising=False)
    assert out_dir() == ROOT / "reports" and inbox_dir() == ROOT / "reports" / "inbox"
    monkeypatch.setenv("XXGK_AUDIT_OUT_DIR", str(tmp_path / "memos"))
    monkeypatch.setenv("XXGK_AUDIT_INBOX", str(tmp_path / "inbox"))
    assert out_dir() == tmp_path / "memos" and inbox_dir() == tmp_path / "inbox"


def test_choices_cover_data_and_the_inbox(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.html").write_text("<p>x</p>", encoding="utf-8")
    (inbox / "notes.xlsx").write_bytes(b"")
    (inbox / ".hidden.txt").write_text("x", encoding="utf-8")
    monkeypatch.setenv("XXGK_AUDIT_INBOX", str(inbox))
    choices = dict(report_choices())
    assert choices["data/samples/2023_suixian-gxj.txt"] == str(SAMPLE.resolve())
    assert str(inbox / "a.html") in choices.values()
    assert not any(v.endswith(("notes.xlsx", ".hidden.txt")) for v in choices.values())
