"""transitions: a `Machine` holding the states and transitions, with plain model objects.

One machine per workflow, shared by its models (``add_model``), as the library's
documentation shows for many models; auto transitions (``to_<state>``) are off, since
the other libraries have none.
"""

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
    PING_PONG_INITIAL,
    PING_PONG_STATES,
    PING_PONG_TRANSITIONS,
    Calls,
)
from transitions import Machine

from libs import Factory, Lister, PingPong

NAME = "transitions"
DISTRIBUTION = "transitions"
MODULE = "transitions"
DJANGO = False


def setup() -> None:
    pass


def _ping_pong_machine(hooked: bool = False) -> Machine:
    extra = {"conditions": "ok", "after": "done"} if hooked else {}
    return Machine(
        model=None,
        states=list(PING_PONG_STATES),
        transitions=[
            {"trigger": name, "source": source, "dest": target, **extra}
            for name, source, target in PING_PONG_TRANSITIONS
        ],
        initial=PING_PONG_INITIAL,
        auto_transitions=False,
    )


class Door:
    pass


def ping_pong(calls: Calls | None) -> PingPong:
    if calls is None:
        obj: Any = Door()
        _ping_pong_machine().add_model(obj)
    else:

        class GuardedDoor:
            def ok(self) -> bool:
                calls.guard += 1
                return True

            def done(self) -> None:
                calls.hook += 1

        obj = GuardedDoor()
        _ping_pong_machine(hooked=True).add_model(obj)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)


def lister(calls: Calls) -> Lister:
    namespace: dict[str, Any] = {}
    for _name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(self: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        namespace[f"g{index}"] = guard
    obj = type("Listed", (), namespace)()
    machine = Machine(
        model=obj,
        states=list(LISTING_STATES),
        transitions=[
            {"trigger": name, "source": source, "dest": target}
            | ({"conditions": f"g{index}"} if index is not None else {})
            for name, source, target, index in LISTING_TRANSITIONS
        ],
        initial=LISTING_STATE,
        auto_transitions=False,
    )

    def list_() -> list[str]:
        return [
            trigger
            for trigger in machine.get_triggers(obj.state)
            if getattr(obj, f"may_{trigger}")()
        ]

    return Lister(obj, list_, set, lambda: obj.state)


class _Shared:
    machine: Machine


def factory() -> Factory:
    shared = _Shared()

    def reset() -> None:
        shared.machine = _ping_pong_machine()

    def make() -> Door:
        door = Door()
        shared.machine.add_model(door)
        return door

    reset()
    # add_model scans the machine's model list, so making N instances takes O(N^2): W8
    # uses a fresh machine every 100 instances, W4 makes 10,000.
    return Factory(
        make, lambda obj: obj.go(), lambda obj: obj.state, reset, number=100, memory_cap=10_000
    )


def define(index: int) -> Any:
    return Machine(
        model=None,
        states=list(BIG_STATES),
        transitions=[
            {"trigger": name, "source": source, "dest": target}
            for name, source, target in BIG_TRANSITIONS
        ],
        initial=BIG_INITIAL,
        auto_transitions=False,
    )


def count(defined: Any) -> tuple[int, int]:
    transitions = sum(
        len(moves) for event in defined.events.values() for moves in event.transitions.values()
    )
    return len(defined.states), transitions


def awaited(calls: Calls) -> PingPong:
    from transitions.extensions.asyncio import AsyncMachine

    class AwaitedDoor:
        async def ok(self) -> bool:
            calls.guard += 1
            return True

        async def done(self) -> None:
            calls.hook += 1

    obj: Any = AwaitedDoor()
    AsyncMachine(
        model=obj,
        states=list(PING_PONG_STATES),
        transitions=[
            {"trigger": name, "source": source, "dest": target, "conditions": "ok", "after": "done"}
            for name, source, target in PING_PONG_TRANSITIONS
        ],
        initial=PING_PONG_INITIAL,
    )

    async def round_() -> None:
        await obj.go()
        await obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)
