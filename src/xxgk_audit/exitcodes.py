"""Exit statuses of the commands (../shared/spec/interface.md) and the one-line reason for a bad input."""

from __future__ import annotations

import traceback

from .errors import InputError
from .shown import shown

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def fail_line(path: str, exc: BaseException, debug: bool = False) -> str:
    """``<path>: <reason>``: the one line printed for an input that could not be audited (the name
    escaped: a newline in it would split the line, see :mod:`xxgk_audit.shown`)."""
    return f"{shown(path)}: {fail_reason(exc, debug)}"


def fail_reason(exc: BaseException, debug: bool = False) -> str:
    """The one-line reason an input could not be audited."""
    if isinstance(exc, InputError):
        return shown(exc.reason)
    if debug:
        traceback.print_exc()
    return shown(f"内部错误，未能完成审核（{type(exc).__name__}: {exc}）；请用 --debug 运行并报告此问题")
