"""Django settings for building the documentation (see ``conf.py``): enough to import the adapter.

The API reference imports ``statecore_django``'s models, log app and admin, which need
Django's app registry; nothing in the build opens the database.
"""

SECRET_KEY = "statecore-docs-build-only"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = [
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
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
