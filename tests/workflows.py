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
