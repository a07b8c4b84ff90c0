"""Admin of database-defined workflows: checked, published edits; operating instances."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from tests.django.definitions_data import claim_processing
from tests.django.flowapp.models import Claim

from statecore_django.definitions import services
from statecore_django.definitions.exchange import import_definition
from statecore_django.definitions.models import (
    Status,
    Step,
    Transition,
    WorkflowDefinition,
    WorkflowInstance,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss() -> Client:
    user = User.objects.create_user("boss", password="pw", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def definition() -> WorkflowDefinition:
    return import_definition(claim_processing()).definition


def texts(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def definition_post(definition: WorkflowDefinition, **changes: Any) -> dict[str, Any]:
    """The change form's POST data for the definition as stored, with ``changes`` applied.

    ``changes`` maps ``"<prefix>-<index>-<field>"`` to a new value.
    """
    data: dict[str, Any] = {
        "name": definition.name,
        "title": definition.title,
        "description": definition.description,
    }
    inlines = {
        "steps": (Step, ("name", "title", "kind", "position")),
        "statuses": (Status, ("step", "name", "title", "kind", "position")),
        "transitions": (
            Transition,
            ("name", "source", "target", "condition", "priority", "label", "position"),
        ),
    }
    for prefix, (model, fields) in inlines.items():
        rows = list(model.objects.filter(definition=definition).order_by("position", "id"))
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-definition"] = definition.pk
            for field in fields:
                value = (
                    getattr(row, f"{field}_id", None)
                    if field in ("step", "source", "target")
                    else getattr(row, field)
                )
                data[f"{prefix}-{index}-{field}"] = value
    data.update(changes)
    return data


def change_url(definition: WorkflowDefinition) -> str:
    return reverse("admin:statecore_definitions_workflowdefinition_change", args=(definition.pk,))


def test_saving_a_broken_definition_shows_every_problem_and_saves_nothing(
    boss: Client, definition: WorkflowDefinition
) -> None:
    """A bad condition and two default statuses: both listed on the form; rows unchanged."""
    review = Step.objects.get(definition=definition, name="review")
    waiting = list(Status.objects.filter(definition=definition).order_by("position", "id")).index(
        Status.objects.get(step=review, name="waiting")
    )
    post = definition_post(
        definition,
        **{"transitions-1-condition": "claim.amount >", f"statuses-{waiting}-kind": "default"},
    )
    response = boss.post(change_url(definition), post)
    assert response.status_code == 200
    errors = [
        str(e) for e in response.context["inline_admin_formsets"][2].formset.non_form_errors()
    ]
    assert any(e.startswith("transitions[1]") for e in errors), errors
    assert any("2 default statuses (under_review, waiting)" in e for e in errors), errors
    assert Transition.objects.get(definition=definition, name="to_senior_review").condition == (
        "claim.amount > 10000"
    )
    assert definition.versions.count() == 1


def test_saving_a_valid_change_publishes_a_new_version(
    boss: Client, definition: WorkflowDefinition
) -> None:
    """A new priority is saved and published as version 2; the page draws the workflow."""
    post = definition_post(definition, **{"transitions-2-priority": 5})
    response = boss.post(change_url(definition), post, follow=True)
    assert "Published version 2 of workflow claim_processing." in texts(response)
    assert definition.versions.count() == 2
    page = boss.get(change_url(definition)).content.decode()
    assert "statecore-svg" in page or "statecore-mermaid" in page
    assert "fraud_check" in page


def operate(client: Client, instance: WorkflowInstance, **data: Any) -> Any:
    url = reverse("admin:statecore_definitions_workflowinstance_operate", args=(instance.pk,))
    return client.post(url, data, follow=True)


def test_instance_page_operates_the_instance_and_shows_its_history(
    boss: Client, definition: WorkflowDefinition
) -> None:
    """Update with context JSON, hold, resume, cancel from the admin; history inline lists them."""
    instance = services.start(definition, Claim.objects.create(amount=20000))
    context = json.dumps({"claim": {"amount": 20000, "is_high_risk": False}})
    response = operate(
        boss, instance, operation="update_status", status="submitted", context=context
    )
    assert texts(response)[-1].startswith("Update status: workflow instance")
    for operation in ("hold", "resume", "cancel"):
        operate(boss, instance, operation=operation)
    instance.refresh_from_db()
    assert (instance.step, instance.status) == ("cancelled", "cancelled")
    page = boss.get(
        reverse("admin:statecore_definitions_workflowinstance_change", args=(instance.pk,))
    ).content.decode()
    shown = re.findall(r'class="field-transition">\s*<p>(\w+)</p>', page)
    assert sorted(shown) == sorted(["to_senior_review", "hold", "resume", "cancel"])
    assert 'id="statecore-operate"' in page and "csrfmiddlewaretoken" in page


def test_context_data_nested_too_deeply_is_a_message_not_a_server_error(
    boss: Client, definition: WorkflowDefinition
) -> None:
    """A context JSON nested past the parser's stack is refused with a message; no step moves."""
    instance = services.start(definition, Claim.objects.create())
    deep = "[" * 100_000 + "]" * 100_000
    response = operate(boss, instance, operation="advance", context=deep)
    assert response.status_code == 200
    assert "nested too deeply" in texts(response)[-1]
    assert WorkflowInstance.objects.get(pk=instance.pk).step == "submission"


def test_refused_operations_are_messages_not_errors(
    boss: Client, definition: WorkflowDefinition
) -> None:
    """Bad JSON, an unknown status and a resume that is not held come back as messages."""
    instance = services.start(definition, Claim.objects.create())
    bad = operate(boss, instance, operation="advance", context="{oops")
    assert "Context data is not JSON" in texts(bad)[-1]
    unknown = operate(boss, instance, operation="update_status", status="paid")
    assert "has no status 'paid'" in texts(unknown)[-1]
    not_held = operate(boss, instance, operation="resume")
    assert texts(not_held)[-1].startswith("Resume refused")
    assert WorkflowInstance.objects.get(pk=instance.pk).step == "submission"


def test_operating_needs_post_and_the_change_permission(definition: WorkflowDefinition) -> None:
    """GET is refused; a staff user who may only view instances gets 403."""
    instance = services.start(definition, Claim.objects.create())
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_workflowinstance"))
    client = Client()
    client.force_login(viewer)
    url = reverse("admin:statecore_definitions_workflowinstance_operate", args=(instance.pk,))
    assert client.get(url).status_code == 405
    assert client.post(url, {"operation": "cancel"}).status_code == 403
    assert WorkflowInstance.objects.get(pk=instance.pk).step == "submission"
