"""Signals: pre_transition, post_transition and transition_failed, with their kwargs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.dispatch import Signal
from tests.django.testapp.models import Order, Shipment
from tests.django.testapp.workflows import OrderFlow

import statecore
from statecore.errors import add_note
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


def test_entering_on_error_sends_pre_transition_then_transition_failed_naming_it() -> None:
    """A failure that enters on_error sends pre_transition and transition_failed, no post."""
    order = Order.objects.create(state="placed")
    with (
        receiving(pre_transition) as pre,
        receiving(post_transition) as post,
        receiving(transition_failed) as failed,
        pytest.raises(RuntimeError, match="card declined"),
    ):
        order.charge(fail=True)
    assert [call["target"].name for call in pre] == ["paid"]
    assert post == []
    (call,) = failed
    assert (call["source"].name, call["target"].name) == ("placed", "paid")
    assert call["entered"] == OrderFlow.states["failed"]
    assert order.state == "failed"


def test_transition_failed_names_no_entered_state_when_the_object_is_back_in_source() -> None:
    """Without on_error, transition_failed says no state was entered."""
    order = Order.objects.create(state="placed")
    with receiving(transition_failed) as failed, pytest.raises(RuntimeError):
        order.pay(3, fail=True)
    assert failed[0]["entered"] is None


def test_transition_failed_names_the_target_a_multi_target_transition_chose() -> None:
    """A failure after a multi-target transition chose its target reports that target."""
    shipment = Shipment.objects.create(state="placed")
    calls: list[dict[str, Any]] = []

    def fail(sender: type, **kwargs: Any) -> None:
        raise RuntimeError("receiver failed")

    def remember(sender: type, **kwargs: Any) -> None:
        calls.append(kwargs)

    post_transition.connect(fail, sender=Shipment)
    transition_failed.connect(remember, sender=Shipment)
    try:
        with pytest.raises(RuntimeError, match="receiver failed"):
            shipment.inspect(ok=False)
    finally:
        post_transition.disconnect(fail, sender=Shipment)
        transition_failed.disconnect(remember, sender=Shipment)
    (call,) = calls
    assert call["target"].name == "cancelled"
    assert shipment.state == "placed"


#: Exception notes (PEP 678) exist from Python 3.11; before, statecore adds none.
NOTES = sys.version_info >= (3, 11)


def test_failure_before_the_state_was_set_gets_no_rollback_note() -> None:
    """Only a failure after the state was set is noted as rolled back, whatever its notes say."""
    order = Order.objects.create()
    error = ValueError("refused")
    add_note(error, "the refund was applied")

    def refuse(**kwargs: Any) -> None:
        raise error

    with receiving(pre_transition, refuse), pytest.raises(ValueError) as info:
        order.place()
    expected = ["the refund was applied"] if NOTES else []
    assert getattr(info.value, "__notes__", []) == expected


def test_failure_after_the_state_was_set_is_noted_as_rolled_back() -> None:
    """A post_transition receiver failing: the note says the object is back in its source."""
    order = Order.objects.create()

    def refuse(**kwargs: Any) -> None:
        raise ValueError("refused")

    with receiving(post_transition, refuse), pytest.raises(ValueError) as info:
        order.place()
    notes = getattr(info.value, "__notes__", [])
    assert any("is back in state 'draft'" in note for note in notes) is NOTES
    assert Order.objects.get(pk=order.pk).state == "draft"
