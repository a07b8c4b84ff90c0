"""Guards and permissions: conditions, is_available, explain, as_user, available_transitions."""

from __future__ import annotations

from typing import Any

import pytest

from statecore import (
    Availability,
    ForbiddenTransition,
    Reason,
    Transition,
    TransitionPermissionDenied,
    WorkflowEnabled,
    available_transitions,
    transition_check,
)
from workflows import DoorFlow, LightFlow, Order, OrderFlow, RecordingUser


def paid_in_full(order: Any) -> bool:
    """A callable condition: the order's balance is zero."""
    return bool(order.balance == 0)


def may_ship(order: Any, user: Any) -> bool:
    """A callable permission: only the warehouse ships."""
    return getattr(user, "name", None) == "warehouse"


class GuardedFlow(OrderFlow):
    """OrderFlow with guards and permissions on its transitions."""

    transitions = (
        Transition("pay", "placed", "paid", conditions=["has_address"], permission="shop.pay"),
        Transition(
            "ship", "paid", "shipped", conditions=[paid_in_full, "has_address"], permission=may_ship
        ),
    )


class Guarded(WorkflowEnabled):
    """A host whose guards read its attributes."""

    state = GuardedFlow()

    def __init__(self, *, balance: int = 0, address: str = "") -> None:
        self.balance = balance
        self.address = address

    def has_address(self) -> bool:
        return bool(self.address)

    @transition_check("ship")
    def carrier_ready(self) -> bool:
        return self.balance >= 0


def _guarded(state: str, **attributes: Any) -> Guarded:
    guarded = Guarded(**attributes)
    guarded.state = state
    return guarded


def test_condition_by_method_name_guards_the_transition() -> None:
    """A condition named by a method of the host must hold for the transition to run."""
    guarded = _guarded("placed")
    with pytest.raises(ForbiddenTransition):
        guarded.pay()
    guarded.address = "1 Main St"
    guarded.pay()
    assert guarded.state == "paid"


def test_callable_condition_guards_the_transition() -> None:
    """A callable condition is called with the object and must hold."""
    guarded = _guarded("paid", balance=5, address="here")
    with pytest.raises(ForbiddenTransition) as info:
        guarded.ship()
    assert [r.name for r in info.value.reasons] == ["paid_in_full"]
    guarded.balance = 0
    guarded.ship()
    assert guarded.state == "shipped"


def test_is_available_checks_state_and_guards() -> None:
    """``is_available()`` is False from another state or with an unmet guard, True otherwise."""
    assert _guarded("draft", address="x").pay.is_available() is False
    assert _guarded("placed").pay.is_available() is False
    assert _guarded("placed", address="x").pay.is_available() is True


def test_is_available_without_user_ignores_the_permission() -> None:
    """Without a user, the permission is not part of the answer."""
    assert _guarded("placed", address="x").pay.is_available() is True


def test_is_available_with_user_checks_named_permission() -> None:
    """With ``user=``, a permission name is checked with ``user.has_perm``."""
    guarded = _guarded("placed", address="x")
    assert guarded.pay.is_available(user=RecordingUser("ann", "shop.pay")) is True
    assert guarded.pay.is_available(user=RecordingUser("bob")) is False


def test_user_without_has_perm_has_no_named_permission() -> None:
    """A user object without ``has_perm`` holds no permission name."""
    assert _guarded("placed", address="x").pay.is_available(user=object()) is False


def test_is_available_with_user_checks_callable_permission() -> None:
    """A callable permission is called with (object, user)."""
    guarded = _guarded("paid", address="x")
    assert guarded.ship.is_available(user=RecordingUser("warehouse")) is True
    assert guarded.ship.is_available(user=RecordingUser("clerk")) is False


def test_as_user_refuses_without_permission() -> None:
    """``as_user(user)`` runs the transition only if the user has the permission."""
    guarded = _guarded("placed", address="x")
    bob = RecordingUser("bob")
    with pytest.raises(TransitionPermissionDenied) as info:
        guarded.pay.as_user(bob)()
    assert info.value.user is bob
    assert info.value.permission == "shop.pay"
    assert [r.kind for r in info.value.reasons] == ["permission"]
    assert guarded.state == "placed"
    guarded.pay.as_user(RecordingUser("ann", "shop.pay"))()
    assert guarded.state == "paid"


def test_as_user_remembers_the_user_for_availability() -> None:
    """A wrapper bound with ``as_user`` checks that user's permission in is_available/explain."""
    wrapper = _guarded("placed", address="x").pay.as_user(RecordingUser("bob"))
    assert wrapper.user.name == "bob"
    assert wrapper.is_available() is False
    assert [r.kind for r in wrapper.explain().reasons] == ["permission"]


def test_transition_without_permission_allows_every_user() -> None:
    """A transition with no permission runs for any user."""
    order = Order()
    order.place.as_user(RecordingUser("anyone"))()
    assert order.state == "placed"
    assert order.pay.explain(user=object())


def test_explain_lists_every_unmet_guard_and_the_permission() -> None:
    """``explain()`` evaluates every guard (none skipped) and gives the permission verdict."""
    guarded = _guarded("paid", balance=-1)
    availability = guarded.ship.explain(user=RecordingUser("clerk"))
    assert isinstance(availability, Availability)
    assert not availability
    assert availability.available is False
    assert availability.transition == "ship"
    assert availability.state == "paid"
    assert availability.reasons == (
        Reason("condition", "paid_in_full", "condition 'paid_in_full' is not met"),
        Reason("condition", "has_address", "condition 'has_address' is not met"),
        Reason("check", "carrier_ready", "transition_check hook 'carrier_ready' returned False"),
        Reason(
            "permission",
            "may_ship",
            "user clerk may not run transition 'ship' of Guarded: "
            "permission check 'may_ship' refused",
        ),
    )
    assert availability.message.startswith(
        "condition 'paid_in_full' is not met; condition 'has_address' is not met; "
    )


def test_explain_names_a_wrong_state() -> None:
    """From a state the transition does not leave, explain() gives a "state" reason."""
    availability = Order().ship.explain()
    assert availability.reasons == (
        Reason("state", "draft", "not available from state 'draft'; it starts from paid"),
    )


def test_explain_names_a_missing_named_permission() -> None:
    """A missing permission name is reported as required."""
    availability = _guarded("placed", address="x").pay.explain(user=RecordingUser("bob"))
    assert availability.reasons == (
        Reason(
            "permission",
            "shop.pay",
            "user bob may not run transition 'pay' of Guarded: permission 'shop.pay' is required",
        ),
    )


def test_explain_with_a_permitted_user_is_true() -> None:
    """A user holding the permission adds no reason: the transition explains as available."""
    guarded = _guarded("placed", address="x")
    assert guarded.pay.explain(user=RecordingUser("ann", "shop.pay")).reasons == ()


def test_check_permission_allows_transitions_without_permission() -> None:
    """``Workflow.check_permission`` allows any user for a transition with no permission."""
    assert OrderFlow().check_permission(OrderFlow.transitions.pay, Order(), object()) is True


def test_explain_available_transition_is_true_and_empty() -> None:
    """An available transition explains as true, with no reasons and an empty message."""
    availability = Order().place.explain()
    assert availability
    assert availability.available is True
    assert availability.reasons == ()
    assert availability.message == ""


def test_available_transitions_lists_runnable_transitions_in_order() -> None:
    """``available_transitions(obj)`` gives the bound transitions that can run now."""
    assert [t.name for t in available_transitions(Order())] == ["place", "cancel"]
    guarded = _guarded("placed")
    assert [t.name for t in available_transitions(guarded)] == ["cancel"]


def test_available_transitions_for_a_user_filters_by_permission() -> None:
    """With ``user=``, only transitions the user may run are listed, bound to that user."""
    guarded = _guarded("placed", address="x")
    ann = RecordingUser("ann", "shop.pay")
    listed = available_transitions(guarded, user=ann)
    assert [t.name for t in listed] == ["pay", "cancel"]
    assert all(t.user is ann for t in listed)
    assert [t.name for t in available_transitions(guarded, user=RecordingUser("bob"))] == ["cancel"]


def test_available_transitions_per_field() -> None:
    """With several workflows, ``field=`` limits the list to one of them."""

    class Room(WorkflowEnabled):
        door = DoorFlow()
        light = LightFlow()

    room = Room()
    assert [t.name for t in available_transitions(room)] == ["open_door", "switch"]
    assert [t.name for t in available_transitions(room, field="light")] == ["switch"]


def test_available_transitions_unknown_field_is_an_error() -> None:
    """Asking for a field that is not a workflow attribute raises with a suggestion."""

    class Room(WorkflowEnabled):
        door = DoorFlow()

    with pytest.raises(AttributeError, match=r"Room has no workflow attribute 'dor' \(did you"):
        available_transitions(Room(), field="dor")


def test_check_permission_can_be_overridden() -> None:
    """A workflow may plug in its own permission system by overriding check_permission."""

    class Flow(GuardedFlow):
        def check_permission(self, transition: Transition, instance: Any, user: Any) -> bool:
            return user == "root"

    class Host(Guarded):
        state = Flow()

    host = Host(address="x")
    host.state = "placed"
    assert host.pay.is_available(user="root") is True
    assert host.pay.is_available(user="guest") is False


def test_condition_objects_without_qualname_are_named_by_repr() -> None:
    """A callable condition without ``__qualname__`` is named by its repr in reasons."""

    class Never:
        def __call__(self, instance: object) -> bool:
            return False

        def __repr__(self) -> str:
            return "Never()"

    class Flow(OrderFlow):
        transitions = (Transition("place", "draft", "placed", conditions=Never()),)

    class Host(WorkflowEnabled):
        state = Flow()

    assert [r.name for r in Host().place.explain().reasons] == ["Never()"]


def test_permission_objects_without_qualname_are_named_by_repr() -> None:
    """A callable permission without ``__qualname__`` is named by its repr in reasons."""

    class Deny:
        def __call__(self, instance: object, user: object) -> bool:
            return False

        def __repr__(self) -> str:
            return "Deny()"

    class Flow(OrderFlow):
        transitions = (Transition("place", "draft", "placed", permission=Deny()),)

    class Host(WorkflowEnabled):
        state = Flow()

    assert [r.name for r in Host().place.explain(user="u").reasons] == ["Deny()"]
