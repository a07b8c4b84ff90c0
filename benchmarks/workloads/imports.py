"""W6: the time ``import`` takes in a fresh interpreter.

Each run starts a new interpreter and times, with ``time.perf_counter``, everything
between a bare interpreter and a library ready to use: for the Django libraries, which
cannot be imported before Django is configured, that includes ``settings.configure()``
and ``django.setup()``; the import alone (after that setup) is kept as ``module_only``.
The baseline run imports a small hand-written workflow module. Library and baseline runs
alternate; the value is the median over the runs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import Paired, Settings, check

HERE = Path(__file__).resolve().parent.parent

DJANGO_PRELUDE = (
    "import django\n"
    "from django.conf import settings\n"
    "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes'], USE_TZ=True)\n"
    "django.setup()\n"
)

CHILD = """\
import sys, time
sys.path.insert(0, {here!r})
start = time.perf_counter()
{prelude}
ready = time.perf_counter()
import {module}
end = time.perf_counter()
assert {module!r} in sys.modules
print(end - start, end - ready)
"""


def _import_seconds(module: str, django: bool) -> tuple[float, float]:
    code = CHILD.format(here=str(HERE), prelude=DJANGO_PRELUDE if django else "", module=module)
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=False
    )
    check(
        done.returncode == 0,
        f"'import {module}' failed in a fresh interpreter: "
        f"{(done.stderr.strip().splitlines() or ['?'])[-1]}",
    )
    total, module_only = done.stdout.split()
    return float(total), float(module_only)


def w6(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Import time of the library's module in a fresh interpreter."""
    # Untimed first runs: write any missing bytecode caches.
    _import_seconds(library.MODULE, library.DJANGO)
    _import_seconds(baseline.MODULE, False)
    paired = Paired()
    module_only = []
    for index in range(settings.import_runs):
        if index % 2:
            base, _ = _import_seconds(baseline.MODULE, False)
            lib, alone = _import_seconds(library.MODULE, library.DJANGO)
        else:
            lib, alone = _import_seconds(library.MODULE, library.DJANGO)
            base, _ = _import_seconds(baseline.MODULE, False)
        paired.add(lib, base)
        module_only.append(alone)
    result = paired.as_dict()
    result["module_only"] = statistics.median(module_only)
    return result
