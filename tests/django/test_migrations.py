"""Migrations: plain data, no workflow reference; adding a state or moving a workflow needs none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import migrations
from tests.django.testapp.workflows import OrderFlow

import statecore
from statecore_django import StateField
from statecore_django.fields import import_workflow

ROOT = Path(__file__).resolve().parents[2]


def test_deconstruct_emits_the_column_size_and_default_only() -> None:
    """No workflow path, no choices, no protection: the column's size and initial state."""
    _name, path, args, kwargs = StateField(OrderFlow, protected=True).deconstruct()
    assert path == "statecore_django.fields.StateField"
    assert args == []
    assert kwargs == {"max_length": 32, "default": "draft"}


def test_explicit_choices_and_default_are_kept() -> None:
    """Options the user gave are written to migrations."""
    _name, _path, _args, kwargs = StateField(OrderFlow, default="placed").deconstruct()
    assert kwargs["default"] == "placed"


def test_field_rebuilt_from_a_migration_is_a_plain_column() -> None:
    """A migration's field has no workflow: historical models read and write state names."""
    _name, _path, args, kwargs = StateField(OrderFlow).deconstruct()
    rebuilt = StateField(*args, **kwargs)
    assert rebuilt.detached
    assert (rebuilt.max_length, rebuilt.get_default(), rebuilt.choices) == (32, "draft", None)
    assert rebuilt.to_python("anything") == "anything"
    assert rebuilt.deconstruct()[3] == kwargs


def test_field_of_an_older_migration_naming_the_workflow_still_loads() -> None:
    """workflow='...' (older migrations): imported when it exists, detached when it is gone."""
    old = StateField(workflow="tests.django.testapp.workflows.OrderFlow", max_length=32)
    assert old.workflow_class is OrderFlow
    assert old.deconstruct()[3] == {"max_length": 32, "default": "draft"}
    gone = StateField(workflow="tests.django.testapp.workflows.RenamedAway", max_length=32)
    assert gone.detached
    assert gone.deconstruct()[3] == {"max_length": 32}


def test_detached_field_on_a_real_model_is_refused_with_the_import_error() -> None:
    """Only a migration's historical model may hold a field without its workflow."""
    from django.db import models

    with pytest.raises(ImportError, match="RenamedAway"):

        class Broken(models.Model):
            state = StateField("tests.django.testapp.workflows.RenamedAway")

            class Meta:
                app_label = "testapp"

    with pytest.raises(TypeError, match="needs its workflow"):

        class Bare(models.Model):
            state = StateField()

            class Meta:
                app_label = "testapp"


def test_migration_writer_serializes_the_field() -> None:
    """The migration writer can write the field (plain data only)."""
    from django.db.migrations.writer import MigrationWriter

    operation = migrations.AddField("order", "other", StateField(OrderFlow))
    migration = type("Migration", (migrations.Migration,), {"operations": [operation]})
    text = MigrationWriter(migration("0002_other", "testapp")).as_string()
    assert "statecore_django.fields.StateField(default='draft', max_length=32)" in text
    assert "workflow" not in text


def run_makemigrations_check(extra_state: str) -> subprocess.CompletedProcess[str]:
    """Run makemigrations --check in a process where OrderFlow has one more state."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.django.settings",
        "STATECORE_TEST_DB": "sqlite",
        "STATECORE_TEST_EXTRA_STATE": extra_state,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run", "testapp"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_adding_a_state_needs_no_migration() -> None:
    """With a new state 'refunded' in OrderFlow, makemigrations --check finds no change."""
    result = run_makemigrations_check("refunded")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_state_longer_than_max_length_needs_a_migration() -> None:
    """A state name longer than the column makes makemigrations --check fail (AlterField)."""
    result = run_makemigrations_check("x" * 40)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Alter field state" in result.stdout


def test_unknown_workflow_path_is_a_clear_error() -> None:
    """A path that does not import raises ImportError naming it."""
    with pytest.raises(ImportError, match=r"tests\.django\.testapp\.workflows\.Missing"):
        import_workflow("tests.django.testapp.workflows.Missing")


def test_workflow_without_states_is_refused() -> None:
    """An abstract workflow (no states) cannot back a field."""
    with pytest.raises(TypeError, match="defines no states"):
        StateField(statecore.Workflow)


RENAME = """
import sys
import django
django.setup()
from django.core.management import call_command
from tests.django.testapp import workflows
flow = workflows.OrderFlow
del workflows.OrderFlow  # the class moved: the old dotted path no longer imports
flow.__name__ = flow.__qualname__ = "PurchaseFlow"
workflows.PurchaseFlow = flow
call_command("migrate", verbosity=0)
call_command("makemigrations", "--check", "--dry-run", "testapp", "statecore_log")
print("migrated and checked")
"""


def test_renaming_the_workflow_class_breaks_no_migration(tmp_path: Path) -> None:
    """After a workflow moves, migrate on an empty database and makemigrations --check pass."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.django.settings",
        "STATECORE_TEST_DB": "sqlite",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", RENAME],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    assert "migrated and checked" in result.stdout
