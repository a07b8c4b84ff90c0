"""W13: compile a workflow definition stored by ``statecore_django.definitions`` (statecore only).

`prepare` configures Django on an in-memory SQLite database with the definitions app and
imports a definition of 200 steps and 1,000 transitions (the W5 workflow) through
``exchange.import_definition``, which publishes it as a `DefinitionVersion`. W13 times
``compiler.compile_data`` on the stored version's data, cold each time (no per-process
cache): the workflow class from data and the flow class that runs it on instances, what
a process pays the first time it meets a version. The baseline is the hand-written
plain-Python definition of W5. The queries are not timed here: the test suite asserts
that a compiled version costs none and that an update with context data costs the
instance's UPDATE and the log row's INSERT.
"""

from __future__ import annotations

from typing import Any

from flows import BIG_INITIAL, BIG_STATE_COUNT, BIG_STATES, BIG_TRANSITION_COUNT, BIG_TRANSITIONS
from harness import Settings, check, time_once_pairs


def prepare(library: str, workload: str) -> None:
    """Configure Django in memory with the definitions app and create its tables."""
    from django.conf import settings

    settings.configure(
        SECRET_KEY="statecore-bench-only",
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "statecore_django",
            "statecore_django.log",
            "statecore_django.definitions",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _data() -> dict[str, Any]:
    states = [
        {"name": name, "kind": "initial" if name == BIG_INITIAL else "normal"}
        for name in BIG_STATES
    ]
    transitions = [
        {"name": name, "source": source, "target": target, "conditions": [], "priority": 0}
        for name, source, target in BIG_TRANSITIONS
    ]
    statuses = {name: [{"name": "open", "title": "Open", "kind": "default"}] for name in BIG_STATES}
    return {
        "schema_version": 1,
        "name": "big_definition",
        "title": "Big definition",
        "description": "",
        "states": states,
        "transitions": transitions,
        "custom": {"statuses": statuses},
    }


def w13(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """A stored 200-step, 1,000-transition definition compiled into its workflow and flow."""
    from statecore_django.definitions.compiler import compile_data
    from statecore_django.definitions.exchange import import_definition
    from statecore_django.definitions.models import DefinitionVersion

    version = import_definition(_data())
    data = DefinitionVersion.objects.get(pk=version.pk).data

    def define(index: int) -> Any:
        return compile_data(data)

    compiled = define(0)
    counted = (len(compiled.workflow.states), len(compiled.workflow.transitions))
    expected = (BIG_STATE_COUNT, BIG_TRANSITION_COUNT)
    check(counted == expected, f"stored definition compiled to {counted}, expected {expected}")
    check(compiled.defaults[BIG_INITIAL] == "open", "the default status of a step is lost")
    return time_once_pairs(define, baseline.define, settings.definitions).as_dict()
