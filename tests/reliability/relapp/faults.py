"""Fault points: named places in a transition where a test makes something happen.

The battery's models call `reach` at every position of a transition (``check``,
``before``, ``leave``, ``implementation``, ``enter``, ``after``, ``log``, ``commit``);
a test arms a position with `arm` (a callable run there, e.g. one that raises, sleeps or
waits for a signal) and `disarm_all` at the end. Positions that nobody armed cost one
dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

POSITIONS = ("check", "before", "leave", "implementation", "enter", "after", "log", "commit")

_armed: dict[str, Callable[[Any], None]] = {}


def arm(position: str, action: Callable[[Any], None]) -> None:
    """Run ``action(instance)`` each time a transition reaches ``position``."""
    if position not in POSITIONS:
        msg = f"unknown fault position {position!r}; use one of {', '.join(POSITIONS)}"
        raise ValueError(msg)
    _armed[position] = action


def disarm_all() -> None:
    """Remove every armed action."""
    _armed.clear()


def reach(position: str, instance: Any) -> None:
    """Called by the models at ``position``: run the armed action, if any."""
    action = _armed.get(position)
    if action is not None:
        action(instance)


class InjectedFault(Exception):
    """The exception an armed position raises in the fault tests."""
