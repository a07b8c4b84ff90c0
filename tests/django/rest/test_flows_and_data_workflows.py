"""Transition actions on a flow class, a data-defined workflow and database-defined ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient
from tests.django.definitions_data import claim_processing
from tests.django.flowapp.models import Claim, Report, ReportChangeLog
from tests.django.restapp.models import Expense

from statecore_django.definitions import services
from statecore_django.definitions.compiler import forget
from statecore_django.definitions.exchange import import_definition
from statecore_django.log.models import TransitionLog

URLCONF = "tests.django.restapp.workflows_api"
pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user: User, prefix: str, pk: Any, name: str, data: Any = None) -> Any:
    url = f"/api/{prefix}/{pk}/transitions/{name}/"
    return client_for(user).post(url, data or {}, format="json")


# -- a flow class ------------------------------------------------------------------------


def test_flow_transition_stores_the_state_in_the_model_row_and_logs_the_user() -> None:
    """POST approve runs ReviewFlow on the report: row moved, hook ran, log row for the report."""
    report = Report.objects.create(title="Q3")
    editor = User.objects.create(username="editor")
    response = post(editor, "reports", report.pk, "approve", {"note": "fine"})
    assert response.status_code == 200, response.data
    assert (response.data["stage"], response.data["notes"]) == ("approved", "fine")
    stored = Report.objects.get(pk=report.pk)
    assert (stored.stage, stored.notes) == ("approved", "fine")
    change = ReportChangeLog.objects.get(report=report)
    assert (change.source, change.target) == ("new", "approved")
    (row,) = TransitionLog.for_object(report)
    assert (row.transition, row.from_state, row.to_state, row.user) == (
        "approve",
        "new",
        "approved",
        editor,
    )


def test_flow_transition_from_a_wrong_state_answers_409_and_writes_nothing() -> None:
    """publish from 'new' is a 409 naming the current state and what is available."""
    report = Report.objects.create(title="Q3")
    response = post(User.objects.create(username="editor"), "reports", report.pk, "publish")
    assert response.status_code == 409
    assert response.data["state"] == "new"
    assert response.data["available"] == ["approve", "reject"]
    assert Report.objects.get(pk=report.pk).stage == "new"
    assert not TransitionLog.for_object(report).exists()
    assert not ReportChangeLog.objects.exists()


def test_flow_unknown_transition_answers_404() -> None:
    """A name the flow does not have is a 404 with code unknown_transition."""
    report = Report.objects.create()
    response = post(User.objects.create(username="editor"), "reports", report.pk, "archive")
    assert response.status_code == 404
    assert response.data["code"] == "unknown_transition"


def test_flow_failing_implementation_rolls_back_and_propagates() -> None:
    """publish without a title raises in the flow: nothing stored, no log row."""
    report = Report.objects.create(stage="approved")
    client = client_for(User.objects.create(username="editor"))
    client.raise_request_exception = True
    with pytest.raises(ValueError, match="needs a title"):
        client.post(f"/api/reports/{report.pk}/transitions/publish/")
    assert Report.objects.get(pk=report.pk).stage == "approved"
    assert not TransitionLog.for_object(report).exists()


def test_flow_listing_gives_the_flow_transitions_from_the_stored_stage() -> None:
    """GET transitions/ lists the flow's transitions leaving the report's stage."""
    report = Report.objects.create(stage="approved")
    response = client_for(User.objects.create(username="editor")).get(
        f"/api/reports/{report.pk}/transitions/"
    )
    assert response.status_code == 200
    assert [(t["name"], t["field"], t["available"]) for t in response.data] == [
        ("reject", "stage", True),
        ("publish", "stage", True),
    ]


def test_flow_stage_cannot_be_written_through_the_object_endpoint() -> None:
    """The flow's field is read-only in the serializer: a PATCH of it changes nothing."""
    report = Report.objects.create()
    response = client_for(User.objects.create(username="editor")).patch(
        f"/api/reports/{report.pk}/", {"stage": "published", "title": "T"}, format="json"
    )
    assert response.status_code == 200
    stored = Report.objects.get(pk=report.pk)
    assert (stored.stage, stored.title) == ("new", "T")


def test_flow_transitions_appear_in_the_openapi_schema() -> None:
    """schema_transitions() overridden: one operation per flow transition, approve's input."""
    pytest.importorskip("drf_spectacular")
    from drf_spectacular.generators import SchemaGenerator

    with override_settings(
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    ):
        schema = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    paths = schema["paths"]
    flow_paths = sorted(p for p in paths if p.startswith("/api/reports/{id}/transitions/"))
    assert flow_paths == [
        "/api/reports/{id}/transitions/",
        "/api/reports/{id}/transitions/approve/",
        "/api/reports/{id}/transitions/publish/",
        "/api/reports/{id}/transitions/reject/",
    ]
    approve = paths["/api/reports/{id}/transitions/approve/"]["post"]
    body = approve["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Approve"}
    assert approve["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Report"
    }


def test_run_time_transitions_have_a_generic_operation_in_the_openapi_schema() -> None:
    """Definitions' transitions are unknown to the class: transitions/{transition_name}/."""
    pytest.importorskip("drf_spectacular")
    from drf_spectacular.generators import SchemaGenerator

    with override_settings(
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    ):
        schema = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    operation = schema["paths"]["/api/instances/{id}/transitions/{transition_name}/"]["post"]
    (name,) = [p for p in operation["parameters"] if p["name"] == "transition_name"]
    assert (name["in"], name["schema"]) == ("path", {"type": "string"})
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object"
    assert operation["requestBody"].get("required") is not True
    responses = operation["responses"]
    assert sorted(responses) == ["200", "400", "403", "404", "409", "422"]
    assert responses["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Instance"
    }
    assert responses["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TransitionError"
    }


# -- a workflow built with Workflow.from_dict, with CEL conditions ------------------------


def test_data_workflow_expression_refusal_answers_422_with_the_expression() -> None:
    """approve over the approver's limit (context data) is a 422 naming the expression."""
    expense = Expense.objects.create(amount=300, state="submitted")
    response = post(User.objects.create(username="clerk"), "expenses", expense.pk, "approve")
    assert response.status_code == 422, response.data
    assert response.data["reasons"] == [
        {
            "kind": "condition",
            "name": "obj.amount <= approver.limit",
            "message": "condition 'obj.amount <= approver.limit' is not met",
        }
    ]
    assert Expense.objects.get(pk=expense.pk).state == "submitted"
    assert not TransitionLog.for_object(expense).exists()


def test_data_workflow_expression_that_holds_answers_200() -> None:
    """The same approval by a staff user (limit 5000, from the view's context) runs."""
    expense = Expense.objects.create(amount=300, state="submitted")
    manager = User.objects.create(username="manager", is_staff=True)
    response = post(manager, "expenses", expense.pk, "approve")
    assert response.status_code == 200, response.data
    assert response.data["state"] == "approved"
    assert Expense.objects.get(pk=expense.pk).state == "approved"
    (row,) = TransitionLog.for_object(expense)
    assert (row.transition, row.user) == ("approve", manager)


def test_data_workflow_condition_on_the_object_alone_needs_no_context() -> None:
    """submit's 'obj.amount > 0' reads the object: 422 for 0, then 200 once it has an amount."""
    expense = Expense.objects.create()
    clerk = User.objects.create(username="clerk")
    refused = post(clerk, "expenses", expense.pk, "submit")
    assert refused.status_code == 422
    assert refused.data["reasons"][0]["name"] == "obj.amount > 0"
    Expense.objects.filter(pk=expense.pk).update(amount=12)
    assert post(clerk, "expenses", expense.pk, "submit").status_code == 200


def test_data_workflow_listing_and_state_detail_evaluate_with_the_view_context() -> None:
    """The listing and ?state_detail=1 see the same context data as the transition."""
    expense = Expense.objects.create(amount=300, state="submitted")
    clerk = client_for(User.objects.create(username="clerk"))
    manager = client_for(User.objects.create(username="manager", is_staff=True))
    url = f"/api/expenses/{expense.pk}/"
    listed = {t["name"]: t["available"] for t in clerk.get(f"{url}transitions/").data}
    assert listed == {"approve": False, "reject": True}
    listed = {t["name"]: t["available"] for t in manager.get(f"{url}transitions/").data}
    assert listed == {"approve": True, "reject": True}
    state = clerk.get(f"{url}?state_detail=1").data["state"]
    assert [(t["name"], t["available"]) for t in state["transitions"]] == [
        ("approve", False),
        ("reject", True),
    ]


def test_data_workflow_state_cannot_be_assigned_by_patch() -> None:
    """PATCH {"state": "approved"} is a 400 naming the transitions; nothing is saved."""
    expense = Expense.objects.create(amount=300, state="submitted")
    response = client_for(User.objects.create(username="clerk")).patch(
        f"/api/expenses/{expense.pk}/", {"state": "approved"}, format="json"
    )
    assert response.status_code == 400
    assert "approve, reject" in str(response.data["state"][0])
    assert Expense.objects.get(pk=expense.pk).state == "submitted"


# -- instances of statecore_django.definitions ------------------------------------------


@pytest.fixture
def published() -> None:
    forget()
    import_definition(claim_processing())


@pytest.mark.usefixtures("published")
def test_definition_instance_runs_a_transition_with_context_from_its_object() -> None:
    """to_senior_review's CEL condition reads the claim through the view's context."""
    big = services.start("claim_processing", Claim.objects.create(amount=25000))
    small = services.start("claim_processing", Claim.objects.create(amount=50))
    agent = User.objects.create(username="agent")
    refused = post(agent, "instances", small.pk, "to_senior_review")
    assert refused.status_code == 422
    assert refused.data["reasons"][0]["name"] == "claim.amount > 10000"
    response = post(agent, "instances", big.pk, "to_senior_review")
    assert response.status_code == 200, response.data
    assert (response.data["step"], response.data["status"]) == ("senior_review", "under_review")
    (row,) = big.history()
    assert (row.transition, row.to_state, row.user) == ("to_senior_review", "senior_review", agent)


@pytest.mark.usefixtures("published")
def test_definition_instance_hold_and_resume_are_actions_and_listed() -> None:
    """The generated hold/resume run through the API; a wrong one is a 409."""
    instance = services.start("claim_processing", Claim.objects.create(amount=50))
    agent = User.objects.create(username="agent")
    listed = client_for(agent).get(f"/api/instances/{instance.pk}/transitions/").data
    assert {"to_review", "hold", "cancel"} <= {t["name"] for t in listed}
    assert post(agent, "instances", instance.pk, "resume").status_code == 409
    response = post(agent, "instances", instance.pk, "hold")
    assert (response.status_code, response.data["step"]) == (200, "paused")
    response = post(agent, "instances", instance.pk, "resume")
    assert (response.status_code, response.data["step"]) == (200, "submission")


# -- flow_class: the same flow, declared instead of overriding the hooks -------------------


def test_flow_class_attribute_runs_the_transitions_on_the_flow() -> None:
    """With flow_class set, transitions/approve/ runs ReviewFlow(report) by default."""
    report = Report.objects.create(title="Q4")
    editor = User.objects.create(username="editor")
    response = post(editor, "flow-reports", report.pk, "approve")
    assert response.status_code == 200, response.data
    assert Report.objects.get(pk=report.pk).stage == "approved"
    assert ReportChangeLog.objects.filter(report=report, target="approved").exists()
    (row,) = TransitionLog.for_object(report)
    assert row.user == editor


def test_flow_class_field_cannot_be_moved_by_patch_or_put() -> None:
    """A writable 'stage' in a plain ModelSerializer is refused with 400 by the mixin."""
    report = Report.objects.create(title="Q4")
    client = client_for(User.objects.create(username="editor"))
    url = f"/api/flow-reports/{report.pk}/"
    response = client.patch(url, {"stage": "published"}, format="json")
    assert response.status_code == 400
    assert "approve, reject" in str(response.data["stage"][0])
    response = client.put(url, {"title": "Q4", "stage": "approved"}, format="json")
    assert response.status_code == 400
    assert Report.objects.get(pk=report.pk).stage == "new"
    response = client.put(url, {"title": "Q4 final", "stage": "new"}, format="json")
    assert response.status_code == 200
    stored = Report.objects.get(pk=report.pk)
    assert (stored.title, stored.stage) == ("Q4 final", "new")


def test_flow_class_field_cannot_be_set_on_create() -> None:
    """POST a new report in another stage than the flow's initial one: 400, no row."""
    client = client_for(User.objects.create(username="editor"))
    response = client.post("/api/flow-reports/", {"title": "X", "stage": "published"})
    assert response.status_code == 400
    assert not Report.objects.exists()
    response = client.post("/api/flow-reports/", {"title": "X", "stage": "new"})
    assert response.status_code == 201
    assert Report.objects.get().stage == "new"


def test_flow_class_transitions_appear_in_the_openapi_schema() -> None:
    """Without overriding schema_transitions(), flow_class gives one operation each."""
    pytest.importorskip("drf_spectacular")
    from drf_spectacular.generators import SchemaGenerator

    with override_settings(
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    ):
        schema = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    prefix = "/api/flow-reports/{id}/transitions/"
    assert sorted(p for p in schema["paths"] if p.startswith(prefix)) == [
        prefix,
        f"{prefix}approve/",
        f"{prefix}publish/",
        f"{prefix}reject/",
    ]
