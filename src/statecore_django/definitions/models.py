"""Models of database-defined workflows: definitions, their versions, and running instances.

A definition is edited freely (in the admin, or by importing JSON); `publish` (in
`statecore_django.definitions.versions`) freezes it into the next
`DefinitionVersion`, whose ``data`` is the workflow in statecore's data schema. An
instance runs the version it started with until it ends, whatever is published later.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

__all__ = [
    "DefinitionVersion",
    "Status",
    "Step",
    "Transition",
    "WorkflowDefinition",
    "WorkflowInstance",
]


class WorkflowDefinition(models.Model):
    """A workflow as data: steps, statuses and transitions, edited in the admin.

    .. versionadded:: 0.1
    """

    name: models.CharField[str, str] = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("A Python identifier, e.g. claim_processing: the key of the definition."),
    )
    title: models.CharField[str, str] = models.CharField(
        _("title"), max_length=200, blank=True, default=""
    )
    description: models.TextField[str, str] = models.TextField(
        _("description"), blank=True, default=""
    )
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("updated at"), auto_now=True
    )

    if TYPE_CHECKING:
        steps: RelatedManager[Step]
        statuses: RelatedManager[Status]
        transitions: RelatedManager[Transition]
        versions: RelatedManager[DefinitionVersion]

    class Meta:
        """Table options."""

        verbose_name = _("workflow definition")
        verbose_name_plural = _("workflow definitions")
        ordering = ("name",)

    def __str__(self) -> str:
        return str(self.title or self.name)


class Step(models.Model):
    """A step of a definition: a state of its workflow, with a kind.

    Kinds are statecore's state kinds: one ``initial`` step; ``final`` steps end the
    workflow; an ``on_hold`` step enables hold/resume and a ``cancellation`` step
    enables cancel.

    .. versionadded:: 0.1
    """

    KINDS = (
        ("normal", _("normal")),
        ("initial", _("initial")),
        ("final", _("final")),
        ("on_hold", _("on hold")),
        ("cancellation", _("cancellation")),
    )

    definition: models.ForeignKey[WorkflowDefinition, WorkflowDefinition] = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="steps"
    )
    name: models.CharField[str, str] = models.CharField(_("name"), max_length=100)
    title: models.CharField[str, str] = models.CharField(
        _("title"), max_length=200, blank=True, default=""
    )
    kind: models.CharField[str, str] = models.CharField(
        _("kind"), max_length=20, choices=KINDS, default="normal"
    )
    position: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("position"), default=0
    )

    if TYPE_CHECKING:
        definition_id: int

    class Meta:
        """Table options."""

        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ("position", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("definition", "name"), name="statecore_definitions_step_unique"
            ),
        )

    def __str__(self) -> str:
        return str(self.title or self.name)


class Status(models.Model):
    """A status an instance may have while at a step.

    Kinds: ``default`` (the status on entering the step; one per step), ``completion``
    (setting it moves the instance on: the highest-priority transition whose condition
    holds), ``normal`` (anything else).

    .. versionadded:: 0.1
    """

    KINDS = (
        ("normal", _("normal")),
        ("default", _("default")),
        ("completion", _("completion")),
    )

    definition: models.ForeignKey[WorkflowDefinition, WorkflowDefinition] = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="statuses"
    )
    step: models.ForeignKey[Step, Step] = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="statuses"
    )
    name: models.CharField[str, str] = models.CharField(_("name"), max_length=100)
    title: models.CharField[str, str] = models.CharField(
        _("title"), max_length=200, blank=True, default=""
    )
    kind: models.CharField[str, str] = models.CharField(
        _("kind"), max_length=20, choices=KINDS, default="normal"
    )
    position: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("position"), default=0
    )

    if TYPE_CHECKING:
        definition_id: int
        step_id: int

    class Meta:
        """Table options."""

        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ("position", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("step", "name"), name="statecore_definitions_status_unique"
            ),
        )

    def __str__(self) -> str:
        return str(self.title or self.name)


class Transition(models.Model):
    """A transition between two steps, with an optional CEL condition and a priority.

    .. versionadded:: 0.1
    """

    definition: models.ForeignKey[WorkflowDefinition, WorkflowDefinition] = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="transitions"
    )
    name: models.CharField[str, str] = models.CharField(_("name"), max_length=100)
    source: models.ForeignKey[Step, Step] = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("from step")
    )
    target: models.ForeignKey[Step, Step] = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("to step")
    )
    condition: models.TextField[str, str] = models.TextField(
        _("condition"),
        blank=True,
        default="",
        help_text=_("A CEL expression over the context data, e.g. claim.amount > 10000."),
    )
    priority: models.IntegerField[int, int] = models.IntegerField(
        _("priority"), default=0, help_text=_("Higher runs first when several conditions hold.")
    )
    label: models.CharField[str, str] = models.CharField(
        _("label"), max_length=200, blank=True, default=""
    )
    position: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("position"), default=0
    )

    if TYPE_CHECKING:
        definition_id: int
        source_id: int
        target_id: int

    class Meta:
        """Table options."""

        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ("position", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("definition", "name"), name="statecore_definitions_transition_unique"
            ),
        )

    def __str__(self) -> str:
        return str(self.label or self.name)


class DefinitionVersion(models.Model):
    """A published, frozen version of a definition: the workflow in statecore's schema.

    Versions are never changed: a process compiles each one once and keeps it.

    .. versionadded:: 0.1
    """

    definition: models.ForeignKey[WorkflowDefinition, WorkflowDefinition] = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="versions"
    )
    number: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(_("number"))
    data: models.JSONField[Any, Any] = models.JSONField(_("data"))
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    if TYPE_CHECKING:
        definition_id: int

    class Meta:
        """Table options."""

        verbose_name = _("definition version")
        verbose_name_plural = _("definition versions")
        ordering = ("definition", "-number")
        get_latest_by = "number"
        constraints = (
            models.UniqueConstraint(
                fields=("definition", "number"), name="statecore_definitions_version_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.definition.name} v{self.number}"


class WorkflowInstance(models.Model):
    """One object's run through one version of a definition.

    ``step`` and ``status`` change only through the service functions of
    `statecore_django.definitions.services` (each one transaction, with optimistic
    locking); each step change writes a row of the transition log.

    .. versionadded:: 0.1
    """

    definition: models.ForeignKey[WorkflowDefinition, WorkflowDefinition] = models.ForeignKey(
        WorkflowDefinition, on_delete=models.PROTECT, related_name="instances"
    )
    version: models.ForeignKey[DefinitionVersion, DefinitionVersion] = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="instances"
    )
    content_type: models.ForeignKey[ContentType, ContentType] = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id: models.CharField[str, str] = models.CharField(_("object id"), max_length=255)
    content_object = GenericForeignKey("content_type", "object_id")
    step: models.CharField[str, str] = models.CharField(_("step"), max_length=100)
    step_held_from: models.CharField[str, str] = models.CharField(
        _("held from step"), max_length=100, blank=True, default=""
    )
    status: models.CharField[str, str] = models.CharField(
        _("status"), max_length=100, blank=True, default=""
    )
    started_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("started at"), default=timezone.now
    )
    completed_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("completed at"), null=True, blank=True
    )
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("updated at"), auto_now=True
    )

    if TYPE_CHECKING:
        definition_id: int
        version_id: int
        content_type_id: int

    class Meta:
        """Table options."""

        verbose_name = _("workflow instance")
        verbose_name_plural = _("workflow instances")
        ordering = ("-started_at", "-id")
        indexes = (models.Index(fields=("content_type", "object_id")),)
        constraints = (
            models.UniqueConstraint(
                fields=("definition", "content_type", "object_id"),
                name="statecore_definitions_instance_unique",
            ),
        )

    def __str__(self) -> str:
        about = f"{self.content_type.model} {self.object_id}"
        return f"{self.definition.name} #{self.pk} ({about}) at {self.step}"

    @property
    def is_completed(self) -> bool:
        """True once the instance reached a final step (completed or cancelled)."""
        return self.completed_at is not None

    def history(self) -> models.QuerySet[Any]:
        """Return the transition log rows of this instance, oldest first.

        Uses the log model of ``STATECORE_LOG_MODEL``; an empty queryset when none is set.
        """
        from django.apps import apps

        from statecore_django import conf

        label: Any = conf.log_model_label()
        if not label:
            return WorkflowInstance.objects.none()
        model: Any = apps.get_model(label) if isinstance(label, str) else label
        rows: models.QuerySet[Any] = model.for_object(self).order_by("pk")
        return rows
