"""Looking a transition up by name: `statecore.get_transition`."""

from __future__ import annotations

import pytest

import statecore
from workflows import Order, OrderFlow


def test_get_transition_returns_the_bound_transition() -> None:
    """A known name gives the transition bound to the object, ready to run."""
    order = Order(pk=3)
    place = statecore.get_transition(order, "place")
    assert place.is_available()
    place()
    assert order.state == "placed"


def test_get_transition_unknown_name_suggests_the_close_one() -> None:
    """An unknown name raises UnknownTransitionError naming the close match and every name."""
    with pytest.raises(statecore.UnknownTransitionError) as caught:
        statecore.get_transition(Order(), "plase")
    message = str(caught.value)
    assert "Order has no transition 'plase' (did you mean 'place'?)" in message
    assert "transitions: cancel, pay, place, ship" in message
    assert caught.value.name == "plase"
    assert isinstance(caught.value, AttributeError)


def test_get_transition_needs_field_when_two_workflows_share_the_name() -> None:
    """With a name in two workflows, field= picks one; without it the error says to pass it."""

    class BidFlow(statecore.Workflow):
        states = ("open", "placed")
        transitions = (("place", "open", "placed"),)
        initial_state = "open"

    class Pair(statecore.WorkflowEnabled):
        first = OrderFlow()
        second = BidFlow()

        @statecore.transition("place", field="first")
        def place_first(self) -> None:
            """Place the first order."""

        @statecore.transition("place", field="second")
        def place_second(self) -> None:
            """Place the second order."""

    pair = Pair()
    with pytest.raises(statecore.UnknownTransitionError, match="pass field= to say which"):
        statecore.get_transition(pair, "place")
    statecore.get_transition(pair, "place", field="second")()
    assert pair.second == "placed"
    assert pair.first == "draft"
    statecore.get_transition(pair, "pay", field="first")


def test_get_transition_with_unknown_field_names_it() -> None:
    """A field that does not hold the transition is reported with that field."""
    with pytest.raises(statecore.UnknownTransitionError, match="in field 'status'"):
        statecore.get_transition(Order(), "place", field="status")
