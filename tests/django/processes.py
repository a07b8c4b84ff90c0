"""Run functions of this module in other OS processes connected to the test database.

Each process sets Django up with the test settings and points its ``default`` connection
at the database the test run created (``STATECORE_TEST_DB_NAME``), so that it sees what
the test committed (tests using it are ``django_db(transaction=True)``). Only PostgreSQL
and MariaDB can be shared by processes; the SQLite test database lives in memory.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = multiprocessing.get_context("spawn")

#: Marks a test module of processes sharing the database; on SQLite, whose in-memory test
#: database other processes cannot reach, such modules are not collected at all
#: (``SERVER_ONLY`` in tests/django/conftest.py).
needs_server = pytest.mark.skipif(
    os.environ.get("STATECORE_TEST_DB", "sqlite") == "sqlite",
    reason="processes share a database on PostgreSQL and MariaDB only",
)


def setup() -> None:
    """Configure Django in a worker process, on the test run's database."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.django.settings"
    from django.conf import settings

    name = os.environ["STATECORE_TEST_DB_NAME"]
    settings.DATABASES["default"]["NAME"] = name
    import django

    django.setup()


def _entry(function: Callable[..., Any], results: Any, args: tuple[Any, ...]) -> None:
    try:
        setup()
        results.put(function(*args))
    except BaseException:
        results.put({"error": traceback.format_exc()})


def run(
    function: Callable[..., Any],
    arguments: Sequence[tuple[Any, ...]],
    *,
    barrier: bool = False,
    timeout: float = 120,
) -> list[Any]:
    """Run ``function(*args)`` in one process per ``arguments`` entry; return their results.

    With ``barrier``, each call gets a `multiprocessing.Barrier` shared by all of them as
    its first argument (to start racing together once every process is ready).
    """
    results = CONTEXT.Queue()
    shared = (CONTEXT.Barrier(len(arguments)),) if barrier else ()
    processes = [
        CONTEXT.Process(target=_entry, args=(function, results, (*shared, *args)), daemon=True)
        for args in arguments
    ]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=timeout) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    errors = [r["error"] for r in reports if isinstance(r, dict) and "error" in r]
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    return reports


class Worker:
    """One process running ``function(*args)``, for tests that act while it runs."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self.results = CONTEXT.Queue()
        self.process = CONTEXT.Process(
            target=_entry, args=(function, self.results, args), daemon=True
        )
        self.process.start()

    def result(self, timeout: float = 120) -> Any:
        """Wait for the process's result; raise with its traceback if it failed."""
        try:
            report = self.results.get(timeout=timeout)
        finally:
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.kill()
        if isinstance(report, dict) and "error" in report:
            raise AssertionError("the worker failed:\n" + report["error"])
        return report
