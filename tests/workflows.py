"""Sample workflows shared by the test suite.

The core behaviour tests use the workflows at the top of this module; other test
modules may append their own below.
"""

from __future__ import annotations

import enum

import statecore


class OrderFlow(statecore.Workflow):
    """An order: placed, paid, shipped, or cancelled before it ships."""

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
        ("ship", "paid", "shipped"),
        ("cancel", ("draft", "placed", "paid"), "cancelled"),
    )
    initial_state = "draft"


class Order(statecore.WorkflowEnabled):
    """A host with no implementations: every transition is a generated no-op."""

    state = OrderFlow()

    def __init__(self, pk: int | None = None) -> None:
        self.pk = pk


class DoorFlow(statecore.Workflow):
    """Two states and a transition each way."""

    states = ("closed", "open")
    transitions = (("open_door", "closed", "open"), ("close", "open", "closed"))
    initial_state = "closed"


class LightFlow(statecore.Workflow):
    """A second workflow, for hosts that carry two."""

    states = ("off", "on")
    transitions = (("switch", "off", "on"), ("reset", "on", "off"))
    initial_state = "off"


class Colour(str, enum.Enum):
    """String-valued enum: states are named by the values."""

    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    """Integer-valued enum: states are named by the lower-cased member names."""

    LOW = 1
    HIGH = 2


class ReviewFlow(statecore.Workflow):
    """A review whose outcome the implementation chooses among several targets."""

    states = ("pending", "accepted", "rejected", "failed")
    transitions = (
        statecore.Transition("decide", "pending", ("accepted", "rejected")),
        statecore.Transition("crash", "pending", "accepted", on_error="failed"),
        ("reopen", ("accepted", "rejected", "failed"), "pending"),
    )
    initial_state = "pending"


class RecordingUser:
    """A user with a fixed set of permissions, checked through ``has_perm``."""

    def __init__(self, name: str, *perms: str) -> None:
        self.name = name
        self.perms = set(perms)

    def has_perm(self, perm: str) -> bool:
        """Tell whether the user holds ``perm``."""
        return perm in self.perms

    def __str__(self) -> str:
        return self.name


# -- graphs, lint and the command line ----------------------------------------------------


class ShipmentFlow(statecore.Workflow):
    """Drawn by the graph tests: titles to escape, an on_error edge, two targets, final states."""

    states = (
        ("packing", 'Packing "fragile" #1; <box>'),
        ("in_transit", "In transit\\by road\nand sea"),
        ("delivered", "Delivered"),
        ("lost", "Lost"),
        ("returned", "Returned"),
    )
    transitions = (
        statecore.Transition("dispatch", "packing", "in_transit", on_error="lost"),
        statecore.Transition("arrive", "in_transit", ("delivered", "returned")),
        ("give_up", "in_transit", "lost"),
        ("declare_lost", "in_transit", "lost"),
        ("resend", "returned", "packing"),
    )
    initial_state = "packing"
    final_states = ("delivered", "lost")


class BrokenFlow(statecore.Workflow):
    """Valid, but with one of each lint finding: 'orphan', 'stuck' and 'adopt'."""

    states = ("new", "active", "stuck", "archived", "orphan")
    transitions = (
        ("start", "new", "active"),
        ("block", "active", "stuck"),
        ("finish", "active", "archived"),
        ("adopt", "orphan", "active"),
    )
    initial_state = "new"
    final_states = ("archived",)


class Room(statecore.WorkflowEnabled):
    """A host with two workflows: the command line must be told which one."""

    door = DoorFlow()
    light = LightFlow()


# -- statecore.testing ----------------------------------------------------------------------


class TicketFlow(statecore.Workflow):
    """A support ticket: a guarded close that needs a permission, and a reopen."""

    states = ("open", "assigned", "closed")
    transitions = (
        ("assign", "open", "assigned"),
        statecore.Transition(
            "close", "assigned", "closed", conditions="is_resolved", permission="tickets.close"
        ),
        ("reopen", "closed", "open"),
    )
    initial_state = "open"


class Ticket(statecore.WorkflowEnabled):
    """A host whose state is protected; ``history`` records every transition that ran."""

    state = TicketFlow(protected=True)

    def __init__(self, pk: int | None = None) -> None:
        self.pk = pk
        self.resolved = False
        self.assignee: str | None = None
        self.history: list[str] = []

    def is_resolved(self) -> bool:
        """The condition of ``close``."""
        return self.resolved

    @statecore.transition()
    def assign(self, who: str) -> str:
        """Give the ticket to ``who``; returns the previous assignee's name or ``"nobody"``."""
        previous = self.assignee or "nobody"
        self.assignee = who
        return previous

    @statecore.after_transition()
    def record(self, result: object, *args: object, event: statecore.TransitionEvent) -> None:
        """Remember the transition's name."""
        self.history.append(event.transition.name)


# -- async transitions ------------------------------------------------------------------------


class PaymentFlow(statecore.Workflow):
    """An order's payment, with a guard, a permission, an on_error state and two targets."""

    states = ("placed", "paid", "failed", "approved", "rejected")
    transitions = (
        statecore.Transition(
            "pay", "placed", "paid", conditions=["in_stock"], on_error="failed", permission=None
        ),
        statecore.Transition("review", "paid", ("approved", "rejected")),
        ("retry", "failed", "placed"),
    )
    initial_state = "placed"

    def log_transition(
        self,
        transition: statecore.Transition,
        from_state: statecore.State,
        instance: object,
        /,
        *args: object,
        **kwargs: object,
    ) -> None:
        """Record the log step among the others."""
        instance.steps.append("log")  # type: ignore[attr-defined]


class AsyncPayment(statecore.WorkflowEnabled):
    """Every kind of callable of ``pay`` is async; ``steps`` records them in running order."""

    state = PaymentFlow()

    def __init__(self, *, stock: bool = True, fail: str | None = None) -> None:
        self.stock = stock
        self.fail = fail
        self.steps: list[str] = []

    async def in_stock(self) -> bool:
        """The condition of ``pay``."""
        self.steps.append("condition")
        return self.stock

    def _step(self, name: str) -> None:
        self.steps.append(name)
        if self.fail == name:
            raise RuntimeError(f"{name} failed")

    @statecore.transition_check("pay")
    async def funded(self) -> bool:
        """A check hook."""
        self._step("check")
        return True

    @statecore.before_transition("pay")
    async def reserve(self, amount: int) -> None:
        """A before hook."""
        self._step("before")

    @statecore.on_leave_state("placed")
    async def leaving(self, amount: int) -> None:
        """A leave hook."""
        self._step("leave")

    @statecore.transition()
    async def pay(self, amount: int) -> str:
        """The implementation."""
        self._step("implementation")
        return f"receipt {amount}"

    @statecore.on_enter_state("paid")
    async def entered(self, result: str, amount: int) -> None:
        """An enter hook."""
        self._step("enter")

    @statecore.after_transition("pay")
    async def notify(self, result: str, amount: int) -> None:
        """An after hook."""
        self._step("after")

    @statecore.transition()
    async def review(self, verdict: str) -> str:
        """Chooses the target by its result."""
        return verdict


#: The django-steps README's claim workflow as data (schema version 1): a claim is
#: escalated to review when it is high-risk or large, approved otherwise; it can be held,
#: resumed and cancelled.
CLAIM_DATA: dict[str, object] = {
    "schema_version": 1,
    "name": "ClaimFlow",
    "title": "Insurance claim",
    "states": [
        {"name": "submitted", "title": "Submitted", "kind": "initial"},
        {"name": "review", "title": "Under review"},
        {"name": "approved", "title": "Approved", "kind": "final"},
        {"name": "paused", "title": "On hold", "kind": "on_hold"},
        {"name": "cancelled", "title": "Cancelled", "kind": "cancellation"},
    ],
    "transitions": [
        {
            "name": "escalate_risk",
            "source": "submitted",
            "target": "review",
            "conditions": ["claim.is_high_risk == true"],
            "priority": 20,
        },
        {
            "name": "escalate_amount",
            "source": "submitted",
            "target": "review",
            "conditions": ["claim.amount > 10000"],
            "priority": 10,
        },
        {"name": "approve", "source": ["submitted", "review"], "target": "approved"},
    ],
}
