"""A transition started while another transition of the same object is running.

The rule: a transition started from a before/leave hook or the implementation that
changes the same state attribute makes the outer transition raise
`ConcurrentTransition` and not apply (the inner one stands). From an enter/after hook,
the outer transition is already applied, so a nested transition runs and chains.
Transitions of another state attribute are independent and always run.
"""

from __future__ import annotations

from typing import Any

import pytest

import statecore
from statecore import ConcurrentTransition, WorkflowEnabled, transition
from workflows import DoorFlow, LightFlow, OrderFlow


@pytest.mark.parametrize(
    "kind",
    [statecore.before_transition, statecore.on_leave_state],
    ids=["before", "leave"],
)
def test_nested_transition_from_pre_hook_makes_outer_raise(kind: Any) -> None:
    """A before/leave hook that cancels the order makes ``place`` raise; cancel stands."""
    after: list[str] = []
    nested: list[str] = []
    names = ("draft",) if kind is statecore.on_leave_state else ("place",)

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @kind(*names)
        def cancel_instead(self) -> None:
            if not nested:  # the leave hook also runs for the nested cancel
                nested.append("cancel")
                self.cancel()

        @statecore.after_transition("place")
        def placed(self, result: object) -> None:
            after.append("placed")

    host = Host()
    with pytest.raises(ConcurrentTransition) as info:
        host.place()
    assert host.state == "cancelled"
    assert info.value.expected == "draft"
    assert info.value.actual == "cancelled"
    assert info.value.transition == "place"
    assert after == []


def test_nested_transition_from_implementation_makes_outer_raise() -> None:
    """An implementation that runs another transition of the same field does not apply."""

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> None:
            self.cancel()

    host = Host()
    with pytest.raises(ConcurrentTransition):
        host.place()
    assert host.state == "cancelled"


def test_nested_transition_from_enter_hook_chains() -> None:
    """An enter hook may start the next transition: both apply, in order."""
    calls: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @statecore.on_enter_state("placed")
        def auto_pay(self, result: object) -> None:
            calls.append(f"enter placed, state {self.state}")
            self.pay()

        @statecore.after_transition("pay")
        def paid(self, result: object) -> None:
            calls.append(f"after pay, state {self.state}")

    host = Host()
    host.place()
    assert host.state == "paid"
    assert calls == ["enter placed, state placed", "after pay, state paid"]


def test_nested_transition_from_after_hook_chains() -> None:
    """An after hook may start the next transition; the outer call still returns its result."""

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> str:
            return "placed"

        @statecore.after_transition("place")
        def auto_pay(self, result: object) -> None:
            self.pay()

    host = Host()
    assert host.place() == "placed"
    assert host.state == "paid"


def test_transition_of_another_field_from_a_hook_runs() -> None:
    """A hook may run a transition of another state attribute; both transitions apply."""

    class Room(WorkflowEnabled):
        door = DoorFlow()
        light = LightFlow()

        @statecore.before_transition("open_door")
        def light_up(self) -> None:
            self.switch()

    room = Room()
    room.open_door()
    assert (room.door, room.light) == ("open", "on")
