"""System checks: stable ids for misconfigured state fields, settings and stale rows."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.checks import CheckMessage, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from tests.django.testapp.models import Order, Task

from statecore_django.checks import StaleState, stale_states

BROKEN = "tests.django.checksapp.broken"


@pytest.fixture
def broken_app() -> Iterator[None]:
    """Install the app of misconfigured models for one test."""
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, BROKEN]):
        yield


def statecore_messages(messages: list[CheckMessage]) -> dict[str, list[CheckMessage]]:
    """Group the statecore messages by the label of the object they are about."""
    found: dict[str, list[CheckMessage]] = {}
    for message in messages:
        if message.id and message.id.startswith("statecore."):
            obj = message.obj
            label = getattr(getattr(obj, "model", None), "__name__", None)
            key = f"{label}.{obj.name}" if label and hasattr(obj, "name") else str(obj)
            found.setdefault(key, []).append(message)
    return found


def ids(messages: list[CheckMessage]) -> list[str]:
    """The ids of the statecore messages, sorted."""
    return sorted(m.id for m in messages if m.id and m.id.startswith("statecore."))


def check_errors() -> str:
    """Run ``manage.py check`` and return the text of the SystemCheckError it raises."""
    with pytest.raises(SystemCheckError) as info:
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    return str(info.value)


def test_a_correct_project_has_no_statecore_messages() -> None:
    """The test project's own models and settings pass every statecore check."""
    assert ids(run_checks()) == []
    out = io.StringIO()
    call_command("check", stdout=out, stderr=io.StringIO())
    assert "no issues" in out.getvalue()


def test_default_that_is_not_a_state_is_e001(broken_app: None) -> None:
    """A default outside the workflow's states is statecore.E001, naming value and fix."""
    messages = statecore_messages(run_checks())["BadDefault.state"]
    assert [m.id for m in messages] == ["statecore.E001"]
    assert "'archived'" in messages[0].msg
    assert "new, waiting_for_customer_confirmation" in messages[0].msg
    assert "Remove default=" in messages[0].hint
    assert "checks_broken.BadDefault.state: (statecore.E001)" in check_errors()


def test_max_length_shorter_than_a_state_name_is_e002(broken_app: None) -> None:
    """A max_length below the longest state name is statecore.E002, with the length needed."""
    messages = statecore_messages(run_checks())["ShortColumn.state"]
    assert [m.id for m in messages] == ["statecore.E002"]
    assert "max_length=10" in messages[0].msg
    assert "at least 33" in messages[0].hint
    assert "checks_broken.ShortColumn.state: (statecore.E002)" in check_errors()


def test_state_table_key_too_short_is_e002(broken_app: None) -> None:
    """A foreign-key state field whose target key cannot hold the names is statecore.E002."""
    messages = statecore_messages(run_checks())["ShortKey.state"]
    assert [m.id for m in messages] == ["statecore.E002"]
    assert "checks_broken.ShortKeyState.name" in messages[0].msg


@pytest.mark.parametrize(
    ("model", "words"),
    [
        ("UninstalledLog", "'nowhere.Log'"),
        ("WrongLog", "is not a subclass of statecore_django.models.BaseTransitionLog"),
        ("IncompleteLog", "has no field 'client'"),
        ("UnlinkedLog", "MODIFIED_OBJECT_FIELD"),
    ],
)
def test_unusable_log_model_is_e003(broken_app: None, model: str, words: str) -> None:
    """A log model that is not installed, not a log, or lacks fields is statecore.E003."""
    messages = statecore_messages(run_checks())[f"{model}.state"]
    assert [m.id for m in messages] == ["statecore.E003"]
    assert words in messages[0].msg + messages[0].hint
    assert f"checks_broken.{model}.state: (statecore.E003)" in check_errors()


def test_log_model_setting_that_is_not_a_label_is_e003() -> None:
    """STATECORE_LOG_MODEL that is not "app_label.ModelName" is statecore.E003."""
    with override_settings(STATECORE_LOG_MODEL="TransitionLog"):
        messages = run_checks()
        text = check_errors()
    unbound = [m for m in messages if m.id == "statecore.E003" and m.obj is None]
    assert len(unbound) == 1
    assert "'TransitionLog'" in unbound[0].msg
    assert "?: (statecore.E003) STATECORE_LOG_MODEL is 'TransitionLog'" in text


def test_invalid_locking_on_a_workflow_is_e004(broken_app: None) -> None:
    """A workflow whose locking mode is not none/optimistic/pessimistic is statecore.E004."""
    messages = statecore_messages(run_checks())["BadLocking.state"]
    assert [m.id for m in messages] == ["statecore.E004"]
    assert "'sometimes'" in messages[0].msg
    assert "'optimistic'" in messages[0].hint
    assert "checks_broken.BadLocking.state: (statecore.E004)" in check_errors()


def test_nullable_state_field_is_e005(broken_app: None) -> None:
    """A state field with null=True is refused by statecore.E005, with what to do instead."""
    messages = statecore_messages(run_checks())["NullableState.state"]
    assert [m.id for m in messages] == ["statecore.E005"]
    assert "null=True" in messages[0].msg
    assert "Remove null=True" in messages[0].hint
    assert "checks_broken.NullableState.state: (statecore.E005)" in check_errors()


def test_invalid_locking_setting_is_e004() -> None:
    """STATECORE_LOCKING set to an unknown mode is statecore.E004."""
    with override_settings(STATECORE_LOCKING="always"):
        assert ids(run_checks()) == ["statecore.E004"]
        assert "(statecore.E004) STATECORE_LOCKING is 'always'" in check_errors()


@pytest.mark.django_db
def test_stale_rows_are_w001_only_when_databases_are_checked() -> None:
    """Rows in states the workflow lacks give statecore.W001, only with --database."""
    kept = Order.objects.create()
    stale = [Order.objects.create(), Order.objects.create()]
    Order.objects.filter(pk__in=[o.pk for o in stale]).update(state="archived")
    assert ids(run_checks()) == []
    messages = [m for m in run_checks(databases=["default"]) if m.id == "statecore.W001"]
    assert len(messages) == 1
    assert messages[0].obj is Order
    assert "testapp.Order.state on database 'default'" in messages[0].msg
    assert f"2 rows hold 'archived' (pk {stale[0].pk}, {stale[1].pk})" in messages[0].msg
    assert str(kept.pk) not in messages[0].msg.split("pk ")[1]
    err = io.StringIO()
    call_command("check", databases=["default"], stdout=io.StringIO(), stderr=err)
    assert "testapp.Order: (statecore.W001)" in err.getvalue()


@pytest.mark.django_db
def test_integer_state_rows_with_unknown_values_are_reported() -> None:
    """An integer state field holding a value no state has is reported with its value."""
    task = Task.objects.create()
    Task.objects.filter(pk=task.pk).update(priority=7)
    found = stale_states(Task, Task._meta.get_field("priority"))
    assert found == [StaleState(Task, "priority", "7", 1, (task.pk,))]


@pytest.mark.django_db
def test_database_check_skips_tables_not_created_yet(broken_app: None) -> None:
    """Models whose tables do not exist (not migrated) are skipped, not a crash."""
    messages = run_checks(databases=["default"])
    assert "statecore.W001" not in ids(messages)
