"""JSON import and export of stored definitions (statecore's workflow schema).

The JSON of a definition is its workflow data (`statecore_django.definitions.data`):
``name``, ``title``, ``description``, ``states`` (the steps, with their statuses in
``custom.statuses``) and ``transitions``. Importing replaces the definition's steps,
statuses and transitions with the file's, checks the result and publishes it, all in one
transaction: a file with problems changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

import statecore

from .data import definition_data, problems, statuses_of
from .models import DefinitionVersion, Status, Step, Transition, WorkflowDefinition
from .versions import publish

__all__ = ["export_definition", "import_definition"]


def export_definition(definition: WorkflowDefinition) -> str:
    """Return the JSON text of a definition as currently stored (published or not).

    .. versionadded:: 0.1
    """
    return json.dumps(definition_data(definition), indent=2, ensure_ascii=False) + "\n"


def import_definition(data: Mapping[str, Any] | str) -> DefinitionVersion:
    """Create or replace the definition described by ``data`` (a dict or JSON text), and publish it.

    Returns:
        The published version (the latest one, when nothing changed).

    Raises:
        WorkflowDefinitionError: every problem of the data, each with its place;
            nothing is changed.

    .. versionadded:: 0.1
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise statecore.WorkflowDefinitionError("<json>", [f"not JSON: {exc}"]) from None
        except RecursionError:
            problem = "arrays or objects are nested too deeply to be read; flatten the JSON"
            raise statecore.WorkflowDefinitionError("<json>", [problem]) from None
    if not isinstance(data, Mapping):
        raise statecore.WorkflowDefinitionError("<json>", ["the data must be a JSON object"])
    name = str(data.get("name") or "")
    found = _shape_problems(data) + problems(data)
    if found:
        raise statecore.WorkflowDefinitionError(name or "<json>", found)
    with transaction.atomic():
        definition, _ = WorkflowDefinition.objects.select_for_update().get_or_create(name=name)
        definition.title = str(data.get("title") or "")
        definition.description = str(data.get("description") or "")
        definition.save()
        definition.transitions.all().delete()
        definition.statuses.all().delete()
        definition.steps.all().delete()
        steps: dict[str, Step] = {}
        by_step = statuses_of(data)
        for position, state in enumerate(data["states"]):
            steps[state["name"]] = Step.objects.create(
                definition=definition,
                name=state["name"],
                title=state.get("title") or "",
                kind=state.get("kind") or "normal",
                position=position,
            )
            statuses = by_step.get(state["name"], [])
            Status.objects.bulk_create(
                Status(
                    definition=definition,
                    step=steps[state["name"]],
                    name=status["name"],
                    title=status.get("title") or "",
                    kind=status.get("kind") or "normal",
                    position=index,
                )
                for index, status in enumerate(statuses)
            )
        Transition.objects.bulk_create(
            Transition(
                definition=definition,
                name=row["name"],
                source=steps[_single(row["source"])],
                target=steps[_single(row["target"])],
                condition=_condition(row.get("conditions") or ()),
                priority=int(row.get("priority") or 0),
                label=row.get("label") or "",
                position=position,
            )
            for position, row in enumerate(data.get("transitions") or ())
        )
        return publish(definition)


def _single(value: Any) -> str:
    return value if isinstance(value, str) else str(value[0])


def _condition(conditions: Any) -> str:
    if len(conditions) == 1:
        return str(conditions[0])
    return " && ".join(f"({condition})" for condition in conditions)


def _shape_problems(data: Mapping[str, Any]) -> list[str]:
    """What the schema allows but a stored definition cannot hold: several or any steps."""
    found = []
    for index, row in enumerate(data.get("transitions") or ()):
        for end in ("source", "target"):
            value = row.get(end) if isinstance(row, Mapping) else None
            if value in ("*", "+") or (isinstance(value, list) and len(value) != 1):
                found.append(
                    f"transitions[{index}].{end}: {value!r}; a stored transition goes from one "
                    f"step to one step: give one step name (one transition per source step)"
                )
    return found
