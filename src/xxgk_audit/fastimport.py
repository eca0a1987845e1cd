"""Keep the Jupyter libraries' import cheap (imported first by the modules that need nbformat)."""

from __future__ import annotations

import sys


def avoid_slow_imports() -> None:
    """Keep jsonschema from importing the optional ``rfc3987_syntax`` (about 1–3 s per process).

    nbformat imports jsonschema, whose format checker builds a large grammar at import time when
    ``rfc3987_syntax`` is installed (it comes with ``jsonschema[format-nongpl]``, which jupyter-events
    and so JupyterLab and Voilà require). Notebook validation never checks IRI formats, so the module
    is hidden from this process; an import of it raises ImportError, which jsonschema expects.
    """
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]


avoid_slow_imports()
