"""Cases 1, 2 and 5: many processes racing on the same rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from tests.reliability import worker
from tests.reliability.conftest import scaled
from tests.reliability.processes import merge, raw_errors, run
from tests.reliability.relapp.models import ITEMS

pytestmark = pytest.mark.slow


def _create(mode: str, count: int) -> list[int]:
    model = ITEMS[mode]
    model.objects.bulk_create(model() for _ in range(count))
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_stampede_commits_exactly_once_per_round(mode: str, ledger: Any, figures: Any) -> None:
    """16 processes fire `place` on one object at a barrier: exactly one commits per round."""
    processes, rounds = 16, scaled(500, 20)
    pks = _create(mode, rounds)
    reports = run(worker.stampede, [(mode, pks, "place")] * processes, barrier=True)
    commits, rejected = merge(reports)
    ledger.extend(commits)
    per_round = Counter(pk for _label, pk, *_ in commits)
    wrong = [pk for pk in pks if per_round[pk] != 1]
    figures(
        processes=processes,
        rounds=rounds,
        attempted=processes * rounds,
        committed=len(commits),
        rejected=dict(rejected),
        violations=len(wrong) + raw_errors(rejected),
    )
    assert not wrong, f"{len(wrong)} rounds did not commit exactly once: {wrong[:5]}"
    assert raw_errors(rejected) == 0, rejected
    assert set(rejected) <= {"concurrent", "invalid"}


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_awaited_stampede_commits_exactly_once_per_round(
    mode: str, ledger: Any, figures: Any
) -> None:
    """8 processes await `place` (``acall``) on one object at a barrier: one commit per round."""
    processes, rounds = 8, scaled(200, 20)
    pks = _create(mode, rounds)
    reports = run(worker.awaited_stampede, [(mode, pks, "place")] * processes, barrier=True)
    commits, rejected = merge(reports)
    ledger.extend(commits)
    per_round = Counter(pk for _label, pk, *_ in commits)
    wrong = [pk for pk in pks if per_round[pk] != 1]
    figures(
        processes=processes,
        rounds=rounds,
        attempted=processes * rounds,
        committed=len(commits),
        rejected=dict(rejected),
        violations=len(wrong) + raw_errors(rejected),
    )
    assert not wrong, f"{len(wrong)} rounds did not commit exactly once: {wrong[:5]}"
    assert raw_errors(rejected) == 0, rejected
    assert set(rejected) <= {"concurrent", "invalid"}


def test_stampede_without_locking_lets_the_last_writer_win(ledger: Any, figures: Any) -> None:
    """locking="none" gives no guarantee: a round may commit more than once, all logged.

    Every commit a process saw has its log row (the audit checks it), the object ends in
    the target state, and the figures say how many rounds applied the transition twice
    or more; that is why the documentation tells to use optimistic or pessimistic locking.
    """
    mode = "none"
    processes, rounds = 16, scaled(500, 20)
    pks = _create(mode, rounds)
    reports = run(worker.stampede, [(mode, pks, "place")] * processes, barrier=True)
    commits, rejected = merge(reports)
    per_round = Counter(pk for _label, pk, *_ in commits)
    # Double applications break the chain on purpose here: audit what must still hold.
    from tests.reliability.relapp.models import AuditLog

    rows = AuditLog.objects.filter(object_id__in=[str(pk) for pk in pks]).count()
    states = set(ITEMS[mode].objects.values_list("state", flat=True))
    figures(
        processes=processes,
        rounds=rounds,
        attempted=processes * rounds,
        committed=len(commits),
        rejected=dict(rejected),
        rounds_applied_more_than_once=sum(1 for pk in pks if per_round[pk] > 1),
        violations=(rows != len(commits)) + raw_errors(rejected),
    )
    assert all(per_round[pk] >= 1 for pk in pks)
    assert rows == len(commits)
    assert states == {"placed"}
    assert raw_errors(rejected) == 0, rejected
    # The audit must not count the documented double applications as violations.
    ITEMS[mode].objects.all().delete()
    AuditLog.objects.all().delete()


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_random_contention_keeps_every_chain(mode: str, ledger: Any, figures: Any) -> None:
    """8 processes run random transitions (some illegal) on shared objects; the audit holds."""
    processes, objects, steps = 8, scaled(1000, 20), scaled(2000, 50)
    pks = _create(mode, objects)
    arguments = [(mode, pks, steps, seed) for seed in range(processes)]
    commits, rejected = merge(run(worker.random_walk, arguments))
    ledger.extend(commits)
    figures(
        processes=processes,
        objects=objects,
        attempted=processes * steps,
        committed=len(commits),
        rejected=dict(rejected),
        violations=raw_errors(rejected),
    )
    assert len(commits) + sum(rejected.values()) == processes * steps
    assert rejected["invalid"] > 0, "the walk must try illegal transitions too"
    assert raw_errors(rejected) == 0, rejected


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_lock_held_to_commit_prevents_a_second_execution(
    mode: str, ledger: Any, figures: Any
) -> None:
    """The winner sleeps between its UPDATE and COMMIT while 4 others retry: one execution.

    Losers block on the row, then find the state moved (ConcurrentTransition or, after
    reloading, InvalidTransitionError) and stop; the implementation runs once per round in
    a transaction that commits.
    """
    processes, rounds, hold = 4, scaled(20, 5), 0.1
    pks = _create(mode, rounds)
    reports = run(worker.retry_until_done, [(mode, pks, hold)] * processes, barrier=True)
    commits, rejected = merge(reports)
    ledger.extend(commits)
    per_round = Counter(pk for _label, pk, *_ in commits)
    executions = sum(report["executions"] for report in reports)
    figures(
        processes=processes,
        rounds=rounds,
        hold_seconds=hold,
        attempted=processes * rounds + sum(report["retries"] for report in reports),
        committed=len(commits),
        executions=executions,
        rejected=dict(rejected),
        violations=sum(1 for pk in pks if per_round[pk] != 1) + raw_errors(rejected),
    )
    assert all(per_round[pk] == 1 for pk in pks)
    assert raw_errors(rejected) == 0, rejected
