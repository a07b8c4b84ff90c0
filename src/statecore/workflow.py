"""`Workflow`: states, transitions and an initial state, checked when the class is created."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Literal,
    cast,
    get_args,
    get_origin,
    overload,
)

import attrs

from .awaitables import grants, is_async_callable, is_awaitable, refusal, settle
from .errors import InvalidStateError, UnknownTransitionError, WorkflowDefinitionError, problem
from .implementation import ImplementationWrapper
from .states import (
    State,
    StateKind,
    StateList,
    StateNameT,
    StateWrapper,
    is_valid_name,
    name_problem,
)
from .transitions import ANY, ANY_BUT_TARGET, Transition, TransitionList

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

    from .binding import StateDescriptor, WorkflowEnabled

__all__ = ["Workflow"]

_DEFINITION_ATTRIBUTES = ("states", "transitions", "initial_state", "final_states")


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``."""
    if not isinstance(name, str):
        return ""
    import difflib  # only when a name is wrong: it is not worth its import time otherwise

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Workflow(Generic[StateNameT]):
    """A workflow: its states, its transitions and its initial state.

    Subclass it and set ``states``, ``transitions`` and ``initial_state``; the class
    attributes are turned into a `StateList`, a `TransitionList` and a `State` when the
    class is created, and every problem of the definition is reported at once in one
    `WorkflowDefinitionError`. A subclass extends its parent: its states and transitions
    are added, or replace the parent's of the same name.

    An instance of the class, put on a `WorkflowEnabled` class (``state = OrderFlow()``),
    binds the workflow to that class's attribute.

    Example::

        class OrderFlow(Workflow):
            states = (("draft", "Draft"), ("placed", "Placed"))
            transitions = (("place", "draft", "placed"),)
            initial_state = "draft"

    For type checkers, a workflow may list its state names as a type parameter,
    ``class OrderFlow(Workflow[Literal["draft", "placed"]])``: the state then reads as a
    ``StateWrapper[Literal["draft", "placed"]]`` whose ``name`` is one of them, and
    `get_state` takes only those names. The list must name exactly the states (checked
    when the class is created); a subclass that adds states lists them again.

    Args:
        protected: refuse direct assignment to the state attribute once it is set;
            the state then changes only through transitions.

    .. versionadded:: 0.1
    """

    #: The states, as ``(name, title)`` pairs, bare names, `State` objects or an enum.
    states: ClassVar[Any] = None
    #: The transitions, as ``(name, source, target)`` tuples or `Transition` objects.
    transitions: ClassVar[Any] = None
    #: The name of the state new objects start in.
    initial_state: ClassVar[Any] = None
    #: Names of the states meant to end the workflow (used by ``statecore check``).
    final_states: ClassVar[Any] = ()
    #: The class that runs transitions; swap it to wrap them (e.g. in a DB transaction).
    implementation_class: ClassVar[type[ImplementationWrapper[Any, Any]]] = ImplementationWrapper
    #: The class of the state wrappers reading the state gives (adapters subclass it).
    wrapper_class: ClassVar[type[StateWrapper]] = StateWrapper

    _wrappers: ClassVar[dict[str, StateWrapper]] = {}
    #: Implementations of the transitions the workflow generated (hold, resume, cancel).
    _generated: ClassVar[dict[str, Any]] = {}

    def __init__(self, *, protected: bool = False) -> None:
        self.protected = protected

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_async_steps(cls)
        if all(getattr(cls, attr) is None for attr in ("states", "transitions", "initial_state")):
            return  # an abstract base (e.g. an adapter's Workflow): nothing to compile
        _compile(cls)

    if TYPE_CHECKING:
        # On a host class the workflow object is replaced by a StateDescriptor (see
        # __set_name__); these tell type checkers what reading and assigning give. The
        # last overload keeps the workflow's own type where mypy applies __get__ to a
        # value that is no class attribute (a property returning a workflow).
        @overload
        def __get__(self, instance: None, owner: type) -> StateDescriptor: ...
        @overload
        def __get__(self, instance: WorkflowEnabled, owner: type) -> StateWrapper[StateNameT]: ...
        @overload
        def __get__(self, instance: object, owner: type) -> Self: ...
        def __get__(
            self, instance: object, owner: type
        ) -> StateDescriptor | StateWrapper[StateNameT] | Self: ...
        def __set__(self, instance: object, value: object) -> None: ...

    def __set_name__(self, owner: type, name: str) -> None:
        from .binding import StateDescriptor

        setattr(owner, name, StateDescriptor(self, name))

    def __repr__(self) -> str:
        return f"<Workflow: {type(self).__qualname__}>"

    # -- extension points -------------------------------------------------------------

    def log_transition(
        self,
        transition: Transition,
        from_state: State,
        instance: Any,
        /,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Record a transition that just ran; does nothing unless overridden.

        Called after the new state is set and before the enter and after hooks, with
        the call's arguments. If it raises, the state is restored and the error
        propagates: a transition is not done without its log.

        Args:
            transition: the transition that ran.
            from_state: the state the object left.
            instance: the object.
            *args: the positional arguments of the call.
            **kwargs: the keyword arguments of the call.
        """

    def check_permission(self, transition: Transition, instance: Any, user: Any) -> bool:
        """Tell whether ``user`` may run ``transition`` on ``instance``.

        A callable permission is called as ``permission(instance, user)``; a permission
        name is checked with ``user.has_perm(name)`` (a user without ``has_perm`` has no
        permission). Override to plug in another permission system. A callable that
        returns an awaitable here is never taken for a "yes": `AwaitRequired` is raised.

        Args:
            transition: the transition.
            instance: the object.
            user: the user, whatever object your application uses.

        Returns:
            True when the user may run the transition.
        """
        permission = transition.permission
        if permission is None:
            return True
        if callable(permission):
            verdict: Any = permission(instance, user)
            if verdict is True or verdict is False:
                return verdict
            if is_awaitable(verdict):
                verdict = settle(
                    verdict,
                    lambda: refusal(
                        [f"permission {getattr(permission, '__qualname__', repr(permission))!r}"],
                        transition.name,
                        instance,
                        "acall(...)",
                        returned=True,
                    ),
                )
            return grants(verdict)
        has_perm = getattr(user, "has_perm", None)
        return bool(has_perm(permission)) if has_perm is not None else False

    # -- typed lookups ----------------------------------------------------------------

    @classmethod
    def get_state(cls, name: StateNameT) -> State:  # type: ignore[misc]
        """Return the state named ``name``, as ``OrderFlow.states[name]`` does.

        For a type checker, ``OrderFlow.states`` is what the class body assigned (a tuple
        of pairs, an enum); this lookup is typed, and its result is a `State`. When the
        workflow lists its state names (``Workflow[Literal[...]]``), type checkers accept
        only those.

        Args:
            name: the state's name.

        Returns:
            The state.

        Raises:
            InvalidStateError: the workflow has no state of that name.

        .. versionadded:: 0.1
        """
        states = cls.states
        names = states.names() if isinstance(states, StateList) else ()
        if name in names:
            return states[name]  # type: ignore[no-any-return]
        msg = (
            f"{cls.__qualname__} has no state {name!r}{did_you_mean(name, names)}; "
            f"states: {', '.join(names) or 'none'}"
        )
        raise InvalidStateError(msg, value=name, workflow=cls, field=None)

    @classmethod
    def get_transition(cls, name: str) -> Transition:
        """Return the transition named ``name``, as ``OrderFlow.transitions[name]`` does.

        For a type checker, ``OrderFlow.transitions`` is what the class body assigned;
        this lookup is typed, and its result is a `Transition`.

        Args:
            name: the transition's name.

        Returns:
            The transition (its definition; `statecore.get_transition` binds one to
            an object).

        Raises:
            UnknownTransitionError: the workflow has no transition of that name.

        .. versionadded:: 0.1
        """
        transitions = cls.transitions
        names = transitions.names() if isinstance(transitions, TransitionList) else ()
        if name in names:
            return transitions[name]  # type: ignore[no-any-return]
        msg = (
            f"{cls.__qualname__} has no transition {name!r}{did_you_mean(name, names)}; "
            f"transitions: {', '.join(names) or 'none'}"
        )
        raise UnknownTransitionError(msg, name=str(name), workflow=cls)

    async def acheck_permission(self, transition: Transition, instance: Any, user: Any) -> bool:
        """The awaitable form of `check_permission`, used by the awaitable forms of transitions.

        Awaits a permission callable that is async (or returns an awaitable); a permission
        name is checked with `check_permission`. Override it for a permission system that
        must be awaited (and `check_permission` for the sync path).

        Args:
            transition: the transition.
            instance: the object.
            user: the user.

        Returns:
            True when the user may run the transition.

        .. versionadded:: 0.1
        """
        permission = transition.permission
        if permission is not None and not isinstance(permission, str) and callable(permission):
            verdict: Any = permission(instance, user)
            if is_awaitable(verdict):
                verdict = await verdict
            return grants(verdict)
        return self.check_permission(transition, instance, user)

    # -- state values -----------------------------------------------------------------

    @classmethod
    def state_name(cls, value: object, *, field: str | None = None) -> str:
        """Return the name of the state ``value`` stands for.

        Args:
            value: a state name, a `State`, a `StateWrapper`, an enum member of the
                workflow's enum, or a state's declared value (of the same type: a float
                or a `Decimal` is not an integer state's value).
            field: the attribute being set, for the message.

        Returns:
            The state's name.

        Raises:
            InvalidStateError: ``value`` is not a state of this workflow.
        """
        if isinstance(value, enum.Enum):
            # Only a member of the enum the states came from: another enum's member is
            # refused even when its value is a state's name.
            for state in cls.states:
                if state.member is value:
                    return str(state.name)
        elif isinstance(value, str) and value in cls._wrappers:
            return cls._wrappers[value].state.name
        elif isinstance(value, (State, StateWrapper)):
            state = value if isinstance(value, State) else value.state
            if cls._wrappers.get(state.name) is not None and cls.states[state.name] == state:
                return state.name
        elif value is not None and not isinstance(value, (str, bool)):
            # A declared value of the same type: 2.0 or Decimal(2) is not the state valued 2.
            for state in cls.states:
                if type(state.value) is type(value) and state.value == value:
                    return str(state.name)
        where = f" for {field!r}" if field else ""
        msg = (
            f"{value!r} is not a state of {cls.__qualname__}{where}; "
            f"states: {', '.join(cls.states.names())}{did_you_mean(value, cls._wrappers)}"
        )
        raise InvalidStateError(msg, value=value, workflow=cls, field=field)

    @classmethod
    def wrap(cls, name: str) -> StateWrapper:
        """Return the shared `StateWrapper` of the state named ``name``.

        A name that is not a state of the workflow (a stored value from an older
        version) gives a wrapper with ``known=False`` instead of failing.
        """
        wrapper = cls._wrappers.get(name)
        if wrapper is None:
            wrapper = cls.wrapper_class(State(str(name)), cls, known=False)
        return wrapper

    # -- data -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> type[Self]:
        """Build a workflow class from data, as a subclass of this class.

        See `statecore.workflow_from_dict` (this is it with ``base=cls``).

        .. versionadded:: 0.1
        """
        from .data import workflow_from_dict

        return workflow_from_dict(data, base=cls)

    @classmethod
    def from_json(cls, source: str | os.PathLike[str] | IO[str]) -> type[Self]:
        """Build a workflow class from a JSON file, as a subclass of this class.

        See `statecore.workflow_from_json` (this is it with ``base=cls``).

        .. versionadded:: 0.1
        """
        from .data import workflow_from_json

        return workflow_from_json(source, base=cls)

    @classmethod
    def to_dict(cls) -> dict[str, Any]:
        """Return the workflow as data; see `statecore.workflow_to_dict`.

        .. versionadded:: 0.1
        """
        from .data import workflow_to_dict

        return workflow_to_dict(cls)

    # -- graphs -----------------------------------------------------------------------

    @classmethod
    def to_mermaid(cls, *, current: str | None = None) -> str:
        """Return the workflow as a Mermaid ``stateDiagram-v2`` (no dependency needed).

        Args:
            current: a state to highlight.
        """
        from .graph import to_mermaid

        return to_mermaid(cls, current=current)

    @classmethod
    def to_dot(cls, *, current: str | None = None) -> str:
        """Return the workflow as Graphviz DOT source (no dependency needed).

        Args:
            current: a state to highlight.
        """
        from .graph import to_dot

        return to_dot(cls, current=current)


# -- compilation ------------------------------------------------------------------------


#: Methods of a workflow that run inside the sync step of a transition: never awaited.
_SYNC_STEPS = {
    "log_transition": (
        "it runs in the same step as the state change; log from an async "
        "after_transition hook, or make it a plain def"
    ),
    "check_permission": (
        "it answers the sync path; override acheck_permission for the awaitable forms"
    ),
}


def _refuse_async_steps(cls: type[Workflow]) -> None:
    """Refuse an ``async def`` override of a method that the sync step calls."""
    problems = [
        f"{cls.__qualname__}.{name} is async def, so it would never be awaited: {why}"
        for name, why in _SYNC_STEPS.items()
        if name in cls.__dict__ and is_async_callable(cls.__dict__[name])
    ]
    if problems:
        raise WorkflowDefinitionError(cls, problems)


def _parse_states(spec: object, problems: list[str]) -> list[State]:
    if isinstance(spec, type) and issubclass(spec, enum.Enum):
        return [State.from_member(member) for member in spec]
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Iterable):
        problems.append(
            problem(
                TypeError,
                f"states must be a sequence of (name, title) pairs, names or State objects, "
                f"or an Enum class; got {spec!r}",
            )
        )
        return []
    parsed = []
    for item in spec:
        if isinstance(item, State):
            parsed.append(item)
        elif isinstance(item, enum.Enum):
            parsed.append(State.from_member(item))
        elif isinstance(item, str):
            parsed.append(State(item))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            parsed.append(State(item[0], str(item[1])))
        else:
            problems.append(
                problem(
                    TypeError, f"state {item!r} is neither a name, a (name, title) pair nor a State"
                )
            )
    return parsed


def _compile(cls: type[Workflow]) -> None:
    """Turn the class's definition attributes into their compiled forms, or raise."""
    problems: list[str] = []
    parent = cast(  # only a compiled workflow class holds a StateList
        "type[Workflow] | None",
        next(
            (b for b in cls.__mro__[1:] if isinstance(b.__dict__.get("states"), StateList)),
            None,
        ),
    )
    own = cls.__dict__

    # States: the parent's, then this class's (same name replaces).
    states: dict[str, State] = dict(parent.states._states) if parent else {}
    if "states" in own:
        seen: set[str] = set()
        for state in _parse_states(own["states"], problems):
            if not is_valid_name(state.name):
                given: object = state.name  # from an untyped definition: anything
                kind = ValueError if isinstance(given, str) else TypeError
                problems.append(problem(kind, name_problem("state", state.name)))
                continue
            if state.name in seen:
                problems.append(f"state {state.name!r} is defined twice")
                continue
            seen.add(state.name)
            states[state.name] = state
    if not states:
        problems.append("the workflow has no states; set states = ((name, title), ...)")
    final: set[str] = set()
    for item in _final_names(own.get("final_states", getattr(cls, "final_states", ())), problems):
        name = _member_name(item, states)
        if _is_state(name, states):
            final.add(cast("str", name))
        else:
            problems.append(
                f"final_states names unknown state {name!r}{did_you_mean(name, states)}"
            )
    states = {
        name: attrs.evolve(state, final=True) if name in final and not state.final else state
        for name, state in states.items()
    }

    # Transitions: the parent's, then this class's (same name replaces). A plain
    # (name, source, target) tuple of known states is checked here and kept as is: the
    # TransitionList builds its Transition when it is first asked for.
    transitions: dict[str, Transition | tuple[str, str, str]] = (
        dict(parent.transitions._transitions) if parent else {}
    )
    if "transitions" in own:
        spec = own["transitions"]
        if spec is None or isinstance(spec, (str, bytes)) or not isinstance(spec, Iterable):
            problems.append(
                f"transitions must be a sequence of (name, source, target) tuples or "
                f"Transition objects; got {spec!r}"
            )
            spec = ()
        seen = set()
        for item in spec:
            if type(item) is tuple and len(item) == 3:
                name, source, target = item
                if (
                    type(source) is str
                    and type(target) is str
                    and source in states
                    and target in states
                    and is_valid_name(name)
                    and name[:1] != "_"  # private and special names: checked below
                    and name not in seen
                ):
                    seen.add(name)
                    transitions[name] = item
                    continue
            try:
                transition = Transition.coerce(item)
            except (TypeError, ValueError) as exc:
                problems.append(problem(type(exc), f"transition {exc}"))
                continue
            if not is_valid_name(transition.name):
                problems.append(name_problem("transition", transition.name))
                continue
            if any(type(c) is str and not c.isidentifier() for c in transition.conditions):
                from .expressions import compile_conditions

                where = f"transition {transition.name!r} condition {{position}}"
                transition = compile_conditions(transition, problems, where)
            if _reserved(transition.name):
                problems.append(
                    f"transition name {transition.name!r} is reserved: transitions become "
                    f"methods of the host class, and Python or statecore uses this name "
                    f"itself (a special method would run the transition on its own, e.g. "
                    f"'__bool__' on 'if obj:'); rename the transition"
                )
                continue
            problems.extend(_option_problems(transition))
            if transition.name in seen:
                problems.append(f"transition {transition.name!r} is defined twice")
                continue
            seen.add(transition.name)
            transitions[transition.name] = transition
    generated: dict[str, Any] = {}
    if any(state.kind in _OPERATION_KINDS for state in states.values()) or (
        parent is not None and parent._generated
    ):
        from .holding import add_operations

        inherited = (
            {name: parent.transitions._transitions[name] for name in parent._generated}
            if parent is not None
            else {}
        )
        generated = add_operations(states, transitions, inherited, problems)
    # Tuples were checked above (or by the parent, whose states this class keeps).
    resolved = {
        name: _resolve(spec, states, problems) if isinstance(spec, Transition) else spec
        for name, spec in transitions.items()
    }

    # Initial state.
    initial = own.get("initial_state", None)
    if initial is None and parent is not None:
        initial = parent.initial_state.name
    if initial is None:
        marked = [name for name, state in states.items() if state.kind is StateKind.INITIAL]
        if len(marked) == 1:
            initial = marked[0]
    if isinstance(initial, State):
        initial = initial.name
    elif isinstance(initial, enum.Enum):
        initial = _member_name(initial, states)
    if initial is None:
        problems.append("initial_state is not set; name the state new objects start in")
    elif not _is_state(initial, states):
        problems.append(
            problem(
                KeyError,
                f"initial_state {initial!r} is not a state{did_you_mean(initial, states)}; "
                f"states: {', '.join(states) or 'none'}",
            )
        )

    name_clash = set(states) & set(resolved)
    for name in sorted(name_clash):
        problems.append(f"{name!r} is both a state and a transition; rename one of them")

    if states:
        _check_declared_names(cls, states, problems)

    if problems:
        raise WorkflowDefinitionError(cls, problems)

    cls.states = StateList(states)
    cls.transitions = TransitionList(resolved)
    cls.initial_state = states[initial]
    cls._wrappers = {name: cls.wrapper_class(state, cls) for name, state in states.items()}
    cls._generated = generated


#: State kinds that give a workflow generated transitions (see `statecore.hold`).
_OPERATION_KINDS = (StateKind.ON_HOLD, StateKind.CANCELLATION)


#: Names statecore keeps on host classes; a transition of that name would replace them.
_HOST_NAMES = frozenset({"_workflows", "_transition_methods"})


def _reserved(name: str) -> bool:
    """Tell whether a transition may not take ``name`` (special methods, statecore's own)."""
    return (
        (name.startswith("__") and name.endswith("__"))
        or name in _HOST_NAMES
        or name.startswith("_statecore")
    )


def _option_problems(transition: Transition) -> list[str]:
    """Options of a transition that cannot be used: what is not callable must not be."""
    label = f"transition {transition.name!r}"
    # Typed as callables; untyped definitions may hold anything.
    conditions: tuple[object, ...] = transition.conditions
    chooser: object = transition.choose_target
    permission: object = transition.permission
    problems = [
        f"{label} has condition {condition!r}, which is neither callable nor the name of "
        f"a method; give a function (instance) -> bool or a method name"
        for condition in conditions
        if not (callable(condition) or isinstance(condition, str))
    ]
    if chooser is not None and not callable(chooser):
        problems.append(
            f"{label} has choose_target={chooser!r}, which is not callable; give a function "
            f"(instance, *args, **kwargs) returning one of its targets"
        )
    priority: object = transition.priority
    if type(priority) is not int:
        problems.append(f"{label} has priority={priority!r}; give an integer (higher first)")
    if permission is not None and not (callable(permission) or isinstance(permission, str)):
        problems.append(
            f"{label} has permission={permission!r}; give a permission name or a function "
            f"(instance, user) -> bool"
        )
    return problems


def _declared_names(cls: type[Workflow]) -> tuple[object, ...] | None:
    """The state names the class (or its nearest base that says) lists as a type parameter.

    ``class OrderFlow(Workflow[Literal["draft", "paid"]])`` lists ``draft`` and ``paid``;
    None when no class lists names (no parameter, or one that is not a ``Literal``).
    """
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = get_origin(base)
            if not (isinstance(origin, type) and issubclass(origin, Workflow)):
                continue
            (parameter,) = get_args(base) or (None,)
            if get_origin(parameter) is Literal or repr(get_origin(parameter)).endswith(
                ".Literal"  # typing_extensions.Literal on Python 3.10.0
            ):
                return get_args(parameter)
            return None
    return None


def _check_declared_names(
    cls: type[Workflow], states: dict[str, State], problems: list[str]
) -> None:
    """Report a ``Workflow[Literal[...]]`` that does not list exactly the states."""
    declared = _declared_names(cls)
    if declared is None:
        return
    for name in declared:
        if not isinstance(name, str) or name not in states:
            problems.append(
                f"the type parameter Literal[...] names {name!r}, which is not a state"
                f"{did_you_mean(name, states)}; states: {', '.join(states)}"
            )
    missing = [name for name in states if name not in declared]
    if missing:
        problems.append(
            f"the type parameter Literal[...] leaves out "
            f"state{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; list "
            f"every state name there (a subclass that adds states lists them all again)"
        )


def _final_names(spec: object, problems: list[str]) -> list[str]:
    if isinstance(spec, (str, State)):
        spec = (spec,)
    if not isinstance(spec, Iterable):
        problems.append(f"final_states must be a sequence of state names; got {spec!r}")
        return []
    return [item.name if isinstance(item, State) else item for item in spec]


def _is_state(name: object, states: dict[str, State]) -> bool:
    """Tell whether ``name`` names one of ``states`` (False for unhashable junk too).

    An enum member is not a name, even a str-valued one: `_member_names` turns the
    members of the states' own enum into names first.
    """
    return type(name) is str and name in states


def _unknown(value: object, states: dict[str, State]) -> str:
    """Describe ``value``, which names no state, for a definition error."""
    if isinstance(value, enum.Enum):
        return (
            f"{value!r}, a member of {type(value).__qualname__}, which the states did not "
            f"come from; name the state instead"
        )
    return f"unknown state {value!r}{did_you_mean(value, states)}"


def _member_name(value: object, states: dict[str, State]) -> object:
    """The name of the state an enum member of the states' enum stands for, else ``value``."""
    if isinstance(value, enum.Enum):
        for state in states.values():
            if state.member is value:
                return state.name
    return value


def _member_names(transition: Transition, states: dict[str, State]) -> Transition:
    """The transition with members of the states' enum given as state names."""
    if all(
        type(item) is str
        for item in (*transition.source, *transition.targets, transition.on_error or "")
    ):
        return transition
    return attrs.evolve(
        transition,
        source=tuple(_member_name(item, states) for item in transition.source),
        target=tuple(_member_name(item, states) for item in transition.targets),
        on_error=_member_name(transition.on_error, states),
    )


def _resolve(transition: Transition, states: dict[str, State], problems: list[str]) -> Transition:
    """Check a transition's states and expand its source wildcards."""
    transition = _member_names(transition, states)
    if (
        len(transition.source) == 1
        and len(transition.targets) == 1
        and transition.on_error is None
        and _is_state(transition.source[0], states)  # a wildcard is never a state name
        and _is_state(transition.targets[0], states)
    ):
        return transition  # the common case: nothing to report, nothing to expand
    label = f"transition {transition.name!r}"
    known = True
    if not transition.targets:
        problems.append(f"{label} has no target state")
    for target in transition.targets:
        if not _is_state(target, states):
            known = False
            problems.append(problem(KeyError, f"{label} targets {_unknown(target, states)}"))
    on_error = transition.on_error
    if on_error is not None and not _is_state(on_error, states):
        problems.append(
            f"{label} has on_error={transition.on_error!r}, which is not a state"
            f"{did_you_mean(transition.on_error, states)}"
        )
    if any(t in transition.targets[:i] for i, t in enumerate(transition.targets)):
        problems.append(f"{label} names a target twice")
    sources: list[str] = []
    for source in transition.source:
        if source == ANY:
            sources.extend(states)
        elif source == ANY_BUT_TARGET:
            sources.extend(s for s in states if s not in transition.targets)
        elif _is_state(source, states):
            sources.append(source)
        else:
            known = False
            problems.append(problem(KeyError, f"{label} starts from {_unknown(source, states)}"))
    if not transition.source:
        problems.append(f"{label} has no source state")
    if not known:
        return transition
    resolved = tuple(dict.fromkeys(sources))
    if resolved == transition.source:
        return transition  # no wildcard, no repeated source: nothing to rebuild
    return attrs.evolve(transition, source=resolved)
