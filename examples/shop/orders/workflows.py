"""The shop's two workflows: the payment of an order and its shipping.

Permissions name the staff role that may run a transition (see ``Order.Meta``); the
admin shows a button only to users who have it, and says why to the others.
"""

from __future__ import annotations

from django import forms

import statecore_django
from statecore import Transition

from .forms import PaymentForm


class PaymentFlow(statecore_django.Workflow):
    """Money for an order: taken by a cashier, refunded by a manager."""

    states = (
        ("pending", "Awaiting payment"),
        ("paid", "Paid"),
        ("failed", "Payment failed"),
        ("refunded", "Refunded"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        Transition(
            "pay",
            ("pending", "failed"),
            "paid",
            permission="orders.take_payment",
            label="Take payment",
            description="Record the amount received; it must cover the order's total.",
            custom={"form": PaymentForm},
        ),
        Transition(
            "decline",
            "pending",
            "failed",
            permission="orders.take_payment",
            label="Card declined",
        ),
        Transition(
            "refund",
            "paid",
            "refunded",
            permission="orders.refund_payment",
            conditions="not_shipped",
            label="Refund",
            description="Give the money back (only before the parcel leaves).",
            custom={"fields": {"reason": forms.CharField(max_length=200)}},
        ),
        Transition("cancel", ("pending", "failed"), "cancelled", label="Cancel order"),
    )
    initial_state = "pending"
    final_states = ("refunded", "cancelled")
    log_model = "orders.OrderLog"


class ShippingFlow(statecore_django.Workflow):
    """The parcel: packed and shipped by the warehouse once the order is paid."""

    states = (
        ("waiting", "Waiting"),
        ("packed", "Packed"),
        ("shipped", "Shipped"),
        ("delivered", "Delivered"),
    )
    transitions = (
        Transition(
            "pack", "waiting", "packed", permission="orders.ship_order", conditions="is_paid"
        ),
        Transition(
            "ship",
            "packed",
            "shipped",
            permission="orders.ship_order",
            label="Hand to carrier",
            custom={"fields": ("tracking_number",)},
        ),
        Transition("deliver", "shipped", "delivered", permission="orders.ship_order"),
    )
    initial_state = "waiting"
    final_states = ("delivered",)
    log_model = "orders.OrderLog"
