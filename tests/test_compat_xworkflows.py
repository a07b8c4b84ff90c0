"""xworkflows' documented API, with only the import changed, behaves as xworkflows documents.

The workflow below is the one xworkflows' documentation uses throughout.
"""

from __future__ import annotations

from typing import Any

import pytest

import statecore as xworkflows


class MyWorkflow(xworkflows.Workflow):
    """The documentation's workflow, written as an xworkflows user writes it."""

    states = (
        ("init", "Initial state"),
        ("ready", "Ready"),
        ("active", "Active"),
        ("done", "Done"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        ("prepare", "init", "ready"),
        ("activate", "ready", "active"),
        ("complete", "active", "done"),
        ("cancel", ("ready", "active"), "cancelled"),
    )
    initial_state = "init"


class MyObject(xworkflows.WorkflowEnabled):
    """An object on MyWorkflow with one implementation and a hook of each kind."""

    state = MyWorkflow()

    def __init__(self) -> None:
        self.events: list[str] = []
        self.allow_prepare = True

    @xworkflows.transition()
    def activate(self, user: str) -> str:
        self.activated_by = user
        return f"activated by {user}"

    @xworkflows.transition_check("prepare")
    def check_prepare(self) -> bool:
        return self.allow_prepare

    @xworkflows.before_transition("prepare")
    def before_prepare(self, *args: Any, **kwargs: Any) -> None:
        self.events.append("before prepare")

    @xworkflows.on_leave_state("init")
    def leave_init(self, *args: Any, **kwargs: Any) -> None:
        self.events.append("leave init")

    @xworkflows.on_enter_state("ready")
    def enter_ready(self, res: Any, *args: Any, **kwargs: Any) -> None:
        self.events.append("enter ready")

    @xworkflows.after_transition("prepare")
    def after_prepare(self, res: Any, *args: Any, **kwargs: Any) -> None:
        self.events.append("after prepare")


def test_states_list_api() -> None:
    """``states.init``, ``states['ready']``, membership and definition order, as documented."""
    assert MyWorkflow.states.init.name == "init"
    assert MyWorkflow.states.init.title == "Initial state"
    assert MyWorkflow.states["ready"].name == "ready"
    assert "active" in MyWorkflow.states
    assert MyWorkflow.states.init in MyWorkflow.states
    assert [s.name for s in MyWorkflow.states] == ["init", "ready", "active", "done", "cancelled"]


def test_transitions_list_api() -> None:
    """``transitions.prepare``, ``transitions['cancel']``, membership and ``available_from``."""
    transitions = MyWorkflow.transitions
    assert transitions.prepare.name == "prepare"
    assert transitions.prepare.target == "ready"
    assert transitions["cancel"].source == ("ready", "active")
    assert "activate" in transitions
    assert [t.name for t in transitions.available_from(MyWorkflow.states.ready)] == [
        "activate",
        "cancel",
    ]


def test_object_starts_in_the_initial_state() -> None:
    """A new object is in the initial state, with ``is_<state>`` flags, name and title."""
    obj = MyObject()
    assert obj.state == MyWorkflow.states.init
    assert obj.state.is_init
    assert not obj.state.is_ready
    assert obj.state.name == "init"
    assert obj.state.title == "Initial state"


def test_one_method_per_transition() -> None:
    """Each transition is a method; calling it performs the transition."""
    obj = MyObject()
    obj.prepare()
    assert obj.state == "ready"
    obj.activate("blah")
    assert obj.activated_by == "blah"
    obj.complete()
    assert obj.state.is_done


def test_implementation_receives_arguments_and_returns() -> None:
    """A ``@transition()`` implementation gets the call's arguments and its result is returned."""
    obj = MyObject()
    obj.prepare()
    assert obj.activate("alice") == "activated by alice"


def test_transitions_without_implementation_are_noops() -> None:
    """A transition with no implementation performs a no-op and returns None."""
    obj = MyObject()
    obj.prepare()
    assert obj.cancel() is None
    assert obj.state.is_cancelled


def test_renamed_implementation() -> None:
    """``@transition('name')`` implements a transition under another method name."""

    class Renamed(xworkflows.WorkflowEnabled):
        state = MyWorkflow()

        @xworkflows.transition("cancel")
        def abort(self) -> str:
            return "aborted"

    obj = Renamed()
    obj.state = "ready"
    assert obj.abort() == "aborted"
    assert obj.state.is_cancelled


def test_invalid_transition_raises_invalid_transition_error() -> None:
    """A transition not available from the current state raises InvalidTransitionError."""
    obj = MyObject()
    with pytest.raises(xworkflows.InvalidTransitionError):
        obj.complete()
    assert issubclass(xworkflows.InvalidTransitionError, xworkflows.WorkflowError)


def test_state_transitions_lists_the_available_ones() -> None:
    """``obj.state.transitions()`` lists the transitions leaving the current state."""
    obj = MyObject()
    obj.prepare()
    assert [t.name for t in obj.state.transitions()] == ["activate", "cancel"]


def test_is_available() -> None:
    """``obj.<transition>.is_available()`` says whether it can run now."""
    obj = MyObject()
    assert obj.prepare.is_available()
    assert not obj.activate.is_available()
    obj.allow_prepare = False
    assert not obj.prepare.is_available()


def test_hooks_run_in_xworkflows_order() -> None:
    """before, leave, (implementation), enter, after: the order xworkflows documents."""
    obj = MyObject()
    obj.prepare()
    assert obj.events == ["before prepare", "leave init", "enter ready", "after prepare"]


def test_failing_check_raises_forbidden_transition() -> None:
    """A transition_check returning False raises ForbiddenTransition; the state is unchanged."""
    obj = MyObject()
    obj.allow_prepare = False
    with pytest.raises(xworkflows.ForbiddenTransition):
        obj.prepare()
    assert obj.state.is_init
    assert obj.events == []


def test_abort_transition_from_a_hook_cancels() -> None:
    """Raising AbortTransition in a before hook cancels the transition."""

    class Aborting(MyObject):
        @xworkflows.before_transition("prepare")
        def before_prepare(self, *args: Any, **kwargs: Any) -> None:
            raise xworkflows.AbortTransition()

    obj = Aborting()
    with pytest.raises(xworkflows.AbortTransition):
        obj.prepare()
    assert obj.state.is_init


def test_log_transition_override() -> None:
    """An overridden ``log_transition`` gets (transition, from_state, instance, *args, **kwargs)."""
    logged: list[tuple[Any, ...]] = []

    class LoggedWorkflow(MyWorkflow):
        def log_transition(
            self, transition: Any, from_state: Any, instance: Any, *args: Any, **kwargs: Any
        ) -> None:
            logged.append((transition.name, from_state.name, instance, args, kwargs))

    class Logged(xworkflows.WorkflowEnabled):
        state = LoggedWorkflow()

    obj = Logged()
    obj.prepare()
    obj.activate("bob", reason="go")
    assert logged == [
        ("prepare", "init", obj, (), {}),
        ("activate", "ready", obj, ("bob",), {"reason": "go"}),
    ]


def test_setting_the_state_by_name() -> None:
    """The state attribute may be set to a state name; an unknown name raises ValueError."""
    obj = MyObject()
    obj.state = "active"
    assert obj.state.is_active
    with pytest.raises(ValueError):
        obj.state = "nowhere"


def test_workflows_mapping() -> None:
    """The class's ``_workflows`` maps each state attribute to its workflow."""
    assert isinstance(MyObject._workflows["state"], MyWorkflow)


def test_implementation_wrapper_is_exported() -> None:
    """Reading a transition on an object gives an ``ImplementationWrapper``."""
    assert isinstance(MyObject().prepare, xworkflows.ImplementationWrapper)
