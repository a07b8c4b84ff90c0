"""Hold, resume and cancel: workflow-level operations that any workflow can offer.

A workflow with a state of kind ``on_hold`` gets two generated transitions:

- ``hold``, from every state that is neither final nor the on-hold state, to the
  on-hold state; it remembers the state it left;
- ``resume``, from the on-hold state back to the state ``hold`` left.

A workflow with a state of kind ``cancellation`` gets ``cancel``, from every state
that is not final (the on-hold state included) to the cancellation state.

They are ordinary transitions: the host class gets ``obj.hold()``, ``obj.resume()``
and ``obj.cancel()``, hooks apply to them by name, and an adapter persists and logs
them like any other. The functions of this module run them by operation, whatever the
object and field, and refuse misuse with a message saying what to do.

Where the object was is remembered **on the object**, in the attribute
``<field>_held_from`` (``state_held_from`` for a workflow bound to ``state``): a plain
state name, written by ``hold`` inside its transition and emptied (``""``) by
``resume``. A storage layer keeps it next to the state: a Django model declares
``state_held_from = models.CharField(max_length=..., blank=True, default="")`` and the
transition writes it with the state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .awaitables import refusal
from .errors import InvalidTransitionError, OperationNotSupported, describe
from .states import State, StateKind
from .transitions import Transition

if TYPE_CHECKING:
    from .implementation import ImplementationWrapper, TransitionEvent
    from .workflow import Workflow

__all__ = [
    "acancel",
    "ahold",
    "aresume",
    "cancel",
    "held_from",
    "hold",
    "resume",
]

HOLD = "hold"
RESUME = "resume"
CANCEL = "cancel"


def memory_attribute(field: str) -> str:
    """The attribute of the object that remembers the state ``hold`` left."""
    return f"{field}_held_from"


# -- the generated transitions ---------------------------------------------------------


def _hold(instance: Any, *args: Any, event: TransitionEvent, **kwargs: Any) -> None:
    """Remember the state the object leaves for the on-hold state."""
    setattr(instance, memory_attribute(event.field), event.source.name)


def _resume(instance: Any, *args: Any, event: TransitionEvent, **kwargs: Any) -> str:
    """Return the remembered state (the transition's target) and forget it."""
    attribute = memory_attribute(event.field)
    remembered = getattr(instance, attribute, None)
    targets = event.transition.targets
    if not remembered or remembered not in targets:
        problem = (
            "remembers no state"
            if not remembered
            else f"remembers state {remembered!r}, which hold never leaves"
        )
        msg = (
            f"Cannot resume {describe(instance)}: its {attribute!r} {problem}; set it to "
            f"one of {', '.join(targets)} (or move the object with a transition)"
        )
        raise InvalidTransitionError(
            msg, transition=RESUME, state=event.source.name, instance=instance
        )
    setattr(instance, attribute, "")
    return str(remembered)


def _cancel(instance: Any, *args: Any, **kwargs: Any) -> None:
    """Nothing to do but enter the cancellation state."""


_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {HOLD: _hold, RESUME: _resume, CANCEL: _cancel}


def add_operations(
    states: dict[str, State],
    transitions: dict[str, Any],
    inherited: dict[str, Any],
    problems: list[str],
) -> dict[str, Callable[..., Any]]:
    """Add the hold, resume and cancel transitions the state kinds call for.

    Called while a workflow class is compiled. ``transitions`` is completed in place;
    ``inherited`` holds the parent's generated transitions by name, generated again
    for the subclass's states. Returns the generated implementations by name.
    """
    for name, transition in inherited.items():
        if transitions.get(name) is transition:  # not replaced by the subclass
            del transitions[name]
    on_hold = [state for state in states.values() if state.kind is StateKind.ON_HOLD]
    cancelled = [state for state in states.values() if state.kind is StateKind.CANCELLATION]
    for kind, found in (("on_hold", on_hold), ("cancellation", cancelled)):
        if len(found) > 1:
            problems.append(
                f"states {', '.join(repr(s.name) for s in found)} are all of kind {kind!r}; "
                f"a workflow has at most one"
            )
    wanted: dict[str, Transition] = {}
    if len(on_hold) == 1:
        pause = on_hold[0].name
        sources = tuple(s.name for s in states.values() if not s.final and s.name != pause)
        if sources:
            wanted[HOLD] = Transition(HOLD, sources, pause, label="Hold")
            wanted[RESUME] = Transition(RESUME, pause, sources, label="Resume")
    if len(cancelled) == 1:
        stop = cancelled[0].name
        sources = tuple(s.name for s in states.values() if not s.final)
        if sources:
            wanted[CANCEL] = Transition(CANCEL, sources, stop, label="Cancel")
    generated: dict[str, Callable[..., Any]] = {}
    for name, transition in wanted.items():
        if name in transitions:
            problems.append(
                f"transition {name!r} is generated for the state kinds (on_hold gives hold "
                f"and resume, cancellation gives cancel); rename your transition {name!r}, "
                f"or add hooks to the generated one instead"
            )
            continue
        transitions[name] = transition
        generated[name] = _IMPLEMENTATIONS[name]
    return generated


# -- the operations -------------------------------------------------------------------


def hold(instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any) -> None:
    """Put ``instance`` on hold: move it to its on-hold state, remembering where it was.

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        field: the state attribute, when the object has several workflows.
        user: the user to check the transition's permission for.
        **kwargs: passed to the ``hold`` transition (and so to its hooks and log).

    Raises:
        OperationNotSupported: the workflow has no state of kind ``on_hold``.
        InvalidTransitionError: the object is already on hold, or in a final state.

    .. versionadded:: 0.1
    """
    _run(_bound(instance, HOLD, field, user), "ahold(...)", kwargs)


def resume(instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any) -> str:
    """Take ``instance`` off hold, back to the state `hold` left.

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        field: the state attribute, when the object has several workflows.
        user: the user to check the transition's permission for.
        **kwargs: passed to the ``resume`` transition.

    Returns:
        The name of the state the object is back in.

    Raises:
        OperationNotSupported: the workflow has no state of kind ``on_hold``.
        InvalidTransitionError: the object is not on hold, or remembers no state.

    .. versionadded:: 0.1
    """
    wrapper = _bound(instance, RESUME, field, user)
    _run(wrapper, "aresume(...)", kwargs)
    return wrapper.current_state.name


def cancel(instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any) -> None:
    """Move ``instance`` to its cancellation state, from any state that is not final.

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        field: the state attribute, when the object has several workflows.
        user: the user to check the transition's permission for.
        **kwargs: passed to the ``cancel`` transition.

    Raises:
        OperationNotSupported: the workflow has no state of kind ``cancellation``.
        InvalidTransitionError: the object is in a final state (cancelled included).

    .. versionadded:: 0.1
    """
    _run(_bound(instance, CANCEL, field, user), "acancel(...)", kwargs)


def _run(wrapper: ImplementationWrapper[Any, Any], form: str, kwargs: dict[str, Any]) -> None:
    """Run ``wrapper`` on the sync path, refusing a transition with async callables."""
    binding = wrapper.binding
    if binding.awaits:
        raise refusal(binding.asyncs, wrapper.name, wrapper.instance, form)
    wrapper(**kwargs)


async def ahold(
    instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any
) -> None:
    """The awaitable form of `hold`: async hooks, guards and permissions are awaited.

    .. versionadded:: 0.1
    """
    await _bound(instance, HOLD, field, user).acall(**kwargs)


async def aresume(
    instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any
) -> str:
    """The awaitable form of `resume`; returns the state the object is back in.

    .. versionadded:: 0.1
    """
    wrapper = _bound(instance, RESUME, field, user)
    await wrapper.acall(**kwargs)
    return wrapper.current_state.name


async def acancel(
    instance: Any, *, field: str | None = None, user: Any = None, **kwargs: Any
) -> None:
    """The awaitable form of `cancel`.

    .. versionadded:: 0.1
    """
    await _bound(instance, CANCEL, field, user).acall(**kwargs)


def held_from(instance: Any, *, field: str | None = None) -> str | None:
    """Return the state ``instance`` was in when it was put on hold, or None.

    Args:
        instance: a `statecore.WorkflowEnabled` object.
        field: the state attribute, when the object has several workflows.

    .. versionadded:: 0.1
    """
    name, _workflow = workflow_field(instance, field)
    value = getattr(instance, memory_attribute(name), None)
    return str(value) if value else None


def workflow_field(instance: Any, field: str | None) -> tuple[str, type[Workflow]]:
    """The state attribute of ``instance`` meant by ``field``, and its workflow class."""
    workflows: dict[str, Workflow] = getattr(type(instance), "_workflows", {})
    if field is None and len(workflows) == 1:
        field = next(iter(workflows))
    if field is None or field not in workflows:
        from .workflow import did_you_mean

        if field is None:
            what, hint = "several workflows", "pass field= to say which"
        else:
            what, hint = f"no workflow attribute {field!r}", "check the name"
        msg = (
            f"{type(instance).__qualname__} has {what}{did_you_mean(field, workflows)}; "
            f"fields: {', '.join(workflows) or 'none'}; {hint}"
        )
        raise AttributeError(msg)
    return field, type(workflows[field])


def _bound(
    instance: Any, operation: str, field: str | None, user: Any
) -> ImplementationWrapper[Any, Any]:
    """The generated transition for ``operation`` bound to ``instance``, after the checks."""
    from .binding import get_transition

    name, workflow = workflow_field(instance, field)
    if operation not in workflow._generated:
        kind = "cancellation" if operation == CANCEL else "on_hold"
        msg = (
            f"{workflow.__qualname__} has no state of kind {kind!r}, so {describe(instance)} "
            f"cannot {operation}; give one state kind={kind!r} "
            f"(e.g. State('paused', kind={kind!r}))"
        )
        raise OperationNotSupported(msg, operation=operation, workflow=workflow)
    wrapper = get_transition(instance, operation, field=name)
    state = wrapper.current_state
    if state.known and state.name not in workflow.transitions[operation].source:
        raise _misuse(instance, operation, state.state, workflow)
    return wrapper if user is None else wrapper.as_user(user)


def _misuse(
    instance: Any, operation: str, state: State, workflow: type[Workflow]
) -> InvalidTransitionError:
    if operation == RESUME:
        why = "it is not on hold; only an object held with hold() can resume"
    elif state.kind is StateKind.ON_HOLD:
        why = "it is already on hold; resume() it first"
    else:
        why = f"state {state.name!r} is final: a finished object cannot {operation}"
    available = tuple(t.name for t in workflow.transitions.available_from(state.name))
    msg = f"Cannot {operation} {describe(instance)} in state {state.name!r}: {why}"
    return InvalidTransitionError(
        msg, transition=operation, state=state.name, instance=instance, available=available
    )
