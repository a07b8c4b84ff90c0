"""Workload groups, one module each; a worker process runs one workload of one library.

- ``inmemory``: W1-W5 and W8, objects in memory.
- ``imports``: W6, import time in fresh interpreters.
- ``awaited``: W9, the async twin of W2, for the libraries in `libs.AWAITING` only.
- ``rest``: W10, a transition action of ``statecore_django.rest`` against a hand-written
  DRF ``@action``, through DRF's test client, for statecore only.
- ``data_workflows``: W11 and W12, statecore's workflows from data and expression
  conditions (statecore only: no peer has them).
- ``stored_definitions``: W13, compiling a definition stored by
  ``statecore_django.definitions`` (statecore only).
- ``django_db``: W7, logged transitions saved to SQLite (``W7-sqlite``) and PostgreSQL
  (``W7-postgresql``), for the libraries in `libs.SAVING` only.

A group module may define ``prepare(library, workload)``, called before any library is
loaded (W7 configures Django on its fresh database there); what it raises makes the
library unavailable for that workload.
"""

from __future__ import annotations

import importlib
import traceback
from importlib import metadata
from typing import Any

from harness import FULL, QUICK, CheckFailed
from libs import AWAITING, BASELINE, CONTEXT, LIBRARIES, SAVING

# Workload -> (group module, function name, unit of the measured value).
WORKLOADS: dict[str, tuple[str, str, str]] = {
    "W1": ("inmemory", "w1", "s"),
    "W2": ("inmemory", "w2", "s"),
    "W3": ("inmemory", "w3", "s"),
    "W4": ("inmemory", "w4", "B"),
    "W5": ("inmemory", "w5", "s"),
    "W6": ("imports", "w6", "s"),
    "W7-sqlite": ("django_db", "w7_sqlite", "s"),
    "W7-postgresql": ("django_db", "w7_postgresql", "s"),
    "W8": ("inmemory", "w8", "s"),
    "W9": ("awaited", "w9", "s"),
    "W10": ("rest", "w10", "s"),
    "W11": ("data_workflows", "w11", "s"),
    "W11-cel": ("data_workflows", "w11_cel", "s"),
    "W12": ("data_workflows", "w12", "s"),
    "W13": ("stored_definitions", "w13", "s"),
}

TITLES = {
    "W1": "one transition, two states ping-pong, no hooks",
    "W2": "one transition with one guard (True) and one after hook",
    "W3": "list available transitions (5 guarded out of 100)",
    "W4": "memory per instance, in state 'b'",
    "W5": "define a 200-state, 1,000-transition workflow",
    "W6": "import in a fresh interpreter",
    "W7-sqlite": "one logged transition saved to SQLite",
    "W7-postgresql": "one logged transition saved to PostgreSQL",
    "W8": "create one instance in its initial state",
    "W9": "one awaited transition with one async guard (True) and one async after hook",
    "W10": "one transition action through DRF's test client (SQLite), vs a hand-written @action",
    "W11": "define the W5 workflow (200 states, 1,000 transitions) from data",
    "W11-cel": "the same data with 100 distinct CEL conditions, compiled cold",
    "W12": "one CEL condition over context data (baseline: the same check in Python)",
    "W13": "compile a stored 200-step, 1,000-transition definition (statecore_django.definitions)",
}


def takes_part(library: str, workload: str) -> bool:
    """Tell whether ``library`` runs ``workload`` (W7 needs a library that saves and logs)."""
    if library in CONTEXT:
        return workload in CONTEXT[library]
    group = WORKLOADS[workload][0]
    if group in ("data_workflows", "stored_definitions"):
        return library == "statecore"
    if group == "awaited":
        return library in AWAITING
    if group == "rest":
        return library == "statecore"  # against its hand-written DRF twin only
    return library in SAVING or group != "django_db"


def load(library: str) -> Any:
    """Import the module of ``library`` (or the baseline) and set its process up."""
    module = importlib.import_module(f"libs.{LIBRARIES.get(library, library)}")
    module.setup()
    return module


def version(module: Any) -> str | None:
    """The installed version of the library, if it is a distribution."""
    if module.DISTRIBUTION is None:
        return None
    try:
        return metadata.version(module.DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def run_worker(library: str, workload: str, quick: bool) -> dict[str, Any]:
    """Run one workload of one library (with its baseline); return a JSON-able result."""
    group, function, unit = WORKLOADS[workload]
    result: dict[str, Any] = {"library": library, "workload": workload, "unit": unit}
    try:
        prepare = getattr(importlib.import_module(f"workloads.{group}"), "prepare", None)
        if prepare is not None:
            prepare(library, workload)
        baseline = load(BASELINE)
        module = load(library)
    except Exception as exc:  # an uninstallable or broken peer: report it, go on
        result.update(status="unavailable", reason=_reason(exc))
        return result
    result["version"] = version(module)
    result["needs_django"] = module.DJANGO
    settings = QUICK if quick else FULL
    try:
        runner = getattr(importlib.import_module(f"workloads.{group}"), function)
        result.update(runner(module, baseline, settings))
    except CheckFailed as exc:
        result.update(status="failed", reason=str(exc))
        return result
    except Exception as exc:
        result.update(status="failed", reason=_reason(exc), traceback=traceback.format_exc())
        return result
    result["status"] = "ok"
    return result


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if len(text) <= 100 else text[:97] + "..."
