"""`StateSerializerField`: a state field as a REST API reads it and refuses to write it.

It reads as the state's name. When the client asks (``?state_detail=1``), or the field
is built with ``detail=True``, it reads as an object with the state's ``name`` and
``title`` and the ``transitions`` that leave it, each saying whether the requesting user
may run it now and, if not, why.

Writing a state is refused with a 400 that names the transitions to use, except a value
equal to the current state (a client sending back what it read), which changes nothing.
Only when the model's field is not ``protected`` and the view sets
``allow_state_assignment = True`` may a client assign a state directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

import statecore
from statecore.binding import state_descriptors
from statecore.errors import describe, names

__all__ = ["StateSerializerField"]

#: The refusal of a state written directly (``{object}``, ``{state}``, ``{available}``).
TRANSITIONS_ONLY = _(
    "The state of {object} changes only through its transitions: POST to "
    "transitions/<name>/ (from {state!r}: {available})."
)


def state_change_refusal(workflow: statecore.Workflow, instance: Any, current: str) -> str:
    """The message refusing a direct write of the state of ``instance`` (in ``current``)."""
    available = type(workflow).transitions.available_from(current)
    what = describe(instance) if instance is not None else "a new object"
    return str(TRANSITIONS_ONLY).format(object=what, state=current, available=names(available))


class _Read(NamedTuple):
    """What `StateSerializerField.get_attribute` hands to ``to_representation``."""

    instance: Any
    state: Any


class StateSerializerField(serializers.Field):  # type: ignore[type-arg]
    """The serializer field of a state field (`WorkflowModelSerializer` builds it).

    Args:
        workflow: the workflow object of the model's state field; found on the
            serializer's ``Meta.model`` when not given.
        detail: True to always read as an object (name, title, transitions), False to
            always read as the name; None (the default) to read as an object when the
            request's query string has ``state_detail`` set to ``1`` or ``true``.
        **kwargs: the options of a DRF field (``read_only``, ``label``, ...).

    Attributes:
        detail_param: the query parameter that asks for the object form.

    .. versionadded:: 0.1
    """

    detail_param = "state_detail"
    default_error_messages = {  # noqa: RUF012 - DRF merges this class attribute
        "invalid_state": _("{value!r} is not a state of {workflow}; states: {states}."),
        "not_a_name": _("A state is given by its name, a string; got {type}."),
    }

    def __init__(
        self,
        *,
        workflow: statecore.Workflow | None = None,
        detail: bool | None = None,
        **kwargs: Any,
    ) -> None:
        self.workflow = workflow
        self.detail = detail
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        """Find the workflow on the parent serializer's model when it was not given."""
        super().bind(field_name, parent)
        if self.workflow is None:
            model = getattr(getattr(parent, "Meta", None), "model", None)
            descriptor = state_descriptors(model).get(str(self.source)) if model else None
            if descriptor is None:
                msg = (
                    f"StateSerializerField {field_name!r} of {type(parent).__name__}: "
                    f"{self.source!r} is not a state field of the serializer's Meta.model; "
                    f"give workflow= (the model field's .workflow)"
                )
                raise TypeError(msg)
            self.workflow = descriptor.workflow

    # -- reading ------------------------------------------------------------------------

    def get_attribute(self, instance: Any) -> Any:
        """Return the object with its state: the object form lists its transitions."""
        return _Read(instance, super().get_attribute(instance))

    def to_representation(self, value: Any) -> Any:
        """The state's name, or (detail) its name, title and transitions for this user."""
        instance, state = value if isinstance(value, _Read) else (None, value)
        name = getattr(state, "name", state)
        if instance is None or not self._wants_detail():
            return name
        from .serializers import describe_transitions

        target = instance
        context: Mapping[str, Any] | None = None
        view = self.context.get("view")
        if view is not None and hasattr(view, "get_transition_target"):
            target = view.get_transition_target(instance)
            context = view.get_transition_context(self.context.get("request"), instance)
        with statecore.expression_context(context):
            transitions = describe_transitions(target, _user(self.context), field=self.source)
        return {
            "name": name,
            "title": str(getattr(state, "title", name)),
            "transitions": transitions,
        }

    def _wants_detail(self) -> bool:
        if self.detail is not None:
            return self.detail
        request = self.context.get("request")
        params = getattr(request, "query_params", None)
        if params is None:
            return False
        return str(params.get(self.detail_param, "")).lower() in ("1", "true", "yes")

    # -- writing ------------------------------------------------------------------------

    def run_validation(self, data: Any = empty) -> Any:
        """Refuse a state change; skip a value equal to the current state.

        Raises:
            SkipField: the value is the current state (nothing to write).
            ValidationError: a different state, unless assignment is allowed (then an
                unknown state name is refused).
        """
        if data is empty or self.read_only:
            return super().run_validation(data)
        if not isinstance(data, str):
            self.fail("not_a_name", type=type(data).__name__)
        workflow = self.workflow
        assert workflow is not None  # set by bind()
        instance = getattr(self.parent, "instance", None)
        current = self._current(instance)
        if data == current:
            raise SkipField
        if workflow.protected or not getattr(
            self.context.get("view"), "allow_state_assignment", False
        ):
            raise serializers.ValidationError(
                state_change_refusal(workflow, instance, current), code="transitions_only"
            )
        if data not in type(workflow).states:
            self.fail(
                "invalid_state",
                value=data,
                workflow=type(workflow).__qualname__,
                states=names(type(workflow).states),
            )
        return data

    def to_internal_value(self, data: Any) -> Any:
        """The state name (checked by `run_validation`)."""
        return data

    def _current(self, instance: Any) -> str:
        """The state ``instance`` is in (the initial state for a new object)."""
        workflow = self.workflow
        assert workflow is not None
        if instance is not None and not isinstance(instance, (list, tuple)):
            state = getattr(instance, str(self.source), None)
            if state is not None:
                return str(getattr(state, "name", state))
        return str(type(workflow).initial_state.name)


def _user(context: Mapping[str, Any]) -> Any:
    """The requesting user of a serializer context (anonymous when unauthenticated)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None and request is not None:
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return user
