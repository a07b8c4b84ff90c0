"""The workflows every library builds, as plain data, so that all of them build the same one.

Each library module in ``libs/`` turns these specifications into its own idiom; the
workload modules in ``workloads/`` check the result and time it.
"""

from __future__ import annotations

# W1, W2, W4, W8: two states, two transitions, ping-pong.
PING_PONG_STATES = ("a", "b")
PING_PONG_TRANSITIONS = (("go", "a", "b"), ("back", "b", "a"))
PING_PONG_INITIAL = "a"

# W3: 100 transitions; 5 of them leave ``hub``, each with its own guard. Guards g0, g2 and
# g4 return True, g1 and g3 return False, so exactly t0, t2 and t4 are available.
LISTING_STATE = "hub"
LISTING_GUARDED = 5
LISTING_TOTAL = 100
LISTING_OPEN_GUARDS = frozenset({0, 2, 4})
LISTING_EXPECTED = frozenset({"t0", "t2", "t4"})


def _listing_spec() -> tuple[tuple[str, ...], tuple[tuple[str, str, str, int | None], ...]]:
    """States, and transitions as ``(name, source, target, guard index or None)``."""
    outer = tuple(f"y{i}" for i in range(LISTING_GUARDED))
    inner = tuple(f"z{i}" for i in range(10))
    others = outer + inner
    states = (LISTING_STATE, *others)
    transitions: list[tuple[str, str, str, int | None]] = [
        (f"t{i}", LISTING_STATE, outer[i], i) for i in range(LISTING_GUARDED)
    ]
    # A cycle through every other state keeps each one reachable and non-terminal; the
    # rest are spread over the same states (none leaves the hub).
    for k in range(LISTING_TOTAL - LISTING_GUARDED):
        source = others[k % len(others)]
        target = others[(k + 1) % len(others)] if k < len(others) else states[(k * 7) % len(states)]
        transitions.append((f"u{k}", source, target, None))
    return states, tuple(transitions)


LISTING_STATES, LISTING_TRANSITIONS = _listing_spec()

# W5: 200 states, 1,000 transitions; state j has five outgoing transitions, to j+1 ... j+5,
# so every state is reachable from s0 and none is a dead end.
BIG_STATE_COUNT = 200
BIG_TRANSITION_COUNT = 1000
BIG_STATES = tuple(f"s{j}" for j in range(BIG_STATE_COUNT))
BIG_TRANSITIONS = tuple(
    (
        f"t{i}",
        BIG_STATES[i % BIG_STATE_COUNT],
        BIG_STATES[(i % BIG_STATE_COUNT + 1 + i // BIG_STATE_COUNT) % BIG_STATE_COUNT],
    )
    for i in range(BIG_TRANSITION_COUNT)
)
BIG_INITIAL = "s0"


class Calls:
    """Counts how many times guards and hooks ran, to check they really did."""

    __slots__ = ("guard", "hook")

    def __init__(self) -> None:
        self.guard = 0
        self.hook = 0

    def reset(self) -> None:
        self.guard = 0
        self.hook = 0
