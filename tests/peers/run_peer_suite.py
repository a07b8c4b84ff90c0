"""Run a peer project's own test suite against statecore's compatibility namespaces.

The peer's code is used from a checkout given on the command line and is never copied
here. The only thing this script adds is an import alias: ``xworkflows`` is served by
`statecore.compat.xworkflows` and ``django_xworkflows`` by
`statecore_django.compat.django_xworkflows` (submodules included), through a
``sitecustomize`` module written to a temporary directory put on ``PYTHONPATH``, so
subprocesses the suite starts (``manage.py makemigrations``) see the same alias.

Usage::

    python tests/peers/run_peer_suite.py xworkflows /path/to/xworkflows
    python tests/peers/run_peer_suite.py django_xworkflows /path/to/django_xworkflows \
        --db sqlite|postgresql|mysql

The last line printed is ``passed/total`` for the suite, as the peer's runner counts.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ALIASES = {
    "xworkflows": "statecore.compat.xworkflows",
    "django_xworkflows": "statecore_django.compat.django_xworkflows",
}

SITECUSTOMIZE = """
import importlib
import importlib.abc
import importlib.util
import sys

ALIASES = {aliases!r}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        top, _, rest = fullname.partition(".")
        if top not in ALIASES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        top, _, rest = spec.name.partition(".")
        return importlib.import_module(ALIASES[top] + ("." + rest if rest else ""))

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Alias())
"""

#: With ``--django-shims``: what a peer's own project files need from Django versions
#: before 4.0 (``django.conf.urls.url``), so that the test reaches our code. Not an alias:
#: runs with it are reported apart.
DJANGO_SHIMS = """
import django.conf.urls
import django.urls

django.conf.urls.url = django.urls.re_path
"""

DJANGO_SETTINGS = """
import os
from dev.settings import *  # noqa: F403

ENGINE = {engine!r}
if ENGINE == "sqlite":
    DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
else:
    DATABASES = {{
        "default": {{
            "ENGINE": "django.db.backends." + ENGINE,
            "NAME": "test",
            "HOST": os.environ.get("STATECORE_TEST_DB_HOST", "127.0.0.1"),
            "PORT": "5432" if ENGINE == "postgresql" else "3306",
            "USER": "postgres" if ENGINE == "postgresql" else "root",
            "PASSWORD": os.environ.get("STATECORE_TEST_DB_PASSWORD", ""),
            "TEST": {{"NAME": "test_peer_djxw_%d" % os.getpid()}},
        }}
    }}
USE_TZ = False
"""


def _environment(workdir: Path, peer: Path, *, shims: bool = False) -> dict[str, str]:
    text = SITECUSTOMIZE.format(aliases=ALIASES) + (DJANGO_SHIMS if shims else "")
    (workdir / "sitecustomize.py").write_text(text)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(workdir), str(peer)])
    # The suite may start scripts through "#!/usr/bin/env python": this interpreter.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_xworkflows(peer: Path, workdir: Path) -> tuple[int, int]:
    """Run the peer's ``tests/test_using.py`` with pytest; return (passed, total)."""
    env = _environment(workdir, peer)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:django",
        "--rootdir",
        str(peer),
        "tests/test_using.py",
    ]
    done = subprocess.run(command, cwd=peer, env=env, capture_output=True, text=True, check=False)
    print(done.stdout[-6000:], done.stderr[-3000:])
    counts = dict(
        (kind, int(n)) for n, kind in re.findall(r"(\d+) (passed|failed|error)", done.stdout)
    )
    passed = counts.get("passed", 0)
    return passed, passed + counts.get("failed", 0) + counts.get("error", 0)


def run_django_xworkflows(
    peer: Path, workdir: Path, engine: str, *, shims: bool = False
) -> tuple[int, int]:
    """Run the peer's Django suite with ``manage.py test``; return (passed, total)."""
    env = _environment(workdir, peer, shims=shims)
    (workdir / "peer_settings.py").write_text(DJANGO_SETTINGS.format(engine=engine))
    env["DJANGO_SETTINGS_MODULE"] = "peer_settings"
    command = [
        sys.executable,
        "-Werror",
        "manage.py",
        "test",
        "-v",
        "2",
        "--noinput",
        "tests.djworkflows.tests",
    ]
    done = subprocess.run(command, cwd=peer, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    print(output[-12000:])
    # The suite's migrations predate DEFAULT_AUTO_FIELD (its settings say BigAutoField,
    # its migrations AutoField, which makemigrations would report with django_xworkflows
    # too): the check runs with the primary key type the migrations were written with.
    (workdir / "peer_check_settings.py").write_text(
        "from peer_settings import *  # noqa: F403\n"
        'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n'
    )
    check = subprocess.run(
        [
            sys.executable,
            "-Werror",
            "manage.py",
            "makemigrations",
            "--check",
            "--dry-run",
            "--settings",
            "peer_check_settings",
        ],
        cwd=peer,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(
        "makemigrations --check:", check.returncode, (check.stdout + check.stderr).strip()[-3000:]
    )
    # The suite's own summary is the last one (a test may run a project's tests inside).
    runs = list(re.finditer(r"Ran (\d+) tests?", output))
    if not runs:
        return 0, 0
    summary = output[runs[-1].end() :]
    total = int(runs[-1].group(1))
    skipped = re.search(r"skipped=(\d+)", summary)
    total -= int(skipped.group(1)) if skipped else 0
    bad = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", summary))
    return max(total - bad, 0), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("peer", choices=sorted(ALIASES))
    parser.add_argument("path", type=Path, help="a checkout of the peer project")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "mysql"), default="sqlite")
    parser.add_argument(
        "--django-shims",
        action="store_true",
        help="also give the peer's project files what they need from Django < 4.0",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statecore-peer-") as tmp:
        if options.peer == "xworkflows":
            passed, total = run_xworkflows(options.path.resolve(), Path(tmp))
        else:
            passed, total = run_django_xworkflows(
                options.path.resolve(), Path(tmp), options.db, shims=options.django_shims
            )
    print(f"{passed}/{total}")


if __name__ == "__main__":
    main()
