"""statecore.compat.xworkflows: xworkflows 1.1's behaviour where statecore's own API differs."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import statecore
from statecore.compat import xworkflows
from statecore.compat.xworkflows import base, utils


class TaskFlow(xworkflows.Workflow):
    """Four states, one transition from two sources."""

    states = (("new", "New"), ("started", "Started"), ("done", "Done"), ("dropped", "Dropped"))
    transitions = (
        ("start", "new", "started"),
        ("finish", "started", "done"),
        ("drop", ("new", "started"), "dropped"),
    )
    initial_state = "new"


def test_transitions_show_state_objects() -> None:
    """A transition's source is a list of States and its target a State, titles included."""
    drop = TaskFlow.transitions.drop
    assert drop.source == [TaskFlow.states.new, TaskFlow.states.started]
    assert drop.target == TaskFlow.states.dropped
    assert drop.target == "dropped"
    assert hash(drop.target) == hash("dropped")
    assert drop.target.title == "Dropped"
    assert drop.target.state is TaskFlow.states.dropped
    assert TaskFlow.transitions["start"].source == [TaskFlow.states["new"]]
    assert [t.name for t in TaskFlow.transitions] == ["start", "finish", "drop"]


def test_transition_views_keep_statecore_attributes() -> None:
    """Everything else a transition has is statecore's (label, definition)."""
    start = TaskFlow.transitions.start
    assert start.label == "Start"
    assert isinstance(start.definition, statecore.Transition)
    assert start == TaskFlow.transitions["start"]


def test_subclass_workflow_shows_its_own_transitions() -> None:
    """A subclass that adds a transition lists it with State objects too."""

    class LongerFlow(TaskFlow):
        transitions = (("restart", "done", "started"),)

    assert LongerFlow.transitions.restart.source == [LongerFlow.states.done]
    assert len(LongerFlow.transitions) == 4


class Task(xworkflows.WorkflowEnabled):
    """A host of TaskFlow with one implementation."""

    state = TaskFlow()

    @xworkflows.transition()
    def finish(self, result: str) -> str:
        return result


def test_state_attribute_and_workflows_mapping_name_their_field() -> None:
    """Task.state has field_name and workflow; _workflows['state'].workflow is the workflow."""
    assert Task.state.field_name == "state"
    assert "state" in str(Task.state)
    assert type(Task._workflows["state"].workflow) is TaskFlow
    assert Task._workflows["state"].workflow.states is TaskFlow.states


def test_bare_transition_decorator_is_a_value_error() -> None:
    """@transition without parentheses raises ValueError saying how to write it."""
    with pytest.raises(ValueError, match=r"@transition\(\)"):

        @xworkflows.transition  # type: ignore[arg-type]
        def start(self: Any) -> None: ...


def test_renamed_implementation_is_reachable_only_by_its_method_name() -> None:
    """@transition('start') on begin(): obj.begin() runs it, obj.start does not exist."""

    class Renamed(xworkflows.WorkflowEnabled):
        state = TaskFlow()

        @xworkflows.transition("start")
        def begin(self) -> str:
            return "begun"

    obj = Renamed()
    assert not hasattr(Renamed, "start")
    assert obj.begin() == "begun"
    assert obj.state.is_started
    assert statecore.get_transition(obj, "finish").is_available()


def test_old_style_hooks_warn_and_run() -> None:
    """check=, before= and after= warn (deprecated) and run as transition hooks would."""
    seen: list[str] = []

    def may(self: Any) -> bool:
        seen.append("check")
        return self.allowed

    def before(self: Any, *args: Any, **kwargs: Any) -> None:
        seen.append("before")

    def after(self: Any, result: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(f"after {result}")

    with pytest.warns(DeprecationWarning, match="deprecated") as caught:
        decorator = xworkflows.transition(check=may, before=before, after=after)
    assert len(caught) == 3

    class Legacy(xworkflows.WorkflowEnabled):
        state = TaskFlow()
        allowed = False

        @decorator
        def start(self) -> str:
            seen.append("start")
            return "ok"

    obj = Legacy()
    with pytest.raises(xworkflows.ForbiddenTransition):
        obj.start()
    obj.allowed = True
    assert obj.start() == "ok"
    assert seen == ["check", "check", "before", "start", "after ok"]


def test_transition_without_old_style_hooks_does_not_warn() -> None:
    """Plain @transition() emits no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xworkflows.transition("start")


def test_bound_transition_lists_its_hooks_by_kind() -> None:
    """obj.start.hooks holds each applicable hook with its kind, function and priority."""

    class Hooked(xworkflows.WorkflowEnabled):
        state = TaskFlow()

        @xworkflows.before_transition("start", priority=3)
        def early(self, *args: Any, **kwargs: Any) -> None: ...

        @xworkflows.on_leave_state("new")
        def leaving(self, *args: Any, **kwargs: Any) -> None: ...

        @xworkflows.after_transition("finish")
        def later(self, *args: Any, **kwargs: Any) -> None: ...

    hooks = Hooked().start.hooks
    assert [(h.kind, h.function, h.priority) for h in hooks["before"]] == [
        ("before", Hooked.early, 3)
    ]
    assert [h.function for h in hooks["on_leave"]] == [Hooked.leaving]
    assert hooks["after"] == [] and hooks["check"] == [] and hooks["on_enter"] == []
    assert Hooked().start.implementation is None


def test_subclassed_wrapper_steps_run() -> None:
    """An ImplementationWrapper subclass overriding _post_transition is used, as in xworkflows."""

    class Stamping(xworkflows.ImplementationWrapper):
        def _post_transition(self, result: Any, *args: Any, **kwargs: Any) -> None:
            super()._post_transition(result, *args, **kwargs)
            self.instance.stamp = kwargs.get("stamp", "default")

    class StampedFlow(TaskFlow):
        implementation_class = Stamping

    class Stamped(xworkflows.WorkflowEnabled):
        state = StampedFlow()

    obj = Stamped()
    obj.start(stamp="given")
    assert obj.stamp == "given"


def test_definition_errors_are_the_builtins_xworkflows_raises() -> None:
    """Malformed states: TypeError; unknown state: KeyError; a conflict: ValueError."""
    with pytest.raises(TypeError):
        type(
            "Bad", (xworkflows.Workflow,), {"states": (1, 2), "transitions": (), "initial_state": 1}
        )
    with pytest.raises(KeyError):
        type(
            "Bad",
            (xworkflows.Workflow,),
            {"states": ("a",), "transitions": (("go", "a", "b"),), "initial_state": "a"},
        )
    with pytest.raises(ValueError):

        class Clash(xworkflows.WorkflowEnabled):
            state = TaskFlow()
            start = 42


def test_iterclass_lists_inherited_attributes() -> None:
    """utils.iterclass yields (name, value) for own and inherited class attributes."""

    class Parent:
        inherited = 1

    class Child(Parent):
        own = 2

    found = dict(utils.iterclass(Child))
    assert (found["inherited"], found["own"]) == (1, 2)


def test_namespace_exports_xworkflows_names() -> None:
    """The package and its base module give the names xworkflows programs import."""
    assert xworkflows.base is base
    assert xworkflows.__version__ == "1.1.0"
    assert base.noop(object()) is None
    for name in ("Workflow", "WorkflowEnabled", "transition", "AbortTransition", "State"):
        assert getattr(xworkflows, name) is getattr(base, name)
