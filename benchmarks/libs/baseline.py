"""The practical floor: hand-written plain Python, a method that checks the state and sets it."""

from __future__ import annotations

from typing import Any

from flows import (
    BIG_INITIAL,
    BIG_STATES,
    BIG_TRANSITIONS,
    LISTING_OPEN_GUARDS,
    LISTING_STATE,
    LISTING_TRANSITIONS,
    Calls,
)

from libs import Factory, Lister, PingPong

NAME = "baseline"
DISTRIBUTION = None
MODULE = "plain_workflow"
DJANGO = False


def setup() -> None:
    pass


class InvalidTransition(Exception):
    pass


class Plain:
    def __init__(self) -> None:
        self.state = "a"

    def go(self) -> None:
        if self.state != "a":
            raise InvalidTransition(self.state)
        self.state = "b"

    def back(self) -> None:
        if self.state != "b":
            raise InvalidTransition(self.state)
        self.state = "a"


def _guarded(calls: Calls) -> Any:
    class Guarded:
        def __init__(self) -> None:
            self.state = "a"

        def ok(self) -> bool:
            calls.guard += 1
            return True

        def done(self) -> None:
            calls.hook += 1

        def go(self) -> None:
            if self.state != "a" or not self.ok():
                raise InvalidTransition(self.state)
            self.state = "b"
            self.done()

        def back(self) -> None:
            if self.state != "b" or not self.ok():
                raise InvalidTransition(self.state)
            self.state = "a"
            self.done()

    return Guarded()


def ping_pong(calls: Calls | None) -> PingPong:
    obj = Plain() if calls is None else _guarded(calls)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)


def lister(calls: Calls) -> Lister:
    def guard(index: int) -> Any:
        result = index in LISTING_OPEN_GUARDS

        def check(obj: Any) -> bool:
            calls.guard += 1
            return result

        return check

    table: dict[str, list[tuple[str, Any]]] = {}
    for name, source, _target, index in LISTING_TRANSITIONS:
        table.setdefault(source, []).append((name, guard(index) if index is not None else None))

    class Listed:
        def __init__(self) -> None:
            self.state = LISTING_STATE

        def available(self) -> list[str]:
            return [name for name, check in table[self.state] if check is None or check(self)]

    obj = Listed()
    return Lister(obj, obj.available, set, lambda: obj.state)


def factory() -> Factory:
    return Factory(Plain, Plain.go, lambda obj: obj.state)


def define(index: int) -> Any:
    table: dict[str, dict[str, str]] = {state: {} for state in BIG_STATES}
    for name, source, target in BIG_TRANSITIONS:
        table[source][name] = target
    return table, BIG_INITIAL


def count(defined: Any) -> tuple[int, int]:
    table, _initial = defined
    return len(table), sum(len(moves) for moves in table.values())
