"""The output folder of a batch: one batch at a time, and the outputs of a run replaced together.

* A lock (``.xxgk-batch.lock``, an ``flock`` on a file opened without following links): a second
  batch into the same folder is refused with one line (:class:`FolderLocked`) instead of mixing
  its rows into the first one's files. The kernel drops the lock when the process ends, however
  it ends, so a killed batch never blocks the next one.
* A private staging folder (``mkdtemp``: mode 0700, a new name no one else can have prepared)
  receives every output of the run and the spool; only when the run is complete are the outputs
  moved into place, each by an atomic rename, and an output of an earlier run that this run did
  not make (an overview that failed) is removed with them. A run that fails or is interrupted
  leaves the previous outputs untouched, as a set.
* Leftovers of a run that was killed (its staging folder, ``*.part`` files of earlier versions)
  are removed by the next run, under the lock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

LOCK_NAME = ".xxgk-batch.lock"
STAGE_PREFIX = ".xxgk-batch-"
LEFTOVER_PREFIXES = (STAGE_PREFIX, ".xxgk-spool-")
OUTPUT_NAMES = (
    "findings.csv", "findings.xlsx", "reports.csv", "batch.json", "overview.html", "cells.parquet", "cells.csv",
    "publication.csv", "scores.csv", "scorecards.csv", "sheet.yaml", "followup.csv",  # with --roster, --sheet; several versions
)


class FolderLocked(Exception):
    """Another batch is writing into the output folder."""

    def __init__(self, folder: Path, pid: str | None):
        super().__init__(folder, pid)
        self.folder = folder
        self.pid = pid


class OutputFolder:
    """``with OutputFolder(out) as folder:`` the lock held, ``folder.stage`` ready; on a clean
    exit nothing is installed by itself: call :meth:`install` with the names the run completed."""

    def __init__(self, out: Path):
        self.out = out
        self.stage: Path | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> "OutputFolder":
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            remove_leftovers(self.out)
            self.stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.out))
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.stage is not None:
                _remove(self.stage)
                if self.stage.exists():  # a worker still finishing its task wrote into it: once more at exit
                    import atexit

                    atexit.register(_remove, self.stage)
        finally:
            self._unlock()

    def install(self, made: list[str]) -> dict[str, Path]:
        """Move the outputs ``made`` from the staging folder into place; remove every other output
        of an earlier run (it would describe other reports). Returns the installed paths."""
        installed = {}
        for name in OUTPUT_NAMES:
            target = self.out / name
            if name in made:
                os.replace(self.stage / name, target)
                installed[name] = target
            else:
                _remove(target)
        return installed

    # -- the lock ---------------------------------------------------------------------------------
    def _lock(self) -> None:
        import fcntl

        path = self.out / LOCK_NAME
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or None
            os.close(fd)
            raise FolderLocked(self.out, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._lock_fd = fd

    def _unlock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # the lock file stays: removing it would let two runs lock different files


def remove_leftovers(out: Path) -> None:
    """Staging and spool folders of runs that were killed, and ``*.part`` files of earlier versions."""
    try:
        entries = list(os.scandir(out))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(LEFTOVER_PREFIXES) or entry.name in {f"{name}.part" for name in OUTPUT_NAMES}:
            _remove(Path(entry.path))


def _remove(path: Path) -> None:
    """A file, a link or a folder tree (links are removed, never followed)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass
