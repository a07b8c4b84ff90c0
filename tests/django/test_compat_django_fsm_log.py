"""django-fsm-log on statecore's layer: StateLog's table, history, decorators and admin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from tests.django.fsmapp.models import Article

from statecore_django.compat.django_fsm_log import backends
from statecore_django.compat.django_fsm_log.models import StateLog

pytestmark = pytest.mark.django_db

ORIGINAL_MIGRATIONS = [
    "0001_initial",
    "0002_auto_20151207_1521",
    "0003_statelog_description",
    "0004_add_source_state",
    "0005_description_null",
    "0003_statelog_description_squashed_0005_description_null",
    "0004_auto_20190131_0341",
]


def test_statelog_keeps_django_fsm_log_table_and_columns() -> None:
    """The model is django_fsm_log.StateLog on django_fsm_log_statelog with its columns."""
    assert StateLog._meta.label == "django_fsm_log.StateLog"
    assert StateLog._meta.db_table == "django_fsm_log_statelog"
    columns = {f.column for f in StateLog._meta.concrete_fields}
    assert columns == {
        "id",
        "timestamp",
        "by_id",
        "source_state",
        "state",
        "transition",
        "content_type_id",
        "object_id",
        "description",
    }


def test_database_migrated_by_django_fsm_log_counts_as_migrated() -> None:
    """With django-fsm-log's own migrations recorded, the layer's migration is applied."""
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="django_fsm_log").delete()
    for name in ORIGINAL_MIGRATIONS:
        recorder.record_applied("django_fsm_log", name)
    loader = MigrationLoader(connection)
    assert ("django_fsm_log", "0001_squashed_statelog") in loader.applied_migrations
    executor = MigrationExecutor(connection)
    assert executor.migration_plan([("django_fsm_log", "0001_squashed_statelog")]) == []


def test_transitions_are_logged_with_user_and_description() -> None:
    """publish(by=..., description=...) writes one row with both; for_() finds it."""
    user = User.objects.create(username="editor")
    article = Article.objects.create(title="News")
    article.publish(by=user, description="front page")
    log = StateLog.objects.for_(article).get()
    assert (log.transition, log.source_state, log.state) == ("publish", "draft", "published")
    assert (log.by, log.description) == (user, "front page")
    assert log.get_state_display() == "Published"
    assert log.get_source_state_display() == "Draft"
    assert not hasattr(article, "__django_fsm_log_attr_by")


@override_settings(DJANGO_FSM_LOG_IGNORED_MODELS=["tests.django.fsmapp.models.Article"])
def test_ignored_models_are_not_logged() -> None:
    """A model listed in DJANGO_FSM_LOG_IGNORED_MODELS gets no rows."""
    article = Article.objects.create(title="News")
    article.publish()
    assert not StateLog.objects.for_(article).exists()


def test_django_fsm_fixtures_load_unchanged(tmp_path: Path) -> None:
    """A fixture dumped from a django-fsm project (models and log rows) loads as it is."""
    fixture = [
        {"model": "fsmapp.article", "pk": 41, "fields": {"title": "Old", "state": "published"}},
        {
            "model": "django_fsm_log.statelog",
            "pk": 7,
            "fields": {
                "timestamp": "2020-01-02T03:04:05Z",
                "by": None,
                "source_state": "draft",
                "state": "published",
                "transition": "publish",
                "content_type": ["fsmapp", "article"],
                "object_id": 41,
                "description": None,
            },
        },
    ]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(fixture))
    call_command("loaddata", str(path), verbosity=0)
    article = Article.objects.get(pk=41)
    assert article.state == "published"
    assert list(StateLog.objects.for_(article).values_list("transition", flat=True)) == ["publish"]
    article.archive()
    assert StateLog.objects.for_(article).count() == 2


def test_admin_button_runs_the_transition_and_logs_the_request_user() -> None:
    """Pressing 'Archive' on the change page saves the state and logs the admin user."""
    admin_user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    article = Article.objects.create(title="News")
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/fsmapp/article/{article.pk}/change/"
    page = client.get(url)
    assert b'value="archive"' in page.content
    inline = "django_fsm_log-statelog-content_type-object_id"
    data = {
        "title": "News",
        "state": "draft",
        "_fsm_transition_to": "archive",
        f"{inline}-TOTAL_FORMS": "0",
        f"{inline}-INITIAL_FORMS": "0",
    }
    client.post(url, data)
    article.refresh_from_db()
    assert article.state == "archived"
    assert StateLog.objects.for_(article).get().transition == "archive"


def test_admin_form_field_cannot_choose_the_logged_user() -> None:
    """A transition form with a 'by' field: the log names the request's user regardless."""
    admin_user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    other = User.objects.create(username="someone-else")
    article = Article.objects.create(title="Draft")
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/fsmapp/article/{article.pk}/transition/shelve/"
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "too long", "by": str(other.pk)})
    article.refresh_from_db()
    assert article.state == "archived"
    assert article.title == "Draft (shelved: too long)"
    assert StateLog.objects.for_(article).get().by == admin_user


def test_storage_setting_accepts_django_fsm_log_paths() -> None:
    """DJANGO_FSM_LOG_STORAGE_METHOD naming django-fsm-log's classes picks the layer's."""
    with override_settings(DJANGO_FSM_LOG_STORAGE_METHOD="django_fsm_log.backends.CachedBackend"):
        assert backends.backend() is backends.CachedBackend
    assert backends.backend() is backends.SimpleBackend


def test_cached_backend_saves_the_row_only_after_the_transition() -> None:
    """The cached backend builds the row before the transition and saves it after."""
    backends.CachedBackend.setup_model(StateLog)
    article = Article.objects.create(title="News")
    signal = {"sender": Article, "instance": article, "name": "archive"}
    backends.CachedBackend.pre_transition_callback(**signal, source="draft", target="archived")
    assert not StateLog.objects.for_(article).exists()
    pending = StateLog.pending_objects  # type: ignore[attr-defined]
    assert pending.get_for_object(article).transition == "archive"
    backends.CachedBackend.post_transition_callback(**signal, source="draft", target="archived")
    assert StateLog.objects.for_(article).get().state == "archived"
    assert pending.get_for_object(article) is None
