"""Abstract transition log models, in the style of django_xworkflows.

- `BaseTransitionLog`: one row per transition (``transition``, ``from_state``,
  ``to_state``, ``timestamp``); subclasses say how the row points at the object.
- `GenericTransitionLog`: points at any object through a generic foreign key whose
  object id is stored as text, so integer, UUID and string primary keys all work.
- `BaseLastTransitionLog` / `GenericLastTransitionLog`: one row per object, updated by
  each transition (the last one).

``EXTRA_LOG_ATTRIBUTES`` lists ``(model_field, kwarg_name, default)`` triples: each model
field takes the value of the transition call's keyword argument (``order.pay(user=u)``;
a user given with ``as_user()`` counts as ``user=``), or the default.

The concrete `statecore_django.log.models.TransitionLog` is ready to use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BaseLastTransitionLog",
    "BaseTransitionLog",
    "GenericLastTransitionLog",
    "GenericTransitionLog",
]


class BaseTransitionLog(models.Model):
    """Abstract log of transitions: one row per transition.

    Subclasses link the row to the object: set ``MODIFIED_OBJECT_FIELD`` to the name of
    a foreign key to the model, or override `link_values` (as `GenericTransitionLog`
    does).

    Attributes:
        transition: the transition's name (empty for a creation).
        from_state: the state left (empty for a creation).
        to_state: the state entered.
        timestamp: when the transition ran.

    .. versionadded:: 0.1
    """

    #: ``(model_field, kwarg_name, default)`` triples copied from the transition's kwargs.
    EXTRA_LOG_ATTRIBUTES: ClassVar[tuple[tuple[str, str, Any], ...]] = ()
    #: The foreign key to the logged object (for a log of a single model).
    MODIFIED_OBJECT_FIELD: ClassVar[str] = ""

    transition: models.CharField[str, str] = models.CharField(
        _("transition"), max_length=255, db_index=True
    )
    from_state: models.CharField[str, str] = models.CharField(
        _("from state"), max_length=255, db_index=True
    )
    to_state: models.CharField[str, str] = models.CharField(
        _("to state"), max_length=255, db_index=True
    )
    timestamp: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("performed at"), default=timezone.now, db_index=True
    )

    class Meta:
        """Abstract; newest first."""

        abstract = True
        ordering = ("-timestamp", "-id")
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log entries")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse a malformed ``EXTRA_LOG_ATTRIBUTES`` when the log model is defined."""
        super().__init_subclass__(**kwargs)
        extras = cls.__dict__.get("EXTRA_LOG_ATTRIBUTES", ())
        entries = extras if isinstance(extras, (tuple, list)) else [extras]
        bad = [
            entry
            for entry in entries
            if not (
                isinstance(entry, (tuple, list))
                and len(entry) == 3
                and isinstance(entry[0], str)
                and isinstance(entry[1], str)
            )
        ]
        if bad or not isinstance(extras, (tuple, list)):
            msg = (
                f"{cls.__qualname__}.EXTRA_LOG_ATTRIBUTES has malformed entries "
                f"{', '.join(map(repr, bad or [extras]))}; each entry must be a "
                f"(model_field, kwarg_name, default) triple, e.g. ('user', 'user', None)"
            )
            raise ImproperlyConfigured(msg)

    def __str__(self) -> str:
        """Say the transition and the states, e.g. ``pay: placed -> paid``."""
        return f"{self.transition or 'created'}: {self.from_state or '-'} -> {self.to_state}"

    @classmethod
    def link_values(cls, modified_object: models.Model) -> dict[str, Any]:
        """Return the field values that link a row to ``modified_object``."""
        if not cls.MODIFIED_OBJECT_FIELD:
            msg = (
                f"{cls.__qualname__} does not say how to point at the logged object; set "
                f"MODIFIED_OBJECT_FIELD to a foreign key's name or inherit GenericTransitionLog"
            )
            raise TypeError(msg)
        return {cls.MODIFIED_OBJECT_FIELD: modified_object}

    @classmethod
    def extra_values(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Return the ``EXTRA_LOG_ATTRIBUTES`` values taken from a transition's kwargs."""
        return {
            field: kwargs.get(kwarg, default) for field, kwarg, default in cls.EXTRA_LOG_ATTRIBUTES
        }

    @classmethod
    def log_transition(
        cls,
        transition: str,
        from_state: str,
        to_state: str,
        modified_object: models.Model,
        /,
        **kwargs: Any,
    ) -> BaseTransitionLog:
        """Write and return the row of one transition (one INSERT).

        Args:
            transition: the transition's name.
            from_state: the state left.
            to_state: the state entered.
            modified_object: the object.
            **kwargs: the transition call's keyword arguments.
        """
        using = router.db_for_write(cls, instance=modified_object)
        row = cls(
            transition=transition,
            from_state=from_state,
            to_state=to_state,
            **cls.link_values(modified_object),
            **cls.extra_values(kwargs),
        )
        row.save(force_insert=True, using=using)
        return row


class GenericTransitionLog(BaseTransitionLog):
    """Abstract log of transitions of any model, through a generic foreign key.

    ``object_id`` is text, so integer, UUID and string primary keys all fit; use
    `for_object` to find the rows of one object.

    .. versionadded:: 0.1
    """

    content_type: models.ForeignKey[ContentType, ContentType] = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id: models.CharField[str, str] = models.CharField(
        _("object id"), max_length=255, db_index=True
    )
    modified_object = GenericForeignKey("content_type", "object_id")

    class Meta(BaseTransitionLog.Meta):
        """Abstract."""

        abstract = True
        indexes = (models.Index(fields=("content_type", "object_id")),)

    @classmethod
    def link_values(cls, modified_object: models.Model) -> dict[str, Any]:
        """Return the content type and the primary key (as text) of ``modified_object``."""
        return _generic_link(modified_object)

    @classmethod
    def for_object(cls, modified_object: models.Model) -> models.QuerySet[Any]:
        """Return the rows of ``modified_object``, newest first."""
        return cls._default_manager.filter(**cls.link_values(modified_object))


class BaseLastTransitionLog(BaseTransitionLog):
    """Abstract log that keeps only the last transition of each object (one row each).

    .. versionadded:: 0.1
    """

    class Meta(BaseTransitionLog.Meta):
        """Abstract."""

        abstract = True

    @classmethod
    def log_transition(
        cls,
        transition: str,
        from_state: str,
        to_state: str,
        modified_object: models.Model,
        /,
        **kwargs: Any,
    ) -> BaseTransitionLog:
        """Create or update the object's row with this transition."""
        using = router.db_for_write(cls, instance=modified_object)
        row, _created = cls._default_manager.db_manager(using).update_or_create(
            **cls.link_values(modified_object),
            defaults={
                "transition": transition,
                "from_state": from_state,
                "to_state": to_state,
                "timestamp": timezone.now(),
                **cls.extra_values(kwargs),
            },
        )
        return row


class GenericLastTransitionLog(BaseLastTransitionLog):
    """Abstract last-transition log of any model (one row per object, generic key).

    .. versionadded:: 0.1
    """

    content_type: models.ForeignKey[ContentType, ContentType] = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id: models.CharField[str, str] = models.CharField(_("object id"), max_length=255)
    modified_object = GenericForeignKey("content_type", "object_id")

    class Meta(BaseLastTransitionLog.Meta):
        """Abstract; one row per object."""

        abstract = True
        constraints = (
            models.UniqueConstraint(
                fields=("content_type", "object_id"), name="%(app_label)s_%(class)s_object"
            ),
        )

    @classmethod
    def link_values(cls, modified_object: models.Model) -> dict[str, Any]:
        """Return the content type and the primary key (as text) of ``modified_object``."""
        return _generic_link(modified_object)

    @classmethod
    def for_object(cls, modified_object: models.Model) -> models.QuerySet[Any]:
        """Return the row of ``modified_object`` (empty before its first transition)."""
        return cls._default_manager.filter(**cls.link_values(modified_object))


def _generic_link(modified_object: models.Model) -> dict[str, Any]:
    model = _row_model(type(modified_object))
    using = modified_object._state.db
    types = ContentType.objects
    if using is not None and using != DEFAULT_DB_ALIAS:
        types = types.db_manager(using)
    return {
        "content_type": types.get_for_model(model),
        "object_id": str(modified_object.pk),
    }


def _row_model(model: type[models.Model]) -> type[models.Model]:
    """The model whose table owns the object's primary key: one log chain per row.

    Proxies resolve to their concrete model, and multi-table children to the parent
    whose primary key they share, so the rows of one object are found whichever of its
    classes ran the transition.
    """
    found = _ROW_MODELS.get(model)
    if found is None:
        found = cast("type[models.Model]", model._meta.concrete_model)
        pk = found._meta.pk
        while pk.remote_field is not None and getattr(pk.remote_field, "parent_link", False):
            found = cast("type[models.Model]", pk.remote_field.model._meta.concrete_model)
            pk = found._meta.pk
        _ROW_MODELS[model] = found
    return found


_ROW_MODELS: dict[type[models.Model], type[models.Model]] = {}
