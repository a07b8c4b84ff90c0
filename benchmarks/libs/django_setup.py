"""Django settings: in memory for W1-W8 (no database used), a real database for W7."""

from __future__ import annotations

from typing import Any

APP_LABEL = "bench"


def configure() -> None:
    """Configure Django once in this process: in-memory model instances need the app registry."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["django.contrib.contenttypes"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            USE_TZ=True,
        )
        django.setup()


def configure_saved(installed: tuple[str, ...], database: dict[str, Any]) -> None:
    """Configure Django for W7: ``database`` as the default one, ``installed`` apps added.

    Called before any library's ``setup()``, which then finds Django configured.
    """
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", *installed],
        DATABASES={"default": database},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()


def model(name: str, namespace: dict[str, Any], bases: tuple[type, ...] | None = None) -> Any:
    """Create an unsaved-only Django model class named ``name`` in the benchmark app."""
    from django.db import models

    meta = type("Meta", (), {"app_label": APP_LABEL})
    body = {"__module__": __name__, "Meta": meta, **namespace}
    return type(name, bases or (models.Model,), body)
