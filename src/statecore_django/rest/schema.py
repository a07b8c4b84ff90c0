"""OpenAPI with drf-spectacular: each transition action with its input and its answers.

Importing this module (`statecore_django.rest.views` does when drf-spectacular is
installed) registers `TransitionViewSetExtension`. For a ViewSet with
`TransitionViewSetMixin`, the schema then shows one ``POST .../transitions/<name>/``
operation per transition of `TransitionViewSetMixin.schema_transitions`, with the
transition's input serializer as request body, the ViewSet's serializer as the 200
response and `TransitionErrorSerializer` for 400, 403, 404, 409 and 422; and the listing
``GET .../transitions/`` as a list of `AvailableTransitionSerializer`. The generic
``transitions/{transition_name}/`` route is left out when the ViewSet lists transitions;
otherwise (workflows known at run time only) it is shown with the name as a string path
parameter, a JSON object as the optional input and the same answers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension, OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from .serializers import AvailableTransitionSerializer, TransitionErrorSerializer
from .views import _ACTION_PREFIX

__all__ = ["StateSerializerFieldExtension", "TransitionViewSetExtension"]

_REFUSALS = {
    400: "invalid input (the transition's input serializer)",
    403: "the user may not run this transition",
    404: "no such object, or no such transition",
    409: "not available from the current state, or the state changed meanwhile",
    422: "a condition or check hook refused it (every reason listed)",
}


class TransitionViewSetExtension(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    """Describe the transition actions of every ViewSet using `TransitionViewSetMixin`.

    .. versionadded:: 0.1
    """

    target_class = "statecore_django.rest.views.TransitionViewSetMixin"
    match_subclasses = True

    def view_replacement(self) -> type[Any]:
        """Return a subclass of the ViewSet whose transition actions carry schemas."""
        view: Any = self.target
        probe = view()
        attributes: dict[str, Any] = {}
        transitions = view.schema_transitions()
        serializer = getattr(view, "serializer_class", None)
        for transition in transitions:
            name = f"{_ACTION_PREFIX}{transition.name}"
            request = probe.get_transition_serializer_class(transition)
            responses: dict[int, Any] = {
                code: OpenApiResponse(TransitionErrorSerializer, description=text)
                for code, text in _REFUSALS.items()
                if code != 400 or request is not None
            }
            if serializer is not None:
                responses[200] = OpenApiResponse(serializer, description="the object, moved")
            attributes[name] = extend_schema(
                operation_id=f"{_operation_prefix(view)}_{transition.name}",
                summary=str(transition.label),
                description=str(transition.description) or None,
                request=request,
                responses=responses,
            )(_delegate(name))
        generic: dict[int, Any] = {
            code: OpenApiResponse(TransitionErrorSerializer, description=text)
            for code, text in _REFUSALS.items()
        }
        if serializer is not None:
            generic[200] = OpenApiResponse(serializer, description="the object, moved")
        attributes["transition"] = extend_schema(
            exclude=bool(transitions),
            operation_id=f"{_operation_prefix(view)}",
            summary="Run a transition",
            parameters=[
                OpenApiParameter(
                    "transition_name",
                    OpenApiTypes.STR,
                    OpenApiParameter.PATH,
                    description="the transition's name (see the transitions listing)",
                )
            ],
            request=OpenApiTypes.OBJECT,
            responses=generic,
        )(_delegate("transition"))
        attributes["transitions"] = extend_schema(
            summary="Transitions from the current state",
            responses={200: AvailableTransitionSerializer(many=True)},
        )(_delegate("transitions"))
        return type(view.__name__, (view,), attributes)


def _operation_prefix(view: Any) -> str:
    """``order_transition`` for a ViewSet of model ``Order``."""
    model = getattr(getattr(view, "queryset", None), "model", None)
    base = model._meta.model_name if model is not None else view.__name__.lower()
    return f"{base}_transition"


def _delegate(name: str) -> Any:
    """A fresh method calling the parent class's ``name`` (to carry its own schema)."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(super(type(self), self), name)(*args, **kwargs)

    method.__name__ = name
    return method


class StateSerializerFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Describe a `StateSerializerField`: one of the workflow's state names.

    .. versionadded:: 0.1
    """

    target_class = "statecore_django.rest.fields.StateSerializerField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        """A string enum of the state names (the object form is asked for per request)."""
        field: Any = self.target
        workflow = field.workflow
        schema: dict[str, Any] = {"type": "string"}
        if workflow is not None:
            schema["enum"] = [state.name for state in type(workflow).states]
        schema["description"] = (
            "The state's name. Changed through the transition endpoints; "
            f"?{field.detail_param}=1 reads it as an object with its title and transitions."
        )
        return schema
