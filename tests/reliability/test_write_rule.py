"""What a transition writes, raced by real processes: on_error and read-modify-write.

The single-process forms of these cases, on all three databases, are in
tests/django/test_persistence.py; deferred columns and plain saves at scale are in
case 15 (test_mixed_work.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.reliability import worker
from tests.reliability.processes import CONTEXT, merge, run
from tests.reliability.relapp.models import MIXED


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_on_error_never_overwrites_a_transition_committed_after_the_rollback(
    mode: str, ledger: Any, figures: Any
) -> None:
    """A's pay fails while B's cancel waits (or commits): on_error does not undo the cancel.

    Pessimistic: B blocks on A's row lock; A's rollback lets B commit; A's on_error
    takes the lock again, sees 'cancelled' and stays out. Optimistic: B commits while A
    runs; A's on_error UPDATE is conditional on 'placed' and matches nothing.
    """
    model = MIXED[mode]
    item = model.objects.create()
    item.place(0)
    ledger.commit(item, "place", "draft", "placed")
    inside, done = CONTEXT.Event(), CONTEXT.Event()
    reports = run(
        worker.on_error_race,
        [(inside, done, mode, item.pk, "failing"), (inside, done, mode, item.pk, "cancelling")],
    )
    failing, cancelling = reports if "memory" in reports[0] else reports[::-1]
    assert not failing.get("timeout") and not cancelling.get("timeout")
    commits, _rejected = merge(reports)
    ledger.extend(commits)
    assert model.objects.get(pk=item.pk).stage == "cancelled"
    assert failing["memory"] == "placed"
    notes = "\n".join(failing["notes"])
    if notes:  # Python 3.11+: exception notes
        assert "entering state 'held' (on_error) failed too" in notes
    figures(committed=len(commits), on_error_refused=1)


@pytest.mark.parametrize("mode", ["optimistic", "pessimistic"])
def test_read_modify_write_in_transitions_loses_no_update(
    mode: str, ledger: Any, figures: Any
) -> None:
    """Two processes cycle the two state fields of one row, each transition adding 1.

    They never conflict on a state, only on the counter both read and write: the row's
    counter must equal the number of committed transitions.
    """
    model = MIXED[mode]
    item = model.objects.create()
    rounds = 60
    reports = run(
        worker.shared_counter_cycles,
        [(mode, item.pk, "stage", rounds), (mode, item.pk, "review", rounds)],
        barrier=True,
    )
    commits, rejected = merge(reports)
    ledger.extend(commits)
    counter = model.objects.get(pk=item.pk).counter_0
    assert counter == len(commits) == 2 * rounds
    figures(committed=len(commits), refused=dict(rejected), lost_updates=len(commits) - counter)
