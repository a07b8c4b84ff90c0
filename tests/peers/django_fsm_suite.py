"""Run django-fsm-2's (or django-fsm-log's) own test suite against statecore's layers.

Usage::

    python tests/peers/django_fsm_suite.py PATH [--database sqlite|postgresql] [PYTEST ARGS...]

``PATH`` is a checkout of django-fsm-2 (its ``tests/`` directory, settings, models and
fixtures are used as they are), or of django-fsm-log (add ``--ds tests.settings``).
The only change is an import alias: ``django_fsm`` and
``django_fsm_log`` (and their submodules) resolve to ``statecore_django.compat.django_fsm``
and ``statecore_django.compat.django_fsm_log``; the peer's own packages are never
imported. With ``--database postgresql`` the suite runs on the server at 127.0.0.1
(user ``postgres``) with ``--no-migrations``. The suites need django-guardian,
django-unfold, django-stubs-ext, pytest-mock and graphviz installed (the
``peer-django-fsm`` dependency group). The exit status is pytest's.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import importlib.machinery
import os
import sys
from types import ModuleType
from typing import Any

ALIASES = {
    "django_fsm": "statecore_django.compat.django_fsm",
    "django_fsm_log": "statecore_django.compat.django_fsm_log",
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, real: str) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.real)
        self.spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the real module: give it back.
        module.__spec__ = self.spec


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolve the peer's package names to the compatibility namespaces."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        top, _, rest = fullname.partition(".")
        if top not in ALIASES:
            return None
        real = ALIASES[top] + ("." + rest if rest else "")
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real), is_package=True)


def _database(kind: str) -> dict[str, Any]:
    if kind == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test",
        "HOST": os.environ.get("STATECORE_TEST_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("STATECORE_TEST_DB_PORT", "5432"),
        "USER": os.environ.get("STATECORE_TEST_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("STATECORE_TEST_DB_PASSWORD", ""),
        "TEST": {"NAME": f"test_peer_fsm_{os.getpid()}"},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the peer suite; return pytest's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a django-fsm-2 checkout")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args, pytest_args = parser.parse_known_args(argv)
    import pytest

    root = os.path.abspath(args.path)
    sys.meta_path.insert(0, AliasFinder())
    sys.path.insert(0, root)
    os.chdir(root)
    settings = importlib.import_module("tests.settings")
    settings.DATABASES = {"default": _database(args.database)}
    extra = ["--no-migrations"] if args.database == "postgresql" else []
    return int(pytest.main(["-p", "no:cacheprovider", "-p", "no:randomly", *extra, *pytest_args]))


if __name__ == "__main__":
    sys.exit(main())
