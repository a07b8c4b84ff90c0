"""A stored definition as data: statecore's workflow schema, plus the statuses of each step.

`definition_data` reads a `WorkflowDefinition`'s rows; `build` turns plain rows (the
admin's form data too) into the schema; `problems` lists everything wrong with it, each
problem starting with its place (``transitions[3].target: ...``), at once. Statuses
travel in the workflow's ``custom`` data, by step:
``{"statuses": {"<step>": [{"name", "title", "kind"}, ...]}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import statecore
from statecore.workflow import did_you_mean

if TYPE_CHECKING:
    from .models import WorkflowDefinition

__all__ = ["STATUS_KINDS", "build", "definition_data", "problems", "statuses_of"]

#: The kinds a status may have.
STATUS_KINDS = ("normal", "default", "completion")


def build(
    *,
    name: str,
    title: str = "",
    description: str = "",
    steps: Iterable[Mapping[str, Any]],
    statuses: Iterable[Mapping[str, Any]] = (),
    transitions: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Return the workflow data of a definition given as rows.

    Args:
        name: the definition's name (the workflow class name).
        title: its title.
        description: its description.
        steps: ``{"name", "title", "kind"}`` per step, in order.
        statuses: ``{"step", "name", "title", "kind"}`` per status (``step``: a step name).
        transitions: ``{"name", "source", "target", "condition", "priority", "label"}``
            per transition (``source``/``target``: step names; ``condition``: CEL or "").

    Returns:
        A dict in statecore's workflow schema (version 1).
    """
    by_step: dict[str, list[dict[str, Any]]] = {}
    for status in statuses:
        by_step.setdefault(str(status["step"]), []).append(
            {
                "name": status["name"],
                "title": status.get("title") or status["name"],
                "kind": status.get("kind") or "normal",
            }
        )
    states = []
    for step in steps:
        state: dict[str, Any] = {
            "name": step["name"],
            "title": step.get("title") or step["name"],
            "kind": step.get("kind") or "normal",
        }
        states.append(state)
    rows = []
    for transition in transitions:
        condition = str(transition.get("condition") or "").strip()
        row: dict[str, Any] = {
            "name": transition["name"],
            "source": transition["source"],
            "target": transition["target"],
            "conditions": [condition] if condition else [],
            "priority": int(transition.get("priority") or 0),
        }
        if transition.get("label"):
            row["label"] = transition["label"]
        rows.append(row)
    return {
        "schema_version": 1,
        "name": name,
        "title": title or name,
        "description": description,
        "states": states,
        "transitions": rows,
        "custom": {
            "statuses": {state["name"]: by_step.get(str(state["name"]), []) for state in states}
        },
    }


def statuses_of(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return the statuses of each step of definition data (step name -> status rows)."""
    custom = data.get("custom") or {}
    statuses = custom.get("statuses") if isinstance(custom, Mapping) else None
    if not isinstance(statuses, Mapping):
        return {}
    return {str(step): list(rows or ()) for step, rows in statuses.items()}


def definition_data(definition: WorkflowDefinition) -> dict[str, Any]:
    """Return the workflow data of a stored definition (3 queries: steps, statuses, transitions)."""
    steps = list(definition.steps.values("id", "name", "title", "kind"))
    names = {step["id"]: step["name"] for step in steps}
    statuses = [
        {**status, "step": names.get(status["step_id"], "")}
        for status in definition.statuses.values("step_id", "name", "title", "kind")
    ]
    transitions = [
        {
            **row,
            "source": names.get(row["source_id"], ""),
            "target": names.get(row["target_id"], ""),
        }
        for row in definition.transitions.values(
            "name", "source_id", "target_id", "condition", "priority", "label"
        )
    ]
    return build(
        name=definition.name,
        title=definition.title,
        description=definition.description,
        steps=steps,
        statuses=statuses,
        transitions=transitions,
    )


def problems(data: Mapping[str, Any]) -> list[str]:
    """Every problem of the definition's data: its statuses, then the workflow's own.

    The workflow is checked by compiling it (statecore's data loader: unknown steps,
    duplicate names, CEL syntax, a missing initial step, ...).
    """
    found = _status_problems(data)
    from .compiler import workflow_class

    try:
        workflow_class(data)
    except statecore.WorkflowDefinitionError as exc:
        found += list(exc.problems)
    except ImportError as exc:  # the CEL runtime is missing: say how to install it
        found.append(str(exc))
    return found


def _status_problems(data: Mapping[str, Any]) -> list[str]:
    found = []
    by_step = statuses_of(data)
    steps = [
        str(state.get("name")) for state in data.get("states") or () if isinstance(state, Mapping)
    ]
    for step in by_step:
        if step not in steps:
            found.append(
                f"custom.statuses.{step}: statuses of an unknown step{did_you_mean(step, steps)}"
            )
    for step in steps:
        statuses = by_step.get(str(step), [])
        where = f"custom.statuses.{step}"
        names = [str(status.get("name")) for status in statuses]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            found.append(f"{where}: status names used twice: {', '.join(duplicates)}; rename one")
        defaults = [str(s.get("name")) for s in statuses if s.get("kind") == "default"]
        if len(defaults) > 1:
            found.append(
                f"{where}: {len(defaults)} default statuses ({', '.join(defaults)}); a step "
                f"has at most one: make the others normal"
            )
        for position, status in enumerate(statuses):
            if status.get("kind") not in STATUS_KINDS:
                found.append(
                    f"{where}.statuses[{position}]: kind {status.get('kind')!r} is not one of "
                    f"{', '.join(STATUS_KINDS)}"
                )
            if not str(status.get("name") or "").strip():
                found.append(f"{where}.statuses[{position}]: a status needs a name")
    return found
