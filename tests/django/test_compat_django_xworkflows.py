"""A django_xworkflows project on statecore: its models, migrations, tables and rows as they are."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import isolate_apps
from django.utils import timezone
from tests.django.xwapp.models import Review, ReviewFlow, Task, TaskFlow, Ticket, TicketLastLog

from statecore.compat import xworkflows
from statecore_django.compat.django_xworkflows import models as xwf_models
from statecore_django.compat.django_xworkflows.native import copy_transition_logs
from statecore_django.compat.django_xworkflows.xworkflow_log.models import TransitionLog
from statecore_django.log.models import TransitionLog as StatecoreLog

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_state_column_is_sized_as_django_xworkflows_sized_it() -> None:
    """max_length is the longest state name, at least 16; choices and default are the workflow's."""
    task_field = Task._meta.get_field("state")
    review_field = Review._meta.get_field("state")
    assert (task_field.max_length, review_field.max_length) == (16, len("waiting_for_approval"))
    assert task_field.default == "new"
    assert task_field.choices == [("new", "New"), ("started", "Started"), ("finished", "Finished")]
    assert (task_field.blank, task_field.null) == (False, False)


def test_field_accepts_a_workflow_instance_and_keeps_it() -> None:
    """StateField(ReviewFlow()) binds that very instance; _workflows[name].workflow gives it."""
    field = Review._meta.get_field("state")
    assert isinstance(field.workflow, ReviewFlow)
    assert Review._workflows["state"].workflow is field.workflow
    assert Task._workflows["state"].workflow.states is TaskFlow.states


def test_state_attribute_on_the_class_is_the_workflow() -> None:
    """Task.state is the workflow object, so Task.state.states reads as with django_xworkflows."""
    assert type(Task.state) is TaskFlow
    assert Task.state.states.started.title == "Started"


def test_none_gives_the_initial_state() -> None:
    """Task(state=None) and objects.create(state=None) start in the initial state."""
    assert Task(state=None).state == "new"
    assert Task.objects.create(state=None).state.is_new


def test_invalid_state_raises_validation_error_and_keeps_the_state() -> None:
    """Assigning another workflow's state raises ValidationError; the state is unchanged."""
    task = Task()
    with pytest.raises(ValidationError):
        task.state = ReviewFlow.states.draft
    assert task.state == "new"


def test_unknown_state_in_a_fixture_is_refused() -> None:
    """Deserializing a row whose state is not in the workflow fails as django_xworkflows did."""
    data = '[{"model": "xwapp.task", "pk": 1, "fields": {"state": "lost", "title": ""}}]'
    with pytest.raises(serializers.base.DeserializationError):
        list(serializers.deserialize("json", data))


def test_transition_writes_the_old_log_table_with_an_integer_content_id() -> None:
    """A transition's row lands in xworkflow_log_transitionlog, content_id the integer key."""
    task = Task.objects.create()
    task.start()
    row = TransitionLog.objects.get()
    assert TransitionLog._meta.db_table == "xworkflow_log_transitionlog"
    assert (row.transition, row.from_state, row.to_state) == ("start", "new", "started")
    assert row.content_id == task.pk
    assert row.modified_object == task
    assert "new -> started" in str(row)
    assert not StatecoreLog.objects.exists()


def test_user_keyword_is_logged_and_hooks_and_implementation_run() -> None:
    """user= reaches the log row; the enter hook and the implementation ran in order."""
    user = User.objects.create(username="ada")
    task = Task.objects.create()
    task.start(user=user)
    assert task.title == "started"
    assert task.finish(note="done") == "DONE"
    assert Task.objects.get(pk=task.pk).title == "done"
    assert [row.user for row in TransitionLog.objects.order_by("id")] == [user, None]


def test_empty_log_model_writes_no_row() -> None:
    """log_model = '' turns logging off."""
    review = Review.objects.create()
    review.submit()
    assert Review.objects.get(pk=review.pk).state == "waiting_for_approval"
    assert not TransitionLog.objects.exists()


def test_log_model_class_wins_over_log_model() -> None:
    """TicketFlow names both: only its log_model_class, a last-transition log, gets rows."""
    ticket = Ticket.objects.create()
    ticket.close()
    ticket.reopen()
    row = TicketLastLog.objects.get()
    assert (row.ticket, row.transition, row.from_state, row.to_state) == (
        ticket,
        "reopen",
        "closed",
        "open",
    )
    assert not TransitionLog.objects.exists()


def test_rows_written_before_the_move_are_read_as_they_are() -> None:
    """A row inserted with django_xworkflows' columns reads through the compat log model."""
    task = Task.objects.create()
    kind = ContentType.objects.get_for_model(Task)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO xworkflow_log_transitionlog "
            "(transition, from_state, to_state, timestamp, content_id, content_type_id) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            ["start", "new", "started", timezone.now(), task.pk, kind.pk],
        )
    assert TransitionLog.objects.get().modified_object == task


def test_copy_transition_logs_moves_history_into_statecore_log() -> None:
    """The native path's data migration step copies each old row, oldest first, keeping its data."""
    user = User.objects.create(username="grace")
    task = Task.objects.create()
    task.start(user=user)
    task.finish()
    earlier = timezone.now() - timedelta(days=3)
    TransitionLog.objects.filter(transition="start").update(timestamp=earlier)
    TransitionLog.objects.create(transition="lost", from_state="a", to_state="b")

    from django.apps import apps

    copied = copy_transition_logs(apps, connection.schema_editor())

    assert copied == 2
    rows = list(StatecoreLog.objects.order_by("timestamp"))
    assert [(r.transition, r.from_state, r.to_state) for r in rows] == [
        ("start", "new", "started"),
        ("finish", "started", "finished"),
    ]
    assert rows[0].timestamp == earlier
    assert rows[0].user == user
    assert list(StatecoreLog.for_object(task).order_by("timestamp")) == rows
    assert TransitionLog.objects.count() == 3


def test_deconstruct_writes_what_django_xworkflows_migrations_hold() -> None:
    """The field deconstructs to max_length and a _SerializedWorkflow, under the models path."""
    _name, path, args, kwargs = Review._meta.get_field("state").deconstruct()
    assert path == "statecore_django.compat.django_xworkflows.models.StateField"
    assert args == []
    assert kwargs == {
        "max_length": 20,
        "workflow": xwf_models._SerializedWorkflow(
            name="ReviewFlow",
            initial_state="draft",
            states=["draft", "waiting_for_approval", "approved"],
        ),
    }


def test_serialized_workflow_builds_a_field_with_the_states() -> None:
    """A migration's StateField(workflow=_SerializedWorkflow(...)) knows the states."""
    serialized = xwf_models._SerializedWorkflow(name="Old", initial_state="a", states=["a", "b"])
    field = xwf_models.StateField(workflow=serialized, max_length=16)
    assert field.workflow_class.states.names() == ("a", "b")
    assert field.get_default() == "a"
    assert field.deconstruct()[3]["workflow"] == serialized


def test_old_style_migration_runs_and_makemigrations_finds_nothing() -> None:
    """The xwapp migration (django_xworkflows' form, one import changed) leaves nothing to do."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.django.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemigrations",
            "--check",
            "--dry-run",
            "xwapp",
            "xworkflow_log",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_bound_transitions_are_template_safe_and_list_their_hooks() -> None:
    """A bound transition alters data, is never called by templates, and lists its hooks."""
    task = Task()
    assert task.start.alters_data and task.start.do_not_call_in_templates
    assert [hook.function.__name__ for hook in task.start.hooks["on_enter"]] == ["stamp"]


@isolate_apps("tests.django.xwapp")
def test_hooks_from_the_xworkflows_namespace_apply_to_models() -> None:
    """A model mixing xworkflows hooks with the compat models runs them."""

    class CheckedTask(xwf_models.WorkflowEnabled):
        state = xwf_models.StateField(TaskFlow)
        allowed = False

        @xworkflows.transition_check("start")
        def may_start(self, *args: Any, **kwargs: Any) -> bool:
            return self.allowed

        class Meta:
            app_label = "xwapp"

    obj = CheckedTask()
    assert not obj.start.is_available()
    obj.allowed = True
    assert obj.start.is_available()


@isolate_apps("tests.django.xwapp")
def test_renamed_implementation_is_reachable_only_by_its_method_name() -> None:
    """@transition('start') on begin(): the model has begin() and no start attribute."""

    class RenamedTask(xwf_models.WorkflowEnabled):
        state = xwf_models.StateField(TaskFlow)

        @xwf_models.transition("start")
        def begin(self) -> str:
            return "begun"

        class Meta:
            app_label = "xwapp"

    assert not hasattr(RenamedTask, "start")
    obj = RenamedTask()
    assert obj.begin(save=False, log=False) == "begun"
    assert obj.state == "started"
