"""Work that the flow and definition tests run in other OS processes (see processes.py)."""

from __future__ import annotations

from typing import Any


def review(barrier: Any, report_id: int, transition: str) -> dict[str, Any]:
    """Load the report, wait for every racer, run ``transition`` through its flow."""
    from tests.django.flowapp.flows import ReviewFlow
    from tests.django.flowapp.models import Report

    import statecore

    report = Report.objects.get(pk=report_id)
    barrier.wait(timeout=60)
    try:
        getattr(ReviewFlow(report), transition)()
    except statecore.ConcurrentTransition:
        return {"transition": transition, "outcome": "concurrent"}
    return {"transition": transition, "outcome": "committed", "stage": report.stage}


def start_before_and_after_a_change(
    barrier: Any, first_claim: int, second_claim: int, old_claim: int
) -> dict[str, Any]:
    """Start an instance, wait while the test publishes a new version, start another.

    Also moves on the instance ``old_claim`` started with the first version, after the
    change: it must follow its own version's conditions.
    """
    from tests.django.flowapp.models import Claim

    from statecore_django.definitions import services

    first = services.start("claim_processing", Claim.objects.get(pk=first_claim))
    old = services.instance_for(Claim.objects.get(pk=old_claim))
    services.flow(old)  # compiled now, before the change
    barrier.wait(timeout=60)  # the test publishes version 2
    barrier.wait(timeout=60)
    second = services.start("claim_processing", Claim.objects.get(pk=second_claim))
    services.update_status(old, "submitted", {"claim": {"amount": 0, "is_high_risk": False}})
    return {
        "first": first.version.number,
        "second": second.version.number,
        "old_step": old.step,
    }
