"""An admin class with the workflow mixin."""

from __future__ import annotations

from django.contrib import admin

from statecore_django.admin_mixins import WorkflowAdminMixin

from .models import Order


class OrderAdmin(WorkflowAdminMixin, admin.ModelAdmin[Order]):
    list_display = ("id", "state", "priority")
    list_filter = ("state",)
    readonly_fields = ("paid_with",)
    transition_actions = False
    workflow_fields = ("state",)


admin.site.register(Order, OrderAdmin)
