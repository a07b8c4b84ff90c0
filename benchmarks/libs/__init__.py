"""One module per library: each builds the workflows of ``flows`` in that library's idiom.

Every module defines the same names, which the workload modules call:

- ``NAME``, ``DISTRIBUTION`` (the PyPI name, for its version; None for the baseline),
  ``MODULE`` (what ``import`` loads, for W6) and ``DJANGO`` (True when the library needs
  Django settings before it can be imported).
- ``setup()``: prepare the process (configure Django); called once, before anything else.
- ``ping_pong(calls)``: the W1 workflow (``calls`` None) or the W2 one (one guard returning
  True and one after-transition hook on each transition, counting into ``calls``), as a
  `PingPong`.
- ``lister(calls)``: the W3 workflow, as a `Lister`.
- ``factory()``: a `Factory` making instances of the ping-pong workflow (W4, W8).
- ``define(index)`` / ``count(defined)``: define the W5 workflow (``index`` makes the
  class name unique), and count its states and transitions through the library's own
  introspection.

The libraries that await async callables (W9, `AWAITING`) also define:

- ``awaited(calls)``: the W2 workflow with an ``async def`` guard and after hook, as a
  `PingPong` whose ``round`` and ``go`` are coroutine functions.

The libraries that save to a database (W7) also define:

- ``DJANGO_APPS``: the Django applications their models need installed (their log app).
- ``LOCKING_MODES``: the locking modes they run in (``"none"``, ``"optimistic"``,
  ``"pessimistic"``); the baseline paired with each does the same locking.
- ``RESTORES``: True when a failed transition leaves the row, the log and the object in
  memory as they were (W7 then checks it, as it does for the baseline).
- ``saved(locking)``: the W7 workflow on a Django model, transitions saved and logged, as
  a `Saved`.

The baseline also defines ``naive()``: the plain ``save()`` then ``create()`` loop, as a
`Saved`, timed beside every W7 row.

A library that cannot be imported is reported as unavailable, with the reason. A context
row (`CONTEXT`) defines only the names its workloads use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

# Library name -> module in this package. The order is the order of the table.
LIBRARIES = {
    "statecore": "statecore_lib",
    "xworkflows": "xworkflows_lib",
    "python-statemachine": "statemachine_lib",
    "transitions": "transitions_lib",
    "django-fsm-2": "django_fsm_lib",
    "viewflow.fsm": "viewflow_lib",
    "django-xworkflows": "django_xworkflows_lib",
    "attrs": "attrs_lib",
    "statecore django_fsm compat": "django_fsm_compat_lib",
}
BASELINE = "baseline"
# Rows shown for context, never compared as peers: library -> the workloads they run.
CONTEXT = {"attrs": ("W6",)}
# The libraries that save transitions to a database and log them (W7).
SAVING = ("statecore", "django-fsm-2", "django-xworkflows", "statecore django_fsm compat")
# statecore's own compatibility layers: shown beside the peer they stand in for, never
# compared as peers (library -> that peer).
COMPAT = {"statecore django_fsm compat": "django-fsm-2"}
# The libraries that await async guards and hooks (W9).
AWAITING = ("statecore", "python-statemachine", "transitions")


class PingPong(NamedTuple):
    """A ping-pong object and how to drive it."""

    obj: Any
    round: Callable[[], Any]  # go then back: two transitions, the timed operation
    go: Callable[[], Any]  # one transition a -> b
    state: Callable[[], str]  # the current state's name


class Lister(NamedTuple):
    """A W3 object in the ``hub`` state and how to list its available transitions."""

    obj: Any
    list: Callable[[], Any]  # the timed operation, in the library's idiom
    names: Callable[[Any], set[str]]  # the names in what ``list`` returned
    state: Callable[[], str]


class Factory(NamedTuple):
    """How to make ping-pong instances (W4, W8)."""

    make: Callable[[], Any]  # the timed operation of W8
    go: Callable[[Any], Any]  # one transition a -> b on an instance
    state: Callable[[Any], str]
    reset: Callable[[], Any] | None = None  # untimed, before each W8 sample
    number: int | None = None  # instances per W8 sample when ``reset`` is needed
    memory_cap: int | None = None  # fewer W4 instances when making many is too slow


class Saved(NamedTuple):
    """W7: ping-pong on a Django model; each transition saves the row and writes a log row."""

    models: tuple[Any, ...]  # the benchmark's own models, whose tables the workload creates
    make: Callable[[], Any]  # create and save a new object in state 'a'
    go: Callable[[Any], Any]  # one logged transition a -> b, saved, in a transaction
    back: Callable[[Any], Any]  # one logged transition b -> a, saved, in a transaction
    state: Callable[[Any], str]  # the object's state in memory
    log: Callable[[Any], list[tuple[str, str, str]]]  # (transition, from, to), oldest first
