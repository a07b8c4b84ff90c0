"""The exception tree, exception attributes, and the shape of every message.

Each message names the object, the state, the transition, and what is available or what
to do, so that it can be shown to a developer (or mapped to an HTTP status) as is.
"""

from __future__ import annotations

from typing import Any

import pytest

import statecore
from statecore import (
    AbortTransition,
    ConcurrentTransition,
    ForbiddenTransition,
    InvalidStateError,
    InvalidTargetError,
    InvalidTransitionError,
    ProtectedStateError,
    Transition,
    TransitionPermissionDenied,
    UnknownTransitionError,
    WorkflowDefinitionError,
    WorkflowEnabled,
    WorkflowError,
    transition,
)
from workflows import Order, OrderFlow, RecordingUser, ReviewFlow


@pytest.mark.parametrize(
    ("error", "parents"),
    [
        (WorkflowDefinitionError, (WorkflowError,)),
        (InvalidStateError, (WorkflowError, ValueError)),
        (UnknownTransitionError, (WorkflowError, AttributeError)),
        (ProtectedStateError, (WorkflowError, AttributeError)),
        (AbortTransition, (WorkflowError,)),
        (InvalidTransitionError, (AbortTransition,)),
        (ForbiddenTransition, (AbortTransition,)),
        (TransitionPermissionDenied, (ForbiddenTransition, AbortTransition)),
        (ConcurrentTransition, (AbortTransition,)),
        (InvalidTargetError, (AbortTransition,)),
        (statecore.NoTransitionAvailable, (AbortTransition,)),
        (statecore.ExpressionError, (WorkflowError, ValueError)),
        (statecore.OperationNotSupported, (WorkflowError, TypeError)),
        (WorkflowError, (Exception,)),
    ],
)
def test_exception_tree(error: type[Exception], parents: tuple[type[Exception], ...]) -> None:
    """Every exception derives from its documented parents (and so from WorkflowError)."""
    for parent in parents:
        assert issubclass(error, parent)
    assert issubclass(error, WorkflowError) or error is WorkflowError


def test_exceptions_are_public_under_statecore() -> None:
    """Every exception is importable from ``statecore`` and its repr module says so."""
    for name in ("WorkflowError", "AbortTransition", "InvalidStateError", "ConcurrentTransition"):
        assert getattr(statecore, name).__module__ == "statecore"


def test_abort_transition_can_be_raised_bare() -> None:
    """User code may raise AbortTransition with no arguments; its attributes default to None."""
    error = AbortTransition()
    assert (error.transition, error.state, error.instance) == (None, None, None)
    assert str(error) == ""


def test_invalid_transition_message_lists_available_transitions() -> None:
    """Not available: names the transition, state, object and the transitions available."""
    order = Order(pk=12)
    with pytest.raises(InvalidTransitionError) as info:
        order.ship()
    assert str(info.value) == (
        "Transition 'ship' is not available from state 'draft' of Order #12; "
        "available: place, cancel"
    )
    assert info.value.transition == "ship"
    assert info.value.state == "draft"
    assert info.value.instance is order
    assert info.value.available == ("place", "cancel")


def test_invalid_transition_from_a_dead_end_says_none_is_available() -> None:
    """From a state with no way out, the message says that none is available."""
    order = Order(pk=1)
    order.state = "shipped"
    with pytest.raises(InvalidTransitionError, match=r"available: none$"):
        order.cancel()


def test_object_without_key_is_named_by_class() -> None:
    """An object with neither ``pk`` nor ``id`` is named by its class alone."""

    class Plain(WorkflowEnabled):
        state = OrderFlow()

    with pytest.raises(InvalidTransitionError, match="from state 'draft' of Plain;"):
        Plain().ship()


def test_object_with_id_is_named_by_id() -> None:
    """An object without ``pk`` but with an ``id`` is named by it; a method ``id`` is ignored."""

    class WithId(WorkflowEnabled):
        state = OrderFlow()
        id = "A-7"

    class WithMethod(WorkflowEnabled):
        state = OrderFlow()

        def pk(self) -> int:
            return 1

    with pytest.raises(InvalidTransitionError, match="of WithId #A-7;"):
        WithId().ship()
    with pytest.raises(InvalidTransitionError, match="of WithMethod;"):
        WithMethod().ship()


def test_forbidden_message_lists_every_failed_guard() -> None:
    """Forbidden: names the transition, object, state and every guard that said no."""

    class Flow(OrderFlow):
        transitions = (
            Transition("place", "draft", "placed", conditions=["has_items", "has_address"]),
        )

    class Host(WorkflowEnabled):
        state = Flow()
        pk = 4

        def has_items(self) -> bool:
            return False

        def has_address(self) -> bool:
            return False

        @statecore.transition_check("place")
        def not_blocked(self) -> bool:
            return False

    host = Host()
    with pytest.raises(ForbiddenTransition) as info:
        host.place()
    assert str(info.value) == (
        "Transition 'place' of Host #4 is forbidden in state 'draft': "
        "condition 'has_items' is not met; condition 'has_address' is not met; "
        "transition_check hook 'not_blocked' returned False"
    )
    assert [(r.kind, r.name) for r in info.value.reasons] == [
        ("condition", "has_items"),
        ("condition", "has_address"),
        ("check", "not_blocked"),
    ]
    assert (info.value.transition, info.value.state, info.value.instance) == (
        "place",
        "draft",
        host,
    )


def test_permission_denied_message_names_user_and_permission() -> None:
    """Permission denied: names the user, transition, object and the permission required."""

    class Flow(OrderFlow):
        transitions = (Transition("place", "draft", "placed", permission="shop.place"),)

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    user = RecordingUser("bob")
    with pytest.raises(TransitionPermissionDenied) as info:
        host.place.as_user(user)()
    assert str(info.value) == (
        "user bob may not run transition 'place' of Host: permission 'shop.place' is required"
    )
    assert info.value.user is user
    assert info.value.permission == "shop.place"
    assert info.value.state == "draft"


def test_concurrent_transition_message_says_what_moved_the_object() -> None:
    """Concurrent: names the object, both states, the transition and that it was not applied."""

    class Host(WorkflowEnabled):
        state = OrderFlow()
        pk = 9

        @transition()
        def place(self) -> None:
            self.cancel()

    host = Host()
    with pytest.raises(ConcurrentTransition) as info:
        host.place()
    assert str(info.value) == (
        "Host #9 left state 'draft' for 'cancelled' while transition 'place' was running "
        "(a transition started from one of its hooks or its implementation, or from another "
        "thread); 'place' was not applied"
    )
    assert (info.value.expected, info.value.actual, info.value.state) == (
        "draft",
        "cancelled",
        "draft",
    )
    assert info.value.instance is host


def test_invalid_target_message_lists_the_targets() -> None:
    """Invalid target: names the transition, object, the bad value, the targets and the fix."""

    class Host(WorkflowEnabled):
        state = ReviewFlow()

        @transition()
        def decide(self) -> str:
            return "maybe"

    host = Host()
    with pytest.raises(InvalidTargetError) as info:
        host.decide()
    assert str(info.value) == (
        "Transition 'decide' of Host: the implementation returned 'maybe', which is not one "
        "of its targets (accepted, rejected); return one of them"
    )
    assert info.value.target == "maybe"
    assert info.value.targets == ("accepted", "rejected")
    assert info.value.state == "pending"


def test_invalid_state_message_without_field() -> None:
    """Invalid state (no field): names the value, the workflow and its states."""
    with pytest.raises(InvalidStateError) as info:
        OrderFlow.state_name(42)
    assert str(info.value) == (
        "42 is not a state of OrderFlow; states: draft, placed, paid, shipped, cancelled"
    )
    assert info.value.field is None
    assert isinstance(info.value, ValueError)


def test_unknown_transition_error_carries_name_and_workflow() -> None:
    """UnknownTransitionError keeps the name asked for and the workflow; it is an AttributeError."""
    error = UnknownTransitionError("no such transition", name="pya", workflow=OrderFlow)
    assert (error.name, error.workflow) == ("pya", OrderFlow)
    assert isinstance(error, AttributeError)


def test_definition_error_carries_owner_and_problems() -> None:
    """WorkflowDefinitionError keeps the class and the tuple of problems."""
    with pytest.raises(WorkflowDefinitionError) as info:

        class Flow(statecore.Workflow):
            states = ("a",)
            transitions = ()
            initial_state = "b"

    assert info.value.owner is not None
    assert info.value.owner.__name__ == "Flow"  # type: ignore[union-attr]
    assert info.value.problems == ("initial_state 'b' is not a state; states: a",)


def test_protected_state_error_is_an_attribute_error() -> None:
    """ProtectedStateError keeps the object and the field, and is an AttributeError."""
    error = ProtectedStateError("protected", instance=Order(), field="state")
    assert isinstance(error, AttributeError)
    assert error.field == "state"


def test_refusals_are_catchable_as_abort_transition() -> None:
    """Refusals to run (wrong state, bad target) are AbortTransition, caught by one clause."""

    class Host(WorkflowEnabled):
        state = ReviewFlow()

    raised: list[type[Any]] = []
    for call in (Order().ship, Host().decide):
        try:
            call()
        except AbortTransition as exc:
            raised.append(type(exc))
    assert raised == [InvalidTransitionError, InvalidTargetError]
