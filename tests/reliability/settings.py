"""Django settings of the reliability battery (a real PostgreSQL or MariaDB server).

``STATECORE_TEST_DB`` picks the server: ``postgresql`` (127.0.0.1:5432, user ``postgres``)
or ``mysql`` (MariaDB at 127.0.0.1:3306, user ``root``); host, port, user and password
follow ``STATECORE_TEST_DB_HOST``, ``..._PORT``, ``..._USER`` and ``..._PASSWORD`` as in
the Django suite. Each run owns one database, ``statecore_reliability_<pid>`` (override
with ``STATECORE_RELIABILITY_DB_NAME``), which its conftest creates and drops, so that two
runs against one server never drop or empty each other's. The name is put in the
environment: worker processes read the same settings and reach the same database.

``STATECORE_RELIABILITY_ISOLATION`` sets the transaction isolation level of every
connection (``read committed``, ``repeatable read``, ``serializable``); unset, each server
keeps its default. Two aliases, ``default`` and ``other``, point at the same database, so
one process can hold two independent connections.
"""

from __future__ import annotations

import os

SECRET_KEY = "statecore-reliability-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"

ENGINE = os.environ.get("STATECORE_TEST_DB", "sqlite")
#: Whether the database was named by the caller (then it is kept after the run).
DB_NAME_GIVEN = "STATECORE_RELIABILITY_DB_NAME" in os.environ
DB_NAME = os.environ.setdefault(
    "STATECORE_RELIABILITY_DB_NAME", f"statecore_reliability_{os.getpid()}"
)
ISOLATION = os.environ.get("STATECORE_RELIABILITY_ISOLATION", "")


def _database(engine: str) -> dict[str, object]:
    """Return the settings of one connection to the battery's database."""
    if engine not in ("postgresql", "mysql"):
        # The battery needs a server; conftest.py skips it with the reason.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    options: dict[str, object] = {}
    if engine == "mysql":
        options["charset"] = "utf8mb4"
        if ISOLATION:
            options["isolation_level"] = ISOLATION
    elif ISOLATION:
        from psycopg import IsolationLevel

        options["isolation_level"] = IsolationLevel[ISOLATION.upper().replace(" ", "_")]
    return {
        "ENGINE": f"django.db.backends.{engine}",
        "NAME": DB_NAME,
        "HOST": os.environ.get("STATECORE_TEST_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get(
            "STATECORE_TEST_DB_PORT", "5432" if engine == "postgresql" else "3306"
        ),
        "USER": os.environ.get(
            "STATECORE_TEST_DB_USER", "postgres" if engine == "postgresql" else "root"
        ),
        "PASSWORD": os.environ.get("STATECORE_TEST_DB_PASSWORD", ""),
        "OPTIONS": options,
        "TEST": {"NAME": DB_NAME},
    }


DATABASES = {"default": _database(ENGINE), "other": _database(ENGINE)}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "statecore_django",
    "statecore_django.log",
    "tests.reliability.relapp",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATECORE_LOG_MODEL = "relapp.AuditLog"
