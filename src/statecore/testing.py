"""Helpers for unit-testing workflows, with no database and no test framework required.

Put an object in any state, assert which transitions are available (with the reasons
when they are not), run a transition and check where it lands::

    from statecore.testing import assert_available, assert_transition, set_state

    order = Order()
    set_state(order, "placed")
    assert_available(order, "pay", "cancel")
    assert_transition(order, "pay", to="paid")

The assertions raise `AssertionError`, so they work under pytest, unittest or a plain
script. `walks` and `workflows` are `hypothesis <https://hypothesis.readthedocs.io>`_
strategies for property tests; hypothesis is imported only when they are called.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .availability import Availability
from .binding import StateDescriptor, aavailable_transitions, available_transitions
from .errors import AwaitRequired, UnknownTransitionError, describe, names
from .implementation import ImplementationWrapper
from .states import StateWrapper
from .workflow import Workflow, did_you_mean

if TYPE_CHECKING:
    from types import ModuleType

    from hypothesis.strategies import SearchStrategy

__all__ = [
    "aassert_available",
    "aassert_not_available",
    "aassert_transition",
    "aavailable_names",
    "assert_available",
    "assert_not_available",
    "assert_transition",
    "available_names",
    "set_state",
    "walks",
    "workflows",
]


# -- finding the workflow of an object -----------------------------------------------------


def _fields(host: type) -> dict[str, Workflow]:
    """Return the workflow of each state attribute of a host class, or raise TypeError."""
    workflows: dict[str, Workflow] | None = getattr(host, "_workflows", None)
    if not workflows:
        msg = (
            f"{host.__qualname__} carries no workflow; statecore.testing helpers need a "
            f"statecore.WorkflowEnabled class with a state attribute (state = MyFlow())"
        )
        raise TypeError(msg)
    return workflows


def _field(host: type, field: str | None) -> str:
    """Return the state attribute to use on ``host``: ``field``, or its only one."""
    workflows = _fields(host)
    if field is None:
        if len(workflows) > 1:
            msg = (
                f"{host.__qualname__} has several workflows ({', '.join(workflows)}); "
                f"say which with field=..."
            )
            raise ValueError(msg)
        return next(iter(workflows))
    if field not in workflows:
        msg = (
            f"{field!r} is not a workflow attribute of {host.__qualname__}"
            f"{did_you_mean(field, workflows)}; fields: {', '.join(workflows)}"
        )
        raise ValueError(msg)
    return field


def _descriptor(host: type, field: str) -> StateDescriptor:
    descriptor = getattr(host, field)
    if not isinstance(descriptor, StateDescriptor):  # pragma: no cover - bound by WorkflowEnabled
        msg = f"{host.__qualname__}.{field} is not a state attribute"
        raise TypeError(msg)
    return descriptor


def _wrapper(obj: object, name: str, field: str | None) -> ImplementationWrapper[Any, Any]:
    """Return the bound transition ``name`` of ``obj`` (of ``field`` when given)."""
    host = type(obj)
    workflows = _fields(host)
    if field is not None:
        field = _field(host, field)
    wrapper = getattr(obj, name, None)
    if isinstance(wrapper, ImplementationWrapper) and field in (None, wrapper.field_name):
        return wrapper
    scope = [field] if field is not None else list(workflows)
    known = [t for f in scope for t in type(workflows[f]).transitions.names()]
    where = f" in field {field!r}" if field is not None else ""
    msg = (
        f"{describe(obj)} has no transition {name!r}{where}{did_you_mean(name, known)}; "
        f"transitions: {', '.join(known) or 'none'}"
    )
    raise UnknownTransitionError(msg, name=str(name), workflow=type(workflows[scope[0]]))


# -- putting an object in a state ----------------------------------------------------------


def set_state(obj: object, state: object, *, field: str | None = None) -> None:
    """Put ``obj`` in ``state`` without running any transition or hook.

    Works on protected state attributes too, which refuse plain assignment. The state is
    validated: it must be a state of the workflow.

    Args:
        obj: a `statecore.WorkflowEnabled` object.
        state: a state name, `statecore.State`, state wrapper, enum member or stored value.
        field: the state attribute; needed only when the class has several workflows.

    Raises:
        InvalidStateError: ``state`` is not a state of the workflow.
        ValueError: ``field`` is missing (several workflows) or is not a state attribute.
        TypeError: ``obj`` carries no workflow.

    .. versionadded:: 0.1
    """
    host = type(obj)
    _descriptor(host, _field(host, field)).force(obj, state)


# -- availability ----------------------------------------------------------------------------


def available_names(obj: object, *, field: str | None = None, user: Any = None) -> list[str]:
    """Return the names of the transitions ``obj`` can run now, in definition order.

    Args:
        obj: a `statecore.WorkflowEnabled` object.
        field: only this state attribute's transitions; all of them when None.
        user: when given, only the transitions this user may run.

    Returns:
        The transition names.

    .. versionadded:: 0.1
    """
    host = type(obj)
    if field is not None:
        field = _field(host, field)
    else:
        _fields(host)
    return [wrapper.name for wrapper in available_transitions(obj, field=field, user=user)]


async def aavailable_names(obj: object, *, field: str | None = None, user: Any = None) -> list[str]:
    """The awaitable form of `available_names`, for async guards and permissions.

    .. versionadded:: 0.1
    """
    host = type(obj)
    if field is not None:
        field = _field(host, field)
    else:
        _fields(host)
    return [w.name for w in await aavailable_transitions(obj, field=field, user=user)]


def _states_of(obj: object, wrappers: list[ImplementationWrapper[Any, Any]]) -> str:
    states = dict.fromkeys(f"{w.field_name}={w.current_state.name!r}" for w in wrappers)
    if len(_fields(type(obj))) == 1:
        states = dict.fromkeys(repr(w.current_state.name) for w in wrappers)
    return ", ".join(states)


def _wrappers(
    obj: object, transitions: tuple[str, ...], field: str | None
) -> list[ImplementationWrapper[Any, Any]]:
    if any(not isinstance(name, str) for name in transitions):
        msg = f"transition names must be strings; got {transitions!r}"
        raise TypeError(msg)
    return [_wrapper(obj, name, field) for name in transitions]


def _explain_all(
    obj: object, transitions: tuple[str, ...], field: str | None, user: Any
) -> list[tuple[ImplementationWrapper[Any, Any], Availability]]:
    return [(w, w.explain(user=user)) for w in _wrappers(obj, transitions, field)]


async def _aexplain_all(
    obj: object, transitions: tuple[str, ...], field: str | None, user: Any
) -> list[tuple[ImplementationWrapper[Any, Any], Availability]]:
    return [(w, await w.aexplain(user=user)) for w in _wrappers(obj, transitions, field)]


def assert_available(
    obj: object, *transitions: str, field: str | None = None, user: Any = None, exact: bool = False
) -> None:
    """Assert that every named transition can run now on ``obj``.

    The message names each transition that cannot run with every reason why (wrong
    state, unmet conditions, failed checks, missing permission) and lists what is
    available instead.

    Args:
        obj: a `statecore.WorkflowEnabled` object.
        *transitions: the transition names.
        field: the state attribute, to restrict the names to one workflow.
        user: check the transitions' permissions for this user too.
        exact: also assert that no other transition is available.

    Raises:
        AssertionError: a named transition is not available (or, with ``exact``, another
            one is).
        UnknownTransitionError: a name is not a transition of ``obj``.
        TypeError: no name was given (without ``exact``).

    .. versionadded:: 0.1
    """
    if not transitions and not exact:
        msg = "assert_available() needs at least one transition name (or exact=True)"
        raise TypeError(msg)
    checked = _explain_all(obj, transitions, field, user)
    actual = available_names(obj, field=field, user=user)
    _report_available(obj, transitions, exact, checked, actual)


async def aassert_available(
    obj: object, *transitions: str, field: str | None = None, user: Any = None, exact: bool = False
) -> None:
    """The awaitable form of `assert_available`, for async guards and permissions.

    .. versionadded:: 0.1
    """
    if not transitions and not exact:
        msg = "aassert_available() needs at least one transition name (or exact=True)"
        raise TypeError(msg)
    checked = await _aexplain_all(obj, transitions, field, user)
    actual = await aavailable_names(obj, field=field, user=user)
    _report_available(obj, transitions, exact, checked, actual)


def _report_available(
    obj: object,
    transitions: tuple[str, ...],
    exact: bool,
    checked: list[tuple[ImplementationWrapper[Any, Any], Availability]],
    actual: list[str],
) -> None:
    missing = [(wrapper, verdict) for wrapper, verdict in checked if not verdict]
    extra = [name for name in actual if name not in transitions] if exact else []
    if not missing and not extra:
        return
    wrappers = [wrapper for wrapper, _ in checked]
    lines = [
        f"expected available on {describe(obj)}: {names(transitions)}",
        f"actually available: {names(actual)}",
    ]
    if wrappers:
        lines.insert(1, f"state: {_states_of(obj, wrappers)}")
    lines.extend(f"  - {wrapper.name}: {verdict.message}" for wrapper, verdict in missing)
    if extra:
        lines.append(f"  also available, not expected (exact=True): {names(extra)}")
    raise AssertionError("\n".join(lines))


def assert_not_available(
    obj: object, *transitions: str, field: str | None = None, user: Any = None
) -> None:
    """Assert that none of the named transitions can run now on ``obj``.

    Args:
        obj: a `statecore.WorkflowEnabled` object.
        *transitions: the transition names; at least one.
        field: the state attribute, to restrict the names to one workflow.
        user: check the transitions' permissions for this user too.

    Raises:
        AssertionError: a named transition is available.
        UnknownTransitionError: a name is not a transition of ``obj``.
        TypeError: no name was given.

    .. versionadded:: 0.1
    """
    if not transitions:
        msg = "assert_not_available() needs at least one transition name"
        raise TypeError(msg)
    checked = _explain_all(obj, transitions, field, user)
    if any(verdict for _, verdict in checked):
        actual = available_names(obj, field=field, user=user)
        _report_not_available(obj, transitions, checked, actual)


async def aassert_not_available(
    obj: object, *transitions: str, field: str | None = None, user: Any = None
) -> None:
    """The awaitable form of `assert_not_available`, for async guards and permissions.

    .. versionadded:: 0.1
    """
    if not transitions:
        msg = "aassert_not_available() needs at least one transition name"
        raise TypeError(msg)
    checked = await _aexplain_all(obj, transitions, field, user)
    if any(verdict for _, verdict in checked):
        actual = await aavailable_names(obj, field=field, user=user)
        _report_not_available(obj, transitions, checked, actual)


def _report_not_available(
    obj: object,
    transitions: tuple[str, ...],
    checked: list[tuple[ImplementationWrapper[Any, Any], Availability]],
    actual: list[str],
) -> None:
    unexpected = [wrapper.name for wrapper, verdict in checked if verdict]
    lines = [
        f"expected not available on {describe(obj)}: {names(transitions)}",
        f"state: {_states_of(obj, [wrapper for wrapper, _ in checked])}",
        f"actually available: {names(actual)}",
        f"  available, not expected: {names(unexpected)}",
    ]
    raise AssertionError("\n".join(lines))


# -- running a transition --------------------------------------------------------------------


def assert_transition(
    obj: object,
    transition: str,
    *args: Any,
    to: object,
    user: Any = None,
    **kwargs: Any,
) -> Any:
    """Run the transition ``transition`` of ``obj`` and assert the state it ends in.

    Exceptions the transition raises propagate unchanged (use ``pytest.raises`` to
    expect one).

    Args:
        obj: a `statecore.WorkflowEnabled` object.
        transition: the transition's name.
        *args: positional arguments for the transition.
        to: the state the object must end in (a name, `statecore.State`, wrapper or
            enum member); checked to be a state of the workflow before running.
        user: run the transition as this user (permission checked).
        **kwargs: keyword arguments for the transition.

    Returns:
        What the transition returned.

    Raises:
        AssertionError: the object ended in another state.
        UnknownTransitionError: ``transition`` is not a transition of ``obj``.
        InvalidStateError: ``to`` is not a state of the workflow.

    .. versionadded:: 0.1
    """
    wrapper = _wrapper(obj, transition, None)
    expected = type(wrapper.workflow).state_name(to, field=wrapper.field_name)
    source = wrapper.current_state.name
    run = wrapper if user is None else wrapper.as_user(user)
    if run.binding.coroutine:
        msg = (
            f"transition {transition!r} of {describe(obj)} is async def: the sync helper "
            f"cannot await it; use await statecore.testing.aassert_transition(...)"
        )
        raise AwaitRequired(
            msg,
            transition=transition,
            instance=obj,
            callables=(f"implementation {transition!r}",),
            form="await statecore.testing.aassert_transition(...)",
        )
    result = run(*args, **kwargs)
    _check_reached(obj, transition, wrapper, source, expected)
    return result


async def aassert_transition(
    obj: object,
    transition: str,
    *args: Any,
    to: object,
    user: Any = None,
    **kwargs: Any,
) -> Any:
    """The awaitable form of `assert_transition`: awaits the transition (``acall``).

    .. versionadded:: 0.1
    """
    wrapper = _wrapper(obj, transition, None)
    expected = type(wrapper.workflow).state_name(to, field=wrapper.field_name)
    source = wrapper.current_state.name
    run = wrapper if user is None else wrapper.as_user(user)
    result = await run.acall(*args, **kwargs)
    _check_reached(obj, transition, wrapper, source, expected)
    return result


def _check_reached(
    obj: object,
    transition: str,
    wrapper: ImplementationWrapper[Any, Any],
    source: str,
    expected: str,
) -> None:
    reached: StateWrapper = wrapper.current_state
    if reached.name != expected:
        msg = (
            f"transition {transition!r} of {describe(obj)} went from {source!r} to "
            f"{reached.name!r}; expected {expected!r}"
        )
        raise AssertionError(msg)


# -- hypothesis strategies -------------------------------------------------------------------


def _strategies(caller: str) -> ModuleType:
    try:
        from hypothesis import strategies
    except ImportError:
        msg = (
            f"statecore.testing.{caller}() is a hypothesis strategy and needs hypothesis; "
            f"pip install hypothesis"
        )
        raise ImportError(msg) from None
    return strategies


def _workflow_class(source: object, field: str | None) -> type[Workflow]:
    if isinstance(source, Workflow):
        return type(source)
    if isinstance(source, type) and issubclass(source, Workflow):
        if not source.__dict__.get("_wrappers"):
            msg = f"{source.__qualname__} is an abstract workflow (it defines no states)"
            raise TypeError(msg)
        return source
    if isinstance(source, type):
        return type(_fields(source)[_field(source, field)])
    msg = f"expected a Workflow class or a WorkflowEnabled class; got {source!r}"
    raise TypeError(msg)


def walks(
    source: object,
    *,
    max_steps: int = 20,
    include_illegal: bool = False,
    start: object = None,
    field: str | None = None,
) -> SearchStrategy[list[str]]:
    """A hypothesis strategy for random walks: lists of transition names to run in order.

    Each walk starts in the initial state (or ``start``) and follows the workflow's
    graph: every name is available from the state the previous ones led to. Conditions,
    checks and permissions depend on the object, so they are not considered. A walk
    ends after a transition with several targets, since only the implementation knows
    where it leads.

    Args:
        source: a `statecore.Workflow` class (or instance) or a `WorkflowEnabled` class.
        max_steps: the longest walk.
        include_illegal: now and then put in a name that is not available from the
            current state (running it must raise `InvalidTransitionError` and change
            nothing, so the walk goes on from the same state).
        start: the state walks start from; the initial state by default.
        field: the state attribute of a `WorkflowEnabled` class with several workflows.

    Returns:
        A strategy of lists of transition names.

    Raises:
        ImportError: hypothesis is not installed.

    .. versionadded:: 0.1
    """
    st = _strategies("walks")
    flow = _workflow_class(source, field)
    if max_steps < 0:
        msg = f"max_steps must be 0 or more; got {max_steps}"
        raise ValueError(msg)
    first = flow.initial_state.name if start is None else flow.state_name(start)
    every = flow.transitions.names()
    legal = {s: [t.name for t in flow.transitions.available_from(s)] for s in flow.states.names()}
    illegal = {s: [n for n in every if n not in legal[s]] for s in legal}
    target = {t.name: t.target for t in flow.transitions}

    def walk(draw: Callable[[SearchStrategy[Any]], Any]) -> list[str]:
        steps: list[str] = []
        state: str | None = first
        length = draw(st.integers(min_value=0, max_value=max_steps))
        while state is not None and len(steps) < length:
            wrong = illegal[state] if include_illegal else []
            if wrong and (not legal[state] or draw(st.integers(0, 4)) == 4):
                steps.append(draw(st.sampled_from(wrong)))
                continue
            if not legal[state]:
                break
            name: str = draw(st.sampled_from(legal[state]))
            steps.append(name)
            state = target[name]
        return steps

    strategy: SearchStrategy[list[str]] = st.composite(walk)()
    return strategy


def workflows(
    *,
    min_states: int = 1,
    max_states: int = 6,
    max_transitions: int = 8,
    wildcards: bool = True,
    multi_target: bool = False,
) -> SearchStrategy[type[Workflow]]:
    """A hypothesis strategy for random valid `statecore.Workflow` subclasses.

    States are named ``s0``, ``s1``, ...; transitions ``t0``, ``t1``, .... Each
    transition starts from one or several states (or a wildcard) and goes to one state
    (or several, with ``multi_target``); the initial state is any of them.

    Args:
        min_states: the fewest states (at least 1).
        max_states: the most states.
        max_transitions: the most transitions (there may be none).
        wildcards: let sources be ``"*"`` or ``"+"`` too.
        multi_target: let transitions have several targets.

    Returns:
        A strategy of workflow classes.

    Raises:
        ImportError: hypothesis is not installed.

    .. versionadded:: 0.1
    """
    st = _strategies("workflows")
    if not 1 <= min_states <= max_states:
        msg = f"need 1 <= min_states <= max_states; got {min_states} and {max_states}"
        raise ValueError(msg)

    def build(draw: Callable[[SearchStrategy[Any]], Any]) -> type[Workflow]:
        count = draw(st.integers(min_states, max_states))
        states = [f"s{i}" for i in range(count)]
        some = st.lists(st.sampled_from(states), min_size=1, max_size=count, unique=True)
        sources = st.one_of(some, st.sampled_from(["*", "+"])) if wildcards else some
        targets = (
            st.lists(st.sampled_from(states), min_size=1, max_size=min(count, 3), unique=True)
            if multi_target
            else st.sampled_from(states)
        )
        total = draw(st.integers(0, max_transitions))
        transitions = []
        for i in range(total):
            chosen = draw(targets)
            if isinstance(chosen, list):
                chosen = chosen[0] if len(chosen) == 1 else tuple(chosen)
            start = draw(sources)
            transitions.append((f"t{i}", start if isinstance(start, str) else tuple(start), chosen))
        namespace = {
            "__module__": __name__,
            "__qualname__": "RandomFlow",
            "__doc__": "A workflow drawn by statecore.testing.workflows().",
            "states": tuple(states),
            "transitions": tuple(transitions),
            "initial_state": draw(st.sampled_from(states)),
        }
        return type("RandomFlow", (Workflow,), namespace)

    strategy: SearchStrategy[type[Workflow]] = st.composite(build)()
    return strategy
