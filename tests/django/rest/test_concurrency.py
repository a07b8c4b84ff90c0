"""8 OS processes POST the same transition on one object: exactly one 200, the rest 409."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from tests.django.rest import racers
from tests.django.restapp.models import Ticket

from statecore_django.log.models import TransitionLog

PROCESSES = 8
CONTEXT = multiprocessing.get_context("spawn")


def _collect(queue: Any, count: int) -> list[dict[str, Any]]:
    reports = [queue.get(timeout=300) for _ in range(count)]
    errors = [report["error"] for report in reports if "error" in report]
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    return reports


def _race(sqlite_path: str | None, user_pk: int, ticket_pk: int) -> list[dict[str, Any]]:
    queue = CONTEXT.Queue()
    barrier = CONTEXT.Barrier(PROCESSES)
    url = f"/api/tickets/{ticket_pk}/transitions/place/"
    processes = [
        CONTEXT.Process(
            target=racers.race, args=(queue, barrier, sqlite_path, user_pk, url), daemon=True
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        return _collect(queue, PROCESSES)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_racing_posts_of_one_transition_commit_exactly_once(tmp_path: Path) -> None:
    """Of 8 processes POSTing place on one ticket at once, one gets 200 and seven get 409.

    On PostgreSQL and MariaDB the processes use the test database; on SQLite (whose test
    database is in memory) a file database that a first process prepares.
    """
    if connection.vendor == "sqlite":
        sqlite_path: str | None = str(tmp_path / "race.sqlite3")
        queue = CONTEXT.Queue()
        preparer = CONTEXT.Process(target=racers.prepare, args=(queue, sqlite_path))
        preparer.start()
        (keys,) = _collect(queue, 1)
        preparer.join(timeout=30)
        user_pk, ticket_pk = keys["user"], keys["ticket"]
    else:
        sqlite_path = None
        user_pk = User.objects.create(username="racer").pk
        ticket_pk = Ticket.objects.create(items=1, customer="ann").pk

    reports = _race(sqlite_path, user_pk, ticket_pk)

    statuses = Counter(report["status"] for report in reports)
    assert statuses == {200: 1, 409: PROCESSES - 1}, reports
    refusals = {report["body"]["code"] for report in reports if report["status"] == 409}
    assert refusals <= {"not_available", "concurrent_transition"}
    assert all(
        report["body"]["state"] == "placed" for report in reports if report["status"] == 409
    ), reports
    if sqlite_path is None:
        state = Ticket.objects.get(pk=ticket_pk).state
        logged = TransitionLog.objects.filter(transition="place").count()
    else:
        with closing(sqlite3.connect(sqlite_path)) as database:
            (state,) = database.execute(
                "SELECT state FROM restapp_ticket WHERE id = ?", (ticket_pk,)
            ).fetchone()
            (logged,) = database.execute(
                "SELECT COUNT(*) FROM statecore_log_transitionlog WHERE transition = 'place'"
            ).fetchone()
    assert (state, logged) == ("placed", 1)
