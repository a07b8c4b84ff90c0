"""What a transition writes to the database, and what a plain ``save()`` may write.

This module is the one place of the write rule that docs/django.md states:

- **A transition writes the columns its code changed**: the state column, every concrete
  column whose value the implementation or any hook inside the transaction changed
  (compared with the value it had when the transition started, or when it was first
  loaded during the transition), each through its field's ``pre_save`` (a ``FileField``
  stores its file), and ``auto_now`` columns. It never writes a column it did not
  change: a deferred column loaded while the transition runs is written only if it is
  assigned afterwards. Changes made by ``on_enter_state``/``after_transition`` hooks are
  written by a second ``UPDATE`` just before the transaction ends (none when they change
  nothing).
- **It never overwrites a committed change it did not see.** Optimistic locking: the
  ``UPDATE`` is conditional on the state the transition started from *and* on every other
  column it writes still holding the value the transition's code started from.
  Pessimistic locking: ``SELECT ... FOR UPDATE`` reads the row before the transition's
  code runs; the loaded columns the program did not change since they were loaded take
  the row's values, so the code reads what is committed. ``"none"``: no condition (the
  last writer wins). Nothing matched raises `statecore.ConcurrentTransition`.
- **An unsaved object is inserted**, never merged into an existing row with its primary
  key; **a deleted object is refused**, never inserted again.
- **A plain ``save()`` never undoes a committed transition**: it writes a state column
  only when the state was assigned since the object was loaded, and then only if the row
  still holds the loaded state; a protected state column is never written by ``save()``
  of a saved object.

To know what was loaded, each model with a state field records, per object, the column
values it last read from or wrote to the database (``from_db``, ``refresh_from_db``,
``save()`` and transitions keep it up to date).
"""

from __future__ import annotations

import copy
import functools
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import statecore
from statecore.errors import describe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.db import models

__all__ = [
    "changed_values",
    "copied",
    "install",
    "loaded_values",
    "record",
    "remember",
    "snapshot_values",
]

#: Attribute of ``instance._state`` holding the values last read from or written to the row.
LOADED = "statecore_loaded"
#: Attribute of ``instance._state`` holding the innermost transition running on the object.
RUNNING = "statecore_call"

#: Types of field values a program could change in place (JSON values, arrays).
MUTABLE = (dict, list, set, bytearray)

#: The object whose ``refresh_from_db()`` is running: Django may set its protected state.
reloading: ContextVar[object | None] = ContextVar("statecore_django_reloading", default=None)
#: The object being saved with ``save_base(raw=True)`` (fixtures): saved as given.
_raw_saving: ContextVar[object | None] = ContextVar("statecore_django_raw_saving", default=None)


# -- what was loaded ------------------------------------------------------------------------


def loaded_values(instance: Any) -> dict[str, Any]:
    """Return the column values last read from or written to the object's row.

    Keys are attribute names (``attname``); a column never loaded (deferred, or the
    object was never read from the database) is absent. The dict is never changed in
    place: treat it as read-only.
    """
    return instance._state.__dict__.get(LOADED) or {}


def remember(instance: Any, attnames: Iterable[str] | None = None) -> None:
    """Record the current values of ``attnames`` (every loaded column if None) as stored."""
    values = instance.__dict__
    state = values["_state"]
    previous = state.__dict__.get(LOADED)
    record = dict(previous) if previous else {}
    if attnames is None:
        attnames = [field.attname for field in instance._meta.concrete_fields]
    for attname in attnames:
        if attname in values:
            value = values[attname]
            if hasattr(value, "resolve_expression"):
                record.pop(attname, None)  # an F() expression: the stored value is unknown
            else:
                record[attname] = copied(value)
    state.__dict__[LOADED] = record


def record(instance: Any, stored: dict[str, Any]) -> None:
    """Record ``stored`` (attname -> value just read from the row) as what the row holds."""
    state = instance._state
    previous = state.__dict__.get(LOADED)
    record = dict(previous) if previous else {}
    for attname, value in stored.items():
        record[attname] = copied(value)
    state.__dict__[LOADED] = record


def snapshot_values(instance: Any) -> dict[str, Any]:
    """Copy the object's ``__dict__`` without ``_state``, mutable column values deep-copied."""
    values: dict[str, Any] = instance.__dict__.copy()
    del values["_state"]
    for attname in _mutable_columns(type(instance)):
        value = values.get(attname)
        if isinstance(value, MUTABLE):
            values[attname] = copy.deepcopy(value)
    return values


#: Django's column types whose values are never changed in place (str, numbers, dates...).
_SCALAR_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "DurationField",
        "EmailField",
        "FileField",
        "FilePathField",
        "FloatField",
        "ForeignKey",
        "GenericIPAddressField",
        "ImageField",
        "IntegerField",
        "IPAddressField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
        "TimeField",
        "URLField",
        "UUIDField",
    }
)


def _mutable_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The attnames of ``model`` whose values a program could change in place.

    JSON, arrays, hstore and any column type Django does not define as a plain scalar:
    only their values are deep-copied for a snapshot.
    """
    found = _MUTABLE_COLUMNS.get(model)
    if found is None:
        found = _MUTABLE_COLUMNS[model] = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if field.get_internal_type() not in _SCALAR_TYPES
            or (
                type(field).__module__.split(".")[0] != "django"
                and not isinstance(field, _state_field_types())
            )
        )
    return found


def _state_field_types() -> tuple[type, ...]:
    from .fields import StateFieldMixin

    return (StateFieldMixin,)


_MUTABLE_COLUMNS: dict[type[models.Model], tuple[str, ...]] = {}


def copied(value: Any) -> Any:
    """Return ``value``, deep-copied when it could be changed in place."""
    return copy.deepcopy(value) if isinstance(value, MUTABLE) else value


def differs(before: Any, after: Any) -> bool:
    """Tell whether a column value changed (identity first, then equality)."""
    if before is after:
        return False
    try:
        return bool(before != after)
    except Exception:  # a value type whose comparison fails: count it as changed
        return True


# -- what a transition writes ---------------------------------------------------------------


def changed_values(
    instance: Any,
    baseline: dict[str, Any],
    state_field: models.Field[Any, Any] | None,
) -> list[tuple[models.Field[Any, Any], Any, bool]]:
    """Return the columns a transition writes: ``(field, value, guarded)`` triples.

    The state field (when given); other concrete fields
    when their value differs from ``baseline`` (the values when the transition started,
    updated by loads during it), or when they were absent from it (deferred, then
    assigned). Values come from each field's ``pre_save``. ``guarded`` is True for a
    column whose ``baseline`` value the UPDATE may require (optimistic locking).
    ``auto_now`` fields are stamped when anything else is written.
    """
    values = instance.__dict__
    result: list[tuple[Any, Any, bool]] = []
    stamped = []
    for field, attname, auto_now in _columns(type(instance)):
        if field is state_field:
            result.append((field, values[attname], False))
        elif auto_now:
            stamped.append(field)
        elif attname not in values:
            continue
        elif attname not in baseline:
            result.append((field, field.pre_save(instance, False), False))
        elif differs(baseline[attname], values[attname]):
            result.append((field, field.pre_save(instance, False), True))
    if result:
        result += [(field, field.pre_save(instance, False), False) for field in stamped]
    return result


def _columns(model: type[models.Model]) -> tuple[tuple[Any, str, bool], ...]:
    """The concrete fields of ``model`` a transition may write: (field, attname, auto_now)."""
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = _COLUMNS[model] = tuple(
            (field, field.attname, bool(getattr(field, "auto_now", False)))
            for field in model._meta.concrete_fields
            if not field.primary_key
        )
    return columns


_COLUMNS: dict[type[models.Model], tuple[tuple[Any, str, bool], ...]] = {}


# -- the model's own methods ----------------------------------------------------------------


def install(model: type[models.Model]) -> None:
    """Wrap the methods of ``model`` that read and write rows, once per class hierarchy.

    ``from_db`` and ``refresh_from_db`` record what was loaded, ``save_base`` what was
    saved, and ``_do_update`` applies the plain-``save()`` rule to state columns.
    """
    if getattr(model._do_update, "_statecore", False):
        return  # inherited from a model already wrapped
    from_db = model.from_db.__func__  # type: ignore[attr-defined]
    model.from_db = classmethod(_wrap_from_db(from_db))  # type: ignore[assignment, method-assign]
    model.refresh_from_db = _wrap_refresh(model.refresh_from_db)  # type: ignore[method-assign]
    model.save_base = _wrap_save_base(model.save_base)  # type: ignore[method-assign]
    model._do_update = _wrap_do_update(model._do_update)  # type: ignore[method-assign]


def _mark(wrapper: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    functools.update_wrapper(wrapper, original)
    wrapper._statecore = True  # type: ignore[attr-defined]
    return wrapper


def _wrap_from_db(original: Callable[..., Any]) -> Callable[..., Any]:
    def from_db(cls: type[models.Model], *args: Any, **kwargs: Any) -> Any:
        instance = original(cls, *args, **kwargs)
        instance._state.__dict__[LOADED] = snapshot_values(instance)
        return instance

    return _mark(from_db, original)


def _wrap_refresh(original: Callable[..., Any]) -> Callable[..., Any]:
    def refresh_from_db(self: models.Model, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        token = reloading.set(self)
        try:
            original(self, *args, **kwargs)
        finally:
            reloading.reset(token)
        attnames = _attnames(self, fields)
        remember(self, attnames)
        call = self._state.__dict__.get(RUNNING)
        while call is not None:
            call.loaded_during(self, attnames)
            call = call.previous

    return _mark(refresh_from_db, original)


def _attnames(instance: models.Model, fields: Iterable[str] | None) -> list[str]:
    meta = instance._meta
    if fields is None:
        return [field.attname for field in meta.concrete_fields]
    names = []
    for name in fields:
        try:
            field = meta.get_field(name)
        except Exception:  # a related name or an attname Django resolved itself
            names.append(name)
            continue
        attname = getattr(field, "attname", None)
        if attname is not None and getattr(field, "concrete", False):
            names.append(attname)
    return names


def _wrap_save_base(original: Callable[..., Any]) -> Callable[..., Any]:
    def save_base(self: models.Model, *args: Any, **kwargs: Any) -> None:
        raw = kwargs.get("raw", args[0] if args else False)
        update_fields = kwargs.get("update_fields", args[4] if len(args) > 4 else None)
        token = _raw_saving.set(self if raw else None)
        try:
            original(self, *args, **kwargs)
        finally:
            _raw_saving.reset(token)
        attnames = _attnames(self, update_fields)
        remember(self, attnames)
        # A save() inside a running transition (its implementation or a hook) wrote these
        # columns itself: the transition starts from them, not from what it first read.
        call = self._state.__dict__.get(RUNNING)
        while call is not None:
            call.loaded_during(self, attnames)
            call = call.previous

    return _mark(save_base, original)


def _wrap_do_update(original: Callable[..., Any]) -> Callable[..., Any]:
    from .fields import StateFieldMixin

    def _do_update(
        self: models.Model,
        base_qs: models.QuerySet[Any],
        using: str,
        pk_val: Any,
        values: list[tuple[Any, ...]],
        *rest: Any,
    ) -> Any:
        if _raw_saving.get() is self:
            return original(self, base_qs, using, pk_val, values, *rest)
        kept = []
        guards: dict[str, Any] = {}
        loaded = loaded_values(self)
        for item in values:
            field = item[0]
            if isinstance(field, StateFieldMixin):
                attname = field.attname
                current = self.__dict__.get(attname)
                if field.protected and not self._state.adding:
                    continue  # never written by save(): transitions move it
                if attname in loaded:
                    if not differs(loaded[attname], current):
                        continue  # not assigned since loaded: leave the committed state
                    guards[attname] = loaded[attname]
                else:
                    guards[attname] = current  # not loaded: may not change the row's state
            kept.append(item)
        if not guards:
            return original(self, base_qs, using, pk_val, kept, *rest)
        result = original(self, base_qs.filter(**guards), using, pk_val, kept, *rest)
        if result:
            return result
        found = list(base_qs.filter(pk=pk_val).values_list(*guards))
        if not found:
            return result  # no such row: Django inserts it, as save() does
        raise _plain_save_refused(self, guards, dict(zip(guards, found[0], strict=True)))

    return _mark(_do_update, original)


def _plain_save_refused(
    instance: models.Model, expected: dict[str, Any], found: dict[str, Any]
) -> statecore.ConcurrentTransition:
    attname, wanted = next(iter(expected.items()))
    actual = str(found[attname])
    loaded = attname in loaded_values(instance)
    if loaded:
        why = (
            f"its {attname!r} was {wanted!r} when loaded and the database now holds "
            f"{actual!r} (a transition or another save committed meanwhile)"
        )
    else:
        why = (
            f"it was not loaded from the database, and saving it would change the row's "
            f"{attname!r} from {actual!r} to {instance.__dict__.get(attname)!r}"
        )
    message = (
        f"save() of {describe(instance)} was refused: {why}; nothing was written. Reload "
        f"the object (refresh_from_db()) and run a transition, or save other columns with "
        f"save(update_fields=[...])"
    )
    return statecore.ConcurrentTransition(
        message, transition=None, instance=instance, expected=str(wanted), actual=actual
    )
