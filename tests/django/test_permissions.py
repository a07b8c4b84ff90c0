"""Permissions: names checked with has_perm, callables, is_available(user=), listings."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from tests.django.testapp.models import Order

import statecore

pytestmark = pytest.mark.django_db


def make_user(name: str, *perms: str, staff: bool = False) -> User:
    user = User.objects.create(username=name, is_staff=staff)
    for perm in perms:
        user.user_permissions.add(Permission.objects.get(codename=perm))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_user_without_permission_is_denied() -> None:
    """as_user(user)() without the permission raises TransitionPermissionDenied; nothing saved."""
    order = Order.objects.create(state="placed")
    clerk = make_user("clerk")
    with pytest.raises(
        statecore.TransitionPermissionDenied, match=r"testapp\.approve_order"
    ) as info:
        order.approve.as_user(clerk)()
    assert info.value.user == clerk
    assert Order.objects.get(pk=order.pk).state == "placed"


def test_user_with_permission_runs_the_transition() -> None:
    """A user holding app.codename may run the transition."""
    order = Order.objects.create(state="placed")
    order.approve.as_user(make_user("boss", "approve_order"))()
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_is_available_checks_the_permission_for_a_user() -> None:
    """is_available(user=) is False without the permission, True with it."""
    order = Order.objects.create(state="placed")
    assert order.approve.is_available(user=make_user("clerk")) is False
    assert order.approve.is_available(user=make_user("boss", "approve_order")) is True


def test_callable_permission_is_called_with_instance_and_user() -> None:
    """refund's permission is lambda order, user: user.is_staff."""
    order = Order.objects.create(state="paid")
    assert order.refund.is_available(user=make_user("guest")) is False
    order.refund.as_user(make_user("staff", staff=True))()
    assert Order.objects.get(pk=order.pk).state == "cancelled"


def test_available_transitions_for_a_user_leave_out_forbidden_ones() -> None:
    """get_available_state_transitions(user) lists only what this user may run."""
    order = Order.objects.create(state="placed")
    clerk = [t.name for t in order.get_available_state_transitions(user=make_user("clerk"))]
    boss = [
        t.name
        for t in order.get_available_state_transitions(user=make_user("boss", "approve_order"))
    ]
    assert "approve" not in clerk
    assert "approve" in boss
    assert set(clerk) == {"pay", "cancel", "charge"}
