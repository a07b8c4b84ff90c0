"""Settings of the typing checks' Django project, for the django-stubs mypy plugin.

The plugin loads them (``django.setup()``) to learn the models; nothing else runs here.
As django-stubs asks, they let ``admin.ModelAdmin[Order]`` run (the admin autodiscovery
imports ``shop.admin``).
"""

import django_stubs_ext

django_stubs_ext.monkeypatch()

SECRET_KEY = "statecore-typing-only"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.admin",
    "statecore_django",
    "statecore_django.log",
    "shop",
]
