"""Running tasks on an executor: in this process, in a process pool, or on any object whose
``submit(fn, *args)`` returns a future (``concurrent.futures``, Dask)."""

from __future__ import annotations

from collections import deque
from typing import Iterable


class _InlineExecutor:
    """``submit`` runs the call at once in this process (``jobs=1``): no pickling, no processes."""

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, **kwargs) -> None:
        pass


def process_pool(jobs: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["xxgk_audit.batch", "xxgk_audit.engine", "xxgk_audit.loaders", "xxgk_audit.parse"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def parallelism(executor, jobs: int) -> int:
    """How many tasks the executor runs at once (a guess for foreign executors)."""
    for owner in (executor, getattr(executor, "_client", None)):
        if owner is None:
            continue
        workers = getattr(owner, "_max_workers", None)
        if isinstance(workers, int) and workers > 0:
            return workers
        nthreads = getattr(owner, "nthreads", None)
        if callable(nthreads):
            try:
                return max(1, sum(nthreads().values()))
            except Exception:  # noqa: BLE001 - a guess only
                pass
    return max(1, jobs)


class Runner:
    """Submits tasks with a bounded window and yields results in submission order.

    Without an ``executor``, ``jobs=1`` runs in this process and ``jobs>1`` in a process pool the
    runner creates, owns and replaces when a worker process dies.
    """

    def __init__(self, executor, jobs: int):
        self.owned = executor is None
        self.jobs = max(1, jobs)
        self.executor = executor if executor is not None else (_InlineExecutor() if self.jobs == 1 else process_pool(self.jobs))
        self.window = 4 * parallelism(self.executor, self.jobs)

    def submit(self, fn, *args):
        from concurrent.futures import BrokenExecutor

        try:
            return self.executor.submit(fn, *args)
        except (BrokenExecutor, RuntimeError):
            if not self.owned or self.jobs == 1:
                raise
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = process_pool(self.jobs)
            return self.executor.submit(fn, *args)

    def run(self, fn, tasks: Iterable, *args):
        """Yields ``(task, result, exception)`` in task order."""
        pending: deque = deque()
        source = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                try:
                    pending.append((task, self.submit(fn, task, *args)))
                except Exception as exc:  # noqa: BLE001 - reported with the task
                    pending.append((task, exc))
            if not pending:
                return
            task, future = pending.popleft()
            if isinstance(future, BaseException):
                yield task, None, future
                continue
            try:
                yield task, future.result(), None
            except Exception as exc:  # noqa: BLE001 - a worker died or the task raised
                yield task, None, exc

    def close(self, cancel: bool = False) -> None:
        """Shut down a pool the runner created (``cancel``: after an error or Ctrl-C, do not wait)."""
        if self.owned:
            if cancel:
                self.executor.shutdown(wait=False, cancel_futures=True)
            else:
                self.executor.shutdown(wait=True)
