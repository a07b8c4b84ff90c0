"""`ImplementationWrapper`: the one place a transition runs.

Reading ``order.pay`` gives an `ImplementationWrapper` bound to ``order``; calling it runs
the transition. A workflow's ``implementation_class`` swaps the class, which is how the
Django adapter wraps transitions in a database transaction. Subclasses override
`ImplementationWrapper.__call__` (to wrap the whole run) or
`ImplementationWrapper.commit_state` (to persist the new state), and call ``super()``.

Everything that does not depend on the object is computed once per host class in a
`statecore.compiled.TransitionBinding`, so a call allocates only the wrapper itself.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

import attrs

from .availability import Availability, Reason, guard_label, guard_reason, permission_name
from .awaitables import can_wait, grants, is_awaitable, refusal, settle
from .errors import (
    AbortTransition,
    AwaitRequired,
    ConcurrentTransition,
    ForbiddenTransition,
    InvalidStateError,
    InvalidTargetError,
    InvalidTransitionError,
    TransitionPermissionDenied,
    add_note,
    describe,
    names,
)
from .states import State, StateWrapper

if TYPE_CHECKING:
    from .compiled import TransitionBinding
    from .transitions import Transition
    from .workflow import Workflow

__all__ = ["ImplementationWrapper", "TransitionEvent"]

P = ParamSpec("P")
R = TypeVar("R", covariant=True)
Q = ParamSpec("Q")
T = TypeVar("T")


@attrs.define(slots=True, eq=False)
class TransitionEvent:
    """What a hook declaring a keyword-only ``event`` parameter learns of the transition.

    Attributes:
        instance: the object.
        field: the state attribute.
        transition: the `Transition`.
        source: the `State` the object leaves.
        target: the `State` it enters (None until a multi-target transition chose it).
        args: the call's positional arguments.
        kwargs: the call's keyword arguments.
        user: the user given with ``as_user()``, if any.
        result: the implementation's return value (None before it ran).

    .. versionadded:: 0.1
    """

    instance: Any
    field: str
    transition: Transition
    source: State
    target: State | None
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    user: Any = None
    result: Any = None


class ImplementationWrapper(Generic[P, R]):
    """A transition bound to one object: call it to run the transition.

    Args:
        binding: the transition's `TransitionBinding` on the object's class.
        instance: the object.
        user: the user the transition runs for (see `as_user`).

    .. versionadded:: 0.1
    """

    __slots__ = ("_call_event", "binding", "instance", "user")

    #: The event of a call whose wrapper overrides `_pre_transition` or `_post_transition`.
    _call_event: TransitionEvent | None

    def __init__(self, binding: TransitionBinding, instance: Any, user: Any = None) -> None:
        self.binding = binding
        self.instance = instance
        self.user = user

    # -- introspection ----------------------------------------------------------------

    @property
    def transition(self) -> Transition:
        """The `Transition`."""
        return self.binding.transition

    @property
    def name(self) -> str:
        """The transition's name."""
        return self.binding.transition.name

    @property
    def field_name(self) -> str:
        """The state attribute the transition moves."""
        return self.binding.descriptor.name

    @property
    def workflow(self) -> Workflow:
        """The workflow object bound to the state attribute."""
        return self.binding.descriptor.workflow

    @property
    def current_state(self) -> StateWrapper:
        """The object's current state."""
        return self.binding.descriptor.read(self.instance)

    def __repr__(self) -> str:
        return f"<ImplementationWrapper {self.name!r} of {describe(self.instance)}>"

    def as_user(self, user: Any) -> ImplementationWrapper[P, R]:
        """Return this transition bound to ``user``: calling it checks the permission first.

        The user also reaches hooks (``event.user``) and adapters (the Django log).

        Args:
            user: the user, whatever object your application uses.

        Returns:
            A wrapper that raises `TransitionPermissionDenied` when called if ``user``
            lacks the transition's permission.
        """
        return type(self)(self.binding, self.instance, user)

    # -- availability -----------------------------------------------------------------

    def explain(self, user: Any = None) -> Availability:
        """Tell whether the transition can run now, with every reason if it cannot.

        Evaluates the source state, every condition and every check hook (none is
        skipped once one fails), and the permission when a user is given (or was given
        with `as_user`).

        Args:
            user: the user to check the permission for.

        Returns:
            An `Availability`, true when available.
        """
        binding = self.binding
        transition = binding.transition
        instance = self.instance
        state = binding.descriptor.read(instance)
        reasons = self._state_reasons(state)
        if not reasons:
            if binding.guards_await and not can_wait():
                raise self._refused_question("aexplain()")
            reasons.extend(self._failed_guards(state.name, 0, "aexplain()"))
        user = self.user if user is None else user
        if (
            user is not None
            and transition.permission is not None
            and not self._permitted(user, "aexplain()")
        ):
            reasons.append(self._permissionguard_reason(user))
        return Availability(transition.name, state.name, tuple(reasons))

    def _state_reasons(self, state: StateWrapper) -> list[Reason]:
        """The reason the transition cannot start from ``state`` (empty when it can)."""
        if not state.known:
            return [Reason("state", state.name, _unknown_state_message(self, state.name))]
        if state.name not in self.binding.guards:
            message = (
                f"not available from state {state.name!r}; "
                f"it starts from {names(self.binding.transition.source)}"
            )
            return [Reason("state", state.name, message)]
        return []

    def _permissionguard_reason(self, user: Any) -> Reason:
        transition = self.binding.transition
        return Reason("permission", permission_name(transition), _permission_message(self, user))

    def is_available(self, user: Any = None) -> bool:
        """Tell whether the transition can run now (state, guards, and permission for ``user``).

        Args:
            user: the user to check the permission for; without one, the permission is
                not checked.

        Returns:
            True when calling the transition would not be refused.
        """
        binding = self.binding
        instance = self.instance
        name = binding.descriptor.raw(instance)
        guards = binding.guards.get(name)
        if guards is None:
            return False
        if binding.guards_await and not can_wait():
            raise self._refused_question("ais_available()")
        for position, (_kind, _name, guard) in enumerate(guards):
            passed = guard(instance)
            if passed is not True and not self._holds(passed, position, name, "ais_available()"):
                return False
        user = self.user if user is None else user
        if user is not None and binding.transition.permission is not None:
            return self._permitted(user, "ais_available()")
        return True

    # -- running ----------------------------------------------------------------------

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the transition with the given arguments; return the implementation's result.

        For a transition whose implementation is ``async def``, returns the coroutine
        of `acall` instead, to await.

        Raises:
            InvalidTransitionError: not available from the current state.
            ForbiddenTransition: a condition or check hook refused it.
            TransitionPermissionDenied: the wrapper's user lacks the permission.
            ConcurrentTransition: the state changed while the transition ran.
            InvalidTargetError: a multi-target transition chose an undeclared target.
            AwaitRequired: the transition has async hooks or guards (use `acall`), or
                a callable returned an awaitable.
        """
        binding = self.binding
        instance = self.instance
        field = binding.key
        # The state is an instance attribute, or (adapters) a __dict__ entry; reading
        # __dict__ of a plain object would turn its compact attribute storage into a dict.
        values = instance.__dict__ if binding.in_dict else None
        source = getattr(instance, field, None) if values is None else values.get(field)
        if source is None:
            source = binding.descriptor.missing(instance)
        if source in binding.direct:
            if values is None:
                _set(instance, field, binding.target)
            else:
                values[field] = binding.target
            return None  # type: ignore[return-value]
        if binding.awaits and not can_wait():
            return self._awaited_form(args, kwargs)
        checks = binding.checks.get(source)
        if checks is None:
            raise self._unavailable(source)
        for position, check in enumerate(checks):
            passed = check(instance)
            if passed is not True and not self._holds(passed, position, source, "acall(...)"):
                raise self._forbidden(source, position)
        if self.user is not None and binding.permission is not None:
            self._check_permission(source)
        if binding.starts:
            self.started(source, args, kwargs)

        event = None
        if binding.needs_event:
            event = self._event(source, args, kwargs)
            if binding.steps:  # the wrapper overrides _pre_transition/_post_transition
                self._call_event = event
                self._pre_transition(*args, **kwargs)
            else:
                for hook, needs in binding.pre[source]:
                    if needs:
                        done = hook(instance, *args, event=event, **kwargs)
                    else:
                        done = hook(instance, *args, **kwargs)
                    if done is not None:
                        self._finish(hook, done)
        else:
            for hook in binding.pre_calls[source]:
                done = hook(instance, *args, **kwargs)
                if done is not None:
                    self._finish(hook, done)

        result: Any = None
        implementation = binding.implementation
        if implementation is not None:
            try:
                if binding.implementation_event:
                    result = implementation(instance, *args, event=event, **kwargs)
                else:
                    result = implementation(instance, *args, **kwargs)
                if result is not None and is_awaitable(result):
                    result = self._finish(implementation, result)
            except (AbortTransition, AwaitRequired):
                raise
            except BaseException as exc:
                on_error = binding.transition.on_error
                if on_error is not None:
                    self.enter_on_error(source, on_error, exc, args, kwargs)
                raise

        target = binding.target
        if target is None:
            target = self._choose_target(source, result, args, kwargs)
        current = getattr(instance, field, source) if values is None else values.get(field, source)
        if current != source:
            raise self._interrupted(source, current)
        if binding.assigns:
            if values is None:
                _set(instance, field, target)
            else:
                values[field] = target
        else:
            self.commit_state(source, target, args, kwargs)

        post = binding.post_calls[target]
        if post:
            try:
                if event is None:
                    for hook in post:
                        done = hook(instance, result, *args, **kwargs)
                        if done is not None:
                            self._finish(hook, done)
                elif binding.steps:
                    self._post_transition(result, *args, **kwargs)
                else:
                    event.result = result
                    event.target = binding.descriptor.workflow.states[target]
                    for hook, needs in binding.post[target]:
                        if needs:
                            done = hook(instance, result, *args, event=event, **kwargs)
                        else:
                            done = hook(instance, result, *args, **kwargs)
                        if done is not None:
                            self._finish(hook, done)
            except BaseException as exc:
                self.applied_then_failed(exc, source, target)
                raise
        return result  # type: ignore[no-any-return]

    # -- xworkflows' extension points ----------------------------------------------------

    def _pre_transition(self, *args: Any, **kwargs: Any) -> None:
        """Run the before and leave hooks, once the checks passed (xworkflows' extension point).

        A subclass may override it (and `_post_transition`), calling ``super()`` where the
        hooks should run, as xworkflows' wrappers do; statecore then calls the overrides
        around the implementation. Without an override nothing calls these methods: the
        hooks run inline.

        Args:
            *args: the call's positional arguments.
            **kwargs: the call's keyword arguments.

        .. versionadded:: 0.1
        """
        binding = self.binding
        instance = self.instance
        event = getattr(self, "_call_event", None)
        for hook, needs in binding.pre[binding.descriptor.raw(instance)]:
            if needs:
                done = hook(instance, *args, event=event, **kwargs)
            else:
                done = hook(instance, *args, **kwargs)
            if done is not None:
                self._finish(hook, done)

    def _post_transition(self, result: Any, *args: Any, **kwargs: Any) -> None:
        """Run the enter and after hooks, once the state is set (xworkflows' extension point).

        See `_pre_transition`.

        Args:
            result: what the implementation returned.
            *args: the call's positional arguments.
            **kwargs: the call's keyword arguments.

        .. versionadded:: 0.1
        """
        binding = self.binding
        instance = self.instance
        target = binding.descriptor.raw(instance)
        event = getattr(self, "_call_event", None)
        if event is not None:
            event.result = result
            event.target = binding.descriptor.workflow.states[target]
        for hook, needs in binding.post[target]:
            if needs:
                done = hook(instance, result, *args, event=event, **kwargs)
            else:
                done = hook(instance, result, *args, **kwargs)
            if done is not None:
                self._finish(hook, done)

    # -- async callables on the sync path ---------------------------------------------------

    def _awaited_form(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        """The sync call of a transition with async callables: a coroutine, or a refusal."""
        binding = self.binding
        if binding.coroutine:
            return self.acall(*args, **kwargs)  # type: ignore[return-value]
        raise refusal(binding.asyncs, binding.transition.name, self.instance, "acall(...)")

    def _holds(self, verdict: Any, position: int, source: str, form: str) -> bool:
        """Whether a guard's answer other than True lets the transition run (the sync path).

        An awaitable is waited for when an adapter can (`statecore.awaitables.waiting`),
        and is otherwise refused: it is never taken for a "yes".
        """
        if is_awaitable(verdict):
            kind, name, _guard = self.binding.guards[source][position]
            verdict = settle(
                verdict,
                lambda: refusal(
                    [guard_label(kind, name)],
                    self.binding.transition.name,
                    self.instance,
                    form,
                    returned=True,
                ),
            )
        return grants(verdict)

    def _finish(self, function: Callable[..., Any], value: Any) -> Any:
        """What a hook or the implementation gave, waited for if it is an awaitable."""
        if not is_awaitable(value):
            return value
        name = getattr(function, "__name__", repr(function))
        kind = "implementation" if function is self.binding.implementation else "hook"
        what = f"{kind} {name!r}"
        return settle(
            value,
            lambda: refusal(
                [what], self.binding.transition.name, self.instance, "acall(...)", returned=True
            ),
        )

    # -- the awaitable forms ----------------------------------------------------------------

    # An ``async def`` implementation makes R a coroutine type: awaiting ``acall`` gives
    # what the coroutine gives, not the coroutine.
    @overload
    def acall(
        self: ImplementationWrapper[Q, Coroutine[Any, Any, T]], *args: Q.args, **kwargs: Q.kwargs
    ) -> Coroutine[Any, Any, T]: ...
    @overload
    def acall(
        self: ImplementationWrapper[Q, T], *args: Q.args, **kwargs: Q.kwargs
    ) -> Coroutine[Any, Any, T]: ...
    async def acall(self, *args: Any, **kwargs: Any) -> Any:
        """Run the transition, awaiting its async callables; give the implementation's result.

        The awaitable form of calling the transition (``await order.pay.acall(30)``):
        the same steps in the same order as the sync call, with the same failure
        semantics, each guard, permission, hook, implementation and target chooser
        awaited when it is async (or returns an awaitable). A transition whose
        implementation is ``async def`` is also awaited directly (``await
        order.pay(30)``). Sync callables are called as they are, on the event loop.

        Raises:
            InvalidTransitionError: not available from the current state.
            ForbiddenTransition: a condition or check hook refused it.
            TransitionPermissionDenied: the wrapper's user lacks the permission.
            ConcurrentTransition: the state changed while the transition ran (also
                when another task moved it while this one awaited).
            InvalidTargetError: a multi-target transition chose an undeclared target.

        .. versionadded:: 0.1
        """
        return await self._arun(args, kwargs)

    async def _arun(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The steps of `__call__`, awaiting what is awaitable (docs/async.md)."""
        binding = self.binding
        instance = self.instance
        descriptor = binding.descriptor
        source = descriptor.raw(instance)
        checks = binding.checks.get(source)
        if checks is None:
            raise self._unavailable(source)
        for position, check in enumerate(checks):
            passed = check(instance)
            if passed is not True:
                if is_awaitable(passed):
                    passed = await passed
                if not grants(passed):
                    reasons = [guard_reason(*binding.guards[source][position][:2])]
                    reasons += await self._afailed_guards(source, position + 1)
                    raise self._forbidden_by(source, reasons)
        if self.user is not None and binding.permission is not None:
            workflow = descriptor.workflow
            if not await workflow.acheck_permission(binding.transition, instance, self.user):
                raise self._denied(source)
        if binding.starts:
            self.started(source, args, kwargs)

        event = self._event(source, args, kwargs) if binding.needs_event else None
        for hook, needs in binding.pre[source]:
            if needs:
                done = hook(instance, *args, event=event, **kwargs)
            else:
                done = hook(instance, *args, **kwargs)
            if done is not None and is_awaitable(done):
                await done

        result: Any = None
        implementation = binding.implementation
        if implementation is not None:
            try:
                if binding.implementation_event:
                    result = implementation(instance, *args, event=event, **kwargs)
                else:
                    result = implementation(instance, *args, **kwargs)
                if result is not None and is_awaitable(result):
                    result = await result
            except (AbortTransition, AwaitRequired):
                raise
            except BaseException as exc:
                on_error = binding.transition.on_error
                if on_error is not None:
                    self.enter_on_error(source, on_error, exc, args, kwargs)
                raise

        target = binding.target
        if target is None:
            chooser = binding.transition.choose_target
            chosen = result if chooser is None else chooser(instance, *args, **kwargs)
            if chooser is not None and is_awaitable(chosen):
                chosen = await chosen
            target = self._chosen(source, chosen)
        stored = descriptor.stored(instance)
        current = source if stored is None else stored
        if current != source:
            raise self._interrupted(source, current)
        self.commit_state(source, target, args, kwargs)

        post = binding.post[target]
        if post:
            try:
                if event is not None:
                    event.result = result
                    event.target = descriptor.workflow.states[target]
                for hook, needs in post:
                    if needs:
                        done = hook(instance, result, *args, event=event, **kwargs)
                    else:
                        done = hook(instance, result, *args, **kwargs)
                    if done is not None and is_awaitable(done):
                        await done
            except BaseException as exc:
                self.applied_then_failed(exc, source, target)
                raise
        return result

    async def _afailed_guards(self, source: str, start: int) -> list[Reason]:
        """The reasons of the guards from ``start`` on that refuse, awaiting async ones."""
        guards = self.binding.guards[source]
        instance = self.instance
        reasons = []
        for kind, name, guard in guards[start:]:
            passed = guard(instance)
            if passed is not True and is_awaitable(passed):
                passed = await passed
            if not grants(passed):
                reasons.append(guard_reason(kind, name))
        return reasons

    async def aexplain(self, user: Any = None) -> Availability:
        """The awaitable form of `explain`: async guards and permissions are awaited.

        Args:
            user: the user to check the permission for.

        Returns:
            An `Availability`, true when available.

        .. versionadded:: 0.1
        """
        binding = self.binding
        transition = binding.transition
        instance = self.instance
        state = binding.descriptor.read(instance)
        reasons = self._state_reasons(state)
        if not reasons:
            reasons.extend(await self._afailed_guards(state.name, 0))
        user = self.user if user is None else user
        if (
            user is not None
            and transition.permission is not None
            and not await binding.descriptor.workflow.acheck_permission(transition, instance, user)
        ):
            reasons.append(self._permissionguard_reason(user))
        return Availability(transition.name, state.name, tuple(reasons))

    async def ais_available(self, user: Any = None) -> bool:
        """The awaitable form of `is_available`: async guards and permissions are awaited.

        Args:
            user: the user to check the permission for; without one, the permission is
                not checked.

        Returns:
            True when calling the transition would not be refused.

        .. versionadded:: 0.1
        """
        binding = self.binding
        instance = self.instance
        guards = binding.guards.get(binding.descriptor.raw(instance))
        if guards is None:
            return False
        for _kind, _name, guard in guards:
            passed = guard(instance)
            if passed is not True and is_awaitable(passed):
                passed = await passed
            if not grants(passed):
                return False
        user = self.user if user is None else user
        if user is not None and binding.transition.permission is not None:
            workflow = binding.descriptor.workflow
            return await workflow.acheck_permission(binding.transition, instance, user)
        return True

    def applied_then_failed(self, exc: BaseException, source: str, target: str) -> None:
        """Report that an enter or after hook raised ``exc`` once the state was set.

        Adds a note saying the transition stands. Adapters that undo the whole transition
        in that case (the Django adapter rolls its transaction back) override it and say
        so instead.

        Args:
            exc: the hook's exception, which then propagates.
            source: the state the object left.
            target: the state it entered.

        .. versionadded:: 0.1
        """
        add_note(
            exc,
            f"statecore: transition {self.binding.transition.name!r} of "
            f"{describe(self.instance)} was applied (state is now {target!r}); an "
            f"enter/after hook then failed.",
        )

    def started(self, source: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Called once the transition passed its checks, before the before hooks.

        Does nothing; adapters override it (the Django adapter sends ``pre_transition``
        here). Raising cancels the transition with the state unchanged.

        Args:
            source: the state the object is leaving.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """

    def commit_state(
        self, source: str, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Set the new state and log the transition; restore the source if the log fails.

        The extension point for adapters that persist the state (the Django adapter
        saves the object here, between setting the state and logging).

        Args:
            source: the state the object leaves.
            target: the state it enters.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """
        binding = self.binding
        descriptor = binding.descriptor
        descriptor.store(self.instance, target)
        if binding.logs:
            try:
                self.write_log(source, args, kwargs)
            except BaseException:
                descriptor.store(self.instance, source)
                raise

    def write_log(self, source: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Call the workflow's `Workflow.log_transition` for this transition.

        Args:
            source: the state the object left.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """
        workflow = self.binding.descriptor.workflow
        workflow.log_transition(
            self.binding.transition, workflow.states[source], self.instance, *args, **kwargs
        )

    # -- the rare paths -----------------------------------------------------------------

    def _event(self, source: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> TransitionEvent:
        binding = self.binding
        states = binding.descriptor.workflow.states
        target = binding.transition.target
        return TransitionEvent(
            instance=self.instance,
            field=binding.descriptor.name,
            transition=binding.transition,
            source=states[source],
            target=states[target] if target is not None else None,
            args=args,
            kwargs=kwargs,
            user=self.user,
        )

    def _unavailable(self, source: str) -> InvalidTransitionError:
        binding = self.binding
        workflow = binding.descriptor.workflow
        transition = binding.transition
        if source not in workflow.states:
            message = _unknown_state_message(self, source)
            available: tuple[str, ...] = ()
        else:
            available = tuple(t.name for t in workflow.transitions.available_from(source))
            message = (
                f"Transition {transition.name!r} is not available from state {source!r} "
                f"of {describe(self.instance)}; available: {names(available)}"
            )
        return InvalidTransitionError(
            message,
            transition=transition.name,
            state=source,
            instance=self.instance,
            available=available,
        )

    def _forbidden(self, source: str, position: int) -> ForbiddenTransition:
        """The refusal of the guard at ``position``, plus every later guard that fails.

        Guards before ``position`` passed a moment ago and are not run again; the one
        that failed is reported without being run again either.
        """
        guards = self.binding.guards[source]
        reasons = [guard_reason(*guards[position][:2])]
        reasons += self._failed_guards(source, position + 1, "acall(...)")
        return self._forbidden_by(source, reasons)

    def _forbidden_by(self, source: str, reasons: list[Reason]) -> ForbiddenTransition:
        binding = self.binding
        message = (
            f"Transition {binding.transition.name!r} of {describe(self.instance)} is forbidden "
            f"in state {source!r}: {'; '.join(r.message for r in reasons)}"
        )
        return ForbiddenTransition(
            message,
            transition=binding.transition.name,
            state=source,
            instance=self.instance,
            reasons=reasons,
        )

    def _failed_guards(self, source: str, start: int, form: str) -> list[Reason]:
        """The reasons of the guards from ``start`` on that refuse, on the sync path."""
        guards = self.binding.guards[source]
        instance = self.instance
        reasons = []
        for position in range(start, len(guards)):
            kind, name, guard = guards[position]
            passed = guard(instance)
            if passed is not True and not self._holds(passed, position, source, form):
                reasons.append(guard_reason(kind, name))
        return reasons

    def _refused_question(self, form: str) -> AwaitRequired:
        """The refusal of ``is_available()``/``explain()`` when a guard is async."""
        binding = self.binding
        labels = [
            label
            for label in binding.asyncs
            if label.startswith(("condition ", "transition_check hook "))
        ]
        return refusal(labels, binding.transition.name, self.instance, form)

    def _permitted(self, user: Any, form: str) -> bool:
        """Ask the workflow whether ``user`` may run the transition, on the sync path."""
        binding = self.binding
        transition = binding.transition
        if binding.permission_awaits and not can_wait():
            raise refusal(
                [f"permission {permission_name(transition)!r}"],
                transition.name,
                self.instance,
                form,
            )
        return binding.descriptor.workflow.check_permission(transition, self.instance, user)

    def _check_permission(self, source: str) -> None:
        if not self._permitted(self.user, "acall(...)"):
            raise self._denied(source)

    def _denied(self, source: str) -> TransitionPermissionDenied:
        transition = self.binding.transition
        message = _permission_message(self, self.user)
        reason = Reason("permission", permission_name(transition), message)
        return TransitionPermissionDenied(
            message,
            transition=transition.name,
            state=source,
            instance=self.instance,
            user=self.user,
            permission=transition.permission,
            reasons=(reason,),
        )

    def _choose_target(
        self, source: str, result: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> str:
        binding = self.binding
        transition = binding.transition
        chooser = transition.choose_target
        if chooser is None:
            chosen = result
        else:
            chosen = chooser(self.instance, *args, **kwargs)
            if is_awaitable(chosen):
                chosen = settle(
                    chosen,
                    lambda: refusal(
                        ["choose_target"],
                        transition.name,
                        self.instance,
                        "acall(...)",
                        returned=True,
                    ),
                )
        return self._chosen(source, chosen)

    def _chosen(self, source: str, chosen: Any) -> str:
        """The name of the target ``chosen``, or InvalidTargetError if it is not one."""
        binding = self.binding
        transition = binding.transition
        chooser = transition.choose_target
        workflow = binding.descriptor.workflow
        try:
            name = workflow.state_name(chosen)
        except InvalidStateError:
            name = None
        if name not in transition.targets:
            how = "choose_target returned" if chooser is not None else "the implementation returned"
            message = (
                f"Transition {transition.name!r} of {describe(self.instance)}: {how} {chosen!r}, "
                f"which is not one of its targets ({names(transition.targets)}); "
                f"return one of them"
            )
            raise InvalidTargetError(
                message,
                transition=transition.name,
                state=source,
                instance=self.instance,
                target=chosen,
                targets=transition.targets,
            )
        return name

    def _interrupted(self, source: str, actual: str | None) -> ConcurrentTransition:
        transition = self.binding.transition.name
        message = (
            f"{describe(self.instance)} left state {source!r} for {actual!r} while transition "
            f"{transition!r} was running (a transition started from one of its hooks or its "
            f"implementation, or from another thread); {transition!r} was not applied"
        )
        return ConcurrentTransition(
            message, transition=transition, instance=self.instance, expected=source, actual=actual
        )

    def enter_on_error(
        self,
        source: str,
        on_error: str,
        exc: BaseException,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        """Enter the transition's ``on_error`` state after its implementation raised ``exc``.

        Sets and logs the state through `commit_state` (no hooks run) and adds a note to
        ``exc``, which the caller re-raises. Adapters override it (the Django adapter
        enters the state after its transaction rolled back).

        Args:
            source: the state the object was leaving.
            on_error: the state to enter.
            exc: the implementation's exception.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """
        stored = self.binding.descriptor.stored(self.instance)
        if stored is not None and stored != source:
            return
        self.commit_state(source, on_error, args, kwargs)
        add_note(
            exc,
            f"statecore: {describe(self.instance)} entered state {on_error!r} "
            f"(on_error of transition {self.binding.transition.name!r}).",
        )


def _permission_message(wrapper: ImplementationWrapper[Any, Any], user: Any) -> str:
    transition = wrapper.binding.transition
    permission = transition.permission
    requirement = (
        f"permission {permission!r} is required"
        if isinstance(permission, str)
        else f"permission check {permission_name(transition)!r} refused"
    )
    return (
        f"user {user!s} may not run transition {transition.name!r} of "
        f"{describe(wrapper.instance)}: {requirement}"
    )


def _unknown_state_message(wrapper: ImplementationWrapper[Any, Any], state: str) -> str:
    workflow = type(wrapper.binding.descriptor.workflow)
    return (
        f"{describe(wrapper.instance)} is in state {state!r}, which {workflow.__qualname__} "
        f"does not define, so no transition runs from it (transition "
        f"{wrapper.binding.transition.name!r}); set {wrapper.binding.descriptor.name!r} "
        f"to one of: {', '.join(workflow.states.names())}"
    )


#: Stores the state attribute, bypassing a host's own ``__setattr__`` (e.g. frozen attrs).
_set = object.__setattr__
