"""W7: one logged transition saved to SQLite and to PostgreSQL, in each locking mode.

Each worker process makes a fresh database: a SQLite file in a temporary directory, or
the PostgreSQL database ``statecore_bench`` on 127.0.0.1:5432 (dropped first if a
crashed run left it, and dropped when the worker exits). `prepare` configures Django on
it with the library's log application installed, before the library is loaded; a
database that cannot be reached makes the library unavailable, with the reason.

For each locking mode of the library, the library's object and a hand-written baseline
object doing the same locking are checked (the state in memory and in the row, and the
log rows, after a few transitions; a refused transition writes nothing), their SQL
statements per transition are counted with ``CaptureQueriesContext`` (transaction
control statements left out), and go/back rounds of both are timed in adjacent pairs.
"""

from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
from dataclasses import replace
from typing import Any

from harness import Op, Settings, check, time_pairs
from libs import LIBRARIES, Saved, django_setup

POSTGRESQL = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DATABASE_NAME = "statecore_bench"
CHECKED = 5  # transitions driven by hand before timing: go, back, go, back, go
COUNTED_ROUNDS = 3  # go/back rounds whose statements are counted
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
SAMPLE_SCALE = 3  # a W7 sample lasts this many in-memory samples: database calls are slow

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
    modes = library.LOCKING_MODES
    rows = []
    for locking in modes:
        lib, base = library.saved(locking), baseline.saved(locking)
        _create_tables([*lib.models, *base.models])
        lib_name = f"{library.NAME} ({locking})" if len(modes) > 1 else library.NAME
        base_name = f"{baseline.NAME} ({locking})"
        _check(base_name, base)
        _check(lib_name, lib)
        lib_obj, base_obj = lib.make(), base.make()
        lib_sql = _statements(lib, lib_obj)
        base_sql = _statements(base, base_obj)
        paired = time_pairs(_round(lib, lib_obj), _round(base, base_obj), slower)
        for name, subject, obj in ((lib_name, lib, lib_obj), (base_name, base, base_obj)):
            _check_state(name, subject, obj, "a", "after timing")
        row = paired.as_dict()
        row.update(
            library=lib_name,
            locking=locking,
            default_locking=locking == modes[0],
            baseline_label=base_name,
            database=database,
            sql=len(lib_sql[0]) / lib_sql[1],
            baseline_sql=len(base_sql[0]) / base_sql[1],
            statements=lib_sql[0][: round(len(lib_sql[0]) / lib_sql[1])],
            baseline_statements=base_sql[0][: round(len(base_sql[0]) / base_sql[1])],
        )
        rows.append(row)
    return {"rows": rows}


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


def _statements(subject: Saved, obj: Any) -> tuple[list[str], int]:
    """The SQL statements of a few warm transitions, and how many transitions ran."""
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
    return statements, 2 * COUNTED_ROUNDS


def _round(subject: Saved, obj: Any) -> Op:
    go, back = subject.go, subject.back

    def round_() -> None:
        go(obj)
        back(obj)

    return Op(round_, per_call=2)
