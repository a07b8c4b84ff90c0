"""The exceptions statecore raises.

Every exception carries its data as attributes, so that callers can map it to an
HTTP status or a UI message without parsing text::

    WorkflowError                      root of everything statecore raises
    ├── WorkflowDefinitionError        a Workflow or host class is ill-defined (.problems);
    │                                  also a ValueError, and a TypeError or KeyError when a
    │                                  problem is of that kind (see `problem`)
    ├── InvalidStateError              a value is not a state of the workflow (ValueError too)
    ├── UnknownTransitionError         no transition has that name (AttributeError too)
    ├── ProtectedStateError            direct assignment to a protected state (AttributeError too)
    ├── AwaitRequired                  the sync form of an async transition or guard (TypeError too)
    ├── ExpressionError                an expression condition failed (ValueError too)
    ├── OperationNotSupported          hold/resume/cancel without that state kind (TypeError too)
    ├── AbortTransition                a transition did not run; the state is unchanged
    │   ├── InvalidTransitionError     not available from the current state
    │   ├── ForbiddenTransition        a condition or a transition_check hook said no
    │   │   └── TransitionPermissionDenied   the user lacks the transition's permission
    │   ├── ConcurrentTransition       the state changed while the transition was running
    │   ├── InvalidTargetError         a multi-target transition chose an undeclared target
    │   └── NoTransitionAvailable      advance() found no transition that can run (.candidates)
    └── (hook and implementation exceptions propagate unchanged)

`AbortTransition` may also be raised by a check, before or leave hook or by the
implementation to cancel the transition cleanly: the state is left unchanged. Raised
from an enter or after hook, it comes too late: the new state is already set (a
transactional adapter rolls the whole transition back instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AbortTransition",
    "AwaitRequired",
    "ConcurrentTransition",
    "ExpressionError",
    "ForbiddenTransition",
    "InvalidStateError",
    "InvalidTargetError",
    "InvalidTransitionError",
    "NoTransitionAvailable",
    "OperationNotSupported",
    "ProtectedStateError",
    "TransitionPermissionDenied",
    "UnknownTransitionError",
    "WorkflowDefinitionError",
    "WorkflowError",
]


def describe(instance: object) -> str:
    """Name an object in a message: its class and, if it has one, its primary key.

    Args:
        instance: the object a transition ran on.

    Returns:
        ``"Order #12"`` for an object with a ``pk`` (or ``id``), else ``"Order"``.
    """
    key = getattr(instance, "pk", None)
    if key is None:
        key = getattr(instance, "id", None)
    name = type(instance).__name__
    if key is None or callable(key):
        return name
    return f"{name} #{key}"


def add_note(exc: BaseException, note: str) -> None:
    """Add a PEP 678 note to ``exc`` (Python 3.11+; nothing on older versions)."""
    adder = getattr(exc, "add_note", None)
    if adder is not None:
        adder(note)


def names(items: Iterable[Any]) -> str:
    """Join the names of states or transitions for a message (``"none"`` if empty)."""
    listed = [getattr(item, "name", item) for item in items]
    return ", ".join(str(item) for item in listed) if listed else "none"


class WorkflowError(Exception):
    """Root of every exception statecore raises."""


class Problem(str):
    """One problem of a definition: its sentence, and the builtin exception it stands for.

    A malformed value (a state that is not a name or pair, a transition that is not a
    triple) is a ``TypeError``; a reference to an unknown state is a ``KeyError``;
    anything else (a conflict, a duplicate) is a ``ValueError``, as xworkflows raises them.

    .. versionadded:: 0.1
    """

    builtin: type[Exception]


def problem(builtin: type[Exception], message: str) -> Problem:
    """Return ``message`` as a `Problem` of kind ``builtin`` (TypeError, KeyError, ValueError).

    .. versionadded:: 0.1
    """
    found = Problem(message)
    found.builtin = builtin
    return found


#: The WorkflowDefinitionError class of each set of builtin kinds, built once each.
_DEFINITION_CLASSES: dict[frozenset[type[Exception]], type[WorkflowDefinitionError]] = {}


class WorkflowDefinitionError(WorkflowError, ValueError):
    """A workflow or a host class is ill-defined; raised when the class is created.

    It is a ``ValueError``; when one of its problems is a malformed value it is also a
    ``TypeError``, and when one names an unknown state also a ``KeyError`` (the builtin
    exceptions xworkflows raises for them), so ``except TypeError`` written for
    xworkflows still catches it. ``str()`` is the message, whatever the kinds.

    Attributes:
        problems: every problem found, one sentence each (a `Problem`: a ``str`` whose
            ``builtin`` is ``TypeError``, ``KeyError`` or ``ValueError``).
        owner: the class whose definition is wrong.

    .. versionchanged:: 0.2
       Also a ``ValueError``, ``TypeError`` or ``KeyError`` by the kind of its problems.
    """

    def __new__(cls, owner: type | str, problems: Sequence[str]) -> WorkflowDefinitionError:
        """Pick the class that is also every builtin kind among ``problems``."""
        kinds = frozenset(
            kind
            for kind in (getattr(p, "builtin", ValueError) for p in problems)
            if kind is not ValueError
        )
        if cls is WorkflowDefinitionError and kinds:
            found = _DEFINITION_CLASSES.get(kinds)
            if found is None:
                ordered = tuple(k for k in (TypeError, KeyError) if k in kinds)
                found = _DEFINITION_CLASSES[kinds] = type(
                    cls.__name__,
                    (cls, *ordered),
                    {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
                )
            cls = found
        return super().__new__(cls, owner, problems)

    def __init__(self, owner: type | str, problems: Sequence[str]) -> None:
        self.owner = owner
        self.problems = tuple(
            p if isinstance(p, Problem) else problem(ValueError, p) for p in problems
        )
        label = owner if isinstance(owner, str) else owner.__qualname__
        count = len(self.problems)
        header = f"{label} is not a valid definition ({count} problem{'s' * (count != 1)}):"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))

    def __str__(self) -> str:
        # KeyError's own __str__ would quote the message.
        return BaseException.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (WorkflowDefinitionError, (self.owner, self.problems))


class InvalidStateError(WorkflowError, ValueError):
    """A value is not a state of the workflow.

    Attributes:
        value: the rejected value.
        workflow: the workflow class.
        field: the attribute holding the state, if known.
    """

    def __init__(self, message: str, *, value: object, workflow: type, field: str | None) -> None:
        self.value = value
        self.workflow = workflow
        self.field = field
        super().__init__(message)


class UnknownTransitionError(WorkflowError, AttributeError):
    """No transition of the workflow has that name.

    Attributes:
        name: the name asked for.
        workflow: the workflow class.
    """

    def __init__(self, message: str, *, name: str, workflow: type) -> None:
        super().__init__(message)  # first: AttributeError.__init__ resets .name to None
        self.name = name
        self.workflow = workflow


class ProtectedStateError(WorkflowError, AttributeError):
    """The state attribute is protected: it changes only through transitions.

    Attributes:
        instance: the object.
        field: the protected attribute.
    """

    def __init__(self, message: str, *, instance: object, field: str) -> None:
        self.instance = instance
        self.field = field
        super().__init__(message)


class AwaitRequired(WorkflowError, TypeError):
    """The sync form was used where only the awaitable form can run.

    Raised, before anything runs, by the sync call of a transition that has async
    callables (``order.pay()`` instead of ``await order.pay.acall()``), by
    ``is_available()`` or ``explain()`` when a guard or permission is async, and when a
    callable returns an awaitable on the sync path (a guard's awaitable is never taken
    for a "yes"). The state is unchanged unless the awaitable came from an enter or
    after hook, once the state was set (a note then says so).

    Attributes:
        transition: the transition's name.
        instance: the object.
        callables: names of the async callables involved, e.g. ``("condition 'paid'",)``.
        form: the awaitable form to use instead, e.g. ``"await order.pay.acall(...)"``.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str,
        instance: object,
        callables: Sequence[str] = (),
        form: str = "",
    ) -> None:
        self.transition = transition
        self.instance = instance
        self.callables = tuple(callables)
        self.form = form
        super().__init__(message)


class AbortTransition(WorkflowError):
    """The transition did not run and the state is unchanged.

    Raise it from a check, before or leave hook, or from the implementation, to cancel
    a transition cleanly (from an enter or after hook the new state is already set).

    Attributes:
        transition: the transition's name (or None when raised by user code without one).
        state: the state the object was in.
        instance: the object.
    """

    def __init__(
        self,
        message: str = "",
        *,
        transition: str | None = None,
        state: str | None = None,
        instance: object = None,
    ) -> None:
        self.transition = transition
        self.state = state
        self.instance = instance
        super().__init__(message)


class InvalidTransitionError(AbortTransition):
    """The transition is not available from the object's current state.

    Attributes:
        available: names of the transitions available from that state.
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str,
        state: str,
        instance: object,
        available: Sequence[str] = (),
    ) -> None:
        self.available = tuple(available)
        super().__init__(message, transition=transition, state=state, instance=instance)


class ForbiddenTransition(AbortTransition):
    """A condition or a `transition_check` hook refused the transition.

    Attributes:
        reasons: the `statecore.Reason` objects that refused it.
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str,
        state: str,
        instance: object,
        reasons: Sequence[Any] = (),
    ) -> None:
        self.reasons = tuple(reasons)
        super().__init__(message, transition=transition, state=state, instance=instance)


class TransitionPermissionDenied(ForbiddenTransition):
    """The user may not run the transition.

    Attributes:
        user: the user that was checked.
        permission: the permission name, or the callable, that refused.
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str,
        state: str,
        instance: object,
        user: object,
        permission: object,
        reasons: Sequence[Any] = (),
    ) -> None:
        self.user = user
        self.permission = permission
        super().__init__(
            message, transition=transition, state=state, instance=instance, reasons=reasons
        )


class ConcurrentTransition(AbortTransition):
    """The object's state changed while the transition was running.

    Raised when, at the moment the new state would be set, the object is no longer in
    the state the transition started from: a transition started from a hook or the
    implementation already moved it, another thread did, or (with the Django adapter)
    another process or connection did.

    The Django adapter also raises it from a plain ``save()`` that would overwrite a
    state committed since the object was loaded (``transition`` is then None).

    Attributes:
        expected: the state the transition started from.
        actual: the state found instead (None if unknown, e.g. the row is gone).
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str | None,
        instance: object,
        expected: str,
        actual: str | None,
    ) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(message, transition=transition, state=expected, instance=instance)


class InvalidTargetError(AbortTransition):
    """A transition with several targets chose one it does not declare.

    Attributes:
        target: the value chosen.
        targets: the declared target names.
    """

    def __init__(
        self,
        message: str,
        *,
        transition: str,
        state: str,
        instance: object,
        target: object,
        targets: Sequence[str],
    ) -> None:
        self.target = target
        self.targets = tuple(targets)
        super().__init__(message, transition=transition, state=state, instance=instance)


class NoTransitionAvailable(AbortTransition):
    """`statecore.advance` found no transition that can run from the current state.

    Attributes:
        candidates: one `statecore.Availability` per transition leaving the state, in
            the order they were tried, each with every reason it could not run (empty
            when no transition leaves the state).
        context: the context data the conditions were evaluated with.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        message: str,
        *,
        state: str,
        instance: object,
        candidates: Sequence[Any],
        context: Any,
    ) -> None:
        self.candidates = tuple(candidates)
        self.context = context
        super().__init__(message, transition=None, state=state, instance=instance)


class ExpressionError(WorkflowError, ValueError):
    """An expression condition could not be evaluated, or gave something else than a bool.

    Never taken for a "yes": the transition does not run. A syntax error is found when
    the workflow is defined and reported as a `WorkflowDefinitionError` instead.

    Attributes:
        expression: the expression's text.
        reason: what went wrong, in one sentence.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(message)


class OperationNotSupported(WorkflowError, TypeError):
    """A workflow-level operation needs a state kind the workflow does not have.

    `statecore.hold` and `statecore.resume` need a state of kind ``on_hold``;
    `statecore.cancel` needs one of kind ``cancellation``.

    Attributes:
        operation: ``"hold"``, ``"resume"`` or ``"cancel"``.
        workflow: the workflow class.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, *, operation: str, workflow: type) -> None:
        self.operation = operation
        self.workflow = workflow
        super().__init__(message)
