"""Planning the audit pass (parent): priors and members give components, components give tasks.

Reports linked by a prior or a hierarchy form a component; a component is ordered (prior before
report, members before summary) and never split, and components are packed into tasks of about
``chunk_size`` files. Each :class:`~.records.WorkItem` says which earlier reports of its task it
needs, and when a held report can be released.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Sequence

from ..shown import shown
from .pairing import pair_records
from .records import ScanRecord, WorkItem


@dataclass
class Plan:
    tasks: list[list[WorkItem]]
    prior_of: dict[int, int]
    members_of: dict[int, tuple[int, ...]]
    series: dict[int, str]
    notes: list[str]


def plan_batch(records: Sequence[ScanRecord], members_of: dict[int, tuple[int, ...]], chunk_size: int) -> Plan:
    """Pair, group and order the readable reports into tasks (see the module docstring)."""
    readable = {r.index: r for r in records if r.error is None}
    prior_of = pair_records([readable[i] for i in sorted(readable)])
    members_of = {s: tuple(m for m in ms if m in readable and m != s) for s, ms in members_of.items() if s in readable}
    deps: dict[int, list[int]] = {i: [] for i in readable}
    for report, prior in prior_of.items():
        deps[report].append(prior)
    for summary, members in members_of.items():
        deps[summary].extend(members)

    notes: list[str] = []
    ordered = [_order(nodes, deps, readable, members_of, notes) for nodes in _components(readable, deps)]
    tasks: list[list[WorkItem]] = []
    current: list[int] = []
    for order in ordered:
        current.extend(order)
        if len(current) >= chunk_size:
            tasks.append(_items(current, readable, prior_of, members_of))
            current = []
    if current:
        tasks.append(_items(current, readable, prior_of, members_of))
    return Plan(tasks, prior_of, members_of, _series(readable, prior_of), notes)


def context_task(item: WorkItem, items_by_index: dict[int, WorkItem]) -> list[WorkItem]:
    """``item`` alone, preceded by its prior and members as context (for a retry)."""
    needs = ([item.prior] if item.prior is not None else []) + list(item.members)
    context = [items_by_index[n] for n in needs if n in items_by_index]
    out = [WorkItem(c.index, c.path, c.spool, keep=True, report=False) for c in context]
    out.append(replace(item, keep=False, report=True, release=tuple(c.index for c in context)))
    return out


def _find(parent: dict[int, int], x: int) -> int:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _series(readable: dict[int, ScanRecord], prior_of: dict[int, int]) -> dict[int, str]:
    """Series: the reports linked by priors, named after the agency of the latest report."""
    chain: dict[int, int] = {}
    for report, prior in prior_of.items():
        chain[_find(chain, report)] = _find(chain, prior)
    latest: dict[int, ScanRecord] = {}
    for record in readable.values():
        root = _find(chain, record.index)
        best = latest.get(root)
        if best is None or (record.year or 0, -record.index) > (best.year or 0, -best.index):
            latest[root] = record
    return {i: (latest[_find(chain, i)].agency or "") for i in readable}


def _components(readable: dict[int, ScanRecord], deps: dict[int, list[int]]) -> list[list[int]]:
    """Reports linked by a prior or a hierarchy, audited in one task; by their first index."""
    parent: dict[int, int] = {}
    for node, needs in deps.items():
        for need in needs:
            parent[_find(parent, node)] = _find(parent, need)
    components: dict[int, list[int]] = defaultdict(list)
    for node in sorted(readable):
        components[_find(parent, node)].append(node)
    return sorted(components.values(), key=lambda ns: ns[0])


def _order(nodes: list[int], deps: dict[int, list[int]], readable: dict[int, ScanRecord], members_of: dict[int, tuple[int, ...]], notes: list[str]) -> list[int]:
    """A component's reports, each after what it needs (earlier years first).

    A cycle in the hierarchy declarations: the summaries caught in it (or waiting on it) lose
    their members (removed from ``members_of``, with a note) and follow in year order.
    """
    waiting = {n: len(set(deps[n])) for n in nodes}
    users: dict[int, list[int]] = defaultdict(list)
    for n in nodes:
        for need in set(deps[n]):
            users[need].append(n)
    ready = [((readable[n].year or 0), n) for n in nodes if waiting[n] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(n)
        for user in users[n]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, ((readable[user].year or 0), user))
    if len(order) < len(nodes):
        stuck = [n for n in nodes if n not in set(order)]
        for n in stuck:
            if members_of.pop(n, None):
                notes.append(f"层级声明有循环，未核对“{shown(readable[n].path)}”的汇总数（HIERARCHY-SUM）")
        order += sorted(stuck, key=lambda n: ((readable[n].year or 0), n))
    return order


def _items(order: list[int], readable: dict[int, ScanRecord], prior_of: dict[int, int], members_of: dict[int, tuple[int, ...]]) -> list[WorkItem]:
    """The work items of one task: what each needs, which to hold and when to release them."""
    position = {n: k for k, n in enumerate(order)}
    last_use: dict[int, int] = {}
    for k, n in enumerate(order):
        needs = ([prior_of[n]] if n in prior_of else []) + list(members_of.get(n, ()))
        for need in needs:
            if need in position and position[need] < k:
                last_use[need] = k
    releases: dict[int, list[int]] = defaultdict(list)
    for need, k in last_use.items():
        releases[k].append(need)
    items = []
    for k, n in enumerate(order):
        record = readable[n]
        items.append(
            WorkItem(
                index=n,
                path=record.path,
                spool=record.spool,
                prior=prior_of.get(n),
                members=members_of.get(n, ()),
                keep=n in last_use,
                release=tuple(sorted(releases.get(k, ()))),
            )
        )
    return items
