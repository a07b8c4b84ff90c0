"""W9: the async twin of W2, awaited on one event loop, each workload checked before it is timed.

A timed call runs `BATCH` awaited ping-pong rounds in one ``run_until_complete``, so that
the cost of entering the event loop is spread over many transitions.
"""

from __future__ import annotations

import asyncio
from typing import Any

from flows import Calls
from harness import Op, Settings, check, time_pairs

BATCH = 100
ROUNDS = 50


def _drive(loop: asyncio.AbstractEventLoop, subject: Any, rounds: int) -> None:
    async def rounds_() -> None:
        for _ in range(rounds):
            await subject.round()

    loop.run_until_complete(rounds_())


async def _awaiting(call: Any) -> Any:
    # Called inside the loop: some libraries run an event synchronously outside one.
    return await call()


def _check(name: str, make: Any, loop: asyncio.AbstractEventLoop) -> None:
    calls = Calls()
    subject = make(calls)
    check(subject.state() == "a", f"{name}: starts in {subject.state()!r}, expected 'a'")
    _drive(loop, subject, ROUNDS)
    check(subject.state() == "a", f"{name}: after {ROUNDS} rounds the state is {subject.state()!r}")
    check(
        calls.guard == 2 * ROUNDS and calls.hook == 2 * ROUNDS,
        f"{name}: {2 * ROUNDS} awaited transitions ran the async guard {calls.guard} times "
        f"and the async after hook {calls.hook} times, expected {2 * ROUNDS} each",
    )
    loop.run_until_complete(_awaiting(subject.go))
    check(subject.state() == "b", f"{name}: 'go' led to {subject.state()!r}, expected 'b'")


def w9(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One awaited transition with one async guard returning True and one async after hook."""
    loop = asyncio.new_event_loop()
    try:
        for module in (baseline, library):
            _check(module.NAME, module.awaited, loop)
        lib = library.awaited(Calls())
        base = baseline.awaited(Calls())
        paired = time_pairs(
            Op(lambda: _drive(loop, lib, BATCH), per_call=2 * BATCH),
            Op(lambda: _drive(loop, base, BATCH), per_call=2 * BATCH),
            settings,
        )
    finally:
        loop.close()
    check(lib.state() == "a", f"{library.NAME}: state {lib.state()!r} after timing")
    return paired.as_dict()
