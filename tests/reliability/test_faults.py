"""Cases 6 and 7: a failure at any position of a transition leaves no trace."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from tests.reliability.relapp import faults
from tests.reliability.relapp.models import ITEMS, AuditLog, ItemBase

import statecore

MODES = ("none", "optimistic", "pessimistic")
#: Each position, and the action armed there that makes the transition fail.
POSITIONS = ("check", "before", "leave", "implementation", "log", "enter", "after", "save")


def _fail(item: Any) -> None:
    raise faults.InjectedFault("injected")


def _negative_amount(item: Any) -> None:
    # Violates the CHECK constraint: the UPDATE itself fails in the database.
    item.amount = -1


def _commit_calls() -> list[int]:
    calls: list[int] = []
    faults.arm("commit", lambda item: calls.append(item.pk))
    return calls


def _assert_untouched(item: ItemBase) -> None:
    """In memory and in the database: still draft, no change, no log row."""
    assert item.state == "draft"
    assert (item.note, item.amount) == ("", 0)
    row = type(item).objects.get(pk=item.pk)
    assert (row.state.name, row.note, row.amount) == ("draft", "", 0)
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("position", POSITIONS)
def test_failure_at_any_position_leaves_no_trace(
    position: str, mode: str, ledger: Any, figures: Any
) -> None:
    """A hook, the implementation, the log or the save failing: nothing changes anywhere.

    The database row is unchanged, no log row exists, the on_commit hook never runs and
    the object in memory is back in its source state with its other fields restored.
    """
    item = ITEMS[mode].objects.create()
    calls = _commit_calls()
    if position == "save":
        faults.arm("implementation", _negative_amount)
        expected: type[BaseException] = DatabaseError
    else:
        faults.arm(position, _fail)
        expected = faults.InjectedFault
    with pytest.raises(expected):
        item.place()
    _assert_untouched(item)
    assert calls == []
    figures(attempted=1, committed=0, rejected={expected.__name__: 1})


@pytest.mark.parametrize("mode", MODES)
def test_successful_transition_runs_the_commit_hook_once(mode: str, ledger: Any) -> None:
    """The control of the fault cases: without a fault, one UPDATE, one log row, one hook."""
    item = ITEMS[mode].objects.create()
    calls = _commit_calls()
    assert item.place() == "place"
    ledger.commit(item, "place", "draft", "placed")
    assert calls == [item.pk]
    assert type(item).objects.get(pk=item.pk).state == "placed"


@pytest.mark.parametrize("mode", MODES)
def test_failure_inside_an_outer_transaction_rolls_back_to_the_savepoint(
    mode: str, ledger: Any
) -> None:
    """Inside the caller's atomic block, a failed transition undoes only itself."""
    item = ITEMS[mode].objects.create()
    faults.arm("after", _fail)
    with transaction.atomic():
        other = ITEMS[mode].objects.create(note="kept")
        with pytest.raises(faults.InjectedFault):
            item.place()
    _assert_untouched(item)
    assert ITEMS[mode].objects.get(pk=other.pk).note == "kept"


def _swallow_orm_error(item: Any) -> None:
    with contextlib.suppress(DatabaseError):
        type(item).objects.create(amount=-1)


def _swallow_raw_error(item: Any) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    except DatabaseError:
        pass


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("position", ["before", "after"])
def test_swallowed_orm_error_fails_the_transition(
    position: str, mode: str, ledger: Any, figures: Any
) -> None:
    """A hook that catches an ORM error inside the transaction: the transition fails.

    Django marks the transaction for rollback when an ORM write fails inside it, so
    the transition must raise (never report a success that was rolled back), write no
    log row, run no on_commit hook and restore the object.
    """
    item = ITEMS[mode].objects.create()
    calls = _commit_calls()
    faults.arm(position, _swallow_orm_error)
    with pytest.raises(DatabaseError):
        item.place()
    _assert_untouched(item)
    assert calls == []
    figures(attempted=1, committed=0, rejected={"DatabaseError": 1})


@pytest.mark.parametrize("mode", MODES)
def test_swallowed_raw_error_fails_the_transition(mode: str, ledger: Any, figures: Any) -> None:
    """A hook swallows a failed raw SQL statement after the save: the transition fails.

    PostgreSQL aborts the transaction on any failed statement; MariaDB keeps it usable,
    but part of what the transition's code meant to write failed. On both the
    transition raises and leaves no trace, and no on_commit hook runs.
    """
    item = ITEMS[mode].objects.create()
    calls = _commit_calls()
    faults.arm("after", _swallow_raw_error)
    with pytest.raises((DatabaseError, statecore.WorkflowError)):
        item.place()
    _assert_untouched(item)
    assert calls == []
    figures(attempted=1, committed=0, outcome="failed")
