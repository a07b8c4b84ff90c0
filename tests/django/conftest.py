"""Configure Django for the adapter's tests, and skip them when the database is unreachable.

``pytest tests/django`` needs nothing else: the settings module is
``tests.django.settings`` (see it for ``STATECORE_TEST_DB``). When the chosen database
server does not answer, every test here is skipped with the reason (and
``tests/conftest.py`` turns those skips into failures when ``CI=true``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.django.settings")


#: Tests of OS processes sharing the test database: PostgreSQL and MariaDB only. The
#: SQLite test database lives in memory, one per process, so on SQLite they are not
#: collected (rather than skipped: CI counts a skip as a failure); the PostgreSQL and
#: MariaDB sessions run them.
SERVER_ONLY = ("test_flows_processes.py", "test_definitions_processes.py")
collect_ignore = (
    list(SERVER_ONLY) if os.environ.get("STATECORE_TEST_DB", "sqlite") == "sqlite" else []
)


def _unreachable() -> str | None:
    """Return why the configured database cannot be reached, or None when it answers."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    try:
        if engine == "postgresql":
            import psycopg

            psycopg.connect(
                host=database["HOST"],
                port=int(database["PORT"]),
                user=database["USER"],
                password=database["PASSWORD"] or None,
                dbname=database["NAME"],
                connect_timeout=5,
            ).close()
        elif engine == "mysql":
            import MySQLdb

            MySQLdb.connect(
                host=database["HOST"],
                port=int(database["PORT"]),
                user=database["USER"],
                password=database["PASSWORD"],
                database=database["NAME"],
                connect_timeout=5,
            ).close()
    except Exception as exc:  # any failure to connect means: cannot run here
        return (
            f"STATECORE_TEST_DB={os.environ.get('STATECORE_TEST_DB', 'sqlite')}: cannot connect "
            f"to {engine} at {database['HOST']}:{database['PORT']} ({exc})"
        )
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Set Django up when pytest-django has not (this conftest loaded late)."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    config.stash[_REASON] = _unreachable()


_REASON = pytest.StashKey[str | None]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every test of this directory when the database cannot be reached."""
    reason = config.stash.get(_REASON, None)
    if reason is None:
        return
    mark = pytest.mark.skip(reason=reason)
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(mark)


@pytest.fixture(scope="session", autouse=True)
def _database_features(django_db_setup: None, django_db_blocker: Any) -> None:
    """Probe each database's features once, before any test runs.

    Django's system checks read features such as ``supports_json_field`` and column types of every
    database, and some backends answer with a query: probed here, tests that run the
    checks need no database access of their own.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            connections[alias].data_types  # noqa: B018
            connections[alias].features.supports_json_field  # noqa: B018
