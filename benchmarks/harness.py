"""Paired timing: every library sample is taken right next to a baseline sample.

A sample runs an operation ``number`` times and keeps the time per operation. Samples
alternate library-first and baseline-first, so drift in the machine's speed hits both
sides of a pair alike; the ratio reported is the median of the pair ratios.

The garbage collector stays enabled while timing (it is collected before each sample):
a library whose calls leave reference cycles pays for collecting them, as it does in
real use, instead of piling up garbage.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class CheckFailed(Exception):
    """A workload did not leave the library in the expected state: nothing was timed."""


def check(condition: bool, message: str) -> None:
    """Raise `CheckFailed` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


@dataclass(frozen=True)
class Settings:
    """How long and how often to sample."""

    repeat: int  # pairs of samples
    sample_seconds: float  # target length of one sample
    memory_instances: int  # W4
    memory_repeat: int  # W4, measurements per side
    import_runs: int  # W6, fresh interpreters per side
    definitions: int  # W5, definitions per side


FULL = Settings(
    repeat=25,
    sample_seconds=0.05,
    memory_instances=100_000,
    memory_repeat=3,
    import_runs=30,
    definitions=15,
)
QUICK = Settings(
    repeat=3,
    sample_seconds=0.003,
    memory_instances=1_000,
    memory_repeat=1,
    import_runs=2,
    definitions=2,
)


@dataclass
class Op:
    """One timed operation: ``run`` is called ``number`` times per sample."""

    run: Callable[[], Any]
    per_call: int = 1  # operations per call (a ping-pong round is two transitions)
    reset: Callable[[], Any] | None = None  # untimed, before each sample
    number: int | None = None  # calls per sample; calibrated when None


def _sample(op: Op, number: int) -> float:
    if op.reset is not None:
        op.reset()
    run = op.run
    loop = range(number)
    gc.collect()
    start = time.perf_counter()
    for _ in loop:
        run()
    elapsed = time.perf_counter() - start
    return elapsed / (number * op.per_call)


def _calibrate(op: Op, seconds: float) -> int:
    if op.number is not None:
        return op.number
    number = 1
    while True:
        per_op = _sample(op, number) * op.per_call
        if per_op * number >= seconds / 4 or number >= 10_000_000:
            return max(1, round(number * seconds / max(per_op * number, 1e-9)))
        number *= 4


@dataclass
class Paired:
    """Paired samples: seconds (or bytes) per operation, library and baseline."""

    library: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)

    def add(self, library: float, baseline: float) -> None:
        self.library.append(library)
        self.baseline.append(baseline)

    def as_dict(self) -> dict[str, Any]:
        ratios = [
            lib / base for lib, base in zip(self.library, self.baseline, strict=True) if base > 0
        ]
        return {
            "samples": {"library": self.library, "baseline": self.baseline},
            "median": statistics.median(self.library),
            "baseline_median": statistics.median(self.baseline),
            "ratio": statistics.median(ratios) if ratios else None,
        }


def time_pairs(library: Op, baseline: Op, settings: Settings) -> Paired:
    """Time ``library`` and ``baseline`` in alternating adjacent samples."""
    lib_number = _calibrate(library, settings.sample_seconds)
    base_number = _calibrate(baseline, settings.sample_seconds)
    paired = Paired()
    for index in range(settings.repeat):
        if index % 2:
            base = _sample(baseline, base_number)
            lib = _sample(library, lib_number)
        else:
            lib = _sample(library, lib_number)
            base = _sample(baseline, base_number)
        paired.add(lib, base)
    return paired


def time_once_pairs(
    library: Callable[[int], Any], baseline: Callable[[int], Any], count: int
) -> Paired:
    """Time single slow calls (``f(index)``), alternating library and baseline."""

    def once(function: Callable[[int], Any], index: int) -> float:
        gc.collect()
        start = time.perf_counter()
        function(index)
        return time.perf_counter() - start

    paired = Paired()
    for index in range(count):
        if index % 2:
            base = once(baseline, index)
            lib = once(library, 1000 + index)
        else:
            lib = once(library, 1000 + index)
            base = once(baseline, index)
        paired.add(lib, base)
    return paired
