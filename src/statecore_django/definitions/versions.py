"""Publishing a definition: checking it and freezing it as the next version."""

from __future__ import annotations

from django.db import transaction

import statecore

from .data import definition_data, problems
from .models import DefinitionVersion, WorkflowDefinition

__all__ = ["current_version", "publish"]


def publish(definition: WorkflowDefinition) -> DefinitionVersion:
    """Check the definition and freeze it as its next version.

    Nothing is published when the definition is unchanged since its latest version (that
    version is returned). Running instances keep the version they started with; new
    instances start with this one.

    Raises:
        WorkflowDefinitionError: every problem of the definition, each with its place;
            nothing is published.

    .. versionadded:: 0.1
    """
    data = definition_data(definition)
    found = problems(data)
    if found:
        raise statecore.WorkflowDefinitionError(definition.name, found)
    with transaction.atomic():
        latest = definition.versions.order_by("-number").first()
        if latest is not None and latest.data == data:
            return latest
        number = 1 if latest is None else latest.number + 1
        return DefinitionVersion.objects.create(definition=definition, number=number, data=data)


def current_version(name: str) -> DefinitionVersion | None:
    """Return the latest published version of the definition named ``name`` (one query)."""
    return (
        DefinitionVersion.objects.filter(definition__name=name)
        .order_by("-number")
        .select_related(None)
        .first()
    )
