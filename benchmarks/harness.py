"""Paired timing: every library sample is taken right next to a baseline sample.

A sample runs an operation ``number`` times and keeps the time per operation. Samples
alternate library-first and baseline-first, so drift in the machine's speed hits both
sides of a pair alike; the ratio reported is the median of the pair ratios.
`time_rotating` does the same for three or more operations, in process time (W7).

The garbage collector stays enabled while timing (it is collected before each sample):
a library whose calls leave reference cycles pays for collecting them, as it does in
real use, instead of piling up garbage.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
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
    return _timed(op, number)[0]


def _timed(op: Op, number: int) -> tuple[float, float]:
    """One sample: wall-clock and process time per operation."""
    if op.reset is not None:
        op.reset()
    run = op.run
    loop = range(number)
    gc.collect()
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in loop:
        run()
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - start
    operations = number * op.per_call
    return elapsed / operations, cpu / operations


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


@dataclass
class Rotated:
    """Samples of operations timed in turn: seconds per operation, one list per operation."""

    process: list[list[float]]  # process time: the CPU this process spent
    wall: list[list[float]]  # wall-clock time, waits for the disk or the network included


def time_rotating(ops: Sequence[Op], settings: Settings) -> Rotated:
    """Time ``ops`` in adjacent samples, in process time and in wall-clock time.

    Each round takes one sample of every op, the first op of a round being the next one
    in turn, so each op is sampled first, second, ... equally often. A sample lasts
    about ``settings.sample_seconds`` of wall-clock time (ops that wait for a disk run
    fewer times). Process time is the CPU the process spent, whatever other processes
    do and however long the database makes it wait.
    """
    numbers = [_calibrate(op, settings.sample_seconds) for op in ops]
    rotated = Rotated([[] for _ in ops], [[] for _ in ops])
    for index in range(settings.repeat):
        for step in range(len(ops)):
            which = (index + step) % len(ops)
            wall, cpu = _timed(ops[which], numbers[which])
            rotated.process[which].append(cpu)
            rotated.wall[which].append(wall)
    return rotated


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """The ratios of adjacent samples (leaving out a zero denominator)."""
    return [top / bottom for top, bottom in zip(numerators, denominators, strict=True) if bottom]


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """A distribution-free interval holding the median of ``values``' population.

    The k-th smallest and k-th largest values, with k the largest rank for which the
    interval covers the median with at least ``confidence`` (binomial order statistics);
    None when there are too few values (fewer than 6 for 95%).
    """
    ordered = sorted(values)
    n = len(ordered)
    below = 0.0  # P(fewer than k of n values fall below the median)
    rank = 0
    for k in range(n // 2 + 1):
        if 2 * below > 1 - confidence:
            break
        rank = k
        below += math.comb(n, k) / 2**n
    if rank == 0:
        return None
    return ordered[rank - 1], ordered[n - rank]


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
