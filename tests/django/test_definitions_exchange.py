"""JSON export and import of definitions, the management command, and the system checks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from tests.django.definitions_data import claim_processing

import statecore
from statecore_django.definitions.exchange import export_definition, import_definition
from statecore_django.definitions.management.commands.statecore_definitions import Command
from statecore_django.definitions.models import Step, Transition, WorkflowDefinition

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_export_then_import_round_trips_without_a_new_version() -> None:
    """Exported JSON imported again is the same definition: no new version."""
    version = import_definition(claim_processing())
    text = export_definition(version.definition)
    assert json.loads(text) == claim_processing()
    assert import_definition(text).pk == version.pk


def test_import_with_problems_changes_nothing_and_lists_every_problem() -> None:
    """Two bad transitions and a bad status: all reported, the stored definition unchanged."""
    import_definition(claim_processing())
    data = claim_processing()
    data["transitions"][0]["target"] = "fraud_chek"
    data["transitions"][1]["conditions"] = ["claim.amount >"]
    data["custom"]["statuses"]["review"].append({"name": "x", "title": "X", "kind": "default"})
    with pytest.raises(statecore.WorkflowDefinitionError) as caught:
        import_definition(data)
    message = str(caught.value)
    assert "transitions[0].target" in message and "fraud_check" in message
    assert "transitions[1]" in message
    assert "custom.statuses.review: 2 default statuses (under_review, x)" in message
    definition = WorkflowDefinition.objects.get(name="claim_processing")
    assert definition.versions.count() == 1
    assert Transition.objects.get(definition=definition, name="to_fraud_check").target.name == (
        "fraud_check"
    )


def test_command_exports_and_imports_files(tmp_path: Path) -> None:
    """import publishes version 1, unchanged the second time; export writes the file."""
    source = tmp_path / "claim.json"
    source.write_text(json.dumps(claim_processing()), encoding="utf-8")
    out = io.StringIO()
    call_command("statecore_definitions", "import", str(source), stdout=out)
    call_command("statecore_definitions", "import", str(source), stdout=out)
    target = tmp_path / "out.json"
    call_command(
        "statecore_definitions", "export", "claim_processing", "-o", str(target), stdout=out
    )
    assert out.getvalue().splitlines() == [
        Command.IMPORTED.format(name="claim_processing", number=1),
        Command.UNCHANGED.format(name="claim_processing", number=1),
        Command.EXPORTED.format(name="claim_processing", path=target),
    ]
    assert json.loads(target.read_text(encoding="utf-8")) == claim_processing()


def test_command_refuses_unknown_names_and_bad_files(tmp_path: Path) -> None:
    """An unknown definition and a file that is not JSON fail with what to do."""
    with pytest.raises(CommandError, match="no workflow definition is named 'nope'"):
        call_command("statecore_definitions", "export", "nope")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)nothing imported.*not JSON"):
        call_command("statecore_definitions", "import", str(bad))


def test_import_of_json_nested_too_deeply_is_a_definition_error(tmp_path: Path) -> None:
    """A file of deeply nested arrays fails with what to do, and nothing is imported."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"name": "x", "custom": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(CommandError, match=r"(?s)nothing imported.*nested too deeply"):
        call_command("statecore_definitions", "import", str(deep))
    assert not WorkflowDefinition.objects.exists()


def test_system_check_reports_broken_and_unpublished_definitions() -> None:
    """E001 for a definition whose rows make no workflow, W001 for unpublished changes."""
    version = import_definition(claim_processing())
    Step.objects.filter(definition=version.definition, name="review").update(title="Checked")
    broken = WorkflowDefinition.objects.create(name="broken")
    Step.objects.create(definition=broken, name="only", kind="normal")
    found = {
        message.id: message.msg
        for message in checks.run_checks(databases=["default"])
        if message.id and message.id.startswith("statecore_definitions")
    }
    assert "changed since version 1" in found["statecore_definitions.W001"]
    assert "'broken' is broken" in found["statecore_definitions.E001"]
    without_database = [m.id for m in checks.run_checks() if m.id and "definitions" in m.id]
    assert without_database == []


def test_migrations_of_the_app_are_complete() -> None:
    """makemigrations --check finds nothing to add to statecore_definitions."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.django.settings",
        "STATECORE_TEST_DB": "sqlite",
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
            "statecore_definitions",
            "flowapp",
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
