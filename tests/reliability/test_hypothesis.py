"""Cases 11 and 12: stateful models of the core and of the adapter; random definitions."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.reliability.relapp.models import ITEMS, ItemFlow

import statecore

# -- the core against a dict model ------------------------------------------------------------


class Boom(Exception):
    """Raised by an armed hook of `Parcel`."""


class ParcelFlow(statecore.Workflow):
    """A small workflow with a cycle, a fan-in and a dead end."""

    states = ("new", "packed", "sent", "lost", "returned")
    transitions = (
        ("pack", "new", "packed"),
        ("send", "packed", "sent"),
        ("lose", ("packed", "sent"), "lost"),
        ("give_back", "sent", "returned"),
        ("repack", "returned", "packed"),
    )
    initial_state = "new"


EDGES = {t.name: (set(t.source), t.target) for t in ParcelFlow.transitions}
HOOKS = ("before", "leave", "implementation", "enter", "after")


class Parcel(statecore.WorkflowEnabled):
    """A parcel whose hooks raise `Boom` at the armed position."""

    state = ParcelFlow()

    def __init__(self) -> None:
        self.armed: str | None = None

    def _maybe_fail(self, position: str) -> None:
        if self.armed == position:
            raise Boom(position)

    @statecore.before_transition()
    def _before(self, *args: Any, **kwargs: Any) -> None:
        self._maybe_fail("before")

    @statecore.on_leave_state()
    def _leave(self, *args: Any, **kwargs: Any) -> None:
        self._maybe_fail("leave")

    @statecore.transition()
    def send(self) -> None:
        self._maybe_fail("implementation")

    @statecore.on_enter_state()
    def _enter(self, result: Any, *args: Any, **kwargs: Any) -> None:
        self._maybe_fail("enter")

    @statecore.after_transition()
    def _after(self, result: Any, *args: Any, **kwargs: Any) -> None:
        self._maybe_fail("after")


class CoreMachine(RuleBasedStateMachine):
    """Random events, assignments and failing hooks on a `Parcel`, against a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.parcel = Parcel()
        self.model = {"state": "new"}

    @rule(name=st.sampled_from(sorted(EDGES)), hook=st.sampled_from([None, *HOOKS]))
    def fire(self, name: str, hook: str | None) -> None:
        sources, target = EDGES[name]
        before = self.model["state"]
        self.parcel.armed = hook
        if name != "send" and hook == "implementation":
            hook = None  # only send has an implementation
        try:
            if before not in sources:
                with pytest.raises(statecore.InvalidTransitionError):
                    getattr(self.parcel, name)()
            elif hook in ("before", "leave", "implementation"):
                with pytest.raises(Boom):
                    getattr(self.parcel, name)()
            elif hook in ("enter", "after"):
                # The state was set before the hook failed: the exception says so.
                with pytest.raises(Boom) as caught:
                    getattr(self.parcel, name)()
                assert any("was applied" in note for note in caught.value.__notes__)
                self.model["state"] = target
            else:
                getattr(self.parcel, name)()
                self.model["state"] = target
        finally:
            self.parcel.armed = None

    @rule(state=st.sampled_from([s.name for s in ParcelFlow.states]))
    def assign(self, state: str) -> None:
        self.parcel.state = state
        self.model["state"] = state

    @rule(value=st.one_of(st.none(), st.integers(), st.text(max_size=5)))
    def assign_bad(self, value: object) -> None:
        if value in ParcelFlow.states:
            return
        with pytest.raises(statecore.InvalidStateError):
            self.parcel.state = value

    @invariant()
    def same_state(self) -> None:
        CORE_RUNS["checks"] += 1
        assert self.parcel.state == self.model["state"]


CORE_RUNS: Counter[str] = Counter()


def test_core_matches_a_dict_model(ledger: Any, figures: Any) -> None:
    """Random legal and illegal events, assignments and failing hooks: core == model."""
    CORE_RUNS.clear()
    run_state_machine_as_test(
        CoreMachine, settings=settings(max_examples=150, stateful_step_count=30, deadline=None)
    )
    assert CORE_RUNS["checks"] > 0
    figures(attempted=CORE_RUNS["checks"], invariant_checks=CORE_RUNS["checks"])


# -- the adapter with a second, stale connection ------------------------------------------------

ITEM_EDGES = {t.name: (set(t.source), t.target) for t in ItemFlow.transitions}


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_adapter_matches_a_model_with_a_stale_connection(
    mode: str, ledger: Any, figures: Any
) -> None:
    """One row, a fresh object on one connection and a stale one on another.

    Transitions through the fresh object behave as the model says; through the stale
    object they are refused with ConcurrentTransition whenever the row moved since it
    was loaded (with optimistic locking, InvalidTransitionError first when its state in
    memory does not allow the transition), and succeed when it did not; with optimistic
    locking they are also refused when a column they write (``note``) changed since it was
    loaded. Reloading makes it fresh again. The database always holds the model's state,
    and the audit checks every log row.
    """
    model = ITEMS[mode]
    outcomes: Counter[str] = Counter()

    class AdapterMachine(RuleBasedStateMachine):
        @initialize()
        def create(self) -> None:
            self.pk = model.objects.create().pk
            self.fresh = model.objects.using("default").get(pk=self.pk)
            self.stale = model.objects.using("other").get(pk=self.pk)
            self.db = "draft"
            self.seen = "draft"  # what the stale object holds in memory
            self.note_db = ""  # the row's note: the last committed transition's name
            self.seen_note = ""  # the stale object's note

        def _run(self, item: Any, name: str, memory: str, note: str) -> bool:
            sources, target = ITEM_EDGES[name]
            # Pessimistic locking reads the row before any check: a stale object is
            # refused as stale even for a transition its memory state does not allow.
            stale_first = mode == "pessimistic" and memory != self.db
            if memory not in sources and not stale_first:
                with pytest.raises(statecore.InvalidTransitionError):
                    getattr(item, name)()
                outcomes["invalid"] += 1
                return False
            # Optimistic: the UPDATE also requires the note it changes to be as loaded.
            note_moved = mode == "optimistic" and name != note and note != self.note_db
            if memory != self.db or note_moved:
                with pytest.raises(statecore.ConcurrentTransition):
                    getattr(item, name)()
                outcomes["concurrent"] += 1
                return False
            getattr(item, name)()
            ledger.commit(item, name, memory, target)
            outcomes["committed"] += 1
            self.db = target
            self.note_db = name
            return True

        @rule(name=st.sampled_from(sorted(ITEM_EDGES)))
        def fresh_transition(self, name: str) -> None:
            self.fresh.refresh_from_db()
            self._run(self.fresh, name, self.db, self.note_db)

        @rule(name=st.sampled_from(sorted(ITEM_EDGES)))
        def stale_transition(self, name: str) -> None:
            if self._run(self.stale, name, self.seen, self.seen_note):
                self.seen = self.db
                self.seen_note = self.note_db
            assert self.stale.state == self.seen

        @rule()
        def reload_stale(self) -> None:
            self.stale.refresh_from_db()
            self.seen = self.db
            self.seen_note = self.note_db

        @invariant()
        def database_holds_the_model_state(self) -> None:
            if hasattr(self, "pk"):
                assert model.objects.get(pk=self.pk).state == self.db

    run_state_machine_as_test(
        AdapterMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    figures(
        attempted=sum(outcomes.values()),
        committed=outcomes["committed"],
        rejected={k: v for k, v in outcomes.items() if k != "committed"},
    )
    # How often the stale object was refused depends on the examples drawn; case 4
    # refuses a stale object deterministically.
    assert sum(outcomes.values()) > 0


# -- random definitions ----------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "d"])
TRANSITION_NAMES = st.sampled_from(["go", "stop", "back"])


DEFINITIONS: Counter[str] = Counter()


@settings(max_examples=300, deadline=None)
@given(
    states=st.lists(NAMES, min_size=1, max_size=5),
    transitions=st.lists(
        st.tuples(
            TRANSITION_NAMES,
            st.lists(NAMES | st.just("ghost"), min_size=1, max_size=2),
            NAMES | st.just("ghost"),
        ),
        max_size=5,
    ),
    initial=NAMES | st.just("ghost"),
)
def check_random_definition(
    states: list[str], transitions: list[tuple[str, list[str], str]], initial: str
) -> None:
    """A random definition is a faithful workflow, or one WorkflowDefinitionError.

    The error lists every duplicate state, duplicate transition, unknown source, unknown
    target and unknown initial state (a repeated transition is reported as defined twice;
    its other problems are not looked at); a valid definition keeps exactly the transitions
    given (no silent override). Never a KeyError or any other exception.
    """
    known = set(states)
    expected = []
    expected += [f"state {n!r} is defined twice" for n, c in Counter(states).items() if c > 1]
    counts = Counter(name for name, _, _ in transitions)
    expected += [f"transition {n!r} is defined twice" for n, c in counts.items() if c > 1]
    defined: set[str] = set()
    for name, sources, target in transitions:
        if name in defined:
            continue  # a repeated definition is reported as such, and otherwise ignored
        defined.add(name)
        expected += [f"{name!r} starts from unknown state {s!r}" for s in sources if s not in known]
        if target not in known:
            expected.append(f"{name!r} targets unknown state {target!r}")
    if initial not in known:
        expected.append(f"initial_state {initial!r} is not a state")
    spec = {
        "states": tuple(states),
        "transitions": tuple((n, tuple(s), t) for n, s, t in transitions),
        "initial_state": initial,
    }
    try:
        workflow = type("Random", (statecore.Workflow,), spec)
    except statecore.WorkflowDefinitionError as exc:
        assert expected, f"refused a valid definition: {exc}"
        message = str(exc)
        missing = [problem for problem in set(expected) if problem not in message]
        assert not missing, f"{missing} not reported in:\n{message}"
        DEFINITIONS["refused"] += 1
    else:
        DEFINITIONS["valid"] += 1
        assert not expected, f"accepted an invalid definition: {expected}"
        got = [(t.name, set(t.source), t.target) for t in workflow.transitions]
        assert got == [(n, set(s), t) for n, s, t in transitions]


def test_random_definitions_are_valid_or_report_every_problem(figures: Any) -> None:
    """Random definitions: each a faithful workflow or one error listing every problem."""
    DEFINITIONS.clear()
    check_random_definition()
    assert DEFINITIONS["valid"] + DEFINITIONS["refused"] > 0
    figures(
        attempted=DEFINITIONS["valid"] + DEFINITIONS["refused"],
        committed=DEFINITIONS["valid"],
        rejected={"WorkflowDefinitionError": DEFINITIONS["refused"]},
    )
