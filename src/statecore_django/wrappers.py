"""The transactional, template-safe implementation wrapper of Django state fields.

`TransactionalImplementationWrapper` runs one transition inside
``transaction.atomic(using=<write alias>)``: the checks, the hooks, the implementation,
the save, the log row and the signals. What it writes is the rule of
`statecore_django.persistence` (docs/django.md, "What a transition writes"): the columns
the transition's code changed, with one ``UPDATE`` of the state's table (conditional on
the locking mode) and the log ``INSERT``; an unsaved object is inserted with
``save(force_insert=True)``. ``Model.save()`` is not called for a saved object, so
``pre_save``/``post_save`` are not sent (listen to `post_transition`).

On any exception inside the transaction, it is rolled back (to its savepoint when the
caller opened a transaction), the in-memory object is restored to what it was before the
call (its state, every other field, its class), and so is every object whose transition
ran inside this one (a hook's transition of another object). `transition_failed` is
sent and the exception propagates with a note saying what the database holds. An error
raised after COMMIT (an `statecore_django.on_commit` hook) leaves the transition standing
and says so.

Awaited (``acall``, ``aexplain``, ``ais_available``), the same sync path runs in a worker
thread with ``sync_to_async(thread_sensitive=True)``, and awaits the workflow's async
callables on the event loop from there (docs/django.md, "Async views").

Locking (``Workflow.locking``):

``"none"``
    ``UPDATE ... WHERE pk = ...``: the last writer wins.
``"optimistic"`` (the default)
    ``UPDATE ... WHERE pk = ... AND state = <source>`` and, for each other column the
    transition writes, ``AND column = <the value its code started from>``; no row
    updated raises `statecore.ConcurrentTransition`.
``"pessimistic"``
    ``SELECT ... FOR UPDATE`` of the row's loaded columns before the transition's code
    runs: a state that differs from the in-memory one raises
    `statecore.ConcurrentTransition`; the other columns the program did not change since
    loading take the row's values. Then ``UPDATE ... WHERE pk = ...`` (the row is locked).

Entering an ``on_error`` state after the rollback follows the same locking mode.

Database errors that mean "conflict" (PostgreSQL serialization failure 40001, deadlock
40P01, lock not available 55P03; MariaDB/MySQL 1020 record changed, 1213 deadlock, 1205
lock wait timeout; SQLite "database is locked") are raised as
`statecore.ConcurrentTransition`, with the database error as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from django.db import DatabaseError, router, transaction
from django.db.transaction import TransactionManagementError

import statecore
from statecore import awaitables
from statecore.binding import StateDescriptor
from statecore.errors import add_note, describe
from statecore.implementation import ImplementationWrapper

from . import conf, persistence
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

#: The keyword arguments a transition call keeps for itself (``save=False``, ``log=False``).
RESERVED_ARGUMENTS = frozenset({"save", "log"})

#: The innermost transition running in this thread or task (any object).
_running: ContextVar[_Call | None] = ContextVar("statecore_django_running", default=None)


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
            ConcurrentTransition: another process changed the row or deleted it, the
                object was deleted or its primary key is taken by an existing row, or
                the database reported a conflict (and no ``on_error`` state was entered).
        """
        binding = self.binding
        if binding.awaits and not awaitables.can_wait():
            # Before any transaction opens: the coroutine of acall, or AwaitRequired.
            return self._awaited_form(args, kwargs)
        instance = self.stored_object()
        field = getattr(binding.descriptor, "field", None)
        call = _Call(
            instance=instance,
            alias=router.db_for_write(type(instance), instance=instance),
            field=field,
            save=bool(kwargs.pop("save", True)),  # RESERVED_ARGUMENTS
            log=bool(kwargs.pop("log", True)),
            locking=self._locking(),
        )
        # A kept wrapper may be called again from inside its own call (a hook or a
        # receiver): each call keeps its own values, and the outer one gets its back.
        outer = getattr(self, "_call", None)
        self._call = call
        try:
            return self._run(call, args, kwargs)
        finally:
            self._call = outer  # type: ignore[assignment]

    # -- the awaitable forms ---------------------------------------------------------------
    #
    # Django's transactions belong to a thread's connection, and its ORM refuses to run on
    # an event loop. So the awaitable forms run the whole sync path, transaction included,
    # in a worker thread with sync_to_async(thread_sensitive=True): the thread (and so the
    # connection) of the caller's other sync_to_async calls. Async callables are awaited
    # from there on the event loop with async_to_sync while the worker thread waits; their
    # ORM calls through Django's async API (or sync_to_async) come back to this waiting
    # thread, inside the transaction. The guarantees are therefore the sync call's.

    async def acall(self, *args: Any, **kwargs: Any) -> Any:
        """Run the transition from async code, with the guarantees of the sync call.

        One transaction, the locking mode, the log row, the signals, ``on_commit`` hooks
        and the in-memory restore on failure, exactly as when called; the transactional
        block runs in a worker thread (``sync_to_async(thread_sensitive=True)``), and
        async hooks, guards, permissions and implementations are awaited on the event
        loop from inside it. Accepts ``save=False`` and ``log=False`` too.

        .. versionadded:: 0.1
        """
        return await sync_to_async(_waiting_call, thread_sensitive=True)(self, args, kwargs)

    async def aexplain(self, user: Any = None) -> statecore.Availability:
        """The awaitable form of ``explain()``, evaluated in a worker thread (see `acall`).

        .. versionadded:: 0.1
        """
        result: statecore.Availability = await sync_to_async(_waiting_call, thread_sensitive=True)(
            self.explain, (user,), {}
        )
        return result

    async def ais_available(self, user: Any = None) -> bool:
        """The awaitable form of ``is_available()``, evaluated in a worker thread (see `acall`).

        .. versionadded:: 0.1
        """
        result: bool = await sync_to_async(_waiting_call, thread_sensitive=True)(
            self.is_available, (user,), {}
        )
        return result

    def _run(self, call: _Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        instance = call.instance
        source = self.binding.descriptor.raw(self.instance)
        connection = call.connection = transaction.get_connection(call.alias)
        call.enclosed = connection.in_atomic_block
        enclosing = _running.get()
        token = _running.set(call)
        state = instance._state
        call.previous = state.__dict__.get(persistence.RUNNING)
        state.__dict__[persistence.RUNNING] = call
        fetch_mode = _fetch_one_by_one(state) if "fetch_mode" in state.__dict__ else None
        try:
            try:
                with transaction.atomic(using=call.alias), _ErrorRecorder(connection) as errors:
                    if not call.enclosed:
                        transaction.on_commit(call.mark_committed, using=call.alias)
                    if call.writes:
                        self._prepare_row(call, source)
                    result = super().__call__(*args, **kwargs)
                    if call.written:
                        self._write(call, source, after_hooks=True)
                    self._refuse_doomed_commit(call, errors)
            except BaseException as exc:
                if call.committed:
                    self._failed_after_commit(call, exc)
                    raise
                entered = self._roll_back(call, source, exc, args, kwargs)
                # A conflict means "state unchanged": not so once the on_error state was entered.
                error = self._conflict(exc, source) if entered is None else None
                self._send_failed(call, source, entered, error or exc, args, kwargs)
                if error is not None:
                    raise error from exc
                raise
        finally:
            _running.reset(token)
            state.__dict__[persistence.RUNNING] = call.previous
            if fetch_mode is not None:
                state.fetch_mode = fetch_mode
        if enclosing is not None and enclosing.alias == call.alias:
            # Undone with the enclosing transition's transaction if that one fails.
            enclosing.nested.append((instance, call.snapshot))
            enclosing.nested.extend(call.nested)
        return result

    def started(self, source: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Send `pre_transition` once the checks passed, before the first before-hook."""
        sender = self._call.sender
        if pre_transition.receivers and pre_transition.has_listeners(sender):
            pre_transition.send(**self._signal(source, self.binding.target, args, kwargs))

    def stored_object(self) -> models.Model:
        """Return the model object whose row the transition writes: the object itself.

        A flow class (`statecore_django.Flow`) returns the model object it wraps; the
        implementation and hooks still run on the object the transition was called on.

        .. versionadded:: 0.1
        """
        return self.instance  # type: ignore[no-any-return]

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
        instance = call.instance
        if not call.entering_on_error:
            call.target = target
        binding.descriptor.store(self.instance, target)
        field = call.field
        if field is not None and field.is_relation and field.is_cached(instance):  # type: ignore[attr-defined]
            field.delete_cached_value(instance)  # type: ignore[attr-defined]
        if call.writes:
            self._write(call, source, after_hooks=False)
        if call.log and binding.logs and not (not call.save and instance.pk is None):
            log_kwargs = kwargs
            if self.user is not None:
                # The acting user is the adapter's to record: a call argument (or a form
                # field) named "user" never replaces it.
                log_kwargs = {**kwargs, "user": self.user}
            self.write_log(source, args, log_kwargs)
        call.applied = True
        if (
            not call.entering_on_error
            and post_transition.receivers
            and post_transition.has_listeners(call.sender)
        ):
            post_transition.send(**self._signal(source, target, args, kwargs))

    def applied_then_failed(self, exc: BaseException, source: str, target: str) -> None:
        """Say nothing yet: the transaction is rolled back, and the rollback note says so."""

    def _prepare_row(self, call: _Call, source: str, *, reload: bool = True) -> None:
        """Refuse what must not be written; take the pessimistic lock (and read the row)."""
        instance = call.instance
        transition = self.binding.transition.name
        if instance.pk is None:
            if not instance._state.adding:
                raise self._not_applied(
                    source,
                    f"{describe(instance)} was deleted, so transition {transition!r} was not "
                    f"applied; a deleted object is never inserted again: create a new one",
                )
            return
        if instance._state.adding:
            if _rows(call, instance._meta.concrete_model).filter(pk=instance.pk).exists():
                raise self._not_applied(
                    source,
                    f"{describe(instance)} is a new object, but a row with its primary key "
                    f"already exists, so transition {transition!r} was not applied (it would "
                    f"overwrite that row); load the row with "
                    f"{type(instance).__name__}.objects.get(pk=...) and run the transition on it",
                )
            return
        if call.locking == "pessimistic":
            self._lock(call, source, reload=reload)

    def _lock(self, call: _Call, source: str, *, reload: bool) -> None:
        """``SELECT ... FOR UPDATE`` the row; check the state; take unchanged columns' values.

        With ``reload``, every loaded column is read: one the program did not change
        since it was loaded takes the row's value (the transition's code then reads
        what is committed), one it changed keeps its value. Without, only the state.
        """
        instance = call.instance
        field = call.field
        values = instance.__dict__
        if reload:
            attnames = [
                f.attname
                for f in instance._meta.concrete_fields
                if f.attname in values and not f.primary_key
            ]
        else:
            attnames = [field.attname]  # type: ignore[union-attr]
        locked = _rows(call, instance._meta.concrete_model).filter(pk=instance.pk)
        call.locked = locked
        rows = list(locked.select_for_update().values_list(*attnames))
        if not rows:
            raise self._stale(source, None)
        row = dict(zip(attnames, rows[0], strict=True))
        actual = str(row[field.attname])  # type: ignore[union-attr]
        if actual != source:
            raise self._stale(source, actual)
        if not reload:
            return
        loaded = persistence.loaded_values(instance)
        fresh: dict[str, Any] = {}
        for model_field in instance._meta.concrete_fields:
            attname = model_field.attname
            if attname not in row:
                continue
            value = row[attname]
            if attname in loaded and not persistence.differs(loaded[attname], values[attname]):
                if persistence.differs(values[attname], value):
                    values[attname] = value
                    if model_field.is_relation and model_field.is_cached(instance):
                        model_field.delete_cached_value(instance)
                fresh[attname] = value
        persistence.record(instance, row)
        if fresh:
            call.baseline = {**call.baseline, **fresh}

    def _write(self, call: _Call, source: str, *, after_hooks: bool) -> None:
        """Write the columns the transition changed (see `statecore_django.persistence`).

        The first write (``after_hooks=False``) inserts an unsaved object, or updates the
        state's row under the locking mode's condition. The second runs after the enter
        and after hooks, for what they changed, and does nothing when they changed
        nothing.
        """
        instance = call.instance
        field = call.field
        if instance._state.adding or instance.pk is None:
            if after_hooks:
                return
            # post_save logs the creation (log_creation): in the source state, not the
            # target the object is inserted with.
            token = _creating.set((instance, self.binding.descriptor.name, source))
            try:
                instance.save(using=call.alias, force_insert=True)
            finally:
                _creating.reset(token)
            call.written = True
            call.baseline = persistence.snapshot_values(instance)
            return
        changes = persistence.changed_values(
            instance, call.baseline, None if after_hooks else field
        )
        if not changes:
            return
        by_table: dict[type[models.Model], dict[str, Any]] = {}
        conditions: dict[type[models.Model], dict[str, Any]] = {}
        optimistic = call.locking == "optimistic"
        for changed, value, guarded in changes:
            table: type[models.Model] = changed.model._meta.concrete_model  # type: ignore[assignment]
            by_table.setdefault(table, {})[changed.attname] = value
            if guarded and optimistic:
                conditions.setdefault(table, {})[changed.attname] = call.baseline[changed.attname]
        state_table = field.model._meta.concrete_model if field is not None else None
        # Optimistic: the state is the UPDATE's condition. Pessimistic: the row is locked
        # and its state was checked under the lock, so the condition would add nothing.
        if not after_hooks and optimistic and state_table is not None:
            conditions.setdefault(state_table, {})[field.attname] = source  # type: ignore[union-attr]
        # The state's table first: its condition decides whether the transition applies.
        order = list(by_table)
        if len(order) > 1:
            order.sort(key=lambda table: table is not state_table)
        for table in order:
            where = conditions.get(table, {})
            lookups = {
                (f"{name}__isnull" if value is None else name): (True if value is None else value)
                for name, value in where.items()
            }
            if not lookups and call.locked is not None and call.locked.model is table:
                rows = call.locked  # the pk filter the lock was taken with
            else:
                rows = _rows(call, table).filter(pk=instance.pk, **lookups)
            if not rows.update(**by_table[table]):
                raise self._refused_update(call, table, source, where)
        call.written = True
        instance._state.db = call.alias
        written = [changed.attname for changed, _value, _guarded in changes]
        persistence.remember(instance, written)
        # What the row now holds (an F() expression, which remember() leaves out, as is).
        loaded = persistence.loaded_values(instance)
        current = instance.__dict__
        fresh = {name: loaded.get(name, current[name]) for name in written}
        # What this call wrote is the starting point of every transition of the object
        # that is running around it.
        running = instance._state.__dict__.get(persistence.RUNNING)
        while running is not None:
            running.baseline = {**running.baseline, **fresh}
            running = running.previous

    def _refused_update(
        self, call: _Call, table: type[models.Model], source: str, where: dict[str, Any]
    ) -> statecore.ConcurrentTransition:
        """Say why a conditional UPDATE matched no row: the row is gone, or what changed."""
        instance = call.instance
        field = call.field
        names = list(where) or [table._meta.pk.attname]
        found = list(_rows(call, table).filter(pk=instance.pk).values_list(*names))
        if not found:
            return self._stale(source, None)
        row = dict(zip(names, found[0], strict=True))
        if field is not None and field.attname in row and str(row[field.attname]) != source:
            return self._stale(source, str(row[field.attname]))
        changed = [name for name in names if persistence.differs(where.get(name), row[name])]
        transition = self.binding.transition.name
        message = (
            f"transition {transition!r} of {describe(instance)} was not applied: "
            f"{', '.join(map(repr, changed)) or 'a column'} it writes changed in the "
            f"database since the transition's code read it (another process committed "
            f"meanwhile); reload the object (refresh_from_db()) and decide again"
        )
        return self._not_applied(source, message, source)

    def _refuse_doomed_commit(self, call: _Call, errors: _ErrorRecorder) -> None:
        """Raise when a database error inside the transaction was caught and ignored.

        On PostgreSQL (or after an ORM error) the transaction can no longer commit:
        leaving ``atomic()`` would roll back silently while the caller is told the
        transition succeeded. On MariaDB and SQLite it could commit, but only part of
        what the transition's code meant to write: refused all the same.
        """
        connection = call.connection
        if not (connection.needs_rollback or errors.swallowed or _aborted(connection)):
            return
        msg = (
            f"transition {self.binding.transition.name!r} of {describe(self._call.instance)} was "
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
            "sender": self._call.sender,
            "instance": self._call.instance,
            "transition": binding.transition,
            "source": states[source] if source in states else statecore.State(source),
            "target": states[target] if target is not None else None,
            "field": binding.descriptor.name,
            "args": args,
            "kwargs": kwargs,
            "user": self.user,
        }

    # -- failures -------------------------------------------------------------------------

    def _roll_back(
        self,
        call: _Call,
        source: str,
        exc: BaseException,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> statecore.State | None:
        """Restore memory after the rollback, enter ``on_error``; return the state entered."""
        instance = call.instance
        for other, snapshot in reversed(call.nested):
            _restore(other, snapshot)
        _restore(instance, call.snapshot)
        where = (
            "the transition's savepoint was rolled back (the enclosing transaction is still open)"
            if call.enclosed
            else "the transaction was rolled back"
        )
        if call.nested:
            add_note(
                exc,
                f"statecore_django: {len(call.nested)} transition(s) run inside transition "
                f"{self.binding.transition.name!r} (by its hooks or implementation) were rolled "
                f"back with it and undone in memory too.",
            )
        if call.on_error is not None:
            return self._persist_on_error(call, source, call.on_error, exc, where, args, kwargs)
        if call.applied:
            add_note(
                exc, f"statecore_django: {where}; {describe(instance)} is back in state {source!r}."
            )
        return None

    def _failed_after_commit(self, call: _Call, exc: BaseException) -> None:
        target = call.target if call.target is not None else self.binding.target
        instance = call.instance
        add_note(
            exc,
            f"statecore_django: transition {self.binding.transition.name!r} of "
            f"{describe(instance)} was committed ({describe(instance)} is in state "
            f"{target!r}, saved and logged); this error was raised after the commit, by an "
            f"on_commit hook. On_commit hooks registered after it did not run.",
        )

    def _not_applied(
        self, source: str, message: str, actual: str | None = None
    ) -> statecore.ConcurrentTransition:
        """The ConcurrentTransition of this transition, from ``source``, with ``message``."""
        return statecore.ConcurrentTransition(
            message,
            transition=self.binding.transition.name,
            instance=self._call.instance,
            expected=source,
            actual=actual,
        )

    def _stale(self, source: str, actual: str | None) -> statecore.ConcurrentTransition:
        if actual is None:
            what = "its row no longer exists in the database"
        else:
            what = f"the database holds state {actual!r}"
        message = (
            f"{describe(self._call.instance)} was in state {source!r} in memory but {what}, so "
            f"transition {self.binding.transition.name!r} was not applied; reload the object "
            f"(refresh_from_db()) and decide again"
        )
        return self._not_applied(source, message, actual)

    def _conflict(self, exc: BaseException, source: str) -> statecore.ConcurrentTransition | None:
        """Return the ConcurrentTransition a database conflict error stands for, if it is one."""
        if not isinstance(exc, DatabaseError) or not is_conflict(exc):
            return None
        message = (
            f"transition {self.binding.transition.name!r} of {describe(self._call.instance)} "
            f"conflicted with another transaction ({exc}); it was rolled back: reload the "
            f"object and try again"
        )
        return self._not_applied(source, message)

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
        in a transaction (or savepoint) of its own, under the same locking mode.

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
        where: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> statecore.State | None:
        """Enter ``on_error`` on the restored object; return its State, or None if that failed."""
        instance = call.instance
        call.entering_on_error = True
        call.baseline = call.snapshot[0]
        call.written = False
        try:
            with transaction.atomic(using=call.alias):
                if call.writes:
                    self._prepare_row(call, source, reload=False)
                self.commit_state(source, on_error, args, kwargs)
        except BaseException as failure:
            _restore(instance, call.snapshot)
            add_note(
                exc,
                f"statecore_django: {where}; entering state {on_error!r} (on_error) failed "
                f"too: {failure!r}; {describe(instance)} stays in state {source!r}.",
            )
            return None
        if call.enclosed and call.writes:
            stored = (
                f"inside the enclosing transaction: it is stored only if that transaction "
                f"commits (an exception leaving its atomic() block rolls it back, while the "
                f"object in memory keeps state {on_error!r})"
            )
        elif call.writes:
            stored = "saved and logged in a transaction of its own"
        else:
            stored = "in memory only (save=False)"
        add_note(
            exc,
            f"statecore_django: {where}, then {describe(instance)} entered state "
            f"{on_error!r} (on_error of transition {self.binding.transition.name!r}), {stored}.",
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
        if not (transition_failed.receivers and transition_failed.has_listeners(call.sender)):
            return
        target = call.target if call.target is not None else self.binding.target
        transition_failed.send(
            **self._signal(source, target, args, kwargs), entered=entered, exception=exc
        )


def _waiting_call(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """Call ``function`` in a worker thread, letting the sync path wait for awaitables."""
    with awaitables.waiting(_wait):
        return function(*args, **kwargs)


def _wait(awaitable: Any) -> Any:
    """Wait, from a worker thread, for an awaitable run on the event loop."""
    return async_to_sync(_awaited)(awaitable)


async def _awaited(awaitable: Any) -> Any:
    # On the event loop, nothing can wait: a sync transition called there is refused.
    with awaitables.waiting(None):
        return await awaitable


class _Call:
    """What one call of a transition carries from step to step.

    Attributes:
        instance: the object.
        alias: the database the transition writes to.
        connection: its connection.
        field: the model field holding the state (None for a plain workflow on a model).
        sender: the model that declares the state field: the signals' sender.
        save: False when called with ``save=False``.
        log: False when called with ``log=False``.
        writes: True when the call writes the object (a state field, and ``save``).
        locking: the workflow's locking mode.
        snapshot: the object's memory before the call, restored on failure.
        baseline: the column values the transition's code started from (see
            `persistence.changed_values`).
        enclosed: True when the caller had a transaction open (the call is a savepoint).
        previous: the transition of the same object this one runs inside, if any.
        nested: objects (and their snapshots) whose transitions ran inside this one.
        on_error: the on_error state to enter once the transaction rolled back.
        entering_on_error: True while that state is being entered.
        applied: True once the state was set, saved and logged.
        written: True once the object was written by this call.
        committed: True once the call's own transaction committed.
        target: the state the transition enters, once known.
    """

    __slots__ = (
        "alias",
        "applied",
        "baseline",
        "committed",
        "connection",
        "enclosed",
        "entering_on_error",
        "field",
        "instance",
        "locked",
        "locking",
        "log",
        "nested",
        "on_error",
        "previous",
        "save",
        "sender",
        "snapshot",
        "target",
        "writes",
        "written",
    )

    def __init__(
        self,
        *,
        instance: Any,
        alias: str,
        field: models.Field[Any, Any] | None,
        save: bool,
        log: bool,
        locking: str,
    ) -> None:
        self.instance = instance
        self.alias = alias
        self.field = field
        self.sender: type[models.Model] = (
            field.model if field is not None else instance._meta.concrete_model
        )
        self.save = save
        self.log = log
        self.writes = save and field is not None
        self.locking = locking
        self.snapshot = _snapshot(instance)
        self.baseline: dict[str, Any] = self.snapshot[0]
        self.connection: Any = None
        self.enclosed = False
        self.previous: _Call | None = None
        self.nested: list[tuple[Any, _Snapshot]] = []
        self.on_error: str | None = None
        self.entering_on_error = False
        self.applied = False
        self.written = False
        self.committed = False
        self.target: str | None = None
        #: The locked row's queryset (pessimistic): its UPDATE reuses the built filter.
        self.locked: models.QuerySet[Any] | None = None

    def mark_committed(self) -> None:
        """Record that the call's transaction committed (the first on_commit callback)."""
        self.committed = True

    def loaded_during(self, instance: Any, attnames: list[str]) -> None:
        """Columns of the object were (re)loaded while the transition ran: start from them."""
        if instance is not self.instance:
            return
        values = persistence.loaded_values(instance)
        fresh = {name: values[name] for name in attnames if name in values}
        if fresh:
            self.baseline = {**self.baseline, **fresh}


def _rows(call: _Call, model: type[models.Model]) -> models.QuerySet[Any]:
    """Every row of ``model`` on the call's database, as its base manager's queryset.

    Built directly: ``db_manager(alias).all()`` copies the manager and clones the
    queryset, which costs about as much as the rest of the call's own work.
    """
    manager = model._base_manager
    return manager._queryset_class(model=model, using=call.alias, hints=manager._hints)  # type: ignore[attr-defined, no-any-return]


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
    args: tuple[Any, ...] = getattr(cause, "args", ())
    return bool(args) and args[0] in MYSQL_CONFLICTS


# -- the object's memory ----------------------------------------------------------------------

#: values, related-object cache, adding, db, loaded values, class.
_Snapshot = tuple[dict[str, Any], dict[str, Any], bool, Any, Any, type]


def _snapshot(instance: Any) -> _Snapshot:
    """Copy what a failed transition must restore.

    ``__dict__`` is copied shallowly, so caches (prefetched objects, ``to_attr`` lists)
    come back as the very objects they were; the values of concrete fields that can be
    changed in place (JSON, arrays) are copied deeply. ``_state`` keeps its own object,
    with its saved/database flags, the cache of related objects and the loaded values.
    """
    state = instance._state
    return (
        persistence.snapshot_values(instance),
        state.fields_cache.copy(),
        state.adding,
        state.db,
        state.__dict__.get(persistence.LOADED),
        type(instance),
    )


def _restore(instance: Any, snapshot: _Snapshot) -> None:
    values, related, adding, db, loaded, cls = snapshot
    current = instance.__dict__
    state = current["_state"]
    current.clear()
    current.update(values)
    current["_state"] = state
    state.fields_cache = related.copy()
    state.adding = adding
    state.db = db
    state.__dict__[persistence.LOADED] = loaded
    if type(instance) is not cls:
        instance.__class__ = cls


def _fetch_one_by_one(state: Any) -> Any:
    """Load deferred fields of the object one by one while its transition runs.

    Django 6.1's ``FETCH_PEERS`` loads a deferred field of every object of a queryset at
    once, without ``refresh_from_db()``, so the transition could not tell the load from
    an assignment. Returns the mode to put back, or None when nothing changed.
    """
    mode = state.__dict__.get("fetch_mode")
    if mode is None or not getattr(mode, "track_peers", False):
        return None
    from django.db.models.fetch_modes import FETCH_ONE

    state.fetch_mode = FETCH_ONE
    return mode


def _aborted(connection: Any) -> bool:
    """Tell whether a PostgreSQL transaction is in the failed state (psycopg 2 and 3)."""
    info = getattr(connection.connection, "info", None)
    return getattr(info, "transaction_status", None) == 3  # INERROR


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
        connection = self.connection
        self.depth = len(connection.savepoint_ids)
        connection.execute_wrappers.append(self)  # what connection.execute_wrapper() does
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.connection.execute_wrappers.pop()

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
