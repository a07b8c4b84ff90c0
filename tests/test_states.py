"""The state wrapper an object's state attribute reads as."""

from __future__ import annotations

import pickle

import pytest

import statecore
from statecore import State, StateWrapper, Workflow
from workflows import Colour, Level, Order, OrderFlow


class Light(statecore.WorkflowEnabled):
    """A host whose states come from a str-valued enum."""

    class Flow(Workflow):
        states = Colour
        transitions = (("go", "red", "green"),)
        initial_state = "red"

    state = Flow()


class Gauge(statecore.WorkflowEnabled):
    """A host whose states come from an int-valued enum."""

    class Flow(Workflow):
        states = Level
        transitions = (("raise_level", "low", "high"),)
        initial_state = "low"

    level = Flow()


def test_new_object_is_in_the_initial_state() -> None:
    """An object whose state was never set reads as the workflow's initial state."""
    assert Order().state == "draft"


def test_wrapper_exposes_name_title_and_value() -> None:
    """``.name`` and ``.title`` come from the State; ``.value`` is the name unless declared."""
    state = Order().state
    assert isinstance(state, StateWrapper)
    assert state.name == "draft"
    assert state.title == "Draft"
    assert state.value == "draft"
    assert Gauge().level.value == 1


def test_is_flags_answer_for_every_state() -> None:
    """``is_<name>`` is True for the current state and False for every other state."""
    state = Order().state
    assert state.is_draft is True
    assert state.is_paid is False


def test_is_flag_for_an_unknown_state_raises_attribute_error() -> None:
    """``is_<name>`` for a name that is not a state raises AttributeError listing the states."""
    with pytest.raises(
        AttributeError,
        match=r"OrderFlow has no state 'shiped' \(did you mean 'shipped'\?\); states: draft,",
    ):
        _ = Order().state.is_shiped


def test_other_unknown_attribute_raises_attribute_error() -> None:
    """Any other missing attribute raises a plain AttributeError."""
    with pytest.raises(AttributeError, match="'StateWrapper' object has no attribute 'colour'"):
        _ = Order().state.colour


def test_wrapper_equals_name_state_and_wrapper() -> None:
    """The wrapper equals its name, its State and another wrapper of the same state."""
    order, other = Order(), Order()
    assert order.state == "draft"
    assert order.state != "paid"
    assert order.state == OrderFlow.states.draft
    assert order.state != OrderFlow.states.paid
    assert order.state == other.state
    assert order.state != 3


def test_wrappers_of_different_workflows_differ() -> None:
    """Wrappers of same-named states in different workflows are not equal."""

    class Other(Workflow):
        states = ("draft", "done")
        transitions = (("finish", "draft", "done"),)
        initial_state = "draft"

    assert OrderFlow.wrap("draft") != Other.wrap("draft")


def test_wrapper_equals_its_enum_member() -> None:
    """A state built from an enum equals that member (and not another)."""
    light = Light()
    assert light.state == Colour.RED
    assert light.state != Colour.GREEN
    assert Gauge().level == Level.LOW


def test_wrapper_hashes_like_its_name() -> None:
    """Wrappers hash like their name, so they work as dict keys alongside names."""
    assert hash(Order().state) == hash("draft")
    assert {"draft": 1}[Order().state] == 1


def test_wrapper_str_and_repr() -> None:
    """``str()`` is the name; the repr names the state."""
    assert str(Order().state) == "draft"
    assert repr(Order().state) == "<StateWrapper: 'draft'>"
    assert str(OrderFlow.states.draft) == "draft"
    assert repr(OrderFlow.states.draft) == "State('draft')"


def test_wrapper_pickles_as_its_name() -> None:
    """A pickled wrapper loads as the plain state name."""
    assert pickle.loads(pickle.dumps(Order().state)) == "draft"


def test_transitions_reads_as_attribute_and_as_call() -> None:
    """``.transitions`` and ``.transitions()`` both give the transitions leaving the state."""
    state = Order().state
    assert [t.name for t in state.transitions] == ["place", "cancel"]
    assert [t.name for t in state.transitions()] == ["place", "cancel"]


def test_wrappers_are_shared() -> None:
    """Reading the state of two objects in the same state gives the same wrapper object."""
    assert Order().state is Order().state


def test_stale_value_reads_as_unknown_state() -> None:
    """A stored value that is not a state reads with ``known=False`` instead of failing."""
    order = Order()
    type(order).state.store(order, "archived")
    assert order.state == "archived"
    assert order.state.known is False
    assert repr(order.state) == "<StateWrapper: 'archived', unknown>"


def test_transition_from_stale_state_names_the_allowed_states() -> None:
    """A transition from an unknown stored state raises InvalidTransitionError naming the states."""
    order = Order(pk=7)
    type(order).state.store(order, "archived")
    with pytest.raises(statecore.InvalidTransitionError) as info:
        order.place()
    assert str(info.value) == (
        "Order #7 is in state 'archived', which OrderFlow does not define, so no transition "
        "runs from it (transition 'place'); set 'state' to one of: "
        "draft, placed, paid, shipped, cancelled"
    )
    assert info.value.available == ()
    assert info.value.state == "archived"
    assert order.state == "archived"


def test_stale_state_explains_why_nothing_is_available() -> None:
    """``explain()`` from an unknown state gives one "state" reason; nothing is available."""
    order = Order()
    type(order).state.store(order, "archived")
    availability = order.place.explain()
    assert not availability
    assert [r.kind for r in availability.reasons] == ["state"]
    assert "does not define" in availability.message
    assert order.place.is_available() is False


def test_state_name_accepts_every_spelling() -> None:
    """Names, States, wrappers, enum members and declared values all name a state."""
    assert OrderFlow.state_name("paid") == "paid"
    assert OrderFlow.state_name(OrderFlow.states.paid) == "paid"
    assert OrderFlow.state_name(OrderFlow.wrap("paid")) == "paid"
    assert Light.Flow.state_name(Colour.GREEN) == "green"
    assert Gauge.Flow.state_name(2) == "high"
    assert Gauge.Flow.state_name(Level.HIGH) == "high"


def test_state_name_rejects_foreign_values() -> None:
    """Values that are not states of the workflow raise InvalidStateError."""
    for value in ("payed", State("paid", "Other"), Colour.RED, 5, True, None):
        with pytest.raises(statecore.InvalidStateError):
            OrderFlow.state_name(value)


def test_get_state_is_the_typed_lookup_of_a_state() -> None:
    """``get_state(name)`` returns the same `State` as ``states[name]``."""
    assert OrderFlow.get_state("paid") is OrderFlow.states["paid"]
    assert Light.Flow.get_state("green").member is Colour.GREEN


def test_get_state_of_an_unknown_name_raises_invalid_state_error() -> None:
    """An unknown name raises InvalidStateError with a suggestion, the states and the data."""
    with pytest.raises(
        statecore.InvalidStateError,
        match=r"OrderFlow has no state 'shiped' \(did you mean 'shipped'\?\); states: draft,",
    ) as info:
        OrderFlow.get_state("shiped")
    assert (info.value.value, info.value.workflow, info.value.field) == ("shiped", OrderFlow, None)
    for value in (OrderFlow.states.paid, ["paid"], None):
        with pytest.raises(statecore.InvalidStateError):
            OrderFlow.get_state(value)  # type: ignore[arg-type]


def test_get_transition_is_the_typed_lookup_of_a_transition() -> None:
    """``get_transition(name)`` returns the transition definition; unknown names raise."""
    assert OrderFlow.get_transition("cancel") is OrderFlow.transitions["cancel"]
    with pytest.raises(
        statecore.UnknownTransitionError,
        match=r"OrderFlow has no transition 'shp' \(did you mean 'ship'\?\); transitions: place,",
    ) as info:
        OrderFlow.get_transition("shp")
    assert (info.value.name, info.value.workflow) == ("shp", OrderFlow)


def test_typed_lookups_on_a_workflow_without_states() -> None:
    """The abstract base workflow has no states and no transitions: lookups say so."""
    with pytest.raises(statecore.InvalidStateError, match="states: none"):
        Workflow.get_state("draft")
    with pytest.raises(statecore.UnknownTransitionError, match="transitions: none"):
        Workflow.get_transition("pay")
