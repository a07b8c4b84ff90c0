"""``manage.py statecore_definitions``: export and import workflow definitions as JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import statecore

from ...exchange import export_definition, import_definition
from ...models import WorkflowDefinition


class Command(BaseCommand):
    """Export a definition to JSON, or import (create or replace, then publish) one.

    ``export NAME [-o FILE]`` writes the definition's JSON (statecore's workflow schema,
    statuses in ``custom.statuses``) to the file or standard output. ``import FILE...``
    reads each file (``-`` for standard input), checks it, replaces the definition's
    steps, statuses and transitions and publishes the result, each file in one
    transaction: a file with problems changes nothing and the command fails listing them.
    """

    help = "Export workflow definitions to JSON, or import and publish them from JSON."

    #: Written per imported file.
    IMPORTED = "{name}: published version {number}"
    #: Written per imported file that changed nothing.
    UNCHANGED = "{name}: unchanged (version {number})"
    #: Written per exported file.
    EXPORTED = "{name}: written to {path}"
    #: Raised for an unknown definition name.
    UNKNOWN = "no workflow definition is named {name!r}; defined: {names}"
    #: Raised for a file with problems.
    INVALID = "{path}: nothing imported, {problems}"

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the ``export`` and ``import`` actions."""
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write a definition's JSON")
        export.add_argument("name", help="the definition's name")
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        load = actions.add_parser("import", help="import and publish definitions")
        load.add_argument("paths", nargs="+", help="JSON files ('-' for standard input)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the action."""
        if options["action"] == "export":
            self._export(options["name"], options.get("output"))
        else:
            for path in options["paths"]:
                self._import(path)

    def _export(self, name: str, output: str | None) -> None:
        definition = WorkflowDefinition.objects.filter(name=name).first()
        if definition is None:
            names = ", ".join(WorkflowDefinition.objects.values_list("name", flat=True)) or "none"
            raise CommandError(self.UNKNOWN.format(name=name, names=names))
        text = export_definition(definition)
        if output is None:
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(self.EXPORTED.format(name=name, path=output))

    def _import(self, path: str) -> None:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        before = set(
            WorkflowDefinition.objects.values_list("versions__pk", flat=True).exclude(
                versions__pk=None
            )
        )
        try:
            version = import_definition(text)
        except statecore.WorkflowDefinitionError as exc:
            raise CommandError(self.INVALID.format(path=path, problems=exc)) from None
        message = self.UNCHANGED if version.pk in before else self.IMPORTED
        self.stdout.write(message.format(name=version.definition.name, number=version.number))
