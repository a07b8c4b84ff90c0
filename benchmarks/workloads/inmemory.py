"""W1-W5 and W8: workflows on objects in memory, each checked before it is timed."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

from flows import (
    BIG_STATE_COUNT,
    BIG_TRANSITION_COUNT,
    LISTING_EXPECTED,
    LISTING_GUARDED,
    LISTING_STATE,
    Calls,
)
from harness import Op, Paired, Settings, check, time_once_pairs, time_pairs
from libs import Factory, PingPong

ROUNDS = 50


def _check_ping_pong(name: str, make: Any, hooked: bool) -> None:
    """Drive a fresh ping-pong object by hand and check every step."""
    calls = Calls() if hooked else None
    subject: PingPong = make(calls)
    check(subject.state() == "a", f"{name}: starts in {subject.state()!r}, expected 'a'")
    for _ in range(ROUNDS):
        subject.round()
    check(
        subject.state() == "a",
        f"{name}: after {ROUNDS} go/back rounds the state is {subject.state()!r}, expected 'a'",
    )
    if calls is not None:
        expected = 2 * ROUNDS
        check(
            calls.guard == expected and calls.hook == expected,
            f"{name}: {2 * ROUNDS} transitions ran the guard {calls.guard} times and the "
            f"after hook {calls.hook} times, expected {expected} each",
        )
    refused = False
    try:
        subject.obj.back()
    except Exception:
        refused = True
    check(refused and subject.state() == "a", f"{name}: 'back' from state 'a' was not refused")
    subject.go()
    check(subject.state() == "b", f"{name}: 'go' led to {subject.state()!r}, expected 'b'")


def _ping_pong(library: Any, baseline: Any, settings: Settings, hooked: bool) -> dict[str, Any]:
    for module in (baseline, library):
        _check_ping_pong(module.NAME, module.ping_pong, hooked)
    lib = library.ping_pong(Calls() if hooked else None)
    base = baseline.ping_pong(Calls() if hooked else None)
    paired = time_pairs(Op(lib.round, per_call=2), Op(base.round, per_call=2), settings)
    check(lib.state() == "a", f"{library.NAME}: state {lib.state()!r} after timing, expected 'a'")
    return paired.as_dict()


def w1(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One transition call, two states ping-pong, no hooks."""
    return _ping_pong(library, baseline, settings, hooked=False)


def w2(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One transition call with one guard returning True and one after-transition hook."""
    return _ping_pong(library, baseline, settings, hooked=True)


def w3(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Listing the transitions available from a state with 5 guarded ones out of 100."""
    ops = []
    for module in (library, baseline):
        calls = Calls()
        subject = module.lister(calls)
        state = subject.state()
        check(state == LISTING_STATE, f"{module.NAME}: starts in {state!r}, expected 'hub'")
        found = subject.names(subject.list())
        check(
            found == LISTING_EXPECTED,
            f"{module.NAME}: available from 'hub': {sorted(found)}, "
            f"expected {sorted(LISTING_EXPECTED)}",
        )
        check(
            calls.guard == LISTING_GUARDED,
            f"{module.NAME}: listing ran the guards {calls.guard} times, "
            f"expected {LISTING_GUARDED} (once each)",
        )
        ops.append(Op(subject.list))
    return time_pairs(ops[0], ops[1], settings).as_dict()


def _bytes_per_instance(factory: Factory, count: int) -> float:
    """Traced bytes per instance for ``count`` instances, each moved to state 'b'."""
    if factory.reset is not None:
        factory.reset()
    instances: list[Any] = [None] * count
    make, go = factory.make, factory.go
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            instance = make()
            go(instance)
            instances[index] = instance
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    states = {factory.state(instance) for instance in instances}
    check(states == {"b"}, f"states after one 'go' on each instance: {sorted(states)}")
    return (after - before) / count


def w4(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Memory per instance in state 'b', against a plain object with one attribute."""
    lib, base = library.factory(), baseline.factory()
    for factory in (lib, base):
        # One untraced instance first: what a library sets up once per class on first use
        # (caches, compiled transitions) is not memory per instance.
        if factory.reset is not None:
            factory.reset()
        factory.go(factory.make())
    count = settings.memory_instances
    if lib.memory_cap is not None:
        count = min(count, lib.memory_cap)
    paired = Paired()
    for _ in range(settings.memory_repeat):
        paired.add(_bytes_per_instance(lib, count), _bytes_per_instance(base, count))
    result = paired.as_dict()
    result["instances"] = count
    result["extra"] = result["median"] - result["baseline_median"]
    return result


def w5(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Defining a workflow with 200 states and 1,000 transitions."""
    expected = (BIG_STATE_COUNT, BIG_TRANSITION_COUNT)
    for module in (library, baseline):
        counted = module.count(module.define(0))
        check(
            tuple(counted) == expected,
            f"{module.NAME}: the defined workflow has {counted[0]} states and {counted[1]} "
            f"transitions, expected {expected[0]} and {expected[1]}",
        )
    return time_once_pairs(library.define, baseline.define, settings.definitions).as_dict()


def w8(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Creating one instance in its initial state."""
    ops = []
    for module in (library, baseline):
        factory = module.factory()
        if factory.reset is not None:
            factory.reset()
        instance = factory.make()
        state = factory.state(instance)
        check(state == "a", f"{module.NAME}: a new instance is in {state!r}, expected 'a'")
        factory.go(instance)
        state = factory.state(instance)
        check(state == "b", f"{module.NAME}: 'go' on a new instance led to {state!r}")
        ops.append(Op(factory.make, reset=factory.reset, number=factory.number))
        if module is library:
            if factory.reset is not None:
                factory.reset()
            own_calls = _own_calls(factory.make)
    result = time_pairs(ops[0], ops[1], settings).as_dict()
    result["own_calls"] = own_calls
    return result


def _own_calls(make: Any) -> int:
    """Count the Python functions outside this suite that one call of ``make`` runs.

    Zero means creating an instance runs no code of the library at all: Python alone
    makes the object, and no library can do less.
    """
    suite = str(Path(__file__).resolve().parent.parent)
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call" and not frame.f_code.co_filename.startswith(suite):
            calls += 1

    sys.setprofile(profile)
    try:
        make()
    finally:
        sys.setprofile(None)
    return calls
