"""The nbconvert exporter of the audit memo: one self-contained, offline HTML file.

``MemoExporter`` is registered under the ``nbconvert.exporters`` entry point as ``xxgk-memo``, so
``jupyter nbconvert --to xxgk-memo NOTEBOOK`` works as well as :func:`xxgk_audit.memo.export_notebook`.
The memo has no code cells, no prompts, no scripts and nothing fetched from the network: the CSS is
inlined from the package's template folder and a Content-Security-Policy forbids scripts and any
request. A title block and a signature block (审核人 / 日期) frame the notebook's outputs.

The notebook tells the exporter about the memo (title, agency, auditor, date …) through one output of
mimetype :data:`MEMO_META_MIME`; outputs marked ``{"xxgk": "style"}`` in their metadata carry CSS
for live notebooks and are dropped here because the memo inlines the same stylesheet; outputs
marked ``{"xxgk": "appendix"}`` are printed after the signature block (an appendix is not signed
over).
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources as _resources
from pathlib import Path

from . import fastimport  # noqa: F401 - before nbconvert imports nbformat
from nbconvert.exporters import TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode, default

from . import __version__
from .render import MEMO_META_MIME, MEMO_TITLE, memo_css

TEMPLATE_NAME = "xxgk_memo"
HIDDEN_TAGS = frozenset({"memo-hide", "remove_cell", "parameters", "injected-parameters"})
# Everything a memo may show; widget views, scripts and anything else are dropped.
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
KEPT_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain")


def templates_dir() -> Path:
    """The folder holding the package's nbconvert templates (package data, also in a wheel)."""
    return Path(str(_resources.files("xxgk_audit").joinpath("templates")))


class MemoPreprocessor(Preprocessor):
    """Collect the memo metadata, drop hidden cells, style outputs, stderr, errors and widget views."""

    def preprocess(self, nb, resources):
        meta: dict = {}
        appendix: list[str] = []
        cells = []
        for cell in nb.cells:
            if HIDDEN_TAGS.intersection(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "raw":
                continue
            if cell.cell_type == "code":
                outputs = []
                for output in cell.get("outputs", []):
                    data = output.get("data")
                    if output.output_type == "error" or (output.output_type == "stream" and output.get("name") != "stdout"):
                        continue
                    if data is not None:
                        if MEMO_META_MIME in data:
                            value = data[MEMO_META_MIME]
                            meta.update(value if isinstance(value, dict) else {})
                            continue
                        if output.get("metadata", {}).get("xxgk") == "style":
                            continue
                        if output.get("metadata", {}).get("xxgk") == "appendix" and "text/html" in data:
                            appendix.append(data["text/html"])  # printed after the signature block
                            continue
                        kept = {k: v for k, v in data.items() if k in KEPT_MIMETYPES}
                        if WIDGET_MIME in data and set(kept) <= {"text/plain"}:
                            continue  # a widget without a static version: its text/plain is only a repr
                        if not kept:
                            continue
                        output["data"] = kept
                    outputs.append(output)
                cell.outputs = outputs
                if not outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        memo = resources.setdefault("xxgk", {})
        for key, value in meta.items():
            memo.setdefault(key, value)
        if appendix:
            memo["appendix"] = "".join(appendix)
        return nb, resources


class MemoExporter(TemplateExporter):
    """审核备忘录（自包含 HTML，可离线打开、可打印为 A4）."""

    export_from_notebook = "审核备忘录 (xxgk-memo)"
    output_mimetype = "text/html"
    title = Unicode("", help="Memo title; default: the notebook's memo metadata or the audit memo title").tag(config=True)

    @property
    def default_config(self):
        from traitlets.config import Config

        config = Config(
            {
                "TemplateExporter": {
                    "exclude_input": True,
                    "exclude_input_prompt": True,
                    "exclude_output_prompt": True,
                }
            }
        )
        config.merge(super().default_config)
        return config

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    @default("template_name")
    def _template_name_default(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(templates_dir())] + super()._default_extra_template_basedirs()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Hide the code whatever the caller's configuration says: a memo never shows code.
        self.exclude_input = True
        self.exclude_input_prompt = True
        self.exclude_output_prompt = True
        self.register_preprocessor(MemoPreprocessor, enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        memo = resources.setdefault("xxgk", {})
        if self.title:
            memo["title"] = self.title
        return super().from_notebook_node(nb, resources, **kw)

    def default_filters(self):
        yield from super().default_filters()
        yield ("xxgk_finish", _finish_resources)
        yield ("xxgk_markdown", _markdown)
        yield ("xxgk_base64", _base64)


def _base64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _markdown(source: str) -> str:
    """Markdown cells as HTML, without the "¶" anchor links of notebooks; no harmful URL schemes."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, allow_harmful_protocols=False, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(source)


def _finish_resources(resources) -> dict:
    """The values of the title and signature blocks, with defaults (called from the template)."""
    memo = dict(resources.get("xxgk", {}))
    memo.setdefault("title", MEMO_TITLE)
    memo.setdefault("subtitle", "")
    memo.setdefault("auditor", "")
    memo.setdefault("date", _dt.date.today().isoformat())
    memo.setdefault("facts", [])
    memo.setdefault("appendix", "")
    memo["version"] = __version__
    memo["css"] = memo_css()
    return memo
