"""xworkflows: a `Workflow` class on a `WorkflowEnabled` host class (metaclass-bound)."""

from __future__ import annotations

from typing import Any

import xworkflows
from flows import (
    BIG_INITIAL,
    BIG_STATES,
    BIG_TRANSITIONS,
    LISTING_OPEN_GUARDS,
    LISTING_STATE,
    LISTING_STATES,
    LISTING_TRANSITIONS,
    PING_PONG_INITIAL,
    PING_PONG_STATES,
    PING_PONG_TRANSITIONS,
    Calls,
)

from libs import Factory, Lister, PingPong

NAME = "xworkflows"
DISTRIBUTION = "xworkflows"
MODULE = "xworkflows"
DJANGO = False


def setup() -> None:
    pass


def _states(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, name.upper()) for name in names)


class PingPongFlow(xworkflows.Workflow):
    states = _states(PING_PONG_STATES)
    transitions = PING_PONG_TRANSITIONS
    initial_state = PING_PONG_INITIAL


class Door(xworkflows.WorkflowEnabled):
    state = PingPongFlow()


def _guarded(calls: Calls) -> Any:
    class GuardedDoor(xworkflows.WorkflowEnabled):
        state = PingPongFlow()

        @xworkflows.transition_check("go", "back")
        def ok(self) -> bool:
            calls.guard += 1
            return True

        @xworkflows.after_transition("go", "back")
        def done(self, result: Any, *args: Any, **kwargs: Any) -> None:
            calls.hook += 1

    return GuardedDoor()


def ping_pong(calls: Calls | None) -> PingPong:
    obj = Door() if calls is None else _guarded(calls)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state.name)


def lister(calls: Calls) -> Lister:
    class ListingFlow(xworkflows.Workflow):
        states = _states(LISTING_STATES)
        transitions = tuple(
            (name, source, target) for name, source, target, _ in LISTING_TRANSITIONS
        )
        initial_state = LISTING_STATE

    namespace: dict[str, Any] = {"state": ListingFlow()}
    for name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(self: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        namespace[f"g{index}"] = xworkflows.transition_check(name)(guard)
    obj = type("Listed", (xworkflows.WorkflowEnabled,), namespace)()

    def list_() -> list[Any]:
        return [
            transition
            for transition in obj.state.transitions()
            if getattr(obj, transition.name).is_available()
        ]

    return Lister(obj, list_, lambda found: {t.name for t in found}, lambda: obj.state.name)


def factory() -> Factory:
    return Factory(Door, lambda obj: obj.go(), lambda obj: obj.state.name)


def define(index: int) -> Any:
    flow = type(
        f"BigFlow{index}",
        (xworkflows.Workflow,),
        {
            "states": _states(BIG_STATES),
            "transitions": BIG_TRANSITIONS,
            "initial_state": BIG_INITIAL,
        },
    )
    return type(f"Big{index}", (xworkflows.WorkflowEnabled,), {"state": flow()})


def count(defined: Any) -> tuple[int, int]:
    flow = defined._workflows["state"].workflow
    return len(list(flow.states)), len(list(flow.transitions))
