"""Flow transitions racing in OS processes: one wins, the others are refused, logs agree."""

from __future__ import annotations

import pytest
from tests.django import flow_workers, processes
from tests.django.flowapp.models import Report, ReportChangeLog

from statecore_django.log.models import TransitionLog

pytestmark = [pytest.mark.django_db(transaction=True), processes.needs_server]


def test_racing_flow_transitions_commit_exactly_one_with_its_rows() -> None:
    """Four processes approve or reject one report at once: one commits, three are refused.

    The committed one leaves the report in its target stage, one change row and one log
    row; no refused one leaves any row.
    """
    report = Report.objects.create(title="raced")
    reports = processes.run(
        flow_workers.review,
        [(report.pk, name) for name in ("approve", "reject", "approve", "reject")],
        barrier=True,
    )
    committed = [r for r in reports if r["outcome"] == "committed"]
    assert len(committed) == 1, reports
    assert sum(r["outcome"] == "concurrent" for r in reports) == 3
    winner = committed[0]["stage"]
    assert Report.objects.get(pk=report.pk).stage == winner
    assert list(ReportChangeLog.objects.values_list("target", flat=True)) == [winner]
    assert list(TransitionLog.for_object(report).values_list("to_state", flat=True)) == [winner]
