"""Speed of ``xxgk-audit memo`` against the standard papermill + nbconvert run of the same notebook.

    .venv/bin/python benchmarks/bench_memo.py [--runs 5] [--count 10] [REPORT]

Measured in this script, each as wall time of fresh processes (median of --runs, interleaved):

- standard: ``papermill notebooks/audit_report.ipynb OUT.ipynb -p report_path REPORT &&
  jupyter nbconvert --to html --no-input OUT.ipynb`` for one report;
- one memo: ``xxgk-audit memo REPORT``;
- ten memos: ``xxgk-audit memo`` with --count copies of REPORT in one call (one warm kernel).

Targets: one memo <= 0.5 x standard; ten memos in one call <= 1/10 of ten standard runs (i.e. the
time of one standard run), per memo <= standard / 10. Prints the ratios. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "audit_report.ipynb"
SAMPLE = ROOT / "data" / "samples" / "2023_suixian-gxj.txt"


def timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", default=str(SAMPLE))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    report = Path(args.report).resolve()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copies = []
        for number in range(args.count):
            copy = tmp / "in" / f"{report.stem}-{number:02d}{report.suffix}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(report, copy)
            copies.append(str(copy))
        executed = tmp / "std" / "out.ipynb"
        executed.parent.mkdir()
        standard = [
            [str(BIN / "papermill"), "--log-level", "ERROR", str(NOTEBOOK), str(executed), "-p", "report_path", str(report)],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed), "--log-level", "ERROR"],
        ]
        memo_one = [[str(BIN / "xxgk-audit"), "memo", str(report), "--out-dir", str(tmp / "one")]]
        memo_many = [[str(BIN / "xxgk-audit"), "memo", *copies, "--out-dir", str(tmp / "many")]]

        timed(memo_one, ROOT)  # warm the file cache for all three
        timed(standard, ROOT)
        runs = {"standard": [], "one": [], "many": []}
        for _ in range(args.runs):  # interleaved, so that load from other processes hits all three alike
            runs["standard"].append(timed(standard, ROOT))
            runs["one"].append(timed(memo_one, ROOT))
            runs["many"].append(timed(memo_many, ROOT))
        t_standard, t_one, t_many = (statistics.median(runs[k]) for k in ("standard", "one", "many"))

    per_memo = t_many / args.count
    ratio_one = t_one / t_standard
    ratio_many = t_many / (args.count * t_standard / 10)  # target: ten memos within 1/10 of ten standard runs
    print(f"standard papermill + nbconvert, one report : {t_standard:6.2f} s")
    print(f"xxgk-audit memo, one report                : {t_one:6.2f} s   ratio {ratio_one:.2f} (target <= 0.50)")
    print(f"xxgk-audit memo, {args.count} reports in one call      : {t_many:6.2f} s   {per_memo:.2f} s per memo")
    print(f"  ratio to 1/10 of {args.count} standard runs          : {ratio_many:.2f} (target <= 1.00; per memo {per_memo / t_standard:.3f} of a standard run, target <= 0.10)")
    ok = ratio_one <= 0.5 and ratio_many <= 1.0
    print("OK" if ok else "SLOWER THAN TARGET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
