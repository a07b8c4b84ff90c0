"""Locking modes: optimistic and pessimistic concurrency, deleted rows, database conflicts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from tests.django.testapp.models import OptimisticOrder, Order, PessimisticOrder

import statecore
from statecore_django import is_conflict
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)


def test_optimistic_transition_from_a_stale_state_raises_concurrent_transition() -> None:
    """Another writer moved the row: UPDATE ... WHERE state=<source> hits 0 rows."""
    order = OptimisticOrder.objects.create(state="placed")
    OptimisticOrder.objects.filter(pk=order.pk).update(state="cancelled")
    with pytest.raises(statecore.ConcurrentTransition, match="holds state 'cancelled'") as info:
        order.pay(amount=4)
    assert (info.value.expected, info.value.actual) == ("placed", "cancelled")
    assert (order.state, order.amount) == ("placed", 0)
    stored = OptimisticOrder.objects.get(pk=order.pk)
    assert (stored.state, stored.amount) == ("cancelled", 0)
    assert not TransitionLog.for_object(order).exists()


def test_optimistic_update_carries_the_source_state_condition() -> None:
    """The UPDATE of an optimistic transition filters on the source state."""
    order = OptimisticOrder.objects.create(state="placed")
    with CaptureQueriesContext(connection) as context:
        order.pay()
    update = next(q["sql"] for q in context.captured_queries if q["sql"].startswith("UPDATE"))
    assert "'placed'" in update.split("WHERE", 1)[1]


@pytest.mark.parametrize("model", [Order, OptimisticOrder, PessimisticOrder])
def test_deleted_row_is_never_reinserted(model: type[Any]) -> None:
    """A transition on an object whose row was deleted raises and inserts nothing."""
    order = model.objects.create()
    model.objects.filter(pk=order.pk).delete()
    with pytest.raises(statecore.ConcurrentTransition, match="no longer exists") as info:
        order.place()
    assert info.value.actual is None
    assert not model.objects.filter(pk=order.pk).exists()
    assert order.state == "draft"


def test_default_locking_is_optimistic() -> None:
    """Without a locking setting, a stale object's transition is refused, not written."""
    order = Order.objects.create(state="placed")
    Order.objects.filter(pk=order.pk).update(state="cancelled")
    with pytest.raises(statecore.ConcurrentTransition):
        order.pay()
    assert Order.objects.get(pk=order.pk).state == "cancelled"


@override_settings(STATECORE_LOCKING="none")
def test_none_locking_last_writer_wins() -> None:
    """With locking "none", a stale object still writes its transition."""
    order = Order.objects.create(state="placed")
    Order.objects.filter(pk=order.pk).update(state="cancelled")
    order.pay()
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_pessimistic_transition_locks_and_rechecks_the_state() -> None:
    """select_for_update() finds another state: ConcurrentTransition before the implementation."""
    order = PessimisticOrder.objects.create(state="placed")
    PessimisticOrder.objects.filter(pk=order.pk).update(state="cancelled")
    with pytest.raises(statecore.ConcurrentTransition, match="holds state 'cancelled'"):
        order.pay()
    assert PessimisticOrder.objects.get(pk=order.pk).state == "cancelled"


def test_pessimistic_transition_selects_for_update() -> None:
    """A pessimistic transition first selects the row FOR UPDATE (where supported)."""
    order = PessimisticOrder.objects.create(state="placed")
    with CaptureQueriesContext(connection) as context:
        order.pay()
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    first = next(q["sql"] for q in context.captured_queries if not q["sql"].startswith(control))
    assert first.startswith("SELECT")
    assert PessimisticOrder._meta.db_table in first.split("FROM", 1)[1]
    assert ("FOR UPDATE" in first) == connection.features.has_select_for_update


@contextmanager
def row_locked_elsewhere(model: type[Any], pk: int) -> Iterator[None]:
    """Hold a write lock on one row (or the table, on SQLite) from a second connection."""
    settings = connection.settings_dict
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        import psycopg

        other = psycopg.connect(
            host=settings["HOST"],
            port=int(settings["PORT"]),
            user=settings["USER"],
            dbname=settings["NAME"],
        )
        other.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])
    elif connection.vendor == "mysql":
        import MySQLdb

        other = MySQLdb.connect(
            host=settings["HOST"],
            port=int(settings["PORT"]),
            user=settings["USER"],
            password=settings["PASSWORD"],
            database=settings["NAME"],
        )
        other.autocommit(False)
        other.cursor().execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])
    else:
        import sqlite3

        other = sqlite3.connect(settings["NAME"], uri=True, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute(f"UPDATE {table} SET amount = amount WHERE id = ?", [pk])
    try:
        yield
    finally:
        other.rollback()
        other.close()


@contextmanager
def short_lock_wait() -> Iterator[None]:
    """Make this connection give up waiting for a lock quickly."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = '300ms'")
        elif connection.vendor == "mysql":
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = 0")
        elif connection.vendor == "mysql":
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 50")


def test_database_lock_conflict_surfaces_as_concurrent_transition() -> None:
    """A lock held by another connection ends the transition in ConcurrentTransition."""
    order = PessimisticOrder.objects.create(state="placed")
    with (
        row_locked_elsewhere(PessimisticOrder, order.pk),
        short_lock_wait(),
        pytest.raises(statecore.ConcurrentTransition, match="conflicted") as info,
    ):
        order.pay(amount=1)
    assert isinstance(info.value.__cause__, DatabaseError)
    assert order.state == "placed"
    assert PessimisticOrder.objects.get(pk=order.pk).state == "placed"
    order.pay(amount=1)
    assert PessimisticOrder.objects.get(pk=order.pk).state == "paid"


def test_is_conflict_ignores_other_database_errors() -> None:
    """An integrity error is not a concurrency conflict."""
    Order.objects.create(pk=1)
    with pytest.raises(IntegrityError) as info:
        Order.objects.create(pk=1)
    assert is_conflict(info.value) is False


@override_settings(STATECORE_LOCKING="pessimistic")
def test_pessimistic_locking_runs_transitions_of_a_plain_workflow_on_a_model() -> None:
    """With pessimistic locking, a plain workflow beside a state field moves, locking nothing."""
    order = PessimisticOrder.objects.create()
    with CaptureQueriesContext(connection) as context:
        order.switch_on()
    assert order.power == "on"
    assert not any("FOR UPDATE" in query["sql"] for query in context.captured_queries)
    order.place()
    assert PessimisticOrder.objects.get(pk=order.pk).state == "placed"


def test_conflict_after_entering_on_error_is_raised_as_itself() -> None:
    """A conflict error that led into the on_error state is not reported as 'state unchanged'."""
    order = Order.objects.create(state="placed")
    cause = sqlite3.OperationalError("database is locked")
    error = OperationalError("database is locked")
    error.__cause__ = cause
    with pytest.raises(OperationalError) as info:
        order.charge(error=error)
    assert not isinstance(info.value, statecore.ConcurrentTransition)
    assert order.state == "failed"
    assert Order.objects.get(pk=order.pk).state == "failed"
