"""A worker process for the django-fsm layer's race tests: run one transition at a barrier.

Spawned processes import this module before Django is set up, so it imports Django and
the models inside `race`.
"""

from __future__ import annotations

import os
from typing import Any


def race(database: str, model: str, pk: int, barrier: Any, results: Any) -> None:
    """Load the row, wait for the others, run ``pay()``; report what happened."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.django.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.db import connections

    from statecore_django.compat.django_fsm import ConcurrentTransition

    connections["default"].settings_dict["NAME"] = database
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
