"""Async transitions: awaited callables of every kind, with the sync path's order and failures."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

import statecore
from statecore import (
    AbortTransition,
    AwaitRequired,
    ConcurrentTransition,
    ForbiddenTransition,
    InvalidTargetError,
    InvalidTransitionError,
    Transition,
    TransitionEvent,
    TransitionPermissionDenied,
    WorkflowEnabled,
)
from statecore.testing import set_state
from workflows import AsyncPayment, OrderFlow, PaymentFlow, RecordingUser

ORDER = ["condition", "check", "before", "leave", "implementation", "log", "enter", "after"]


def run(awaitable: Any) -> Any:
    return asyncio.run(awaitable)


def test_async_implementation_is_awaited_like_a_coroutine_method() -> None:
    """``order.pay(30)`` gives a coroutine; nothing runs until it is awaited."""
    payment = AsyncPayment()
    pending = payment.pay(30)
    assert payment.steps == []
    assert payment.state == "placed"
    assert run(pending) == "receipt 30"
    assert payment.state == "paid"


def test_every_kind_of_async_callable_runs_in_the_documented_order() -> None:
    """Conditions, checks, hooks of every kind and the implementation, awaited in order."""
    payment = AsyncPayment()
    assert run(payment.pay.acall(30)) == "receipt 30"
    assert payment.steps == ORDER


def test_sync_call_of_a_transition_with_async_hooks_says_how_to_call_it() -> None:
    """A sync body with async hooks: the sync call names the awaitable form, and runs nothing."""

    class Order(WorkflowEnabled):
        state = OrderFlow()
        ran = False

        @statecore.before_transition("place")
        async def reserve(self) -> None:
            type(self).ran = True

        @statecore.transition()
        def place(self) -> str:
            return "placed"

    order = Order()
    with pytest.raises(AwaitRequired) as caught:
        order.place()
    assert caught.value.form == "await order.place.acall(...)"
    assert "hook 'reserve'" in str(caught.value)
    assert order.state == "draft" and not Order.ran
    assert run(order.place.acall()) == "placed"
    assert order.state == "placed" and Order.ran


def test_failing_async_implementation_leaves_the_state() -> None:
    """The implementation raising after an await: the state is unchanged (on_error aside)."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.transition()
        async def place(self) -> None:
            await asyncio.sleep(0)
            raise ValueError("no stock")

    order = Order()
    with pytest.raises(ValueError, match="no stock"):
        run(order.place())
    assert order.state == "draft"


def test_failing_async_implementation_enters_on_error_with_the_note() -> None:
    """``on_error`` applies to an async implementation as to a sync one, with the note."""
    payment = AsyncPayment(fail="implementation")
    with pytest.raises(RuntimeError) as caught:
        run(payment.pay(30))
    assert payment.state == "failed"
    assert payment.steps == [*ORDER[:5], "log"]
    if sys.version_info >= (3, 11):
        assert "entered state 'failed'" in caught.value.__notes__[0]


@pytest.mark.parametrize("step", ["check", "before", "leave"])
def test_failing_async_hook_before_the_change_leaves_the_state(step: str) -> None:
    """A check, before or leave hook raising: the state is unchanged, nothing later runs."""
    payment = AsyncPayment(fail=step)
    with pytest.raises(RuntimeError):
        run(payment.pay(30))
    assert payment.state == "placed"
    assert payment.steps == ORDER[: ORDER.index(step) + 1]


@pytest.mark.parametrize("step", ["enter", "after"])
def test_failing_async_hook_after_the_change_says_the_transition_stands(step: str) -> None:
    """An enter or after hook raising: the state stays applied, with the note."""
    payment = AsyncPayment(fail=step)
    with pytest.raises(RuntimeError) as caught:
        run(payment.pay(30))
    assert payment.state == "paid"
    if sys.version_info >= (3, 11):
        assert "was applied" in caught.value.__notes__[0]


def test_abort_from_an_async_before_hook_cancels_cleanly() -> None:
    """AbortTransition from an async hook: the state is unchanged, on_error is not entered."""

    class Payment(AsyncPayment):
        @statecore.before_transition("pay")
        async def reserve(self, amount: int) -> None:
            raise AbortTransition("not now")

    payment = Payment()
    with pytest.raises(AbortTransition, match="not now"):
        run(payment.pay(30))
    assert payment.state == "placed"


def test_async_condition_refusing_reports_every_guard() -> None:
    """Async guards that say no give ForbiddenTransition naming each of them."""

    class Payment(AsyncPayment):
        @statecore.transition_check("pay")
        async def funded(self) -> bool:
            return False

    payment = Payment(stock=False)
    with pytest.raises(ForbiddenTransition) as caught:
        run(payment.pay(30))
    assert [reason.name for reason in caught.value.reasons] == ["in_stock", "funded"]
    assert payment.state == "placed"


def test_unavailable_async_transition_raises_invalid_transition() -> None:
    """From a state the transition does not leave, InvalidTransitionError as on the sync path."""
    payment = AsyncPayment()
    with pytest.raises(InvalidTransitionError):
        run(payment.review("approved"))


def test_async_permission_is_awaited() -> None:
    """An async permission callable is awaited: it refuses or grants, never passes by default."""

    async def is_manager(obj: Any, user: RecordingUser) -> bool:
        await asyncio.sleep(0)
        return "manager" in user.perms

    class Flow(PaymentFlow):
        transitions = (Transition("retry", "failed", "placed", permission=is_manager),)

    class Payment(AsyncPayment):
        state = Flow()

    payment = Payment()
    set_state(payment, "failed")
    clerk, manager = RecordingUser("clerk"), RecordingUser("boss", "manager")
    with pytest.raises(TransitionPermissionDenied):
        run(payment.retry.as_user(clerk).acall())
    assert not run(payment.retry.ais_available(user=clerk))
    assert [r.kind for r in run(payment.retry.aexplain(user=clerk)).reasons] == ["permission"]
    assert run(payment.retry.ais_available(user=manager))
    run(payment.retry.as_user(manager).acall())
    assert payment.state == "placed"


def test_permission_names_are_checked_on_the_awaitable_path() -> None:
    """A permission name is checked with ``has_perm`` by ``acheck_permission``."""

    class Flow(OrderFlow):
        transitions = (Transition("place", "draft", "placed", permission="orders.place"),)

    class Order(WorkflowEnabled):
        state = Flow()

    order = Order()
    with pytest.raises(TransitionPermissionDenied):
        run(order.place.as_user(RecordingUser("ann")).acall())
    run(order.place.as_user(RecordingUser("bob", "orders.place")).acall())
    assert order.state == "placed"


def test_async_target_chooser_and_result_choose_the_target() -> None:
    """An async implementation's result, or an async choose_target, picks the target."""
    payment = AsyncPayment()
    set_state(payment, "paid")
    assert run(payment.review("rejected")) == "rejected"
    assert payment.state == "rejected"

    async def by_score(obj: Any, score: int) -> str:
        return "approved" if score > 5 else "rejected"

    class Flow(statecore.Workflow):
        states = ("paid", "approved", "rejected")
        transitions = (
            Transition("review", "paid", ("approved", "rejected"), choose_target=by_score),
        )
        initial_state = "paid"

    class Scored(WorkflowEnabled):
        state = Flow()

    scored = Scored()
    with pytest.raises(AwaitRequired, match="choose_target"):
        scored.review(9)
    run(scored.review.acall(9))
    assert scored.state == "approved"
    other = AsyncPayment()
    set_state(other, "paid")
    with pytest.raises(InvalidTargetError):
        run(other.review("maybe"))
    assert other.state == "paid"


def test_availability_questions_await_async_guards() -> None:
    """``ais_available``, ``aexplain`` and ``aavailable_transitions`` await async guards."""
    payment = AsyncPayment(stock=False)
    assert not run(payment.pay.ais_available())
    availability = run(payment.pay.aexplain())
    assert [reason.name for reason in availability.reasons] == ["in_stock"]
    assert run(statecore.aavailable_transitions(payment)) == []
    payment.stock = True
    assert run(payment.pay.ais_available())
    assert run(payment.pay.aexplain())
    assert [w.name for w in run(statecore.aavailable_transitions(payment))] == ["pay"]
    assert [r.kind for r in run(payment.retry.aexplain()).reasons] == ["state"]


def test_async_hooks_receive_the_event() -> None:
    """An async hook declaring ``event`` receives the TransitionEvent, with the result."""
    seen: list[tuple[str, Any]] = []

    class Payment(AsyncPayment):
        @statecore.after_transition("pay")
        async def notify(self, result: str, amount: int, *, event: TransitionEvent) -> None:
            seen.append((event.transition.name, event.result))

    run(Payment().pay(5))
    assert seen == [("pay", "receipt 5")]


def test_another_task_moving_the_object_while_one_awaits_is_a_concurrent_transition() -> None:
    """Two tasks on one object: the one that awaited finds the state moved and does not apply."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.before_transition("place")
        async def slow(self) -> None:
            await asyncio.sleep(0.01)

    async def race() -> list[Any]:
        order = Order()
        results = await asyncio.gather(
            order.place.acall(), order.cancel.acall(), return_exceptions=True
        )
        return [order.state.name, *results]

    state, placed, cancelled = run(race())
    assert state == "cancelled"
    assert isinstance(placed, ConcurrentTransition)
    assert cancelled is None


def test_nested_transition_from_an_async_before_hook_follows_the_rule() -> None:
    """Started from a before hook, the inner transition stands and the outer one is refused."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.before_transition("place")
        async def cancel_instead(self) -> None:
            await self.cancel.acall()

    order = Order()
    with pytest.raises(ConcurrentTransition):
        run(order.place.acall())
    assert order.state == "cancelled"


def test_transition_from_an_async_after_hook_chains() -> None:
    """Started from an after hook, the inner transition follows the outer one."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.after_transition("place")
        async def pay_at_once(self, result: Any) -> None:
            await self.pay.acall()

    order = Order()
    run(order.place.acall())
    assert order.state == "paid"


def test_cancelling_the_task_while_a_hook_awaits_leaves_the_state() -> None:
    """Cancelling the awaiting task before the state is set leaves the object as it was."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.before_transition("place")
        async def slow(self) -> None:
            await asyncio.sleep(10)

    async def cancel() -> Order:
        order = Order()
        task = asyncio.ensure_future(order.place.acall())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return order

    assert run(cancel()).state == "draft"


def test_awaitable_form_of_a_sync_transition_runs_it_the_same_way() -> None:
    """``acall`` of a transition with only sync callables gives what the sync call gives."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.transition()
        def place(self, note: str) -> str:
            return note.upper()

    order = Order()
    assert run(order.place.acall("rush")) == "RUSH"
    assert order.state == "placed"
    assert run(order.pay.acall()) is None
    assert order.state == "paid"


def test_testing_helpers_have_awaitable_forms() -> None:
    """The testing helpers await async guards and transitions in their awaitable forms."""
    from statecore import testing

    payment = AsyncPayment(stock=False)
    with pytest.raises(AwaitRequired, match="aassert_transition"):
        testing.assert_transition(payment, "pay", 30, to="paid")
    run(testing.aassert_not_available(payment, "pay"))
    with pytest.raises(AssertionError, match="condition 'in_stock' is not met"):
        run(testing.aassert_available(payment, "pay"))
    payment.stock = True
    assert run(testing.aavailable_names(payment)) == ["pay"]
    run(testing.aassert_available(payment, "pay", exact=True))
    assert run(testing.aassert_transition(payment, "pay", 30, to="paid")) == "receipt 30"
    with pytest.raises(AssertionError, match="went from 'paid' to 'rejected'"):
        run(testing.aassert_transition(payment, "review", "rejected", to="approved"))
