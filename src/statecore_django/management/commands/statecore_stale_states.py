"""``manage.py statecore_stale_states``: list rows whose state their workflow lacks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from ...checks import describe_stale, find_stale_states
from .. import find_state_fields


class Command(BaseCommand):
    """Report, per model and state field, the rows holding a state the workflow lacks.

    Such rows load and read fine (their state wrapper has ``known=False``), but no
    transition runs from them. Each stale value is listed with its row count and a few
    primary keys; ``--fail`` makes the command exit with status 1 when there are any
    (for a deployment pipeline).
    """

    help = (
        "List rows whose state is not a state of their workflow, per app_label.Model.field "
        "(every state field when none is given), with counts and example primary keys."
    )

    #: Written when every row holds a known state.
    NONE_FOUND = "Every row holds a state of its workflow."
    #: Written before the values of one state field.
    FIELD_HEADER = "{label} ({workflow}): {count} rows in states the workflow does not have"
    #: Written per stale value.
    VALUE_LINE = "  {description}"
    #: Raised when ``--database`` names no configured database.
    UNKNOWN_DATABASE = (
        "--database {database!r} is not in the DATABASES setting; use one of: {aliases}"
    )
    #: Raised with --fail when stale rows exist.
    FAILED = (
        "{count} rows hold states their workflow does not have; add the states back to the "
        "workflow or move the rows with a data migration"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare the labels, ``--database`` and ``--fail``."""
        parser.add_argument(
            "labels", nargs="*", metavar="app_label.Model[.field]", help="state fields to scan"
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)"
        )
        parser.add_argument(
            "--fail", action="store_true", help="exit with status 1 when stale rows exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Scan the tables and report."""
        database = options["database"]
        aliases = list(connections)
        if database not in aliases:
            raise CommandError(
                self.UNKNOWN_DATABASE.format(database=database, aliases=", ".join(aliases))
            )
        fields = find_state_fields(options["labels"])
        stale = find_stale_states(fields, database)
        if not stale:
            self.stdout.write(self.NONE_FOUND)
            return
        grouped: dict[str, list[Any]] = {}
        for item in stale:
            grouped.setdefault(item.label, []).append(item)
        for label, items in grouped.items():
            workflow = items[0].model._meta.get_field(items[0].field).workflow_class
            self.stdout.write(
                self.FIELD_HEADER.format(
                    label=label,
                    workflow=workflow.__qualname__,
                    count=sum(item.count for item in items),
                )
            )
            for item in items:
                self.stdout.write(self.VALUE_LINE.format(description=describe_stale(item)))
        if options["fail"]:
            raise CommandError(self.FAILED.format(count=sum(item.count for item in stale)))
