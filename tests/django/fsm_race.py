"""A worker process for the django-fsm layer's race tests: run one transition at a barrier.

Spawned processes import this module before Django is set up, so it imports Django and
the models inside `race`.
"""

from __future__ import annotations

import os
from typing import Any


def _setup(database: str) -> None:
    """Set Django up with the test settings on ``database`` (a SQLite file's path, or a name)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.django.settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["OPTIONS"] = {"timeout": 60}
    import django

    django.setup()


def prepare(sqlite_path: str, model: str, results: Any) -> None:
    """Create the tables in the SQLite file ``sqlite_path`` and one row; report its key."""
    try:
        _setup(sqlite_path)
        from django.apps import apps
        from django.core.management import call_command

        call_command("migrate", run_syncdb=True, verbosity=0)
        results.put(apps.get_model("fsmapp", model).objects.create().pk)
    except Exception as exc:  # reported to the test, which fails with it
        results.put(f"error: {exc!r}")


def race(database: str, model: str, pk: int, barrier: Any, results: Any) -> None:
    """Load the row, wait for the others, run ``pay()``; report what happened."""
    _setup(database)
    from django.apps import apps
    from django.db import connections

    from statecore_django.compat.django_fsm import ConcurrentTransition

    obj = apps.get_model("fsmapp", model).objects.get(pk=pk)
    barrier.wait(timeout=60)
    try:
        obj.pay()
    except ConcurrentTransition:
        results.put("refused")
    except Exception as exc:  # reported to the test, which fails with it
        results.put(f"error: {exc!r}")
    else:
        results.put("paid")
    finally:
        connections.close_all()
