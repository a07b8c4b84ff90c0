"""Service functions that run database-defined workflows on objects of any model.

Each function is one transaction; a step change is a statecore transition of the
instance's compiled workflow (`statecore_django.definitions.compiler`), under optimistic
locking: a copy of the instance that another process changed meanwhile is refused with
`statecore.ConcurrentTransition`, and nothing is written. Step changes are recorded in
the transition log (``STATECORE_LOG_MODEL``) for the instance.

- `start`: a new instance for an object, at the initial step of the latest version;
- `update_status`: set the status; a completion status moves the instance on, by the
  highest-priority transition whose condition holds for the context data;
- `advance`: move on without setting a status;
- `hold`, `resume`, `cancel`: through the steps of kind ``on_hold`` and ``cancellation``;
- `instance_for`: the instance of an object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

import statecore
from statecore.errors import describe
from statecore_django import persistence

from .compiler import InstanceFlow, compiled
from .errors import AlreadyStarted, InstanceEnded, NotPublished, UnknownStatus
from .models import WorkflowDefinition, WorkflowInstance
from .versions import current_version

__all__ = [
    "advance",
    "cancel",
    "flow",
    "hold",
    "instance_for",
    "resume",
    "start",
    "update_status",
]


def flow(instance: WorkflowInstance) -> InstanceFlow:
    """Return the flow object that runs ``instance``'s version on it (no query once compiled).

    .. versionadded:: 0.1
    """
    return compiled(instance.version_id).flow(instance)


def start(
    definition: str | WorkflowDefinition, obj: models.Model, *, user: Any = None
) -> WorkflowInstance:
    """Start the latest published version of a definition for ``obj``.

    The instance is at the initial step, with its default status.

    Args:
        definition: the definition or its name.
        obj: a saved model object (integer, UUID or string primary key).
        user: recorded nowhere yet; accepted for symmetry with the other services.

    Raises:
        NotPublished: no such definition, or it has no published version.
        AlreadyStarted: ``obj`` already has an instance of the definition.

    .. versionadded:: 0.1
    """
    name = definition if isinstance(definition, str) else definition.name
    version = current_version(name)
    if version is None:
        msg = (
            f"workflow definition {name!r} does not exist or has no published version; "
            f"publish it (statecore_django.definitions.versions.publish, or save it in the admin)"
        )
        raise NotPublished(msg, definition=name)
    if obj.pk is None:
        msg = f"{describe(obj)} is not saved; save it before starting workflow {name!r}"
        raise ValueError(msg)
    workflow = compiled(version)
    initial: str = workflow.workflow.initial_state.name
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        existing = WorkflowInstance.objects.filter(
            definition_id=version.definition_id, content_type=content_type, object_id=str(obj.pk)
        ).first()
        if existing is not None:
            msg = (
                f"{describe(obj)} already runs workflow {name!r} (instance #{existing.pk}, at "
                f"step {existing.step!r}); use instance_for() to get it"
            )
            raise AlreadyStarted(msg, instance=existing)
        instance = WorkflowInstance(
            definition_id=version.definition_id,
            version=version,
            content_type=content_type,
            object_id=str(obj.pk),
            step=initial,
            status=workflow.defaults.get(initial, ""),
            started_at=timezone.now(),
        )
        instance.save(force_insert=True)
    return instance


def instance_for(
    obj: models.Model, definition: str | WorkflowDefinition | None = None
) -> WorkflowInstance | None:
    """Return the instance of ``obj`` (of ``definition`` when given), or None.

    Without ``definition``, the most recently started one.

    .. versionadded:: 0.1
    """
    rows = WorkflowInstance.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )
    if isinstance(definition, str):
        rows = rows.filter(definition__name=definition)
    elif definition is not None:
        rows = rows.filter(definition=definition)
    return rows.order_by("-started_at", "-pk").first()


def update_status(
    instance: WorkflowInstance,
    status: str,
    context: Mapping[str, Any] | None = None,
    *,
    user: Any = None,
) -> WorkflowInstance:
    """Set the status of the instance's step; a completion status moves it on.

    With a completion status at a step that transitions leave, the highest-priority
    transition whose condition holds for ``context`` runs (the instance then has the
    new step's default status; entering a final step stamps ``completed_at``). With
    another status, or at a step no transition leaves, only the status changes (the
    statuses of a final step still record what happens there). Either way: one
    transaction, at most the instance's UPDATE and the log row.

    Args:
        instance: the instance (its step and status as loaded are the UPDATE's condition).
        status: a status name of the current step.
        context: the context data the transitions' CEL conditions read.
        user: the acting user (recorded in the log row, checked against permissions).

    Raises:
        UnknownStatus: the current step has no such status.
        NoTransitionAvailable: a completion status, and no condition holds (nothing written).
        ConcurrentTransition: another process changed the instance meanwhile.

    .. versionadded:: 0.1
    """
    runner = flow(instance)
    definition = runner.compiled
    step = instance.step
    kinds = definition.statuses.get(step, {})
    if status not in kinds:
        msg = (
            f"step {step!r} of workflow instance #{instance.pk} has no status {status!r}; "
            f"its statuses: {', '.join(kinds) or 'none'}"
        )
        raise UnknownStatus(msg, status=status, step=step, instance=instance)
    leaving = definition.workflow.transitions.available_from(step)
    if kinds[status] == "completion" and leaving:
        statecore.advance(runner, dict(context or {}), user=user)
        return instance
    _set_status(instance, status)
    return instance


def advance(
    instance: WorkflowInstance, context: Mapping[str, Any] | None = None, *, user: Any = None
) -> statecore.Transition:
    """Run the highest-priority transition whose condition holds for ``context``.

    Returns:
        The transition that ran.

    Raises:
        InstanceEnded: the instance is at a final step.
        NoTransitionAvailable: none holds; its message names each candidate and why.
        ConcurrentTransition: another process changed the instance meanwhile.

    .. versionadded:: 0.1
    """
    if instance.step in flow(instance).compiled.final:
        raise _ended(instance)
    return statecore.advance(flow(instance), dict(context or {}), user=user)


def hold(instance: WorkflowInstance, *, user: Any = None) -> WorkflowInstance:
    """Put the instance on hold (its ``on_hold`` step), remembering where it was.

    .. versionadded:: 0.1
    """
    statecore.hold(flow(instance), user=user)
    return instance


def resume(instance: WorkflowInstance, *, user: Any = None) -> WorkflowInstance:
    """Return a held instance to the step it was held at, with that step's default status.

    .. versionadded:: 0.1
    """
    statecore.resume(flow(instance), user=user)
    return instance


def cancel(instance: WorkflowInstance, *, user: Any = None) -> WorkflowInstance:
    """Move the instance to its ``cancellation`` step from any step that is not final.

    .. versionadded:: 0.1
    """
    statecore.cancel(flow(instance), user=user)
    return instance


def _set_status(instance: WorkflowInstance, status: str) -> None:
    """One UPDATE of the status, conditional on the step and status as loaded."""
    values: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    updated = WorkflowInstance.objects.filter(
        pk=instance.pk, step=instance.step, status=instance.status
    ).update(**values)
    if not updated:
        found = (
            WorkflowInstance.objects.filter(pk=instance.pk).values_list("step", "status").first()
        )
        actual = "deleted" if found is None else f"at step {found[0]!r}, status {found[1]!r}"
        msg = (
            f"workflow instance #{instance.pk} was at step {instance.step!r}, status "
            f"{instance.status!r} in memory but the database holds it {actual}; status "
            f"{status!r} was not set: reload it (refresh_from_db()) and decide again"
        )
        raise statecore.ConcurrentTransition(
            msg,
            transition=None,
            instance=instance,
            expected=instance.step,
            actual=None if found is None else found[0],
        )
    for name, value in values.items():
        setattr(instance, name, value)
    persistence.remember(instance, list(values))


def _ended(instance: WorkflowInstance) -> InstanceEnded:
    msg = (
        f"workflow instance #{instance.pk} ended at step {instance.step!r}, a final step; "
        f"start a new one to run the workflow again"
    )
    return InstanceEnded(msg, instance=instance)
