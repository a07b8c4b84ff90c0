"""The atomic opt-in: one transaction per transition that saves the row and writes the logs.

With ``FSMField(atomic=True)`` a transition runs as in django-fsm, inside
``transaction.atomic()``, and then, in the same transaction:

1. the columns the transition changed are written: with ``locking="optimistic"`` (the
   default) by one ``UPDATE ... WHERE pk = <pk> AND <state> = <source>`` (no row matched:
   `ConcurrentTransition`); with ``"pessimistic"`` the row is first read with
   ``SELECT ... FOR UPDATE`` and its state compared with the object's; with ``"none"``
   by ``save(update_fields=...)``. An unsaved object is inserted.
2. statecore's log row is written when the field names a ``log_model``;
3. ``post_transition`` is sent, so django-fsm-log's ``StateLog`` row is written here.

When anything fails the transaction rolls back and the object in memory gets back every
value it had; a database conflict (serialization failure, deadlock, lock timeout) is
raised as `ConcurrentTransition`. A transition with an ``on_error`` state whose method
raised then enters that state in a second transaction (saved and logged like a
transition), and the error is re-raised. ``on_commit`` callables of the transition run
after the commit.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import DatabaseError, router, transaction

from ... import persistence
from ...wrappers import is_conflict
from .errors import ConcurrentTransition
from .signals import post_transition

if TYPE_CHECKING:
    from .fields import FSMFieldMixin
    from .transitions import FSMMeta

__all__ = ["run_atomic"]

_MISSING = object()


def run_atomic(
    field: FSMFieldMixin,
    instance: Any,
    method: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run one transition in its own transaction, saved and logged (see the module)."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    values = persistence.snapshot_values(instance)
    adding, db = instance._state.adding, instance._state.db
    source = field.get_state(instance)
    try:
        with transaction.atomic(using=alias):
            if field.locking == "pessimistic" and not adding:
                _lock(field, instance, alias, source)
            write = functools.partial(_write, field, instance, alias, values, adding, method)
            result = field.run(instance, method, args, kwargs, saved=write)
    except DatabaseError as exc:
        _restore(instance, model, values, adding, db)
        if not is_conflict(exc):
            raise
        msg = (
            f"{model.__name__} #{instance.pk} is being changed by another transaction "
            f"({exc}); reload it with refresh_from_db() and try again"
        )
        raise ConcurrentTransition(msg, instance=instance, state=str(source)) from exc
    except Exception as exc:
        _restore(instance, model, values, adding, db)
        meta: FSMMeta = method._django_fsm
        found = meta.get_transition(source)
        if found is not None and found.on_error and not isinstance(exc, ConcurrentTransition):
            _enter_on_error(field, instance, method, alias, found.on_error, args, kwargs, exc)
        raise
    meta = method._django_fsm
    found = meta.get_transition(source)
    if found is not None:
        for hook in found.on_commit:
            transaction.on_commit(functools.partial(hook, instance), using=alias)
    return result


def _lock(field: FSMFieldMixin, instance: Any, alias: str, source: Any) -> None:
    rows = type(instance)._base_manager.using(alias).select_for_update()
    held = rows.filter(pk=instance.pk).values_list(field.attname, flat=True).first()
    if held != field.value_from_object(instance):
        msg = (
            f"{type(instance).__name__} #{instance.pk} is in state {held!r} in the database, "
            f"not {source!r}; reload it with refresh_from_db() and try again"
        )
        raise ConcurrentTransition(msg, instance=instance, state=str(source))


def _write(
    field: FSMFieldMixin,
    instance: Any,
    alias: str,
    before: dict[str, Any],
    adding: bool,
    method: Any,
    source: Any,
    target: Any,
) -> None:
    """Save what the transition changed, then write statecore's log row."""
    if adding:
        instance.save(using=alias)
    else:
        changed = [
            f
            for f in instance._meta.concrete_fields
            if not f.primary_key
            and instance.__dict__.get(f.attname, _MISSING) is not _MISSING
            and before.get(f.attname, _MISSING) != instance.__dict__[f.attname]
        ]
        if field.locking == "optimistic":
            _conditional_update(field, instance, alias, before, changed)
        elif changed:
            instance.save(using=alias, update_fields=[f.name for f in changed])
    if field.log_model:
        model = apps.get_model(field.log_model)
        model.log_transition(method.__name__, str(source), str(target), instance)


def _conditional_update(
    field: FSMFieldMixin, instance: Any, alias: str, before: dict[str, Any], changed: list[Any]
) -> None:
    model = type(instance)
    expected = before.get(field.attname)
    values = {f.attname: f.pre_save(instance, False) for f in changed}
    if not values:
        values = {field.attname: expected}
    rows = model._base_manager.using(alias).filter(pk=instance.pk, **{field.attname: expected})
    if not rows.update(**values):
        msg = (
            f"{model.__name__} #{instance.pk} is no longer in state {expected!r} in the "
            f"database; reload it with refresh_from_db() and try again"
        )
        raise ConcurrentTransition(msg, instance=instance, state=str(expected))
    update_initial = getattr(instance, "_update_initial_state", None)
    if update_initial is not None:
        update_initial()


def _restore(instance: Any, model: type, values: dict[str, Any], adding: bool, db: Any) -> None:
    state = instance._state
    instance.__dict__.clear()
    instance.__dict__.update(values)
    instance.__dict__["_state"] = state
    instance.__class__ = model
    state.adding, state.db = adding, db


def _enter_on_error(
    field: FSMFieldMixin,
    instance: Any,
    method: Any,
    alias: str,
    error_state: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    exc: Exception,
) -> None:
    """Enter the ``on_error`` state in a transaction of its own, saved and logged."""
    model = type(instance)
    values = persistence.snapshot_values(instance)
    adding, db = instance._state.adding, instance._state.db
    source = field.get_state(instance)
    try:
        with transaction.atomic(using=alias):
            field.set_proxy(instance, error_state)
            field.set_state(instance, error_state)
            _write(field, instance, alias, values, adding, method, source, error_state)
            post_transition.send(
                sender=model,
                instance=instance,
                name=method.__name__,
                field=field,
                source=source,
                target=error_state,
                method_args=args,
                method_kwargs=kwargs,
                exception=exc,
            )
    except Exception as error:
        _restore(instance, model, values, adding, db)
        exc.add_note(f"entering the on_error state {error_state!r} failed too: {error!r}")
