"""Django settings for the adapter's test suite.

``other`` is a second database (a user's ``.using("other")``), and ``concurrent`` a second
connection to the default one, standing for another process.

``STATECORE_TEST_DB`` picks the database: ``sqlite`` (the default, in memory),
``postgresql`` (127.0.0.1:5432, user ``postgres``, database ``test``) or ``mysql``
(MariaDB at 127.0.0.1:3306, user ``root``, database ``test``). Host, port, user and
password can be overridden with ``STATECORE_TEST_DB_HOST``, ``..._PORT``, ``..._USER`` and
``..._PASSWORD``.

The test database is named ``test_statecore_<pid>`` unless ``STATECORE_TEST_DB_NAME`` says
otherwise, so that two runs against one server do not drop each other's database; the
name is put in the environment, so processes started by a test use the same one.
"""

from __future__ import annotations

import os

SECRET_KEY = "statecore-tests-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"

ENGINE = os.environ.get("STATECORE_TEST_DB", "sqlite")
if ENGINE not in ("sqlite", "postgresql", "mysql"):
    msg = f"STATECORE_TEST_DB={ENGINE!r}; use sqlite, postgresql or mysql"
    raise ValueError(msg)

TEST_DB_NAME = os.environ.setdefault("STATECORE_TEST_DB_NAME", f"test_statecore_{os.getpid()}")

if ENGINE == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    DATABASES["other"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
else:
    DATABASES = {
        "default": {
            "ENGINE": f"django.db.backends.{ENGINE}",
            "NAME": "test",
            "HOST": os.environ.get("STATECORE_TEST_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get(
                "STATECORE_TEST_DB_PORT", "5432" if ENGINE == "postgresql" else "3306"
            ),
            "USER": os.environ.get(
                "STATECORE_TEST_DB_USER", "postgres" if ENGINE == "postgresql" else "root"
            ),
            "PASSWORD": os.environ.get("STATECORE_TEST_DB_PASSWORD", ""),
            "TEST": {"NAME": TEST_DB_NAME},
        }
    }
    if ENGINE == "mysql":
        DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}
        DATABASES["default"]["TEST"]["CHARSET"] = "utf8mb4"
    DATABASES["other"] = {
        **DATABASES["default"],
        "TEST": {**DATABASES["default"]["TEST"], "NAME": f"{TEST_DB_NAME}_other"},
    }

# A second connection to the default database, for what another process would commit.
DATABASES["concurrent"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "statecore_django",
    "statecore_django.log",
    "statecore_django.definitions",
    "tests.django.testapp",
    "tests.django.checksapp",
    "statecore_django.compat.django_xworkflows",
    "statecore_django.compat.django_xworkflows.xworkflow_log",
    "tests.django.xwapp",
    "rest_framework",
    "tests.django.restapp",
    "statecore_django.compat.django_fsm",
    "statecore_django.compat.django_fsm_log",
    "tests.django.fsmapp",
    "tests.django.flowapp",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

ROOT_URLCONF = "tests.django.urlconf"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATECORE_LOG_MODEL = "statecore_log.TransitionLog"
