"""Pytest configuration for the executable examples in the documentation.

Only the Django pages (`DJANGO_PAGES`: the guide, the admin, the logs, typing and the REST
API) need Django.
When one of them is collected, Django is configured here (``settings.configure``): an
in-memory SQLite database, the apps the pages use (``statecore_django``,
``statecore_django.log`` and the pages' own ``shop`` app, in ``docs/shop``), and the
tables of the installed apps' migrations. The pages share the ``shop`` app, so each
defines models of its own names. The other pages never import Django.

When Django was already configured by something else in the same run (the adapter's test
suite), the pages are skipped with the reason: run them on their own,
``pytest docs/django.md docs/admin.md docs/logs.md docs/typing.md
docs/migrating-from-xworkflows.md``.

The pages that draw images (`GRAPHVIZ_PAGES`) need Graphviz's ``dot`` program, a system
package: without it they are skipped with the reason, except in CI (``CI=true``), where
nothing may be skipped and they fail instead.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
#: The pages whose examples need Django (the core test sessions leave them out).
DJANGO_PAGES = tuple(
    HERE / name
    for name in (
        "django.md",
        "admin.md",
        "logs.md",
        "typing.md",
        "rest.md",
        "migrating-from-django-fsm.md",
        "migrating-from-xworkflows.md",
        "flows.md",
        "definitions.md",
    )
)
#: The pages whose examples draw SVG or PNG images with Graphviz's ``dot``.
GRAPHVIZ_PAGES = (HERE / "cli.md", HERE / "graphs.md")
_CONFIGURED_HERE = pytest.StashKey[bool]()


def configure_django() -> bool:
    """Configure Django for the Django pages; return False when it was configured elsewhere."""
    from django.conf import settings

    if settings.configured:
        return "shop" in settings.INSTALLED_APPS
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    settings.configure(
        DEBUG=False,
        SECRET_KEY="statecore-docs-only",
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.admin",
            "statecore_django",
            "statecore_django.log",
            "statecore_django.compat.django_fsm",
            "statecore_django.compat.django_fsm_log",
            "statecore_django.compat.django_xworkflows.xworkflow_log",
            "statecore_django.definitions",
            "shop",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    return True


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    """Configure Django when, and only when, a Django page is collected."""
    if file_path in DJANGO_PAGES and _CONFIGURED_HERE not in parent.config.stash:
        parent.config.stash[_CONFIGURED_HERE] = configure_django()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the Django pages when Django was configured without their ``shop`` app.

    Skip the pages that draw images when ``dot`` is missing, outside CI.
    """
    if shutil.which("dot") is None and os.environ.get("CI") != "true":
        no_dot = pytest.mark.skip(
            reason="the Graphviz 'dot' program is not installed: apt-get install graphviz"
        )
        for item in items:
            if Path(item.path) in GRAPHVIZ_PAGES:
                item.add_marker(no_dot)
    if config.stash.get(_CONFIGURED_HERE, True):
        return
    mark = pytest.mark.skip(
        reason="Django was configured by other tests in this run; run pytest on the "
        "Django pages of docs/ on their own"
    )
    for item in items:
        if Path(item.path) in DJANGO_PAGES:
            item.add_marker(mark)
