"""System checks of stored workflow definitions (database checks).

``statecore_definitions.E001``
    A definition's stored steps, statuses and transitions do not make a valid workflow
    (each problem is listed).
``statecore_definitions.W001``
    A definition was changed since its latest published version (or was never
    published): new instances still start with the old version.

Both read the database, so they run only when databases are given
(``manage.py check --database default``), as Django's own database checks do.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError

__all__ = ["check_definitions"]


@checks.register(checks.Tags.database)
def check_definitions(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report broken definitions, and definitions with unpublished changes.

    .. versionadded:: 0.1
    """
    if not databases or "default" not in databases:
        return []
    from .data import definition_data, problems
    from .models import WorkflowDefinition

    messages: list[checks.CheckMessage] = []
    try:
        definitions = list(WorkflowDefinition.objects.all())
        for definition in definitions:
            data = definition_data(definition)
            found = problems(data)
            if found:
                messages.append(
                    checks.Error(
                        f"workflow definition {definition.name!r} is broken: " + "; ".join(found),
                        hint="Fix it in the admin (the form lists each problem) or re-import it.",
                        obj=definition,
                        id="statecore_definitions.E001",
                    )
                )
                continue
            latest = definition.versions.order_by("-number").first()
            if latest is None or latest.data != data:
                what = (
                    "was never published"
                    if latest is None
                    else (f"changed since version {latest.number}")
                )
                messages.append(
                    checks.Warning(
                        f"workflow definition {definition.name!r} {what}; new instances start "
                        f"with {'no version' if latest is None else f'version {latest.number}'}",
                        hint="Publish it: save it in the admin, or call versions.publish().",
                        obj=definition,
                        id="statecore_definitions.W001",
                    )
                )
    except DatabaseError:  # tables not created yet (before migrate)
        return []
    return messages
