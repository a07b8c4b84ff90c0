"""Binding a workflow to a host class: `WorkflowEnabled`, `transition` and the descriptors.

``state = OrderFlow()`` in a class body becomes a `StateDescriptor` (through
``Workflow.__set_name__``); `WorkflowEnabled.__init_subclass__` then puts one
`TransitionMethod` per transition on the class, with the hooks of that class compiled
into a `TransitionBinding`. No metaclass is involved, so host classes compose with
Django models, attrs classes and dataclasses.

The state is stored as its name in one hidden attribute of the object,
``_statecore_<attribute>`` (adapters may keep it in ``__dict__`` under a key of their
own, as Django's fields do): that one attribute is all the memory statecore adds to an
object. Storing it as an ordinary instance attribute, never through ``__dict__``, keeps
CPython's compact inline attribute storage. An object whose state was never set is in
the workflow's initial state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
    overload,
)

from .compiled import Guard, HookCall, TransitionBinding, wants_event
from .errors import ProtectedStateError, UnknownTransitionError, WorkflowDefinitionError, describe
from .hooks import HOOKS_ATTRIBUTE, Hook, HookKind
from .implementation import ImplementationWrapper
from .states import StateList, StateWrapper
from .workflow import Workflow, did_you_mean

if TYPE_CHECKING:
    from .transitions import Transition

__all__ = [
    "StateDescriptor",
    "TransitionMethod",
    "WorkflowEnabled",
    "aavailable_transitions",
    "available_transitions",
    "get_transition",
    "transition",
]

P = ParamSpec("P")
R = TypeVar("R")


class StateDescriptor:
    """The class attribute that holds an object's state in one workflow.

    Reading it gives the shared `StateWrapper` of the current state; assigning a state
    name, `State`, wrapper or enum member validates it first. With ``protected=True``
    assignment is refused once a state is set (transitions still move it).

    Attributes:
        workflow: the `Workflow` object bound to the attribute.
        name: the attribute's name.
        key: where the state name is kept: the hidden attribute ``_statecore_<name>``,
            or, when an adapter passes ``key``, that key of the object's ``__dict__``.
        in_dict: True when ``key`` is a ``__dict__`` key given by an adapter.

    .. versionadded:: 0.1
    """

    __slots__ = ("_wrappers", "in_dict", "key", "name", "workflow")

    def __init__(self, workflow: Workflow, name: str, key: str | None = None) -> None:
        self.workflow = workflow
        self.name = name
        self.in_dict = key is not None
        self.key = f"_statecore_{name}" if key is None else key
        self._wrappers = type(workflow)._wrappers

    @property
    def protected(self) -> bool:
        """Whether direct assignment is refused."""
        return self.workflow.protected

    @overload
    def __get__(self, instance: None, owner: type) -> StateDescriptor: ...
    @overload
    def __get__(self, instance: object, owner: type) -> StateWrapper: ...
    def __get__(self, instance: object | None, owner: type) -> StateDescriptor | StateWrapper:
        if instance is None:
            return self
        key = self.key
        name = instance.__dict__.get(key) if self.in_dict else getattr(instance, key, None)
        if name is None:
            name = self.missing(instance)
        wrapper = self._wrappers.get(name)
        return wrapper if wrapper is not None else type(self.workflow).wrap(name)

    def __set__(self, instance: object, value: object) -> None:
        if self.workflow.protected and self.stored(instance) is not None:
            msg = (
                f"{describe(instance)}.{self.name} is protected: it changes only through "
                f"transitions ({', '.join(type(self.workflow).transitions.names())}); "
                f"use statecore.testing.set_state() in tests"
            )
            raise ProtectedStateError(msg, instance=instance, field=self.name)
        self.store(instance, type(self.workflow).state_name(value, field=self.name))

    def stored(self, instance: object) -> str | None:
        """Return the state name stored on ``instance``, or None if none was ever set."""
        if self.in_dict:
            return instance.__dict__.get(self.key)
        return getattr(instance, self.key, None)

    def store(self, instance: object, name: str) -> None:
        """Store the state name ``name`` on ``instance`` (no validation, no protection)."""
        if self.in_dict:
            instance.__dict__[self.key] = name
        else:
            object.__setattr__(instance, self.key, name)

    def read(self, instance: object) -> StateWrapper:
        """Return the state wrapper of ``instance`` (what reading the attribute gives)."""
        return self.__get__(instance, type(instance))

    def raw(self, instance: object) -> str:
        """Return the name of the state of ``instance``."""
        name = self.stored(instance)
        return self.missing(instance) if name is None else name

    def missing(self, instance: object) -> str:
        """Return the state of an object that never had one set: the initial state.

        Adapters override this (the Django adapter loads a deferred field).
        """
        return type(self.workflow).initial_state.name  # type: ignore[no-any-return]

    def force(self, instance: object, value: object) -> None:
        """Set the state without protection or transitions (validated): for tests and loading."""
        self.store(instance, type(self.workflow).state_name(value, field=self.name))

    def __repr__(self) -> str:
        return f"<StateDescriptor {self.name!r}: {type(self.workflow).__qualname__}>"


class TransitionMethod(Generic[P, R]):
    """A transition on a host class: ``order.pay`` gives an `ImplementationWrapper`.

    `transition()` returns an unbound one (a declaration); `WorkflowEnabled` installs a
    bound one, per class, for every transition. An installed method compiles its
    `TransitionBinding` the first time it is used, from what the class declared when it
    was created, so a class with many transitions is quick to create.

    Attributes:
        function: the implementation (None for a generated no-op).
        name: the transition's name (None: the attribute's name).
        field: the state attribute (None: the only one with such a transition).

    .. versionadded:: 0.1
    """

    __slots__ = ("_binding", "_plan", "field", "function", "name")

    def __init__(
        self,
        function: Callable[..., Any] | None,
        name: str | None = None,
        field: str | None = None,
        binding: TransitionBinding | None = None,
        plan: _FieldPlan | None = None,
    ) -> None:
        self.function = function
        self.name = name
        self.field = field
        self._binding = binding
        self._plan = plan

    @property
    def installed(self) -> bool:
        """True for a method `WorkflowEnabled` installed on a class (it has a binding)."""
        return self._binding is not None or self._plan is not None

    @property
    def binding(self) -> TransitionBinding | None:
        """The `TransitionBinding` of an installed method (compiled on first use), else None."""
        binding = self._binding
        if binding is None and self._plan is not None:
            binding = self._binding = self._plan.compile(self)
        return binding

    @property
    def descriptor(self) -> StateDescriptor | None:
        """The state attribute's descriptor of an installed method, else None."""
        plan = self._plan
        if plan is not None:
            return plan.descriptor
        return self._binding.descriptor if self._binding is not None else None

    @overload
    def __get__(self, instance: None, owner: type) -> TransitionMethod[P, R]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> ImplementationWrapper[P, R]: ...
    def __get__(
        self, instance: object | None, owner: type
    ) -> TransitionMethod[P, R] | ImplementationWrapper[P, R]:
        if instance is None:
            return self
        binding = self._binding
        if binding is None:
            binding = self.binding  # compiles it on first use
            if binding is None:
                msg = (
                    f"{owner.__qualname__} declares transition {self._label()!r} but does "
                    f"not inherit from statecore.WorkflowEnabled; add it to the class's bases"
                )
                raise TypeError(msg)
        return binding.wrapper_class(binding, instance)

    def _label(self) -> str:
        return self.name or str(getattr(self.function, "__name__", "?"))

    def __repr__(self) -> str:
        return f"<TransitionMethod {self._label()!r}>"


class _FieldPlan:
    """What `bind` saw of one state attribute of a host class, to compile its transitions.

    Everything a `TransitionBinding` depends on is taken when the class is bound (the
    hooks, the conditions named by string, the wrapper class), so compiling later gives
    what compiling then would have.
    """

    __slots__ = ("conditions", "descriptor", "hooks", "logs", "owner", "runner")

    def __init__(
        self,
        owner: type,
        descriptor: StateDescriptor,
        hooks: dict[HookKind, list[_HookCandidate]],
        logs: bool,
        runner: type[ImplementationWrapper[Any, Any]],
    ) -> None:
        self.owner = owner
        self.descriptor = descriptor
        self.hooks = hooks
        self.logs = logs
        self.runner = runner
        #: The guards of each transition that has conditions, resolved when bound.
        self.conditions: dict[str, list[Guard]] = {}

    def compile(self, method: TransitionMethod[Any, Any]) -> TransitionBinding:
        """Build the binding of the transition ``method`` runs."""
        name = cast("str", method.name)
        transition_ = type(self.descriptor.workflow).transitions[name]
        return _binding(
            self.owner,
            self.descriptor,
            transition_,
            method.function,
            self.conditions.get(name, ()),
            self.hooks,
            self.logs,
            self.runner,
        )


class _TransitionDecorator(Protocol):
    """What `transition()` returns: a decorator that keeps the method's signature.

    The second form is for mypy's strict mode, whose ``--extra-checks`` refuses to strip
    ``self`` from a method that also takes ``**kwargs`` (``self`` could then be passed by
    keyword): such a method keeps its return type, and its arguments are not checked.
    """

    @overload
    def __call__(self, function: Callable[Concatenate[Any, P], R], /) -> TransitionMethod[P, R]: ...
    @overload
    def __call__(  # type: ignore[overload-cannot-match]
        self, function: Callable[..., R], /
    ) -> TransitionMethod[..., R]: ...


def transition(name: str | None = None, *, field: str | None = None) -> _TransitionDecorator:
    """Declare a method as the implementation of a transition.

    Calling the method then runs the whole transition: checks, hooks, the method, the
    state change and the log. The method keeps its signature for type checkers.

    Args:
        name: the transition's name when it differs from the method's.
        field: the state attribute, when several workflows have such a transition.

    Returns:
        A decorator.

    .. versionadded:: 0.1
    """
    # For untyped callers writing @transition without parentheses; typed ones cannot.
    if callable(name):
        msg = "use @statecore.transition() with parentheses"  # type: ignore[unreachable]
        raise TypeError(msg)

    def decorate(function: Callable[..., Any]) -> TransitionMethod[..., Any]:
        return TransitionMethod(function, name, field)

    return cast("_TransitionDecorator", decorate)


class WorkflowEnabled:
    """Base class for objects that carry one or more workflows.

    Put ``state = OrderFlow()`` in the class body; every transition of the workflow
    becomes a method of the class. Subclasses keep and may override implementations and
    hooks. Works with plain classes, attrs classes, dataclasses and Django models.

    Attributes:
        _workflows: the workflow object of each state attribute (as in xworkflows).

    .. versionadded:: 0.1
    """

    _workflows: ClassVar[dict[str, Workflow]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        bind(cls)


def state_descriptors(cls: type) -> dict[str, StateDescriptor]:
    """Return the state attributes of a host class, base classes' first."""
    found: dict[str, StateDescriptor] = {}
    for klass in reversed(cls.__mro__):
        for attribute, value in vars(klass).items():
            if isinstance(value, StateDescriptor):
                found[attribute] = value
            elif attribute in found:
                del found[attribute]
    return found


def bind(
    cls: type,
    descriptors: dict[str, StateDescriptor] | None = None,
    *,
    wrapper_class: type[ImplementationWrapper[Any, Any]] | None = None,
) -> None:
    """Install the transitions of every workflow of ``cls`` on it, with its hooks.

    `WorkflowEnabled` calls this when a subclass is created; adapters whose fields are
    added after class creation (Django) call it again once they are.

    Args:
        cls: the host class.
        descriptors: its state attributes (found on the class when not given).
        wrapper_class: an `ImplementationWrapper` subclass that every transition must
            run with: a workflow whose ``implementation_class`` is not a subclass of it
            runs with it instead (an adapter's wrapper, e.g. for a plain workflow stored
            in a Django field).

    Raises:
        WorkflowDefinitionError: every conflict found: a plain attribute named like a
            transition, an implementation or hook naming an unknown transition, field or
            state, a transition name shared by two workflows without ``field=``.
    """
    if descriptors is None:
        descriptors = state_descriptors(cls)
    problems: list[str] = _binding_problems(cls, descriptors)
    if problems:
        raise WorkflowDefinitionError(cls, problems)
    cls._workflows = {name: d.workflow for name, d in descriptors.items()}  # type: ignore[attr-defined]
    if not descriptors:
        return
    attributes = _attributes(cls)
    implementations = _implementations(cls, attributes, descriptors, problems)
    hooks = _hooks(attributes, descriptors, problems)

    installs: dict[str, TransitionMethod[Any, Any]] = {}
    methods: dict[str, dict[str, TransitionMethod[Any, Any]]] = {}
    for field, descriptor in descriptors.items():
        by_name: dict[str, TransitionMethod[Any, Any]] = {}
        methods[field] = by_name
        workflow_cls = type(descriptor.workflow)
        logs = workflow_cls.log_transition is not Workflow.log_transition
        runner = workflow_cls.implementation_class
        if wrapper_class is not None and not issubclass(runner, wrapper_class):
            runner = wrapper_class
        # The hooks that may apply to this field, by kind, already in running order, each
        # with whether it wants the event: computed once, not once per transition.
        table: dict[HookKind, list[_HookCandidate]] = {}
        for hook, hook_function, _ in hooks:
            if hook.field in (None, field):
                candidate = (hook, hook_function, wants_event(hook_function))
                table.setdefault(hook.kind, []).append(candidate)
        plan = _FieldPlan(cls, descriptor, table, logs, runner)
        # Transitions defined as plain tuples have no conditions and are not built here.
        for name, definition in workflow_cls.transitions._transitions.items():
            if type(definition) is not tuple and definition.conditions:
                plan.conditions[name] = _resolve_conditions(cls, definition, problems)
            declared = implementations.get((field, name)) if implementations else None
            function = (
                declared.function if declared is not None else workflow_cls._generated.get(name)
            )
            method: TransitionMethod[Any, Any] = TransitionMethod(function, name, field, None, plan)
            by_name[name] = method
            attributes_: tuple[str, ...] | set[str] = (name,)
            if declared is not None and declared.attributes:
                attributes_ = {name, *declared.attributes}
                if _shared(name, descriptors):
                    attributes_.discard(name)  # renamed with field=: not the bare name
            for attribute in attributes_:
                if attribute in installs:
                    problems.append(
                        f"{attribute!r} is a transition of both {installs[attribute].field!r} "
                        f"and {field!r}; rename one implementation, e.g. "
                        f"@transition({name!r}, field={field!r}) on a method of another name"
                    )
                    continue
                current = attributes.get(attribute)
                if current is not None and not isinstance(current, TransitionMethod):
                    problems.append(
                        f"{cls.__qualname__}.{attribute} is not a transition implementation, "
                        f"but {attribute!r} is a transition of {workflow_cls.__qualname__}; "
                        f"decorate it with @statecore.transition() or rename it"
                    )
                    continue
                installs[attribute] = method
    if problems:
        raise WorkflowDefinitionError(cls, problems)
    for attribute, method in installs.items():
        setattr(cls, attribute, method)
    cls._transition_methods = methods  # type: ignore[attr-defined]


def _binding_problems(cls: type, descriptors: dict[str, StateDescriptor]) -> list[str]:
    """A workflow class where an instance was meant, and workflows that define no states."""
    problems = [
        f"{cls.__qualname__}.{attribute} is the workflow class {value.__qualname__}, which "
        f"binds nothing; write {attribute} = {value.__name__}() to bind an instance"
        for attribute, value in vars(cls).items()
        if isinstance(value, type)
        and issubclass(value, Workflow)
        and value.__qualname__ != f"{cls.__qualname__}.{attribute}"  # not a nested class
    ]
    problems += [
        f"{cls.__qualname__}.{name} is bound to {type(d.workflow).__qualname__}, which defines "
        f"no states (an abstract workflow); bind a subclass that sets states, transitions and "
        f"initial_state"
        for name, d in descriptors.items()
        if not isinstance(type(d.workflow).states, StateList)
    ]
    return problems


def _shared(name: str, descriptors: dict[str, StateDescriptor]) -> bool:
    """Tell whether more than one workflow of the class has a transition of that name."""
    return sum(name in type(d.workflow).transitions for d in descriptors.values()) > 1


def _attributes(cls: type) -> dict[str, Any]:
    """The class's attributes as seen on it (the most derived definition wins), in order."""
    attributes: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for attribute, value in vars(klass).items():
            attributes[attribute] = value
    return attributes


class _Declared:
    __slots__ = ("attributes", "function")

    def __init__(self, function: Callable[..., Any] | None) -> None:
        self.function = function
        self.attributes: list[str] = []


def _implementations(
    cls: type,
    attributes: dict[str, Any],
    descriptors: dict[str, StateDescriptor],
    problems: list[str],
) -> dict[tuple[str, str], _Declared]:
    """Find the implementation of each (field, transition) declared on the class."""
    found: dict[tuple[str, str], _Declared] = {}
    for attribute, value in attributes.items():
        if not isinstance(value, TransitionMethod):
            continue
        if value.installed:  # installed on a base class: keeps its implementation
            key = (cast("str", value.field), cast("str", value.name))
            if key[0] in descriptors and value.function is not None:
                declared = found.setdefault(key, _Declared(value.function))
                if attribute != key[1]:
                    declared.attributes.append(attribute)
            continue
        name = value.name or attribute
        fields = [
            field
            for field, d in descriptors.items()
            if (value.field in (None, field)) and name in type(d.workflow).transitions
        ]
        if value.field is not None and value.field not in descriptors:
            problems.append(
                f"{cls.__qualname__}.{attribute} names field {value.field!r}, which is not a "
                f"workflow attribute{did_you_mean(value.field, descriptors)}; "
                f"fields: {', '.join(descriptors)}"
            )
        elif not fields:
            known = {t for d in descriptors.values() for t in type(d.workflow).transitions.names()}
            problems.append(
                f"{cls.__qualname__}.{attribute} implements unknown transition {name!r}"
                f"{did_you_mean(name, known)}; transitions: {', '.join(sorted(known))}"
            )
        elif len(fields) > 1:
            problems.append(
                f"{cls.__qualname__}.{attribute}: transition {name!r} exists in fields "
                f"{', '.join(fields)}; say which with @transition(field=...)"
            )
        else:
            declared = _Declared(value.function)
            if attribute != name:
                declared.attributes.append(attribute)
            found[(fields[0], name)] = declared
    return found


_HookEntry = tuple[Hook, Callable[..., Any], int]
#: A hook that may apply to a field: its declaration, its function, whether it wants the event.
_HookCandidate = tuple[Hook, Callable[..., Any], bool]


def _hooks(
    attributes: dict[str, Any], descriptors: dict[str, StateDescriptor], problems: list[str]
) -> list[_HookEntry]:
    """Collect hook declarations, checking the names they refer to."""
    entries: list[_HookEntry] = []
    for position, (attribute, value) in enumerate(attributes.items()):
        declarations: tuple[Hook, ...] = getattr(value, HOOKS_ATTRIBUTE, ())
        if not declarations or not callable(value):
            continue
        for hook in declarations:
            if hook.field is not None and hook.field not in descriptors:
                problems.append(
                    f"hook {attribute!r} names field {hook.field!r}, which is not a workflow "
                    f"attribute{did_you_mean(hook.field, descriptors)}; "
                    f"fields: {', '.join(descriptors)}"
                )
                continue
            scope = [d for f, d in descriptors.items() if hook.field in (None, f)]
            what = "state" if hook.kind.names_states else "transition"
            known = {
                name
                for d in scope
                for name in (
                    type(d.workflow).states.names()
                    if hook.kind.names_states
                    else type(d.workflow).transitions.names()
                )
            }
            for name in hook.names:
                if name != "*" and name not in known:
                    problems.append(
                        f"{hook.kind.value} hook {attribute!r} names unknown {what} {name!r}"
                        f"{did_you_mean(name, known)}"
                    )
            entries.append((hook, value, position))
    # Running order: by decreasing priority, then definition order (the sort is stable).
    entries.sort(key=lambda entry: (-entry[0].priority, entry[2]))
    return entries


def _resolve_conditions(cls: type, transition_: Transition, problems: list[str]) -> list[Guard]:
    """Resolve a transition's conditions on a host class (a string names a method)."""
    conditions: list[Guard] = []
    for condition in transition_.conditions:
        if isinstance(condition, str):
            method = getattr(cls, condition, None)
            if not callable(method):
                problems.append(
                    f"transition {transition_.name!r} has condition {condition!r}, which is not "
                    f"a method of {cls.__qualname__}"
                )
                continue
            conditions.append(("condition", condition, method))
        else:
            label = (
                getattr(condition, "condition_label", None)  # an Expression: its text
                or getattr(condition, "__qualname__", None)
                or repr(condition)
            )
            conditions.append(("condition", label, condition))
    return conditions


def _binding(
    cls: type,
    descriptor: StateDescriptor,
    transition_: Transition,
    function: Callable[..., Any] | None,
    conditions: Sequence[Guard],
    hooks: dict[HookKind, list[_HookCandidate]],
    logs: bool,
    wrapper_class: type[ImplementationWrapper[Any, Any]],
) -> TransitionBinding:
    """Compile everything one transition of one class needs per source and target state.

    ``conditions`` are the transition's resolved guards; ``hooks`` holds the hooks that
    may apply to the descriptor's field, by kind, in running order.
    """
    workflow_cls = type(descriptor.workflow)

    def select(kind: HookKind, name: str) -> list[_HookCandidate]:
        candidates = hooks.get(kind)
        if not candidates:
            return []
        return [
            candidate
            for candidate in candidates
            if candidate[0].applies_to(name)
            and (candidate[0].field is not None or _in_scope(candidate[0], workflow_cls, name))
        ]

    def calls(entries: list[_HookCandidate]) -> tuple[HookCall, ...]:
        return tuple((function, needs) for _, function, needs in entries)

    if not hooks:  # no hook may apply to this field: nothing to select
        guards: tuple[Guard, ...] = tuple(conditions)
        pre: dict[str, tuple[HookCall, ...]] = dict.fromkeys(transition_.source, ())
        post: dict[str, tuple[HookCall, ...]] = dict.fromkeys(transition_.targets, ())
        needs_event = False
    else:
        checks: list[Guard] = [
            ("check", function.__name__, function)
            for _, function, _ in select(HookKind.CHECK, transition_.name)
        ]
        guards = (*conditions, *checks)
        before = calls(select(HookKind.BEFORE, transition_.name))
        after = calls(select(HookKind.AFTER, transition_.name))
        pre = {
            source: before + calls(select(HookKind.LEAVE, source)) for source in transition_.source
        }
        post = {
            target: calls(select(HookKind.ENTER, target)) + after for target in transition_.targets
        }
        needs_event = any(needs for group in (*pre.values(), *post.values()) for _, needs in group)
    if function is not None and not needs_event:
        needs_event = wants_event(function)
    return TransitionBinding(
        owner=cls,
        descriptor=descriptor,
        transition=transition_,
        implementation=function,
        guards=dict.fromkeys(transition_.source, guards),
        pre=pre,
        post=post,
        needs_event=needs_event,
        logs=logs,
        wrapper_class=wrapper_class,
    )


def _in_scope(hook: Hook, workflow_cls: type[Workflow], name: str) -> bool:
    """A hook without field= applies to a workflow only if the workflow has that name."""
    if "*" in hook.names:
        return True
    pool = workflow_cls.states if hook.kind.names_states else workflow_cls.transitions
    return name in pool


def available_transitions(
    instance: object, *, field: str | None = None, user: Any = None
) -> list[ImplementationWrapper[Any, Any]]:
    """Return the transitions of ``instance`` that can run now, in definition order.

    Args:
        instance: a `WorkflowEnabled` object.
        field: the state attribute; all of them when None.
        user: when given, only transitions this user may run.

    Returns:
        The bound transitions, ready to call.

    .. versionadded:: 0.1
    """
    return [
        wrapper if user is None else wrapper.as_user(user)
        for wrapper in _leaving(instance, field)
        if wrapper.is_available(user=user)
    ]


async def aavailable_transitions(
    instance: object, *, field: str | None = None, user: Any = None
) -> list[ImplementationWrapper[Any, Any]]:
    """The awaitable form of `available_transitions`: async guards and permissions are awaited.

    Args:
        instance: a `WorkflowEnabled` object.
        field: the state attribute; all of them when None.
        user: when given, only transitions this user may run.

    Returns:
        The bound transitions, ready to call (or to await with ``acall``).

    .. versionadded:: 0.1
    """
    return [
        wrapper if user is None else wrapper.as_user(user)
        for wrapper in _leaving(instance, field)
        if await wrapper.ais_available(user=user)
    ]


def _leaving(instance: object, field: str | None) -> list[ImplementationWrapper[Any, Any]]:
    """The transitions of ``instance`` that start from its current state(s), bound to it."""
    owner = type(instance)
    methods: dict[str, dict[str, TransitionMethod[Any, Any]]] = getattr(
        owner, "_transition_methods", {}
    )
    if field is not None and field not in methods:
        msg = (
            f"{owner.__qualname__} has no workflow attribute {field!r}"
            f"{did_you_mean(field, methods)}; fields: {', '.join(methods) or 'none'}"
        )
        raise AttributeError(msg)
    result = []
    for name, by_transition in methods.items():
        if (field is not None and name != field) or not by_transition:
            continue
        descriptor = cast("StateDescriptor", next(iter(by_transition.values())).descriptor)
        current = descriptor.raw(instance)
        for transition_ in type(descriptor.workflow).transitions.available_from(current):
            result.append(by_transition[transition_.name].__get__(instance, owner))
    return result


def get_transition(
    instance: object, name: str, *, field: str | None = None
) -> ImplementationWrapper[Any, Any]:
    """Return the transition named ``name`` bound to ``instance``, e.g. from a URL or a form.

    Args:
        instance: a `WorkflowEnabled` object.
        name: the transition's name (not the name of a renamed method).
        field: the state attribute, when several workflows have such a transition.

    Returns:
        The bound transition, ready to call or to ask ``is_available()``.

    Raises:
        UnknownTransitionError: no workflow of the object has that transition, or
            several do and ``field`` was not given.

    .. versionadded:: 0.1
    """
    owner = type(instance)
    methods: dict[str, dict[str, TransitionMethod[Any, Any]]] = getattr(
        owner, "_transition_methods", {}
    )
    # isinstance() is for untyped callers: an unhashable name would make ``in`` raise.
    found = [
        by_transition[name]
        for attribute, by_transition in methods.items()
        if field in (None, attribute) and isinstance(name, str) and name in by_transition  # type: ignore[redundant-expr]
    ]
    if len(found) == 1:
        return found[0].__get__(instance, owner)
    known = sorted({t for by_transition in methods.values() for t in by_transition})
    workflow = type(next(iter(owner._workflows.values()))) if methods else owner  # type: ignore[attr-defined]
    if found:
        msg = (
            f"{owner.__qualname__} has transition {name!r} in several workflows "
            f"({', '.join(methods)}); pass field= to say which"
        )
    else:
        where = f" in field {field!r}" if field is not None else ""
        msg = (
            f"{owner.__qualname__} has no transition {name!r}{where}"
            f"{did_you_mean(name, known)}; transitions: {', '.join(known) or 'none'}"
        )
    raise UnknownTransitionError(msg, name=str(name), workflow=workflow)
