"""The transactional, template-safe implementation wrapper of Django state fields.

`TransactionalImplementationWrapper` runs one transition inside
``transaction.atomic(using=<write alias>)``: the checks, the hooks, the implementation,
the save, the log row and the signals. On any exception the transaction (a savepoint
when one is already open) is rolled back, the in-memory object is restored to what it
was before the call (its state and every other field), `transition_failed` is sent and
the exception propagates.

Saving a saved object is one ``UPDATE`` of the changed concrete fields (the state field,
fields the transition changed, and ``auto_now`` fields), through the model's base
manager: ``Model.save()`` is not called and ``pre_save``/``post_save`` are not sent
(listen to `post_transition`). An object without a primary key yet is saved with an
ordinary ``save()``. A row deleted meanwhile is never re-inserted: the transition raises
`statecore.ConcurrentTransition`.

Locking (``Workflow.locking``):

``"none"``
    ``UPDATE ... WHERE pk = ...``: the last writer wins (two processes that loaded the
    same state may both apply a transition from it).
``"optimistic"`` (the default)
    ``UPDATE ... WHERE pk = ... AND state = <source>``; no row updated raises
    `statecore.ConcurrentTransition` (another process moved the state, or deleted the row).
``"pessimistic"``
    ``SELECT ... FOR UPDATE`` of the state when the transaction starts, compared with the
    in-memory state (a difference raises `statecore.ConcurrentTransition`: reload the
    object), then the ``UPDATE``.

Database errors that mean "conflict" (PostgreSQL serialization failure 40001, deadlock
40P01, lock not available 55P03; MariaDB/MySQL 1020 record changed, 1213 deadlock, 1205
lock wait timeout; SQLite "database is locked") are raised as
`statecore.ConcurrentTransition`, with the database error as ``__cause__``.
"""

from __future__ import annotations

import copy
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import DatabaseError, router, transaction
from django.db.transaction import TransactionManagementError

import statecore
from statecore.binding import StateDescriptor
from statecore.errors import add_note, describe
from statecore.implementation import ImplementationWrapper

from . import conf
from .signals import post_transition, pre_transition, transition_failed

if TYPE_CHECKING:
    from django.db import models

__all__ = ["TransactionalImplementationWrapper", "install_django_behaviour"]

P = ParamSpec("P")
R = TypeVar("R")

#: SQLSTATE codes of PostgreSQL conflicts.
POSTGRESQL_CONFLICTS = frozenset({"40001", "40P01", "55P03"})
#: Error numbers of MariaDB/MySQL conflicts.
MYSQL_CONFLICTS = frozenset({1020, 1205, 1213})
#: Messages of SQLite conflicts (SQLITE_BUSY, SQLITE_LOCKED).
SQLITE_CONFLICTS = ("database is locked", "database table is locked")


class TransactionalImplementationWrapper(ImplementationWrapper[P, R]):
    """Runs a transition of a Django model in one database transaction, then saves and logs.

    Calling it accepts two reserved keyword arguments, which the implementation and
    hooks do not see:

    - ``save=False``: do not write the object (the state changes in memory only);
    - ``log=False``: do not write the log row.

    Templates never call it (``do_not_call_in_templates``) and treat it as altering data
    (``alters_data``).

    .. versionadded:: 0.1
    """

    __slots__ = ("_call",)

    alters_data = True
    do_not_call_in_templates = True

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the transition in a transaction; see the class and module docs.

        Raises:
            InvalidTransitionError: not available from the current state.
            ForbiddenTransition: a condition or check hook refused it.
            TransitionPermissionDenied: the wrapper's user lacks the permission.
            ConcurrentTransition: another process changed the state or deleted the row,
                or the database reported a conflict (and no ``on_error`` state was entered).
        """
        instance = self.instance
        binding = self.binding
        alias = router.db_for_write(type(instance), instance=instance)
        call = _Call(
            alias=alias,
            field=getattr(binding.descriptor, "field", None),
            save=bool(kwargs.pop("save", True)),
            log=bool(kwargs.pop("log", True)),
            locking=self._locking(),
            snapshot=_snapshot(instance),
        )
        # A kept wrapper may be called again from inside its own call (a hook or a
        # receiver): each call keeps its own values, and the outer one gets its back.
        outer = getattr(self, "_call", None)
        self._call = call
        try:
            return self._run(call, args, kwargs)
        finally:
            self._call = outer

    def _run(self, call: _Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        instance = self.instance
        source = self.binding.descriptor.raw(instance)
        field = call.field
        connection = transaction.get_connection(call.alias)
        try:
            with transaction.atomic(using=call.alias), _ErrorRecorder(connection) as errors:
                if (
                    field is not None
                    and call.save
                    and call.locking == "pessimistic"
                    and _is_saved(instance)
                ):
                    self._lock(call, field, source)
                result = super().__call__(*args, **kwargs)
                self._refuse_doomed_commit(call, errors)
                return result
        except BaseException as exc:
            _restore(instance, call.snapshot)
            entered = None
            if call.on_error is not None:
                entered = self._persist_on_error(call, source, call.on_error, exc, args, kwargs)
            elif call.applied:
                add_note(
                    exc,
                    f"statecore_django: the transaction was rolled back; {describe(instance)} "
                    f"is back in state {source!r}.",
                )
            # A conflict means "state unchanged": not so once the on_error state was entered.
            error = self._conflict(exc, source) if entered is None else None
            self._send_failed(call, source, entered, error or exc, args, kwargs)
            if error is not None:
                raise error from exc
            raise

    def started(self, source: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Send `pre_transition` once the checks passed, before the first before-hook."""
        if pre_transition.has_listeners(type(self.instance)):
            pre_transition.send(**self._signal(source, self.binding.target, args, kwargs))

    # -- persistence ----------------------------------------------------------------------

    def commit_state(
        self, source: str, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Set the state, save the object (unless ``save=False``), log, send the signal.

        The core's step only stores and logs; here the object is saved in between, the
        log row gets ``user`` from ``as_user()``, and `post_transition` follows (not for
        the ``on_error`` state entered after a failure: `transition_failed` reports that).

        Args:
            source: the state the object leaves.
            target: the state it enters.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """
        call = self._call
        binding = self.binding
        instance = self.instance
        descriptor = binding.descriptor
        if not call.entering_on_error:
            call.target = target
        descriptor.store(instance, target)
        field = call.field
        if field is not None and field.is_relation and field.is_cached(instance):
            field.delete_cached_value(instance)
        if call.save and field is not None:
            self._write(call, field, source)
        if call.log and binding.logs and not (not call.save and _no_pk(instance)):
            log_kwargs = kwargs
            if self.user is not None and "user" not in kwargs:
                log_kwargs = {**kwargs, "user": self.user}
            self.write_log(source, args, log_kwargs)
        call.applied = True
        if not call.entering_on_error and post_transition.has_listeners(type(instance)):
            post_transition.send(**self._signal(source, target, args, kwargs))

    def _write(self, call: _Call, field: models.Field[Any, Any], source: str) -> None:
        """Save the object: one UPDATE of the changed fields, or save() when unsaved."""
        instance = self.instance
        alias = call.alias
        if not _is_saved(instance):
            # post_save logs the creation (log_creation): in the source state, not the
            # target the object is inserted with.
            token = _creating.set((instance, self.binding.descriptor.name, source))
            try:
                instance.save(using=alias)
            finally:
                _creating.reset(token)
            return
        values: dict[type[models.Model], dict[str, Any]] = {}
        for changed in _changed_fields(instance, call.snapshot[0], field):
            owner = changed.model._meta.concrete_model
            if getattr(changed, "auto_now", False):
                value = changed.pre_save(instance, False)
            else:
                value = instance.__dict__[changed.attname]
            values.setdefault(owner, {})[changed.attname] = value
        row = self._row(call, field)
        query = row.filter(**{field.attname: source}) if call.locking == "optimistic" else row
        if not query.update(**values.pop(field.model._meta.concrete_model)):
            found = [str(value) for value in row.values_list(field.attname, flat=True)]
            raise self._stale(source, found[0] if found else None)
        for owner, changes in values.items():
            owner._base_manager.using(alias).filter(pk=instance.pk).update(**changes)

    def _row(self, call: _Call, field: models.Field[Any, Any]) -> models.QuerySet[Any]:
        """The object's row in the table of ``field``'s model, on the call's database.

        Built once per call and shared by the lock and the UPDATE: each queryset method
        clones the query, which costs about as much as running a statement on SQLite.
        """
        if call.row is None:
            owner = field.model._meta.concrete_model
            call.row = owner._base_manager.db_manager(call.alias).filter(pk=self.instance.pk)
        return call.row

    def _lock(self, call: _Call, field: models.Field[Any, Any], source: str) -> None:
        """Lock the row (SELECT ... FOR UPDATE) and check that ``field`` still holds ``source``."""
        rows = self._row(call, field).select_for_update().values_list(field.attname, flat=True)
        found = [str(value) for value in rows]
        actual = found[0] if found else None
        if actual != source:
            raise self._stale(source, actual)

    def _refuse_doomed_commit(self, call: _Call, errors: _ErrorRecorder) -> None:
        """Raise when a database error inside the transaction was caught and ignored.

        On PostgreSQL (or after an ORM error) the transaction can no longer commit:
        leaving ``atomic()`` would roll back silently while the caller is told the
        transition succeeded. On MariaDB and SQLite it could commit, but only part of
        what the transition's code meant to write: refused all the same.
        """
        connection = transaction.get_connection(call.alias)
        if not (connection.needs_rollback or _aborted(connection) or errors.swallowed):
            return
        msg = (
            f"transition {self.binding.transition.name!r} of {describe(self.instance)} was "
            f"not applied: a database error inside its transaction was caught and ignored, "
            f"so the database rolls the transaction back; let the error propagate, or run "
            f"the failing query in its own transaction.atomic() block"
        )
        raise TransactionManagementError(msg)

    def _locking(self) -> str:
        mode = getattr(self.binding.descriptor.workflow, "locking", None)
        return mode if mode is not None else conf.locking()

    def _signal(
        self, source: str, target: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The keyword arguments the three signals share (see `statecore_django.signals`)."""
        binding = self.binding
        states = type(binding.descriptor.workflow).states
        return {
            "sender": type(self.instance),
            "instance": self.instance,
            "transition": binding.transition,
            "source": states[source] if source in states else statecore.State(source),
            "target": states[target] if target is not None else None,
            "field": binding.descriptor.name,
            "args": args,
            "kwargs": kwargs,
            "user": self.user,
        }

    # -- failures -------------------------------------------------------------------------

    def _stale(self, source: str, actual: str | None) -> statecore.ConcurrentTransition:
        transition = self.binding.transition.name
        instance = self.instance
        if actual is None:
            what = "its row no longer exists in the database"
        else:
            what = f"the database holds state {actual!r}"
        message = (
            f"{describe(instance)} was in state {source!r} in memory but {what}, so "
            f"transition {transition!r} was not applied; reload the object "
            f"(refresh_from_db()) and decide again"
        )
        return statecore.ConcurrentTransition(
            message, transition=transition, instance=instance, expected=source, actual=actual
        )

    def _conflict(self, exc: BaseException, source: str) -> statecore.ConcurrentTransition | None:
        """Return the ConcurrentTransition a database conflict error stands for, if it is one."""
        if not isinstance(exc, DatabaseError) or not is_conflict(exc):
            return None
        transition = self.binding.transition.name
        message = (
            f"transition {transition!r} of {describe(self.instance)} conflicted with another "
            f"transaction ({exc}); it was rolled back: reload the object and try again"
        )
        return statecore.ConcurrentTransition(
            message, transition=transition, instance=self.instance, expected=source, actual=None
        )

    def enter_on_error(
        self,
        source: str,
        on_error: str,
        exc: BaseException,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        """Remember to enter ``on_error`` once the transaction has rolled back.

        Entering it now would be undone by the rollback: `__call__` enters it afterwards,
        in a transaction of its own.

        Args:
            source: the state the object was leaving.
            on_error: the state to enter.
            exc: the implementation's exception.
            args: the call's positional arguments.
            kwargs: the call's keyword arguments.
        """
        self._call.on_error = on_error

    def _persist_on_error(
        self,
        call: _Call,
        source: str,
        on_error: str,
        exc: BaseException,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> statecore.State | None:
        """Enter ``on_error`` on the restored object; return its State, or None if that failed."""
        instance = self.instance
        call.entering_on_error = True
        try:
            with transaction.atomic(using=call.alias):
                self.commit_state(source, on_error, args, kwargs)
        except BaseException as failure:
            _restore(instance, call.snapshot)
            add_note(
                exc,
                f"statecore_django: entering state {on_error!r} (on_error) failed too: "
                f"{failure!r}; {describe(instance)} stays in state {source!r}.",
            )
            return None
        add_note(
            exc,
            f"statecore_django: the transaction was rolled back, then {describe(instance)} "
            f"entered state {on_error!r} (on_error of transition "
            f"{self.binding.transition.name!r}).",
        )
        return type(self.binding.descriptor.workflow).states[on_error]  # type: ignore[no-any-return]

    def _send_failed(
        self,
        call: _Call,
        source: str,
        entered: statecore.State | None,
        exc: BaseException,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if not transition_failed.has_listeners(type(self.instance)):
            return
        target = call.target if call.target is not None else self.binding.target
        transition_failed.send(
            **self._signal(source, target, args, kwargs), entered=entered, exception=exc
        )


class _Call:
    """What one call of a transition carries from step to step.

    Attributes:
        alias: the database the transition writes to.
        field: the model field holding the state (None for a plain workflow on a model).
        save: False when called with ``save=False``.
        log: False when called with ``log=False``.
        locking: the workflow's locking mode.
        snapshot: the object's memory before the call, restored on failure.
        on_error: the on_error state to enter once the transaction rolled back.
        entering_on_error: True while that state is being entered.
        applied: True once the state was set, saved and logged.
        target: the state the transition enters, once known.
    """

    __slots__ = (
        "alias",
        "applied",
        "entering_on_error",
        "field",
        "locking",
        "log",
        "on_error",
        "row",
        "save",
        "snapshot",
        "target",
    )

    def __init__(
        self,
        *,
        alias: str,
        field: models.Field[Any, Any] | None,
        save: bool,
        log: bool,
        locking: str,
        snapshot: _Snapshot,
    ) -> None:
        self.alias = alias
        self.field = field
        self.save = save
        self.log = log
        self.locking = locking
        self.snapshot = snapshot
        self.on_error: str | None = None
        self.entering_on_error = False
        self.applied = False
        self.target: str | None = None
        #: The object's row of the state field's table, as a queryset (see ``_row``).
        self.row: models.QuerySet[Any] | None = None


def is_conflict(exc: BaseException) -> bool:
    """Tell whether a database error is a concurrency conflict (serialization, deadlock, lock).

    Args:
        exc: a Django ``DatabaseError`` (its ``__cause__`` is the driver's error).

    Returns:
        True for PostgreSQL 40001/40P01/55P03, MariaDB/MySQL 1020/1205/1213 and
        SQLite's "database is locked" / "database table is locked".
    """
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code is not None:
        return code in POSTGRESQL_CONFLICTS
    if type(cause).__module__ == "sqlite3":
        return str(cause).startswith(SQLITE_CONFLICTS)
    args = getattr(cause, "args", ())
    return bool(args) and args[0] in MYSQL_CONFLICTS


# -- the object's memory ----------------------------------------------------------------------

_Snapshot = tuple[dict[str, Any], dict[str, Any], bool, Any]

#: Types of field values a transition could change in place (JSON values, arrays).
_MUTABLE = (dict, list, set, bytearray)


def _snapshot(instance: Any) -> _Snapshot:
    """Copy what a failed transition must restore.

    ``__dict__`` is copied shallowly, so caches (prefetched objects, ``to_attr`` lists)
    come back as the very objects they were; the values of concrete fields that can be
    changed in place (JSON, arrays) are copied deeply. ``_state`` keeps its own object,
    with its saved/database flags and the cache of related objects copied.
    """
    values = instance.__dict__.copy()
    del values["_state"]
    for field in instance._meta.concrete_fields:
        value = values.get(field.attname)
        if isinstance(value, _MUTABLE):
            values[field.attname] = copy.deepcopy(value)
    state = instance._state
    return values, state.fields_cache.copy(), state.adding, state.db


def _restore(instance: Any, snapshot: _Snapshot) -> None:
    values, related, adding, db = snapshot
    current = instance.__dict__
    state = current["_state"]
    current.clear()
    current.update(values)
    current["_state"] = state
    state.fields_cache = related.copy()
    state.adding = adding
    state.db = db


def _aborted(connection: Any) -> bool:
    """Tell whether a PostgreSQL transaction is in the failed state (psycopg 2 and 3)."""
    info = getattr(connection.connection, "info", None)
    return getattr(info, "transaction_status", None) == 3  # INERROR


def _is_saved(instance: Any) -> bool:
    return not instance._state.adding and instance.pk is not None


def _no_pk(instance: Any) -> bool:
    return instance.pk is None


def _changed_fields(
    instance: Any, before: dict[str, Any], state_field: models.Field[Any, Any]
) -> list[models.Field[Any, Any]]:
    """The concrete fields to write: the state, changed values, and ``auto_now`` fields."""
    values = instance.__dict__
    changed = []
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        attname = field.attname
        if (
            field is state_field
            or getattr(field, "auto_now", False)
            or (attname in values and (attname not in before or before[attname] != values[attname]))
        ):
            changed.append(field)
    return changed


class _ErrorRecorder:
    """Notes the database errors raised by statements of a transition's own transaction.

    An error raised inside a deeper ``atomic()`` block was rolled back to that block's
    savepoint and does not count; one raised at the transition's own level and then
    caught means part of the transition's writes failed.
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.depth = 0
        self.swallowed: list[BaseException] = []

    def __enter__(self) -> _ErrorRecorder:
        self.depth = len(self.connection.savepoint_ids)
        self._wrapping = self.connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._wrapping.__exit__(*exc_info)

    def __call__(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if len(self.connection.savepoint_ids) <= self.depth:
                self.swallowed.append(exc)
            raise


# -- binding ------------------------------------------------------------------------------------


def install_django_behaviour(
    cls: type[models.Model], descriptors: dict[str, StateDescriptor]
) -> None:
    """Make the transitions just bound on a model class Django-aware.

    The class gets ``get_available_<field>_transitions(user=None)`` per state field, and
    ``post_save`` logs creations for workflows with ``log_creation = True``.
    """
    for name in descriptors:
        method = f"get_available_{name}_transitions"
        if method not in vars(cls):
            setattr(cls, method, _available_method(name))
    if any(getattr(d.workflow, "log_creation", False) for d in descriptors.values()):
        from django.db.models.signals import post_save

        post_save.connect(
            _log_creation, sender=cls, weak=False, dispatch_uid=f"statecore_django:{cls!r}"
        )


def _available_method(field: str) -> Any:
    def available(self: Any, user: Any = None) -> list[ImplementationWrapper[Any, Any]]:
        return statecore.available_transitions(self, field=field, user=user)

    available.__name__ = f"get_available_{field}_transitions"
    available.__doc__ = (
        f"Return the transitions of {field!r} that can run now (for ``user`` when given)."
    )
    return available


#: The object a transition is inserting, its state field, and the state it leaves.
_creating: ContextVar[tuple[Any, str, str] | None] = ContextVar(
    "statecore_django_creating", default=None
)


def _log_creation(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    creating = _creating.get()
    for name, workflow in type(instance)._workflows.items():
        if getattr(workflow, "log_creation", False):
            state = None
            if creating is not None and creating[0] is instance and creating[1] == name:
                state = creating[2]  # inserted by its first transition, still leaving this
            workflow.log_created(instance, name, state=state)
