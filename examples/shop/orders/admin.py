"""The shop's admin: transition buttons, forms, bulk actions, log and diagrams for orders."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from statecore_django.admin import TransitionLogAdmin, TransitionLogInline
from statecore_django.admin_mixins import WorkflowAdminMixin

from .models import Order, OrderLog


def client_ip(request: Any) -> str | None:
    """The address the request came from (no proxy in front of the example shop)."""
    return request.META.get("REMOTE_ADDR") or None


class OrderLogInline(TransitionLogInline):
    """The order's log, with who ran each transition, from where, and why."""

    model = OrderLog
    fields = ("timestamp", "transition", "from_state", "to_state", "user", "ip", "reason")
    readonly_fields = fields
    verbose_name_plural = "order log"


@admin.register(Order)
class OrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("number", "customer", "total", "payment", "shipping")
    list_filter = ("payment", "shipping")
    search_fields = ("number", "customer")
    readonly_fields = ("amount_paid", "payment_reference", "tracking_number")
    inlines = (OrderLogInline,)

    def get_transition_kwargs(
        self, request: Any, obj: Order, field: str, transition: str
    ) -> dict[str, Any]:
        """Log the client's IP address with every transition run from the admin."""
        return {"ip": client_ip(request)}


@admin.register(OrderLog)
class OrderLogAdmin(TransitionLogAdmin):
    list_display = (
        "timestamp",
        "modified_object",
        "transition",
        "from_state",
        "to_state",
        "user",
        "ip",
        "reason",
    )
    search_fields = ("object_id", "transition", "reason", "ip")
