"""Work that the flow and definition tests run in other OS processes (see processes.py)."""

from __future__ import annotations

from typing import Any


def review(barrier: Any, report_id: int, transition: str) -> dict[str, Any]:
    """Load the report, wait for every racer, run ``transition`` through its flow."""
    import statecore
    from tests.django.flowapp.flows import ReviewFlow
    from tests.django.flowapp.models import Report

    report = Report.objects.get(pk=report_id)
    barrier.wait(timeout=60)
    try:
        getattr(ReviewFlow(report), transition)()
    except statecore.ConcurrentTransition:
        return {"transition": transition, "outcome": "concurrent"}
    return {"transition": transition, "outcome": "committed", "stage": report.stage}
