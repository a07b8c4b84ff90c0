"""Read-only admin for transition logs: `TransitionLogAdmin` and `TransitionLogInline`.

When ``statecore_django.log`` is installed, its ``TransitionLog`` is registered on the
default admin site with `TransitionLogAdmin`. Show an object's log on its change page
with the inline::

    @admin.register(Order)
    class OrderAdmin(admin.ModelAdmin):
        inlines = [TransitionLogInline]

Log rows are written by transitions only: both classes refuse to add, change or delete
them (the log is evidence, not data to edit); a user with the view (or change)
permission of the log model sees them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import conf

__all__ = ["ReadOnlyLogMixin", "TransitionLogAdmin", "TransitionLogInline"]


class ReadOnlyLogMixin:
    """Admin permissions of a log: viewing only, never adding, changing or deleting.

    .. versionadded:: 0.1
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: log rows are written by transitions."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: a log row is never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Refuse: a log row is never deleted from the admin."""
        return False


class TransitionLogAdmin(ReadOnlyLogMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A read-only changelist and detail view of a generic transition log.

    Fits `statecore_django.log.models.TransitionLog` and other
    `statecore_django.models.GenericTransitionLog` subclasses with ``user`` and
    ``reason`` fields; subclass it and adjust ``list_display`` for other logs.

    .. versionadded:: 0.1
    """

    list_display = (
        "timestamp",
        "content_type",
        "object_id",
        "transition",
        "from_state",
        "to_state",
        "user",
    )
    list_filter = ("content_type", "transition", "to_state", "timestamp")
    search_fields = ("object_id", "transition", "reason")
    date_hierarchy = "timestamp"
    list_select_related = ("content_type", "user")


class _DefaultLogModel:
    """The default log model, looked up when read (the app registry is ready by then).

    None when there is no usable default; Django's admin check ``admin.E105`` then says
    that the inline needs a model.
    """

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        label = conf.log_model_label()
        if label is None:
            return None
        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            return None


class TransitionLogInline(ReadOnlyLogMixin, GenericTabularInline):
    """The transition log of the object shown on an admin change page, read-only.

    ``model`` defaults to the ``STATECORE_LOG_MODEL`` log (``statecore_log.TransitionLog``
    when ``statecore_django.log`` is installed); set it on a subclass for another
    `statecore_django.models.GenericTransitionLog`.

    .. versionadded:: 0.1
    """

    model = _DefaultLogModel()
    fields = ("timestamp", "transition", "from_state", "to_state")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    ordering = ("-timestamp", "-id")
    verbose_name_plural = _("transition log")


def _register_ready_log() -> None:
    """Register the ready log app's model with `TransitionLogAdmin` when it is installed."""
    if not apps.is_installed(conf.LOG_APP):
        return
    model = apps.get_model(conf.DEFAULT_LOG_MODEL)
    if not admin.site.is_registered(model):
        admin.site.register(model, TransitionLogAdmin)


_register_ready_log()
