"""Models of the REST tests: an order whose state may be assigned, and a protected one."""

from __future__ import annotations

from typing import Any

from django.db import models
from tests.workflows import OrderFlow

import statecore
import statecore_django


async def in_stock(ticket: Any) -> bool:
    """An async guard (it would ask a stock service): a ticket with items may reopen."""
    return bool(ticket.items > 0)


class TicketFlow(statecore_django.Workflow):
    """An order-like life cycle with a guard, a permission and a transition with input."""

    states = tuple(OrderFlow.states)  # the suite's sample order states
    transitions = (
        statecore.Transition(
            "place", "draft", "placed", conditions=["has_items", "has_customer"], label="Place"
        ),
        statecore.Transition(
            "pay",
            "placed",
            "paid",
            permission="restapp.take_payment",
            label="Take payment",
            description="Record the amount received.",
        ),
        statecore.Transition("ship", "paid", "shipped"),
        statecore.Transition("cancel", ("draft", "placed", "paid"), "cancelled"),
        statecore.Transition("reopen", "cancelled", "draft", conditions=[in_stock]),
    )
    initial_state = "draft"
    locking = "optimistic"


class Ticket(models.Model):
    """An order whose state field is not protected."""

    state = statecore_django.StateField(TicketFlow)
    items = models.IntegerField(default=0)
    customer = models.CharField(max_length=50, blank=True, default="")
    amount = models.IntegerField(default=0)
    note = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        permissions = (("take_payment", "Can take payments"),)

    def has_items(self) -> bool:
        return self.items > 0

    def has_customer(self) -> bool:
        return bool(self.customer)

    @statecore.transition()
    def pay(self, amount: int, note: str = "", **kwargs: Any) -> None:
        self.amount = amount
        self.note = note


class LockedTicket(models.Model):
    """The same workflow on a protected state field."""

    state = statecore_django.StateField(TicketFlow, protected=True)
    items = models.IntegerField(default=0)
    customer = models.CharField(max_length=50, blank=True, default="")
    amount = models.IntegerField(default=0)
    note = models.CharField(max_length=100, blank=True, default="")

    def has_items(self) -> bool:
        return self.items > 0

    def has_customer(self) -> bool:
        return bool(self.customer)


#: An expense claim's workflow, defined as data; its conditions are CEL expressions. An
#: expense is approved only up to the approver's limit, a variable of the context data.
ExpenseWorkflow = statecore_django.Workflow.from_dict(
    {
        "schema_version": 1,
        "name": "ExpenseWorkflow",
        "states": [
            {"name": "draft", "kind": "initial"},
            "submitted",
            {"name": "approved", "kind": "final"},
            {"name": "rejected", "kind": "final"},
        ],
        "transitions": [
            {
                "name": "submit",
                "source": "draft",
                "target": "submitted",
                "conditions": ["obj.amount > 0"],
            },
            {
                "name": "approve",
                "source": "submitted",
                "target": "approved",
                "conditions": ["obj.amount <= approver.limit"],
                "label": "Approve",
            },
            {"name": "reject", "source": "submitted", "target": "rejected"},
        ],
    }
)


class Expense(models.Model):
    """An expense claim whose state field's workflow was built from data."""

    state = statecore_django.StateField(ExpenseWorkflow)
    amount = models.IntegerField(default=0)
    purpose = models.CharField(max_length=100, blank=True, default="")


class ClaimFlow(statecore_django.Workflow):
    """A claim that may be put on hold; approving it takes a permission."""

    states = (
        "draft",
        "review",
        "approved",
        statecore.State("paused", kind="on_hold"),
        statecore.State("paid", final=True),
    )
    transitions = (
        statecore.Transition("submit", "draft", "review"),
        statecore.Transition("approve", "review", "approved", permission="restapp.approve_claim"),
        statecore.Transition("settle", "approved", "paid"),
    )
    initial_state = "draft"


class Claim(models.Model):
    """A claim (protected state) with the column where hold remembers the state it left."""

    state = statecore_django.StateField(ClaimFlow, protected=True)
    state_held_from = models.CharField(max_length=32, blank=True, default="")
    note = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        permissions = (("approve_claim", "Can approve claims"),)
