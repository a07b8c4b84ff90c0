"""Workflows of the ``checksapp`` test app."""

from __future__ import annotations

import statecore
import statecore_django


class ParcelFlow(statecore_django.Workflow):
    """A parcel: packed, sent, then delivered or lost (the latter on a failed hand-over)."""

    states = (
        ("packed", "Packed"),
        ("sent", "Sent"),
        ("delivered", "Delivered"),
        ("lost", "Lost"),
        ("returned", "Returned"),
    )
    transitions = (
        ("send", "packed", "sent"),
        statecore.Transition("deliver", "sent", "delivered", on_error="lost"),
        ("give_back", ("sent", "lost"), "returned"),
    )
    initial_state = "packed"
