"""Speed of ``check``: load + parse + audit of one report in-process, against a floor, and start-up.

    .venv/bin/python benchmarks/bench_check.py [--runs 20] [FILE ...]

Measured in this process, after one warm-up run each (median of --runs):

- every report of ../shared/corpus and the bundled sample, and generated reports (tests/synth) in
  all five formats; or the FILEs given;
- the floor for the same bytes: read + decode + a regex tokenisation of the text (numbers and single
  characters, the natural tokens of Chinese text without word boundaries), and the ratio to it;
- ``xxgk-audit check`` start-up on the sample against ``python -c pass`` (fresh processes).

Targets (issue "Fast enough for a national sweep"): ≤ 5 ms per typical text/HTML report and ≤ 10×
its floor; start-up ≤ 0.3 s above bare Python. Prints each target and whether it holds. Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from xxgk_audit import audit, load_report  # noqa: E402
from xxgk_audit.loaders.decode import decode  # noqa: E402

TOKEN = re.compile(r"\d+(?:\.\d+)?|\w|\S")
TYPICAL = {".txt", ".md", ".html", ".htm"}


def median_ms(func, runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def floor(path: Path) -> None:
    text, _ = decode(path.read_bytes())
    TOKEN.findall(text)


def startup_ms(runs: int) -> tuple[float, float]:
    def run(args: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True)
        return (time.perf_counter() - start) * 1000

    sample = str(ROOT / "data" / "samples" / "2023_suixian-gxj.txt")
    cli = [sys.executable, "-m", "xxgk_audit.cli", "check", sample]
    bare = [sys.executable, "-c", "pass"]
    run(cli)
    return statistics.median(run(cli) for _ in range(runs)), statistics.median(run(bare) for _ in range(runs))


def generated(folder: Path) -> list[Path]:
    from synth.generate import make_report
    from synth.render import write

    files = []
    for layout_id, seed in (("2021", 1), ("2019", 2)):
        report = make_report(layout_id, seed, profile="medium")
        files += [write(report, fmt, folder, name=f"generated-{layout_id}-{fmt}") for fmt in ("txt", "md", "html", "docx", "pdf")]
    return files


def reports(folder: Path) -> list[Path]:
    """The sample, every corpus report (when ../shared is there) and generated reports in every format."""
    corpus = ROOT.parent / "shared" / "corpus"
    return [ROOT / "data" / "samples" / "2023_suixian-gxj.txt", *sorted(corpus.glob("*.*")), *generated(folder)]


def verdict(ok: bool) -> str:
    return "holds" if ok else "DOES NOT HOLD"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = args.files or reports(Path(tmp))
        print(f"{'report':34} {'check ms':>9} {'floor ms':>9} {'ratio':>7}")
        typical = []
        for path in files:
            check = median_ms(lambda: audit(load_report(path)), args.runs)
            base = median_ms(lambda: floor(path), args.runs)
            print(f"{path.name:34} {check:9.2f} {base:9.3f} {check / base:7.1f}x")
            if path.suffix in TYPICAL:
                typical.append((check, check / base))
    cli, bare = startup_ms(max(5, args.runs // 2))
    print(f"\nxxgk-audit check start-up (sample): {cli:.0f} ms; python -c pass: {bare:.0f} ms; difference {cli - bare:.0f} ms")
    if typical:
        worst_ms = max(ms for ms, _ in typical)
        median_ms_ = statistics.median(ms for ms, _ in typical)
        median_ratio = statistics.median(r for _, r in typical)
        print("\ntargets")
        print(f"  check ≤ 5 ms per typical text/HTML report: median {median_ms_:.2f} ms, worst {worst_ms:.2f} ms — {verdict(median_ms_ <= 5)}")
        print(f"  check ≤ 10× the floor (text/HTML): median {median_ratio:.1f}× — {verdict(median_ratio <= 10)}")
    print(f"  start-up ≤ 0.3 s above bare python: {cli - bare:.0f} ms — {verdict(cli - bare <= 300)}")


if __name__ == "__main__":
    main()
