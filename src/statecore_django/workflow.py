"""`Workflow` for Django models: transactional transitions, saving, logging, permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from asgiref.sync import sync_to_async
from django.apps import apps
from django.core.signals import setting_changed
from django.utils.functional import Promise

import statecore
from statecore.states import StateNameT

from . import conf
from .wrappers import TransactionalImplementationWrapper

if TYPE_CHECKING:
    from django.db import models

    from .models import BaseTransitionLog

__all__ = ["StateWrapper", "Workflow"]

_FROM_SETTINGS = "<STATECORE_LOG_MODEL>"

#: The log model of each workflow class, cleared whenever a setting changes.
_log_models: dict[type[Workflow], type[BaseTransitionLog] | None] = {}


def _forget_log_models(**kwargs: Any) -> None:
    _log_models.clear()


setting_changed.connect(_forget_log_models, dispatch_uid="statecore_django.log_models")


class StateWrapper(statecore.StateWrapper, Promise):
    """The state wrapper of Django workflows: Django takes it for its stored value.

    It is a ``Promise``, as lazy translations are, so that Django converts it where it
    converts those: ``DjangoJSONEncoder`` (and so ``JsonResponse``) writes it as its name,
    and a model field given one in a query or a save uses the stored value (the name, or
    an integer state's value). It is a `statecore.StateWrapper` in every other respect.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    def _proxy____cast(self) -> Any:
        return self.value


class Workflow(statecore.Workflow[StateNameT]):
    """Base class of workflows stored in a Django model field.

    Subclass it exactly like `statecore.Workflow` (also to list the state names for type
    checkers, ``Workflow[Literal["draft", "paid"]]``); on top, every transition runs in a
    database transaction, saves the object and writes a log row (see
    `TransactionalImplementationWrapper`).

    Class attributes:

    - ``log_model``: the ``"app_label.ModelName"`` of the log (a subclass of
      `statecore_django.models.BaseTransitionLog`), or ``None`` for no log. Default: the
      ``STATECORE_LOG_MODEL`` setting, read when a transition runs.
    - ``locking``: ``"none"``, ``"optimistic"`` or ``"pessimistic"``. Default: the
      ``STATECORE_LOCKING`` setting (``"optimistic"``).
    - ``log_creation``: also log the creation of an object (a row with an empty
      ``transition`` and ``from_state``). Default False.
    - ``object_permissions``: check permission names with ``user.has_perm(name, obj)``
      (for object-permission backends such as django-guardian) as well as
      ``user.has_perm(name)``. Default False.

    .. versionadded:: 0.1
    """

    implementation_class = TransactionalImplementationWrapper
    wrapper_class = StateWrapper
    log_model: ClassVar[str | None] = _FROM_SETTINGS
    locking: ClassVar[str | None] = None
    log_creation: ClassVar[bool] = False
    object_permissions: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Compile the workflow and check its ``locking`` mode."""
        super().__init_subclass__(**kwargs)
        if cls.locking is not None and cls.locking not in conf.LOCKING_MODES:
            msg = (
                f"{cls.__qualname__}.locking is {cls.locking!r}; "
                f"use one of {', '.join(map(repr, conf.LOCKING_MODES))}"
            )
            raise statecore.WorkflowDefinitionError(cls, [msg])

    def __set_name__(self, owner: type, name: str) -> None:
        """Bind to ``owner``; refuse a class whose transitions could never run.

        A transition of a Django workflow runs in a transaction that saves and logs a
        model object: on a `statecore.WorkflowEnabled` class that is neither a model nor
        a `statecore_django.Flow` it has no object to do it with.

        Raises:
            WorkflowDefinitionError: ``owner`` is such a class.
        """
        super().__set_name__(owner, name)
        from django.db.models import Model

        if (
            issubclass(owner, statecore.WorkflowEnabled)
            and not issubclass(owner, Model)
            and not getattr(owner, "statecore_flow", False)
        ):
            msg = (
                f"{owner.__qualname__}.{name}: {type(self).__qualname__} is a "
                f"statecore_django.Workflow, whose transitions save and log a Django model "
                f"object, but {owner.__qualname__} is not a model; put it on a model (with "
                f"StateField), or on a statecore_django.Flow with "
                f"{name} = statecore_django.FlowState({type(self).__name__}, model=..., "
                f"field=...), or subclass statecore.Workflow for a plain object"
            )
            raise statecore.WorkflowDefinitionError(owner, [msg])

    @classmethod
    def log_model_label(cls) -> tuple[str | type[models.Model] | None, bool]:
        """Return what names the log model, and whether it came from the setting.

        Returns:
            ``(label, from_setting)``: ``label`` is the ``"app_label.ModelName"`` (or the
            model class) of ``log_model``, or of ``STATECORE_LOG_MODEL`` when the workflow
            does not set ``log_model`` (then ``from_setting`` is True); None for no log.

        .. versionadded:: 0.1
        """
        label: Any = cls.log_model
        if label == _FROM_SETTINGS:
            return conf.log_model_label(), True
        return label or None, False

    def get_log_model(self) -> type[BaseTransitionLog] | None:
        """Return the log model class, or None when this workflow does not log.

        The answer is kept per workflow class until a setting changes.

        Raises:
            LookupError: the label names no installed model.
            ValueError: the label is not ``"app_label.ModelName"``.
        """
        cls = type(self)
        try:
            return _log_models[cls]
        except KeyError:
            pass
        label, _ = cls.log_model_label()
        # A log model subclasses BaseTransitionLog (system check statecore.E003).
        model = cast(
            "type[BaseTransitionLog] | None",
            apps.get_model(label) if isinstance(label, str) else label,
        )
        if apps.ready:
            _log_models[cls] = model
        return model

    def log_transition(
        self,
        transition: statecore.Transition,
        from_state: statecore.State,
        instance: Any,
        /,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Write the log row of a transition that just ran (after the object was saved).

        The log model's ``EXTRA_LOG_ATTRIBUTES`` pick their values from ``kwargs`` (the
        transition call's keyword arguments, plus ``user`` from ``as_user()``).
        """
        model = self.get_log_model()
        if model is None:
            return
        model.log_transition(
            transition.name,
            from_state.name,
            self._current(instance),
            self._logged(instance),
            **kwargs,
        )

    def log_created(self, instance: Any, field: str, *, state: str | None = None) -> None:
        """Write the log row of an object's creation (``log_creation = True``).

        Args:
            instance: the object just inserted.
            field: its state field.
            state: the state it was created in, when not the one it holds now (an object
                inserted by its first transition is created in that transition's source).
        """
        model = self.get_log_model()
        if model is None:
            return
        model.log_transition(
            "", "", getattr(instance, field).name if state is None else state, instance
        )

    def check_permission(self, transition: statecore.Transition, instance: Any, user: Any) -> bool:
        """Tell whether ``user`` may run ``transition`` on ``instance``.

        A permission name is checked with ``user.has_perm(name)``, and with
        ``object_permissions = True`` also ``user.has_perm(name, instance)``; a callable
        is called as ``permission(instance, user)``.
        """
        permission = transition.permission
        if isinstance(permission, str) and self.object_permissions:
            has_perm = getattr(user, "has_perm", None)
            if has_perm is None:
                return False
            return bool(has_perm(permission) or has_perm(permission, instance))
        return super().check_permission(transition, instance, user)

    async def acheck_permission(
        self, transition: statecore.Transition, instance: Any, user: Any
    ) -> bool:
        """The awaitable form of `check_permission`, run in a worker thread.

        A permission name is checked with ``user.has_perm()``, which queries the
        database: it runs in ``sync_to_async(thread_sensitive=True)``, and an async
        permission callable is awaited from there.
        """
        from .wrappers import _waiting_call

        result: bool = await sync_to_async(_waiting_call, thread_sensitive=True)(
            self.check_permission, (transition, instance, user), {}
        )
        return result

    def _current(self, instance: Any) -> str:
        for name, workflow in type(instance)._workflows.items():
            if workflow is self:
                return str(getattr(instance, name).name)
        msg = f"{type(self).__qualname__} is not a workflow of {type(instance).__qualname__}"
        raise LookupError(msg)

    def _logged(self, instance: Any) -> Any:
        """The object a log row refers to: the model object a flow wraps, or ``instance``."""
        if not getattr(type(instance), "statecore_flow", False):
            return instance
        for name, workflow in type(instance)._workflows.items():
            if workflow is self:
                stored_object = getattr(getattr(type(instance), name), "stored_object", None)
                return instance if stored_object is None else stored_object(instance)
        return instance
