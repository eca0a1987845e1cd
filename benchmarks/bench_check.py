"""Speed of parsing + auditing one report in-process, per corpus file, against a floor.

    .venv/bin/python benchmarks/bench_check.py [--runs 20] [FILE ...]

For each file: the median of --runs runs of load_report + audit (after one warm-up run), and the
floor for the same bytes measured in the same process: read + decode + a regex tokenisation of the
text. Prints ms per report and the ratio to the floor. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xxgk_audit import audit, load_report  # noqa: E402
from xxgk_audit.loaders.decode import decode  # noqa: E402

TOKEN = re.compile(r"\d+(?:\.\d+)?|[\u4e00-\u9fff]+|\S")


def median_ms(func, runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def floor(path: Path) -> None:
    data = path.read_bytes()
    text, _ = decode(data)
    TOKEN.findall(text)


def startup_ms(runs: int) -> tuple[float, float]:
    def run(args):
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True)
        return (time.perf_counter() - start) * 1000

    sample = str(ROOT / "data" / "samples" / "2023_suixian-gxj.txt")
    cli = [sys.executable, "-m", "xxgk_audit.cli", "check", sample]
    bare = [sys.executable, "-c", "pass"]
    return statistics.median(run(cli) for _ in range(runs)), statistics.median(run(bare) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    corpus = ROOT.parent / "shared" / "corpus"
    files = args.files or [ROOT / "data" / "samples" / "2023_suixian-gxj.txt"] + sorted(p for p in corpus.glob("*.*"))
    print(f"{'file':34} {'check ms':>9} {'floor ms':>9} {'ratio':>7}")
    for path in files:
        check = median_ms(lambda: audit(load_report(path)), args.runs)
        base = median_ms(lambda: floor(path), args.runs)
        print(f"{path.name:34} {check:9.2f} {base:9.3f} {check / base:7.1f}x")
    cli, bare = startup_ms(max(3, args.runs // 4))
    print(f"\nxxgk-audit check (sample) {cli:.0f} ms; python -c pass {bare:.0f} ms; difference {cli - bare:.0f} ms")


if __name__ == "__main__":
    main()
