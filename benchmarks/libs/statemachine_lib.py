"""python-statemachine: a `StateMachine` subclass; the machine instance holds the state."""

from __future__ import annotations

from typing import Any

from flows import (
    BIG_INITIAL,
    BIG_STATES,
    BIG_TRANSITIONS,
    LISTING_OPEN_GUARDS,
    LISTING_STATE,
    LISTING_STATES,
    LISTING_TRANSITIONS,
    Calls,
)
from statemachine import State, StateMachine

from libs import Factory, Lister, PingPong

NAME = "python-statemachine"
DISTRIBUTION = "python-statemachine"
MODULE = "statemachine"
DJANGO = False


def setup() -> None:
    pass


class Door(StateMachine):
    a = State(initial=True)
    b = State()

    go = a.to(b)
    back = b.to(a)


def _guarded(calls: Calls) -> Any:
    class GuardedDoor(StateMachine):
        a = State(initial=True)
        b = State()

        go = a.to(b, cond="ok", after="done")
        back = b.to(a, cond="ok", after="done")

        def ok(self) -> bool:
            calls.guard += 1
            return True

        def done(self) -> None:
            calls.hook += 1

    return GuardedDoor()


def ping_pong(calls: Calls | None) -> PingPong:
    obj = Door() if calls is None else _guarded(calls)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.current_state_value)


def _machine_class(
    name: str,
    states: tuple[str, ...],
    initial: str,
    transitions: list[tuple[str, str, str, dict[str, Any]]],
    extra: dict[str, Any],
) -> type[StateMachine]:
    objects = {state: State(initial=state == initial) for state in states}
    namespace: dict[str, Any] = dict(objects)
    for transition, source, target, options in transitions:
        namespace[transition] = objects[source].to(objects[target], **options)
    namespace.update(extra)
    return type(name, (StateMachine,), namespace)


def lister(calls: Calls) -> Lister:
    guards: dict[str, Any] = {}
    for _name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(self: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        guards[f"g{index}"] = guard
    machine = _machine_class(
        "Listed",
        LISTING_STATES,
        LISTING_STATE,
        [
            (name, source, target, {"cond": f"g{index}"} if index is not None else {})
            for name, source, target, index in LISTING_TRANSITIONS
        ],
        guards,
    )
    obj = machine()
    return Lister(
        obj,
        obj.enabled_events,
        lambda found: {e.id for e in found},
        lambda: obj.current_state_value,
    )


def factory() -> Factory:
    # An instance takes about 10 kB and 0.3 ms to make: W4 makes 10,000, not 100,000.
    return Factory(
        Door, lambda obj: obj.go(), lambda obj: obj.current_state_value, memory_cap=10_000
    )


def define(index: int) -> Any:
    return _machine_class(
        f"Big{index}",
        BIG_STATES,
        BIG_INITIAL,
        [(name, source, target, {}) for name, source, target in BIG_TRANSITIONS],
        {},
    )


def count(defined: Any) -> tuple[int, int]:
    transitions = sum(len(list(state.transitions)) for state in defined.states)
    return len(defined.states), transitions


def awaited(calls: Calls) -> PingPong:
    class AwaitedDoor(StateMachine):
        a = State(initial=True)
        b = State()

        go = a.to(b, cond="ok", after="done")
        back = b.to(a, cond="ok", after="done")

        async def ok(self) -> bool:
            calls.guard += 1
            return True

        async def done(self) -> None:
            calls.hook += 1

    obj = AwaitedDoor()
    # With async callbacks the initial state is entered on activation, which outside an
    # event loop runs at once.
    obj.activate_initial_state()

    async def round_() -> None:
        await obj.go()
        await obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.current_state_value)
