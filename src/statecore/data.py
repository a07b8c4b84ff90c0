"""Workflows from data: a versioned schema, loaded from a dict or JSON, and written back.

A workflow defined as data becomes a real `statecore.Workflow` subclass, checked like a
class is, with every problem reported at once and located by its path in the data
(``transitions[3].target``). The schema (version 1) is documented in
docs/data-workflows.md; `workflow_to_dict` writes it back in its canonical form, every
key present, so that ``workflow_to_dict(workflow_from_dict(data)) == data`` for
canonical data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any, TypeVar, cast, overload

from .errors import ExpressionError, WorkflowDefinitionError
from .expressions import Expression
from .holding import CANCEL, HOLD, RESUME
from .states import State, StateKind, is_valid_name, name_problem
from .transitions import ANY, ANY_BUT_TARGET, Transition
from .workflow import Workflow, _reserved, did_you_mean

__all__ = [
    "SCHEMA_VERSION",
    "workflow_from_dict",
    "workflow_from_json",
    "workflow_to_dict",
    "workflow_to_json",
]

#: The version of the data schema this statecore reads and writes.
SCHEMA_VERSION = 1

W = TypeVar("W", bound="Workflow")

_TOP_KEYS = frozenset(
    (
        "schema_version",
        "name",
        "title",
        "description",
        "initial_state",
        "states",
        "transitions",
        "custom",
    )
)
_STATE_KEYS = frozenset(("name", "title", "kind", "value"))
_TRANSITION_KEYS = frozenset(
    (
        "name",
        "source",
        "target",
        "conditions",
        "priority",
        "label",
        "description",
        "custom",
        "on_error",
        "permission",
    )
)
_KINDS = tuple(kind.value for kind in StateKind)
_SCALARS = (str, int, float, bool)


@overload
def workflow_from_dict(data: Mapping[str, Any], *, base: None = None) -> type[Workflow]: ...
@overload
def workflow_from_dict(data: Mapping[str, Any], *, base: type[W]) -> type[W]: ...
def workflow_from_dict(
    data: Mapping[str, Any], *, base: type[W] | None = None
) -> type[W] | type[Workflow]:
    """Build a workflow class from data (schema version 1).

    Args:
        data: the definition: ``schema_version``, ``name``, ``states``, ``transitions``
            and the optional keys docs/data-workflows.md lists.
        base: the class to subclass, a `statecore.Workflow` subclass without states
            (``statecore_django.Workflow`` for a Django workflow); `statecore.Workflow`
            when None.

    Returns:
        The new workflow class, named ``data["name"]``.

    Raises:
        WorkflowDefinitionError: every problem of the data, each starting with its path
            (``transitions[3].target: unknown state 'revew'``).
        ImportError: a condition needs the ``cel`` extra, which is not installed.

    .. versionadded:: 0.1
    """
    chosen: object = Workflow if base is None else base  # untyped callers: anything
    if not isinstance(data, Mapping):
        raise WorkflowDefinitionError(
            "workflow data", [f"the data must be a JSON object (a mapping); got {data!r}"]
        )
    raw_name = data.get("name")
    label = raw_name if isinstance(raw_name, str) and raw_name else "workflow data"
    problems: list[str] = []
    if not (isinstance(chosen, type) and issubclass(chosen, Workflow)) or chosen.states is not None:
        problems.append(
            f"base: {chosen!r} is not a Workflow class without states; give an abstract "
            f"Workflow subclass (one that defines no states) or None"
        )
    namespace = _namespace(data, problems)
    if problems:
        raise WorkflowDefinitionError(label, problems)
    try:
        return cast("type[W]", type(label, (cast("type", chosen),), namespace))
    except WorkflowDefinitionError as exc:  # a rule of the class checks not repeated here
        raise WorkflowDefinitionError(label, [f"(definition) {p}" for p in exc.problems]) from None


@overload
def workflow_from_json(
    source: str | os.PathLike[str] | IO[str], *, base: None = None
) -> type[Workflow]: ...
@overload
def workflow_from_json(source: str | os.PathLike[str] | IO[str], *, base: type[W]) -> type[W]: ...
def workflow_from_json(
    source: str | os.PathLike[str] | IO[str], *, base: type[W] | None = None
) -> type[W] | type[Workflow]:
    """Build a workflow class from JSON: a file path, an open file, or JSON text.

    Args:
        source: a path (``str`` or ``PathLike``), a text file object, or a string
            starting with ``{`` (the JSON itself).
        base: as for `workflow_from_dict`.

    Returns:
        The new workflow class.

    Raises:
        WorkflowDefinitionError: the JSON does not parse (with its line and column), or
            the data has problems (with their paths).
        OSError: the file cannot be read.

    .. versionadded:: 0.1
    """
    import json  # not worth its import time for `import statecore`

    if isinstance(source, str) and source.lstrip().startswith("{"):
        where, text = "JSON text", source
    elif isinstance(source, (str, os.PathLike)):
        where = os.fspath(source)
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    else:
        where, text = getattr(source, "name", "JSON file"), source.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"line {exc.lineno} column {exc.colno}: {exc.msg}; fix the JSON"
        raise WorkflowDefinitionError(str(where), [problem]) from None
    except RecursionError:
        problem = "arrays or objects are nested too deeply to be read; flatten the JSON"
        raise WorkflowDefinitionError(str(where), [problem]) from None
    return workflow_from_dict(data, base=base)


def workflow_to_dict(workflow: type[Workflow]) -> dict[str, Any]:
    """Return a workflow class as data, in the canonical form of the schema.

    Every key is present (defaults included); sources and targets are a name when
    there is one and a list otherwise; source wildcards are written expanded. The
    transitions generated for state kinds (``hold``, ``resume``, ``cancel``) are left
    out: the kinds give them back.

    Args:
        workflow: a workflow class, defined as data or as a class.

    Returns:
        The data, ready for ``json.dumps`` if its ``custom`` values are.

    Raises:
        WorkflowDefinitionError: the workflow holds what data cannot say (a callable
            condition, permission or target chooser, a method-name condition), each
            named with its path.

    .. versionadded:: 0.1
    """
    problems: list[str] = []
    initial = workflow.initial_state.name
    states = []
    for state in workflow.states:
        kind = state.kind
        if kind is StateKind.NORMAL and state.final:
            kind = StateKind.FINAL
        states.append(
            {"name": state.name, "title": state.title, "kind": kind.value, "value": state.value}
        )
    transitions = []
    generated = workflow._generated
    for index, transition in enumerate(t for t in workflow.transitions if t.name not in generated):
        transitions.append(_transition_data(transition, f"transitions[{index}]", problems))
    if problems:
        raise WorkflowDefinitionError(workflow, problems)
    return {
        "schema_version": SCHEMA_VERSION,
        "name": workflow.__name__,
        "title": str(getattr(workflow, "title", "") or ""),
        "description": str(getattr(workflow, "description", "") or ""),
        "initial_state": initial,
        "states": states,
        "transitions": transitions,
        "custom": dict(getattr(workflow, "custom", None) or {}),
    }


def workflow_to_json(workflow: type[Workflow], *, indent: int | None = 2) -> str:
    """Return `workflow_to_dict` of ``workflow`` as JSON text.

    Raises:
        WorkflowDefinitionError: as `workflow_to_dict`.
        TypeError: a ``custom`` value is not JSON.

    .. versionadded:: 0.1
    """
    import json

    return json.dumps(workflow_to_dict(workflow), indent=indent, ensure_ascii=False)


# -- reading ----------------------------------------------------------------------------


def _namespace(data: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """Check the data and build the class namespace; add every problem found."""
    _unknown_keys(data, _TOP_KEYS, "", problems)
    version = data.get("schema_version")
    if version != SCHEMA_VERSION or type(version) is not int:
        problems.append(
            f"schema_version: {version!r} is not a schema this statecore reads; "
            f"write 'schema_version': {SCHEMA_VERSION}"
        )
    name = data.get("name")
    if not is_valid_name(name):
        problems.append(f"name: {name_problem('workflow', name)}")
    for key in ("title", "description"):
        if not isinstance(data.get(key, ""), str):
            problems.append(f"{key}: must be a string; got {data[key]!r}")
    custom = data.get("custom", {})
    if not isinstance(custom, Mapping):
        problems.append(f"custom: must be an object; got {custom!r}")

    states = _states(data.get("states"), problems)
    initial = _initial(data, states, problems)
    transitions = _transitions(data.get("transitions"), states, problems)
    for key in sorted(set(states) & set(transitions)):
        problems.append(
            f"transitions[{transitions[key][0]}].name: {key!r} is both a state and a "
            f"transition; rename one of them"
        )
    return {
        "states": tuple(states.values()),
        "transitions": tuple(spec for _index, spec in transitions.values()),
        "initial_state": initial,
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "custom": dict(custom) if isinstance(custom, Mapping) else {},
        "__module__": __name__,
    }


def _unknown_keys(
    item: Mapping[str, Any], known: frozenset[str], path: str, problems: list[str]
) -> None:
    if item.keys() <= known:
        return
    for key in item:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            problems.append(
                f"{where}: unknown key{did_you_mean(key, known)}; keys: {', '.join(sorted(known))}"
            )


def _states(spec: object, problems: list[str]) -> dict[str, State]:
    if not isinstance(spec, list) or not spec:
        problems.append(f"states: must be a non-empty list of states; got {spec!r}")
        return {}
    states: dict[str, State] = {}
    for index, item in enumerate(spec):
        path = f"states[{index}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            problems.append(f"{path}: must be an object with a name, or a name; got {item!r}")
            continue
        _unknown_keys(item, _STATE_KEYS, path, problems)
        name: Any = item.get("name")
        if not is_valid_name(name):
            problems.append(f"{path}.name: {name_problem('state', name)}")
            continue
        if name in states:
            problems.append(f"{path}.name: state {name!r} is defined twice")
            continue
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            problems.append(f"{path}.title: must be a string; got {title!r}")
            title = None
        kind = item.get("kind", "normal")
        if kind not in _KINDS:
            problems.append(
                f"{path}.kind: {kind!r} is not a state kind; kinds: {', '.join(_KINDS)}"
            )
            kind = "normal"
        value = item.get("value")
        if value is not None and (not isinstance(value, _SCALARS) or isinstance(value, bool)):
            problems.append(f"{path}.value: must be a string or a number; got {value!r}")
            value = None
        if title is None:
            states[name] = State(name, value=value, kind=kind)
        else:
            states[name] = State(name, title, value=value, kind=kind)
    return states


def _initial(data: Mapping[str, Any], states: dict[str, State], problems: list[str]) -> str | None:
    marked = [name for name, state in states.items() if state.kind is StateKind.INITIAL]
    given = data.get("initial_state")
    if given is not None:
        if given not in states:
            problems.append(
                f"initial_state: {given!r} is not a state{did_you_mean(given, states)}; "
                f"states: {', '.join(states) or 'none'}"
            )
            return None
        if marked and marked != [given]:
            problems.append(
                f"initial_state: {given!r} disagrees with the state(s) of kind 'initial' "
                f"({', '.join(marked)}); keep one of the two"
            )
        return str(given)
    if len(marked) == 1:
        return marked[0]
    if not marked:
        if states:
            problems.append(
                "states: no state has kind 'initial'; mark the state new objects start in "
                "(or give initial_state)"
            )
        return None
    problems.append(f"states: several states have kind 'initial' ({', '.join(marked)}); keep one")
    return None


def _transitions(
    spec: object, states: dict[str, State], problems: list[str]
) -> dict[str, tuple[int, Transition | tuple[str, str, str]]]:
    if spec is None:
        spec = []
    if not isinstance(spec, list):
        problems.append(f"transitions: must be a list of transitions; got {spec!r}")
        return {}
    kinds = {state.kind for state in states.values()}
    generated = set()
    if StateKind.ON_HOLD in kinds:
        generated |= {HOLD, RESUME}
    if StateKind.CANCELLATION in kinds:
        generated.add(CANCEL)
    found: dict[str, tuple[int, Transition | tuple[str, str, str]]] = {}
    for index, item in enumerate(spec):
        path = f"transitions[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{path}: must be an object with name, source and target; got {item!r}")
            continue
        before = len(problems)
        _unknown_keys(item, _TRANSITION_KEYS, path, problems)
        name: Any = item.get("name")
        if not is_valid_name(name):
            problems.append(f"{path}.name: {name_problem('transition', name)}")
        elif _reserved(name):
            problems.append(f"{path}.name: {name!r} is reserved by Python or statecore; rename it")
        elif name in found:
            problems.append(f"{path}.name: transition {name!r} is defined twice")
        elif name in generated:
            problems.append(
                f"{path}.name: {name!r} is generated for the state kinds (on_hold gives hold "
                f"and resume, cancellation gives cancel); rename the transition"
            )
        source = _names(item.get("source"), f"{path}.source", states, problems, wildcards=True)
        target = _names(item.get("target"), f"{path}.target", states, problems, wildcards=False)
        options = _options(item, path, states, problems)
        if len(problems) > before:
            continue
        if not options and len(source) == 1 and len(target) == 1 and source[0] in states:
            found[name] = (index, (name, source[0], target[0]))
        else:
            found[name] = (index, Transition(name, source, target, **options))
    return found


def _names(
    spec: object, path: str, states: dict[str, State], problems: list[str], *, wildcards: bool
) -> tuple[str, ...]:
    if type(spec) is str and spec in states:
        return (spec,)  # the common case: one known state
    if isinstance(spec, str):
        if wildcards and spec in (ANY, ANY_BUT_TARGET):
            return (spec,)
        items: list[object] = [spec]
        single = True
    elif isinstance(spec, list) and spec:
        items, single = list(spec), False
    else:
        what = "a state name or a list of names"
        if wildcards:
            what += ", '*' or '+'"
        problems.append(f"{path}: must be {what}; got {spec!r}")
        return ()
    if not states:
        return ()  # "states" is reported already: every name would be unknown
    names = []
    for position, item in enumerate(items):
        where = path if single else f"{path}[{position}]"
        if not isinstance(item, str) or item not in states:
            problems.append(
                f"{where}: unknown state {item!r}{did_you_mean(item, states)}; "
                f"states: {', '.join(states) or 'none'}"
            )
        elif item in names:
            problems.append(f"{where}: state {item!r} is listed twice")
        else:
            names.append(item)
    return tuple(names)


def _options(
    item: Mapping[str, Any], path: str, states: dict[str, State], problems: list[str]
) -> dict[str, Any]:
    """The transition's keyword options that differ from the defaults, checked."""
    options: dict[str, Any] = {}
    conditions = item.get("conditions", [])
    if not isinstance(conditions, list):
        problems.append(f"{path}.conditions: must be a list of expressions; got {conditions!r}")
    elif conditions:
        compiled = []
        for position, text in enumerate(conditions):
            where = f"{path}.conditions[{position}]"
            if not isinstance(text, str):
                problems.append(f"{where}: must be an expression string; got {text!r}")
                continue
            try:
                compiled.append(Expression(text))
            except ExpressionError as exc:
                problems.append(f"{where}: {exc}")
        options["conditions"] = tuple(compiled)
    priority = item.get("priority", 0)
    if type(priority) is not int:
        problems.append(f"{path}.priority: must be an integer (higher first); got {priority!r}")
    elif priority:
        options["priority"] = priority
    for key in ("label", "description", "permission"):
        value = item.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"{path}.{key}: must be a string; got {value!r}")
        elif value or key == "label":
            options[key] = value
    custom = item.get("custom")
    if custom is not None:
        if not isinstance(custom, Mapping):
            problems.append(f"{path}.custom: must be an object; got {custom!r}")
        elif custom:
            options["custom"] = dict(custom)
    on_error = item.get("on_error")
    if on_error is not None:
        if on_error not in states:
            problems.append(
                f"{path}.on_error: unknown state {on_error!r}{did_you_mean(on_error, states)}"
            )
        else:
            options["on_error"] = on_error
    return options


# -- writing ----------------------------------------------------------------------------


def _transition_data(transition: Transition, path: str, problems: list[str]) -> dict[str, Any]:
    conditions = []
    for position, condition in enumerate(transition.conditions):
        text = getattr(condition, "condition_label", None)
        if text is None:
            problems.append(
                f"{path}.conditions[{position}]: {condition!r} is code, not an expression; "
                f"data holds expression conditions only"
            )
        conditions.append(text)
    permission = transition.permission
    if permission is not None and not isinstance(permission, str):
        problems.append(
            f"{path}.permission: {permission!r} is code; data holds permission names only"
        )
    if transition.choose_target is not None:
        problems.append(f"{path}: its choose_target is code; data cannot hold it")
    source = transition.source
    targets = transition.targets
    return {
        "name": transition.name,
        "source": source[0] if len(source) == 1 else list(source),
        "target": targets[0] if len(targets) == 1 else list(targets),
        "conditions": conditions,
        "priority": transition.priority,
        "label": transition.label,
        "description": transition.description,
        "permission": permission if isinstance(permission, str) else None,
        "on_error": transition.on_error,
        "custom": dict(transition.custom),
    }
