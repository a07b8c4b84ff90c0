"""Start worker processes; each sets Django up and opens its own database connection.

Processes come from a fork server (a fresh interpreter that `multiprocessing` starts,
not a fork of pytest) that has imported Django, the database drivers and statecore, but
not set Django up and opened no connection: each worker calls ``django.setup()`` and
connects on its own, and starting 16 of them costs a fraction of 16 interpreter starts.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queues
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from tests.reliability import worker

CONTEXT = multiprocessing.get_context("forkserver")
#: Modules the fork server imports: Django's ORM and the backend of the server under test
#: (the other driver may not be installed).
_BACKEND = {"postgresql": "postgresql", "mysql": "mysql"}.get(
    os.environ.get("STATECORE_TEST_DB", ""), "dummy"
)
CONTEXT.set_forkserver_preload(
    ["django.db.models", f"django.db.backends.{_BACKEND}.base", "statecore", "statecore_django"]
)


def run(
    target: Callable[..., None],
    arguments: Sequence[tuple[Any, ...]],
    *,
    barrier: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> list[dict[str, Any]]:
    """Run ``target(queue, [barrier,] *args)`` in one process per ``arguments`` entry.

    Args:
        target: a function of `tests.reliability.worker`.
        arguments: the arguments of each process.
        barrier: pass a `multiprocessing.Barrier` shared by all processes.
        env: environment variables each process sets before setting Django up.
        timeout: seconds to wait for all results.

    Returns:
        The report of each process.

    Raises:
        AssertionError: a process failed (its traceback is in the message) or timed out.
    """
    results = CONTEXT.Queue()
    shared = (CONTEXT.Barrier(len(arguments)),) if barrier else ()
    processes = [
        CONTEXT.Process(
            target=worker.entry,
            args=(target.__name__, env or {}, results, *shared, *args),
            daemon=True,
        )
        for args in arguments
    ]
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=timeout))
    except queues.Empty:
        for process in processes:
            process.kill()
        msg = f"{len(processes) - len(reports)} worker(s) gave no result within {timeout} s"
        raise AssertionError(msg) from None
    for process in processes:
        process.join(timeout=30)
    errors = [report["error"] for report in reports if "error" in report]
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    return reports


def merge(reports: Sequence[dict[str, Any]]) -> tuple[list[Any], Counter[str]]:
    """Return every commit and the rejections by kind, over all reports."""
    commits: list[Any] = []
    rejected: Counter[str] = Counter()
    for report in reports:
        commits.extend(tuple(commit) for commit in report["commits"])
        rejected.update(report["rejected"])
    return commits, rejected


def raw_errors(rejected: Counter[str]) -> int:
    """How many rejections were raw database errors instead of statecore exceptions."""
    return sum(count for kind, count in rejected.items() if kind.startswith("raw:"))
