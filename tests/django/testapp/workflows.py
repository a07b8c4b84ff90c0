"""Django workflows of the test app (the core's sample workflows are in tests/workflows.py)."""

from __future__ import annotations

import os

from django.db import models

import statecore
import statecore_django


class OrderFlow(statecore_django.Workflow):
    """An order, logged to the default log model, without locking."""

    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
        ("failed", "Failed"),
        # test_migrations adds a state through the environment to show that no
        # migration is needed (unless the new name is longer than max_length).
        *(
            (os.environ["STATECORE_TEST_EXTRA_STATE"],)
            if "STATECORE_TEST_EXTRA_STATE" in os.environ
            else ()
        ),
    )
    transitions = (
        ("place", "draft", "placed"),
        ("pay", "placed", "paid"),
        ("ship", "paid", "shipped"),
        ("cancel", ("draft", "placed", "paid"), "cancelled"),
        statecore.Transition("charge", "placed", "paid", on_error="failed"),
        statecore.Transition("approve", "placed", "paid", permission="testapp.approve_order"),
        statecore.Transition(
            "refund", "paid", "cancelled", permission=lambda order, user: user.is_staff
        ),
    )
    initial_state = "draft"


class ShipmentFlow(OrderFlow):
    """OrderFlow plus a transition whose target is chosen when it runs."""

    transitions = (
        *OrderFlow.transitions,
        statecore.Transition(
            "inspect",
            "placed",
            ("paid", "cancelled"),
            choose_target=lambda shipment, ok=True, **kwargs: "paid" if ok else "cancelled",
        ),
    )


class OptimisticOrderFlow(OrderFlow):
    """The order workflow with optimistic locking."""

    locking = "optimistic"


class PessimisticOrderFlow(OrderFlow):
    """The order workflow with pessimistic locking (select_for_update)."""

    locking = "pessimistic"


class UnloggedOrderFlow(OrderFlow):
    """The order workflow without a log."""

    log_model = None


class AuditedFlow(statecore_django.Workflow):
    """A workflow logged to a custom log model with extra attributes, creations too."""

    states = ("new", "approved", "rejected")
    transitions = (("approve", "new", "approved"), ("reject", "new", "rejected"))
    initial_state = "new"
    log_model = "testapp.AuditLog"
    log_creation = True


class LastLoggedFlow(statecore_django.Workflow):
    """A workflow that keeps only the last transition per object."""

    states = ("new", "opened", "closed")
    transitions = (("open", "new", "opened"), ("close", "opened", "closed"))
    initial_state = "new"
    log_model = "testapp.LastLog"


class Priority(models.IntegerChoices):
    """Integer states."""

    LOW = 1, "Low"
    NORMAL = 5, "Normal"
    URGENT = 10, "Urgent"


class PriorityFlow(statecore_django.Workflow):
    """A workflow whose states are stored as integers."""

    states = Priority
    transitions = (
        ("escalate", ("low", "normal"), "urgent"),
        ("relax", "urgent", "normal"),
    )
    initial_state = "normal"


class PublicationFlow(statecore_django.Workflow):
    """A workflow whose states are rows of the PublicationState table."""

    states = ("draft", "review", "published")
    transitions = (("submit", "draft", "review"), ("publish", "review", "published"))
    initial_state = "draft"


class PlainFlow(statecore.Workflow):
    """A plain core workflow (not a statecore_django one) on a state field."""

    states = ("off", "on")
    transitions = (("switch_on", "off", "on"), ("switch_off", "on", "off"))
    initial_state = "off"


class InvoiceFlow(statecore_django.Workflow):
    """An invoice, for what a transition writes (default locking: optimistic)."""

    states = (("draft", "Draft"), ("issued", "Issued"), ("paid", "Paid"), ("void", "Void"))
    transitions = (
        statecore.Transition("issue", "draft", "issued", on_error="void"),
        ("pay", "issued", "paid"),
        ("reopen", ("issued", "paid", "void"), "draft"),
    )
    initial_state = "draft"


class PessimisticInvoiceFlow(InvoiceFlow):
    """The invoice workflow with pessimistic locking."""

    locking = "pessimistic"


class UnlockedInvoiceFlow(InvoiceFlow):
    """The invoice workflow without locking (the last writer wins)."""

    locking = "none"


class AsyncOrderFlow(statecore_django.Workflow):
    """An order whose model has async guards, hooks, permission and implementation."""

    states = ("draft", "placed", "paid", "failed", "cancelled")
    transitions = (
        ("place", "draft", "placed"),
        statecore.Transition("pay", "placed", "paid", conditions=["in_stock"], on_error="failed"),
        ("cancel", ("draft", "placed"), "cancelled"),
    )
    initial_state = "draft"
