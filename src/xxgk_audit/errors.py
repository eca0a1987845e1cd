"""The one exception the package raises for input it cannot read at all."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be audited at all: missing, empty, not a report, undecodable, too big.

    ``reason`` is a one-line Chinese message for the auditor; the CLI prints ``<path>: <reason>``
    and exits with status 2. Everything short of this becomes a finding instead.
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
