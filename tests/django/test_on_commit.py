"""on_commit hooks run after the transaction commits, never after a rollback."""

from __future__ import annotations

import pytest
from django.db import transaction
from tests.django.testapp.models import Order

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
