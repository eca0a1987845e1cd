"""Each report's prior: the same agency's report of the year before, found among the scan records."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

from .records import ScanRecord


def pair_records(records: Sequence[ScanRecord], budget: int = 250_000) -> dict[int, int]:
    """``{report index: prior index}``: the same agency's report of the previous year.

    "Same agency" is what :func:`xxgk_audit.loading.pair_priors` says (:mod:`xxgk_audit.agency`); among
    several such reports, one with exactly the same normalised name comes first. Each report is
    compared with the reports of the year before: all of them while the number of comparisons
    stays under ``budget``; beyond that (tens of thousands of reports) only with those whose agency
    key equals its own or is a suffix of it or the reverse (a name with or without its
    administrative prefix), which is every pair ``same_agency`` can accept.
    """
    from ..agency import agency_key
    from ..loading import pair_priors

    by_year: dict[int, list[ScanRecord]] = defaultdict(list)
    for record in records:
        if record.error is None and record.agency and record.year is not None:
            by_year[record.year].append(record)
    prior_of: dict[int, int] = {}
    for year, group in sorted(by_year.items()):
        candidates = by_year.get(year - 1)
        if not candidates:
            continue
        keys = {candidate.index: agency_key(candidate.agency) for candidate in candidates}
        narrow = _suffix_blocks(candidates, keys) if len(group) * len(candidates) > budget else None
        for record in group:
            key = agency_key(record.agency)
            pool = candidates if narrow is None else narrow(key)
            exact = [candidate for candidate in pool if keys[candidate.index] == key]
            hits = pair_priors(record, exact + pool)  # the first of a year wins
            if hits:
                prior_of[record.index] = hits[0].index
    return prior_of


def _suffix_blocks(candidates: list[ScanRecord], keys: dict[int, str]) -> Callable[[str], list[ScanRecord]]:
    """Candidates whose agency key equals a key, is a suffix of it, or ends with it (in order)."""
    exact: dict[str, list[ScanRecord]] = defaultdict(list)
    ending: dict[str, list[ScanRecord]] = defaultdict(list)
    for candidate in candidates:
        key = keys[candidate.index]
        exact[key].append(candidate)
        for i in range(1, len(key)):
            ending[key[i:]].append(candidate)

    def pool(key: str) -> list[ScanRecord]:
        found: dict[int, ScanRecord] = {}
        for i in range(len(key)):
            for candidate in exact.get(key[i:], ()):
                found[candidate.index] = candidate
        for candidate in ending.get(key, ()):
            found[candidate.index] = candidate
        return [found[i] for i in sorted(found)]

    return pool
