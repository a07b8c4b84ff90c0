"""``StateLog.objects``: ``for_(obj)`` lists an object's rows."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

__all__ = ["PendingStateLogManager", "StateLogManager", "StateLogQuerySet"]


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


#: The cache the cached backend keeps pending rows in (set on first use, from the
#: ``DJANGO_FSM_LOG_CACHE_BACKEND`` setting, ``"default"`` when unset).
cache: Any = None


def _cache() -> Any:
    global cache
    if cache is None:
        from django.conf import settings
        from django.core.cache import caches

        cache = caches[getattr(settings, "DJANGO_FSM_LOG_CACHE_BACKEND", "default")]
    return cache


class PendingStateLogManager(models.Manager[Any]):
    """``StateLog.pending_objects`` of the cached backend: rows kept in the cache until saved.

    ``create()`` keeps the row of an object's running transition in the cache (for 10
    seconds); ``commit_for_object()`` saves it once the transition is done.

    .. versionadded:: 0.1
    """

    def _get_cache_key_for_object(self, obj: Any) -> str:
        return f"StateLog:{type(obj).__name__}:{obj.pk}"

    def create(self, **kwargs: Any) -> Any:
        """Build the row and keep it in the cache, unsaved."""
        log = self.model(**kwargs)
        _cache().set(self._get_cache_key_for_object(kwargs["content_object"]), log, 10)
        return log

    def commit_for_object(self, obj: Any) -> Any:
        """Save the object's pending row and forget it."""
        log = self.get_for_object(obj)
        log.save()
        _cache().delete(self._get_cache_key_for_object(obj))
        return log

    def get_for_object(self, obj: Any) -> Any:
        """The object's pending row, or None."""
        return _cache().get(self._get_cache_key_for_object(obj))
