"""Speed and memory of ``xxgk-audit batch`` on many generated reports of mixed formats.

    .venv/bin/python benchmarks/bench_batch.py [--reports 10000] [--jobs 2] [--sizes 2500,5000]
                                               [--mix txt:40,md:15,html:25,docx:12,pdf:8] [--keep DIR]
                                               [--plain]

Generates ``--reports`` reports with the test generator (tests/synth: consistent tables, realistic
narrative, both layouts, every tenth with an injected arithmetic error; two consecutive years per
agency so that the batch pairs them) in the formats of ``--mix`` (percent), then runs
``xxgk-audit batch DIR --jobs N`` as a subprocess on the first n reports for every n of ``--sizes``
and on all of them. For each run it prints the wall time, reports per second, the CPU time (user +
system of the batch and all its processes, as last sampled) and the peak resident memory of the
whole process tree (sampled every 50 ms: the batch, its workers and the overview kernel).

The batch runs as a supervising office runs it: with a roster of the agencies of the newest year
(``--roster``: every agency of the batch, plus 2 % that published nothing), a crawler's record of
first-seen dates for half of the files (``--dates``) and the example scoring sheet (``--sheet``); it
writes cells.parquet and cells.csv as always. ``--plain`` runs without roster, dates and sheet.

Targets: 10,000 reports in under 60 s with --jobs 2; peak memory under 500 MB; memory flat as the
count grows (peak at the largest size at most 1.25× the peak at the smallest). Generation is not
timed. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

TARGET_SECONDS, TARGET_MB, TARGET_GROWTH = 60.0, 500.0, 1.25
_DIGITS = "零一二三四五六七八九"


def _agency(number: int) -> str:
    """A distinct agency name without digits (titles with digits in the name are not agencies)."""
    return "示范县第" + "".join(_DIGITS[int(d)] for d in f"{number:05d}") + "号局"


def _formats(mix: str, count: int) -> list[str]:
    shares = [(fmt, float(share)) for fmt, share in (part.split(":") for part in mix.split(","))]
    total = sum(share for _, share in shares)
    order = [fmt for fmt, share in shares for _ in range(round(share / total * 100))]
    return [order[i % len(order)] for i in range(count)]


def _write_one(job: tuple[int, str, str]) -> None:
    from synth.generate import inject_error, make_report
    from synth.render import write

    number, fmt, folder = job
    agency, year = _agency(number // 2), 2023 + number % 2
    layout = "2021"
    report = make_report(layout, number, agency=agency, year=year, profile="small" if number % 3 else "medium")
    if number % 10 == 0:
        report, _ = inject_error(report, random.Random(number))
    write(report, fmt, Path(folder) / f"{number // 1000:02d}", name=f"{year}_{number:05d}")


def generate(folder: Path, count: int, mix: str) -> None:
    formats = _formats(mix, count)
    jobs = [(n, formats[n], str(folder)) for n in range(count)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(_write_one, jobs, chunksize=64))


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


def subset(folder: Path, count: int, target: Path) -> Path:
    """The first ``count`` generated files, linked into ``target``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())[:count]
    for path in files:
        link = target / path.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(path, link)
    return target


def side_files(folder: Path, target: Path) -> list[str]:
    """A roster of the newest year's agencies (and a few that published nothing) and a crawler's
    record of first-seen dates for every other file: the ``batch`` options for them."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    numbers = sorted({int(p.stem.split("_")[1]) // 2 for p in files})
    roster = target / "roster.csv"
    extra = max(1, len(numbers) // 50)
    rows = [f"{_agency(n)},政府部门" for n in numbers] + [f"{_agency(100000 + n)},政府部门" for n in range(extra)]
    roster.write_text("单位,类型\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dates = target / "dates.csv"
    lines = [f"{p},http://example.gov.cn/{p.stem},{2024 + int(p.stem.split('_')[0]) - 2023}-01-{10 + k % 20:02d}" for k, p in enumerate(files) if k % 2]
    dates.write_text("file,url,first_seen\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return ["--roster", str(roster), "--dates", str(dates), "--sheet", "example-annual-report"]


def run(folder: Path, out: Path, jobs: int, extra: list[str] = ()) -> dict:
    command = [str(Path(sys.executable).with_name("xxgk-audit")), "batch", str(folder), "--out-dir", str(out), "--jobs", str(jobs), *extra]
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop, seen = threading.Event(), {}
    sampler = threading.Thread(target=sample, args=(process, stop, seen))
    sampler.start()
    _, stderr = process.communicate()
    seen["wall"] = time.perf_counter() - started
    stop.set()
    sampler.join()
    seen["exit"] = process.returncode
    lines = [line for line in stderr.strip().splitlines() if line.startswith("完成")]
    seen["last_line"] = lines[-1] if lines else (stderr.strip().splitlines() or [""])[-1]
    parquet = out / "cells.parquet"
    seen["cells"] = (parquet.stat().st_size, _rows(parquet)) if parquet.is_file() else None
    seen["scored"] = sum(1 for _ in open(out / "scores.csv", encoding="utf-8-sig")) - 1 if (out / "scores.csv").is_file() else 0
    return seen


def _rows(parquet: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(parquet).metadata.num_rows


def verdict(ok: bool) -> str:
    return "holds" if ok else "DOES NOT HOLD"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", default="2500,5000", help="smaller counts, run first, for the memory growth")
    parser.add_argument("--mix", default="txt:40,md:15,html:25,docx:12,pdf:8")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--plain", action="store_true", help="without roster, dates and scoring sheet")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s and int(s) < args.reports} | {args.reports})
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "in"
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if not any(folder.rglob("*.*")):
            generate(folder, args.reports, args.mix)
        print(f"generated {args.reports} reports ({args.mix}) in {time.perf_counter() - started:.0f} s")
        results = {}
        for size in sizes:
            source = folder if size == args.reports else subset(folder, size, Path(tmp) / f"first-{size}")
            side = Path(tmp) / f"side-{size}"
            side.mkdir()
            extra = [] if args.plain else side_files(source, side)
            results[size] = seen = run(source, Path(tmp) / f"out-{size}", args.jobs, extra)
            cells = f", cells.parquet {seen['cells'][1]} rows {seen['cells'][0] / 2**20:.0f} MB" if seen["cells"] else ""
            print(
                f"{size:6d} reports, --jobs {args.jobs}{'' if args.plain else ' with roster, dates, sheet'}: wall {seen['wall']:6.1f} s, {size / seen['wall']:6.0f} reports/s, "
                f"CPU ≥ {seen['cpu']:6.1f} s, peak RSS {seen['peak'] / 2**20:5.0f} MB, exit {seen['exit']}{cells}, {seen['scored']} agencies scored  ({seen['last_line']})"
            )
    largest, smallest = results[sizes[-1]], results[sizes[0]]
    growth = largest["peak"] / smallest["peak"]
    print("\ntargets")
    print(f"  {sizes[-1]} reports in under {TARGET_SECONDS:.0f} s on {args.jobs} cores: {largest['wall']:.1f} s — {verdict(largest['wall'] < TARGET_SECONDS)}")
    print(f"  peak memory under {TARGET_MB:.0f} MB: {largest['peak'] / 2**20:.0f} MB — {verdict(largest['peak'] / 2**20 < TARGET_MB)}")
    print(f"  memory flat as the count grows ({sizes[0]} → {sizes[-1]}): ×{growth:.2f} — {verdict(growth <= TARGET_GROWTH)}")


if __name__ == "__main__":
    main()
