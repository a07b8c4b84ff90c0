"""Case 14: every bad input gets a specific exception whose message names what to fix."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from tests.reliability.relapp.models import AuditLog, OptimisticItem

import statecore
from statecore_django.models import GenericTransitionLog

STATES = "draft, placed, paid, shipped, cancelled"


class Colour(enum.Enum):
    """A foreign enum: its member's value happens to be a state name."""

    draft = "draft"


BAD_STATES = {
    "unknown state string": "bogus",
    "None": None,
    "float": 3.5,
    "bytes": b"draft",
    "list": ["draft"],
    "foreign enum member": Colour.draft,
    "int to a string state": 3,
}


@pytest.mark.parametrize("value", BAD_STATES.values(), ids=BAD_STATES.keys())
def test_bad_state_assignment_names_field_value_and_states(
    value: object, ledger: Any, figures: Any
) -> None:
    """Assigning a value that is not a state raises InvalidStateError (field, value, states).

    The object keeps its state, and the exception carries the value and the field.
    """
    item = OptimisticItem()
    with pytest.raises(statecore.InvalidStateError) as caught:
        item.state = value
    message = str(caught.value)
    assert repr(value) in message
    assert "'state'" in message
    assert STATES in message
    assert (caught.value.value, caught.value.field) == (value, "state")
    assert item.state == "draft"
    figures(rejected={"InvalidStateError": 1}, attempted=1, committed=0)


def test_bad_state_at_creation_writes_no_row(ledger: Any) -> None:
    """objects.create(state="bogus") raises InvalidStateError before any INSERT."""
    with pytest.raises(statecore.InvalidStateError, match="'bogus' is not a state"):
        OptimisticItem.objects.create(state="bogus")
    assert not OptimisticItem.objects.exists()


def test_unknown_transition_name_names_the_transitions(ledger: Any, figures: Any) -> None:
    """A transition name from outside (a URL) is looked up with get_transition.

    An unknown name raises UnknownTransitionError (an AttributeError too) naming the
    name and every transition.
    """
    item = OptimisticItem.objects.create()
    with pytest.raises(statecore.UnknownTransitionError) as caught:
        statecore.get_transition(item, "fly")
    assert caught.value.name == "fly"
    assert "'fly'" in str(caught.value)
    assert "cancel, pay, place, reopen, ship" in str(caught.value)
    figures(rejected={"UnknownTransitionError": 1}, attempted=1, committed=0)


def test_illegal_transition_names_the_state_and_the_available_ones(
    ledger: Any, figures: Any
) -> None:
    """A transition not available from the state raises InvalidTransitionError, no write."""
    item = OptimisticItem.objects.create()
    with pytest.raises(statecore.InvalidTransitionError) as caught:
        item.pay()
    assert "'pay'" in str(caught.value)
    assert "'draft'" in str(caught.value)
    assert caught.value.available == ("place", "cancel")
    assert not AuditLog.objects.exists()
    figures(rejected={"InvalidTransitionError": 1}, attempted=1, committed=0)


def test_database_value_outside_the_workflow_loads_and_refuses_transitions(
    ledger: Any, figures: Any
) -> None:
    """A row holding a state the workflow lacks loads; a transition from it is refused.

    Reading says the state is unknown; the transition raises InvalidTransitionError
    naming the stored value, the field and the workflow's states, and writes nothing.
    """
    item = OptimisticItem.objects.create()
    table = connection.ops.quote_name(OptimisticItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET state = %s WHERE id = %s", ["archived", item.pk])
    loaded = OptimisticItem.objects.get(pk=item.pk)
    assert loaded.state.name == "archived"
    assert not loaded.state.known
    with pytest.raises(statecore.InvalidTransitionError) as caught:
        loaded.place()
    message = str(caught.value)
    assert "'archived'" in message
    assert "'state'" in message
    assert STATES in message
    assert OptimisticItem.objects.filter(state="archived").count() == 1
    assert not AuditLog.objects.exists()
    figures(rejected={"InvalidTransitionError": 1}, attempted=1, committed=0)
    OptimisticItem.objects.all().delete()  # the audit's workflow has no 'archived'


def test_malformed_extra_log_attributes_are_refused_when_the_model_is_defined() -> None:
    """An EXTRA_LOG_ATTRIBUTES entry that is not (field, kwarg, default) is refused at once.

    The error must name the log model, the entry and the expected shape, when the class
    is created (not at the first transition, inside a request).
    """
    with pytest.raises(ImproperlyConfigured) as caught:
        type(
            "BrokenLog",
            (GenericTransitionLog,),
            {
                "__module__": __name__,
                "EXTRA_LOG_ATTRIBUTES": (("reason", "reason"),),
                "Meta": type("Meta", (), {"abstract": True}),
            },
        )
    assert "BrokenLog" in str(caught.value)
    assert "('reason', 'reason')" in str(caught.value)


def test_malformed_extra_log_attributes_fail_the_transition_cleanly(ledger: Any) -> None:
    """A malformed entry patched in after the class check still rolls everything back."""

    original = AuditLog.EXTRA_LOG_ATTRIBUTES
    AuditLog.EXTRA_LOG_ATTRIBUTES = (("reason", "reason"),)  # type: ignore[assignment]
    try:
        item = OptimisticItem.objects.create()
        with pytest.raises(ValueError, match="not enough values to unpack"):
            item.place()
    finally:
        AuditLog.EXTRA_LOG_ATTRIBUTES = original
    assert OptimisticItem.objects.get(pk=item.pk).state == "draft"
    assert item.state == "draft"
    assert not AuditLog.objects.exists()
