"""States: `State`, the `StateList` of a workflow, and the `StateWrapper` an object reads."""

from __future__ import annotations

import enum
import keyword
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic

import attrs

if TYPE_CHECKING:
    from typing_extensions import TypeVar  # a default needs Python 3.13's typing

    from .transitions import Transition
    from .workflow import Workflow

    #: The state names of a workflow for type checkers: ``str`` unless the workflow
    #: lists them, ``Workflow[Literal["draft", "paid"]]``.
    StateNameT = TypeVar("StateNameT", bound=str, default=str, covariant=True)
else:
    from typing import TypeVar

    StateNameT = TypeVar("StateNameT", bound=str, covariant=True)

__all__ = ["State", "StateKind", "StateList", "StateWrapper"]


class StateKind(str, enum.Enum):
    """What a state is for, beyond its name: the kinds a workflow defined as data gives.

    ``final`` and ``cancellation`` states end the workflow (`State.final` is true for
    them); a workflow with an ``on_hold`` state gets the ``hold`` and ``resume``
    transitions, one with a ``cancellation`` state gets ``cancel`` (see
    `statecore.hold`). ``initial`` marks the state new objects start in, in data.

    .. versionadded:: 0.1
    """

    NORMAL = "normal"
    INITIAL = "initial"
    FINAL = "final"
    CANCELLATION = "cancellation"
    ON_HOLD = "on_hold"

    def __str__(self) -> str:
        return self.value


def _kind(value: object) -> StateKind:
    if isinstance(value, StateKind):
        return value
    try:
        return StateKind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in StateKind)
        msg = f"{value!r} is not a state kind; kinds: {kinds}"
        raise ValueError(msg) from None


@attrs.frozen(repr=False)
class State:
    """One state of a workflow.

    Args:
        name: a Python identifier, unique in the workflow; what is stored.
        title: a human-readable title; defaults to the name, capitalised.
        value: an optional value to store instead of the name (e.g. an integer).
        final: whether the state is meant to end the workflow (for ``statecore check``);
            always true for the ``final`` and ``cancellation`` kinds.
        member: the enum member the state came from, if any.
        kind: what the state is for, a `StateKind` (or its value, e.g. ``"on_hold"``).

    .. versionchanged:: 0.2
        ``kind``.

    .. versionadded:: 0.1
    """

    name: str
    title: str = attrs.field(
        default=attrs.Factory(
            lambda self: self.name.replace("_", " ").capitalize(), takes_self=True
        )
    )
    value: Any = attrs.field(default=None, kw_only=True)
    final: bool = attrs.field(default=False, kw_only=True)
    member: Any = attrs.field(default=None, kw_only=True, eq=False, hash=False)
    kind: StateKind = attrs.field(default=StateKind.NORMAL, kw_only=True, converter=_kind)

    def __attrs_post_init__(self) -> None:
        if not self.final and self.kind in (StateKind.FINAL, StateKind.CANCELLATION):
            object.__setattr__(self, "final", True)

    def __repr__(self) -> str:
        return f"State({self.name!r})"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_member(cls, member: enum.Enum) -> State:
        """Build a state from an enum member (also Django ``TextChoices``/``IntegerChoices``).

        A member whose value is a string is named by that value (what a ``TextChoices``
        stores); any other member is named by its lower-cased member name and keeps its
        value (what an ``IntegerChoices`` stores). The title is the member's ``label`` if
        it has one.

        Args:
            member: the enum member.

        Returns:
            The state.
        """
        raw = member.value
        label = getattr(member, "label", None)
        if isinstance(raw, str):
            name, value = raw, None
        else:
            name, value = member.name.lower(), raw
        title = str(label) if label is not None else member.name.replace("_", " ").capitalize()
        return cls(name, title, value=value, member=member)


def is_valid_name(name: object) -> bool:
    """Tell whether a state or transition name can be used as an attribute name."""
    return (
        isinstance(name, str)
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and (name.isascii() or _normalized(name) == name)
    )


def name_problem(kind: str, name: object) -> str:
    """Say why ``name`` cannot name a state or transition (``kind``), for a definition error."""
    if isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name):
        normal = _normalized(name)
        return (
            f"{kind} name {name!r} is not in the form Python reads it in (NFKC): an "
            f"attribute written {name!r} in code is looked up as {normal!r}; name it {normal!r}"
        )
    return (
        f"{kind} name {name!r} is not a Python identifier; "
        f"use letters, digits and underscores, not starting with a digit"
    )


def _normalized(name: str) -> str:
    import unicodedata  # only for non-ASCII names

    return unicodedata.normalize("NFKC", name)


class StateList:
    """The states of a workflow, in definition order.

    Reads like both a mapping and an object: ``flow.states.draft``,
    ``flow.states["draft"]``, ``"draft" in flow.states``, ``list(flow.states)``.
    """

    __slots__ = ("_states",)

    def __init__(self, states: dict[str, State]) -> None:
        self._states = states

    def __getattr__(self, name: str) -> State:
        try:
            return self._states[name]
        except KeyError:
            msg = f"No state named {name!r}; states: {', '.join(self._states) or 'none'}"
            raise AttributeError(msg) from None

    def __getitem__(self, name: str) -> State:
        try:
            return self._states[name]
        except KeyError:
            msg = f"No state named {name!r}; states: {', '.join(self._states) or 'none'}"
            raise KeyError(msg) from None

    def __contains__(self, item: object) -> bool:
        if isinstance(item, State):
            return self._states.get(item.name) == item
        return isinstance(item, str) and item in self._states

    def __iter__(self) -> Iterator[State]:
        return iter(self._states.values())

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        return f"StateList({list(self._states)!r})"

    def names(self) -> tuple[str, ...]:
        """Return the state names in definition order."""
        return tuple(self._states)


class TransitionNames(tuple["Transition", ...]):
    """A tuple of transitions that can also be called, returning itself.

    ``obj.state.transitions`` (xworkflows) and ``obj.state.transitions()`` both work.
    """

    __slots__ = ()

    def __call__(self) -> TransitionNames:
        return self


class StateWrapper(Generic[StateNameT]):
    """What reading an object's state attribute gives: a state of one workflow.

    It compares equal to the state's name, to its `State`, to another wrapper of the same
    state and to the enum member it came from; it hashes like the name, or like the
    member for an integer enum member; ``is_<name>`` flags answer for every state of the
    workflow. One wrapper exists per state of a workflow and is shared by every
    object, so reading a state allocates nothing.

    For type checkers, ``StateWrapper[Literal["draft", "paid"]]`` is the wrapper of a
    workflow that lists its state names (see `Workflow`): its ``name`` is one of them.

    Attributes:
        state: the `State`.
        workflow: the workflow class.
        known: False for a value that is no longer a state of the workflow (e.g. a stored
            value from an older version of it); no transition runs from such a state.
    """

    __slots__ = ("known", "state", "workflow")

    def __init__(self, state: State, workflow: type[Workflow], *, known: bool = True) -> None:
        self.state = state
        self.workflow = workflow
        self.known = known

    @property
    def name(self) -> StateNameT:
        """The state's name."""
        return self.state.name  # type: ignore[return-value]

    @property
    def title(self) -> str:
        """The state's title."""
        return self.state.title

    @property
    def value(self) -> Any:
        """The state's stored value (its name unless it declares a value)."""
        value = self.state.value
        return self.state.name if value is None else value

    @property
    def transitions(self) -> TransitionNames:
        """The transitions that leave this state (callable, for both spellings)."""
        return TransitionNames(self.workflow.transitions.available_from(self.state.name))

    def __getattr__(self, name: str) -> bool:
        if name.startswith("is_"):
            wanted = name[3:]
            if wanted in self.workflow.states:
                return wanted == self.state.name
        msg = f"{type(self).__name__!r} object has no attribute {name!r}"
        if name.startswith("is_"):
            from .workflow import did_you_mean

            names = self.workflow.states.names()
            msg = (
                f"{self.workflow.__qualname__} has no state {name[3:]!r}"
                f"{did_you_mean(name[3:], names)}; states: {', '.join(names)}"
            )
        raise AttributeError(msg)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.state.name
        if isinstance(other, StateWrapper):
            return other.state.name == self.state.name and other.workflow is self.workflow
        if isinstance(other, State):
            return other.name == self.state.name
        if isinstance(other, enum.Enum):
            return other is self.state.member
        return NotImplemented

    def __hash__(self) -> int:
        # Equal objects hash alike: a wrapper equals its name and its enum member, whose
        # hashes differ only for an integer member (IntEnum, IntegerChoices); a set or dict
        # of such members must find the wrapper.
        member = self.state.member
        if isinstance(member, int):
            return hash(member)
        return hash(self.state.name)

    def __str__(self) -> str:
        return self.state.name

    def __repr__(self) -> str:
        suffix = "" if self.known else ", unknown"
        return f"<StateWrapper: {self.state.name!r}{suffix}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (str, (self.state.name,))
