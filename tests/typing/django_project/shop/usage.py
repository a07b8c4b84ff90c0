"""What a user's code does with the models: the types it gets."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth.models import User
from typing_extensions import assert_never, assert_type

import statecore
from statecore_django.fields import IntegerStateField, StateField

from .models import Order, OrderFlow, Ticket, TicketFlow


def read_state(order: Order) -> None:
    # Reading a state field gives the state wrapper, on every kind of state field.
    assert_type(order.state, statecore.StateWrapper)
    assert_type(order.priority, statecore.StateWrapper)
    assert_type(order.state.name, str)
    assert_type(order.state.title, str)
    assert_type(order.state == "paid", bool)
    assert_type(order.state.is_paid, bool)
    for leaving in order.state.transitions():
        assert_type(leaving, statecore.Transition)
    # On the class, the attribute is the field's descriptor.
    assert_type(Order.state.field, StateField)
    assert_type(Order.priority.field, IntegerStateField)
    # Assignment takes state names, states, wrappers; not arbitrary values.
    order.state = "paid"
    order.state = OrderFlow.get_state("paid")
    order.state = order.state
    order.priority = 2
    order.state = 3.5  # type: ignore[assignment]


def definitions() -> None:
    # Typed lookups of the definition (``OrderFlow.states`` is the tuple the class assigns).
    assert_type(OrderFlow.get_state("paid"), statecore.State)
    assert_type(OrderFlow.get_state("paid").title, str)
    assert_type(OrderFlow.get_transition("cancel"), statecore.Transition)
    assert_type(OrderFlow.get_transition("cancel").source, tuple[str, ...])


def run_transitions(order: Order, user: User) -> None:
    assert_type(order.pay("visa"), str)
    assert_type(order.place(), None)
    assert_type(order.escalate(), None)
    order.cancel(user=user, reason="customer asked")
    order.pay(4)  # type: ignore[arg-type]
    order.place("now")  # type: ignore[call-arg]
    # Transitions with no implementation at all are not known to type checkers.
    order.ship()  # type: ignore[attr-defined]
    # The typed way to reach any transition by name.
    ship = statecore.get_transition(order, "ship")
    assert_type(ship.is_available(user=user), bool)
    ship.as_user(user)()
    # Bound to a user, a transition keeps its signature.
    assert_type(order.pay.as_user(user)("visa"), str)
    assert_type(order.pay.explain(), statecore.Availability)


def available(order: Order, user: User) -> list[str]:
    # The typed spelling of order.get_available_state_transitions(user=user).
    found = statecore.available_transitions(order, field="state", user=user)
    assert_type(found, list[statecore.ImplementationWrapper[Any, Any]])
    return [t.name for t in found]


def queries() -> None:
    order = Order.objects.get(pk=1)
    assert_type(order.state, statecore.StateWrapper)
    Order.objects.filter(state="paid")


def named_states(ticket: Ticket) -> str:
    # A workflow that lists its state names: the name is one of them.
    assert_type(ticket.state, statecore.StateWrapper[Literal["open", "closed"]])
    assert_type(ticket.state.name, Literal["open", "closed"])
    field: StateField[Any, statecore.StateWrapper[Literal["open", "closed"]]]
    field = Ticket.state.field
    assert_type(TicketFlow.get_state("closed"), statecore.State)
    # Misspelt names are errors.
    TicketFlow.get_state("clsoed")  # type: ignore[arg-type]
    _ = ticket.state.name == "clsoed"  # type: ignore[comparison-overlap]
    # Such a wrapper is still a StateWrapper.
    read: statecore.StateWrapper = ticket.state
    ticket.close(reason="done")
    # Every state handled, as the checkers can tell.
    name = ticket.state.name
    if name == "open":
        return read.title
    if name == "closed":
        return field.name
    assert_never(name)
