"""Models as a user writes them: workflows, state fields, typed transitions."""

from __future__ import annotations

from typing import Any, Literal

from django.db import models

import statecore
import statecore_django


class OrderFlow(statecore_django.Workflow):
    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        ("place", "draft", "placed"),
        ("pay", "placed", "paid"),
        statecore.Transition("ship", "paid", "shipped", permission="shop.ship_order"),
        ("cancel", ("draft", "placed", "paid"), "cancelled"),
    )
    initial_state = "draft"


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    HIGH = 2, "High"


class PriorityFlow(statecore_django.Workflow):
    states = Priority
    transitions = (("escalate", "low", "high"),)
    initial_state = "low"


class Order(models.Model):
    state = statecore_django.StateField(OrderFlow, protected=True)
    priority = statecore_django.IntegerStateField(PriorityFlow)
    # Django's own fields need annotations without the plugin; statecore's never do.
    paid_with: models.CharField[str, str] = models.CharField(max_length=20, default="")

    class Meta:
        app_label = "shop"

    def __str__(self) -> str:
        return f"Order {self.pk}"

    # A transition with an implementation keeps its signature.
    @statecore.transition()
    def pay(self, card: str) -> str:
        self.paid_with = card
        return f"paid with {card}"

    # A transition without one: a stub declares it for type checkers (it does nothing).
    @statecore.transition()
    def place(self) -> None: ...

    # Extra keyword arguments (the log's user and reason) are fine too.
    @statecore.transition()
    def cancel(self, **kwargs: Any) -> None: ...

    @statecore.transition()
    def escalate(self) -> None: ...

    @statecore.after_transition("pay")
    def notify(self, result: str, card: str) -> None:
        pass


# A workflow that lists its state names for type checkers (checked against its states
# when the class is created).
class TicketFlow(statecore_django.Workflow[Literal["open", "closed"]]):
    states = (("open", "Open"), ("closed", "Closed"))
    transitions = (("close", "open", "closed"), ("reopen", "closed", "open"))
    initial_state = "open"


class Ticket(models.Model):
    state = statecore_django.StateField(TicketFlow)

    class Meta:
        app_label = "shop"

    @statecore.transition()
    def close(self, *, reason: str = "") -> None: ...
