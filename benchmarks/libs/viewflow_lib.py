"""viewflow.fsm: a `State` slot on a plain class, `@state.transition` methods.

The states are plain strings (viewflow accepts any value; its examples use an enum).
The after-transition hook is ``@state.on_success()``, which runs after every transition
of the field. viewflow needs Django settings before it can be imported.
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

from libs import Factory, Lister, PingPong, django_setup

NAME = "viewflow.fsm"
DISTRIBUTION = "django-viewflow"
MODULE = "viewflow.fsm"
DJANGO = True


def setup() -> None:
    django_setup.configure()


def _flow_class(
    name: str,
    states: tuple[str, ...],
    initial: str,
    transitions: Any,
    conditions: dict[str, list[Any]] | None = None,
    permission: Any = None,
    on_success: Any = None,
) -> Any:
    from viewflow import fsm

    state = fsm.State(states, default=initial)
    namespace: dict[str, Any] = {"state": state}
    for transition, source, target in transitions:

        def method(self: Any) -> None:
            pass

        method.__name__ = method.__qualname__ = transition
        namespace[transition] = state.transition(
            source=source,
            target=target,
            conditions=(conditions or {}).get(transition),
            permission=permission,
        )(method)
    if on_success is not None:
        namespace["done"] = state.on_success()(on_success)
    return type(name, (), namespace)


_door: Any = None


def _door_class() -> Any:
    global _door
    if _door is None:
        _door = _flow_class("Door", PING_PONG_STATES, PING_PONG_INITIAL, PING_PONG_TRANSITIONS)
    return _door


def ping_pong(calls: Calls | None) -> PingPong:
    if calls is None:
        obj = _door_class()()
    else:

        def ok(instance: Any) -> bool:
            calls.guard += 1
            return True

        def done(self: Any, descriptor: Any, source: Any, target: Any, **kwargs: Any) -> None:
            calls.hook += 1

        conditions = {name: [ok] for name, _, _ in PING_PONG_TRANSITIONS}
        obj = _flow_class(
            "GuardedDoor",
            PING_PONG_STATES,
            PING_PONG_INITIAL,
            PING_PONG_TRANSITIONS,
            conditions,
            on_success=done,
        )()

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)


def lister(calls: Calls) -> Lister:
    conditions: dict[str, list[Any]] = {}
    for name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(instance: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        conditions[name] = [guard]
    transitions = [(name, source, target) for name, source, target, _ in LISTING_TRANSITIONS]
    # permission=None: anyone may run them, so the listing needs no user.
    cls = _flow_class("Listed", LISTING_STATES, LISTING_STATE, transitions, conditions, None)
    obj = cls()

    def list_() -> list[Any]:
        return cls.state.get_available_transitions(obj, obj.state, None)

    return Lister(obj, list_, lambda found: {t.slug for t in found}, lambda: obj.state)


def factory() -> Factory:
    return Factory(_door_class(), lambda obj: obj.go(), lambda obj: obj.state)


def define(index: int) -> Any:
    return _flow_class(f"Big{index}", BIG_STATES, BIG_INITIAL, BIG_TRANSITIONS)


def count(defined: Any) -> tuple[int, int]:
    transitions = [t for ts in defined.state.get_transitions().values() for t in ts]
    states = {t.source for t in transitions} | {t.target for t in transitions}
    return len(states), len(transitions)
