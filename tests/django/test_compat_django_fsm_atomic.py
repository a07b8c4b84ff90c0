"""The atomic opt-in of the django-fsm layer: one transaction that saves and logs."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from tests.django import fsm_race
from tests.django.fsmapp.models import LockedPayment, LoggedPayment, Payment
from tests.django.test_locking import row_locked_elsewhere, short_lock_wait

from statecore_django.compat import django_fsm as fsm
from statecore_django.compat.django_fsm.signals import post_transition
from statecore_django.compat.django_fsm_log.models import StateLog
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)

CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


@pytest.fixture(autouse=True)
def _clear_paid_log() -> None:
    Payment.paid_log.clear()


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The captured SQL, transaction control left out."""
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(CONTROL)]


def test_atomic_transition_saves_and_logs_in_two_statements() -> None:
    """pay() writes the changed columns with one UPDATE and the StateLog row with one INSERT."""
    payment = Payment.objects.create()
    user = User.objects.create(username="cashier")
    ContentType.objects.get_for_model(Payment)  # cached once per process, as in production
    with CaptureQueriesContext(connection) as captured:
        payment.pay(amount=12, by=user)
    sql = statements(captured)
    assert len(sql) == 2, sql
    assert sql[0].upper().startswith("UPDATE")
    assert sql[1].upper().startswith("INSERT")
    row = Payment.objects.get(pk=payment.pk)
    assert (row.state, row.amount) == ("paid", 12)
    log = StateLog.objects.for_(payment).get()
    assert (log.transition, log.source_state, log.state, log.by) == ("pay", "new", "paid", user)


def test_failing_log_rolls_the_transition_back_and_restores_the_object() -> None:
    """A post_transition receiver that raises: no row change, no log, the object as before."""

    def broken(**kwargs: Any) -> None:
        msg = "log storage is down"
        raise RuntimeError(msg)

    payment = Payment.objects.create()
    post_transition.connect(broken, sender=Payment)
    try:
        with pytest.raises(RuntimeError, match="storage"):
            payment.pay(amount=5)
    finally:
        post_transition.disconnect(broken, sender=Payment)
    assert (payment.state, payment.amount) == ("new", 0)
    row = Payment.objects.get(pk=payment.pk)
    assert (row.state, row.amount) == ("new", 0)
    assert not StateLog.objects.for_(payment).exists()
    assert Payment.paid_log == []


def test_optimistic_opt_in_refuses_a_row_changed_behind_its_back() -> None:
    """The row moved to 'paid' elsewhere: pay() raises ConcurrentTransition, writes nothing."""
    payment = Payment.objects.create()
    Payment.objects.filter(pk=payment.pk).update(state="paid")
    with pytest.raises(fsm.ConcurrentTransition):
        payment.pay(amount=7)
    assert payment.state == "new"
    assert Payment.objects.get(pk=payment.pk).amount == 0
    assert not StateLog.objects.for_(payment).exists()


def test_pessimistic_opt_in_reads_the_row_for_update_first() -> None:
    """SELECT ... FOR UPDATE sees the row's other state and refuses before running."""
    payment = LockedPayment.objects.create()
    ContentType.objects.get_for_model(LockedPayment)
    with CaptureQueriesContext(connection) as captured:
        payment.pay()
    assert len(statements(captured)) == 3
    assert LockedPayment.objects.get(pk=payment.pk).state == "paid"
    stale = LockedPayment.objects.create()
    LockedPayment.objects.filter(pk=stale.pk).update(state="paid")
    with pytest.raises(fsm.ConcurrentTransition, match="refresh_from_db"):
        stale.pay()
    assert stale.state == "new"


def test_on_commit_hooks_wait_for_the_commit() -> None:
    """Inside an outer transaction the hook runs only once it commits, never on rollback."""
    payment = Payment.objects.create()
    with transaction.atomic():
        payment.pay(amount=1)
        assert Payment.paid_log == []
    assert Payment.paid_log == [(payment.pk, "paid")]
    other = Payment.objects.create()
    with transaction.atomic():
        other.pay(amount=1)
        transaction.set_rollback(True)
    assert Payment.paid_log == [(payment.pk, "paid")]


def test_on_error_state_is_saved_and_logged_without_the_failed_changes() -> None:
    """pay_or_fail() raises: the row enters 'failed'; the note it set is not saved."""
    payment = Payment.objects.create()
    with pytest.raises(ValueError, match="declined"):
        payment.pay_or_fail()
    assert (payment.state, payment.note) == ("failed", "")
    row = Payment.objects.get(pk=payment.pk)
    assert (row.state, row.note) == ("failed", "")
    log = StateLog.objects.for_(payment).get()
    assert (log.transition, log.state) == ("pay_or_fail", "failed")


def test_statecore_log_opt_in_writes_statecore_transition_log() -> None:
    """log_model= writes statecore's TransitionLog row in the same transaction."""
    payment = LoggedPayment.objects.create()
    payment.pay()
    row = TransitionLog.objects.get()
    assert (row.transition, row.from_state, row.to_state) == ("pay", "new", "paid")
    assert row.modified_object == payment


def test_unsaved_object_is_inserted_by_its_first_transition() -> None:
    """An object never saved is inserted in the new state, with its log row."""
    payment = Payment()
    payment.pay(amount=3)
    assert payment.pk is not None
    assert Payment.objects.get(pk=payment.pk).state == "paid"
    assert StateLog.objects.for_(payment).count() == 1


def test_opt_in_options_are_checked() -> None:
    """locking without atomic, or an unknown locking mode, is refused when the field is made."""
    with pytest.raises(ValueError, match="atomic=True"):
        fsm.FSMField(locking="optimistic")
    with pytest.raises(ValueError, match="pessimistic"):
        fsm.FSMField(atomic=True, locking="sometimes")


@pytest.mark.django_db(transaction=True, databases=["default", "concurrent"])
def test_two_connections_cannot_both_run_the_transition() -> None:
    """A second connection's committed transition makes this one's UPDATE match nothing."""
    payment = Payment.objects.create()
    other = connections["concurrent"]
    with other.cursor() as cursor:
        table = Payment._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET state = %s WHERE id = %s",
            ["paid", payment.pk],
        )
    with pytest.raises(fsm.ConcurrentTransition):
        payment.pay()
    assert payment.state == "new"
    assert not StateLog.objects.for_(payment).exists()


@pytest.mark.parametrize("model", [Payment, LockedPayment])
def test_racing_processes_pay_once_and_log_once(model: type[Any], tmp_path: Any) -> None:
    """Four OS processes run pay() on one row at once: one pays, three are refused.

    On SQLite (whose test database lives in memory, one per process) the processes share
    a database file that a first process migrates.
    """
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    if connection.vendor == "sqlite":
        database = str(tmp_path / "race.sqlite3")
        preparer = context.Process(
            target=fsm_race.prepare, args=(database, model.__name__, results)
        )
        preparer.start()
        pk = results.get(timeout=120)
        preparer.join(timeout=60)
        assert isinstance(pk, int), pk
    else:
        database = connection.settings_dict["NAME"]
        pk = model.objects.create().pk
    workers = [
        context.Process(target=fsm_race.race, args=(database, model.__name__, pk, barrier, results))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert outcomes == ["paid", "refused", "refused", "refused"]
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(database)) as stored:
            table = model._meta.db_table
            assert stored.execute(f"SELECT state FROM {table} WHERE id = ?", [pk]).fetchall() == [
                ("paid",)
            ]
            logs = stored.execute(
                "SELECT COUNT(*) FROM django_fsm_log_statelog WHERE object_id = ?", [str(pk)]
            ).fetchone()
            assert logs == (1,)
    else:
        payment = model.objects.get(pk=pk)
        assert payment.state == "paid"
        assert StateLog.objects.for_(payment).count() == 1


def test_row_locked_elsewhere_surfaces_as_concurrent_transition() -> None:
    """A lock another connection holds ends the transition in ConcurrentTransition."""
    payment = Payment.objects.create()
    with (
        row_locked_elsewhere(Payment, payment.pk),
        short_lock_wait(),
        pytest.raises(fsm.ConcurrentTransition, match="another transaction") as caught,
    ):
        payment.pay(amount=9)
    assert isinstance(caught.value.__cause__, DatabaseError)
    assert (payment.state, payment.amount) == ("new", 0)
    payment.pay(amount=9)
    assert Payment.objects.get(pk=payment.pk).state == "paid"


def test_json_value_changed_in_place_is_saved_by_the_atomic_transition() -> None:
    """A JSON value the transition changes in place (no new object) is written with the state."""
    payment = Payment.objects.create()
    payment.pay(amount=5)
    payment.settle("R-1")
    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.state, stored.details) == ("settled", {"reference": "R-1"})


def test_json_value_changed_in_place_is_restored_when_the_transition_fails() -> None:
    """A failed atomic transition gives back the JSON value as it was, not the edited one."""
    payment = Payment.objects.create()
    payment.pay(amount=5)
    with pytest.raises(ValueError, match="bank unreachable"):
        payment.settle_badly("R-2")
    assert (payment.state, payment.details) == ("paid", {})
    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.state, stored.details) == ("paid", {})
