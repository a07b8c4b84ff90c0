"""on_commit hooks run after the transaction commits, never after a rollback."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from tests.django.testapp.models import Order

import statecore
import statecore_django
from statecore.hooks import HOOKS_ATTRIBUTE, HookKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_notified() -> None:
    Order.notified.clear()


def test_on_commit_hook_runs_after_the_commit() -> None:
    """ship() outside any transaction: the hook runs once its own transaction commits."""
    order = Order.objects.create(state="paid")
    order.ship()
    assert Order.notified == [(order.pk, "shipped")]


def test_on_commit_hook_waits_for_the_outer_transaction() -> None:
    """Inside an outer atomic block the hook runs only when that block commits."""
    order = Order.objects.create(state="paid")
    with transaction.atomic():
        order.ship()
        assert Order.notified == []
    assert Order.notified == [(order.pk, "shipped")]


def test_on_commit_hook_never_runs_after_a_rollback() -> None:
    """An outer transaction that rolls back discards the hook."""
    order = Order.objects.create(state="paid")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        order.ship()
        1 / 0  # noqa: B018
    assert Order.notified == []
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_on_commit_hook_is_discarded_when_the_transition_fails() -> None:
    """An after hook failing after the on_commit hook registered discards it (savepoint)."""
    order = Order.objects.create(state="paid")
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="after hook failed"):
            order.cancel(explode=True)
        assert order.state == "paid"
    assert Order.notified == []
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_on_commit_declares_only_its_own_hook_on_a_decorated_function() -> None:
    """Stacked on another hook decorator, on_commit does not take over that declaration."""

    @statecore.after_transition("pay")
    def hook(self: Any, result: Any) -> None:
        """Record something."""

    deferred = statecore_django.on_commit("place")(hook)
    declared = getattr(deferred, HOOKS_ATTRIBUTE)
    assert [(h.kind, h.names) for h in declared] == [(HookKind.AFTER, ("place",))]
    assert deferred.__name__ == "hook"
