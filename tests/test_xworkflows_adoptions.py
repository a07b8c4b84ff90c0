"""Behaviour statecore's own API took from xworkflows because it costs nothing.

- a definition error is also the builtin exception xworkflows raises for that mistake;
- two implementations of one transition on one class are refused;
- an `ImplementationWrapper` subclass overriding ``_pre_transition`` /
  ``_post_transition`` is called around the implementation.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest

import statecore
from statecore.errors import Problem, problem


def define(states: Any, transitions: Any, initial: Any) -> type[statecore.Workflow]:
    """Define a workflow class from its three attributes (raising what definition raises)."""
    return type(
        "Flow",
        (statecore.Workflow,),
        {"states": states, "transitions": transitions, "initial_state": initial},
    )


STATES = (("draft", "Draft"), ("done", "Done"))


def test_every_definition_error_is_a_value_error() -> None:
    """A duplicate transition is a WorkflowDefinitionError and a ValueError, nothing more."""
    with pytest.raises(statecore.WorkflowDefinitionError) as caught:
        define(STATES, (("go", "draft", "done"), ("go", "done", "draft")), "draft")
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, (TypeError, KeyError))
    assert [p.builtin for p in caught.value.problems] == [ValueError]


def test_malformed_states_are_also_a_type_error() -> None:
    """States that are neither names nor pairs raise an error catchable as TypeError."""
    with pytest.raises(TypeError) as caught:
        define((12, 13), (), 12)
    assert isinstance(caught.value, statecore.WorkflowDefinitionError)
    assert "state 12 is neither a name" in str(caught.value)


def test_transition_that_is_not_a_triple_is_a_type_error() -> None:
    """A two-item transition raises an error catchable as TypeError."""
    with pytest.raises(TypeError, match="neither a Transition nor a"):
        define(STATES, (("go", "draft"),), "draft")


def test_unknown_state_in_a_transition_is_a_key_error() -> None:
    """A transition from or to an unknown state raises an error catchable as KeyError."""
    with pytest.raises(KeyError) as caught:
        define(STATES, (("go", "drift", "done"),), "draft")
    assert isinstance(caught.value, statecore.WorkflowDefinitionError)
    assert "unknown state 'drift' (did you mean 'draft'?)" in str(caught.value)


def test_message_is_not_quoted_as_key_errors_are() -> None:
    """str() of a definition error that is also a KeyError is its message, unquoted."""
    with pytest.raises(KeyError) as caught:
        define(STATES, (("go", "draft", "nowhere"),), "draft")
    assert str(caught.value).startswith("Flow is not a valid definition (1 problem):")


def test_problems_of_several_kinds_give_every_kind() -> None:
    """A malformed state and an unknown initial state: both TypeError and KeyError."""
    with pytest.raises(statecore.WorkflowDefinitionError) as caught:
        define((("draft", "Draft"), 7), (), "nowhere")
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, KeyError)
    assert len(caught.value.problems) == 2


def test_definition_error_pickles_with_its_kinds() -> None:
    """A definition error survives pickling (e.g. across processes) with its problems and kinds."""
    error = statecore.WorkflowDefinitionError("Flow", [problem(KeyError, "unknown state 'x'")])
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, KeyError)
    assert copy.problems == error.problems
    assert copy.problems[0].builtin is KeyError
    assert str(copy) == str(error)


def test_problem_carries_its_builtin_kind() -> None:
    """problem() builds a str that says which builtin exception it stands for."""
    found = problem(TypeError, "bad")
    assert isinstance(found, Problem)
    assert (found, found.builtin) == ("bad", TypeError)


class Flow(statecore.Workflow):
    """Three states in a line."""

    states = ("draft", "review", "done")
    transitions = (("submit", "draft", "review"), ("approve", "review", "done"))
    initial_state = "draft"


def test_two_implementations_of_one_transition_are_refused() -> None:
    """Two methods of one class implementing 'submit' raise, naming both."""
    with pytest.raises(statecore.WorkflowDefinitionError, match="submit") as caught:

        class Document(statecore.WorkflowEnabled):
            state = Flow()

            @statecore.transition("submit")
            def send(self) -> None: ...

            @statecore.transition("submit")
            def post(self) -> None: ...

    assert re.search(
        r"Document\.post and .*Document\.send both implement transition 'submit'",
        str(caught.value),
    )
    assert isinstance(caught.value, ValueError)


def test_subclass_may_still_replace_an_inherited_implementation() -> None:
    """A subclass implementing a transition its base implements is no conflict."""

    class Base(statecore.WorkflowEnabled):
        state = Flow()

        @statecore.transition()
        def submit(self) -> str:
            return "base"

    class Child(Base):
        @statecore.transition("submit")
        def send(self) -> str:
            return "child"

    assert Child().send() == "child"


class Recording(statecore.ImplementationWrapper[Any, Any]):
    """Overrides both steps, recording around the hooks they run."""

    def _pre_transition(self, *args: Any, **kwargs: Any) -> None:
        self.instance.events.append(("pre", args, kwargs))
        super()._pre_transition(*args, **kwargs)

    def _post_transition(self, result: Any, *args: Any, **kwargs: Any) -> None:
        super()._post_transition(result, *args, **kwargs)
        self.instance.events.append(("post", result, str(self.instance.state)))


class RecordedFlow(Flow):
    """Flow run by the Recording wrapper."""

    implementation_class = Recording


class Recorded(statecore.WorkflowEnabled):
    """Hooks of each kind and one implementation, run by the Recording wrapper."""

    state = RecordedFlow()

    def __init__(self) -> None:
        self.events: list[Any] = []

    @statecore.before_transition("submit")
    def before(self, *args: Any, **kwargs: Any) -> None:
        self.events.append("before")

    @statecore.on_leave_state("draft")
    def leave(self, *args: Any, **kwargs: Any) -> None:
        self.events.append("leave")

    @statecore.on_enter_state("review")
    def enter(self, *args: Any, **kwargs: Any) -> None:
        self.events.append("enter")

    @statecore.after_transition("submit")
    def after(
        self, result: Any, *args: Any, event: statecore.TransitionEvent, **kwargs: Any
    ) -> None:
        self.events.append(("after", result, event.source.name, event.target.name))

    @statecore.transition()
    def submit(self, note: str = "") -> str:
        self.events.append("implementation")
        return note


def test_overridden_steps_run_around_the_implementation_and_run_the_hooks() -> None:
    """_pre_transition runs before the implementation, _post_transition once the state is set."""
    obj = Recorded()
    assert obj.submit(note="ok") == "ok"
    assert obj.events == [
        ("pre", (), {"note": "ok"}),
        "before",
        "leave",
        "implementation",
        "enter",
        ("after", "ok", "draft", "review"),
        ("post", "ok", "review"),
    ]


def test_overridden_steps_run_for_a_transition_without_hooks() -> None:
    """A transition with no hook and no implementation still goes through both steps."""
    obj = Recorded()
    obj.state = "review"
    obj.approve()
    assert obj.events == [("pre", (), {}), ("post", None, "done")]


def test_wrapper_without_overrides_never_calls_the_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an override the hooks run inline: the default steps are not called."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("called")

    class Plain(statecore.WorkflowEnabled):
        state = Flow()

        @statecore.after_transition()
        def after(self, *args: Any, **kwargs: Any) -> None:
            self.seen = True

    monkeypatch.setattr(statecore.ImplementationWrapper, "_pre_transition", refuse)
    monkeypatch.setattr(statecore.ImplementationWrapper, "_post_transition", refuse)
    obj = Plain()
    obj.submit()
    assert obj.seen
