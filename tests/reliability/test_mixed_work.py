"""Case 15, mixed work: everything a transition and a plain save write, under contention.

Eight processes share the rows of one model with two state fields (``stage`` and the
protected ``review``), a note and eight counter columns; process ``i`` increments only
``counter_i``. Each runs at least 2,000 operations mixing transitions of both fields,
plain saves of other columns, ``.only()`` loads, failing hooks, ``on_error`` transitions
and deletes (`tests.reliability.mixed`). What must hold, in every locking mode:

- each counter equals the increments its process saw committed: no lost update, and no
  increment of a call that failed;
- a transition writes only the columns its code changed; a plain save writes a state
  column only when the state was assigned; nothing re-inserts a deleted row;
- a failed transition leaves the object in memory as it was; a transition on a deleted
  instance raises ``ConcurrentTransition``; with pessimistic locking the transition's
  code sees the row as it is under the lock;
- the audit invariant, with one chain of log rows per row and state field. Without
  locking, two processes that loaded the same state may both apply a transition from it
  (the last writer wins the state column): those chain breaks are counted apart, and
  everything else must hold.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from tests.reliability import worker
from tests.reliability.conftest import scaled
from tests.reliability.processes import merge, raw_errors, run
from tests.reliability.relapp.models import COUNTERS, MIXED

pytestmark = pytest.mark.slow

PROCESSES = len(COUNTERS)


def _counter_errors(
    model: type[Any], created: set[int], reports: list[dict[str, Any]]
) -> tuple[int, int, list[str]]:
    """Lost and phantom increments over the rows still there, with a few examples."""
    lost = phantom = 0
    examples: list[str] = []
    increments = {report["index"]: report["increments"] for report in reports}
    for pk, *counters in model.objects.values_list("pk", *COUNTERS):
        if pk not in created:
            continue
        for index, found in enumerate(counters):
            expected = increments[index].get(pk, 0)
            lost += max(0, expected - found)
            phantom += max(0, found - expected)
            if found != expected and len(examples) < 5:
                examples.append(f"#{pk} counter_{index}: {found}, {expected} increments seen")
    return lost, phantom, examples


@pytest.mark.parametrize("mode", ["none", "optimistic", "pessimistic"])
def test_mixed_work_loses_no_update_and_keeps_every_chain(
    mode: str, ledger: Any, figures: Any
) -> None:
    """8 processes mix transitions, plain saves, .only(), failures and deletes: no lost update.

    Every counter equals the increments its process saw committed, no statement writes a
    column its code did not change (a plain save no state it did not assign), no deleted
    row comes back, a failed call leaves memory as it was, a transition on a deleted
    instance raises ConcurrentTransition, no raw database error escapes a transition,
    and the audit holds for both state fields of every row (with chain breaks counted
    apart, not as violations, without locking).
    """
    operations, kept, deletable = scaled(2000, 100), 16, scaled(160, 16)
    model = MIXED[mode]
    model.objects.bulk_create(model() for _ in range(kept + deletable))
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    started = time.monotonic()
    reports = run(
        worker.mixed_work,
        [(mode, pks[:kept], pks[kept:], operations, index) for index in range(PROCESSES)],
        timeout=1800,
    )
    seconds = round(time.monotonic() - started, 1)
    commits, rejected = merge(reports)
    label = model._meta.label
    deleted = {pk for report in reports for pk in report["deleted"]}
    ledger.extend(commits)
    ledger.deleted |= {(label, pk) for pk in deleted}
    ledger.last_writer_wins = mode == "none"

    def total(key: str) -> Counter[str]:
        return sum((Counter(report[key]) for report in reports), Counter())

    checks = total("checks")
    lost, phantom, counter_examples = _counter_errors(model, set(pks), reports)
    present = set(model.objects.values_list("pk", flat=True))
    reinserted = len(present - set(pks))
    refused_saves_on_present_rows = sum(
        pk in present for report in reports for pk in report["saves_refused_on"]
    )
    own_violations = (
        lost
        + phantom
        + reinserted
        + refused_saves_on_present_rows
        + sum(checks.values())
        + raw_errors(rejected)
    )
    figures(
        processes=PROCESSES,
        operations_per_process=operations,
        objects=len(pks),
        never_deleted=kept,
        attempted=PROCESSES * operations,
        operations=dict(total("operations")),
        committed=len(commits),
        commits_by_field=dict(total("commits_by_field")),
        on_error_entered=sum(report["on_error_entered"] for report in reports),
        plain_saves=sum(report["saves"] for report in reports),
        save_refused=dict(total("save_refused")),
        deleted=len(deleted),
        on_deleted_instance=dict(total("on_deleted_instance")),
        rejected=dict(rejected),
        increments=sum(sum(report["increments"].values()) for report in reports),
        lost_updates=lost,
        phantom_updates=phantom,
        reinserted_rows=reinserted,
        checks=dict(checks),
        seconds=seconds,
        violations=own_violations,
    )
    failures = []
    if lost or phantom:
        failures.append(
            f"counters: {lost} lost update(s), {phantom} increment(s) nobody saw commit; "
            f"e.g. {counter_examples}"
        )
    examples = [example for report in reports for example in report["examples"]]
    for name, count in sorted(checks.items()):
        shown = [example for example in examples if example.startswith(f"{name}:")][:3]
        failures.append(f"{name}: {count}; e.g. {shown}")
    if reinserted:
        failures.append(f"{reinserted} row(s) inserted that the test never created")
    if refused_saves_on_present_rows:
        failures.append(
            f"{refused_saves_on_present_rows} plain save(s) found no row, yet the row exists"
        )
    if raw_errors(rejected):
        raw = [example for report in reports for example in report["raw"]]
        failures.append(f"raw database errors escaped: {dict(rejected)}; e.g. {raw[:3]}")
    assert not failures, f"mixed work ({mode}) broke its promises:\n" + "\n".join(failures)
    # The mix did exercise what it claims to.
    by_field = total("commits_by_field")
    assert by_field["stage"] > 0 and by_field["review"] > 0, by_field
    assert deleted and rejected["injected"] > 0 and rejected["invalid"] > 0, rejected
    assert sum(report["on_error_entered"] for report in reports) > 0
    assert sum(report["saves"] for report in reports) > 0
