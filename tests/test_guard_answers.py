"""A guard or permission whose answer is a mistake (a generator, a callable) never grants."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from statecore import ForbiddenTransition, Transition, Workflow, WorkflowEnabled


def written_with_yield(obj: Any) -> Iterator[bool]:
    """A guard written as a generator by mistake: calling it gives a (truthy) generator."""
    yield True


async def async_written_with_yield(obj: Any) -> AsyncIterator[bool]:
    """An async generator by mistake: not awaitable, and truthy."""
    yield True


def method_not_called(obj: Any) -> Any:
    """Returns the bound method instead of calling it."""
    return obj.is_ready


class User:
    def has_perm(self, name: str) -> bool:
        return True


class ShipFlow(Workflow):
    states = ("draft", "shipped")
    transitions = (
        Transition("by_generator", "draft", "shipped", conditions=[written_with_yield]),
        Transition("by_async_generator", "draft", "shipped", conditions=[async_written_with_yield]),
        Transition("by_method", "draft", "shipped", conditions=[method_not_called]),
        Transition("by_permission", "draft", "shipped", permission=lambda obj, user: user.has_perm),
    )
    initial_state = "draft"


class Parcel(WorkflowEnabled):
    state = ShipFlow()

    def is_ready(self) -> bool:
        return True


@pytest.mark.parametrize("name", ["by_generator", "by_async_generator", "by_method"])
def test_condition_answering_a_generator_or_a_callable_never_grants(name: str) -> None:
    """is_available, ais_available and the call all refuse; the state stays."""
    parcel = Parcel()
    wrapper = getattr(parcel, name)
    assert wrapper.is_available() is False
    assert asyncio.run(wrapper.ais_available()) is False
    assert "is not met" in wrapper.explain().message
    with pytest.raises(ForbiddenTransition):
        wrapper()
    with pytest.raises(ForbiddenTransition):
        asyncio.run(wrapper.acall())
    assert parcel.state == "draft"


def test_permission_answering_a_method_never_grants() -> None:
    """A permission callable returning user.has_perm (not called) denies, sync and async."""
    parcel = Parcel()
    assert parcel.by_permission.is_available(user=User()) is False
    assert asyncio.run(parcel.by_permission.ais_available(user=User())) is False
    assert parcel.by_permission.is_available() is True  # no user: the permission is not asked
