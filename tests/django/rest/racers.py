"""Code run in the worker processes of `test_concurrency` (spawned: each sets Django up).

Each worker points the test settings at the database the test prepared (the test
database on a server, a SQLite file otherwise), waits at a barrier with the others, then
POSTs one transition through DRF's APIClient and reports the status and the body.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def setup(sqlite_path: str | None) -> None:
    """Set Django up with the test settings, on the prepared database."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.django.settings"
    from django.conf import settings

    for alias in ("default", "concurrent"):
        database = settings.DATABASES[alias]
        if sqlite_path is not None:
            database["NAME"] = sqlite_path
            database["OPTIONS"] = {"timeout": 60}
        else:
            database["NAME"] = os.environ["STATECORE_TEST_DB_NAME"]
    settings.ROOT_URLCONF = "tests.django.restapp.api"
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # APIClient's "testserver" host


def prepare(queue: Any, sqlite_path: str) -> None:
    """Create the tables in a SQLite file, a user and a ticket; report their keys."""
    try:
        setup(sqlite_path)
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from tests.django.restapp.models import Ticket

        call_command("migrate", run_syncdb=True, verbosity=0)
        user = User.objects.create(username="racer")
        ticket = Ticket.objects.create(items=1, customer="ann")
        queue.put({"user": user.pk, "ticket": ticket.pk})
    except BaseException:
        queue.put({"error": traceback.format_exc()})


def race(queue: Any, barrier: Any, sqlite_path: str | None, user_pk: int, url: str) -> None:
    """POST ``url`` as user ``user_pk`` once every worker is ready; report the answer."""
    try:
        setup(sqlite_path)
        from django.contrib.auth.models import User
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user_pk))
        barrier.wait(timeout=120)
        response = client.post(url)
        queue.put({"status": response.status_code, "body": dict(response.data or {})})
    except BaseException:
        queue.put({"error": traceback.format_exc()})
