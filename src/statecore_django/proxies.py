"""State proxies: a proxy model class per state, as django-fsm's ``state_choices`` offers.

Put `StateProxyMixin` first in the bases of the concrete model, then declare one proxy
model per state (or group of states) with ``proxy_state``::

    class Parcel(StateProxyMixin, models.Model):
        state = StateField(ParcelFlow)
        objects = StateProxyManager()

    class SentParcel(Parcel):
        proxy_state = "sent"            # or a tuple of state names

        class Meta:
            proxy = True

        def tracking_url(self): ...     # behaviour of sent parcels only

How it works, without a metaclass:

- ``__init__`` (which Django's ``from_db`` calls for every row of a queryset) sets the
  object's ``__class__`` to the proxy of its state, so ``Parcel.objects.all()`` gives a
  mix of ``SentParcel``, ``DeliveredParcel``, ... and plain ``Parcel`` objects for
  states without a proxy (and for states the workflow no longer has).
- After a transition (the `statecore_django.post_transition` signal) the object becomes
  the proxy of its new state; when the transition is rolled back
  (`statecore_django.transition_failed`) it goes back to the proxy of its old state.
  ``refresh_from_db()`` switches too.
- `StateProxyManager` filters by state on a proxy: ``SentParcel.objects.all()`` gives the
  sent parcels only. On the concrete model it filters nothing.
- Assigning the state directly (``parcel.state = "sent"``) does not switch the class;
  call `StateProxyMixin.switch_state_proxy`.
- A proxy without ``proxy_state`` (an admin proxy, say) is left as it is.
- `StateProxyManager`'s querysets always load the state field (``only()`` adds it,
  ``defer()`` leaves it out), so an object is of its state's class from the start.
- Signals are sent with the model that declares the state field as ``sender``: a
  receiver connected with ``sender=Parcel`` hears every parcel, whatever its proxy class.

Every class involved is one table: proxies share the concrete model's fields and
database rows, so a transition saves and logs exactly as on the concrete model.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import class_prepared

from .fields import StateFieldMixin
from .signals import post_transition, transition_failed

__all__ = ["StateProxyManager", "StateProxyMixin", "state_proxies"]

#: The proxies of each concrete model: concrete model -> state name -> proxy class.
_PROXIES: dict[type[models.Model], dict[str, type[models.Model]]] = {}


class StateProxyMixin(models.Model):
    """Make instances of a model (and its querysets) the proxy class of their state.

    Class attributes:

    - ``state_proxy_field``: on the concrete model, the name of the state field that
      picks the proxy; needed only when the model has several state fields.
    - ``proxy_state``: on a proxy model, the state name (or tuple of names) whose objects
      are of this class. Each state has at most one proxy.

    .. versionadded:: 0.1
    """

    state_proxy_field: ClassVar[str | None] = None
    proxy_state: ClassVar[str | tuple[str, ...] | None] = None

    class Meta:
        """Abstract."""

        abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the object as usual, then make it the proxy class of its state."""
        super().__init__(*args, **kwargs)
        self.switch_state_proxy()

    def switch_state_proxy(self) -> None:
        """Set the object's class to the proxy of its current state.

        Does nothing when the object's class is not the concrete model or one of its
        state proxies, or when the state field is deferred.
        """
        cls = type(self)
        concrete = _concrete(cls)
        proxies = _PROXIES.get(concrete)
        if not proxies or (cls is not concrete and cls not in proxies.values()):
            return
        field = _proxy_field(concrete)
        name = self.__dict__.get(field.attname)
        if name is None:
            return  # deferred: reading it would cost a query
        if not isinstance(name, str):
            name = getattr(name, "name", name)
        target = proxies.get(name, concrete)
        if target is not cls:
            self.__class__ = target  # type: ignore[assignment]

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reload fields from the database, then become the proxy of the reloaded state."""
        super().refresh_from_db(*args, **kwargs)
        self.switch_state_proxy()


class StateProxyQuerySet(models.QuerySet[Any]):
    """The queryset of `StateProxyManager`: it always loads the state that picks the class.

    ``only()`` adds the state field, ``defer()`` leaves it out, so every object it loads
    is of its state's proxy class at once.
    """

    def only(self, *fields: Any) -> StateProxyQuerySet:
        """Load only ``fields`` and the state field."""
        field = _proxy_field(_concrete(self.model))
        if fields and field.name not in fields and field.attname not in fields:
            fields = (*fields, field.name)
        return super().only(*fields)

    def defer(self, *fields: Any) -> StateProxyQuerySet:
        """Defer ``fields``, except the state field."""
        field = _proxy_field(_concrete(self.model))
        kept = tuple(name for name in fields if name not in (field.name, field.attname))
        if fields and not kept and fields != (None,):
            return self._chain()  # type: ignore[attr-defined,no-any-return]
        return super().defer(*kept)


class StateProxyManager(models.Manager[Any]):
    """A manager that, on a state proxy, gives only the objects in the proxy's states.

    On the concrete model it filters nothing; put it on the concrete model as
    ``objects`` so that every proxy inherits it.

    .. versionadded:: 0.1
    """

    _queryset_class = StateProxyQuerySet

    def get_queryset(self) -> models.QuerySet[Any]:
        """Return every row, or on a state proxy the rows in its states."""
        queryset = super().get_queryset()
        model = self.model
        states = _own_states(model)
        if not states:
            return queryset
        field = _proxy_field(_concrete(model))
        return queryset.filter(**{f"{field.attname}__in": states})


def state_proxies(model: type[models.Model]) -> dict[str, type[models.Model]]:
    """Return the state proxies of a model: state name -> proxy class.

    Args:
        model: the concrete model (or any of its proxies).

    .. versionadded:: 0.1
    """
    return dict(_PROXIES.get(_concrete(model), {}))


def _own_states(model: type[models.Model]) -> tuple[str, ...]:
    if not model._meta.proxy:
        return ()
    states = model.__dict__.get("proxy_state")
    if states is None:
        return ()
    return (states,) if isinstance(states, str) else tuple(states)


def _concrete(model: type[models.Model]) -> type[models.Model]:
    """The concrete model of a model class (set once Django prepared it)."""
    return cast("type[models.Model]", model._meta.concrete_model)


def _proxy_field(model: type[models.Model]) -> StateFieldMixin:
    fields = [f for f in model._meta.fields if isinstance(f, StateFieldMixin)]
    wanted = getattr(model, "state_proxy_field", None)
    if wanted is not None:
        for field in fields:
            if field.name == wanted:
                return field
        msg = (
            f"{model._meta.label}.state_proxy_field is {wanted!r}, but its state fields are "
            f"{', '.join(f.name for f in fields) or 'none'}; name one of them"
        )
        raise ImproperlyConfigured(msg)
    if len(fields) != 1:
        names = ", ".join(f.name for f in fields) or "none"
        msg = (
            f"{model._meta.label} uses StateProxyMixin and has state fields {names}; "
            f"give it exactly one, or set state_proxy_field to the one that picks the proxy"
        )
        raise ImproperlyConfigured(msg)
    return fields[0]


def _register(sender: type[models.Model], **kwargs: Any) -> None:
    """Register a state proxy once Django prepared its class (``class_prepared``)."""
    if not issubclass(sender, StateProxyMixin) or sender._meta.abstract:
        return
    concrete = _concrete(sender)
    if sender is concrete:
        _PROXIES.setdefault(concrete, {})
        # Signals come from the model that declares the state field (the concrete model,
        # or its multi-table parent); a misconfigured field is reported by the proxies.
        fields = [f for f in concrete._meta.fields if isinstance(f, StateFieldMixin)]
        _connect(fields[0].model if len(fields) == 1 else concrete)
        return
    states = _own_states(sender)
    if not states:
        return
    field = _proxy_field(concrete)
    workflow = field.workflow_class
    unknown = [name for name in states if name not in workflow.states]
    if unknown:
        msg = (
            f"{sender._meta.label}.proxy_state names {', '.join(map(repr, unknown))}, not "
            f"states of {workflow.__qualname__} ({', '.join(workflow.states.names())})"
        )
        raise ImproperlyConfigured(msg)
    registry = _PROXIES.setdefault(concrete, {})
    for name in states:
        other = registry.get(name)
        if other is not None and other is not sender:
            msg = (
                f"state {name!r} of {concrete._meta.label} has two proxies, "
                f"{other._meta.label} and {sender._meta.label}; keep one"
            )
            raise ImproperlyConfigured(msg)
        registry[name] = sender


def _connect(model: type[models.Model]) -> None:
    uid = f"statecore_django.proxies:{model._meta.label}"
    post_transition.connect(_after, sender=model, weak=False, dispatch_uid=uid)
    transition_failed.connect(_after, sender=model, weak=False, dispatch_uid=uid)


def _after(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    """Switch the object's class after a transition, or back after its rollback."""
    if isinstance(instance, StateProxyMixin):
        instance.switch_state_proxy()


class_prepared.connect(_register, dispatch_uid="statecore_django.proxies.register")
