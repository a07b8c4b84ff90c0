"""Sample workflows shared by the test suite.

The core behaviour tests use the workflows at the top of this module; other test
modules may append their own below.
"""

from __future__ import annotations

import enum
from typing import Any

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

