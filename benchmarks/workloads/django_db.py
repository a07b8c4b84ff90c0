"""W7: one logged transition saved to SQLite and to PostgreSQL, in each locking mode.

Each worker process makes a fresh database: a SQLite file in a temporary directory, or
the PostgreSQL database ``statecore_bench`` on 127.0.0.1:5432 (dropped first if a
crashed run left it, and dropped when the worker exits). `prepare` configures Django on
it with the library's log application installed, before the library is loaded; a
database that cannot be reached makes the library unavailable, with the reason.

Each row runs three objects side by side, in one locking mode of the library and one way
of calling (`CONTEXTS`: each transition in its own transaction, or inside a
``transaction.atomic()`` block the caller opened): the library's, the hand-written
baseline's with the same guarantees in that locking mode (``baseline.saved``), and the
naive ``save()`` then ``create()`` loop (``baseline.naive``). Before timing, each is
checked: the state in memory and in the row, and the log rows, after a few transitions;
a refused transition writes nothing; a transition on an object whose row changed behind
its back is refused exactly when the locking mode promises it; and, for the library and
the baseline with the same guarantees, a log row that fails to insert leaves the row,
the log and the object as they were. Their SQL statements per transition are counted
with ``CaptureQueriesContext`` (transaction control statements left out), and go/back
rounds of the three are timed in adjacent samples of process time.
"""

from __future__ import annotations

import atexit
import importlib
import shutil
import statistics
import sys
import tempfile
from dataclasses import replace
from typing import Any

from harness import Op, Settings, check, median_interval, ratios, time_rotating
from libs import LIBRARIES, Saved, django_setup

POSTGRESQL = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DATABASE_NAME = "statecore_bench"
CHECKED = 5  # transitions driven by hand before timing: go, back, go, back, go
COUNTED_ROUNDS = 3  # go/back rounds whose statements are counted
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
SAMPLE_SCALE = 3  # a W7 sample lasts this many in-memory samples: database calls are slow
# How a transition is called: "own", each transition is its own transaction; "outer", each
# runs inside a transaction.atomic() block its caller opened (a request under
# ATOMIC_REQUESTS), so the transition's own atomic() is a savepoint.
CONTEXTS = {"own": "own transaction", "outer": "in atomic()"}

_created: set[Any] = set()


def prepare(library: str, workload: str) -> None:
    """Create ``workload``'s fresh database and configure Django in it for ``library``."""
    database = _postgresql() if workload == "W7-postgresql" else _sqlite()
    module = importlib.import_module(f"libs.{LIBRARIES.get(library, library)}")
    django_setup.configure_saved(tuple(module.DJANGO_APPS), database)


def _sqlite() -> dict[str, Any]:
    directory = tempfile.mkdtemp(prefix="statecore-w7-")
    atexit.register(shutil.rmtree, directory, True)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{directory}/bench.sqlite3"}


def _postgresql() -> dict[str, Any]:
    import psycopg

    with psycopg.connect(dbname="postgres", connect_timeout=5, autocommit=True, **POSTGRESQL) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DATABASE_NAME}")
    atexit.register(_drop_postgresql)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "HOST": POSTGRESQL["host"],
        "PORT": str(POSTGRESQL["port"]),
        "USER": POSTGRESQL["user"],
    }


def _drop_postgresql() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    try:
        with psycopg.connect(
            dbname="postgres", connect_timeout=5, autocommit=True, **POSTGRESQL
        ) as db:
            db.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
    except psycopg.Error as exc:
        print(f"could not drop database {DATABASE_NAME}: {exc}", file=sys.stderr)


def w7_sqlite(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One logged transition saved to a SQLite file, in each locking mode of the library."""
    return _saved(library, baseline, settings)


def w7_postgresql(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """One logged transition saved to PostgreSQL, in each locking mode of the library."""
    return _saved(library, baseline, settings)


def _saved(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection

    _create_tables(apps.get_models())
    database = _database(connection)
    slower = replace(settings, sample_seconds=settings.sample_seconds * SAMPLE_SCALE)
    naive = baseline.naive()
    _create_tables(naive.models)
    if library.NAME == "statecore":
        # The baselines log into a table of their own, the same as statecore's ready one.
        _check_log_columns(naive.models[0], "statecore_log.TransitionLog")
    rows = []
    for locking in library.LOCKING_MODES:
        lib, same = library.saved(locking), baseline.saved(locking)
        _create_tables([*lib.models, *same.models])
        for context in CONTEXTS:
            row = _row(library, locking, context, (lib, same, naive), slower)
            rows.append({**row, "database": database})
    return {"rows": rows}


def _row(
    library: Any,
    locking: str,
    context: str,
    subjects: tuple[Saved, Saved, Saved],
    settings: Settings,
) -> dict[str, Any]:
    """Check, count and time the library, its same-guarantees baseline and the naive loop.

    The rollback check runs on the baseline with the same guarantees, and on the library
    when it says a failed transition leaves everything as it was (``RESTORES``).
    """
    name = library.NAME
    how = CONTEXTS[context]
    label = f"{name} ({locking}, {how})"
    names = (label, f"baseline ({locking}, {how})", f"naive loop ({how})")
    # The naive loop saves whatever the row holds: the guarantees of locking "none".
    modes = (locking, locking, "none")
    for who, subject, mode in zip(names, subjects, modes, strict=True):
        _check(who, _within(subject, context))
        _check_stale(who, _within(subject, context), refuses=mode != "none")
    _check_rollback(names[1], subjects[1], context)
    if library.RESTORES:
        _check_rollback(names[0], subjects[0], context)
    within = [_within(subject, context) for subject in subjects]
    objects = [subject.make() for subject in within]
    counted = [_statements(subject, obj) for subject, obj in zip(within, objects, strict=True)]
    rotated = time_rotating(
        [_round(subject, obj) for subject, obj in zip(within, objects, strict=True)], settings
    )
    for who, subject, obj in zip(names, within, objects, strict=True):
        _check_state(who, subject, obj, "a", "after timing")
    mine, same, naive = rotated.process
    walls = [statistics.median(wall) for wall in rotated.wall]
    versus_same, versus_naive = ratios(mine, same), ratios(mine, naive)
    return {
        "library": name,
        "label": label,
        "locking": locking,
        "transaction": how,
        "samples": {"library": mine, "baseline": same, "naive": naive},
        "median": statistics.median(mine),
        "baseline_median": statistics.median(same),
        "naive_median": statistics.median(naive),
        "ratio": statistics.median(versus_same),
        "ratio_interval": median_interval(versus_same),
        "naive_ratio": statistics.median(versus_naive),
        # Wall-clock time per transition, the wait for each commit included.
        "wall_median": walls[0],
        "baseline_wall_median": walls[1],
        "naive_wall_median": walls[2],
        "sql": counted[0][1],
        "baseline_sql": counted[1][1],
        "naive_sql": counted[2][1],
        "statements": counted[0][0],
        "baseline_statements": counted[1][0],
        "naive_statements": counted[2][0],
    }


def _within(subject: Saved, context: str) -> Saved:
    """``subject`` called as ``context`` says: as is, or inside a caller's atomic() block."""
    if context == "own":
        return subject
    from django.db import transaction

    go, back = subject.go, subject.back

    def go_within(obj: Any) -> None:
        with transaction.atomic():
            go(obj)

    def back_within(obj: Any) -> None:
        with transaction.atomic():
            back(obj)

    return subject._replace(go=go_within, back=back_within)


def _database(connection: Any) -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"SQLite {connection.Database.sqlite_version}"


def _create_tables(models: Any) -> None:
    """Create the tables of ``models`` not created yet (and their many-to-many tables)."""
    from django.db import connection

    missing = [model for model in models if model not in _created]
    if not missing:
        return
    with connection.schema_editor() as editor:
        for model in missing:
            editor.create_model(model)
    _created.update(missing)


def _stored(obj: Any) -> str:
    """The state in the object's row, read from the database."""
    value = type(obj)._base_manager.filter(pk=obj.pk).values_list("state", flat=True).get()
    return str(getattr(value, "name", value))


def _check_state(name: str, subject: Saved, obj: Any, expected: str, when: str) -> None:
    in_memory, stored = subject.state(obj), _stored(obj)
    check(
        in_memory == expected and stored == expected,
        f"{name}: {when}, the state is {in_memory!r} in memory and {stored!r} in the "
        f"database, expected {expected!r} in both",
    )


def _check(name: str, subject: Saved) -> None:
    """Drive a fresh saved object by hand: every step is saved and logged exactly once."""
    obj = subject.make()
    _check_state(name, subject, obj, "a", "when created")
    check(subject.log(obj) == [], f"{name}: a new object has log rows {subject.log(obj)}")
    expected: list[tuple[str, str, str]] = []
    for index in range(CHECKED):
        if index % 2:
            subject.back(obj)
            expected.append(("back", "b", "a"))
        else:
            subject.go(obj)
            expected.append(("go", "a", "b"))
    _check_state(name, subject, obj, "b", f"after {CHECKED} transitions")
    found = subject.log(obj)
    check(
        found == expected,
        f"{name}: after {CHECKED} transitions the log rows are {found}, expected {expected}",
    )
    refused = False
    try:
        subject.go(obj)
    except Exception:
        refused = True
    check(refused, f"{name}: 'go' from state 'b' was not refused")
    _check_state(name, subject, obj, "b", "after a refused 'go'")
    found = subject.log(obj)
    check(found == expected, f"{name}: a refused 'go' changed the log rows to {found}")


def _refused(call: Any, obj: Any) -> BaseException | None:
    """Call ``call(obj)``; return what it raised, or None."""
    try:
        call(obj)
    except Exception as exc:
        return exc
    return None


def _check_stale(name: str, subject: Saved, *, refuses: bool) -> None:
    """Another process moves the row to 'b': 'go' from 'a' in memory is refused, or applied.

    A locking mode that looks at the row (optimistic, pessimistic) refuses it and writes
    nothing; one that does not (none, the naive loop) writes over it and logs it.
    """
    obj = subject.make()
    type(obj)._base_manager.filter(pk=obj.pk).update(state="b")
    refused = _refused(subject.go, obj) is not None
    check(
        refused == refuses,
        f"{name}: 'go' on an object whose row another process moved to 'b' was "
        f"{'refused' if refused else 'applied'}, expected it to be "
        f"{'refused' if refuses else 'applied'}",
    )
    in_memory, stored = subject.state(obj), _stored(obj)
    check(
        in_memory == ("a" if refuses else "b") and stored == "b",
        f"{name}: after 'go' on a moved row, the state is {in_memory!r} in memory and "
        f"{stored!r} in the database, expected {'a' if refuses else 'b'!r} and 'b'",
    )
    found = subject.log(obj)
    expected = [] if refuses else [("go", "a", "b")]
    check(
        found == expected, f"{name}: 'go' on a moved row left log rows {found}, expected {expected}"
    )


def _check_rollback(name: str, subject: Saved, context: str) -> None:
    """The log row's INSERT fails: the row, the log and the object stay as they were.

    In context "outer" the caller catches the error and its transaction goes on and
    commits: the transition's savepoint alone must undo it. The object then makes the
    same transition normally.
    """
    from django.db import DatabaseError, connection, transaction

    def fail_insert(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT"):
            raise DatabaseError("the log row could not be inserted (a check of the benchmark)")
        return execute(sql, params, many, context)

    obj = subject.make()
    with connection.execute_wrapper(fail_insert):
        if context == "own":
            error = _refused(subject.go, obj)
        else:
            with transaction.atomic():
                error = _refused(subject.go, obj)
    check(error is not None, f"{name}: 'go' whose log row could not be inserted did not fail")
    when = "after 'go' whose log row could not be inserted"
    _check_state(name, subject, obj, "a", when)
    found = subject.log(obj)
    check(found == [], f"{name}: {when}, the log rows are {found}, expected none")
    _within(subject, context).go(obj)
    _check_state(name, subject, obj, "b", f"{when}, then a 'go' that could")
    found = subject.log(obj)
    check(
        found == [("go", "a", "b")],
        f"{name}: {when}, then a 'go' that could, the log rows are {found}",
    )


def _check_log_columns(log: Any, label: str) -> None:
    """The baseline's log table has the columns and indexes of the library's ``label``."""
    from django.apps import apps

    def shape(model: Any) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]]]:
        columns = sorted(
            (
                field.column,
                field.get_internal_type(),
                field.null,
                field.db_index,
                getattr(field, "max_length", None),
                field.related_model._meta.label if field.related_model else None,
            )
            for field in model._meta.concrete_fields
        )
        indexes = sorted(tuple(index.fields) for index in model._meta.indexes)
        return columns, indexes

    mine, theirs = shape(log), shape(apps.get_model(label))
    check(
        mine == theirs,
        f"the baseline's log table {log._meta.label} differs from {label}: {mine} != {theirs}",
    )


def _statements(subject: Saved, obj: Any) -> tuple[list[str], float]:
    """The SQL statements of one warm go/back round, and the statements per transition."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subject.go(obj)  # warm: caches (content types) filled by the first transition
    subject.back(obj)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(COUNTED_ROUNDS):
            subject.go(obj)
            subject.back(obj)
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    per_transition = len(statements) / (2 * COUNTED_ROUNDS)
    return statements[: round(2 * per_transition)], per_transition


def _round(subject: Saved, obj: Any) -> Op:
    go, back = subject.go, subject.back

    def round_() -> None:
        go(obj)
        back(obj)

    return Op(round_, per_call=2)
