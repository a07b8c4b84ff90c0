"""Case 13: threads sharing one in-memory object (the core takes no lock)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import statecore

THREADS, ROUNDS = 8, 200


class GateFlow(statecore.Workflow):
    """One step, from closed to opened."""

    states = ("closed", "opened")
    transitions = (("open", "closed", "opened"),)
    initial_state = "closed"


class Gate(statecore.WorkflowEnabled):
    """A gate whose opening takes a moment, so that threads overlap inside it."""

    state = GateFlow()

    @statecore.transition()
    def open(self) -> None:
        time.sleep(0.0005)


def _race(guard: Any) -> tuple[Counter[str], int]:
    """Run ROUNDS rounds of THREADS threads calling ``open`` on one shared gate."""
    outcomes: Counter[str] = Counter()
    doubled = 0
    for _ in range(ROUNDS):
        gate = Gate()
        barrier = threading.Barrier(THREADS)
        results: list[str] = []

        def run(
            gate: Gate = gate, barrier: threading.Barrier = barrier, results: list[str] = results
        ) -> None:
            barrier.wait()
            try:
                with guard:
                    gate.open()
            except statecore.WorkflowError as exc:
                results.append(type(exc).__name__)
            else:
                results.append("committed")

        threads = [threading.Thread(target=run) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert gate.state == "opened"
        outcomes.update(results)
        doubled += results.count("committed") > 1
    return outcomes, doubled


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_threads_without_a_lock_get_concurrent_transition(ledger: Any, figures: Any) -> None:
    """Without a lock, threads that overlap inside the transition are refused.

    Each thread either applies ``open`` or raises ConcurrentTransition (the state moved
    while it ran) or InvalidTransitionError (it started after the move): never another
    exception. The check-then-set is not atomic, so the figures count rounds that still
    applied twice; the documentation says to use a lock.
    """
    outcomes, doubled = _race(_NoLock())
    figures(
        threads=THREADS,
        rounds=ROUNDS,
        attempted=THREADS * ROUNDS,
        committed=outcomes["committed"],
        rejected={k: v for k, v in outcomes.items() if k != "committed"},
        rounds_applied_more_than_once=doubled,
        violations=0,
    )
    assert set(outcomes) <= {"committed", "ConcurrentTransition", "InvalidTransitionError"}
    assert outcomes["ConcurrentTransition"] > 0
    assert outcomes["committed"] >= ROUNDS


def test_threads_with_a_lock_apply_exactly_once(ledger: Any, figures: Any) -> None:
    """Serialised by the caller's lock, exactly one thread per round applies ``open``."""
    outcomes, doubled = _race(threading.Lock())
    figures(
        threads=THREADS,
        rounds=ROUNDS,
        attempted=THREADS * ROUNDS,
        committed=outcomes["committed"],
        rejected={k: v for k, v in outcomes.items() if k != "committed"},
        violations=doubled,
    )
    assert doubled == 0
    assert outcomes["committed"] == ROUNDS
    assert outcomes["InvalidTransitionError"] == (THREADS - 1) * ROUNDS
