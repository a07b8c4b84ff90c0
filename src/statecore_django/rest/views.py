"""`TransitionViewSetMixin`: a model's transitions as actions of a DRF ViewSet.

Mixed into a ``GenericViewSet`` (a ``ModelViewSet``, say) registered on a router, it adds:

- ``POST {prefix}/{pk}/transitions/{name}/``: run transition ``name`` as the requesting
  user, with the validated data of the transition's input serializer as keyword
  arguments; answers 200 with the object, or a refusal (see `statecore_django.rest.errors`);
- ``GET {prefix}/{pk}/transitions/``: the transitions from the current state, each saying
  whether the user may run it now and, if not, why.

The transition runs on ``get_transition_target(obj)``: the model instance by default,
any object carrying a workflow (a flow class wrapping the instance) when overridden.
Expression conditions see the context data of ``get_transition_context(request, obj)``.

DRF's views are synchronous; a transition with ``async def`` hooks, guards or
permission is awaited from the view through ``async_to_sync``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

import statecore
from statecore.binding import state_descriptors
from statecore.holding import memory_attribute

from ..admin_mixins import _input_arguments, _perform
from ..flows import FlowStateDescriptor
from .errors import refusal
from .fields import _user, state_change_refusal
from .serializers import describe_transitions

__all__ = ["TransitionViewSetMixin"]

#: Prefix of the per-transition actions the mixin adds to a ViewSet class.
_ACTION_PREFIX = "transition_"


class TransitionViewSetMixin:
    """Put before ``ModelViewSet`` (or any ``GenericViewSet``) in a ViewSet's bases.

    Attributes:
        transition_serializers: input serializer class per transition name. A transition
            not listed here uses its ``custom["serializer"]`` if it declares one, else
            takes no input.
        transition_field: the state field whose transitions are exposed; None for all.
        flow_class: a flow class (`statecore_django.Flow`) whose constructor takes the
            model instance: the transitions then run on ``flow_class(obj)``, the routes
            and the schema list the flow's transitions, and the model fields holding its
            states are refused to direct writes as state fields are. None (the default):
            the model's own state fields.
        allow_state_assignment: let `StateSerializerField` accept a new state written
            directly (PUT/PATCH), for model fields that are not ``protected``. Default
            False: a state changes only through the transition endpoints.

    .. versionadded:: 0.1
    """

    transition_serializers: ClassVar[Mapping[str, type[BaseSerializer[Any]]]] = {}
    transition_field: ClassVar[str | None] = None
    flow_class: ClassVar[type[Any] | None] = None
    allow_state_assignment: ClassVar[bool] = False

    # -- hooks --------------------------------------------------------------------------

    def get_transition_target(self, obj: Any) -> Any:
        """Return the object whose transitions run: ``obj`` itself by default.

        With `flow_class` set, ``flow_class(obj)``. Override it to run the transitions of
        something else built from the model instance. The response still serializes
        ``obj``.
        """
        if self.flow_class is not None:
            return self.flow_class(obj)
        return obj

    def get_transition_serializer_class(
        self, transition: statecore.Transition
    ) -> type[BaseSerializer[Any]] | None:
        """Return the input serializer of ``transition``, or None when it takes no input."""
        found = self.transition_serializers.get(transition.name)
        if found is None:
            found = transition.custom.get("serializer") if transition.custom else None
        return found

    def get_transition_kwargs(
        self, request: Request, obj: Any, transition: statecore.Transition
    ) -> dict[str, Any]:
        """Return more keyword arguments for the transition (none by default).

        They are added after the input serializer's data, e.g. the client's IP address
        for the log. The acting user is passed with ``as_user()``: a ``user`` here (or an
        input field named so) never replaces it in the log or in permission checks.
        """
        return {}

    def get_transition_context(self, request: Request, obj: Any) -> Mapping[str, Any] | None:
        """Return the context data that expression conditions see (None: none).

        The transition endpoint, the listing and `StateSerializerField`'s detail form
        evaluate the workflow's CEL conditions inside
        ``statecore.expression_context(<this>)``. An expression reads the object as
        ``obj`` in any case; return variables for what it reads besides, built on the
        server (``{"claim": {"amount": obj.amount}}``, the user's groups). Put request
        data in it only when a condition is meant to check what the client sends: a
        client can make such a condition hold by sending what it asks for.
        """
        return None

    # -- DRF's permission classes see a transition as a change ----------------------------

    def check_permissions(self, request: Request) -> None:
        """DRF's check, with a transition's POST presented as the change it is (PATCH)."""
        super().check_permissions(self._as_change(request))  # type: ignore[misc]

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        """DRF's object check, with a transition's POST presented as a change (PATCH)."""
        super().check_object_permissions(self._as_change(request), obj)  # type: ignore[misc]

    def _as_change(self, request: Request) -> Any:
        """``request`` as the permission classes should judge it.

        A transition changes an existing object, but it is POSTed: DRF's
        ``DjangoModelPermissions`` and ``DjangoObjectPermissions`` would ask for the *add*
        permission, letting a user who may create objects but not change them move
        their state. For the transition actions they see a PATCH instead.
        """
        name = str(getattr(self, "action", None) or "")
        if request.method == "POST" and (name == "transition" or name.startswith(_ACTION_PREFIX)):
            return _ChangeRequest(request)
        return request

    # -- a safety net under serializers that would write a state --------------------------

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        """Refuse a new object in another state than the initial one, then create it."""
        self.refuse_state_writes(serializer, None)
        super().perform_create(serializer)  # type: ignore[misc]

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        """Refuse a change of state written directly, then save the object."""
        self.refuse_state_writes(serializer, serializer.instance)
        super().perform_update(serializer)  # type: ignore[misc]

    def refuse_state_writes(self, serializer: BaseSerializer[Any], instance: Any) -> None:
        """Raise a 400 when validated data would change a state field directly.

        `StateSerializerField` already refuses such writes; this catches a serializer
        that maps a state field some other way (a plain ``ModelSerializer``'s
        ``ChoiceField``), so that no ViewSet with this mixin moves a state outside the
        transition endpoints unless `allow_state_assignment` allows it (and never on a
        ``protected`` field).

        Raises:
            ValidationError: the field errors, one per state field written.
        """
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        data = getattr(serializer, "validated_data", None)
        if model is None or not isinstance(data, Mapping):
            return
        errors: dict[str, list[str]] = {}
        for name, (workflow, read) in _written_states(model, self.flow_class).items():
            self._refuse_memory_write(errors, data, name, workflow, instance)
            if name not in data:
                continue
            initial = str(type(workflow).initial_state.name)
            current = initial if instance is None else read(instance)
            value = data[name]
            if str(getattr(value, "name", value)) == current:
                continue
            if self.allow_state_assignment and not workflow.protected:
                continue
            errors[name] = [state_change_refusal(workflow, instance, current)]
        if errors:
            raise ValidationError(errors)

    def _refuse_memory_write(
        self,
        errors: dict[str, list[str]],
        data: Mapping[str, Any],
        name: str,
        workflow: statecore.Workflow,
        instance: Any,
    ) -> None:
        """Refuse a write of ``<name>_held_from``, where ``hold`` remembers the state it left.

        A client choosing it would make ``resume`` enter any state that is not final
        without that state's transition, its guards or its permission.
        """
        column = memory_attribute(name)
        if column not in data:
            return
        current = getattr(instance, column, "") if instance is not None else ""
        if (data[column] or "") == (current or ""):
            return
        if self.allow_state_assignment and not workflow.protected:
            return
        errors[column] = [
            f"{column!r} is where hold remembers the state to resume to; it is written by "
            f"the hold and resume transitions only (transitions/hold/, transitions/resume/)"
        ]

    # -- endpoints ------------------------------------------------------------------------

    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<transition_name>[^/.]+)",
        url_name="transition",
    )
    def transition(self, request: Request, transition_name: str, **kwargs: Any) -> Response:
        """Run transition ``transition_name`` on the object as the requesting user.

        The object is looked up first (DRF's 404 and permission classes), then the
        transition (404), then its input (400); the transition then checks the state
        (409), its guards (422) and the user's permission (403).
        """
        view: Any = self
        obj = view.get_object()
        target = self.get_transition_target(obj)
        try:
            wrapper = statecore.get_transition(target, transition_name, field=self.transition_field)
        except statecore.UnknownTransitionError as exc:
            raise refusal(exc) from None
        arguments: dict[str, Any] = {}
        serializer_class = self.get_transition_serializer_class(wrapper.transition)
        if serializer_class is not None:
            serializer = serializer_class(data=request.data, context=view.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            arguments.update(
                _input_arguments(serializer.validated_data, transition_name, serializer_class)
            )
        arguments.update(self.get_transition_kwargs(request, obj, wrapper.transition))
        try:
            with statecore.expression_context(self.get_transition_context(request, obj)):
                _perform(wrapper.as_user(_user({"request": request})), arguments)
        except statecore.ConcurrentTransition as exc:
            raise refusal(exc) from None  # its state: the one found in the database
        except statecore.AbortTransition as exc:
            raise refusal(exc, state=wrapper.current_state.name) from None
        return Response(view.get_serializer(obj).data)

    @action(detail=True, methods=["get"], url_path="transitions", url_name="transitions")
    def transitions(self, request: Request, **kwargs: Any) -> Response:
        """List the transitions from the object's current state, for the requesting user."""
        view: Any = self
        obj = view.get_object()
        target = self.get_transition_target(obj)
        user = _user({"request": request})
        with statecore.expression_context(self.get_transition_context(request, obj)):
            listed = describe_transitions(target, user, field=self.transition_field)
        return Response(listed)

    # -- one action per known transition (names in URLs and in the OpenAPI schema) --------

    @classmethod
    def schema_transitions(cls) -> list[statecore.Transition]:
        """Return the transitions known when the class is used: one action each.

        By default, the transitions of the state fields of ``queryset.model``, or of the
        states of `flow_class` when set (those of ``transition_field`` only, when set).
        Override it when the transitions run on another target
        (`get_transition_target`); transitions not listed still run through
        ``transitions/{transition_name}/``.
        """
        holder = cls.flow_class
        if holder is None:
            holder = getattr(getattr(cls, "queryset", None), "model", None)
        if holder is None:
            return []
        found: dict[str, statecore.Transition] = {}
        for name, descriptor in state_descriptors(holder).items():
            if cls.transition_field in (None, name):
                for declared in type(descriptor.workflow).transitions:
                    found.setdefault(declared.name, declared)
        return list(found.values())

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        """DRF's extra actions, plus one ``transitions/<name>/`` action per known transition."""
        if "_statecore_actions" not in cls.__dict__:
            cls._statecore_actions = [  # type: ignore[attr-defined]
                transition.name for transition in cls.schema_transitions()
            ]
            for name in cls._statecore_actions:  # type: ignore[attr-defined]
                attribute = f"{_ACTION_PREFIX}{name}"
                if not hasattr(cls, attribute):
                    setattr(cls, attribute, _transition_action(name))
        extra: list[Any] = super().get_extra_actions()  # type: ignore[misc]
        return extra


def _written_states(
    model: type[Any], flow_class: type[Any] | None
) -> dict[str, tuple[statecore.Workflow, Callable[[Any], str]]]:
    """The model's fields holding a state: field name -> (workflow, reader of its name).

    Its own state fields, and the fields of ``model`` that a flow class's states live in.
    """
    found: dict[str, tuple[statecore.Workflow, Callable[[Any], str]]] = {
        name: (descriptor.workflow, descriptor.raw)
        for name, descriptor in state_descriptors(model).items()
    }
    if flow_class is not None:
        for descriptor in state_descriptors(flow_class).values():
            if (
                isinstance(descriptor, FlowStateDescriptor)
                and descriptor.field is not None
                and issubclass(model, descriptor.model)
            ):
                field = descriptor.field
                found[field.name] = (descriptor.workflow, _field_reader(field.attname))
    return found


def _field_reader(attname: str) -> Callable[[Any], str]:
    """Read the state name a model instance holds in column ``attname``."""

    def read(instance: Any) -> str:
        value = getattr(instance, attname)
        return str(getattr(value, "name", value))

    return read


class _ChangeRequest:
    """A request that answers ``method`` with ``"PATCH"``; everything else is the request's."""

    method = "PATCH"

    def __init__(self, request: Request) -> None:
        self._wrapped = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def _transition_action(name: str) -> Any:
    """Build the action of ``POST transitions/<name>/`` (same code as the generic one)."""

    def run(self: TransitionViewSetMixin, request: Request, **kwargs: Any) -> Response:
        view: Any = self
        return view.transition(request, transition_name=name, **kwargs)  # type: ignore[no-any-return]

    run.__name__ = f"{_ACTION_PREFIX}{name}"
    run.__qualname__ = f"TransitionViewSetMixin.{run.__name__}"
    run.__doc__ = f"Run transition {name!r} on the object as the requesting user."
    return action(
        detail=True, methods=["post"], url_path=f"transitions/{name}", url_name=f"transition-{name}"
    )(run)


try:
    import drf_spectacular  # noqa: F401
except ImportError:
    pass
else:
    from . import schema  # noqa: F401 - registers the OpenAPI extension
