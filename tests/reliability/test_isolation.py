"""Case 3: under each isolation level, conflicts come out as ConcurrentTransition, never raw."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from tests.reliability import worker
from tests.reliability.conftest import ENGINE, scaled
from tests.reliability.processes import merge, raw_errors, run
from tests.reliability.relapp.models import ITEMS

pytestmark = pytest.mark.slow

LEVELS = {
    "postgresql": ["read committed", "repeatable read", "serializable"],
    "mysql": ["read committed", "repeatable read"],
}.get(ENGINE, [])


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
@pytest.mark.parametrize("level", LEVELS)
def test_conflicts_surface_as_concurrent_transition(
    level: str, mode: str, ledger: Any, figures: Any
) -> None:
    """8 processes race for one object per round at the given isolation level.

    Exactly one commits per round; every other attempt raises a statecore exception
    (serialization failures, deadlocks and lock timeouts become ConcurrentTransition),
    never a raw database error.
    """
    processes, rounds = 8, scaled(100, 10)
    model = ITEMS[mode]
    model.objects.bulk_create(model() for _ in range(rounds))
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    reports = run(
        worker.stampede,
        [(mode, pks, "place")] * processes,
        barrier=True,
        env={"STATECORE_RELIABILITY_ISOLATION": level},
    )
    commits, rejected = merge(reports)
    ledger.extend(commits)
    per_round = Counter(pk for _label, pk, *_ in commits)
    raw = raw_errors(rejected)
    figures(
        level=level,
        processes=processes,
        rounds=rounds,
        attempted=processes * rounds,
        committed=len(commits),
        rejected=dict(rejected),
        violations=raw + sum(1 for pk in pks if per_round[pk] != 1),
    )
    examples = [example for report in reports for example in report["raw"]]
    assert raw == 0, f"raw database errors escaped: {examples}"
    assert all(per_round[pk] == 1 for pk in pks)
