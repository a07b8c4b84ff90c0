"""What a REST client must never do: choose where resume goes, or skip the log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient
from tests.django.restapp.models import Claim, Ticket

from statecore_django.log.models import TransitionLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.django.restapp.security_api")]


def client_for(*perms: str) -> APIClient:
    user = User.objects.create(username="clerk")
    for perm in perms:
        user.user_permissions.add(
            Permission.objects.get(codename=perm, content_type__app_label="restapp")
        )
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


@pytest.mark.parametrize("prefix", ["claims", "plain-claims"])
def test_client_cannot_choose_the_state_resume_returns_to(prefix: str) -> None:
    """A PATCH of state_held_from is refused (or ignored), so resume cannot skip approve."""
    claim = Claim.objects.create(state="review")
    client = client_for()
    assert client.post(f"/api/{prefix}/{claim.pk}/transitions/hold/").status_code == 200
    assert Claim.objects.get(pk=claim.pk).state_held_from == "review"
    patched = client.patch(
        f"/api/{prefix}/{claim.pk}/", {"state_held_from": "approved"}, format="json"
    )
    assert patched.status_code in (200, 400), patched.data
    assert Claim.objects.get(pk=claim.pk).state_held_from == "review"
    resumed = client.post(f"/api/{prefix}/{claim.pk}/transitions/resume/")
    assert resumed.status_code == 200, resumed.data
    assert Claim.objects.get(pk=claim.pk).state == "review"


def test_plain_serializer_write_of_held_from_is_a_400_saying_what_to_use() -> None:
    """The mixin's safety net names the column and the transitions that write it."""
    claim = Claim.objects.create(state="paused", state_held_from="review")
    client = client_for()
    response = client.patch(
        f"/api/plain-claims/{claim.pk}/", {"state_held_from": "approved"}, format="json"
    )
    assert response.status_code == 400
    assert "transitions/resume/" in str(response.data["state_held_from"][0])
    unchanged = client.patch(
        f"/api/plain-claims/{claim.pk}/",
        {"state_held_from": "review", "note": "n"},
        format="json",
    )
    assert unchanged.status_code == 200, unchanged.data


def test_workflow_serializer_shows_held_from_read_only() -> None:
    """WorkflowModelSerializer builds the memory column read-only, like the state."""
    from tests.django.restapp.security_api import ClaimSerializer

    field = ClaimSerializer().fields["state_held_from"]
    assert field.read_only


def test_input_field_named_log_cannot_skip_the_transition_log() -> None:
    """An input serializer field named 'log' is a configuration error; nothing is written."""
    ticket = Ticket.objects.create(state="placed")
    client = client_for("take_payment")
    with pytest.raises(ImproperlyConfigured, match="rename the field"):
        client.post(
            f"/api/quiet/{ticket.pk}/transitions/pay/",
            {"amount": 5, "log": False},
            format="json",
        )
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"
    assert not TransitionLog.for_object(ticket).exists()


@pytest.mark.parametrize(
    ("perms", "expected", "state"),
    [
        (("view_ticket", "add_ticket"), 403, "draft"),
        (("view_ticket", "change_ticket"), 200, "placed"),
    ],
)
def test_model_permissions_judge_a_transition_as_a_change_not_an_add(
    perms: tuple[str, ...], expected: int, state: str
) -> None:
    """Under DjangoModelPermissions a transition needs change_ticket; add_ticket is not enough."""
    ticket = Ticket.objects.create(items=1, customer="ann")
    response = client_for(*perms).post(f"/api/guarded/{ticket.pk}/transitions/place/")
    assert response.status_code == expected, response.data
    assert Ticket.objects.get(pk=ticket.pk).state == state
