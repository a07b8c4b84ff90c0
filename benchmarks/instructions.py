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

Each subject runs in a fresh interpreter with the same hash seed, under callgrind with
instrumentation off; after its warm-up it switches instrumentation on
(``callgrind_control -i on``), runs ``--rounds`` go/back rounds and switches it off, so
the count is that of the rounds alone, start-up and warm-up left out. The ratio is
statecore's count per transition over the baseline's, to compare with W7's target (1.10).
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
    """Instructions of one transition: the count of ``rounds`` go/back rounds, per transition."""
    with tempfile.TemporaryDirectory(prefix="statecore-instructions-") as directory:
        out = Path(directory) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable, __file__, "--subject", which, database, locking, context, str(rounds),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)
        for line in out.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1]) / (2 * rounds)
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
    go, back = subject.go, subject.back
    for _ in range(WARM_ROUNDS):
        go(obj)
        back(obj)
    _instrument("on")
    for _ in range(int(rounds)):
        go(obj)
        back(obj)
    _instrument("off")


def _instrument(switch: str) -> None:
    """Switch callgrind's instrumentation of this process on or off."""
    command = ["callgrind_control", "-i", switch, str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


if __name__ == "__main__":
    raise SystemExit(main())
