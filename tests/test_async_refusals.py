"""The sync path never takes an awaitable for an answer: async guards and permissions never grant.

An ``async def`` condition, check hook or permission gives a coroutine, which is truthy:
called without awaiting, it would let anyone through. These tests hold the sync forms
(``order.pay()``, ``is_available()``, ``explain()``, ``available_transitions()``) to
refusing, before anything runs when the callable is async by declaration, and at the
moment an awaitable is returned otherwise, closing it so Python does not warn.
"""

from __future__ import annotations

import functools
import gc
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import statecore
from statecore import AwaitRequired, Transition, WorkflowDefinitionError, WorkflowEnabled
from statecore.awaitables import is_async_callable
from statecore.testing import set_state
from workflows import OrderFlow


@pytest.fixture(autouse=True)
def no_unawaited_coroutines() -> Iterator[None]:
    """No test leaves a coroutine that was never awaited (Python would warn at collection)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]


async def refuse(obj: Any, *args: Any) -> bool:
    return False


class User:
    def has_perm(self, name: str) -> bool:
        return True


class GuardedFlow(statecore.Workflow):
    states = ("draft", "placed", "paid")
    transitions = (
        Transition("place", "draft", "placed", conditions=[refuse]),
        Transition("pay", "placed", "paid", permission=refuse),
    )
    initial_state = "draft"


class Guarded(WorkflowEnabled):
    state = GuardedFlow()

    def __init__(self) -> None:
        self.ran: list[str] = []

    @statecore.before_transition()
    def record(self) -> None:
        self.ran.append("before")


def test_async_condition_never_grants_the_sync_call() -> None:
    """A transition with an async condition refuses its sync call, before any hook runs."""
    guarded = Guarded()
    with pytest.raises(AwaitRequired) as caught:
        guarded.place()
    assert guarded.state == "draft"
    assert guarded.ran == []
    assert caught.value.callables == ("condition 'refuse'",)
    assert caught.value.form == "await guarded.place.acall(...)"
    assert "has async callables (condition 'refuse')" in str(caught.value)


def test_async_condition_never_grants_availability() -> None:
    """``is_available()``, ``explain()`` and ``available_transitions()`` refuse an async guard."""
    guarded = Guarded()
    with pytest.raises(AwaitRequired, match=r"await guarded\.place\.ais_available\(\)"):
        guarded.place.is_available()
    with pytest.raises(AwaitRequired, match=r"await guarded\.place\.aexplain\(\)"):
        guarded.place.explain()
    with pytest.raises(AwaitRequired):
        statecore.available_transitions(guarded)


def test_async_permission_never_grants() -> None:
    """An async permission callable refuses the sync call bound to a user, and the questions."""
    guarded = Guarded()
    set_state(guarded, "placed")
    with pytest.raises(AwaitRequired, match="permission 'refuse'"):
        guarded.pay.as_user(User())()
    with pytest.raises(AwaitRequired):
        guarded.pay.is_available(user=User())
    with pytest.raises(AwaitRequired):
        guarded.pay.explain(user=User())
    assert guarded.state == "placed"
    assert guarded.ran == []


def test_async_permission_is_not_asked_without_a_user() -> None:
    """Without a user the permission is not checked, so an async one does not stand in the way."""
    guarded = Guarded()
    set_state(guarded, "placed")
    assert guarded.pay.is_available()
    guarded.pay()
    assert guarded.state == "paid"


def test_async_check_hook_never_grants() -> None:
    """An ``async def`` transition_check hook refuses the sync call and the sync questions."""

    class Checked(WorkflowEnabled):
        state = OrderFlow()

        @statecore.transition_check("place")
        async def in_stock(self) -> bool:
            return False

    checked = Checked()
    with pytest.raises(AwaitRequired, match="transition_check hook 'in_stock'"):
        checked.place()
    with pytest.raises(AwaitRequired):
        checked.place.is_available()
    assert checked.state == "draft"
    assert checked.cancel.is_available()  # the hook guards 'place' only


class Call:
    """A callable object whose ``__call__`` is async."""

    async def __call__(self, obj: Any) -> bool:
        return False


class Methods:
    async def method(self, obj: Any) -> bool:
        return False

    def plain(self, obj: Any) -> bool:
        return False


@pytest.mark.parametrize(
    "guard",
    [
        functools.partial(refuse),
        functools.partial(functools.partial(refuse, None)),
        Methods().method,
        Call(),
    ],
    ids=["partial", "partial of partial", "bound method", "async __call__"],
)
def test_async_guards_are_recognised_in_every_form(guard: Any) -> None:
    """Partials, bound methods and objects with an async ``__call__`` count as async guards."""
    assert is_async_callable(guard)

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (Transition("go", "a", "b", conditions=[guard]),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    with pytest.raises(AwaitRequired):
        host.go()
    assert host.state == "a"


def test_sync_callables_are_not_async() -> None:
    """Plain functions, methods, classes and callables with a sync ``__call__`` are sync."""
    for function in (len, Methods().plain, Methods, functools.partial(len), lambda: None):
        assert not is_async_callable(function)


def test_guard_returning_an_awaitable_is_refused_and_closed() -> None:
    """A sync guard returning a coroutine is refused at run time; the coroutine never runs."""
    started: list[bool] = []

    async def allow() -> bool:
        started.append(True)
        return True

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (Transition("go", "a", "b", conditions=[lambda obj: allow()]),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    with pytest.raises(AwaitRequired, match="returned an awaitable on the sync path") as caught:
        host.go()
    assert caught.value.form == "await host.go.acall(...)"
    with pytest.raises(AwaitRequired, match=r"ais_available\(\)"):
        host.go.is_available()
    with pytest.raises(AwaitRequired, match=r"aexplain\(\)"):
        host.go.explain()
    assert host.state == "a"
    assert started == []


def test_permission_returning_an_awaitable_is_refused() -> None:
    """A sync permission callable returning a coroutine never grants."""

    async def allowed() -> bool:
        return True

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (Transition("go", "a", "b", permission=lambda obj, user: allowed()),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    with pytest.raises(AwaitRequired, match="permission"):
        host.go.as_user(User())()
    with pytest.raises(AwaitRequired):
        host.go.is_available(user=User())
    assert host.state == "a"


def test_later_guard_returning_an_awaitable_is_refused_in_the_refusal() -> None:
    """Reporting every failed guard refuses an awaitable among them too, never counts it as met."""

    async def later() -> bool:
        return True

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (
            Transition("go", "a", "b", conditions=[lambda obj: False, lambda obj: later()]),
        )
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    with pytest.raises(AwaitRequired):
        Host().go()


def test_hook_returning_an_awaitable_before_the_change_leaves_the_state() -> None:
    """A before hook returning a coroutine is refused; the state is unchanged."""

    async def work() -> None:
        pass

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @statecore.before_transition("place")
        def prepare(self) -> Any:
            return work()

    host = Host()
    with pytest.raises(AwaitRequired, match="hook 'prepare'"):
        host.place()
    assert host.state == "draft"


def test_after_hook_returning_an_awaitable_says_the_transition_stands() -> None:
    """An after hook returning a coroutine is refused once the state is set, with the note."""

    async def work() -> None:
        pass

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @statecore.after_transition("place")
        def notify(self, result: Any) -> Any:
            return work()

    host = Host()
    with pytest.raises(AwaitRequired) as caught:
        host.place()
    assert host.state == "placed"
    notes = getattr(caught.value, "__notes__", None)
    if notes is not None:  # Python 3.11+
        assert "was applied" in notes[0]


def test_implementation_returning_an_awaitable_leaves_the_state_and_skips_on_error() -> None:
    """A sync implementation returning a coroutine is refused before the state is set."""

    async def work() -> str:
        return "done"

    class Flow(statecore.Workflow):
        states = ("a", "b", "failed")
        transitions = (Transition("go", "a", "b", on_error="failed"),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

        @statecore.transition()
        def go(self) -> Any:
            return work()

    host = Host()
    with pytest.raises(AwaitRequired, match="implementation 'go'"):
        host.go()
    assert host.state == "a"


def test_async_sync_step_overrides_are_refused_at_definition() -> None:
    """``async def`` log_transition or check_permission would never be awaited: refused."""
    with pytest.raises(WorkflowDefinitionError) as caught:

        class Flow(OrderFlow):
            async def log_transition(self, *args: Any, **kwargs: Any) -> None:
                pass

            async def check_permission(self, transition: Any, instance: Any, user: Any) -> bool:
                return True

    assert len(caught.value.problems) == 2
    assert "Flow.log_transition is async def" in caught.value.problems[0]
    assert "acheck_permission" in caught.value.problems[1]
