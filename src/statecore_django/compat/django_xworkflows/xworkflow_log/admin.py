"""A read-only admin for the ``xworkflow_log`` transition log, as django_xworkflows had."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """List and view the log rows; nobody adds, changes or deletes them here.

    .. versionadded:: 0.1
    """

    actions = None
    date_hierarchy = "timestamp"
    list_display = ("modified_object", "transition", "from_state", "to_state", "user", "timestamp")
    list_filter = ("content_type", "transition")
    readonly_fields = ("user", "modified_object", "transition", "timestamp")
    search_fields = ("transition",)

    def has_add_permission(self, request: Any) -> bool:
        """No one adds rows by hand."""
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        """Rows are shown, never changed."""
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """Rows are never deleted here."""
        return False
