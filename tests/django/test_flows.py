"""Flow classes: a workflow on a class wrapping a model object, with the adapter's guarantees."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, isolate_apps
from tests.django.flowapp.flows import ReviewFlow, ReviewWorkflow
from tests.django.flowapp.models import Report, ReportChangeLog
from tests.django.test_transitions import statements, warm_content_types

import statecore
import statecore_django
from statecore_django import post_transition, transition_failed
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db


class PessimisticReview(ReviewWorkflow):
    """The review workflow with the row locked before the transition's code runs."""

    locking = "pessimistic"


class LockedReviewFlow(statecore_django.Flow):
    """Reviews under pessimistic locking."""

    stage = statecore_django.FlowState(PessimisticReview, model=Report)

    def __init__(self, report: Report) -> None:
        self.report = report


def test_change_log_row_is_written_with_each_successful_transition() -> None:
    """The viewflow change-log scenario: approve, then publish, each leave one change row."""
    report = Report.objects.create(title="Q3")
    flow = ReviewFlow(report)
    flow.approve()
    flow.publish()
    stored = Report.objects.get(pk=report.pk)
    assert stored.stage == "published"
    changes = list(ReportChangeLog.objects.filter(report=report).values_list("source", "target"))
    assert changes == [("new", "approved"), ("approved", "published")]
    assert flow.stage == "published"


def test_failed_transition_writes_nothing_and_restores_the_model_object() -> None:
    """A failing implementation rolls back the state, the change row and the log row."""
    report = Report.objects.create(stage="approved", notes="kept")
    flow = ReviewFlow(report)
    with pytest.raises(ValueError, match="needs a title"):
        flow.publish()
    assert report.stage == "approved"
    assert flow.stage == "approved"
    assert Report.objects.get(pk=report.pk).stage == "approved"
    assert not ReportChangeLog.objects.exists()
    assert not TransitionLog.for_object(report).exists()


def test_failing_change_log_undoes_the_transition() -> None:
    """The change row is part of the transition: if writing it fails, nothing is committed."""

    class BrokenLogFlow(ReviewFlow):
        @statecore.after_transition("*")
        def record_change(self, result: Any, *args: Any, event: Any, **kwargs: Any) -> None:
            ReportChangeLog.objects.create(report=self.report, source=event.source.name)
            raise RuntimeError("log storage is down")

    report = Report.objects.create()
    with pytest.raises(RuntimeError, match="down"):
        BrokenLogFlow(report).approve(note="changed")
    assert (report.stage, report.notes) == ("new", "")
    assert Report.objects.get(pk=report.pk).stage == "new"
    assert not ReportChangeLog.objects.exists()


def test_log_row_refers_to_the_model_object() -> None:
    """The adapter's transition log records the report, not the flow object."""
    report = Report.objects.create()
    ReviewFlow(report).approve()
    rows = list(
        TransitionLog.for_object(report).values_list("transition", "from_state", "to_state")
    )
    assert rows == [("approve", "new", "approved")]


def test_transition_writes_the_state_and_the_columns_it_changed_only() -> None:
    """One UPDATE of stage and notes (not title), then the change row and the log row."""
    report = Report.objects.create(title="mine")
    Report.objects.filter(pk=report.pk).update(title="theirs")
    warm_content_types(Report)
    with CaptureQueriesContext(connection) as context:
        ReviewFlow(report).approve(note="looks fine")
    sql = statements(context)
    assert len(sql) == 3, sql
    assert sql[0].startswith("UPDATE") and "title" not in sql[0]
    stored = Report.objects.get(pk=report.pk)
    assert (stored.stage, stored.notes, stored.title) == ("approved", "looks fine", "theirs")


def test_stale_copy_is_refused_with_concurrent_transition() -> None:
    """Optimistic locking: a copy loaded before another transition committed is refused."""
    report = Report.objects.create()
    stale = Report.objects.get(pk=report.pk)
    ReviewFlow(report).reject()
    with pytest.raises(statecore.ConcurrentTransition) as caught:
        ReviewFlow(stale).approve()
    assert (caught.value.expected, caught.value.actual) == ("new", "rejected")
    assert stale.stage == "new"
    assert list(ReportChangeLog.objects.values_list("target", flat=True)) == ["rejected"]


def test_pessimistic_flow_rereads_the_row_under_lock() -> None:
    """Pessimistic locking: the state is checked under SELECT ... FOR UPDATE."""
    report = Report.objects.create()
    stale = Report.objects.get(pk=report.pk)
    LockedReviewFlow(report).approve()
    with pytest.raises(statecore.ConcurrentTransition, match="approved"):
        LockedReviewFlow(stale).reject()
    assert Report.objects.get(pk=report.pk).stage == "approved"


def test_signals_are_sent_by_the_model_with_the_model_object() -> None:
    """post_transition and transition_failed: sender Report, instance the report."""
    seen: list[tuple[Any, ...]] = []

    def receiver(sender: Any, instance: Any, transition: Any, **kwargs: Any) -> None:
        seen.append((sender, instance, transition.name, kwargs.get("exception") is not None))

    post_transition.connect(receiver)
    transition_failed.connect(receiver)
    try:
        report = Report.objects.create(title="")
        flow = ReviewFlow(report)
        flow.approve()
        with pytest.raises(ValueError):
            flow.publish()
    finally:
        post_transition.disconnect(receiver)
        transition_failed.disconnect(receiver)
    assert seen == [(Report, report, "approve", False), (Report, report, "publish", True)]


def test_unsaved_model_object_is_inserted_by_its_first_transition() -> None:
    """A new report is inserted in the target stage, with its change row."""
    report = Report(title="fresh")
    ReviewFlow(report).approve()
    assert report.pk is not None
    assert Report.objects.get(pk=report.pk).stage == "approved"
    assert ReportChangeLog.objects.get(report=report).target == "approved"


def test_enclosing_transaction_rollback_undoes_the_flow_transition() -> None:
    """Inside the caller's atomic() block, the flow's writes go with that block."""
    report = Report.objects.create()
    with pytest.raises(KeyError), transaction.atomic():
        ReviewFlow(report).approve()
        raise KeyError("caller failed")
    assert Report.objects.get(pk=report.pk).stage == "new"
    assert not ReportChangeLog.objects.exists()


def test_flow_without_its_model_object_says_which_attribute_to_set() -> None:
    """Reading the state before the wrapped object is set names the attribute to set."""

    class EmptyFlow(statecore_django.Flow):
        stage = statecore_django.FlowState(ReviewWorkflow, model=Report)

    with pytest.raises(AttributeError, match="no 'report' attribute: set it to the Report"):
        EmptyFlow().approve()


def test_available_transitions_come_from_the_model_field() -> None:
    """Availability reads the state the model object holds."""
    flow = ReviewFlow(Report(stage="approved"))
    assert [t.name for t in statecore.available_transitions(flow)] == ["reject", "publish"]


def test_every_misuse_is_refused_when_the_flow_class_is_defined() -> None:
    """Wrong model, unknown field, core workflow, non-text field: all reported at once."""

    class PlainWorkflow(statecore.Workflow):
        states = (("a", "A"), ("b", "B"))
        transitions = (("go", "a", "b"),)
        initial_state = "a"

    with pytest.raises(statecore.WorkflowDefinitionError) as caught:

        class Broken(statecore_django.Flow):
            one = statecore_django.FlowState(ReviewWorkflow, model=dict)  # type: ignore[arg-type]
            two = statecore_django.FlowState(ReviewWorkflow, model=Report, field="stag")
            three = statecore_django.FlowState(PlainWorkflow, model=Report, field="stage")
            four = statecore_django.FlowState(
                ReviewWorkflow, model=ReportChangeLog, field="changed"
            )
            five = ReviewWorkflow()

    message = str(caught.value)
    assert "model=<class 'dict'> is not a Django model class" in message
    assert "Report has no field 'stag'" in message and "'stage'" in message
    assert "subclass statecore_django.Workflow instead" in message
    assert "ReportChangeLog.changed is a DateTimeField" in message
    assert "five = statecore_django.FlowState(ReviewWorkflow" in message


@isolate_apps("tests.django.flowapp")
def test_log_creation_and_short_columns_are_refused() -> None:
    """A flow creates no objects, and a column too short for a state name cannot hold it."""

    class CreationLogged(ReviewWorkflow):
        log_creation = True

    class Short(models.Model):
        stage = models.CharField(max_length=3)

        class Meta:
            app_label = "flowapp"

    with pytest.raises(statecore.WorkflowDefinitionError) as caught:

        class Broken(statecore_django.Flow):
            one = statecore_django.FlowState(CreationLogged, model=Report, field="stage")
            two = statecore_django.FlowState(ReviewWorkflow, model=Short, field="stage")

    message = str(caught.value)
    assert "log_creation is True, but a flow creates no objects" in message
    assert "Short.stage has max_length=3" in message


def test_django_workflow_on_a_plain_class_is_refused_when_the_class_is_defined() -> None:
    """It used to fail at the first call inside Django's router; now the class is refused."""
    with pytest.raises((statecore.WorkflowDefinitionError, RuntimeError)) as caught:

        class Host(statecore.WorkflowEnabled):
            stage = ReviewWorkflow()

    error = caught.value
    if not isinstance(error, statecore.WorkflowDefinitionError):  # Python < 3.12 wraps it
        error = error.__cause__  # type: ignore[assignment]
    assert isinstance(error, statecore.WorkflowDefinitionError)
    assert "Host is not a model; put it on a model" in str(error)
    assert "statecore_django.FlowState(ReviewWorkflow" in str(error)
