"""Serializers: a `ModelSerializer` that maps every state field to `StateSerializerField`.

Also the serializers that describe the transition endpoints' answers (for clients and
for the OpenAPI schema), and `describe_transitions`, which builds the listing of the
transitions a user may run now, each with the reasons of a refusal.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

import statecore
from statecore.binding import state_descriptors
from statecore.holding import memory_attribute

from ..admin_mixins import _explain
from ..fields import StateFieldDescriptor
from .fields import StateSerializerField

__all__ = [
    "AvailableTransitionSerializer",
    "TransitionErrorSerializer",
    "WorkflowModelSerializer",
    "WorkflowSerializerMixin",
    "describe_transitions",
]


def describe_transitions(
    target: object, user: Any = None, *, field: str | None = None
) -> list[dict[str, Any]]:
    """List the transitions that leave the current state of ``target``, for ``user``.

    Every transition whose source is the current state is listed, available or not, in
    definition order; an unavailable one carries every reason (an unmet condition, a
    refusing check hook, the missing permission), so a client can grey a button out and
    say why.

    Args:
        target: a model instance, or any object carrying a workflow (a flow class).
        user: the requesting user; None skips the permission check.
        field: only the transitions of this state attribute.

    Returns:
        One dict per transition: ``name``, ``label``, ``description``, ``field``,
        ``available`` and ``reasons`` (dicts of ``kind``, ``name``, ``message``).

    .. versionadded:: 0.1
    """
    listed = []
    for name, descriptor in state_descriptors(type(target)).items():
        if field is not None and name != field:
            continue
        current = descriptor.raw(target)
        for declared in type(descriptor.workflow).transitions.available_from(current):
            wrapper = statecore.get_transition(target, declared.name, field=name)
            availability = _explain(wrapper, user)
            listed.append(
                {
                    "name": declared.name,
                    "label": str(declared.label),
                    "description": str(declared.description),
                    "field": name,
                    "available": availability.available,
                    "reasons": [
                        {"kind": reason.kind, "name": reason.name, "message": reason.message}
                        for reason in availability.reasons
                    ],
                }
            )
    return listed


class ReasonSerializer(serializers.Serializer[Any]):
    """Why a transition is not available (a `statecore.Reason`)."""

    kind = serializers.CharField(help_text="state, condition, check or permission")
    name = serializers.CharField(help_text="the guard, hook, state or permission")
    message = serializers.CharField()


class AvailableTransitionSerializer(serializers.Serializer[Any]):
    """One transition from the current state, as the listing endpoint returns it.

    .. versionadded:: 0.1
    """

    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField(allow_blank=True)
    field = serializers.CharField(help_text="the state field the transition moves")
    available = serializers.BooleanField(help_text="whether this user may run it now")
    reasons = ReasonSerializer(many=True, help_text="why not, when it is not available")


class TransitionErrorSerializer(serializers.Serializer[Any]):
    """The body of a refused transition (403, 404, 409, 422), for clients and schemas.

    .. versionadded:: 0.1
    """

    detail = serializers.CharField(help_text="what happened and what to do")
    code = serializers.CharField(
        help_text="unknown_transition, permission_denied, not_available, "
        "concurrent_transition, forbidden or aborted"
    )
    transition = serializers.CharField(allow_null=True)
    state = serializers.CharField(required=False, help_text="the object's current state")
    available = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="the transitions that leave the current state (409 not_available)",
    )
    reasons = ReasonSerializer(many=True, required=False, help_text="every refusing guard")


#: Options of a writable field that a read-only one refuses.
_WRITE_ONLY_OPTIONS = frozenset(
    {"required", "default", "allow_blank", "allow_null", "max_length", "min_length", "validators"}
)


def _is_memory_column(field_name: str, model_class: Any) -> bool:
    """Tell whether ``field_name`` is a ``<state field>_held_from`` column of the model."""
    return any(field_name == memory_attribute(name) for name in state_descriptors(model_class))


class WorkflowSerializerMixin:
    """Mix into a `ModelSerializer`: every state field becomes a `StateSerializerField`.

    DRF would map a state field to a ``ChoiceField`` (or a primary key field), through
    which a client could write any state. A ``<state field>_held_from`` column (where
    ``hold`` remembers the state ``resume`` returns to) is read-only for the same
    reason. Fields declared explicitly, and
    ``Meta.read_only_fields`` / ``extra_kwargs``, are honoured as usual.

    Attributes:
        state_field_class: the serializer field built for state fields.

    .. versionadded:: 0.1
    """

    state_field_class: type[StateSerializerField] = StateSerializerField

    def build_field(
        self, field_name: str, info: Any, model_class: Any, nested_depth: int
    ) -> tuple[type[serializers.Field[Any, Any, Any, Any]], dict[str, Any]]:
        """Build a `StateSerializerField` for a state field, else what DRF builds."""
        descriptor = state_descriptors(model_class).get(field_name)
        if isinstance(descriptor, StateFieldDescriptor):
            model_field = descriptor.field
            kwargs: dict[str, Any] = {"workflow": descriptor.workflow, "required": False}
            kwargs["label"] = str(model_field.verbose_name).capitalize()
            if model_field.help_text:
                kwargs["help_text"] = model_field.help_text
            return self.state_field_class, kwargs
        built_field, built_kwargs = super().build_field(  # type: ignore[misc]
            field_name, info, model_class, nested_depth
        )
        if _is_memory_column(field_name, model_class):
            built_kwargs = {
                key: value for key, value in built_kwargs.items() if key not in _WRITE_ONLY_OPTIONS
            }
            built_kwargs["read_only"] = True
        built: tuple[type[serializers.Field[Any, Any, Any, Any]], dict[str, Any]] = (
            built_field,
            built_kwargs,
        )
        return built


class WorkflowModelSerializer(WorkflowSerializerMixin, serializers.ModelSerializer[Any]):
    """A `ModelSerializer` whose state fields are `StateSerializerField` s.

    .. versionadded:: 0.1
    """
