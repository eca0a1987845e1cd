"""Reports as other programs turn them into PDF: a web page printed by Chromium, a Word document
exported by LibreOffice (when it is installed). Each PDF reads back with the cells of its source and
no error the source does not have.

These are the PDFs agencies publish besides WPS and Word ones: borders drawn as thin rectangles,
tables cut by page breaks with no rule along the break, a font subset per run whose metrics differ,
numbers wrapped in narrow cells, labels cut over two pages.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from xxgk_audit import audit, load_report

synth_generate = pytest.importorskip("synth.generate")
synth_render = pytest.importorskip("synth.render")

SEEDS = range(8)


def _same_reading(source, printed) -> None:
    before, after = load_report(source), load_report(printed)
    differences = {k: (v, after.values().get(k, "ABSENT")) for k, v in before.values().items() if after.values().get(k, "ABSENT") != v}
    assert differences == {}, printed.name
    errors = {f.rule for f in audit(before).findings if f.severity == "error"}
    new = [(f.rule, f.message) for f in audit(after).findings if f.severity == "error" and f.rule not in errors]
    assert new == [], printed.name


@pytest.mark.parametrize("seed", SEEDS)
def test_a_web_page_printed_by_chromium(tmp_path, seed):
    from xxgk_audit.printing import PdfUnavailable, html_to_pdf, unavailable

    if unavailable():
        pytest.skip(unavailable())
    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed, variety=True)
    page = synth_render.write(synthetic, "html", tmp_path, name=f"h{seed}")
    try:
        printed = html_to_pdf(page, tmp_path / f"h{seed}.pdf")
    except PdfUnavailable as exc:
        pytest.skip(exc.reason)
    _same_reading(page, printed)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_word_document_exported_by_libreoffice(tmp_path, seed):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    synthetic = synth_generate.make_report("2019" if seed % 4 == 3 else "2021", seed, variety=True)
    document = synth_render.write(synthetic, "docx", tmp_path, name=f"g{seed}")
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(document)],
        check=True, capture_output=True, timeout=180,
    )
    _same_reading(document, tmp_path / f"g{seed}.pdf")
