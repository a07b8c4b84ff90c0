"""Decorated methods compiled into statecore workflows, and "why not" for one transition.

`workflow_for` turns the ``@transition`` methods of one state field of a model into a
`statecore.Workflow` class, checked as any workflow is when it is created, so that
statecore's tools work on a django-fsm model: ``statecore.graph.to_mermaid``/``to_dot``,
``statecore.lint.lint``, ``statecore.testing.walks``. `explain` answers why a transition
cannot run now, with statecore's `Availability`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import Any

import statecore

from .fields import FSMFieldMixin
from .transitions import ANY_OTHER_STATE, ANY_STATE, FSMMeta, State, bound, holds

__all__ = ["explain", "state_name", "workflow_for"]

_compiled: dict[tuple[type, str], type[statecore.Workflow[Any]]] = {}


def state_name(value: Any) -> str:
    """The statecore state name of a django-fsm state value (a Python identifier).

    A value that is an identifier keeps its text; any other (an integer, ``"in-review"``)
    becomes ``s_`` followed by its text with every other character replaced by ``_``.
    """
    text = str(getattr(value, "value", value))
    if text.isidentifier() and not keyword.iskeyword(text) and not text.startswith("_"):
        return text
    return "s_" + re.sub(r"\W", "_", text)


def _field(model: type, field: str | None) -> FSMFieldMixin:
    fields = [f for f in model._meta.fields if isinstance(f, FSMFieldMixin)]  # type: ignore[attr-defined]
    if field is not None:
        fields = [f for f in fields if field in (f.name, f.attname)]
    if len(fields) != 1:
        names = ", ".join(f.name for f in model._meta.fields if isinstance(f, FSMFieldMixin))  # type: ignore[attr-defined]
        msg = (
            f"{model.__name__} has state fields {names or '(none)'}; "
            f"name one with field=... ({field!r} is not one of them)"
        )
        raise LookupError(msg)
    return fields[0]


def _values(meta: FSMMeta) -> Iterable[Any]:
    for found in meta.transitions.values():
        if found.source not in (ANY_STATE, ANY_OTHER_STATE):
            yield found.source
        if isinstance(found.target, State):
            yield from found.target.allowed_states
        elif found.target is not None:
            yield found.target
        if found.on_error:
            yield found.on_error


def workflow_for(model: type, field: str | None = None) -> type[statecore.Workflow[Any]]:
    """Compile the transitions of a django-fsm state field into a statecore workflow.

    States are the field's choices and every state a transition names (an integer or
    other non-identifier value is named by `state_name`, its value kept as
    ``State.value``); one transition per decorated method, its sources, targets (a
    ``RETURN_VALUE``/``GET_STATE`` target: its allowed states; a None target: its
    sources), conditions, permission, ``on_error`` and ``custom``. The class is made
    once per model and field.

    Args:
        model: the model class.
        field: the state field's name, when the model has several.

    Returns:
        A `statecore.Workflow` subclass.

    Raises:
        LookupError: no such state field.
        statecore.WorkflowDefinitionError: the transitions do not make a valid workflow
            (every problem listed).

    .. versionadded:: 0.1
    """
    state_field = _field(model, field)
    key = (model, state_field.name)
    cached = _compiled.get(key)
    if cached is not None:
        return cached
    titles: dict[Any, str] = {}
    for value, title in state_field.flatchoices:
        titles.setdefault(value, str(title))
    default = state_field.get_default()
    if default is not None and default != "":
        titles.setdefault(default, str(default))
    methods = state_field.transition_methods(model)
    for method in methods.values():
        for value in _values(method._django_fsm):
            titles.setdefault(value, str(value))
    states = tuple(statecore.State(state_name(v), title, value=v) for v, title in titles.items())
    everything = [s.name for s in states]
    transitions = []
    for name, method in methods.items():
        meta: FSMMeta = method._django_fsm
        records = list(meta.transitions.values())
        sources = [r.source for r in records]
        if ANY_STATE in sources:
            source: Any = statecore.ANY
        elif ANY_OTHER_STATE in sources:
            source = statecore.ANY_BUT_TARGET
        else:
            source = [state_name(s) for s in sources]
        targets: list[str] = []
        for record in records:
            if isinstance(record.target, State):
                allowed = record.target.allowed_states
                found = [state_name(s) for s in allowed] if allowed else everything
            elif record.target is None:
                found = everything if isinstance(source, str) else list(source)
            else:
                found = [state_name(record.target)]
            targets.extend(t for t in found if t not in targets)
        first = records[0]
        transitions.append(
            statecore.Transition(
                name,
                source,
                targets if len(targets) > 1 else targets[0],
                conditions=tuple(c for r in records for c in r.conditions),
                permission=first.permission,
                on_error=state_name(first.on_error) if first.on_error else None,
                custom=first.custom,
                label=str(first.custom.get("label") or name),
            )
        )
    initial = state_name(default) if default in titles else everything[0] if everything else None
    namespace = {
        "__module__": model.__module__,
        "__qualname__": f"{model.__qualname__}.{state_field.name}",
        "states": states,
        "transitions": tuple(transitions),
        "initial_state": initial,
    }
    compiled = type(f"{model.__name__}Workflow", (statecore.Workflow,), namespace)
    _compiled[key] = compiled
    return compiled


def explain(bound_method: Any, user: Any = None) -> statecore.Availability:
    """Tell whether a bound transition method could run now, and if not every reason why.

    Args:
        bound_method: e.g. ``post.publish``.
        user: also check the transition's permission for this user.

    Returns:
        A `statecore.Availability`: true when available; else its ``reasons`` name the
        state, each unmet condition and the permission.

    Raises:
        TypeError: the method is not a transition.

    .. versionadded:: 0.1
    """
    meta, instance, state = bound(bound_method)
    name = bound_method.__name__
    reasons: list[statecore.Reason] = []
    if not meta.has_transition(state):
        message = f"{name!r} cannot run from state {state!r}"
        reasons.append(statecore.Reason("state", str(state), message))
        return statecore.Availability(name, str(state), tuple(reasons))
    found = meta.get_transition(state)
    assert found is not None  # has_transition said so
    for condition in found.conditions:
        if not holds(condition(instance)):
            label = getattr(condition, "__name__", repr(condition))
            reasons.append(statecore.Reason("condition", label, f"condition {label!r} is not met"))
    if user is not None and not found.has_perm(instance, user):
        permission = found.permission
        label = permission if isinstance(permission, str) else getattr(permission, "__name__", "")
        reasons.append(
            statecore.Reason("permission", label, f"the user may not run {name!r} ({label})")
        )
    return statecore.Availability(name, str(state), tuple(reasons))
