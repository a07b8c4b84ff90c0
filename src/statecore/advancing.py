"""Advance: run the highest-priority transition whose conditions hold for the given context.

Transitions leaving one state are ordered by their ``priority`` (higher first; equal
priorities keep definition order). `advance` tries them in that order, with the context
data in effect for expression conditions (see `statecore.Expression`), and runs the
first one that is available. When none is, `NoTransitionAvailable` names every
candidate and every reason it could not run; nothing has changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .awaitables import refusal
from .errors import NoTransitionAvailable, describe
from .expressions import expression_context
from .holding import workflow_field

if TYPE_CHECKING:
    from .availability import Availability
    from .implementation import ImplementationWrapper
    from .transitions import Transition

__all__ = ["aadvance", "advance", "candidates"]


def candidates(instance: Any, *, field: str | None = None) -> list[ImplementationWrapper[Any, Any]]:
    """Return the transitions `advance` would try for ``instance``, in the order it tries them.

    The transitions leaving the current state, by decreasing priority, then definition
    order; the generated ``hold``, ``resume`` and ``cancel`` are left out (they are run
    by name, see `statecore.hold`).

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        field: the state attribute, when the object has several workflows.

    Returns:
        The bound transitions, not checked for availability.

    .. versionadded:: 0.1
    """
    from .binding import get_transition

    name, workflow = workflow_field(instance, field)
    state = getattr(instance, name).name
    generated = workflow._generated
    leaving = [t for t in workflow.transitions.available_from(state) if t.name not in generated]
    leaving.sort(key=lambda transition: -transition.priority)
    return [get_transition(instance, transition.name, field=name) for transition in leaving]


def advance(
    instance: Any,
    context: Mapping[str, Any] | None = None,
    *,
    field: str | None = None,
    user: Any = None,
    **kwargs: Any,
) -> Transition:
    """Run the highest-priority transition of ``instance`` that can run with ``context``.

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        context: the context data expression conditions see (``{"claim": {...}}``);
            hooks and the implementation read it with `statecore.current_context`.
        field: the state attribute, when the object has several workflows.
        user: when given, a transition this user may not run is not a candidate.
        **kwargs: passed to the transition that runs.

    Returns:
        The transition that ran.

    Raises:
        NoTransitionAvailable: no candidate can run; ``candidates`` says why for each.
        AwaitRequired: the chosen transition has async callables; use `aadvance`.
        ExpressionError: an expression condition could not be evaluated.

    .. versionadded:: 0.1
    """
    with expression_context(context) as data:
        tried: list[Availability] = []
        for wrapper in candidates(instance, field=field):
            if wrapper.is_available(user=user):
                binding = wrapper.binding
                if binding.awaits:
                    raise refusal(binding.asyncs, wrapper.name, instance, "aadvance(...)")
                (wrapper if user is None else wrapper.as_user(user))(**kwargs)
                return wrapper.transition
            tried.append(wrapper.explain(user=user))
        raise _nothing(instance, field, data, tried)


async def aadvance(
    instance: Any,
    context: Mapping[str, Any] | None = None,
    *,
    field: str | None = None,
    user: Any = None,
    **kwargs: Any,
) -> Transition:
    """The awaitable form of `advance`: async guards, hooks and permissions are awaited.

    .. versionadded:: 0.1
    """
    with expression_context(context) as data:
        tried: list[Availability] = []
        for wrapper in candidates(instance, field=field):
            if await wrapper.ais_available(user=user):
                await (wrapper if user is None else wrapper.as_user(user)).acall(**kwargs)
                return wrapper.transition
            tried.append(await wrapper.aexplain(user=user))
        raise _nothing(instance, field, data, tried)


def _nothing(
    instance: Any, field: str | None, context: Mapping[str, Any], tried: list[Availability]
) -> NoTransitionAvailable:
    name, _workflow = workflow_field(instance, field)
    state = getattr(instance, name).name
    keys = ", ".join(context) or "none"
    if tried:
        listed = "; ".join(f"{a.transition}: {a.message}" for a in tried)
        msg = (
            f"No transition can advance {describe(instance)} from state {state!r} with "
            f"context keys {keys}: {listed}"
        )
    else:
        msg = (
            f"No transition leaves state {state!r} of {describe(instance)} (hold, resume "
            f"and cancel are not candidates); it cannot advance"
        )
    return NoTransitionAvailable(
        msg, state=state, instance=instance, candidates=tried, context=context
    )
