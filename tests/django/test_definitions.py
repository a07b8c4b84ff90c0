"""Database-defined workflows: the django-steps scenario, versions, locking, errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.django.definitions_data import claim_processing
from tests.django.flowapp.models import Claim, CodeClaim, UUIDClaim
from tests.django.test_transitions import statements, warm_content_types

import statecore
from statecore_django.definitions import services
from statecore_django.definitions.compiler import forget
from statecore_django.definitions.errors import (
    AlreadyStarted,
    InstanceEnded,
    NotPublished,
    UnknownStatus,
)
from statecore_django.definitions.exchange import import_definition
from statecore_django.definitions.models import WorkflowInstance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    forget()


@pytest.fixture
def published() -> None:
    import_definition(claim_processing())


def claim_context(claim: Claim) -> dict[str, object]:
    return {"claim": {"amount": claim.amount, "is_high_risk": claim.is_high_risk}}


@pytest.mark.usefixtures("published")
def test_django_steps_scenario_start_update_hold_resume_cancel() -> None:
    """Start, a completion status with context data, hold, resume, cancel, with history."""
    claim = Claim.objects.create(amount=25000, is_high_risk=False)
    instance = services.start("claim_processing", claim)
    assert (instance.step, instance.status) == ("submission", "draft")

    services.update_status(instance, "submitted", claim_context(claim))
    assert (instance.step, instance.status) == ("senior_review", "under_review")

    services.hold(instance)
    assert (instance.step, instance.status, instance.step_held_from) == (
        "paused",
        "on_hold",
        "senior_review",
    )
    services.resume(instance)
    assert (instance.step, instance.status, instance.step_held_from) == (
        "senior_review",
        "under_review",
        "",
    )
    services.cancel(instance)
    assert (instance.step, instance.status) == ("cancelled", "cancelled")
    assert instance.completed_at is not None

    stored = WorkflowInstance.objects.get(pk=instance.pk)
    assert (stored.step, stored.status, stored.completed_at) == (
        "cancelled",
        "cancelled",
        instance.completed_at,
    )
    history = [(row.transition, row.from_state, row.to_state) for row in stored.history()]
    assert history == [
        ("to_senior_review", "submission", "senior_review"),
        ("hold", "senior_review", "paused"),
        ("resume", "paused", "senior_review"),
        ("cancel", "senior_review", "cancelled"),
    ]


@pytest.mark.usefixtures("published")
def test_highest_priority_condition_that_holds_chooses_the_step() -> None:
    """High risk goes to the fraud check before the amount is looked at; small claims to review."""
    risky = services.start(
        "claim_processing", Claim.objects.create(amount=50000, is_high_risk=True)
    )
    small = services.start("claim_processing", Claim.objects.create(amount=100))
    services.update_status(risky, "submitted", {"claim": {"amount": 50000, "is_high_risk": True}})
    services.update_status(small, "submitted", {"claim": {"amount": 100, "is_high_risk": False}})
    assert (risky.step, small.step) == ("fraud_check", "review")


@pytest.mark.usefixtures("published")
def test_a_status_that_is_not_completion_only_changes_the_status() -> None:
    """'waiting' at review is stored; the step stays."""
    instance = services.start("claim_processing", Claim.objects.create(amount=5))
    services.update_status(instance, "submitted", {"claim": {"amount": 5, "is_high_risk": False}})
    services.update_status(instance, "waiting")
    stored = WorkflowInstance.objects.get(pk=instance.pk)
    assert (stored.step, stored.status) == ("review", "waiting")


@pytest.mark.usefixtures("published")
def test_reaching_the_final_step_completes_the_instance() -> None:
    """Settled stamps completed_at; its statuses still record payment; advancing is refused."""
    instance = services.start("claim_processing", Claim.objects.create(amount=5))
    services.update_status(instance, "submitted", {"claim": {"amount": 5, "is_high_risk": False}})
    assert instance.completed_at is None
    services.update_status(instance, "reviewed")
    assert (instance.step, instance.status) == ("settled", "awaiting_payment")
    assert WorkflowInstance.objects.get(pk=instance.pk).completed_at is not None
    services.update_status(instance, "paid")
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "paid"
    with pytest.raises(InstanceEnded, match="start a new one"):
        services.advance(instance, {})


@pytest.mark.usefixtures("published")
def test_unknown_status_names_the_statuses_of_the_step() -> None:
    """A status of another step is refused with the step's own statuses."""
    instance = services.start("claim_processing", Claim.objects.create())
    with pytest.raises(UnknownStatus, match="its statuses: draft, submitted"):
        services.update_status(instance, "paid")


@pytest.mark.usefixtures("published")
def test_missing_context_data_is_an_error_not_a_yes() -> None:
    """A condition that cannot be evaluated never takes its transition; nothing is written."""
    instance = services.start("claim_processing", Claim.objects.create())
    with pytest.raises(statecore.WorkflowError):
        services.update_status(instance, "submitted", {})
    assert WorkflowInstance.objects.get(pk=instance.pk).step == "submission"


@pytest.mark.usefixtures("published")
def test_stale_copy_is_refused_with_concurrent_transition() -> None:
    """Two copies of one instance: the second one's change is refused, nothing written."""
    instance = services.start("claim_processing", Claim.objects.create())
    stale = WorkflowInstance.objects.get(pk=instance.pk)
    services.cancel(instance)
    with pytest.raises(statecore.ConcurrentTransition):
        services.update_status(stale, "submitted", {"claim": {"amount": 1, "is_high_risk": False}})
    with pytest.raises(statecore.ConcurrentTransition):
        services.hold(stale)
    assert WorkflowInstance.objects.get(pk=instance.pk).step == "cancelled"


@pytest.mark.usefixtures("published")
def test_stale_status_update_is_refused_too() -> None:
    """A status-only update is conditional on the step and status it was read with."""
    instance = services.start("claim_processing", Claim.objects.create(amount=1))
    services.update_status(instance, "submitted", {"claim": {"amount": 1, "is_high_risk": False}})
    stale = WorkflowInstance.objects.get(pk=instance.pk)
    services.update_status(instance, "waiting")
    with pytest.raises(statecore.ConcurrentTransition, match="status 'waiting'"):
        services.update_status(stale, "under_review")
    with pytest.raises(statecore.ConcurrentTransition, match="'status' it writes changed"):
        services.update_status(stale, "reviewed")
    stored = WorkflowInstance.objects.get(pk=instance.pk)
    assert (stored.step, stored.status) == ("review", "waiting")


@pytest.mark.usefixtures("published")
def test_instances_of_objects_with_uuid_and_string_keys() -> None:
    """The generic relation holds integer, UUID and string primary keys; instance_for finds them."""
    objects = [
        Claim.objects.create(),
        UUIDClaim.objects.create(),
        CodeClaim.objects.create(code="C-1"),
    ]
    for obj in objects:
        instance = services.start("claim_processing", obj)
        assert services.instance_for(obj) == instance
        assert services.instance_for(obj, "claim_processing") == instance
        assert instance.content_object == obj
    with pytest.raises(AlreadyStarted, match="already runs workflow"):
        services.start("claim_processing", objects[0])


def test_starting_an_unpublished_definition_says_to_publish_it() -> None:
    """No version, no start."""
    with pytest.raises(NotPublished, match="publish it"):
        services.start("claim_processing", Claim.objects.create())


@pytest.mark.usefixtures("published")
def test_running_instance_keeps_its_version_after_a_new_one_is_published() -> None:
    """An instance started on version 1 keeps its steps; a new instance gets version 2."""
    old = services.start("claim_processing", Claim.objects.create(amount=1))
    data = claim_processing()
    data["transitions"][2]["conditions"] = ["claim.amount > 0"]
    data["states"][1]["title"] = "First review"
    version = import_definition(data)
    assert version.number == 2
    new = services.start("claim_processing", Claim.objects.create(amount=0))
    assert (old.version.number, new.version.number) == (1, 2)
    # Version 1's to_review has no condition: amount 0 reaches review there, not in version 2.
    services.update_status(old, "submitted", {"claim": {"amount": 0, "is_high_risk": False}})
    assert old.step == "review"
    with pytest.raises(statecore.NoTransitionAvailable):
        services.update_status(new, "submitted", {"claim": {"amount": 0, "is_high_risk": False}})


@pytest.mark.usefixtures("published")
def test_update_with_context_data_is_one_update_and_the_log_insert() -> None:
    """A compiled version: a completion status costs the instance UPDATE and the log INSERT."""
    instance = services.start("claim_processing", Claim.objects.create(amount=20000))
    warm_content_types(WorkflowInstance)
    with CaptureQueriesContext(connection) as context:
        services.update_status(
            instance, "submitted", {"claim": {"amount": 20000, "is_high_risk": False}}
        )
    sql = statements(context)
    assert len(sql) == 2, sql
    assert sql[0].startswith("UPDATE") and "statecore_definitions_workflowinstance" in sql[0]
    assert sql[1].startswith("INSERT") and "statecore_log" in sql[1]


@pytest.mark.usefixtures("published")
def test_a_compiled_definition_costs_no_query() -> None:
    """The compiled flow of an instance's version comes from the process cache."""
    instance = services.start("claim_processing", Claim.objects.create())
    with CaptureQueriesContext(connection) as context:
        runner = services.flow(instance)
        again = services.flow(WorkflowInstance(pk=instance.pk, version_id=instance.version_id))
    assert context.captured_queries == []
    assert type(runner) is type(again)


@pytest.mark.usefixtures("published")
def test_a_version_not_compiled_yet_is_loaded_once() -> None:
    """After forgetting the cache, the first use loads the version (one query), the next none."""
    instance = services.start("claim_processing", Claim.objects.create())
    forget()
    with CaptureQueriesContext(connection) as first:
        services.flow(instance)
    with CaptureQueriesContext(connection) as second:
        services.flow(instance)
    assert (len(first.captured_queries), len(second.captured_queries)) == (1, 0)


def test_versions_and_instances_read_with_the_definitions_name() -> None:
    """The admin shows a version and an instance by the definition's name, not its row id."""
    version = import_definition(claim_processing())
    instance = services.start("claim_processing", Claim.objects.create())
    assert str(version) == "claim_processing v1"
    about = f"claim {instance.object_id}"
    assert str(instance) == f"claim_processing #{instance.pk} ({about}) at submission"
