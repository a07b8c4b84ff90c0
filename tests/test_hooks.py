"""Hooks: order, priorities, signatures, the TransitionEvent, field scoping and aborting."""

from __future__ import annotations

from typing import Any

import pytest

import statecore
from statecore import (
    AbortTransition,
    ForbiddenTransition,
    Hook,
    HookKind,
    Transition,
    TransitionEvent,
    WorkflowEnabled,
    after_transition,
    before_transition,
    on_enter_state,
    on_leave_state,
    transition,
    transition_check,
)
from workflows import DoorFlow, LightFlow, OrderFlow, ReviewFlow


class Traced(WorkflowEnabled):
    """Records every step of ``place`` in the order it runs."""

    class Flow(OrderFlow):
        def log_transition(
            self, transition: Transition, from_state: Any, instance: Any, *a: Any, **kw: Any
        ) -> None:
            instance.calls.append("log")

    state = Flow()

    def __init__(self) -> None:
        self.calls: list[str] = []

    @transition_check("place")
    def check(self) -> bool:
        self.calls.append("check")
        return True

    @before_transition("place")
    def before(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("before")

    @on_leave_state("draft")
    def leave(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("leave")

    @transition()
    def place(self) -> str:
        self.calls.append(f"implementation in {self.state}")
        return "done"

    @on_enter_state("placed")
    def enter(self, result: object, *args: Any, **kwargs: Any) -> None:
        self.calls.append(f"enter in {self.state}")

    @after_transition("place")
    def after(self, result: object, *args: Any, **kwargs: Any) -> None:
        self.calls.append("after")


def test_steps_run_in_the_documented_order() -> None:
    """check, before, leave, implementation, state set, log, enter, after — in that order."""
    traced = Traced()
    traced.place()
    assert traced.calls == [
        "check",
        "before",
        "leave",
        "implementation in draft",
        "log",
        "enter in placed",
        "after",
    ]


def test_higher_priority_runs_first_then_definition_order() -> None:
    """Within one kind, hooks run by decreasing priority, ties in definition order."""
    calls: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @before_transition("place")
        def first_defined(self) -> None:
            calls.append("first_defined")

        @before_transition("place", priority=-1)
        def low(self) -> None:
            calls.append("low")

        @before_transition("place", priority=10)
        def high(self) -> None:
            calls.append("high")

        @before_transition("place")
        def second_defined(self) -> None:
            calls.append("second_defined")

    Host().place()
    assert calls == ["high", "first_defined", "second_defined", "low"]


def test_base_class_hooks_run_before_subclass_hooks_of_equal_priority() -> None:
    """A base class's hook runs before its subclass's when their priorities are equal."""
    calls: list[str] = []

    class Base(WorkflowEnabled):
        state = OrderFlow()

        @after_transition("place")
        def base_hook(self, result: object) -> None:
            calls.append("base")

    class Child(Base):
        @after_transition("place")
        def child_hook(self, result: object) -> None:
            calls.append("child")

        @after_transition("place", priority=1)
        def urgent_child_hook(self, result: object) -> None:
            calls.append("urgent child")

    Child().place()
    assert calls == ["urgent child", "base", "child"]


def test_hook_signatures_receive_the_call_arguments() -> None:
    """check gets (self); before/leave get (self, *args, **kwargs); enter/after also the result."""
    seen: dict[str, tuple[Any, ...]] = {}

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @transition_check("place")
        def check(self) -> bool:
            seen["check"] = ()
            return True

        @before_transition("place")
        def before(self, a: int, *, b: int) -> None:
            seen["before"] = (a, b)

        @on_leave_state("draft")
        def leave(self, a: int, *, b: int) -> None:
            seen["leave"] = (a, b)

        @transition()
        def place(self, a: int, *, b: int) -> int:
            return a + b

        @on_enter_state("placed")
        def enter(self, result: int, a: int, *, b: int) -> None:
            seen["enter"] = (result, a, b)

        @after_transition("place")
        def after(self, result: int, a: int, *, b: int) -> None:
            seen["after"] = (result, a, b)

    Host().place(1, b=2)
    assert seen == {
        "check": (),
        "before": (1, 2),
        "leave": (1, 2),
        "enter": (3, 1, 2),
        "after": (3, 1, 2),
    }


def test_event_parameter_receives_the_transition_event() -> None:
    """A keyword-only ``event`` gets transition, source, target, args, kwargs, user, result."""
    events: dict[str, dict[str, Any]] = {}

    def snapshot(event: TransitionEvent) -> dict[str, Any]:
        return {
            "transition": event.transition.name,
            "source": event.source,
            "target": event.target,
            "args": event.args,
            "kwargs": event.kwargs,
            "user": event.user,
            "result": event.result,
            "field": event.field,
        }

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @before_transition("place")
        def before(self, *args: Any, event: TransitionEvent, **kwargs: Any) -> None:
            assert event.instance is self
            events["before"] = snapshot(event)

        @transition()
        def place(self, note: str, *, urgent: bool) -> str:
            return f"placed: {note}"

        @after_transition("place")
        def after(self, result: str, *args: Any, event: TransitionEvent, **kwargs: Any) -> None:
            events["after"] = snapshot(event)

    user = object()
    Host().place.as_user(user)("gift", urgent=True)
    common = {
        "transition": "place",
        "source": OrderFlow.states.draft,
        "target": OrderFlow.states.placed,
        "args": ("gift",),
        "kwargs": {"urgent": True},
        "user": user,
        "field": "state",
    }
    assert events["before"] == {**common, "result": None}
    assert events["after"] == {**common, "result": "placed: gift"}


def test_event_target_of_multi_target_transition_is_set_once_chosen() -> None:
    """For several targets, ``event.target`` is None until chosen, then the chosen State."""
    targets: list[Any] = []

    class Host(WorkflowEnabled):
        state = ReviewFlow()

        @before_transition("decide")
        def before(self, *args: Any, event: TransitionEvent) -> None:
            targets.append(event.target)

        @before_transition("decide")
        def without_event(self, verdict: str) -> None:
            targets.append(f"without event: {verdict}")

        @transition()
        def decide(self, verdict: str) -> str:
            return verdict

        @on_enter_state("rejected")
        def entered(self, result: str, *args: Any, event: TransitionEvent) -> None:
            targets.append(event.target)

        @after_transition("decide")
        def after_without_event(self, result: str, verdict: str) -> None:
            targets.append(f"after without event: {result}")

    Host().decide("rejected")
    assert targets == [
        None,
        "without event: rejected",
        ReviewFlow.states.rejected,
        "after without event: rejected",
    ]


@pytest.mark.parametrize(
    "kind",
    [transition_check, before_transition, on_leave_state],
    ids=["check", "before", "leave"],
)
def test_abort_from_any_pre_state_hook_leaves_the_state(kind: Any) -> None:
    """AbortTransition raised by a check, before or leave hook cancels the transition cleanly."""
    ran: list[str] = []
    names = ("draft",) if kind is on_leave_state else ("place",)

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @kind(*names)
        def refuse(self, *args: Any) -> None:
            raise AbortTransition("refused")

        @transition()
        def place(self) -> None:
            ran.append("implementation")

    host = Host()
    with pytest.raises(AbortTransition, match="refused"):
        host.place()
    assert host.state == "draft"
    assert ran == []


def test_false_check_forbids_the_transition() -> None:
    """A check hook returning False raises ForbiddenTransition and nothing else runs."""
    ran: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @transition_check("place")
        def stock_available(self) -> bool:
            return False

        @before_transition("place")
        def before(self) -> None:
            ran.append("before")

    host = Host()
    with pytest.raises(ForbiddenTransition) as info:
        host.place()
    assert [r.name for r in info.value.reasons] == ["stock_available"]
    assert ran == []
    assert host.state == "draft"


def test_hook_for_all_transitions() -> None:
    """A hook with no names (or ``"*"``) runs for every transition."""
    calls: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @after_transition
        def bare(self, result: object) -> None:
            calls.append("bare")

        @after_transition("*")
        def star(self, result: object) -> None:
            calls.append("star")

    host = Host()
    host.place()
    host.pay()
    assert calls == ["bare", "star", "bare", "star"]


def test_hook_for_several_names_runs_for_each() -> None:
    """A hook naming several transitions (or states, by State object) runs for each of them."""
    calls: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @before_transition("place", "pay")
        def before(self) -> None:
            calls.append(f"before from {self.state}")

        @on_enter_state(OrderFlow.states.paid, "shipped")  # type: ignore[arg-type]
        def entered(self, result: object) -> None:
            calls.append(f"entered {self.state}")

    host = Host()
    host.place()
    host.pay()
    host.ship()
    assert calls == ["before from draft", "before from placed", "entered paid", "entered shipped"]


def test_hooks_are_scoped_to_their_field() -> None:
    """``field=`` limits a hook to one workflow; a name-only hook to the workflow having it."""
    calls: list[str] = []

    class Room(WorkflowEnabled):
        door = DoorFlow()
        light = LightFlow()

        @after_transition(field="light")
        def light_changed(self, result: object) -> None:
            calls.append(f"light {self.light}")

        @on_enter_state("open")
        def door_opened(self, result: object) -> None:
            calls.append("door open")

        @before_transition("switch", field="light")
        def before_switch(self) -> None:
            calls.append("switching")

    room = Room()
    room.open_door()
    room.switch()
    assert calls == ["door open", "switching", "light on"]


def test_leave_and_enter_hooks_follow_states_not_transitions() -> None:
    """Leave/enter hooks run for every transition leaving/entering their state."""
    calls: list[str] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @on_leave_state("draft")
        def left_draft(self) -> None:
            calls.append("left draft")

        @on_enter_state("cancelled")
        def cancelled(self, result: object) -> None:
            calls.append("cancelled")

    first, second = Host(), Host()
    first.place()
    second.cancel()
    assert calls == ["left draft", "left draft", "cancelled"]


def test_hook_declaration_is_recorded_on_the_function() -> None:
    """Decorators return the function unchanged, recording a Hook on it (stackable)."""

    @before_transition("pay", priority=2)
    @after_transition("pay", field="state")
    def hook(self: Any) -> None:
        pass

    assert hook.__statecore_hooks__ == (  # type: ignore[attr-defined]
        Hook(HookKind.AFTER, ("pay",), field="state"),
        Hook(HookKind.BEFORE, ("pay",), priority=2),
    )
    assert Hook(HookKind.CHECK).names == ("*",)
    assert Hook(HookKind.BEFORE, ("pay",)).applies_to("pay")
    assert not Hook(HookKind.BEFORE, ("pay",)).applies_to("ship")


def test_hook_kinds_know_whether_they_name_states() -> None:
    """Leave and enter hooks name states; the others name transitions."""
    assert [kind for kind in HookKind if kind.names_states] == [HookKind.LEAVE, HookKind.ENTER]


def test_hook_priority_must_be_an_integer() -> None:
    """A non-integer priority is refused when the hook is declared."""
    with pytest.raises(TypeError):
        Hook(HookKind.BEFORE, priority="high")  # type: ignore[arg-type]


def test_undecoratable_callable_attribute_without_hooks_is_ignored() -> None:
    """Attributes that carry no hook declarations are not hooks."""

    class Host(WorkflowEnabled):
        state = OrderFlow()
        helper = staticmethod(lambda: None)
        data = ("key", "value")

    host = Host()
    host.place()
    assert host.state == "placed"


def test_event_is_offered_only_to_keyword_only_parameters() -> None:
    """A positional parameter named ``event`` is an ordinary argument, not the TransitionEvent."""
    received: list[Any] = []

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @before_transition("place")
        def before(self, event: str) -> None:
            received.append(event)

    Host().place("a string")
    assert received == ["a string"]


def test_hook_without_inspectable_signature_gets_no_event() -> None:
    """A callable whose signature cannot be read is called without the event."""
    calls: list[tuple[Any, ...]] = []

    class Opaque:
        __signature__ = "not a signature"

        def __call__(self, *args: Any) -> None:
            calls.append(args)

    hook = Opaque()

    class Host(WorkflowEnabled):
        state = OrderFlow()
        opaque = before_transition("place")(hook)

    host = Host()
    host.place(1)
    assert calls == [(host, 1)]


def test_statecore_exports_the_hook_decorators() -> None:
    """The hook decorators are importable from ``statecore`` with statecore as their module."""
    assert statecore.before_transition is before_transition
    assert before_transition.__module__ == "statecore"
