"""xworkflows' ``base`` module on statecore's engine.

Everything a program imports from ``xworkflows`` (or ``xworkflows.base``) is here, with
xworkflows 1.1's documented behaviour where statecore's own API differs:

- ``Workflow.transitions`` gives transitions whose ``source`` is a list of `State`
  objects and whose ``target`` is a `State` (statecore's own hold names);
- ``_workflows[field]`` and a host class's state attribute have ``.workflow`` and
  ``.field_name``;
- ``@transition(check=..., before=..., after=...)`` still works, with a
  ``DeprecationWarning``; bare ``@transition`` raises ``ValueError``;
- an implementation renamed with ``@transition('name')`` is reachable only by its
  method's name;
- a bound transition lists its hooks by kind in ``.hooks``.

Left out on purpose: xworkflows' metaclasses (``WorkflowMeta``, ``WorkflowEnabledMeta``)
and its internal helpers (``ImplementationProperty``, ``ImplementationList``,
``TransitionWrapper``, ``_HookDeclaration``); statecore binds without a metaclass.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import statecore
from statecore.binding import StateDescriptor, TransitionMethod
from statecore.errors import AbortTransition, ForbiddenTransition, InvalidTransitionError
from statecore.errors import WorkflowError as WorkflowError
from statecore.hooks import (
    HOOKS_ATTRIBUTE,
    Hook,
    HookKind,
    after_transition,
    before_transition,
    on_enter_state,
    on_leave_state,
    transition_check,
)
from statecore.states import State, StateList, StateWrapper
from statecore.transitions import Transition as Definition
from statecore.transitions import TransitionList as _CoreTransitionList

__all__ = [
    "AbortTransition",
    "ForbiddenTransition",
    "ImplementationWrapper",
    "InvalidTransitionError",
    "State",
    "StateList",
    "StateName",
    "StateProperty",
    "StateWrapper",
    "Transition",
    "TransitionHook",
    "TransitionList",
    "Workflow",
    "WorkflowEnabled",
    "WorkflowError",
    "after_transition",
    "before_transition",
    "noop",
    "on_enter_state",
    "on_leave_state",
    "transition",
    "transition_check",
]

#: xworkflows' names of the hook kinds, as ``ImplementationWrapper.hooks`` keys them.
HOOK_KINDS = {
    HookKind.CHECK: "check",
    HookKind.BEFORE: "before",
    HookKind.AFTER: "after",
    HookKind.LEAVE: "on_leave",
    HookKind.ENTER: "on_enter",
}


class StateName(str):
    """A state's name that also reads as its `State`, as xworkflows' transitions hold states.

    It is the name (a ``str``: equal to it, hashed like it, usable wherever statecore
    expects a name) and it is equal to the `State` too; ``title`` and ``state`` give the
    rest.

    .. versionadded:: 0.1
    """

    state: State

    def __new__(cls, state: State) -> StateName:
        """Return the name of ``state``, carrying ``state``."""
        found = super().__new__(cls, state.name)
        found.state = state
        return found

    @property
    def name(self) -> str:
        """The state's name (a plain ``str``)."""
        return str.__str__(self)

    @property
    def title(self) -> str:  # type: ignore[override]
        """The state's title (as a `State` has it; ``str.title()`` is not available)."""
        return self.state.title

    def __eq__(self, other: object) -> bool:
        if isinstance(other, State):
            return other.name == str.__str__(self)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return (StateName, (self.state,))


class Transition:
    """A transition as xworkflows shows it: ``source`` a list of states, ``target`` a state.

    Each state is a `StateName`: equal to the `State` and to its name, with its ``title``.

    Every other attribute (``conditions``, ``label``, ...) is the statecore
    `statecore.Transition`'s, which the engine runs.

    Attributes:
        source: the states it leaves from.
        target: the state it enters (None for a transition with several targets).
        definition: the `statecore.Transition`.

    .. versionadded:: 0.1
    """

    __slots__ = ("definition", "source", "target")

    def __init__(self, definition: Definition, states: StateList) -> None:
        self.definition = definition
        self.source = [StateName(states[name]) for name in definition.source]
        target = definition.target
        self.target = StateName(states[target]) if target is not None else None

    @property
    def name(self) -> str:
        """The transition's name."""
        return self.definition.name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.definition, name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Transition):
            return self.definition == other.definition
        return self.definition == other

    def __hash__(self) -> int:
        return hash(self.definition)

    def __repr__(self) -> str:
        return f"Transition({self.name!r}, {self.source!r}, {self.target!r})"


class TransitionList(_CoreTransitionList):
    """A workflow's transitions; looking one up or iterating gives xworkflows' `Transition`.

    The engine reads the same list through statecore's internal accessors, which keep
    giving `statecore.Transition` objects.

    .. versionadded:: 0.1
    """

    __slots__ = ("_states", "_views")

    _states: StateList
    _views: dict[str, Transition]

    @classmethod
    def adopt(cls, transitions: _CoreTransitionList, states: StateList) -> TransitionList:
        """Return a list holding the same transitions as ``transitions``."""
        adopted = cls(transitions._transitions)
        adopted._states = states
        adopted._views = {}
        return adopted

    def _view(self, definition: Definition) -> Transition:
        view = self._views.get(definition.name)
        if view is None or view.definition is not definition:
            view = self._views[definition.name] = Transition(definition, self._states)
        return view

    def __getitem__(self, name: str) -> Transition:  # type: ignore[override]
        return self._view(super().__getitem__(name))

    def __getattr__(self, name: str) -> Transition:  # type: ignore[override]
        return self._view(super().__getattr__(name))

    def __iter__(self) -> Iterator[Transition]:  # type: ignore[override]
        return (self._view(definition) for definition in self._all().values())


class StateProperty(StateDescriptor):
    """A host class's state attribute, with xworkflows' ``field_name`` and ``workflow``.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    @property
    def field_name(self) -> str:
        """The attribute's name."""
        return self.name

    def __str__(self) -> str:
        return f"StateProperty({self.workflow!r}, {self.name!r})"


class TransitionHook:
    """One hook of a bound transition, as ``ImplementationWrapper.hooks`` lists them.

    Attributes:
        kind: ``"check"``, ``"before"``, ``"after"``, ``"on_leave"`` or ``"on_enter"``.
        function: the function.
        priority: higher runs first.
        names: the transitions (or states) it was declared for; ``("*",)`` for all.

    .. versionadded:: 0.1
    """

    __slots__ = ("function", "kind", "names", "priority")

    def __init__(
        self, kind: str, function: Callable[..., Any], priority: int, names: tuple[str, ...]
    ) -> None:
        self.kind = kind
        self.function = function
        self.priority = priority
        self.names = names

    def __repr__(self) -> str:
        return f"<TransitionHook {self.kind} {getattr(self.function, '__name__', self.function)!r}>"


class ImplementationWrapper(statecore.ImplementationWrapper[Any, Any]):
    """A transition bound to an object, with xworkflows' ``hooks`` and ``implementation``.

    Subclasses may override ``_pre_transition`` and ``_post_transition`` and call
    ``super()``, as with xworkflows.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    @property
    def implementation(self) -> Callable[..., Any] | None:
        """The implementation function (None for a transition without one)."""
        return self.binding.implementation

    @property
    def hooks(self) -> dict[str, list[TransitionHook]]:
        """The hooks that apply to this transition, by kind (``"check"``, ``"before"``, ...)."""
        binding = self.binding
        transition_ = binding.transition
        field = binding.descriptor.name
        workflow_cls = type(binding.descriptor.workflow)
        found: dict[str, list[TransitionHook]] = {kind: [] for kind in HOOK_KINDS.values()}
        for klass in reversed(type(self.instance).__mro__):
            for value in vars(klass).values():
                for hook in getattr(value, HOOKS_ATTRIBUTE, ()):
                    if hook.field not in (None, field):
                        continue
                    if hook.kind is HookKind.LEAVE:
                        pool = [str(name) for name in transition_.source]
                    elif hook.kind is HookKind.ENTER:
                        pool = [str(name) for name in transition_.targets]
                    else:
                        pool = [transition_.name]
                    known = (
                        workflow_cls.states if hook.kind.names_states else workflow_cls.transitions
                    )
                    if any(
                        hook.applies_to(name) and ("*" in hook.names or name in known)
                        for name in pool
                    ):
                        found[HOOK_KINDS[hook.kind]].append(
                            TransitionHook(HOOK_KINDS[hook.kind], value, hook.priority, hook.names)
                        )
        return found


class Workflow(statecore.Workflow):
    """xworkflows' ``Workflow``: define ``states``, ``transitions`` and ``initial_state``.

    On top of `statecore.Workflow`: ``transitions`` gives xworkflows' `Transition`
    objects, an instance has ``.workflow`` (itself, as xworkflows'
    ``_workflows[field].workflow``), and bound transitions are this namespace's
    `ImplementationWrapper`.

    .. versionadded:: 0.1
    """

    implementation_class: ClassVar[type[statecore.ImplementationWrapper[Any, Any]]] = (
        ImplementationWrapper
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        transitions = cls.__dict__.get("transitions")
        if isinstance(transitions, _CoreTransitionList) and not isinstance(
            transitions, TransitionList
        ):
            cls.transitions = TransitionList.adopt(transitions, cls.states)

    def __set_name__(self, owner: type, name: str) -> None:
        setattr(owner, name, StateProperty(self, name))

    @property
    def workflow(self) -> Workflow:
        """The workflow itself: what xworkflows' ``_workflows[field].workflow`` gives."""
        return self


def noop(instance: Any, *args: Any, **kwargs: Any) -> None:
    """Do nothing: xworkflows' placeholder hook."""


class _LegacyTransitionMethod(TransitionMethod[Any, Any]):
    """A ``@transition(check=, before=, after=)`` declaration: the hooks it brings along."""

    __slots__ = ("legacy_hooks",)

    def __init__(
        self,
        function: Callable[..., Any],
        name: str | None,
        field: str | None,
        legacy_hooks: tuple[tuple[HookKind, Callable[..., Any]], ...],
    ) -> None:
        super().__init__(function, name, field)
        self.legacy_hooks = legacy_hooks


def transition(
    trname: Any = "",
    field: str = "",
    check: Callable[..., Any] | None = None,
    before: Callable[..., Any] | None = None,
    after: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], TransitionMethod[Any, Any]]:
    """Declare a method as the implementation of a transition (xworkflows' signature).

    Args:
        trname: the transition's name when it differs from the method's.
        field: the state attribute, when several workflows have such a transition.
        check: deprecated (as in xworkflows 1.1): use `transition_check`.
        before: deprecated: use `before_transition`.
        after: deprecated: use `after_transition`.

    Raises:
        ValueError: used bare, as ``@transition`` without parentheses.

    .. versionadded:: 0.1
    """
    if callable(trname):
        msg = "@transition must be called: write @transition() or @transition('name')"
        raise ValueError(msg)
    legacy = tuple(
        (kind, hook)
        for kind, hook in (
            (HookKind.CHECK, check),
            (HookKind.BEFORE, before),
            (HookKind.AFTER, after),
        )
        if hook is not None
    )
    for kind, _hook in legacy:
        option = {HookKind.CHECK: "check", HookKind.BEFORE: "before"}.get(kind, "after")
        warnings.warn(
            f"@transition({option}=...) is deprecated; decorate the function with "
            f"@{kind.value}() instead",
            DeprecationWarning,
            stacklevel=2,
        )

    def decorate(function: Callable[..., Any]) -> TransitionMethod[Any, Any]:
        if legacy:
            return _LegacyTransitionMethod(function, trname or None, field or None, legacy)
        return TransitionMethod(function, trname or None, field or None)

    return decorate


def _legacy_hook(kind: HookKind, function: Callable[..., Any], name: str, field: str | None) -> Any:
    """A hook declaration for a function given as ``@transition(check=function)``."""

    @functools.wraps(function, assigned=("__name__", "__qualname__", "__doc__"), updated=())
    def hook(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return Hook(kind, (name,), field=field)(hook)


class WorkflowEnabled(statecore.WorkflowEnabled):
    """xworkflows' ``WorkflowEnabled``: put ``state = MyWorkflow()`` in the class body.

    On top of `statecore.WorkflowEnabled`: hooks given as ``@transition(check=...)``
    are installed, and a renamed implementation (``@transition('name')`` on a method of
    another name) is reachable only by its method's name.

    .. versionadded:: 0.1
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        for attribute, value in list(vars(cls).items()):
            if isinstance(value, _LegacyTransitionMethod):
                for kind, function in value.legacy_hooks:
                    hidden = f"_xworkflows_{kind.name.lower()}_{attribute}"
                    setattr(
                        cls,
                        hidden,
                        _legacy_hook(kind, function, value.name or attribute, value.field),
                    )
        super().__init_subclass__(**kwargs)
        hide_renamed(cls)


def hide_renamed(cls: type) -> None:
    """Take a renamed implementation's transition name off ``cls``, as xworkflows has it.

    With ``@transition('start') def begin(self)``, ``obj.begin()`` runs the transition and
    ``obj.start`` does not exist (statecore's own binding installs both).
    """
    renamed = {
        value.name: value
        for attribute, value in vars(cls).items()
        if isinstance(value, TransitionMethod) and value.name not in (None, attribute)
    }
    for name, method in renamed.items():
        if vars(cls).get(name) is method:
            delattr(cls, name)
