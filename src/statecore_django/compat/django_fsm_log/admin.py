"""``StateLogInline``: the read-only log of an object on its admin change page."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import F

from .models import StateLog

__all__ = ["StateLogInline"]


class StateLogInline(GenericTabularInline):
    """The object's log rows, newest first; nobody adds or deletes them here.

    .. versionadded:: 0.1
    """

    model = StateLog
    can_delete = False
    fields = ("transition", "source_state", "state", "by", "description", "timestamp")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        """Rows are written by transitions only."""
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        """Viewable (every field is read-only)."""
        return True

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        """Every field."""
        return self.fields

    def get_queryset(self, request: Any) -> Any:
        """Newest first."""
        return super().get_queryset(request).order_by(F("timestamp").desc())
