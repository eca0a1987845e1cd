"""Scanned reports: seconds per page, the cost of a cache hit, and the recognition rate per resolution.

    .venv/bin/python benchmarks/bench_ocr.py [--reports 4] [--resolutions 150 200 300] [--no-corpus]

For each resolution, generated reports (tests/synth: both layouts, every other one with an injected
arithmetic error, simplified characters) and the corpus PDFs (../shared/corpus, when present) are
printed, scanned (turned ±1.5° alternately, blurred, with noise: tests/scanner.py), wrapped as
image-only PDFs and read back with an empty OCR cache. Counted:

- cells equal to the known values (the generator's, or corpus/expected/*.json), and reports with
  every cell right;
- injected errors found as errors (an arithmetic finding naming the changed cell);
- error findings the same report does not give from its text layer: misreads that became errors
  (the target is none);
- warnings for possible misreads (failing equations explained by a misread value).

Speed: seconds per page (wall and CPU of the process, ONNX Runtime's threads included), and a second
reading of each file from the cache (ms per report, and against reading the text-layer PDF).
Requires the OCR extra (pip install -e ".[ocr]"). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
CORPUS = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared")) / "corpus"


def grave(result) -> set:
    return {(f.rule, f.cells) for f in result.findings if f.severity == "error"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=4, help="generated reports per resolution (default 4)")
    parser.add_argument("--resolutions", type=int, nargs="+", default=[150, 200, 300])
    parser.add_argument("--no-corpus", action="store_true", help="leave out the corpus PDFs")
    parser.add_argument("--rotation", type=float, default=1.5, help="degrees, alternating in sign (default 1.5)")
    parser.add_argument("--blur", type=float, default=0.7, help="Gaussian radius in pixels at 200 dpi (default 0.7)")
    parser.add_argument("--noise", type=float, default=8.0, help="standard deviation in gray levels (default 8)")
    parser.add_argument("--cache", help="OCR cache folder to use (default: a new, empty one: every page is recognized)")
    args = parser.parse_args()

    cache = args.cache or tempfile.mkdtemp(prefix="bench-ocr-cache-")
    os.environ["XXGK_AUDIT_OCR_CACHE"] = cache

    from scanner import Scan, image_pdf, scan_pages
    from synth import inject_error, make_report, render
    from xxgk_audit import audit, load_report
    from xxgk_audit.loaders import ocr, ocr_page

    spent = [0.0]  # seconds in ocr_page.recognize (the cached pages read back) during a cache hit
    recognize = ocr_page.recognize

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return recognize(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    ocr_page.recognize = timed

    if not ocr.available():
        print('the OCR extra is not installed: pip install -e ".[ocr]"')
        return 2
    print(f"engine: {ocr.engine_label()}; cache: {cache}; {os.cpu_count()} cores")
    print(f"scans: ±{args.rotation}° alternating, blur {args.blur} px at 200 dpi, noise σ {args.noise}")
    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))

    cases = []  # (name, text-layer pdf bytes, known cells, injected key, year)
    for seed in range(args.reports):
        layout = "2021" if seed % 2 == 0 else "2019"
        synthetic = make_report(layout, 100 + seed, traditional=False, word_markup=False)
        key = None
        if seed % 4 in (0, 3):
            synthetic, key = inject_error(synthetic, rng=seed)
        cases.append((f"synth-{layout}-{seed}", render(synthetic, "pdf"), synthetic.cells, key, synthetic.year))
    if not args.no_corpus and CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.pdf")):
            expected = json.loads((CORPUS / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
            cases.append((path.stem, path.read_bytes(), expected["cells"], None, expected["year"]))

    baseline = {}
    for name, pdf, _, _, _ in cases:
        source = work / f"{name}.pdf"
        source.write_bytes(pdf)
        baseline[name] = grave(audit(load_report(source)))

    summary = []
    for dpi in args.resolutions:
        cells = right = reports_right = injected = found = spurious = warned = pages = 0
        walls, cpus, hits, text_loads, cached_pages = [], [], [], [], []
        for index, (name, pdf, known, key, year) in enumerate(cases):
            scanned = scan_pages(pdf, Scan(dpi=dpi, rotation=args.rotation, blur=args.blur, noise=args.noise, seed=index))
            path = work / f"{name}-{dpi}.pdf"
            path.write_bytes(image_pdf(scanned, dpi, created=datetime(year + 1, 1, 10)))
            wall, cpu = time.perf_counter(), time.process_time()
            report = load_report(path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            count = len(scanned)
            pages += count
            walls.append(wall / count)
            cpus.append(cpu / count)
            spent[0] = 0.0
            started = time.perf_counter()
            load_report(path)
            hits.append(time.perf_counter() - started)
            cached_pages.append(spent[0] / count)
            started = time.perf_counter()
            load_report(work / f"{name}.pdf")
            text_loads.append(time.perf_counter() - started)
            wrong = {k: (v, report.value(k)) for k, v in known.items() if report.value(k) != v}
            cells += len(known)
            right += len(known) - len(wrong)
            reports_right += not wrong
            result = audit(report)
            errors = grave(result)
            if key is not None:
                injected += 1
                found += any(f.severity == "error" and f.group == "arithmetic" and key in f.cells for f in result.findings)
            extra = [e for e in errors - baseline[name] if not (key is not None and key in e[1])]
            spurious += len(extra)
            warned += sum(1 for f in result.findings if "可能是识别错误" in f.message)
            status = "all cells right" if not wrong else f"{len(wrong)} wrong: {list(wrong.items())[:3]}"
            print(f"  {dpi} dpi {name:<22} {count} pages {wall / count:5.1f} s/page  {status}" + (f"; errors from misreads: {extra}" if extra else ""))
        summary.append((dpi, len(cases), pages, right, cells, reports_right, found, injected, spurious, warned, walls, cpus, hits, text_loads, cached_pages))

    print()
    print("| scan | reports (pages) | cells right | reports with every cell right | injected errors found | errors from misreads | misread warnings | s/page wall (CPU) | cache hit: per report (text-layer PDF); cached page read back |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dpi, reports, pages, right, cells, reports_right, found, injected, spurious, warned, walls, cpus, hits, text_loads, cached_pages in summary:
        print(
            f"| {dpi} dpi | {reports} ({pages}) | {right}/{cells} ({100 * right / cells:.2f} %) | {reports_right}/{reports} | {found}/{injected} | {spurious} | {warned} "
            f"| {statistics.median(walls):.1f} ({statistics.median(cpus):.1f}) | {1000 * statistics.median(hits):.0f} ms ({1000 * statistics.median(text_loads):.0f} ms); "
            f"{1000 * statistics.median(cached_pages):.1f} ms/page |"
        )
    print()
    at_200 = next((s for s in summary if s[0] == 200), None)
    if at_200 is not None:
        holds = at_200[3] == at_200[4] and at_200[8] == 0
        print(f"target: every cell right at 200 dpi and no error from a misread — {'holds' if holds else 'does not hold'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
