"""Set up the battery: its own database on a real server, the audit, and the figures.

``STATECORE_TEST_DB=postgresql`` (or ``mysql``) ``pytest tests/reliability`` needs nothing
else. The session creates and migrates a database of its own,
``statecore_reliability_<pid>`` (see ``settings.py``), and drops it at the end; every test
starts with empty tables, and after every test the audit invariant
(`tests.reliability.audit`) must hold over what the test recorded in the ``ledger``
fixture. Each case puts its figures in the ``figures`` fixture; at the end of the session
they are merged into ``artifacts/reliability.json`` under the server's name, which
``python tests/reliability/report.py`` turns into the table of ``docs/reliability.md``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.reliability.settings"
django.setup()

RESULTS = ROOT / "artifacts" / "reliability.json"
ENGINE = os.environ.get("STATECORE_TEST_DB", "sqlite")
SERVERS = ("postgresql", "mysql")

_figures: dict[str, dict[str, Any]] = {}


def scale() -> float:
    """The size factor of the big cases (``STATECORE_RELIABILITY_SCALE``, default 1)."""
    return float(os.environ.get("STATECORE_RELIABILITY_SCALE", "1"))


def scaled(full: int, minimum: int = 1) -> int:
    """``full`` times the scale factor, at least ``minimum``."""
    return max(minimum, round(full * scale()))


def _server_connection(engine: str) -> Any:
    """Open a raw connection to the server's maintenance database (autocommit)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if engine == "postgresql":
        import psycopg

        return psycopg.connect(
            host=database["HOST"],
            port=int(database["PORT"]),
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    import MySQLdb

    connection = MySQLdb.connect(
        host=database["HOST"],
        port=int(database["PORT"]),
        user=database["USER"],
        password=database["PASSWORD"],
        connect_timeout=5,
    )
    connection.autocommit(True)
    return connection


def _recreate_database(engine: str, name: str, *, create: bool = True) -> None:
    """Drop database ``name`` if it exists, then create it (unless ``create`` is False)."""
    connection = _server_connection(engine)
    try:
        cursor = connection.cursor()
        if engine == "postgresql":
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                cursor.execute(f'CREATE DATABASE "{name}"')
        else:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            if create:
                cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        connection.close()


@pytest.fixture(scope="session", autouse=True)
def reliability_database(django_db_blocker: Any) -> Iterator[str]:
    """Create and migrate the battery's database once per session; drop it at the end."""
    if ENGINE not in SERVERS:
        pytest.skip(
            f"the reliability battery needs a database server: set STATECORE_TEST_DB to "
            f"postgresql or mysql (it is {ENGINE!r})"
        )
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    name = settings.DATABASES["default"]["NAME"]
    try:
        _recreate_database(ENGINE, name)
    except Exception as exc:  # any failure to reach the server means: cannot run here
        pytest.skip(f"STATECORE_TEST_DB={ENGINE}: cannot create database {name!r} ({exc})")
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0, database="default")
        yield name
        connections.close_all()
    _write_results()
    if not settings.DB_NAME_GIVEN:
        _recreate_database(ENGINE, name, create=False)


class Ledger:
    """What a test saw commit, for the audit after it.

    Attributes:
        commits: ``(model label, pk, transition, from, to)`` of each commit seen.
        in_doubt: transitions that may have committed unseen (killed processes).
        deleted: ``(model label, pk)`` of the rows the test deleted.
        last_writer_wins: the test ran without locking, where a break of a state's
            chain is a documented effect (counted apart, see `audit`).
    """

    def __init__(self) -> None:
        self.commits: list[tuple[str, int, str, str, str]] = []
        self.in_doubt = 0
        self.deleted: set[tuple[str, int]] = set()
        self.last_writer_wins = False
        self.checked = True

    def commit(self, instance: Any, transition: str, source: str, target: str) -> None:
        """Record one commit seen on ``instance``."""
        self.commits.append((instance._meta.label, instance.pk, transition, source, target))

    def extend(self, commits: Any) -> None:
        """Record commits reported by worker processes."""
        self.commits.extend(tuple(commit) for commit in commits)


@pytest.fixture(autouse=True)
def ledger(
    reliability_database: str, django_db_blocker: Any, request: pytest.FixtureRequest
) -> Iterator[Ledger]:
    """Empty the tables, run the test, then check the audit invariant."""
    from django.db import connections
    from tests.reliability.audit import audit
    from tests.reliability.relapp import faults

    with django_db_blocker.unblock():
        _empty_tables()
        book = Ledger()
        yield book
        faults.disarm_all()
        connections.close_all()
        violations = audit(
            book.commits,
            in_doubt=book.in_doubt,
            deleted=book.deleted,
            last_writer_wins=book.last_writer_wins,
        )
        connections.close_all()
    if request.node.name in _figures:
        case = _figures[request.node.name]
        case["violations"] = case.get("violations", 0) + violations.total
        case["audited_commits"] = len(book.commits)
        if violations.total:
            case["audit_violations"] = violations.by_kind()
        if violations.chain_breaks_by_design:
            case["chain_breaks_by_design"] = violations.chain_breaks_by_design
    assert violations.total == 0, f"audit invariant violated: {violations}"


def _empty_tables() -> None:
    from django.db import connection
    from tests.reliability.relapp.models import AUDITED, AuditLog

    for model in (AuditLog, *AUDITED):
        model.objects.all().delete()
    connection.close()


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Any:
    """Return ``record(**figures)`` that stores this case's figures for the JSON results."""
    case = request.node.name

    def record(**values: Any) -> None:
        values.setdefault("violations", 0)
        values.setdefault("scale", scale())
        _figures.setdefault(case, {}).update(values)

    return record


def _write_results() -> None:
    if not _figures:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        results = {}
    server = results.setdefault(ENGINE, {})
    server["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    server["scale"] = scale()
    server["python"] = platform.python_version()
    server.setdefault("cases", {}).update(_figures)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
