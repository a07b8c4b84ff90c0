"""``manage.py statecore_graph``: draw the workflows of state fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from statecore import graph

from .. import find_state_fields

#: File suffix of each format, for files written into a directory.
SUFFIXES = {"mermaid": ".mmd", "dot": ".dot", "svg": ".svg", "png": ".png", "pdf": ".pdf"}
#: How a diagram's name is written as a comment before it on standard output.
COMMENTS = {"mermaid": "%% {label}", "dot": "// {label}"}


class Command(BaseCommand):
    """Write the diagram of the workflow of one state field, or of every one.

    ``statecore_graph`` prints the DOT source of every state field's workflow;
    ``statecore_graph shop.Order -o order.svg`` draws one; with several fields, ``-o``
    names a directory that receives one ``app_label.Model.field.<suffix>`` file each.
    """

    help = (
        "Draw the workflow of state fields: app_label.Model[.field] (every state field when "
        "none is given) as Graphviz DOT, SVG, PNG, PDF or Mermaid."
    )

    #: Raised when no installed model has a state field.
    NO_FIELDS = "No installed model has a state field; nothing to draw"
    #: Raised when an image format is asked for without -o.
    NEEDS_OUTPUT = "Format {format!r} is an image: name the file to write with -o FILE"
    #: Raised when several diagrams should go to a path that is a file.
    NEEDS_DIRECTORY = (
        "{count} diagrams to write but {path} is a file; give -o a directory (it receives "
        "one file per state field) or name one app_label.Model.field"
    )
    #: Written after each file.
    WROTE = "Wrote {path}"

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the labels, ``-o`` and ``--format``."""
        parser.add_argument(
            "labels", nargs="*", metavar="app_label.Model[.field]", help="state fields to draw"
        )
        parser.add_argument(
            "-o",
            "--output",
            help="file to write (a directory when there are several diagrams); "
            "standard output when omitted",
        )
        parser.add_argument(
            "--format",
            choices=graph.FORMATS,
            help="diagram format; default: from the -o suffix, else dot",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Draw the diagrams."""
        fields = find_state_fields(options["labels"])
        if not fields:
            raise CommandError(self.NO_FIELDS)
        output = options["output"]
        several = len(fields) > 1
        kind = options["format"]
        if kind is None:
            if output is not None and not several and Path(output).suffix:
                kind = self._format_for(output)
            else:
                kind = "dot"
        if output is None:
            self._print(fields, kind)
            return
        target = Path(output)
        if several:
            if target.exists() and not target.is_dir():
                raise CommandError(self.NEEDS_DIRECTORY.format(count=len(fields), path=target))
            for model, field in fields:
                label = f"{model._meta.label}.{field.name}"
                self._write(field, target / f"{label}{SUFFIXES[kind]}", kind)
        else:
            self._write(fields[0][1], target, kind)

    def _format_for(self, output: str) -> str:
        try:
            return graph.format_for(output)
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _print(self, fields: list[tuple[Any, Any]], kind: str) -> None:
        if kind not in graph.TEXT_FORMATS:
            raise CommandError(self.NEEDS_OUTPUT.format(format=kind))
        for index, (model, field) in enumerate(fields):
            if len(fields) > 1:
                if index:
                    self.stdout.write("")
                label = f"{model._meta.label}.{field.name}"
                self.stdout.write(COMMENTS[kind].format(label=label))
            draw = graph.to_mermaid if kind == "mermaid" else graph.to_dot
            self.stdout.write(draw(field.workflow_class), ending="")

    def _write(self, field: Any, path: Path, kind: str) -> None:
        try:
            written = graph.render(field.workflow_class, path, format=kind)
        except (ImportError, RuntimeError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.WROTE.format(path=written))
