"""Migrations: deconstruct() emits plain data; adding a state needs no migration."""

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


def test_deconstruct_emits_the_workflow_path_and_max_length_only() -> None:
    """No choices, no default: only the importable workflow path and the column size."""
    _name, path, args, kwargs = StateField(OrderFlow, protected=True).deconstruct()
    assert path == "statecore_django.fields.StateField"
    assert args == []
    assert kwargs == {
        "max_length": 32,
        "protected": True,
        "workflow": "tests.django.testapp.workflows.OrderFlow",
    }
    assert import_workflow(kwargs["workflow"]) is OrderFlow


def test_explicit_choices_and_default_are_kept() -> None:
    """Options the user gave are written to migrations."""
    _name, _path, _args, kwargs = StateField(OrderFlow, default="placed").deconstruct()
    assert kwargs["default"] == "placed"


def test_field_rebuilt_from_a_migration_derives_from_the_current_workflow() -> None:
    """The field a migration rebuilds has the workflow's current choices and default."""
    _name, _path, args, kwargs = StateField(OrderFlow).deconstruct()
    rebuilt = StateField(*args, **kwargs)
    assert [name for name, _ in rebuilt.choices] == list(OrderFlow.states.names())
    assert rebuilt.get_default() == "draft"


def test_migration_writer_serializes_the_field() -> None:
    """The migration writer can write the field (plain data only)."""
    from django.db.migrations.writer import MigrationWriter

    operation = migrations.AddField("order", "other", StateField(OrderFlow))
    migration = type("Migration", (migrations.Migration,), {"operations": [operation]})
    text = MigrationWriter(migration("0002_other", "testapp")).as_string()
    assert "workflow='tests.django.testapp.workflows.OrderFlow'" in text


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
