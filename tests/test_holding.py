"""Hold, resume and cancel: generated from state kinds, remembering where the object was."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest

import statecore
from statecore import (
    InvalidTransitionError,
    OperationNotSupported,
    State,
    StateKind,
    Transition,
    Workflow,
    WorkflowDefinitionError,
    WorkflowEnabled,
    acancel,
    advance,
    ahold,
    aresume,
    cancel,
    held_from,
    hold,
    resume,
    workflow_from_dict,
)
from workflows import CLAIM_DATA, Order

ClaimFlow = workflow_from_dict(CLAIM_DATA)


class Claim(WorkflowEnabled):
    state = ClaimFlow()
    log: list[str]

    def __init__(self, pk: int | None = None) -> None:
        self.pk = pk
        self.log = []

    @statecore.after_transition("hold", "resume", "cancel")
    def record(self, *args: Any, event: statecore.TransitionEvent, **kwargs: Any) -> None:
        assert event.target is not None
        self.log.append(f"{event.transition.name}:{event.source.name}->{event.target.name}")


class TaskFlow(Workflow):
    """A class-defined workflow with kinds."""

    states = (
        "todo",
        "doing",
        State("done", kind="final"),
        State("parked", kind=StateKind.ON_HOLD),
        State("dropped", kind="cancellation"),
    )
    transitions = (("start", "todo", "doing"), ("finish", "doing", "done"))
    initial_state = "todo"


class Task(WorkflowEnabled):
    state = TaskFlow()


def test_kinds_generate_hold_resume_and_cancel() -> None:
    """on_hold gives hold and resume, cancellation gives cancel, from the non-final states."""
    transitions = TaskFlow.transitions
    assert transitions.hold.source == ("todo", "doing")
    assert transitions.hold.target == "parked"
    assert transitions.resume.source == ("parked",)
    assert transitions.resume.targets == ("todo", "doing")
    assert transitions.cancel.source == ("todo", "doing", "parked")
    assert transitions.cancel.target == "dropped"


def test_resume_returns_to_the_state_hold_left() -> None:
    """Hold from 'doing' and resume: the object is back in 'doing', not the initial state."""
    task = Task()
    task.start()  # type: ignore[attr-defined]
    hold(task)
    assert task.state == "parked"
    assert held_from(task) == "doing"
    assert resume(task) == "doing"
    assert task.state == "doing"
    assert held_from(task) is None


def test_remembered_state_is_a_plain_storable_attribute() -> None:
    """The memory is a string in '<field>_held_from', which survives pickling like a column."""
    task = Task()
    hold(task)
    assert task.state_held_from == "todo"  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(task))
    assert resume(copy) == "todo"
    assert copy.state_held_from == ""  # type: ignore[attr-defined]


def test_hold_resume_and_cancel_run_as_transitions_with_hooks() -> None:
    """The operations are ordinary transitions: their hooks run, and obj.hold() works too."""
    claim = Claim()
    claim.hold()  # type: ignore[attr-defined]
    claim.resume()  # type: ignore[attr-defined]
    cancel(claim)
    assert claim.log == [
        "hold:submitted->paused",
        "resume:paused->submitted",
        "cancel:submitted->cancelled",
    ]


def test_cancel_reaches_cancellation_from_on_hold() -> None:
    """A held object can be cancelled."""
    task = Task()
    hold(task)
    cancel(task)
    assert task.state == "dropped"


def test_misuse_gets_a_message_saying_why() -> None:
    """Resume when not held, hold twice, cancel or hold from a final state: specific refusals."""
    task = Task()
    with pytest.raises(InvalidTransitionError, match="it is not on hold"):
        resume(task)
    hold(task)
    with pytest.raises(InvalidTransitionError, match="already on hold; resume"):
        hold(task)
    cancel(task)
    with pytest.raises(InvalidTransitionError, match="'dropped' is final") as caught:
        cancel(task)
    assert caught.value.transition == "cancel" and caught.value.state == "dropped"
    done = Task()
    done.start()  # type: ignore[attr-defined]
    done.finish()  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransitionError, match="'done' is final"):
        hold(done)


def test_resume_without_memory_is_refused_and_changes_nothing() -> None:
    """An object put on hold by assignment remembers nothing: resume says so and leaves it."""
    task = Task()
    task.state = "parked"
    with pytest.raises(InvalidTransitionError, match="remembers no state"):
        resume(task)
    task.state_held_from = "parked"  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransitionError, match="which hold never leaves"):
        resume(task)
    assert task.state == "parked"


def test_workflow_without_the_kind_does_not_support_the_operation() -> None:
    """hold/resume/cancel on a workflow without on_hold/cancellation raise OperationNotSupported."""
    order = Order()
    for operation in (hold, resume):
        with pytest.raises(OperationNotSupported, match="kind='on_hold'") as caught:
            operation(order)
        assert caught.value.workflow.__name__ == "OrderFlow"

    class Pausable(Workflow):
        states = ("a", State("p", kind="on_hold"))
        transitions = ()
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Pausable()

    with pytest.raises(OperationNotSupported, match="kind='cancellation'") as error:
        cancel(Host())
    assert error.value.operation == "cancel"


def test_a_transition_named_like_a_generated_one_is_a_definition_error() -> None:
    """Defining 'hold' in a workflow with an on_hold state is refused with what to do."""
    with pytest.raises(WorkflowDefinitionError, match="rename your transition 'hold'"):

        class Clash(Workflow):
            states = ("a", State("p", kind="on_hold"))
            transitions = (("hold", "a", "p"),)
            initial_state = "a"


def test_two_on_hold_states_are_a_definition_error() -> None:
    """A workflow has at most one on_hold state."""
    with pytest.raises(WorkflowDefinitionError, match="at most one"):

        class Twice(Workflow):
            states = ("a", State("p", kind="on_hold"), State("q", kind="on_hold"))
            transitions = ()
            initial_state = "a"


def test_subclass_regenerates_for_its_own_states() -> None:
    """A subclass that adds a state can hold from it too."""

    class Longer(TaskFlow):
        states = ("review",)
        transitions = (("review_it", "doing", "review"),)

    assert "review" in Longer.transitions.hold.source
    assert "review" in Longer.transitions.resume.targets
    assert TaskFlow.transitions.hold.source == ("todo", "doing")


def test_advance_never_picks_hold_or_cancel() -> None:
    """The generated transitions are not candidates of advance."""
    task = Task()
    task.start()  # type: ignore[attr-defined]
    assert advance(task).name == "finish"


def test_transition_to_on_hold_without_hold_is_plain() -> None:
    """A user transition into the on-hold state remembers nothing: resume then refuses."""

    class Manual(Workflow):
        states = ("a", State("p", kind="on_hold"))
        transitions = (Transition("pause", "a", "p"),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Manual()

    host = Host()
    host.pause()  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransitionError, match="remembers no state"):
        resume(host)


def test_async_forms_run_the_same_steps() -> None:
    """ahold, aresume and acancel do what the sync forms do, awaiting async hooks."""

    class Slow(WorkflowEnabled):
        state = TaskFlow()

        def __init__(self) -> None:
            self.events: list[str] = []

        @statecore.after_transition("hold", "resume", "cancel")
        async def record(self, *args: Any, **kwargs: Any) -> None:
            await asyncio.sleep(0)
            self.events.append(str(self.state))

    async def run() -> tuple[str, Slow]:
        slow = Slow()
        await ahold(slow)
        back = await aresume(slow)
        await acancel(slow)
        return back, slow

    back, slow = asyncio.run(run())
    assert back == "todo"
    assert slow.events == ["parked", "todo", "dropped"]
    with pytest.raises(statecore.AwaitRequired, match=r"ahold\(\.\.\.\)"):
        hold(Slow())
