"""Code run in the battery's worker processes (spawned: each sets Django up itself).

Every entry point takes plain arguments and a result queue, sets Django up with the
battery's settings, opens its own database connection, and puts one dict on the queue:
``{"commits": [...], "rejected": {kind: count}, ...}``, or ``{"error": traceback}``.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def setup() -> None:
    """Configure Django in this process with the battery's settings."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.reliability.settings"
    import django

    django.setup()


def entry(name: str, env: dict[str, str], *args: Any) -> None:
    """Set ``env``, then run the entry point ``name`` of this module with ``args``."""
    os.environ.update(env)
    globals()[name](*args)


def kind(exc: BaseException) -> str:
    """Name the kind of a rejection: ``concurrent``, ``invalid``, or ``raw:<class>``."""
    import statecore

    if isinstance(exc, statecore.ConcurrentTransition):
        return "concurrent"
    if isinstance(exc, statecore.InvalidTransitionError):
        return "invalid"
    if isinstance(exc, statecore.WorkflowError):
        return type(exc).__name__
    return f"raw:{type(exc).__module__}.{type(exc).__name__}"


def attempt(item: Any, transition: str, report: dict[str, Any], *, awaited: bool = False) -> bool:
    """Run ``transition`` on ``item``; record the commit or the rejection in ``report``.

    With ``awaited``, the transition's awaitable form runs on an event loop (``acall``).
    """
    from django.db import DatabaseError

    import statecore

    source = item.state.name
    try:
        if awaited:
            import asyncio

            asyncio.run(getattr(item, transition).acall())
        else:
            getattr(item, transition)()
    except (statecore.WorkflowError, DatabaseError) as exc:
        report["rejected"][kind(exc)] += 1
        if kind(exc).startswith("raw:") and len(report["raw"]) < 5:
            report["raw"].append(repr(exc))
        return False
    report["commits"].append((item._meta.label, item.pk, transition, source, item.state.name))
    return True


def _run(queue: Any, body: Callable[[dict[str, Any]], None]) -> None:
    report: dict[str, Any] = {"commits": [], "rejected": Counter(), "raw": []}
    try:
        setup()
        body(report)
    except BaseException:
        report["error"] = traceback.format_exc()
    finally:
        from django.db import connections

        connections.close_all()
    report["rejected"] = dict(report["rejected"])
    queue.put(report)


def stampede(queue: Any, barrier: Any, mode: str, pks: list[int], transition: str) -> None:
    """Each round: load object ``pks[i]``, wait at the barrier, run ``transition``."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import ITEMS

        model = ITEMS[mode]
        for pk in pks:
            item = model.objects.get(pk=pk)
            barrier.wait()
            attempt(item, transition, report)

    _run(queue, body)


def awaited_stampede(queue: Any, barrier: Any, mode: str, pks: list[int], transition: str) -> None:
    """`stampede`, each transition awaited on an event loop of the process (``acall``)."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import ITEMS

        model = ITEMS[mode]
        for pk in pks:
            item = model.objects.get(pk=pk)
            barrier.wait()
            attempt(item, transition, report, awaited=True)

    _run(queue, body)


def random_walk(queue: Any, mode: str, pks: list[int], steps: int, seed: int) -> None:
    """Run ``steps`` random transitions (legal or not) on random objects of ``pks``."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import ITEMS, TRANSITIONS

        model = ITEMS[mode]
        rng = random.Random(seed)
        for _ in range(steps):
            item = model.objects.get(pk=rng.choice(pks))
            attempt(item, rng.choice(TRANSITIONS), report)

    _run(queue, body)


def retry_until_done(queue: Any, barrier: Any, mode: str, pks: list[int], hold: float) -> None:
    """Each round: race for ``place``; the winner holds its transaction open ``hold`` s.

    Losers reload and retry while ``place`` is still possible; every run of the
    implementation is counted, so a second execution would show.
    """

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp import faults
        from tests.reliability.relapp.models import ITEMS

        model = ITEMS[mode]
        report["executions"] = 0
        report["retries"] = 0

        def executed(item: Any) -> None:
            report["executions"] += 1

        faults.arm("implementation", executed)
        faults.arm("after", lambda item: time.sleep(hold))
        for pk in pks:
            item = model.objects.get(pk=pk)
            barrier.wait()
            while True:
                if attempt(item, "place", report):
                    break
                item.refresh_from_db()
                if not item.place.is_available():
                    break
                report["retries"] += 1

    _run(queue, body)


def delete_row(queue: Any, mode: str, pk: int) -> None:
    """Delete object ``pk`` of the item model of ``mode``."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import ITEMS

        report["deleted"] = ITEMS[mode].objects.filter(pk=pk).delete()[0]

    _run(queue, body)


def backend_id() -> int:
    """The server's id of this process's connection (to kill it from another one)."""
    from django.db import connection

    query = (
        "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT CONNECTION_ID()"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return int(cursor.fetchone()[0])


def killed_connection(queue: Any, control: Any, mode: str, pks: list[int], point: str) -> None:
    """Run ``place`` on each of ``pks``, pausing at fault ``point`` for the parent to act.

    At the point the process sends ``("at", backend id)`` on ``control`` and waits for
    ``"go"``: meanwhile the parent kills its connection. Each outcome is reported.
    """

    def body(report: dict[str, Any]) -> None:
        from django.db import connections
        from tests.reliability.relapp import faults
        from tests.reliability.relapp.models import ITEMS

        model = ITEMS[mode]

        def pause(item: Any) -> None:
            control.send(("at", backend_id()))
            control.recv()

        faults.arm(point, pause)
        for pk in pks:
            item = model.objects.get(pk=pk)
            committed = attempt(item, "place", report)
            if not committed:
                with contextlib.suppress(Exception):  # the connection is already gone
                    connections.close_all()
            control.send(("done", committed))

    _run(queue, body)


def kill_at_random(queue: Any, mode: str, pks: list[int], kills: int, seed: int) -> None:
    """Fork ``kills`` children that run random transitions; SIGKILL each at a random time.

    This process sets Django up once (without connecting); each child opens its own
    connection, reports each commit on a pipe as soon as it returns, and is killed after
    a random delay, so the kill lands at a random point of some transition (often
    inside its transaction). Commits reported before the kill are collected.
    """

    def body(report: dict[str, Any]) -> None:
        import multiprocessing.connection as mpc
        import signal

        from tests.reliability.relapp.models import ITEMS, TRANSITIONS

        model = ITEMS[mode]
        rng = random.Random(seed)
        report["kills"] = 0
        for round_ in range(kills):
            reader, writer = mpc.Pipe(duplex=False)
            child_seed = rng.random()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                reader.close()
                try:
                    steps = {"commits": [], "rejected": Counter(), "raw": []}
                    walk = random.Random(child_seed)
                    while True:
                        item = model.objects.get(pk=walk.choice(pks))
                        before = Counter(steps["rejected"])
                        if attempt(item, walk.choice(TRANSITIONS), steps):
                            writer.send(("commit", steps["commits"].pop()))
                        else:
                            (rejection,) = (steps["rejected"] - before).keys()
                            writer.send(("rejected", rejection))
                finally:
                    os._exit(1)
            writer.close()
            time.sleep(rng.uniform(0.02, 0.12))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            report["kills"] += 1
            while True:
                try:
                    tag, value = reader.recv()
                except (EOFError, OSError):
                    break
                if tag == "commit":
                    report["commits"].append(value)
                else:
                    report["rejected"][value] += 1
            reader.close()
            del round_

    _run(queue, body)


def mixed_work(
    queue: Any, mode: str, kept: list[int], deletable: list[int], operations: int, index: int
) -> None:
    """Run ``operations`` mixed operations as process ``index`` (see `tests.reliability.mixed`)."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.mixed import MixedWorker

        MixedWorker(report, mode, kept, deletable, index, seed=index).run(operations)

    _run(queue, body)


def _lock_waiters() -> int:
    """How many transactions of this database wait for a row lock now."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics views keep one snapshot per transaction: drop it to see now.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        else:
            # A statement of another connection of this database still running a locking
            # read is waiting for our row lock (INNODB_TRX's state lags behind it).
            cursor.execute(
                "SELECT count(*) FROM information_schema.PROCESSLIST "
                "WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE %s",
                ["%FOR UPDATE%"],
            )
        return int(cursor.fetchone()[0])


def failing_pay_then_on_error(queue: Any, inside: Any, other_done: Any, mode: str, pk: int) -> None:
    """Run ``pay`` that fails once another process raced it; report what on_error did.

    The implementation signals ``inside`` (its transaction is open, the row locked under
    pessimistic locking), then waits until the other process is blocked on that lock
    (pessimistic) or has committed (other modes), and raises: the rollback lets the
    other process commit, and entering ``on_error`` must see it.
    """

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import MIXED, Explosion, MixedItemBase

        model = MIXED[mode]
        item = model.objects.get(pk=pk)
        original = MixedItemBase._work

        def race(self: Any, worker: int, note: Any = None, explode: bool = False) -> None:
            inside.set()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if other_done.is_set() or (mode == "pessimistic" and _lock_waiters()):
                    break
                time.sleep(0.02)
            else:
                report["timeout"] = True
            original(self, worker, note, explode)

        MixedItemBase._work = race  # type: ignore[method-assign]
        try:
            item.pay(0, explode=True)
        except Explosion as exc:
            report["notes"] = list(getattr(exc, "__notes__", []))
        finally:
            MixedItemBase._work = original  # type: ignore[method-assign]
        report["memory"] = item.stage.name

    _run(queue, body)


def cancel_when_inside(queue: Any, inside: Any, done: Any, mode: str, pk: int) -> None:
    """Load the row, wait until the other process is inside its transition, cancel."""

    def body(report: dict[str, Any]) -> None:
        from tests.reliability.relapp.models import MIXED

        item = MIXED[mode].objects.get(pk=pk)
        if not inside.wait(120):
            report["timeout"] = True
            return
        source = item.stage.name
        item.cancel(1)
        done.set()
        report["commits"].append((item._meta.label, item.pk, "cancel", source, "cancelled"))

    _run(queue, body)


def on_error_race(queue: Any, inside: Any, done: Any, mode: str, pk: int, role: str) -> None:
    """Play ``role`` of the on_error race: ``"failing"`` or ``"cancelling"``."""
    play = failing_pay_then_on_error if role == "failing" else cancel_when_inside
    play(queue, inside, done, mode, pk)


def shared_counter_cycles(
    queue: Any, barrier: Any, mode: str, pk: int, field: str, rounds: int
) -> None:
    """Cycle the ``field`` workflow of one row; every transition increments ``counter_0``.

    Two processes do this on the two state fields of one row: their transitions never
    conflict on a state, only on the counter they both read, increment and write.
    """
    cycles = {
        "stage": (
            ("place", "draft", "placed"),
            ("cancel", "placed", "cancelled"),
            ("reopen", "cancelled", "draft"),
        ),
        "review": (("approve", "pending", "approved"), ("reconsider", "approved", "pending")),
    }[field]

    def body(report: dict[str, Any]) -> None:
        from django.db import DatabaseError
        from tests.reliability.relapp.models import MIXED

        import statecore

        model = MIXED[mode]
        item = model.objects.get(pk=pk)
        barrier.wait()
        done = 0
        while done < rounds:
            for name, source, target in cycles:
                if getattr(item, field).name != source:
                    continue
                try:
                    getattr(item, name)(0)
                except (statecore.ConcurrentTransition, DatabaseError) as exc:
                    report["rejected"][kind(exc)] += 1
                    item.refresh_from_db()
                    continue
                report["commits"].append((item._meta.label, pk, name, source, target))
                done += 1
        report["committed"] = done

    _run(queue, body)
