"""A client never moves a state by PUT, PATCH or POST unless the field and the view allow it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework import serializers
from rest_framework.test import APIClient
from tests.django.restapp.api import TicketSerializer
from tests.django.restapp.models import LockedTicket, Ticket

from statecore_django.log.models import TransitionLog
from statecore_django.rest import StateSerializerField, WorkflowModelSerializer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.django.restapp.api")]


@pytest.fixture
def client() -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create(username="clerk"))
    return client


def payload(ticket: Any, **changes: Any) -> dict[str, Any]:
    fields = ("state", "items", "customer", "amount", "note")
    return {**{name: getattr(ticket, name) for name in fields}, **changes}


@pytest.mark.parametrize(("prefix", "model"), [("tickets", Ticket), ("locked", LockedTicket)])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_writing_another_state_is_refused_with_the_transitions_to_use(
    client: APIClient, prefix: str, model: Any, method: str
) -> None:
    """PUT/PATCH state=paid from draft is a 400 naming the transitions; nothing is saved."""
    ticket = model.objects.create(items=1)
    data = payload(ticket, state="paid", note="changed")
    if method == "patch":
        data = {"state": "paid", "note": "changed"}
    response = getattr(client, method)(f"/api/{prefix}/{ticket.pk}/", data, format="json")
    assert response.status_code == 400
    (message,) = response.data["state"]
    assert "changes only through its transitions" in message
    assert "place, cancel" in message
    stored = model.objects.get(pk=ticket.pk)
    assert (stored.state, stored.note) == ("draft", "")


@pytest.mark.parametrize(("prefix", "model"), [("tickets", Ticket), ("locked", LockedTicket)])
def test_sending_back_the_current_state_updates_the_other_fields(
    client: APIClient, prefix: str, model: Any
) -> None:
    """A PUT of what the client read (same state) saves the other fields, state untouched."""
    ticket = model.objects.create(state="placed")
    response = client.put(
        f"/api/{prefix}/{ticket.pk}/", payload(ticket, note="gift wrap"), format="json"
    )
    assert response.status_code == 200, response.data
    stored = model.objects.get(pk=ticket.pk)
    assert (stored.state, stored.note) == ("placed", "gift wrap")


def test_creating_in_another_state_than_the_initial_one_is_refused(client: APIClient) -> None:
    """POST /tickets/ with state=shipped is a 400; with the initial state it is created."""
    response = client.post("/api/tickets/", {"state": "shipped", "items": 1}, format="json")
    assert response.status_code == 400
    assert "a new object" in response.data["state"][0]
    assert not Ticket.objects.exists()
    created = client.post("/api/tickets/", {"state": "draft", "items": 1}, format="json")
    assert created.status_code == 201
    assert Ticket.objects.get().state == "draft"


def test_view_opting_in_may_assign_an_unprotected_state(client: APIClient) -> None:
    """allow_state_assignment on an unprotected field: PATCH state=paid is saved (no log)."""
    ticket = Ticket.objects.create()
    response = client.patch(f"/api/assigning/{ticket.pk}/", {"state": "paid"}, format="json")
    assert response.status_code == 200, response.data
    assert Ticket.objects.get(pk=ticket.pk).state == "paid"
    assert not TransitionLog.for_object(ticket).exists()


def test_view_opting_in_still_refuses_an_unknown_state(client: APIClient) -> None:
    """Assignment allowed, a name the workflow lacks is a 400 listing the states."""
    ticket = Ticket.objects.create()
    response = client.patch(f"/api/assigning/{ticket.pk}/", {"state": "lost"}, format="json")
    assert response.status_code == 400
    assert "'lost' is not a state of TicketFlow" in response.data["state"][0]
    assert Ticket.objects.get(pk=ticket.pk).state == "draft"


def test_protected_field_is_refused_even_when_the_view_opts_in(client: APIClient) -> None:
    """A protected state field is never assigned through the API (400, not a 500)."""
    ticket = LockedTicket.objects.create()
    response = client.patch(f"/api/locked/{ticket.pk}/", {"state": "paid"}, format="json")
    assert response.status_code == 400
    assert LockedTicket.objects.get(pk=ticket.pk).state == "draft"


def test_a_state_is_given_by_its_name(client: APIClient) -> None:
    """A number or a list for the state is a 400 saying a name is expected."""
    ticket = Ticket.objects.create()
    response = client.patch(f"/api/assigning/{ticket.pk}/", {"state": 3}, format="json")
    assert response.status_code == 400
    assert "by its name" in response.data["state"][0]


def test_state_reads_as_its_name_or_on_request_with_title_and_transitions(
    client: APIClient,
) -> None:
    """GET gives the name; ?state_detail=1 adds the title and the transitions for the user."""
    ticket = Ticket.objects.create(state="placed")
    assert client.get(f"/api/tickets/{ticket.pk}/").data["state"] == "placed"
    detailed = client.get(f"/api/tickets/{ticket.pk}/?state_detail=1").data["state"]
    assert detailed["name"] == "placed"
    assert detailed["title"] == "Placed"
    listed = {entry["name"]: entry for entry in detailed["transitions"]}
    assert listed["cancel"]["available"] is True
    assert listed["pay"]["available"] is False
    assert listed["pay"]["reasons"][0]["kind"] == "permission"


def test_model_serializer_builds_the_state_field_for_every_state_field() -> None:
    """WorkflowModelSerializer maps StateField to StateSerializerField (not a ChoiceField)."""
    field = TicketSerializer().fields["state"]
    assert isinstance(field, StateSerializerField)
    assert field.required is False
    assert field.label == "State"


def test_declared_field_finds_its_workflow_on_the_model() -> None:
    """A StateSerializerField declared by hand takes the workflow of Meta.model's field."""

    class Declared(WorkflowModelSerializer):
        state = StateSerializerField(detail=True)

        class Meta:
            model = Ticket
            fields = ("id", "state")

    ticket = Ticket.objects.create()
    assert Declared(ticket).data["state"]["name"] == "draft"


def test_field_on_a_non_state_attribute_is_refused_with_what_to_do() -> None:
    """A StateSerializerField on a field that is not a state field raises naming the fix."""

    class Wrong(serializers.ModelSerializer[Ticket]):
        note = StateSerializerField()

        class Meta:
            model = Ticket
            fields = ("id", "note")

    with pytest.raises(TypeError, match="give workflow="):
        Wrong().fields  # noqa: B018


@pytest.mark.parametrize("method", ["put", "patch"])
def test_mixin_refuses_state_writes_through_a_plain_model_serializer(
    client: APIClient, method: str
) -> None:
    """With DRF's own ModelSerializer (a ChoiceField), the ViewSet mixin still refuses (400)."""
    ticket = Ticket.objects.create()
    data = {"state": "paid", "note": "changed"}
    response = getattr(client, method)(f"/api/plain/{ticket.pk}/", data, format="json")
    assert response.status_code == 400
    assert "changes only through its transitions" in response.data["state"][0]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.state, stored.note) == ("draft", "")
    same = client.patch(f"/api/plain/{ticket.pk}/", {"state": "draft", "note": "ok"}, format="json")
    assert same.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).note == "ok"


def test_mixin_refuses_creation_in_another_state_through_a_plain_serializer(
    client: APIClient,
) -> None:
    """POST /plain/ with state=shipped is a 400 and creates nothing."""
    response = client.post("/api/plain/", {"state": "shipped"}, format="json")
    assert response.status_code == 400
    assert not Ticket.objects.exists()
