"""Transition actions through DRF's APIClient: every status code, the user and the log."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient
from tests.django.restapp.api import TicketViewSet
from tests.django.restapp.models import Ticket

from statecore_django.log.models import TransitionLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.django.restapp.api")]


def make_user(name: str, *perms: str) -> User:
    user = User.objects.create(username=name)
    for perm in perms:
        user.user_permissions.add(Permission.objects.get(codename=perm))
    return User.objects.get(pk=user.pk)


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def post(user: User | None, ticket: Ticket, name: str, data: Any = None) -> Any:
    url = f"/api/tickets/{ticket.pk}/transitions/{name}/"
    return client_for(user).post(url, data or {}, format="json")


def test_transition_answers_200_with_the_object_saved_and_logged_as_the_user() -> None:
    """POST transitions/place/ moves the row, logs the requesting user, returns the object."""
    ticket = Ticket.objects.create(items=2, customer="ann")
    clerk = make_user("clerk")
    response = post(clerk, ticket, "place")
    assert response.status_code == 200, response.data
    assert response.data["state"] == "placed"
    assert response.data["id"] == ticket.pk
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"
    (row,) = TransitionLog.for_object(ticket)
    assert (row.transition, row.from_state, row.to_state, row.user) == (
        "place",
        "draft",
        "placed",
        clerk,
    )


def test_input_serializer_data_become_the_transition_arguments() -> None:
    """pay's validated input reaches the implementation; an input 'user' is not the actor."""
    ticket = Ticket.objects.create(state="placed")
    cashier = make_user("cashier", "take_payment")
    make_user("mallory")
    response = post(cashier, ticket, "pay", {"amount": 30, "note": "cash", "user": "mallory"})
    assert response.status_code == 200, response.data
    ticket.refresh_from_db()
    assert (ticket.state, ticket.amount, ticket.note) == ("paid", 30, "cash")
    (row,) = TransitionLog.for_object(ticket)
    assert row.user == cashier


def test_invalid_input_answers_400_and_changes_nothing() -> None:
    """Input the transition's serializer refuses is a 400 with the field errors; no log row."""
    ticket = Ticket.objects.create(state="placed")
    response = post(make_user("cashier", "take_payment"), ticket, "pay", {"amount": 0})
    assert response.status_code == 400
    assert "amount" in response.data
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"
    assert not TransitionLog.for_object(ticket).exists()


def test_missing_permission_answers_403_with_the_permission() -> None:
    """A user without restapp.take_payment gets 403 naming the permission; nothing changes."""
    ticket = Ticket.objects.create(state="placed")
    response = post(make_user("clerk"), ticket, "pay", {"amount": 5})
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert response.data["transition"] == "pay"
    assert response.data["state"] == "placed"
    assert [r["name"] for r in response.data["reasons"]] == ["restapp.take_payment"]
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"


def test_anonymous_user_is_refused_a_transition_with_a_permission() -> None:
    """An unauthenticated request never passes a transition's permission (403)."""
    ticket = Ticket.objects.create(state="placed")
    response = post(None, ticket, "pay", {"amount": 5})
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"


def test_unknown_object_answers_404() -> None:
    """A primary key with no row is DRF's 404."""
    response = client_for(make_user("clerk")).post("/api/tickets/999999/transitions/place/")
    assert response.status_code == 404


def test_unknown_transition_answers_404_with_its_name() -> None:
    """A transition name the workflow does not define is a 404 saying so."""
    ticket = Ticket.objects.create()
    response = post(make_user("clerk"), ticket, "launch")
    assert response.status_code == 404
    assert response.data["code"] == "unknown_transition"
    assert response.data["transition"] == "launch"
    assert "launch" in response.data["detail"]


def test_transition_not_available_answers_409_with_the_current_state() -> None:
    """ship from draft is a 409 with the current state and the transitions that leave it."""
    ticket = Ticket.objects.create()
    response = post(make_user("clerk"), ticket, "ship")
    assert response.status_code == 409
    assert response.data["code"] == "not_available"
    assert response.data["state"] == "draft"
    assert response.data["available"] == ["place", "cancel"]


class RacingViewSet(TicketViewSet):
    """Commits a cancel from "another client" after loading the object, before the transition."""

    def get_transition_target(self, obj: Ticket) -> Ticket:
        Ticket.objects.filter(pk=obj.pk).update(state="cancelled")
        return obj


def test_concurrent_transition_answers_409_with_the_state_in_the_database() -> None:
    """A state committed meanwhile makes a 409 concurrent_transition naming that state."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    ticket = Ticket.objects.create(items=1, customer="ann")
    request = APIRequestFactory().post(f"/api/tickets/{ticket.pk}/transitions/place/")
    force_authenticate(request, make_user("clerk"))
    view = RacingViewSet.as_view({"post": "transition"})
    response = view(request, pk=ticket.pk, transition_name="place")
    assert response.status_code == 409
    assert response.data["code"] == "concurrent_transition"
    assert response.data["state"] == "cancelled"
    assert Ticket.objects.get(pk=ticket.pk).state == "cancelled"
    assert not TransitionLog.for_object(ticket).exists()


def test_guard_refusal_answers_422_with_every_reason() -> None:
    """place without items and customer is a 422 listing both unmet conditions."""
    ticket = Ticket.objects.create()
    response = post(make_user("clerk"), ticket, "place")
    assert response.status_code == 422
    assert response.data["code"] == "forbidden"
    assert [(r["kind"], r["name"]) for r in response.data["reasons"]] == [
        ("condition", "has_items"),
        ("condition", "has_customer"),
    ]
    assert Ticket.objects.get(pk=ticket.pk).state == "draft"


def test_listing_says_which_transitions_the_user_may_run_and_why_not() -> None:
    """GET transitions/ lists pay (refused: permission) and cancel (available) from placed."""
    ticket = Ticket.objects.create(state="placed")
    response = client_for(make_user("clerk")).get(f"/api/tickets/{ticket.pk}/transitions/")
    assert response.status_code == 200
    listed = {entry["name"]: entry for entry in response.data}
    assert set(listed) == {"pay", "cancel"}
    assert listed["cancel"]["available"] is True
    assert listed["cancel"]["reasons"] == []
    assert listed["pay"]["available"] is False
    assert listed["pay"]["label"] == "Take payment"
    assert [r["kind"] for r in listed["pay"]["reasons"]] == ["permission"]
    cashier = client_for(make_user("cashier", "take_payment"))
    listed = {e["name"]: e for e in cashier.get(f"/api/tickets/{ticket.pk}/transitions/").data}
    assert listed["pay"]["available"] is True


def test_transition_target_hook_runs_the_transitions_of_a_wrapper() -> None:
    """get_transition_target: the wrapper's transition runs; the response is the model's."""
    ticket = Ticket.objects.create()
    client = client_for(make_user("clerk"))
    listed = client.get(f"/api/reviews/{ticket.pk}/transitions/").data
    assert [(entry["name"], entry["available"]) for entry in listed] == [("approve", True)]
    response = client.post(f"/api/reviews/{ticket.pk}/transitions/approve/")
    assert response.status_code == 200, response.data
    assert response.data["note"] == "approved"
    assert Ticket.objects.get(pk=ticket.pk).note == "approved"
    again = client.post(f"/api/reviews/{ticket.pk}/transitions/approve/")
    assert again.status_code == 409
    assert again.data["state"] == "approved"
    # The model's own transitions are not the wrapper's.
    assert client.post(f"/api/reviews/{ticket.pk}/transitions/place/").status_code == 404


def test_named_route_of_each_transition_reverses() -> None:
    """Each known transition has its own URL name, <basename>-transition-<name>."""
    from django.urls import reverse

    assert reverse("ticket-transition-pay", args=[3]) == "/api/tickets/3/transitions/pay/"
    assert reverse("ticket-transitions", args=[3]) == "/api/tickets/3/transitions/"


def test_transition_with_an_async_guard_runs_from_the_sync_view() -> None:
    """reopen's async guard is awaited from DRF's sync view: 200 when it holds, else 422."""
    client = client_for(make_user("clerk"))
    stocked = Ticket.objects.create(state="cancelled", items=1)
    empty = Ticket.objects.create(state="cancelled")
    listed = client.get(f"/api/tickets/{empty.pk}/transitions/").data
    assert [(entry["name"], entry["available"]) for entry in listed] == [("reopen", False)]
    assert listed[0]["reasons"][0]["name"] == "in_stock"
    response = client.post(f"/api/tickets/{stocked.pk}/transitions/reopen/")
    assert response.status_code == 200, response.data
    assert Ticket.objects.get(pk=stocked.pk).state == "draft"
    refused = client.post(f"/api/tickets/{empty.pk}/transitions/reopen/")
    assert refused.status_code == 422
    assert [reason["name"] for reason in refused.data["reasons"]] == ["in_stock"]
    assert Ticket.objects.get(pk=empty.pk).state == "cancelled"
