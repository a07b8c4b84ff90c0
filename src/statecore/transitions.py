"""Transitions: `Transition`, the `TransitionList` of a workflow, and source wildcards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

import attrs

from .states import State

__all__ = ["ANY", "ANY_BUT_TARGET", "Transition", "TransitionList"]

#: Source wildcard: every state of the workflow, the target included.
ANY = "*"
#: Source wildcard: every state of the workflow but the transition's target(s).
ANY_BUT_TARGET = "+"

Condition = Callable[[Any], bool] | str


def _names(value: object) -> tuple[str, ...]:
    """Normalise one or several state names (or `State` objects) to a tuple of names."""
    # Fast paths for what definitions almost always hold: one name, or a tuple of names.
    if type(value) is str:
        return (value,)
    if type(value) is tuple:
        for item in value:
            if isinstance(item, State):
                break
        else:
            return value  # already a tuple of names (or of junk the workflow reports)
    if value is None:
        return ()
    if isinstance(value, (str, State)):
        value = (value,)
    if not isinstance(value, Iterable):
        return (value,)  # type: ignore[return-value]  # reported by the workflow's checks
    return tuple(item.name if isinstance(item, State) else item for item in value)


def _conditions(value: object) -> tuple[Condition, ...]:
    if type(value) is tuple:
        return value  # the default, or conditions already given as a tuple
    if value is None:
        return ()
    if callable(value) or isinstance(value, str) or not isinstance(value, Iterable):
        return (value,)  # type: ignore[return-value]  # a non-callable is reported by the workflow
    return tuple(cast("Iterable[Condition]", value))


def _state_name(value: object) -> str | None:
    return value.name if isinstance(value, State) else value  # type: ignore[return-value]


@attrs.frozen(repr=False)
class Transition:
    """A named move from one or several source states to a target state.

    Args:
        name: a Python identifier, unique in the workflow.
        source: a state name, several, ``"*"`` (any state) or ``"+"`` (any state but the
            target). Wildcards are resolved by the workflow.
        target: a state name, or several: the implementation's return value (or
            ``choose_target``) then picks one at run time.
        conditions: guards, each a callable ``(instance) -> bool`` or the name of a method
            of the object; all must hold for the transition to be available.
        permission: a permission name (checked with ``user.has_perm(name)``) or a callable
            ``(instance, user) -> bool``; checked when a user is given.
        on_error: a state to enter when the implementation raises; the error is re-raised.
        choose_target: for several targets, a callable ``(instance, *args, **kwargs)``
            returning the target, called after the implementation.
        custom: free metadata for your own code (admin, UI, API).
        label: a human-readable name, e.g. for buttons; defaults to the name, capitalised.
        description: a longer human-readable text.
        priority: among the transitions leaving one state, which `statecore.advance`
            tries first (higher first; equal priorities in definition order).

    A condition given as a string that is not a Python identifier is an expression
    (``"obj.amount <= 100"``), compiled when the workflow is created; see
    `statecore.Expression`.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
        ``priority``, and expression conditions.
    """

    name: str
    source: tuple[str, ...] = attrs.field(converter=_names)
    targets: tuple[str, ...] = attrs.field(converter=_names, alias="target")
    conditions: tuple[Condition, ...] = attrs.field(
        default=(), kw_only=True, converter=_conditions, eq=False
    )
    permission: str | Callable[[Any, Any], bool] | None = attrs.field(
        default=None, kw_only=True, eq=False
    )
    on_error: str | None = attrs.field(default=None, kw_only=True, converter=_state_name)
    choose_target: Callable[..., Any] | None = attrs.field(default=None, kw_only=True, eq=False)
    custom: Mapping[str, Any] = attrs.field(factory=dict, kw_only=True, eq=False, hash=False)
    label: str = attrs.field(
        default=attrs.Factory(
            lambda self: str(self.name).replace("_", " ").capitalize(), takes_self=True
        ),
        kw_only=True,
        eq=False,
    )
    description: str = attrs.field(default="", kw_only=True, eq=False)
    priority: int = attrs.field(default=0, kw_only=True, eq=False)

    @property
    def target(self) -> str | None:
        """The target's name, or None when the transition has several targets."""
        return self.targets[0] if len(self.targets) == 1 else None

    def __repr__(self) -> str:
        target = self.target or list(self.targets)
        return f"Transition({self.name!r}, {list(self.source)!r}, {target!r})"

    @classmethod
    def coerce(cls, spec: object) -> Transition:
        """Build a transition from a ``(name, source, target)`` tuple, or return a `Transition`.

        Args:
            spec: the definition as written in ``Workflow.transitions``.

        Returns:
            The transition.

        Raises:
            TypeError: when ``spec`` is neither a `Transition` nor a 3-tuple; the
                workflow turns it into a `WorkflowDefinitionError`.
        """
        if isinstance(spec, Transition):
            return spec
        if isinstance(spec, (tuple, list)) and len(spec) == 3:
            return cls(spec[0], spec[1], spec[2])
        msg = f"{spec!r} is neither a Transition nor a (name, source, target) tuple"
        raise TypeError(msg)


class TransitionList:
    """The transitions of a workflow, in definition order.

    Reads like both a mapping and an object: ``flow.transitions.pay``,
    ``flow.transitions["pay"]``, ``"pay" in flow.transitions``.

    A transition written as a plain ``(name, source, target)`` tuple is checked when the
    workflow is defined and kept as that tuple; its `Transition` object is built the
    first time it is asked for, then kept. A big workflow is therefore cheap to define,
    and each transition is built at most once.
    """

    __slots__ = ("_built", "_from", "_transitions")

    def __init__(self, transitions: dict[str, Transition | tuple[str, str, str]]) -> None:
        self._transitions = transitions  # the list's own: built transitions replace tuples
        self._built = False
        self._from: dict[str, tuple[Transition, ...]] | None = None

    def _get(self, name: str) -> Transition:
        """Return the transition named ``name``, building it from its tuple if needed."""
        found = self._transitions[name]
        if type(found) is tuple:
            found = self._transitions[name] = Transition(*found)
        return found  # type: ignore[return-value]

    def _all(self) -> dict[str, Transition]:
        """Return every transition by name, all built."""
        if not self._built:
            for name in self._transitions:
                self._get(name)
            self._built = True
        return self._transitions  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Transition:
        try:
            return self._get(name)
        except KeyError:
            known = ", ".join(self._transitions) or "none"
            msg = f"No transition named {name!r}; transitions: {known}"
            raise AttributeError(msg) from None

    def __getitem__(self, name: str) -> Transition:
        try:
            return self._get(name)
        except KeyError:
            known = ", ".join(self._transitions) or "none"
            msg = f"No transition named {name!r}; transitions: {known}"
            raise KeyError(msg) from None

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Transition):
            return item.name in self._transitions and self._get(item.name) == item
        return isinstance(item, str) and item in self._transitions

    def __iter__(self) -> Iterator[Transition]:
        return iter(self._all().values())

    def __len__(self) -> int:
        return len(self._transitions)

    def __repr__(self) -> str:
        return f"TransitionList({list(self._transitions)!r})"

    def names(self) -> tuple[str, ...]:
        """Return the transition names in definition order."""
        return tuple(self._transitions)

    def available_from(self, state: str | State) -> tuple[Transition, ...]:
        """Return the transitions whose source includes ``state``, in definition order."""
        name = state.name if isinstance(state, State) else state
        leaving = self._from
        if leaving is None:
            leaving = self._from = self._leaving()
        return leaving.get(name, ())

    def _leaving(self) -> dict[str, tuple[Transition, ...]]:
        leaving: dict[str, list[Transition]] = {}
        for transition in self._all().values():
            for state in transition.source:
                found = leaving.get(state)
                if found is None:
                    leaving[state] = [transition]
                else:
                    found.append(transition)
        return {state: tuple(found) for state, found in leaving.items()}
