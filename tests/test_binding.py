"""Binding workflows to host classes: WorkflowEnabled, @transition and the descriptors."""

from __future__ import annotations

import dataclasses
from typing import Any

import attrs
import pytest

import statecore
from statecore import (
    ImplementationWrapper,
    InvalidStateError,
    ProtectedStateError,
    StateDescriptor,
    Transition,
    TransitionMethod,
    Workflow,
    WorkflowDefinitionError,
    WorkflowEnabled,
    transition,
)
from workflows import DoorFlow, LightFlow, Order, OrderFlow


def _problems(name: str, body: dict[str, Any], bases: tuple[type, ...] = ()) -> tuple[str, ...]:
    with pytest.raises(WorkflowDefinitionError) as info:
        type(name, bases or (WorkflowEnabled,), body)
    return info.value.problems


def test_plain_subclass_binds_without_a_metaclass() -> None:
    """WorkflowEnabled binds through __init_subclass__: the host's metaclass stays ``type``."""
    assert type(Order) is type
    order = Order()
    order.place()
    assert order.state == "placed"


def test_attrs_class_is_a_host() -> None:
    """An ``@attrs.define`` class (slotted by default) carries a workflow and runs transitions."""

    @attrs.define
    class Ticket(WorkflowEnabled):
        title: str
        state = OrderFlow()

        @transition()
        def place(self, note: str) -> str:
            return f"{self.title}: {note}"

    ticket = Ticket("t1")
    assert ticket.place("now") == "t1: now"
    assert ticket.state == "placed"
    assert ticket == Ticket("t1")  # the state is not an attrs field


def test_dataclass_is_a_host() -> None:
    """A dataclass carries a workflow; the state attribute is not a dataclass field."""

    @dataclasses.dataclass
    class Ticket(WorkflowEnabled):
        title: str
        state = OrderFlow()

    ticket = Ticket("t1")
    ticket.place()
    assert ticket.state == "placed"
    assert [f.name for f in dataclasses.fields(Ticket)] == ["title"]


def test_two_workflows_on_one_class() -> None:
    """Each state attribute moves independently through its own transitions."""

    class Room(WorkflowEnabled):
        door = DoorFlow()
        light = LightFlow()

    room = Room()
    room.switch()
    assert (room.door, room.light) == ("closed", "on")
    room.open_door()
    assert (room.door, room.light) == ("open", "on")
    assert set(Room._workflows) == {"door", "light"}


def test_field_disambiguates_a_shared_transition_name() -> None:
    """When two workflows share a transition name, ``field=`` says which one a method implements."""

    class Room(WorkflowEnabled):
        door = DoorFlow()
        window = DoorFlow()

        @transition("open_door", field="window")
        def open_window(self) -> str:
            return "window"

        @transition("close", field="window")
        def close_window(self) -> str:
            return "closed window"

    room = Room()
    assert room.open_window() == "window"
    assert (room.window, room.door) == ("open", "closed")
    room.open_door()
    assert (room.window, room.door) == ("open", "open")
    assert room.close_window() == "closed window"
    assert (room.window, room.door) == ("closed", "open")


def test_field_disambiguated_hosts_inherit_their_bindings() -> None:
    """A subclass of a host with field=-renamed implementations keeps both workflows apart."""

    class Room(WorkflowEnabled):
        door = DoorFlow()
        window = DoorFlow()

        @transition("open_door", field="window")
        def open_window(self) -> str:
            return "window"

        @transition("close", field="window")
        def close_window(self) -> None:
            pass

    class Kitchen(Room):
        pass

    kitchen = Kitchen()
    assert kitchen.open_window() == "window"
    kitchen.open_door()
    assert (kitchen.window, kitchen.door) == ("open", "open")


def test_shared_transition_name_without_field_is_an_error() -> None:
    """Two workflows with the same transition name clash unless implementations say field=."""
    problems = _problems("Room", {"door": DoorFlow(), "window": DoorFlow()})
    assert (
        "'open_door' is a transition of both 'door' and 'window'; rename one implementation, "
        "e.g. @transition('open_door', field='window') on a method of another name"
    ) in problems

    problems = _problems(
        "Room",
        {"door": DoorFlow(), "window": DoorFlow(), "open_door": transition()(lambda self: None)},
    )
    assert (
        "Room.open_door: transition 'open_door' exists in fields door, window; "
        "say which with @transition(field=...)"
    ) in problems


def test_transition_decorator_uses_the_method_name() -> None:
    """``@transition()`` implements the transition named like the method, which it runs."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def pay(self, amount: int, *, currency: str = "EUR") -> tuple[int, str]:
            return amount, currency

    shop = Shop()
    shop.place()
    assert shop.pay(10, currency="USD") == (10, "USD")
    assert shop.state == "paid"


def test_renamed_implementation_answers_to_both_names() -> None:
    """``@transition("pay")`` on ``settle`` makes both ``settle`` and ``pay`` run the transition."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

        @transition("pay")
        def settle(self) -> str:
            return "settled"

    first, second = Shop(), Shop()
    first.place()
    second.place()
    assert first.settle() == "settled"
    assert second.pay() == "settled"
    assert (first.state, second.state) == ("paid", "paid")
    assert first.settle.name == "pay"


def test_transition_without_implementation_is_a_noop() -> None:
    """A transition with no implementation still moves the state and returns None."""
    order = Order()
    assert order.place() is None
    assert order.state == "placed"
    assert Order.place.function is None


def test_transition_decorator_requires_parentheses() -> None:
    """``@transition`` without parentheses is refused with a hint."""
    with pytest.raises(TypeError, match=r"use @statecore.transition\(\) with parentheses"):
        transition(lambda self: None)  # type: ignore[arg-type]


def test_plain_attribute_named_like_a_transition_is_an_error() -> None:
    """A method or attribute that shadows a transition without @transition is reported."""
    problems = _problems("Shop", {"state": OrderFlow(), "pay": lambda self: None, "ship": 3})
    assert problems == (
        "Shop.pay is not a transition implementation, but 'pay' is a transition of OrderFlow; "
        "decorate it with @statecore.transition() or rename it",
        "Shop.ship is not a transition implementation, but 'ship' is a transition of OrderFlow; "
        "decorate it with @statecore.transition() or rename it",
    )


def test_implementation_of_unknown_transition_is_an_error() -> None:
    """An implementation naming no transition is reported with a suggestion."""
    problems = _problems("Shop", {"state": OrderFlow(), "pya": transition()(lambda self: None)})
    assert problems == (
        "Shop.pya implements unknown transition 'pya' (did you mean 'pay'?); "
        "transitions: cancel, pay, place, ship",
    )


def test_implementation_naming_unknown_field_is_an_error() -> None:
    """``field=`` naming no workflow attribute is reported with a suggestion."""
    problems = _problems(
        "Shop", {"state": OrderFlow(), "pay": transition(field="stat")(lambda self: None)}
    )
    assert problems == (
        "Shop.pay names field 'stat', which is not a workflow attribute (did you mean 'state'?); "
        "fields: state",
    )


def test_hook_naming_unknown_transition_state_or_field_is_an_error() -> None:
    """Hooks naming unknown transitions, states or fields are all reported, with suggestions."""

    def hook(self: Any) -> None:
        pass

    body = {
        "state": OrderFlow(),
        "a": statecore.before_transition("pya")(lambda self: None),
        "b": statecore.on_enter_state("shiped")(lambda self, result: None),
        "c": statecore.after_transition(field="stat")(lambda self, result: None),
    }
    assert _problems("Shop", body) == (
        "before_transition hook 'a' names unknown transition 'pya' (did you mean 'pay'?)",
        "on_enter_state hook 'b' names unknown state 'shiped' (did you mean 'shipped'?)",
        "hook 'c' names field 'stat', which is not a workflow attribute "
        "(did you mean 'state'?); fields: state",
    )


def test_condition_naming_a_missing_method_is_an_error() -> None:
    """A condition given by name must be a method of the host class."""

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (statecore.Transition("go", "a", "b", conditions="is_ready"),)
        initial_state = "a"

    assert _problems("Thing", {"state": Flow()}) == (
        "transition 'go' has condition 'is_ready', which is not a method of Thing",
    )


def test_subclass_keeps_base_implementations() -> None:
    """A host subclass inherits its base's implementations."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> str:
            return "base"

    class Branch(Shop):
        pass

    assert Branch().place() == "base"


def test_subclass_overrides_implementations() -> None:
    """A host subclass may override an implementation; the base keeps its own."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> str:
            return "base"

    class Branch(Shop):
        @transition()
        def place(self) -> str:
            return "branch"

    assert Branch().place() == "branch"
    assert Shop().place() == "base"


def test_subclass_keeps_and_overrides_hooks() -> None:
    """Base hooks still run in a subclass; a hook redefined by name replaces the base's."""
    calls: list[str] = []

    class Shop(WorkflowEnabled):
        state = OrderFlow()

        @statecore.before_transition("place")
        def audit(self) -> None:
            calls.append("base audit")

        @statecore.after_transition("place")
        def notify(self, result: object) -> None:
            calls.append("base notify")

    class Branch(Shop):
        @statecore.after_transition("place")
        def notify(self, result: object) -> None:
            calls.append("branch notify")

    Branch().place()
    assert calls == ["base audit", "branch notify"]
    calls.clear()
    Shop().place()
    assert calls == ["base audit", "base notify"]


def test_subclass_replaces_the_workflow() -> None:
    """A subclass assigning another workflow to the attribute gets that workflow's transitions."""

    class Refundable(OrderFlow):
        states = ("refunded",)
        transitions = (("refund", "paid", "refunded"),)

    class Shop(WorkflowEnabled):
        state = OrderFlow()

    class Refunding(Shop):
        state = Refundable()

    shop = Refunding()
    shop.state = "paid"
    shop.refund()
    assert shop.state == "refunded"
    assert not hasattr(Shop, "refund")


def test_subclass_removing_the_workflow_unbinds_it() -> None:
    """A subclass that replaces the state attribute by a plain value has no workflow."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

    class Plain(Shop):
        state = "fixed"

    assert Plain._workflows == {}
    assert Plain().state == "fixed"


def test_transition_method_outside_a_workflow_enabled_class_explains() -> None:
    """Reading a transition declared on a class that is not WorkflowEnabled raises TypeError."""

    class NotAHost:
        @transition()
        def pay(self) -> None:
            pass

    with pytest.raises(TypeError, match="declares transition 'pay' but does not inherit from "):
        _ = NotAHost().pay


def test_unprotected_state_may_be_assigned() -> None:
    """Assigning a valid state (by name, State, wrapper or enum) sets it."""
    order = Order()
    order.state = "paid"
    assert order.state == "paid"
    order.state = OrderFlow.states.shipped
    assert order.state == "shipped"
    order.state = Order().state
    assert order.state == "draft"


def test_protected_state_allows_the_first_set_only() -> None:
    """A protected binding accepts the first assignment, then raises ProtectedStateError."""

    class Shop(WorkflowEnabled):
        state = OrderFlow(protected=True)

        def __init__(self, state: str) -> None:
            self.state = state

    shop = Shop("placed")
    assert shop.state == "placed"
    with pytest.raises(ProtectedStateError) as info:
        shop.state = "paid"
    assert info.value.field == "state"
    assert info.value.instance is shop
    assert str(info.value) == (
        "Shop.state is protected: it changes only through transitions "
        "(place, pay, ship, cancel); use statecore.testing.set_state() in tests"
    )
    assert shop.state == "placed"
    shop.pay()
    assert shop.state == "paid"
    assert Shop.state.protected is True


def test_descriptor_force_bypasses_protection() -> None:
    """``StateDescriptor.force`` sets a validated state even when protected."""

    class Shop(WorkflowEnabled):
        state = OrderFlow(protected=True)

    shop = Shop()
    shop.state = "placed"
    Shop.state.force(shop, "shipped")
    assert shop.state == "shipped"
    with pytest.raises(InvalidStateError):
        Shop.state.force(shop, "lost")


def test_assigning_an_unknown_state_lists_the_states() -> None:
    """Assigning a value that is not a state raises InvalidStateError naming the allowed values."""
    order = Order()
    with pytest.raises(InvalidStateError) as info:
        order.state = "shiped"
    assert str(info.value) == (
        "'shiped' is not a state of OrderFlow for 'state'; "
        "states: draft, placed, paid, shipped, cancelled (did you mean 'shipped'?)"
    )
    assert info.value.value == "shiped"
    assert info.value.workflow is OrderFlow
    assert info.value.field == "state"
    assert order.state == "draft"


def test_class_access_returns_descriptors() -> None:
    """On the class, the state is its StateDescriptor and a transition its TransitionMethod."""
    assert isinstance(Order.state, StateDescriptor)
    assert Order.state.name == "state"
    assert isinstance(Order.state.workflow, OrderFlow)
    assert repr(Order.state) == "<StateDescriptor 'state': OrderFlow>"
    assert isinstance(Order.pay, TransitionMethod)
    assert repr(Order.pay) == "<TransitionMethod 'pay'>"
    assert isinstance(Order().pay, ImplementationWrapper)


def test_workflows_mapping_names_each_state_attribute() -> None:
    """``_workflows`` maps each state attribute to its workflow object."""
    assert list(Order._workflows) == ["state"]
    assert Order._workflows["state"] is Order.state.workflow


def test_bind_with_explicit_descriptors() -> None:
    """Adapters may bind a class with descriptors they add after class creation."""
    from statecore.binding import bind

    class Late(WorkflowEnabled):
        pass

    descriptor = StateDescriptor(DoorFlow(), "door")
    Late.door = descriptor  # type: ignore[attr-defined]
    bind(Late, {"door": descriptor})
    late = Late()
    late.open_door()  # type: ignore[attr-defined]
    assert late.door == "open"  # type: ignore[attr-defined]
    assert Late._workflows == {"door": descriptor.workflow}


def test_host_without_workflow_has_empty_mapping() -> None:
    """A WorkflowEnabled class without a workflow is allowed and has no workflows."""

    class Nothing(WorkflowEnabled):
        pass

    assert Nothing._workflows == {}


def test_bound_transition_introspection() -> None:
    """A bound transition knows its transition, field, workflow, current state and object."""
    order = Order(pk=3)
    wrapper = order.pay
    assert wrapper.transition is OrderFlow.transitions.pay
    assert wrapper.name == "pay"
    assert wrapper.field_name == "state"
    assert wrapper.workflow is Order.state.workflow
    assert wrapper.current_state == "draft"
    assert wrapper.instance is order
    assert repr(wrapper) == "<ImplementationWrapper 'pay' of Order #3>"


def test_implementation_class_swaps_the_wrapper() -> None:
    """A workflow's ``implementation_class`` is what reading a transition returns."""

    class Recording(ImplementationWrapper[Any, Any]):
        pass

    class Flow(OrderFlow):
        implementation_class = Recording

    class Shop(WorkflowEnabled):
        state = Flow()

    assert type(Shop().place) is Recording


def test_transition_bindings_are_compiled_on_first_use() -> None:
    """Creating a class compiles nothing per transition; reading one compiles it, once."""

    class Shop(WorkflowEnabled):
        state = OrderFlow()

    method = Shop.__dict__["pay"]
    assert method.installed
    assert method._binding is None
    assert method.descriptor is Shop.state
    shop = Shop()
    shop.place()
    assert method._binding is None  # only "place" was used
    assert Shop.__dict__["place"]._binding is not None
    assert method.binding is method.binding is not None
    assert method.binding.transition is OrderFlow.transitions.pay
    assert method.binding.field == "state"
    assert shop.pay.binding is method.binding


def test_lazy_compilation_uses_what_the_class_declared() -> None:
    """Guards and hooks are those of the class when it was created, whenever compiled."""
    calls: list[str] = []

    class Flow(Workflow):
        states = ("a", "b")
        transitions = (Transition("go", "a", "b", conditions="ready"),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

        def ready(self) -> bool:
            calls.append("ready")
            return True

        @statecore.after_transition("go")
        def done(self, result: Any) -> None:
            calls.append("after")

    Host.ready = lambda self: False  # type: ignore[method-assign]
    host = Host()
    host.go()
    assert calls == ["ready", "after"]
    assert host.state == "b"


def test_uninstalled_transition_method_has_no_binding() -> None:
    """A declaration made by @transition() is not installed and has no binding or field."""
    declared = transition()(lambda self: None)
    assert not declared.installed
    assert declared.binding is None
    assert declared.descriptor is None
    compiled = Order.__dict__["pay"]
    assert compiled.binding is not None
    bare = TransitionMethod(None, "pay", "state", compiled.binding)
    assert bare.installed
    assert bare.descriptor is Order.state
