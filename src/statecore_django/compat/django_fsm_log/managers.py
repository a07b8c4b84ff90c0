"""``StateLog.objects``: ``for_(obj)`` lists an object's rows."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

__all__ = ["StateLogManager", "StateLogQuerySet"]


class StateLogQuerySet(models.QuerySet[Any]):
    """Log rows, with ``for_(obj)``.

    .. versionadded:: 0.1
    """

    def _get_content_type(self, obj: Any) -> ContentType:
        return ContentType.objects.db_manager(self.db).get_for_model(obj)

    def for_(self, obj: Any) -> StateLogQuerySet:
        """The rows of one object."""
        return self.filter(content_type=self._get_content_type(obj), object_id=obj.pk)


class StateLogManager(models.Manager[Any]):
    """The default manager of `StateLog`: its queryset's methods, ``for_`` included.

    .. versionadded:: 0.1
    """

    use_in_migrations = True

    def get_queryset(self) -> StateLogQuerySet:
        """A `StateLogQuerySet`."""
        return StateLogQuerySet(self.model, using=self._db)

    def for_(self, obj: Any) -> StateLogQuerySet:
        """The rows of one object."""
        return self.get_queryset().for_(obj)
