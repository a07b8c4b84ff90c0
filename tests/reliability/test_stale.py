"""Cases 4 and 10: a stale instance and a deleted row never overwrite what others did."""

from __future__ import annotations

from typing import Any

import pytest
from tests.reliability import worker
from tests.reliability.processes import run
from tests.reliability.relapp.models import ITEMS, AuditLog

import statecore

LOCKING = ("optimistic", "pessimistic")


@pytest.mark.parametrize("mode", LOCKING)
def test_stale_instance_is_refused_and_writes_nothing(mode: str, ledger: Any, figures: Any) -> None:
    """Two connections load one row; one places it; the other's cancel is refused.

    The refusal is a ConcurrentTransition naming the state in memory and the state in
    the database; the stale object is back in its state in memory, and the row keeps the
    first connection's state with exactly one log row.
    """
    model = ITEMS[mode]
    pk = model.objects.create().pk
    first = model.objects.using("default").get(pk=pk)
    stale = model.objects.using("other").get(pk=pk)
    first.place()
    ledger.commit(first, "place", "draft", "placed")
    with pytest.raises(statecore.ConcurrentTransition) as caught:
        stale.cancel()
    assert (caught.value.expected, caught.value.actual) == ("draft", "placed")
    assert "'draft' in memory" in str(caught.value)
    assert "'placed'" in str(caught.value)
    assert stale.state == "draft"
    assert model.objects.get(pk=pk).state == "placed"
    assert AuditLog.objects.count() == 1
    figures(attempted=2, committed=1, rejected={"concurrent": 1})


def test_stale_instance_without_locking_overwrites(ledger: Any, figures: Any) -> None:
    """locking="none" does not detect the stale object: its transition overwrites the row.

    This is the documented price of no locking (and why the battery's guarantees are
    stated for optimistic and pessimistic locking): the cancel is applied on top of the
    place, and both are logged, so the log shows a chain break.
    """
    model = ITEMS["none"]
    pk = model.objects.create().pk
    first = model.objects.using("default").get(pk=pk)
    stale = model.objects.using("other").get(pk=pk)
    first.place()
    stale.cancel()
    rows = list(AuditLog.objects.order_by("id").values_list("from_state", "to_state"))
    assert rows == [("draft", "placed"), ("draft", "cancelled")]
    assert model.objects.get(pk=pk).state == "cancelled"
    figures(attempted=2, committed=2, rejected={}, chain_breaks_by_design=1)
    # The audit must not count this documented overwrite.
    AuditLog.objects.all().delete()
    model.objects.all().delete()


@pytest.mark.parametrize("mode", ["none", *LOCKING])
def test_transition_on_deleted_row_raises_and_never_reinserts(
    mode: str, ledger: Any, figures: Any
) -> None:
    """Another process deletes the row; the transition raises and the row stays deleted."""
    model = ITEMS[mode]
    item = model.objects.create()
    (report,) = run(worker.delete_row, [(mode, item.pk)])
    assert report["deleted"] == 1
    with pytest.raises(statecore.ConcurrentTransition) as caught:
        item.place()
    assert caught.value.actual is None
    assert "no longer exists" in str(caught.value)
    assert item.state == "draft"
    assert not model.objects.filter(pk=item.pk).exists()
    assert not AuditLog.objects.exists()
    figures(attempted=1, committed=0, rejected={"concurrent": 1})
