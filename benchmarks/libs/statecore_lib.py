"""statecore: a `Workflow` class bound to a `WorkflowEnabled` host class.

For W7, statecore_django: a `statecore_django.StateField` on a model, its workflow in the
locking mode measured and logging to the ready ``statecore_log.TransitionLog``.
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

import statecore
from libs import Factory, Lister, PingPong, Saved, django_setup

NAME = "statecore"
DISTRIBUTION = "statecore"
MODULE = "statecore"
DJANGO = False
DJANGO_APPS = ("statecore_django", "statecore_django.log")
LOCKING_MODES = ("optimistic", "pessimistic", "none")  # the default first
RESTORES = True


def setup() -> None:
    pass


class PingPongFlow(statecore.Workflow):
    states = PING_PONG_STATES
    transitions = PING_PONG_TRANSITIONS
    initial_state = PING_PONG_INITIAL


class Door(statecore.WorkflowEnabled):
    state = PingPongFlow()


def _guarded(calls: Calls) -> Any:
    class GuardedFlow(statecore.Workflow):
        states = PING_PONG_STATES
        transitions = tuple(
            statecore.Transition(name, source, target, conditions="ok")
            for name, source, target in PING_PONG_TRANSITIONS
        )
        initial_state = PING_PONG_INITIAL

    class GuardedDoor(statecore.WorkflowEnabled):
        state = GuardedFlow()

        def ok(self) -> bool:
            calls.guard += 1
            return True

        @statecore.after_transition("go", "back")
        def done(self, result: Any) -> None:
            calls.hook += 1

    return GuardedDoor()


def ping_pong(calls: Calls | None) -> PingPong:
    obj = Door() if calls is None else _guarded(calls)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state.name)


def lister(calls: Calls) -> Lister:
    def guard(index: int) -> Any:
        result = index in LISTING_OPEN_GUARDS

        def check(obj: Any) -> bool:
            calls.guard += 1
            return result

        check.__qualname__ = f"g{index}"
        return check

    class ListingFlow(statecore.Workflow):
        states = LISTING_STATES
        transitions = tuple(
            statecore.Transition(
                name, source, target, conditions=guard(index) if index is not None else ()
            )
            for name, source, target, index in LISTING_TRANSITIONS
        )
        initial_state = LISTING_STATE

    class Listed(statecore.WorkflowEnabled):
        state = ListingFlow()

    obj = Listed()

    def list_() -> list[Any]:
        return statecore.available_transitions(obj)

    return Lister(obj, list_, lambda found: {w.name for w in found}, lambda: obj.state.name)


def factory() -> Factory:
    return Factory(Door, lambda obj: obj.go(), lambda obj: obj.state.name)


def define(index: int) -> Any:
    flow = type(
        f"BigFlow{index}",
        (statecore.Workflow,),
        {"states": BIG_STATES, "transitions": BIG_TRANSITIONS, "initial_state": BIG_INITIAL},
    )
    return type(f"Big{index}", (statecore.WorkflowEnabled,), {"state": flow()})


def count(defined: Any) -> tuple[int, int]:
    flow = defined._workflows["state"]
    return len(flow.states), len(flow.transitions)


def saved(locking: str) -> Saved:
    import statecore_django
    from statecore_django.log.models import TransitionLog

    flow = type(
        f"SavedFlow_{locking}",
        (statecore_django.Workflow,),
        {
            "states": PING_PONG_STATES,
            "transitions": PING_PONG_TRANSITIONS,
            "initial_state": PING_PONG_INITIAL,
            "locking": locking,
            "log_model": "statecore_log.TransitionLog",
        },
    )
    model = django_setup.model(f"SavedDoor_{locking}", {"state": statecore_django.StateField(flow)})

    def log(obj: Any) -> list[tuple[str, str, str]]:
        rows = TransitionLog.for_object(obj).order_by("id")
        return list(rows.values_list("transition", "from_state", "to_state"))

    return Saved(
        (model,),
        model.objects.create,
        lambda obj: obj.go(),
        lambda obj: obj.back(),
        lambda obj: obj.state.name,
        log,
    )


def awaited(calls: Calls) -> PingPong:
    class AwaitedFlow(statecore.Workflow):
        states = PING_PONG_STATES
        transitions = tuple(
            statecore.Transition(name, source, target, conditions="ok")
            for name, source, target in PING_PONG_TRANSITIONS
        )
        initial_state = PING_PONG_INITIAL

    class AwaitedDoor(statecore.WorkflowEnabled):
        state = AwaitedFlow()

        async def ok(self) -> bool:
            calls.guard += 1
            return True

        @statecore.after_transition("go", "back")
        async def done(self, result: Any) -> None:
            calls.hook += 1

    obj = AwaitedDoor()

    async def round_() -> None:
        await obj.go.acall()
        await obj.back.acall()

    return PingPong(obj, round_, obj.go.acall, lambda: obj.state.name)
