"""Awaited transitions of Django models: the sync call's guarantees, from async code.

Each test drives the awaitable forms from an event loop (``async_to_sync`` stands for an
async view), so that the ORM would refuse to run on the loop's thread: everything that
passes here ran in the worker thread of the transition's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async
from django.db import connection, connections
from django.dispatch import Signal
from tests.django.testapp.models import AsyncOrder, OptimisticOrder, Order, PessimisticOrder

import statecore
from statecore_django import post_transition, pre_transition, transition_failed
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = ["condition", "before", "implementation", "enter", "after"]


@pytest.fixture(autouse=True)
def _clear() -> None:
    AsyncOrder.steps.clear()
    AsyncOrder.committed.clear()


@contextmanager
def receiving(signal: Signal) -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        calls.append(kwargs)

    signal.connect(receiver, sender=AsyncOrder)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=AsyncOrder)


def placed(**fields: Any) -> AsyncOrder:
    return AsyncOrder.objects.create(state="placed", **fields)


def test_awaited_transition_commits_with_log_signals_and_on_commit() -> None:
    """``await order.pay(30)``: saved, logged, both signals, the async on_commit hook, in order."""
    order = placed()
    with receiving(pre_transition) as pre, receiving(post_transition) as post:

        async def view() -> str:
            return await order.pay(30)

        result = async_to_sync(view)()
    assert result == "receipt 30"
    assert AsyncOrder.steps == ORDER
    stored = AsyncOrder.objects.get(pk=order.pk)
    assert (stored.state, stored.amount, stored.stock, stored.note) == ("paid", 30, 0, "paid 1")
    assert (order.state, order.amount) == ("paid", 30)
    rows = TransitionLog.for_object(order).values_list("transition", "from_state", "to_state")
    assert list(rows) == [("pay", "placed", "paid")]
    assert [len(pre), len(post)] == [1, 1]
    assert AsyncOrder.committed == [(order.pk, "receipt 30")]


@pytest.mark.parametrize("step", ["before", "implementation", "enter", "after"])
def test_failing_async_step_rolls_back_everything_and_restores_memory(step: str) -> None:
    """A failure anywhere rolls back the async hooks' own ORM writes and restores memory."""
    order = placed(fail=step)
    with receiving(transition_failed) as failed, pytest.raises(RuntimeError):
        async_to_sync(order.pay.acall)(30)
    stored = AsyncOrder.objects.get(pk=order.pk)
    expected = "failed" if step == "implementation" else "placed"  # on_error
    assert (stored.state, stored.stock, stored.amount) == (expected, 1, 0)
    assert (order.state, order.amount) == (expected, 0)
    assert AsyncOrder.committed == []
    assert len(failed) == 1


def test_async_guard_refusing_forbids_without_writing() -> None:
    """An async condition that queries the database refuses; nothing is written."""
    order = placed(stock=0)
    with pytest.raises(statecore.ForbiddenTransition, match="in_stock"):
        async_to_sync(order.pay.acall)(30)
    assert AsyncOrder.objects.get(pk=order.pk).state == "placed"
    assert not TransitionLog.for_object(order).exists()


def test_sync_call_of_an_awaited_transition_opens_no_transaction() -> None:
    """Called without awaiting, the async transition gives a coroutine; nothing ran yet."""
    order = placed()
    pending = order.pay(30)
    assert AsyncOrder.steps == []

    async def view() -> str:
        return await pending

    assert async_to_sync(view)() == "receipt 30"
    assert AsyncOrder.objects.get(pk=order.pk).state == "paid"


def test_availability_questions_run_in_the_worker_thread() -> None:
    """``ais_available()`` and ``aexplain()`` evaluate async and database guards from async code."""
    order = placed(stock=0)
    assert not async_to_sync(order.pay.ais_available)()
    assert async_to_sync(order.pay.aexplain)().reasons[0].name == "in_stock"
    AsyncOrder.objects.filter(pk=order.pk).update(stock=3)
    assert async_to_sync(order.pay.ais_available)()
    names = async_to_sync(statecore.aavailable_transitions)(order)
    assert [w.name for w in names] == ["pay", "cancel"]


@pytest.mark.parametrize("fail", ["", "cascade"])
def test_transition_awaited_from_an_async_hook_joins_the_outer_transaction(fail: str) -> None:
    """An async hook awaiting another object's transition: both commit, or both roll back."""
    other = placed()
    order = placed(note="next", amount=other.pk, fail=fail)
    if fail:
        with pytest.raises(RuntimeError, match="cascade failed"):
            async_to_sync(order.cancel.acall)()
    else:
        async_to_sync(order.cancel.acall)()
    expected = "placed" if fail else "cancelled"
    assert AsyncOrder.objects.get(pk=order.pk).state == expected
    assert AsyncOrder.objects.get(pk=other.pk).state == expected
    assert TransitionLog.for_object(other).count() == (0 if fail else 1)


def test_sync_transitions_of_any_model_can_be_awaited() -> None:
    """``acall`` of a model whose callables are all sync runs it as the sync call does."""
    order = Order.objects.create(state="paid")
    async_to_sync(order.ship.acall)()
    assert Order.objects.get(pk=order.pk).state == "shipped"


@pytest.mark.parametrize("model", [OptimisticOrder, PessimisticOrder])
def test_awaited_transition_from_a_stale_object_is_refused(model: type[Any]) -> None:
    """The locking mode applies: another writer moved the row, the awaited call is refused."""
    order = model.objects.create(state="placed")
    model.objects.filter(pk=order.pk).update(state="cancelled")
    with pytest.raises(statecore.ConcurrentTransition):
        async_to_sync(order.pay.acall)(amount=4)
    assert model.objects.get(pk=order.pk).state == "cancelled"
    assert order.state == "placed"


def test_permission_names_are_checked_in_the_worker_thread() -> None:
    """A permission name (``has_perm`` queries the database) is checked from async code."""

    class User:
        is_staff = False

        def has_perm(self, name: str, obj: Any = None) -> bool:
            return Order.objects.filter(pk=order.pk).exists() and name == "nobody"

    order = Order.objects.create(state="placed")
    with pytest.raises(statecore.TransitionPermissionDenied):
        async_to_sync(order.approve.as_user(User()).acall)()
    assert not async_to_sync(order.approve.ais_available)(user=User())
    assert Order.objects.get(pk=order.pk).state == "placed"


@pytest.mark.parametrize("model", [OptimisticOrder, PessimisticOrder])
def test_sixteen_concurrent_async_tasks_commit_exactly_once_per_round(model: type[Any]) -> None:
    """16 tasks race on one row; each round exactly one commits, with one log row.

    Every round, each task loads the row, then all run the same transition: one commits,
    the others get ConcurrentTransition. (Locking "none" lets the last writer win by
    design, so it has no such guarantee to test.) On PostgreSQL and MariaDB each task has its own
    thread-sensitive context, so its own thread and connection, as concurrent ASGI
    requests have; SQLite's in-memory test database has one connection to share.
    """
    separate = connection.vendor != "sqlite"
    rounds, tasks = 5, 16
    order = model.objects.create(state="placed")

    async def attempt(loaded: asyncio.Event, ready: list[int], seen: set[int]) -> str:
        async with ThreadSensitiveContext() if separate else contextlib.nullcontext():
            try:
                mine = await model.objects.aget(pk=order.pk)
                seen.add(await sync_to_async(threading.get_ident)())
                ready.append(1)
                if len(ready) == tasks:
                    loaded.set()
                await loaded.wait()
                try:
                    await mine.pay.acall(amount=len(ready))
                except statecore.ConcurrentTransition:
                    return "refused"
                return "committed"
            finally:
                if separate:
                    await sync_to_async(connections.close_all)()

    async def one_round() -> tuple[list[str], set[int]]:
        loaded, ready, seen = asyncio.Event(), [], set()
        outcomes = await asyncio.gather(*(attempt(loaded, ready, seen) for _ in range(tasks)))
        return outcomes, seen

    for _ in range(rounds):
        # asyncio.run, not async_to_sync: under async_to_sync every thread-sensitive call
        # would run in this test's thread, one after the other.
        outcomes, threads = asyncio.run(one_round())
        assert len(threads) == (tasks if separate else 1)  # one thread, one connection
        assert sorted(outcomes) == ["committed"] + ["refused"] * (tasks - 1)
        assert model.objects.get(pk=order.pk).state == "paid"
        model.objects.filter(pk=order.pk).update(state="placed")
    rows = TransitionLog.for_object(order).values_list("transition", flat=True)
    assert list(rows) == ["pay"] * rounds
