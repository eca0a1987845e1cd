"""Speed and memory of ``xxgk-audit batch`` on many generated reports.

    .venv/bin/python benchmarks/bench_batch.py [--reports 10000] [--jobs 2] [--agencies-per-year 5000] [--keep DIR]

Writes ``--reports`` text reports made from the bundled sample (one agency per name, consecutive
years, every tenth with a 表四 sum error), runs ``xxgk-audit batch DIR --jobs N`` as a subprocess
and prints the wall time, the CPU time (user + system of the batch and all its
processes, as last sampled; on a busy machine CPU / cores is the better guide) and the peak resident memory of the whole process tree (sampled every
50 ms: the batch, its workers and the overview kernel). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "2023_suixian-gxj.txt"
AGENCY = "睢县工业和信息化和科技局"


def _name(number: int) -> str:
    """A distinct agency name without digits (the title parser rejects digits in a name)."""
    digits = "零一二三四五六七八九"
    return "第" + "".join(digits[int(d)] for d in f"{number:05d}") + "号"


def generate(folder: Path, reports: int, per_year: int) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    years = max(1, -(-reports // per_year))
    n = 0
    for y in range(years):
        year = 2023 - years + 1 + y
        for a in range(per_year):
            if n >= reports:
                return
            body = text.replace(AGENCY, f"示范县{_name(a)}局").replace("2023", str(year))
            if n % 10 == 0:  # a 表四 total that does not add up: one T4-SUM error
                body = body.replace("\n" + "\t".join("0" * 15) + "\n", "\n1\t" + "\t".join("0" * 14) + "\n", 1)
            sub = folder / f"{a // 500:02d}"
            sub.mkdir(exist_ok=True)
            (sub / f"{year}_{a:05d}.txt").write_text(body, encoding="utf-8")
            n += 1


def sample(process: psutil.Popen, stop: threading.Event, out: dict) -> None:
    """Peak RSS of the process tree, and the last CPU time seen of every process in it."""
    peak, cpu = 0, {}
    while not stop.is_set():
        try:
            procs = [process] + process.children(recursive=True)
        except psutil.Error:
            procs = []
        total = 0
        for p in procs:
            try:
                with p.oneshot():
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(0.05)
    out["peak"], out["cpu"] = peak, sum(cpu.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--agencies-per-year", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "in"
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(folder, args.reports, args.agencies_per_year)
        print(f"generated {args.reports} reports in {time.perf_counter() - started:.1f} s")
        out = Path(tmp) / "out"
        command = [str(Path(sys.executable).with_name("xxgk-audit")), "batch", str(folder), "--out-dir", str(out), "--jobs", str(args.jobs)]
        started = time.perf_counter()
        process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stop, seen = threading.Event(), {}
        sampler = threading.Thread(target=sample, args=(process, stop, seen))
        sampler.start()
        stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        print(stderr.strip().splitlines()[-1] if stderr.strip() else "")
        print(f"exit {process.returncode}; wall {elapsed:.1f} s; CPU ≥ {seen['cpu']:.1f} s; peak RSS of the process tree {seen['peak'] / 2**20:.0f} MB")
        for name in ("findings.csv", "findings.xlsx", "reports.csv", "overview.html"):
            path = out / name
            print(f"  {name:15} {path.stat().st_size / 2**20:7.1f} MB" if path.exists() else f"  {name:15} missing")


if __name__ == "__main__":
    main()
