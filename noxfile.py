"""Nox sessions for statecore.

``python3 -m nox`` runs the full suite (``nox.options.sessions``); ``python3 -m nox -l`` lists
every session, ``python3 -m nox -s demo`` runs the demo.

Each pytest run writes a JUnit report to ``artifacts/junit/`` so that ``.ci/run`` can print one
closing count for the whole suite.

A session whose Python, database server, build tools or browser this machine lacks is
skipped with the reason and what to install; with ``CI=true`` it fails instead, since CI
must run everything.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import socket
import subprocess
import tarfile
from pathlib import Path

import nox
from packaging.requirements import Requirement

# Use the interpreters installed on this machine; never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def _expose_pyenv_pythons() -> None:
    """Make every pyenv-installed CPython 3.10-3.13 reachable as python3.X for this run."""
    if ":" in os.environ.get("PYENV_VERSION", "") or shutil.which("pyenv") is None:
        return  # already a list (as .ci/run sets it), or no pyenv
    try:
        listed = subprocess.run(
            ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return
    newest: dict[str, str] = {}
    for version in listed:
        match = re.fullmatch(r"3\.(1[0-3])\.\d+", version)
        if match:
            key = match.group(1)
            if key not in newest or _version_key(version) > _version_key(newest[key]):
                newest[key] = version
    # pyenv's shim sets PYENV_VERSION to the running version: keep it first.
    current = [v for v in os.environ.get("PYENV_VERSION", "").split(":") if v]
    versions = current + [newest[key] for key in sorted(newest) if newest[key] not in current]
    if versions:
        os.environ["PYENV_VERSION"] = ":".join(versions)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


_expose_pyenv_pythons()

nox.needs_version = ">=2025.2.9"  # nox.project.dependency_groups
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = [
    "tests",
    "tests_django",
    "reliability",
    "browser",
    "lint",
    "typing",
    "docs",
    "package",
]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
ARTIFACTS = ROOT / "artifacts"

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# The one Python on which the core coverage gate (--cov-fail-under) is enforced, and on which
# the single-interpreter sessions (lint, typing, docs, reliability, browser) run.
MAIN_PYTHON = "3.12"
COVERAGE_FAIL_UNDER = "95"

# Django versions under test and the Pythons each one supports (from their PyPI metadata):
# 4.2 LTS: 3.8-3.12; 5.2 LTS: 3.10-3.14; 6.1 (newest 6.x): 3.12+.
DJANGO_PYTHONS = {
    "4.2": ["3.10", "3.11", "3.12"],
    "5.2": ["3.10", "3.11", "3.12", "3.13"],
    "6.1": ["3.12", "3.13"],
}
LATEST_DJANGO = "6.1"
DATABASES = ["sqlite", "postgresql", "mysql"]
# Database driver distributions in the "django-tests" group, by STATECORE_TEST_DB value.
DB_DRIVERS = {"postgresql": "psycopg", "mysql": "mysqlclient"}


def _django_matrix() -> list[nox.param]:
    """Python x Django x database combinations that keep the matrix small on 2 cores.

    SQLite runs each Django version on its oldest and newest supported Python; PostgreSQL and
    MariaDB run each Django version once, on its newest supported Python.
    """
    params = []
    for django, pythons in DJANGO_PYTHONS.items():
        for python in sorted({pythons[0], pythons[-1]}, key=PYTHONS.index):
            params.append(nox.param(python, django, "sqlite", id=f"{python}-django{django}-sqlite"))
        for database in ("postgresql", "mysql"):
            python = pythons[-1]
            params.append(
                nox.param(python, django, database, id=f"{python}-django{django}-{database}")
            )
    return params


def _groups(*names: str, database: str | None = None) -> list[str]:
    """Requirements of the named dependency groups, without drivers of unused databases."""
    unused = {driver for db, driver in DB_DRIVERS.items() if db != database}
    return [
        req
        for req in nox.project.dependency_groups(PYPROJECT, *names)
        if Requirement(req).name.lower() not in unused
    ]


def _missing(session: nox.Session, *paths: str) -> bool:
    """Say "no tests yet" and return True when none of ``paths`` exists yet."""
    if any((ROOT / path).exists() for path in paths):
        return False
    session.log(f"no tests yet: {', '.join(paths)} does not exist")
    return True


def _skip(session: nox.Session, reason: str) -> None:
    """Skip the session, saying why; in CI (``CI=true``), where nothing may be skipped, fail it."""
    if os.environ.get("CI") == "true":
        session.error(f"{reason} (CI=true, where a skipped session is a failure)")
    session.skip(reason)


# Database servers by STATECORE_TEST_DB value: name, default port (tests/django/settings.py).
SERVERS = {"postgresql": ("PostgreSQL", "5432"), "mysql": ("MariaDB", "3306")}
CHROMIUM = os.environ.get("STATECORE_CHROMIUM", "/usr/bin/chromium")


def _require_server(session: nox.Session, database: str) -> None:
    """Skip (or, in CI, fail) the session when the database server does not answer."""
    if database not in SERVERS:
        return
    name, default_port = SERVERS[database]
    host = os.environ.get("STATECORE_TEST_DB_HOST", "127.0.0.1")
    port = os.environ.get("STATECORE_TEST_DB_PORT", default_port)
    try:
        with socket.create_connection((host, int(port)), timeout=10):
            pass
    except OSError as exc:
        _skip(
            session,
            f"no {name} server answers at {host}:{port} ({exc}); start one, or set "
            f"STATECORE_TEST_DB_HOST and STATECORE_TEST_DB_PORT",
        )
    if database == "mysql":
        _require_mysqlclient_build(session)


def _require_mysqlclient_build(session: nox.Session) -> None:
    """Skip (or fail) when the MariaDB driver cannot be built: it has no Linux wheels."""
    if os.environ.get("MYSQLCLIENT_CFLAGS") or os.name == "nt":
        return
    missing = [tool for tool in ("pkg-config", "cc") if shutil.which(tool) is None]
    if not missing and not any(
        subprocess.run(["pkg-config", "--exists", lib], check=False).returncode == 0
        for lib in ("mysqlclient", "mariadb", "libmariadb")
    ):
        missing.append("the MariaDB/MySQL client headers")
    if missing:
        _skip(
            session,
            f"the mysqlclient driver is built from source and needs {', '.join(missing)}: "
            f"apt-get install pkg-config gcc default-libmysqlclient-dev",
        )


def _junit(session: nox.Session) -> str:
    """A --junitxml option naming a file after the session."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", session.name).strip("_")
    return f"--junitxml={ARTIFACTS / 'junit' / name}.xml"


# The core tests, and the files and pages (docs/*.md, README.md) whose examples they run;
# the pages about Django need Django, which the docs session installs.
CORE_TESTS = [
    "tests/",
    "--ignore=tests/django",
    "--ignore=tests/reliability",
    "--ignore=tests/browser",
    "docs/",
    "--ignore=docs/django.md",
    "--ignore=docs/admin.md",
    "--ignore=docs/logs.md",
    "--ignore=docs/typing.md",
    "--ignore=docs/migrating-from-xworkflows.md",
    "--ignore=docs/rest.md",
    "--ignore=docs/migrating-from-django-fsm.md",
    "--ignore=docs/flows.md",
    "--ignore=docs/definitions.md",
    "README.md",
]


def _md_docs() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs").glob("*.md"))


#: Documentation pages whose examples must type-check as a user's module.
TYPED_PAGES = ("docs/getting-started.md", "docs/typing.md")


def _page_as_module(page: str) -> str:
    """Write the examples of a documentation page as one module, for the type checkers."""
    text = (ROOT / page).read_text(encoding="utf-8")
    code = "".join(example.source for example in doctest.DocTestParser().get_examples(text))
    target = ARTIFACTS / "typing" / f"doc_{Path(page).stem.replace('-', '_')}.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    # A doctest shows values as bare expressions: pyright must not call them unused.
    header = "# pyright: strict, reportUnusedExpression=false\n"
    target.write_text(header + code, encoding="utf-8")
    return str(target)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Core tests (no Django) plus the executable examples in docs/ and README.md."""
    session.install("-e", ".[graphviz,cel]", *_groups("tests"))
    args = [*CORE_TESTS, _junit(session)]
    if session.python == MAIN_PYTHON:
        args += [
            "--cov=statecore",
            "--cov-branch",
            "--cov-report=term-missing:skip-covered",
            f"--cov-report=xml:{ARTIFACTS / 'coverage.xml'}",
            f"--cov-fail-under={COVERAGE_FAIL_UNDER}",
        ]
    session.run("pytest", *args, *session.posargs)


@nox.session
@nox.parametrize(("python", "django", "database"), _django_matrix())
def tests_django(session: nox.Session, django: str, database: str) -> None:
    """The Django adapter's tests on one Django version and one database."""
    if _missing(session, "tests/django"):
        return
    _require_server(session, database)
    session.install(
        "-e",
        ".[django,graphviz,cel]",
        f"django~={django}.0",
        *_groups("django-tests", "rest-tests", database=database),
    )
    session.env["STATECORE_TEST_DB"] = database
    session.run("pytest", "tests/django", _junit(session), *session.posargs)


@nox.session(python=MAIN_PYTHON)
@nox.parametrize("database", ["postgresql", "mysql"])
def reliability(session: nox.Session, database: str) -> None:
    """Concurrency and crash-consistency tests against a real PostgreSQL or MariaDB."""
    if _missing(session, "tests/reliability"):
        return
    _require_server(session, database)
    session.install(
        "-e",
        ".[django]",
        f"django~={LATEST_DJANGO}.0",
        *_groups("django-tests", database=database),
    )
    session.env["STATECORE_TEST_DB"] = database
    session.run("pytest", "tests/reliability", _junit(session), *session.posargs)


@nox.session(python=MAIN_PYTHON)
@nox.parametrize("database", ["sqlite", "postgresql"])
def peer_django_fsm(session: nox.Session, database: str) -> None:
    """django-fsm-2's own test suite against the django-fsm compatibility layer.

    The checkout comes from ``STATECORE_PEER_DJANGO_FSM`` (a path; skipped when unset).
    """
    checkout = os.environ.get("STATECORE_PEER_DJANGO_FSM")
    if not checkout:
        _skip(session, "set STATECORE_PEER_DJANGO_FSM to a django-fsm-2 checkout")
    if database != "sqlite":
        _require_server(session, database)
    session.install(
        "-e", ".[django,graphviz]", f"django~={LATEST_DJANGO}.0", *_groups("peer-django-fsm")
    )
    script = str(ROOT / "tests" / "peers" / "django_fsm_suite.py")
    session.run("python", script, checkout, "--database", database, *session.posargs)


@nox.session(python=MAIN_PYTHON)
def browser(session: nox.Session) -> None:
    """The Django admin driven in a real (headless) Chromium."""
    if _missing(session, "tests/browser"):
        return
    if shutil.which(CHROMIUM) is None:
        _skip(
            session,
            f"no Chromium at {CHROMIUM}; apt-get install chromium (or set STATECORE_CHROMIUM)",
        )
    # The graphviz extra: the admin draws its diagram as SVG with it (Mermaid without).
    session.install(
        "-e",
        ".[django,graphviz,cel]",
        f"django~={LATEST_DJANGO}.0",
        *_groups("browser", database="sqlite"),
    )
    session.env["STATECORE_TEST_DB"] = "sqlite"
    session.run("pytest", "tests/browser", _junit(session), *session.posargs)


@nox.session(python=MAIN_PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session(python=MAIN_PYTHON)
def typing(session: nox.Session) -> None:
    """mypy --strict on the core and the Django adapter, and the public typing checks.

    tests/typing holds code written as a user writes it, type-checked and never run:
    mypy --strict checks it with django-stubs both without and with the django-stubs
    plugin (tests/typing/django_project/mypy.ini), and pyright in strict mode
    (``[tool.pyright]``). The examples of the pages in TYPED_PAGES are checked the same
    way (without the plugin).
    """
    session.install("-e", ".[django,cel]", f"django~={LATEST_DJANGO}.0", *_groups("typing"))
    session.run("mypy", "--strict", "--python-version", "3.10", "src/statecore")
    session.run("mypy", "--strict", "src/statecore", "src/statecore_django")
    if _missing(session, "tests/typing"):
        return
    session.run("mypy", "--strict", "tests/typing")
    project = "tests/typing/django_project"
    session.run(
        "mypy",
        "--config-file",
        f"{project}/mypy.ini",
        project,
        env={"PYTHONPATH": str(ROOT / project)},
    )
    pages = [_page_as_module(page) for page in TYPED_PAGES]
    session.run("mypy", "--strict", *pages)
    pyright_env = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no version check online
    session.run("pyright", env=pyright_env)
    session.run("pyright", *pages, env=pyright_env)


@nox.session(python=MAIN_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site (warnings are errors); run every example in it and README.md.

    The site goes to ``artifacts/docs/``; the API reference comes from the docstrings of
    both packages. The build needs no network.
    """
    pages = _md_docs()
    if not pages:
        session.log("no tests yet: docs/*.md does not exist")
        return
    session.install("-e", ".[django,graphviz,cel]", *_groups("docs"))
    output = ARTIFACTS / "docs"
    shutil.rmtree(output, ignore_errors=True)
    doctrees = Path(session.create_tmp()) / "doctrees"
    session.run(
        "sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "-d", str(doctrees), "docs",
        str(output),
    )  # fmt: skip
    session.run("pytest", *pages, "README.md", _junit(session), *session.posargs)


@nox.session(python=MAIN_PYTHON)
def peers(session: nox.Session) -> None:
    """A peer's own test suite against the compatibility namespaces (a measurement).

    ``nox -s peers -- xworkflows PATH`` or ``nox -s peers -- django_xworkflows PATH
    [--db postgresql|mysql] [--django-shims]``, PATH being a checkout of the peer; see
    ``tests/peers/run_peer_suite.py``. Nothing of the peer is kept.
    """
    if not session.posargs:
        session.error("give the peer and the path of its checkout, e.g. -- xworkflows ../xw")
    drivers = list(DB_DRIVERS.values())
    session.install("-e", ".[django]", f"django~={LATEST_DJANGO}.0", *drivers, "pytest")
    session.run("python", "tests/peers/run_peer_suite.py", *session.posargs)


@nox.session(python=MAIN_PYTHON)
def package(session: nox.Session) -> None:
    """Build the wheel and the sdist, check them, and run the core tests on the wheel.

    The files go to ``artifacts/dist/``. ``twine check --strict`` and
    ``tests/check_dist.py`` (licence, PyPI page, contents) check both; then the wheel is
    installed (not editable) and the core tests run from the sdist unpacked in
    ``artifacts/sdist/``, which shows that the sdist carries what its tests need.
    """
    session.install("build[uv]", "twine", "trove-classifiers", *_groups("tests"))
    dist, unpacked = ARTIFACTS / "dist", ARTIFACTS / "sdist"
    for directory in (dist, unpacked):
        shutil.rmtree(directory, ignore_errors=True)
    session.run("python", "-m", "build", "--installer=uv", f"--outdir={dist}", str(ROOT))
    wheel, sdist = next(dist.glob("*.whl")), next(dist.glob("*.tar.gz"))
    session.run("twine", "check", "--strict", str(wheel), str(sdist))
    tested = ["--python", *PYTHONS, "--django", *DJANGO_PYTHONS]
    session.run("python", str(ROOT / "tests" / "check_dist.py"), str(dist), *tested)

    # The wheel has the version of the previous run's: make the installer replace it.
    replace = ["--reinstall-package", "statecore"] if session.venv_backend == "uv" else []
    replace = replace or ["--force-reinstall"]
    session.install(*replace, f"statecore[graphviz,cel] @ {wheel.as_uri()}")
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+: refuse unsafe members
            archive.extraction_filter = tarfile.data_filter
        archive.extractall(unpacked)
    (root,) = unpacked.iterdir()
    with session.chdir(root):
        session.run(
            "python",
            "-c",
            "import statecore; assert 'site-packages' in statecore.__file__, statecore.__file__",
        )
        session.run("pytest", *CORE_TESTS, "-p", "no:cacheprovider", _junit(session))


@nox.session
def demo(session: nox.Session) -> None:
    """Install statecore as a user would and run its demos (the README's quickstart).

    First the plain-Python walk through an order workflow, then the Django side on an
    embedded SQLite database (transitions saved and logged, the log table, the diagram).
    """
    session.install(".[django,graphviz]")
    session.run("python", "-m", "statecore", "demo", *session.posargs)
    session.run("python", "-m", "statecore", "demo", "--django", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Performance suite against peer libraries; arguments pass through (e.g. --quick)."""
    if _missing(session, "benchmarks/run.py"):
        return
    session.install(".[django,graphviz,cel]", *_groups("bench", database="postgresql"))
    session.run("python", "benchmarks/run.py", *session.posargs)
