"""django_xworkflows' ``Workflow`` and implementation wrappers on statecore's adapter."""

from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps

import statecore
import statecore_django
from statecore.compat.xworkflows import base as xwbase
from statecore_django.wrappers import TransactionalImplementationWrapper as _Transactional

__all__ = ["DjangoImplementationWrapper", "TransactionalImplementationWrapper", "Workflow"]

#: The app name of this namespace's log app (label ``xworkflow_log``).
LOG_APP = "statecore_django.compat.django_xworkflows.xworkflow_log"
#: ``log_model``'s default: the ready log when its app is installed, else no log.
_DEFAULT_LOG = "<xworkflow_log.TransitionLog when installed>"


class DjangoImplementationWrapper(_Transactional[Any, Any], xwbase.ImplementationWrapper):
    """django_xworkflows' wrapper: template-safe, with ``hooks`` and ``implementation``.

    Every transition of a model runs in a database transaction, saves the object and
    writes its log row, as `statecore_django.TransactionalImplementationWrapper` does;
    ``save=False`` and ``log=False`` opt out per call.

    .. versionadded:: 0.1
    """

    __slots__ = ()


class TransactionalImplementationWrapper(DjangoImplementationWrapper):
    """django_xworkflows' transactional wrapper (every wrapper here is transactional).

    .. versionadded:: 0.1
    """

    __slots__ = ()


class Workflow(xwbase.Workflow, statecore_django.Workflow):
    """django_xworkflows' ``Workflow``: logs to ``log_model_class``, else ``log_model``.

    Class attributes (instances accept them as keyword arguments too):

    - ``log_model``: ``"app_label.ModelName"`` of the log, or ``""`` for no log. Default:
      ``"xworkflow_log.TransitionLog"`` when the compat log app is installed, else no log.
    - ``log_model_class``: the log model class; when set, it wins over ``log_model``.

    .. versionadded:: 0.1
    """

    implementation_class: ClassVar[type[_Transactional[Any, Any]]] = DjangoImplementationWrapper
    log_model: ClassVar[str | None] = _DEFAULT_LOG
    log_model_class: ClassVar[type[Any] | None] = None

    def __init__(self, *, protected: bool = False, **options: Any) -> None:
        super().__init__(protected=protected)
        unknown = set(options) - {"log_model", "log_model_class"}
        if unknown:
            msg = (
                f"{type(self).__qualname__}() got unknown options {', '.join(sorted(unknown))}; "
                f"it accepts log_model and log_model_class"
            )
            raise TypeError(msg)
        self._log_options = options

    @classmethod
    def log_model_label(cls) -> tuple[Any, bool]:
        """Return the log model (class or label) and False: no setting is involved."""
        return _log_label(cls.log_model_class, cls.log_model), False

    def get_log_model(self) -> Any:
        """Return the log model class, or None; instance options win over class attributes."""
        options = self.__dict__.get("_log_options")
        if not options:
            return super().get_log_model()
        label = _log_label(
            options.get("log_model_class", type(self).log_model_class),
            options.get("log_model", type(self).log_model),
        )
        return apps.get_model(label) if isinstance(label, str) else label

    def _get_log_model_class(self) -> Any:
        """django_xworkflows' name of `get_log_model`."""
        return self.get_log_model()

    def log_transition(
        self,
        transition: Any,
        from_state: statecore.State,
        instance: Any,
        /,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Write the log row, as `db_log` says (called once the object is saved)."""
        self.db_log(transition, from_state, instance, *args, **kwargs)

    def db_log(
        self, transition: Any, from_state: statecore.State, instance: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Write the log row: ``EXTRA_LOG_ATTRIBUTES`` picked from the call's keyword arguments.

        Returns:
            The row, or None when the workflow does not log.
        """
        model = self.get_log_model()
        if model is None:
            return None
        extras = {
            field: kwargs.get(argument, default)
            for field, argument, default in model.EXTRA_LOG_ATTRIBUTES
        }
        return model.log_transition(
            transition.name, from_state.name, self._current(instance), instance, **extras
        )


def _log_label(model_class: Any, label: Any) -> Any:
    if model_class is not None:
        return model_class
    if label == _DEFAULT_LOG:
        return "xworkflow_log.TransitionLog" if apps.is_installed(LOG_APP) else None
    return label or None
