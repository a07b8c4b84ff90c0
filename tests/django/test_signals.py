"""Signals: pre_transition, post_transition and transition_failed, with their kwargs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.dispatch import Signal
from tests.django.testapp.models import Order
from tests.django.testapp.workflows import OrderFlow

import statecore
from statecore_django import post_transition, pre_transition, transition_failed
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db


@contextmanager
def receiving(signal: Signal, handler: Any = None) -> Iterator[list[dict[str, Any]]]:
    """Collect the kwargs of every sending of ``signal`` for Order."""
    calls: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})
        if handler is not None:
            handler(**kwargs)

    signal.connect(receiver, sender=Order)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=Order)


def test_pre_and_post_transition_receive_documented_kwargs() -> None:
    """Both signals get sender, instance, transition, source, target, field, args, kwargs, user."""
    order = Order.objects.create(state="placed")
    with receiving(pre_transition) as pre, receiving(post_transition) as post:
        order.pay(7)
    for calls in (pre, post):
        (call,) = calls
        assert call["sender"] is Order
        assert call["instance"] is order
        assert call["transition"] is OrderFlow.transitions["pay"]
        assert call["source"] == OrderFlow.states.placed
        assert call["target"] == OrderFlow.states.paid
        assert call["field"] == "state"
        assert call["args"] == (7,)
        assert call["kwargs"] == {}
        assert call["user"] is None


def test_post_transition_sees_the_saved_row_and_the_log() -> None:
    """post_transition runs after the UPDATE and the log INSERT (inside the transaction)."""
    order = Order.objects.create()
    seen: list[tuple[str, int]] = []

    def check(instance: Order, **kwargs: Any) -> None:
        stored = Order.objects.get(pk=instance.pk).state.name
        seen.append((stored, TransitionLog.for_object(instance).count()))

    with receiving(post_transition, check):
        order.place()
    assert seen == [("placed", 1)]


def test_pre_transition_receiver_can_cancel_the_transition() -> None:
    """A pre_transition receiver raising AbortTransition leaves everything unchanged."""
    order = Order.objects.create()

    def refuse(**kwargs: Any) -> None:
        raise statecore.AbortTransition("not today")

    with receiving(pre_transition, refuse), pytest.raises(statecore.AbortTransition):
        order.place()
    assert Order.objects.get(pk=order.pk).state == "draft"


def test_pre_transition_is_not_sent_for_an_unavailable_transition() -> None:
    """pre_transition is sent only once the transition is available."""
    order = Order.objects.create()
    with receiving(pre_transition) as pre, pytest.raises(statecore.InvalidTransitionError):
        order.ship()
    assert pre == []


def test_transition_failed_receives_the_exception_after_rollback() -> None:
    """transition_failed gets the exception, after the object was restored."""
    order = Order.objects.create(state="placed")
    states: list[str] = []

    def remember(instance: Order, **kwargs: Any) -> None:
        states.append(instance.state.name)

    with receiving(transition_failed, remember) as calls, pytest.raises(RuntimeError):
        order.pay(3, fail=True)
    (call,) = calls
    assert isinstance(call["exception"], RuntimeError)
    assert call["transition"].name == "pay"
    assert call["kwargs"] == {"fail": True}
    assert states == ["placed"]
