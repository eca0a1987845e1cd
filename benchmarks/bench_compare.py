"""``check`` against a baseline checkout, side by side: the ratio of CPU time per report.

    .venv/bin/python benchmarks/bench_compare.py BASELINE_DIR [--rounds 5] [--runs 20] [FILE ...]

BASELINE_DIR is another checkout of the project (e.g. ``git worktree add --detach ../base <commit>``).
Each round runs one measuring process per tree, alternately, on the same reports (by default the
corpus, the sample and generated reports in every format, as ``bench_check.py`` uses); each process
loads, parses and audits every report ``--runs`` times after a warm-up and reports the median CPU
time (``time.process_time``) per report. The ratio current/baseline of each report is the median over
the rounds. Because both trees are measured under the same load, in alternation, the ratio holds on
a busy machine where absolute times do not. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from xxgk_audit import audit, load_report
paths, runs = json.loads(sys.argv[2]), int(sys.argv[3])
out = {}
for path in paths:
    audit(load_report(path))
    times = []
    for _ in range(runs):
        start = time.process_time()
        audit(load_report(path))
        times.append(time.process_time() - start)
    out[path] = statistics.median(times) * 1000
print(json.dumps(out))
"""


def default_reports(folder: Path) -> list[str]:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
    from bench_check import reports  # the same reports as bench_check.py

    return [str(p) for p in reports(folder)]


def measure(tree: Path, paths: list[str], runs: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tree / "src"), json.dumps(paths), str(runs)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = [str(p.resolve()) for p in args.files] or default_reports(Path(folder))
        ratios: dict[str, list[float]] = {p: [] for p in paths}
        times: dict[str, list[tuple[float, float]]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            base = measure(args.baseline.resolve(), paths, args.runs)
            current = measure(ROOT, paths, args.runs)
            for path in paths:
                ratios[path].append(current[path] / base[path])
                times[path].append((base[path], current[path]))
    print(f"{'report':34} {'base ms':>9} {'now ms':>9} {'ratio':>7}")
    overall = []
    for path in paths:
        ratio = statistics.median(ratios[path])
        overall.append(ratio)
        base_ms = statistics.median(t[0] for t in times[path])
        now_ms = statistics.median(t[1] for t in times[path])
        print(f"{Path(path).name[:34]:34} {base_ms:9.2f} {now_ms:9.2f} {ratio:6.2f}x")
    print(f"\nmedian ratio current/baseline: {statistics.median(overall):.2f}x (geometric mean {statistics.geometric_mean(overall):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
