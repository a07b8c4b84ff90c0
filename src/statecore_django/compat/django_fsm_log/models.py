"""``StateLog``: django-fsm-log's model, on its table ``django_fsm_log_statelog``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from ..django_fsm import FSMFieldMixin, FSMIntegerField
from .managers import StateLogManager

__all__ = ["StateLog"]


class StateLog(models.Model):
    """One transition of one object: when, by whom, from and to which state, and why.

    Columns as django-fsm-log's: ``timestamp``, ``by`` (the user, may be empty),
    ``source_state``, ``state`` (the target), ``transition``, ``content_type`` and
    ``object_id`` (the object), ``description``.

    .. versionadded:: 0.1
    """

    timestamp: models.DateTimeField[Any, Any] = models.DateTimeField(default=now)
    by: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, blank=True, null=True, on_delete=models.SET_NULL
    )
    source_state: models.CharField[Any, Any] = models.CharField(
        max_length=255, db_index=True, null=True, blank=True, default=None
    )
    state: models.CharField[Any, Any] = models.CharField(
        _("Target state"), max_length=255, db_index=True
    )
    transition: models.CharField[Any, Any] = models.CharField(max_length=255)
    content_type: models.ForeignKey[Any, Any] = models.ForeignKey(
        ContentType, on_delete=models.CASCADE
    )
    object_id: models.PositiveIntegerField[Any, Any] = models.PositiveIntegerField(db_index=True)
    content_object = GenericForeignKey("content_type", "object_id")
    description: models.TextField[Any, Any] = models.TextField(blank=True, null=True)

    objects = StateLogManager()

    class Meta:
        """django-fsm-log's app label (so its table) and latest-by."""

        app_label = "django_fsm_log"
        get_latest_by = "timestamp"

    def __str__(self) -> str:
        return f"{self.timestamp} - {self.content_object} - {self.transition}"

    def get_state_display(self, field_name: str = "state") -> Any:
        """The title of the logged state (``field_name="source_state"`` for the source)."""
        value = getattr(self, field_name)
        model = self.content_type.model_class()
        for field in model._meta.fields if model is not None else ():
            if isinstance(field, FSMIntegerField):
                return str(dict(field.flatchoices).get(int(value), value))
            if isinstance(field, FSMFieldMixin):
                return str(dict(field.flatchoices).get(value, value))
        return None

    def get_source_state_display(self) -> Any:
        """The title of the logged source state."""
        return self.get_state_display("source_state")
