"""Cases 8 and 9: connections killed mid-transition, processes SIGKILLed at random points."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connections, transaction
from tests.reliability import worker
from tests.reliability.conftest import scaled
from tests.reliability.processes import CONTEXT, merge, raw_errors, run
from tests.reliability.relapp.models import ITEMS, AuditLog

pytestmark = pytest.mark.slow

#: Seconds to wait for an event (a killed connection to go, a lock to be released, the
#: worker's next message) before calling it a failure: generous, so that a busy machine or
#: database server slows the battery down without failing it.
PATIENCE = 120.0


def _kill_backend(backend: int) -> None:
    """Kill a server connection from the ``other`` alias and wait until it is gone."""
    other = connections["other"]
    with other.cursor() as cursor:
        if other.vendor == "postgresql":
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = %s"
        else:
            cursor.execute(f"KILL CONNECTION {int(backend)}")
            alive = "SELECT count(*) FROM information_schema.processlist WHERE id = %s"
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            cursor.execute(alive, [backend])
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.005)
    msg = f"connection {backend} still alive {PATIENCE:.0f} s after it was killed"
    raise AssertionError(msg)


def _receive(parent: Any, results: Any, process: Any) -> tuple[str, Any]:
    """Return the worker's next message on ``parent``.

    Raises:
        AssertionError: the worker stopped without sending one (its own error, when it
            reported one, is in the message), or sent nothing for `PATIENCE` seconds.
    """
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if parent.poll(0.5):
            return parent.recv()
        if not process.is_alive() or not results.empty():
            report = results.get(timeout=5) if not results.empty() else {}
            msg = f"the worker stopped early: {report.get('error', 'no report')}"
            raise AssertionError(msg)
    msg = f"the worker sent nothing for {PATIENCE:.0f} s"
    raise AssertionError(msg)


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
@pytest.mark.parametrize(
    ("point", "full"), [("log", 200), ("enter", 50)], ids=["before-log-insert", "before-commit"]
)
def test_killed_connection_leaves_both_rows_or_neither(
    point: str, full: int, mode: str, ledger: Any, figures: Any
) -> None:
    """The server kills the connection between the UPDATE and the log INSERT (or COMMIT).

    Each transition fails, and afterwards neither the state change nor the log row is in
    the database (the audit also checks it): both rows or neither, never one.
    """
    rounds = scaled(full, 5)
    model = ITEMS[mode]
    model.objects.bulk_create(model() for _ in range(rounds))
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    results = CONTEXT.Queue()
    parent, child = CONTEXT.Pipe()
    process = CONTEXT.Process(
        target=worker.entry,
        args=("killed_connection", {}, results, child, mode, pks, point),
        daemon=True,
    )
    process.start()
    kills = committed = 0
    try:
        for _ in pks:
            tag, value = _receive(parent, results, process)
            if tag == "at":
                _kill_backend(value)
                kills += 1
                parent.send("go")
                tag, value = _receive(parent, results, process)
            assert tag == "done"
            committed += bool(value)
        report = results.get(timeout=PATIENCE)
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    assert "error" not in report, report["error"]
    commits, rejected = merge([report])
    ledger.extend(commits)
    placed = model.objects.filter(state="placed").count()
    figures(
        point=point,
        attempted=rounds,
        kills=kills,
        committed=committed,
        rejected=dict(rejected),
        rows_changed=placed,
        log_rows=AuditLog.objects.count(),
    )
    assert kills == rounds
    assert committed == placed == AuditLog.objects.count() == 0


def _no_lock_left(model: type[Any], pks: list[int], within: float = PATIENCE) -> float:
    """Lock every row with NOWAIT from a fresh connection; return the longest wait."""
    from django.db import DatabaseError

    connections["other"].close()
    longest = 0.0
    for pk in pks:
        started = time.monotonic()
        while True:
            try:
                with transaction.atomic(using="other"):
                    list(model.objects.using("other").select_for_update(nowait=True).filter(pk=pk))
                break
            except DatabaseError:
                if time.monotonic() - started > within:
                    msg = f"{model.__name__} #{pk} still locked {within} s after the kills"
                    raise AssertionError(msg) from None
                time.sleep(0.05)
        longest = max(longest, time.monotonic() - started)
    return longest


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_sigkilled_processes_leave_no_half_transition_and_no_lock(
    mode: str, ledger: Any, figures: Any
) -> None:
    """Processes SIGKILLed at random points: the invariant holds and no row stays locked.

    Two forking workers each kill their children at random moments while the children
    run random transitions on 20 shared objects. A transition a child committed but
    could not report is "in doubt" (at most one per kill): the audit allows that many
    unreported log rows, and still demands chained logs, legal edges, and a state column
    equal to the last log row. Afterwards every row can be locked with NOWAIT (the server
    releases the locks of the killed connections once it notices them gone).
    """
    kills = scaled(250, 10)
    model = ITEMS[mode]
    model.objects.bulk_create(model() for _ in range(20))
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    reports = run(worker.kill_at_random, [(mode, pks, kills, seed) for seed in (1, 2)])
    commits, rejected = merge(reports)
    total_kills = sum(report["kills"] for report in reports)
    ledger.extend(commits)
    ledger.in_doubt = total_kills
    rows = AuditLog.objects.count()
    longest = _no_lock_left(model, pks)
    figures(
        processes_killed=total_kills,
        objects=len(pks),
        attempted=len(commits) + sum(rejected.values()) + total_kills,
        committed=rows,
        committed_reported=len(commits),
        in_flight_when_killed=total_kills,
        rejected=dict(rejected),
        longest_lock_wait_seconds=round(longest, 3),
        violations=raw_errors(rejected),
    )
    assert total_kills == 2 * kills
    assert len(commits) <= rows <= len(commits) + total_kills
    assert raw_errors(rejected) == 0, rejected
