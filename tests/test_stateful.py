"""Stateful and property tests of the core against a plain-dict model.

`MachineModel` drives one object through random legal and illegal transitions, direct
assignments, failing hooks and implementations, ``on_error`` and multi-target
transitions, and after every step compares the object with the model: its state, what
is available, and the order in which hooks ran.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import statecore
from statecore import (
    AbortTransition,
    ForbiddenTransition,
    InvalidStateError,
    InvalidTargetError,
    InvalidTransitionError,
    Transition,
    Workflow,
)
from statecore.testing import available_names, set_state, walks

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class HookFailure(Exception):
    """Raised on purpose by a before hook."""


class ImplementationFailure(Exception):
    """Raised on purpose by an implementation."""


class MachineFlow(Workflow):
    """Every kind of transition the stateful test exercises; logs each transition."""

    states = ("a", "b", "c", "d", "broken")
    transitions = (
        ("go_ab", "a", "b"),
        ("go_bc", "b", "c"),
        ("go_cd", "c", "d"),
        ("reset", "*", "a"),
        ("leave", "+", "d"),
        Transition("guarded", ("a", "c"), "b", conditions="is_allowed"),
        ("fail_before", ("a", "b"), "c"),
        ("fail_impl", ("b", "c"), "a"),
        ("aborting", ("a", "d"), "c"),
        Transition("risky", ("a", "b", "c"), "d", on_error="broken"),
        Transition("jump", ("a", "b", "d"), ("c", "d")),
    )
    initial_state = "a"

    def log_transition(
        self,
        transition: Transition,
        from_state: statecore.State,
        instance: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Record the log step with the state the object is in while it runs."""
        instance.calls.append(("log", transition.name, instance.state.name))


def _implementation(name: str, *, fails: bool = False) -> Any:
    def implementation(self: Machine, *args: Any) -> Any:
        self.calls.append(("impl", name, self.state.name))
        if fails:
            raise ImplementationFailure(name)
        return args[0] if args else None

    implementation.__name__ = name
    return statecore.transition()(implementation)


class Machine(statecore.WorkflowEnabled):
    """A host whose hooks record every call in ``calls``."""

    state = MachineFlow()

    go_ab = _implementation("go_ab")
    go_bc = _implementation("go_bc")
    go_cd = _implementation("go_cd")
    reset = _implementation("reset")
    leave = _implementation("leave")
    guarded = _implementation("guarded")
    fail_before = _implementation("fail_before")
    fail_impl = _implementation("fail_impl", fails=True)
    aborting = _implementation("aborting")
    risky = _implementation("risky", fails=True)
    jump = _implementation("jump")

    def __init__(self) -> None:
        self.allowed = True
        self.calls: list[tuple[str, ...]] = []

    def is_allowed(self) -> bool:
        """The condition of ``guarded``."""
        return self.allowed

    @statecore.transition_check()
    def check_all(self) -> bool:
        self.calls.append(("check",))
        return True

    @statecore.before_transition()
    def before_all(self, *args: Any, event: statecore.TransitionEvent) -> None:
        self.calls.append(("before", event.transition.name))

    @statecore.before_transition("fail_before", priority=-1)
    def before_fails(self, *args: Any) -> None:
        self.calls.append(("before_fails",))
        raise HookFailure("before hook failed")

    @statecore.before_transition("aborting", priority=-1)
    def before_aborts(self, *args: Any) -> None:
        self.calls.append(("before_aborts",))
        raise AbortTransition("aborted by a hook")

    @statecore.on_leave_state()
    def leave_any(self, *args: Any, event: statecore.TransitionEvent) -> None:
        self.calls.append(("leave", event.source.name))

    @statecore.on_enter_state()
    def enter_any(self, result: Any, *args: Any, event: statecore.TransitionEvent) -> None:
        assert event.target is not None
        self.calls.append(("enter", event.target.name, self.state.name))

    @statecore.after_transition()
    def after_all(self, result: Any, *args: Any, event: statecore.TransitionEvent) -> None:
        self.calls.append(("after", event.transition.name))


# The model: plain data written out by hand, independent of the core's compiled tables.
STATES = ["a", "b", "c", "d", "broken"]
MODEL_SOURCES = {
    "go_ab": {"a"},
    "go_bc": {"b"},
    "go_cd": {"c"},
    "reset": set(STATES),
    "leave": {"a", "b", "c", "broken"},
    "guarded": {"a", "c"},
    "fail_before": {"a", "b"},
    "fail_impl": {"b", "c"},
    "aborting": {"a", "d"},
    "risky": {"a", "b", "c"},
    "jump": {"a", "b", "d"},
}
MODEL_TARGET = {
    "go_ab": "b",
    "go_bc": "c",
    "go_cd": "d",
    "reset": "a",
    "leave": "d",
    "guarded": "b",
    "fail_before": "c",
    "fail_impl": "a",
    "aborting": "c",
    "risky": "d",
}
NAMES = list(MODEL_SOURCES)


def _success_calls(name: str, source: str, target: str) -> list[tuple[str, ...]]:
    """The documented order: check, before, leave, implementation, set, log, enter, after."""
    return [
        ("check",),
        ("before", name),
        ("leave", source),
        ("impl", name, source),
        ("log", name, target),
        ("enter", target, target),
        ("after", name),
    ]


class MachineModel(RuleBasedStateMachine):
    """Compares a `Machine` with a dict ``{"state": ..., "allowed": ...}``."""

    def __init__(self) -> None:
        super().__init__()
        self.machine = Machine()
        self.model: dict[str, Any] = {"state": "a", "allowed": True}

    def legal(self, name: str) -> bool:
        """Whether the model says ``name`` may run now."""
        by_state = self.model["state"] in MODEL_SOURCES[name]
        return by_state and (name != "guarded" or self.model["allowed"])

    def run(self, name: str, *args: Any) -> BaseException | None:
        self.machine.calls.clear()
        try:
            getattr(self.machine, name)(*args)
        except Exception as exc:
            return exc
        return None

    @rule(name=st.sampled_from([n for n in NAMES if n != "jump"]))
    def fire(self, name: str) -> None:
        source = self.model["state"]
        error = self.run(name)
        calls = self.machine.calls
        if source not in MODEL_SOURCES[name]:
            assert isinstance(error, InvalidTransitionError), error
            assert (error.transition, error.state) == (name, source)
            assert calls == []
        elif name == "guarded" and not self.model["allowed"]:
            assert type(error) is ForbiddenTransition, error
            assert [r.name for r in error.reasons] == ["is_allowed"]
            assert ("before", name) not in calls
        elif name == "fail_before":
            assert isinstance(error, HookFailure), error
            assert calls == [("check",), ("before", name), ("before_fails",)]
        elif name == "aborting":
            assert type(error) is AbortTransition, error
            assert calls == [("check",), ("before", name), ("before_aborts",)]
        elif name == "fail_impl":
            assert isinstance(error, ImplementationFailure), error
            assert calls == _success_calls(name, source, "")[:4]
        elif name == "risky":
            assert isinstance(error, ImplementationFailure), error
            assert calls[:5] == [*_success_calls(name, source, "")[:4], ("log", name, "broken")]
            self.model["state"] = "broken"
        else:
            assert error is None, error
            target = MODEL_TARGET[name]
            assert calls == _success_calls(name, source, target)
            self.model["state"] = target

    @rule(chosen=st.sampled_from(["c", "d", "a", "nowhere"]))
    def jump(self, chosen: str) -> None:
        source = self.model["state"]
        error = self.run("jump", chosen)
        if source not in MODEL_SOURCES["jump"]:
            assert isinstance(error, InvalidTransitionError), error
        elif chosen in ("c", "d"):
            assert error is None, error
            assert self.machine.calls == _success_calls("jump", source, chosen)
            self.model["state"] = chosen
        else:
            assert isinstance(error, InvalidTargetError), error
            assert error.target == chosen
            assert error.targets == ("c", "d")
            assert ("log", "jump", chosen) not in self.machine.calls

    @rule(value=st.sampled_from([*STATES, "e", "A", "", "go_ab", None, 3]))
    def assign(self, value: Any) -> None:
        if value in STATES:
            self.machine.state = value
            self.model["state"] = value
        else:
            with pytest.raises(InvalidStateError) as caught:
                self.machine.state = value
            assert caught.value.value == value

    @rule(value=st.sampled_from(STATES))
    def force(self, value: str) -> None:
        set_state(self.machine, value)
        self.model["state"] = value

    @rule()
    def toggle_guard(self) -> None:
        self.machine.allowed = not self.machine.allowed
        self.model["allowed"] = self.machine.allowed

    @invariant()
    def state_matches_model(self) -> None:
        assert self.machine.state == self.model["state"]
        assert self.machine.state.name == self.model["state"]

    @invariant()
    def availability_matches_model(self) -> None:
        for name in NAMES:
            wrapper = getattr(self.machine, name)
            assert wrapper.is_available() is self.legal(name), name
            assert bool(wrapper.explain()) is self.legal(name), name
        assert available_names(self.machine) == [n for n in NAMES if self.legal(n)]


MachineModel.TestCase.settings = SETTINGS
test_machine_matches_model = MachineModel.TestCase


# -- random workflows ------------------------------------------------------------------------


@st.composite
def raw_workflows(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid definition as plain data (states, transitions, initial state)."""
    states = [f"s{i}" for i in range(draw(st.integers(1, 5)))]
    source = st.one_of(
        st.lists(st.sampled_from(states), min_size=1, max_size=len(states), unique=True),
        st.sampled_from(["*", "+"]),
    )
    transitions = [
        (f"t{i}", draw(source), draw(st.sampled_from(states)))
        for i in range(draw(st.integers(0, 7)))
    ]
    return {"states": states, "transitions": transitions, "initial": draw(st.sampled_from(states))}


def _model_sources(raw: dict[str, Any]) -> dict[str, set[str]]:
    """Expand wildcards by hand: "*" is every state, "+" every state but the target."""
    sources = {}
    for name, source, target in raw["transitions"]:
        if source == "*":
            sources[name] = set(raw["states"])
        elif source == "+":
            sources[name] = set(raw["states"]) - {target}
        else:
            sources[name] = set(source)
    return sources


@SETTINGS
@given(raw=raw_workflows(), data=st.data())
def test_random_walks_end_where_the_model_says(raw: dict[str, Any], data: st.DataObject) -> None:
    """On random workflows, random walks (with illegal steps) follow the model exactly.

    Legal steps move the object to the transition's target, illegal ones raise
    `InvalidTransitionError` and change nothing, and ``explain()`` is truthy exactly
    when the model says the transition may run.
    """
    flow = type(
        "Flow",
        (Workflow,),
        {
            "states": tuple(raw["states"]),
            "transitions": tuple(
                (n, s if isinstance(s, str) else tuple(s), t) for n, s, t in raw["transitions"]
            ),
            "initial_state": raw["initial"],
        },
    )
    host = type("Host", (statecore.WorkflowEnabled,), {"state": flow()})
    sources = _model_sources(raw)
    targets = {name: target for name, _, target in raw["transitions"]}
    obj = host()
    model = raw["initial"]
    for name in data.draw(walks(flow, include_illegal=True, max_steps=15)):
        for other in sources:
            assert bool(getattr(obj, other).explain()) is (model in sources[other])
        if model in sources[name]:
            getattr(obj, name)()
            model = targets[name]
        else:
            with pytest.raises(InvalidTransitionError):
                getattr(obj, name)()
        assert obj.state == model
