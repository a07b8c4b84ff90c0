"""W7 in CPU instructions: statecore's logged transition against hand-written Django code.

Usage::

    python benchmarks/instructions.py [--database sqlite,postgresql] [--rounds 100]

Process time on a busy machine moves by tens of percent from one sample to the next (see
docs/performance.md); the number of instructions a process executes does not. This tool
runs W7's two subjects, statecore (``libs.statecore_lib.saved``) and the hand-written
baseline with the same guarantees (``libs.baseline.saved``), in each locking mode and each
way of calling (own transaction, inside the caller's ``atomic()``), under Valgrind's
callgrind, which counts the instructions the Python process executes (the database
driver and, for SQLite, the database engine included; the PostgreSQL server's work is
another process and is not counted, as it is not in W7's process time).

Each subject runs twice in a fresh interpreter with the same hash seed: once with
``--rounds`` go/back rounds after the warm-up, once with none; the difference divided by
the number of transitions is the cost of one transition, start-up and warm-up left out.
The ratio is statecore's count over the baseline's, to compare with W7's target (1.10).
It needs the ``valgrind`` program (Debian's ``valgrind`` package); a run takes several
minutes, so it is not part of ``run.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

TARGET = 1.10
WARM_ROUNDS = 20
LOCKING_MODES = ("optimistic", "pessimistic", "none")
CONTEXTS = ("own", "outer")
WORKLOADS = {"sqlite": "W7-sqlite", "postgresql": "W7-postgresql"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=100, help="go/back rounds counted")
    parser.add_argument("--locking", default=",".join(LOCKING_MODES))
    parser.add_argument("--subject", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.subject:
        _run_subject(*args.subject)
        return 0
    missed = 0
    print(
        f"{'database':<11}{'locking':<13}{'transaction':<17}{'statecore':>12}"
        f"{'baseline':>12}{'ratio':>8}"
    )
    for database in args.database.split(","):
        for locking in args.locking.split(","):
            for context in CONTEXTS:
                mine = _per_transition("lib", database, locking, context, args.rounds)
                same = _per_transition("same", database, locking, context, args.rounds)
                ratio = mine / same
                missed += ratio > TARGET
                print(
                    f"{database:<11}{locking:<13}{context:<17}{mine:>12,.0f}{same:>12,.0f}"
                    f"{ratio:>8.3f}",
                    flush=True,
                )
    print(f"instructions per transition; target: ratio <= {TARGET}; missed: {missed}")
    return 1 if missed else 0


def _per_transition(which: str, database: str, locking: str, context: str, rounds: int) -> float:
    """Instructions of one transition: (count with ``rounds`` - count with none) / transitions."""
    with_rounds = _count(which, database, locking, context, rounds)
    without = _count(which, database, locking, context, 0)
    return (with_rounds - without) / (2 * rounds)


def _count(which: str, database: str, locking: str, context: str, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="statecore-instructions-") as directory:
        out = Path(directory) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, __file__, "--subject", which, database, locking, context, str(rounds),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    msg = f"callgrind wrote no total for {which} {database} {locking} {context}"
    raise RuntimeError(msg)


def _run_subject(which: str, database: str, locking: str, context: str, rounds: str) -> None:
    from libs import baseline, statecore_lib
    from workloads import django_db

    django_db.prepare("statecore", WORKLOADS[database])
    from django.apps import apps

    django_db._create_tables(apps.get_models())
    subject = statecore_lib.saved(locking) if which == "lib" else baseline.saved(locking)
    django_db._create_tables(subject.models)
    subject = django_db._within(subject, context)
    obj = subject.make()
    for _ in range(WARM_ROUNDS + int(rounds)):
        subject.go(obj)
        subject.back(obj)


if __name__ == "__main__":
    raise SystemExit(main())
