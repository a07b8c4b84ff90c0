"""The state fields (`FSMField`, `FSMIntegerField`, `FSMKeyField`) and how a transition runs.

A field collects the transition methods of each model class when the class is prepared,
adds ``get_all_<field>_transitions``, ``get_available_<field>_transitions`` and
``get_available_user_<field>_transitions`` to it, and runs the methods
(`FSMFieldMixin.change_state`): source and conditions, ``pre_transition``, the method,
the target, ``post_transition`` (django-fsm's order). With ``atomic=True`` the same steps
run in one database transaction that also saves and logs (see `atomic`).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from functools import partialmethod
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import class_prepared

import statecore

from .errors import TransitionNotAllowed
from .signals import post_transition, pre_transition
from .transitions import ANY_OTHER_STATE, FSMMeta, State, Transition, holds

if TYPE_CHECKING:
    _Base = models.Field[Any, Any]
else:
    _Base = object

__all__ = [
    "FSMField",
    "FSMFieldDescriptor",
    "FSMFieldMixin",
    "FSMIntegerField",
    "FSMKeyField",
]

_LOCKING = (None, "none", "optimistic", "pessimistic")


class FSMFieldDescriptor:
    """The attribute of a state field: reads and assigns the state, refuses when protected.

    .. versionadded:: 0.1
    """

    def __init__(self, field: FSMFieldMixin) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return self.field.get_state(instance)

    def __set__(self, instance: Any, value: Any) -> None:
        field = self.field
        if field.protected and field.name in instance.__dict__:
            msg = f"Direct {field.name} modification is not allowed"
            raise AttributeError(msg)
        field.set_proxy(instance, value)
        field.set_state(instance, value)


class FSMFieldMixin(_Base):
    """What makes a model field a state field (django-fsm's mixin).

    Args:
        protected: refuse assigning the attribute once the object holds a state.
        state_choices: ``(state, title, proxy)`` triples: the choices, and for each
            state the proxy model (``"app_label.Model"`` or ``"Model"``) the object
            becomes when it enters that state.
        atomic: opt-in: run each transition in ``transaction.atomic()``, save the
            columns it changed and write the log rows there; on failure nothing is
            saved and the object in memory gets its values back.
        locking: with ``atomic``: ``"optimistic"`` (the default: the ``UPDATE`` is
            conditional on the source state), ``"pessimistic"`` (``SELECT ... FOR
            UPDATE`` first) or ``"none"``.
        log_model: with ``atomic``: also write statecore's log, to this
            ``"app_label.Model"`` (e.g. ``"statecore_log.TransitionLog"``).

    .. versionadded:: 0.1
    """

    descriptor_class = FSMFieldDescriptor

    def __init__(
        self,
        *args: Any,
        protected: bool = False,
        state_choices: Any = None,
        atomic: bool = False,
        locking: str | None = None,
        log_model: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.protected = protected
        self.atomic = atomic
        if locking not in _LOCKING:
            msg = f"locking={locking!r}; use 'optimistic', 'pessimistic' or 'none'"
            raise ValueError(msg)
        if (locking or log_model) and not atomic:
            msg = "locking and log_model take effect in a transaction: add atomic=True"
            raise ValueError(msg)
        self.locking = locking or "optimistic"
        self.log_model = log_model
        self.transitions: dict[type, dict[str, Any]] = {}
        self.state_proxy: dict[Any, str] = {}
        if state_choices is not None:
            if kwargs.get("choices") is not None:
                msg = "Use one of choices or state_choices value"
                raise ValueError(msg)
            kwargs["choices"] = [(state, title) for state, title, _proxy in state_choices]
            self.state_proxy = {state: proxy for state, _title, proxy in state_choices}
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Emit ``protected`` as django-fsm does; the opt-ins are behaviour, not schema."""
        name, path, args, kwargs = super().deconstruct()
        # Migrations name the public path, as they named django_fsm.FSMField.
        path = path.replace(f"{__package__}.fields.", f"{__package__}.")
        if self.protected:
            kwargs["protected"] = True
        return name, path, args, kwargs

    # -- the state on an instance --------------------------------------------------

    def get_state(self, instance: Any) -> Any:
        """The state the object holds (loading a deferred column)."""
        try:
            return instance.__dict__[self.attname]
        except KeyError:
            return DeferredAttribute(self).__get__(instance)

    def set_state(self, instance: Any, state: Any) -> None:
        """Store ``state`` on the object (not in the database)."""
        instance.__dict__[self.name] = state

    def set_proxy(self, instance: Any, state: Any) -> None:
        """Switch the object's class to the proxy model of ``state``, if it has one."""
        reference = self.state_proxy.get(state) if self.state_proxy else None
        if reference is None:
            return
        app_label, _, model_name = reference.rpartition(".")
        model = apps.get_app_config(app_label or instance._meta.app_label).get_model(model_name)
        instance.__class__ = model

    # -- running a transition -----------------------------------------------------

    def change_state(self, instance: Any, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Run the transition ``method`` on ``instance`` (what a decorated method calls).

        Raises:
            TransitionNotAllowed: not from the current state, or a condition is not met.
            InvalidResultState: a run-time target chose a state it may not.
        """
        if self.atomic:
            from .atomic import run_atomic

            return run_atomic(self, instance, method, args, kwargs)
        return self.run(instance, method, args, kwargs)

    def run(
        self,
        instance: Any,
        method: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        saved: Any = None,
    ) -> Any:
        """Run the steps of one transition; ``saved(source, target)`` runs before the end."""
        meta: FSMMeta = method._django_fsm
        state = self.get_state(instance)
        found = meta.get_transition(state)
        if found is None or (found.source == ANY_OTHER_STATE and found.target == state):
            msg = f"Can't switch from state '{state}' using method '{method.__name__}'"
            raise TransitionNotAllowed(msg, object=instance, method=method)
        for condition in found.conditions:
            if not holds(condition(instance)):
                msg = f"Transition conditions have not been met for method '{method.__name__}'"
                raise TransitionNotAllowed(msg, object=instance, method=method)
        target = found.target
        signal: dict[str, Any] | None = None
        if pre_transition.receivers or post_transition.receivers:
            signal = {
                "sender": instance.__class__,
                "instance": instance,
                "name": method.__name__,
                "field": meta.field,
                "source": state,
                "target": target,
                "method_args": args,
                "method_kwargs": kwargs,
            }
            pre_transition.send(**signal)
        try:
            result = method(instance, *args, **kwargs)
            if target is not None:
                if isinstance(target, State):
                    target = target.get_state(instance, result, args=args, kwargs=kwargs)
                    if signal is not None:
                        signal["target"] = target
                if self.state_proxy:
                    self.set_proxy(instance, target)
                self.set_state(instance, target)
            if saved is not None:
                saved(state, target)
        except Exception as exc:
            if saved is not None or not found.on_error:
                raise
            self.set_proxy(instance, found.on_error)
            self.set_state(instance, found.on_error)
            if signal is not None:
                signal["target"] = found.on_error
                signal["exception"] = exc
                post_transition.send(**signal)
            raise
        if signal is not None:
            post_transition.send(**signal)
        return result

    # -- transitions of a model class --------------------------------------------

    def get_all_transitions(self, instance_cls: type) -> Iterator[Transition]:
        """Every `Transition` of this field on ``instance_cls``, one per source state."""
        for method in self.transition_methods(instance_cls).values():
            yield from method._django_fsm.transitions.values()

    def transition_methods(self, model: type) -> dict[str, Any]:
        """The decorated methods of this field on ``model``, by name."""
        try:
            return self.transitions[model]
        except KeyError:
            self.collect_transitions(model)
            return self.transitions[model]

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        """Install the descriptor and the ``get_*_transitions`` methods on the model."""
        self.base_cls = cls
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.name, self.descriptor_class(self))
        for pattern, function in _LISTINGS:
            setattr(cls, pattern.format(self.name), partialmethod(function, field=self))

    def belongs(self, meta: FSMMeta) -> bool:
        """Tell whether a method's ``@transition`` named this field."""
        field = meta.field
        if field is self or field == self.name:
            return True
        return (
            isinstance(field, models.Field)
            and field.name == self.name
            and field.creation_counter == self.creation_counter
        )

    def collect_transitions(self, model: type) -> None:
        """Find this field's decorated methods on ``model`` (and its bases)."""
        found: dict[str, Any] = {}
        for klass in reversed(model.__mro__):
            for attr_name, value in vars(klass).items():
                meta = getattr(value, "_django_fsm", None)
                if not isinstance(meta, FSMMeta) or not inspect.isfunction(value):
                    found.pop(attr_name, None)
                    continue
                if self.belongs(meta):
                    meta.field = self
                    found[attr_name] = value
                    if not self.atomic and any(t.on_commit for t in meta.transitions.values()):
                        msg = (
                            f"transition {attr_name!r} has on_commit hooks but the field "
                            f"{self.name!r} is not atomic: use FSMField(..., atomic=True)"
                        )
                        raise statecore.WorkflowDefinitionError(model, [msg])
                else:
                    found.pop(attr_name, None)
        self.transitions[model] = found


def _available(instance: Any, field: FSMFieldMixin) -> Iterator[Transition]:
    state = field.get_state(instance)
    for method in field.transition_methods(type(instance)).values():
        meta: FSMMeta = method._django_fsm
        if meta.has_transition(state) and meta.conditions_met(instance, state):
            found = meta.get_transition(state)
            if found is not None:
                yield found


def _all(instance: Any, field: FSMFieldMixin) -> Iterator[Transition]:
    return field.get_all_transitions(type(instance))


def _available_user(instance: Any, user: Any, field: FSMFieldMixin) -> Iterator[Transition]:
    for found in _available(instance, field):
        if found.has_perm(instance, user):
            yield found


_LISTINGS = (
    ("get_all_{}_transitions", _all),
    ("get_available_{}_transitions", _available),
    ("get_available_user_{}_transitions", _available_user),
)


def _collect(sender: Any, **kwargs: Any) -> None:
    """On every prepared model class, collect the transitions of its state fields."""
    for field in sender._meta.fields:
        if isinstance(field, FSMFieldMixin):
            field.collect_transitions(sender)


class_prepared.connect(_collect, dispatch_uid="statecore_django.compat.django_fsm")


class FSMField(FSMFieldMixin, models.CharField):  # type: ignore[type-arg]
    """A state field stored as text (``max_length`` defaults to 50).

    .. versionadded:: 0.1
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)


class FSMIntegerField(FSMFieldMixin, models.IntegerField):  # type: ignore[type-arg]
    """A state field stored as an integer.

    .. versionadded:: 0.1
    """


class FSMKeyField(FSMFieldMixin, models.ForeignKey):  # type: ignore[type-arg, misc]
    """A state field that is a foreign key to a table of states; the state is the key.

    .. versionadded:: 0.1
    """

    def get_state(self, instance: Any) -> Any:
        """The key of the state row the object points to."""
        return instance.__dict__[self.attname]

    def set_state(self, instance: Any, state: Any) -> None:
        """Point the object at the state row whose key is ``state``."""
        instance.__dict__[self.attname] = self.to_python(state)
