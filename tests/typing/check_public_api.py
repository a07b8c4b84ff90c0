"""Public typing of statecore: type-checked with ``mypy --strict``, never run.

``assert_type`` pins the type the public API must give (an ``Any`` would fail it), and each
``type: ignore[code]`` marks a misuse mypy must reject: were it accepted, strict mode would
report the ignore as unused.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import assert_type

import statecore
from statecore import Availability, ImplementationWrapper, TransitionMethod


class OrderFlow(statecore.Workflow):
    states = (("draft", "Draft"), ("placed", "Placed"), ("paid", "Paid"), ("void", "Void"))
    transitions = (
        ("place", "draft", "placed"),
        ("pay", "placed", "paid"),
        ("cancel", "draft", "void"),
        ("refund", "paid", "void"),
    )
    initial_state = "draft"


class Order(statecore.WorkflowEnabled):
    state = OrderFlow()

    @statecore.transition()
    def pay(self, amount: int, *, currency: str = "EUR") -> str:
        return f"{amount} {currency}"

    @statecore.transition("place")
    def submit(self) -> None:
        pass

    # A stub declares a transition without an implementation for type checkers.
    @statecore.transition()
    def cancel(self) -> None: ...

    # Under mypy --strict a method taking **kwargs keeps its return type.
    @statecore.transition()
    def refund(self, amount: int, **kwargs: Any) -> int:
        return amount

    @statecore.before_transition("pay", priority=1)
    def audit(self, amount: int, *, currency: str = "EUR") -> None:
        pass

    @statecore.after_transition("pay")
    def notify(self, result: str, amount: int, *, event: statecore.TransitionEvent) -> None:
        pass

    @statecore.transition_check("pay")
    def can_pay(self) -> bool:
        return True

    @statecore.on_enter_state("paid")
    def entered(self, result: object) -> None:
        pass

    @statecore.on_leave_state("draft", field="state")
    def left(self) -> None:
        pass


order = Order()

# A transition method keeps its signature: arguments are checked, the result is typed.
assert_type(order.pay(10), str)
assert_type(order.pay(10, currency="USD"), str)
assert_type(order.submit(), None)
order.pay("ten")  # type: ignore[arg-type]
order.pay(10, "USD")  # type: ignore[call-arg]
order.pay(10, colour="red")  # type: ignore[call-arg]

assert_type(order.cancel(), None)
assert_type(order.refund(5, reason="late"), int)
# A transition declared by the workflow alone is unknown to type checkers.
order.place()  # type: ignore[attr-defined]

# Availability and users.
assert_type(order.pay.is_available(), bool)
assert_type(order.pay.is_available(user=object()), bool)
assert_type(order.pay.explain(), Availability)
for_user = order.pay.as_user(object())
assert_type(for_user(5, currency="USD"), str)
for_user("five")  # type: ignore[arg-type]
assert_type(order.pay.name, str)

# Class access gives the declaration, with the same result type.
declared: TransitionMethod[..., str] = Order.pay
wrong: TransitionMethod[..., int] = Order.pay  # type: ignore[assignment]

# Hook decorators return the function unchanged.
assert_type(Order.can_pay(order), bool)
assert_type(order.notify("r", 1, event=None), None)  # type: ignore[arg-type]

# Module-level helpers.
assert_type(statecore.available_transitions(order), list[ImplementationWrapper[Any, Any]])
assert_type(OrderFlow.to_mermaid(), str)

# The state an object reads as.
assert_type(order.state, statecore.StateWrapper)
assert_type(order.state.name, str)
assert_type(order.state.is_paid, bool)
for leaving in order.state.transitions():
    assert_type(leaving, statecore.Transition)

# Typed lookups of the definition (for mypy, OrderFlow.states is the tuple the class body
# assigns; for pyright, Any).
assert_type(OrderFlow.get_state("paid"), statecore.State)
assert_type(OrderFlow.get_transition("pay"), statecore.Transition)


# A workflow that lists its state names: the state's name is one of them, misspelt names
# are errors, and its wrapper is still a StateWrapper.
class DoorFlow(statecore.Workflow[Literal["open", "closed"]]):
    states = ("open", "closed")
    transitions = (("close", "open", "closed"),)
    initial_state = "open"


class Door(statecore.WorkflowEnabled):
    state = DoorFlow()


door = Door()
assert_type(door.state, statecore.StateWrapper[Literal["open", "closed"]])
assert_type(door.state.name, Literal["open", "closed"])
any_state: statecore.StateWrapper = door.state
any_flow: type[statecore.Workflow] = DoorFlow
DoorFlow.get_state("opne")  # type: ignore[arg-type]
_ = door.state.name == "opne"  # type: ignore[comparison-overlap]
# The others take any name.
assert_type(order.state.name, str)
OrderFlow.get_state("anything")


# Async transitions: awaiting keeps the implementation's parameters and result type.
class AsyncOrder(statecore.WorkflowEnabled):
    state = OrderFlow()

    @statecore.transition()
    async def pay(self, amount: int, *, currency: str = "EUR") -> str:
        return f"{amount} {currency}"


async def run_async(order: Order, async_order: AsyncOrder) -> None:
    # An async implementation: the call is awaited, like a coroutine method.
    assert_type(await async_order.pay(10), str)
    assert_type(await async_order.pay.acall(10, currency="USD"), str)
    assert_type(await async_order.pay.as_user(object()).acall(10), str)
    await async_order.pay.acall("ten")  # type: ignore[call-overload]
    await async_order.pay.acall(10, colour="red")  # type: ignore[call-overload]
    # A sync implementation with async hooks: its awaitable form gives the same result.
    assert_type(await order.pay.acall(10, currency="USD"), str)
    assert_type(await order.submit.acall(), None)
    await order.pay.acall("ten")  # type: ignore[arg-type]
    # The awaitable questions.
    assert_type(await order.pay.ais_available(user=object()), bool)
    assert_type(await order.pay.aexplain(), Availability)
    assert_type(
        await statecore.aavailable_transitions(order), list[ImplementationWrapper[Any, Any]]
    )


# Workflows defined as data, expression conditions, advance, hold/resume/cancel.
class BaseFlow(statecore.Workflow):
    pass


assert_type(statecore.workflow_from_dict({}), type[statecore.Workflow])
assert_type(BaseFlow.from_dict({}), type[BaseFlow])
assert_type(statecore.workflow_from_dict({}, base=BaseFlow), type[BaseFlow])
assert_type(statecore.workflow_from_json("flow.json"), type[statecore.Workflow])
assert_type(statecore.workflow_to_dict(OrderFlow), dict[str, Any])
assert_type(OrderFlow.to_dict(), dict[str, Any])
assert_type(statecore.workflow_to_json(OrderFlow), str)
statecore.workflow_from_dict({}, base=int)  # type: ignore[type-var]
assert_type(statecore.Expression("obj.amount > 1")(order), bool)
assert_type(statecore.advance(order, {"amount": 1}), statecore.Transition)
assert_type(statecore.resume(order), str)
assert_type(statecore.held_from(order), str | None)
assert_type(statecore.State("paused", kind="on_hold").kind, statecore.StateKind)
assert_type(statecore.Transition("go", "a", "b", priority=3).priority, int)


async def run_data(order: Order) -> None:
    assert_type(await statecore.aadvance(order, {"amount": 1}), statecore.Transition)
    assert_type(await statecore.aresume(order), str)
    await statecore.ahold(order)
    await statecore.acancel(order)
