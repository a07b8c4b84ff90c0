"""Transition logs: the ready TransitionLog, custom logs with extra attributes, last-log."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.test import override_settings
from tests.django.testapp.models import (
    Application,
    AuditLog,
    Issue,
    LastLog,
    Order,
    SlugItem,
    UUIDItem,
)
from tests.django.testapp.workflows import AuditedFlow, OrderFlow, UnloggedOrderFlow

from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db


def test_transition_writes_one_log_row_with_source_and_target() -> None:
    """place() writes transition, from_state, to_state, timestamp and the object link."""
    order = Order.objects.create()
    order.place()
    row = TransitionLog.objects.get()
    assert (row.transition, row.from_state, row.to_state) == ("place", "draft", "placed")
    assert row.timestamp is not None
    assert row.modified_object == order
    assert str(row) == "place: draft -> placed"


def test_log_takes_user_and_reason_from_kwargs_and_as_user() -> None:
    """reason= comes from the call; user= from as_user() when not passed."""
    user = User.objects.create(username="ann")
    order = Order.objects.create()
    order.cancel.as_user(user)(reason="duplicate")
    row = TransitionLog.for_object(order).get()
    assert (row.user, row.reason) == (user, "duplicate")


def test_anonymous_user_is_logged_as_no_user() -> None:
    """An AnonymousUser is not a row: the log stores no user."""
    order = Order.objects.create()
    order.place(user=AnonymousUser())
    assert TransitionLog.for_object(order).get().user is None


def test_deleting_the_user_keeps_the_log_row() -> None:
    """user uses on_delete=SET_NULL."""
    user = User.objects.create(username="bob")
    order = Order.objects.create()
    order.place(user=user)
    user.delete()
    assert TransitionLog.for_object(order).get().user is None


@pytest.mark.parametrize("model", [UUIDItem, SlugItem], ids=["uuid", "string"])
def test_generic_log_works_with_uuid_and_string_primary_keys(model: type) -> None:
    """object_id stores the primary key as text; for_object and the generic FK find it."""
    item = model.objects.create(slug="item-1") if model is SlugItem else model.objects.create()
    item.place()
    row = TransitionLog.for_object(item).get()
    assert row.object_id == str(item.pk)
    assert row.modified_object == item
    if model is UUIDItem:
        assert isinstance(item.pk, uuid.UUID)


def test_custom_log_model_stores_extra_attributes() -> None:
    """EXTRA_LOG_ATTRIBUTES take user, API client and source IP from the call's kwargs."""
    user = User.objects.create(username="api")
    application = Application.objects.create()
    application.approve(user=user, client="mobile", ip="10.0.0.7")
    row = AuditLog.for_object(application).filter(transition="approve").get()
    assert (row.user, row.client, row.ip) == (user, "mobile", "10.0.0.7")


def test_log_creation_writes_a_row_when_an_object_is_created() -> None:
    """log_creation=True: creating an object logs '' -> initial state."""
    application = Application.objects.create()
    row = AuditLog.for_object(application).get()
    assert (row.transition, row.from_state, row.to_state) == ("", "", "new")


def test_last_transition_log_keeps_one_row_per_object() -> None:
    """GenericLastTransitionLog updates the object's one row."""
    issue = Issue.objects.create()
    issue.open()
    issue.close()
    row = LastLog.for_object(issue).get()
    assert (row.transition, row.from_state, row.to_state) == ("close", "opened", "closed")


def test_log_model_setting_none_disables_the_log() -> None:
    """STATECORE_LOG_MODEL=None (read at transition time) writes no rows."""
    order = Order.objects.create()
    with override_settings(STATECORE_LOG_MODEL=None):
        order.place()
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert not TransitionLog.objects.exists()


def test_failing_log_write_rolls_back_the_transition() -> None:
    """No committed transition without its log row: a log error undoes the save."""
    order = Order.objects.create()
    with override_settings(STATECORE_LOG_MODEL="testapp.Missing"), pytest.raises(LookupError):
        order.place()
    assert order.state == "draft"
    assert Order.objects.get(pk=order.pk).state == "draft"


def test_first_transition_of_an_unsaved_object_logs_its_creation_in_the_source_state() -> None:
    """An object inserted by its first transition is logged as created in the source state."""
    application = Application()
    application.approve()
    rows = AuditLog.for_object(application).order_by("pk")
    assert [(r.transition, r.from_state, r.to_state) for r in rows] == [
        ("", "", "new"),
        ("approve", "new", "approved"),
    ]


def test_log_model_label_tells_where_the_label_comes_from() -> None:
    """log_model_label gives the label and whether it is the STATECORE_LOG_MODEL setting."""
    assert AuditedFlow.log_model_label() == ("testapp.AuditLog", False)
    assert UnloggedOrderFlow.log_model_label() == (None, False)
    with override_settings(STATECORE_LOG_MODEL="testapp.LastLog"):
        assert OrderFlow.log_model_label() == ("testapp.LastLog", True)


def test_log_model_is_looked_up_once_per_workflow_until_a_setting_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """get_log_model resolves its label once per workflow class; a setting change resets it."""
    lookups: list[str] = []
    get_model = apps.get_model

    def counting(label: str) -> Any:
        lookups.append(label)
        return get_model(label)

    monkeypatch.setattr(apps, "get_model", counting)
    with override_settings(STATECORE_LOG_MODEL="testapp.LastLog"):
        workflow = OrderFlow()
        assert workflow.get_log_model() is LastLog
        assert workflow.get_log_model() is LastLog
        assert lookups == ["testapp.LastLog"]
    assert workflow.get_log_model() is TransitionLog
    assert lookups == ["testapp.LastLog", "statecore_log.TransitionLog"]


@pytest.mark.django_db
def test_transition_kwargs_may_share_names_with_log_parameters() -> None:
    """Keyword arguments named transition, from_state or to_state reach the transition."""
    order = Order.objects.create()
    order.place(transition="urgent", from_state="x", to_state="y")
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert TransitionLog.objects.filter(transition="place", to_state="placed").count() == 1
