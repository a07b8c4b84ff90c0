"""django_xworkflows' ``models`` module on statecore's Django adapter.

Everything a project imports from ``django_xworkflows.models`` is here. Where
statecore's own adapter differs, django_xworkflows' behaviour is kept:

- ``StateField`` (see `statecore_django.compat.django_xworkflows.fields`): a workflow
  class or instance, ``max_length`` at least 16, migrations holding
  ``_SerializedWorkflow``, ``None`` for the initial state, ``ValidationError`` for an
  invalid one, ``Model.state`` on the class giving the workflow;
- ``Workflow.log_model_class`` wins over ``log_model``; the default log is
  ``xworkflow_log.TransitionLog`` when that app is installed;
- the log models keep django_xworkflows' columns (an integer ``content_id``), options
  and table names, so existing tables and rows are used as they are;
- ``_workflows[field].workflow`` and ``obj.transition.hooks`` as in xworkflows.

statecore's own behaviour where it is stricter and costs a migrating project nothing:
every transition of a model runs in a database transaction (django_xworkflows' default
wrapper did not open one), and ``save``/``log`` are taken out of the call's keyword
arguments before the implementation runs.

Left out on purpose: ``WorkflowEnabledMeta`` (statecore binds without a metaclass) and
the ``rebuild_transitionlog_states`` command (it relied on APIs Django removed).

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import class_prepared
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from statecore.compat.xworkflows import base as xwbase
from statecore.compat.xworkflows.base import AbortTransition as AbortTransition
from statecore.compat.xworkflows.base import ForbiddenTransition as ForbiddenTransition
from statecore.compat.xworkflows.base import InvalidTransitionError as InvalidTransitionError
from statecore.compat.xworkflows.base import State as State
from statecore.compat.xworkflows.base import WorkflowError as WorkflowError
from statecore.compat.xworkflows.base import transition as transition
from statecore_django import models as _statecore_models

from .fields import StateField, StateFieldProperty, StateSelect, _SerializedWorkflow
from .workflow import DjangoImplementationWrapper, TransactionalImplementationWrapper, Workflow

__all__ = [
    "BaseLastTransitionLog",
    "BaseTransitionLog",
    "BaseWorkflowEnabled",
    "DjangoImplementationWrapper",
    "GenericLastTransitionLog",
    "GenericTransitionLog",
    "StateField",
    "StateFieldProperty",
    "StateSelect",
    "TransactionalImplementationWrapper",
    "Workflow",
    "WorkflowEnabled",
    "_SerializedWorkflow",
]


class BaseWorkflowEnabled(xwbase.WorkflowEnabled):
    """The mixin django_xworkflows' migrations name in a model's ``bases``.

    .. versionadded:: 0.1
    """


def _hide_renamed(sender: type[models.Model], **kwargs: Any) -> None:
    """Once the adapter bound a model's transitions, hide renamed ones as xworkflows does."""
    if issubclass(sender, BaseWorkflowEnabled):
        xwbase.hide_renamed(sender)


# Connected after the adapter's own receiver (its module is imported first), so it runs after.
class_prepared.connect(_hide_renamed, dispatch_uid="statecore_django.compat.django_xworkflows")


class WorkflowEnabled(BaseWorkflowEnabled, models.Model):
    """django_xworkflows' abstract base for models with a ``StateField``.

    .. versionadded:: 0.1
    """

    class Meta:
        """Abstract."""

        abstract = True


class BaseTransitionLog(_statecore_models.BaseTransitionLog):
    """django_xworkflows' abstract log: one row per transition, its options and ordering.

    ``log_transition`` takes the row's values as keyword arguments (the
    ``EXTRA_LOG_ATTRIBUTES`` already picked), as django_xworkflows' does.

    .. versionadded:: 0.1
    """

    MODIFIED_OBJECT_FIELD: ClassVar[str] = ""

    class Meta:
        """Abstract; django_xworkflows' ordering and names."""

        abstract = True
        ordering = ("-timestamp", "transition")
        verbose_name = _("XWorkflow transition log")
        verbose_name_plural = _("XWorkflow transition logs")

    def get_modified_object(self) -> Any:
        """Return the logged object (None when the model does not say where it is)."""
        if self.MODIFIED_OBJECT_FIELD:
            return getattr(self, self.MODIFIED_OBJECT_FIELD, None)
        return None

    @classmethod
    def log_transition(  # type: ignore[override]
        cls, transition: str, from_state: str, to_state: str, modified_object: Any, **kwargs: Any
    ) -> Any:
        """Create and return the row; ``kwargs`` are further field values."""
        values = {
            "transition": transition,
            "from_state": from_state,
            "to_state": to_state,
            **cls.link_values(modified_object),
            **kwargs,
        }
        return cls._default_manager.create(**values)

    def __str__(self) -> str:
        """The object, the states and the time, e.g. ``<Order: 1>: placed -> paid at ...``."""
        return (
            f"{self.get_modified_object()!r}: {self.from_state} -> {self.to_state} "
            f"at {self.timestamp.isoformat()}"
        )


class GenericTransitionLog(BaseTransitionLog):
    """django_xworkflows' generic log: an integer ``content_id`` and a content type.

    .. versionadded:: 0.1
    """

    MODIFIED_OBJECT_FIELD = "modified_object"

    content_type: models.ForeignKey[ContentType | None, ContentType | None] = models.ForeignKey(
        ContentType,
        verbose_name=_("Content type"),
        blank=True,
        null=True,
        on_delete=models.CASCADE,
    )
    content_id: models.PositiveIntegerField[int | None, int | None] = models.PositiveIntegerField(
        _("Content id"), blank=True, null=True, db_index=True
    )
    modified_object = GenericForeignKey(ct_field="content_type", fk_field="content_id")

    class Meta(BaseTransitionLog.Meta):
        """Abstract."""

        abstract = True

    @classmethod
    def link_values(cls, modified_object: Any) -> dict[str, Any]:
        """Return the content type and the integer primary key of ``modified_object``."""
        return {
            "content_type": ContentType.objects.get_for_model(type(modified_object)),
            "content_id": modified_object.pk,
        }


class BaseLastTransitionLog(BaseTransitionLog):
    """django_xworkflows' log of the last transition only: one row per object, updated.

    .. versionadded:: 0.1
    """

    class Meta:
        """Abstract; django_xworkflows' names, and no ordering (as there)."""

        abstract = True
        verbose_name = _("XWorkflow last transition log")
        verbose_name_plural = _("XWorkflow last transition logs")

    @classmethod
    def log_transition(  # type: ignore[override]
        cls, transition: str, from_state: str, to_state: str, modified_object: Any, **kwargs: Any
    ) -> Any:
        """Create the object's row, or update it with this transition and the time."""
        row, _created = cls._default_manager.update_or_create(
            **cls.link_values(modified_object),
            defaults={
                "transition": transition,
                "from_state": from_state,
                "to_state": to_state,
                "timestamp": timezone.now(),
                **kwargs,
            },
        )
        return row


class GenericLastTransitionLog(BaseLastTransitionLog):
    """django_xworkflows' generic last-transition log (unique per content type and id).

    .. versionadded:: 0.1
    """

    MODIFIED_OBJECT_FIELD = "modified_object"

    content_type: models.ForeignKey[ContentType | None, ContentType | None] = models.ForeignKey(
        ContentType,
        verbose_name=_("Content type"),
        related_name="last_transition_logs",
        blank=True,
        null=True,
        on_delete=models.CASCADE,
    )
    content_id: models.PositiveIntegerField[int | None, int | None] = models.PositiveIntegerField(
        _("Content id"), blank=True, null=True, db_index=True
    )
    modified_object = GenericForeignKey(ct_field="content_type", fk_field="content_id")

    class Meta:
        """Abstract; one row per object."""

        abstract = True
        verbose_name = _("XWorkflow last transition log")
        verbose_name_plural = _("XWorkflow last transition logs")
        unique_together = ("content_type", "content_id")

    link_values = GenericTransitionLog.link_values
