"""The claim-processing definition shared by the definition tests (django-steps' example).

Claims are submitted; a completion status then sends them, by the highest-priority
condition that holds, to the fraud check (``claim.is_high_risk == true``), the senior
review (``claim.amount > 10000``) or the plain review; every review ends in settlement.
"""

from __future__ import annotations

import copy
from typing import Any


def _status(name: str, title: str, kind: str = "normal") -> dict[str, str]:
    return {"name": name, "title": title, "kind": kind}


def _transition(
    name: str, source: str, target: str, condition: str = "", priority: int = 0
) -> dict[str, Any]:
    return {
        "name": name,
        "source": source,
        "target": target,
        "conditions": [condition] if condition else [],
        "priority": priority,
    }


CLAIM_PROCESSING: dict[str, Any] = {
    "schema_version": 1,
    "name": "claim_processing",
    "title": "Claim processing",
    "description": "Claims are submitted, reviewed by the right team, then settled.",
    "states": [
        {"name": "submission", "title": "Submission", "kind": "initial"},
        {"name": "review", "title": "Review", "kind": "normal"},
        {"name": "senior_review", "title": "Senior review", "kind": "normal"},
        {"name": "fraud_check", "title": "Fraud check", "kind": "normal"},
        {"name": "settled", "title": "Settled", "kind": "final"},
        {"name": "paused", "title": "On hold", "kind": "on_hold"},
        {"name": "cancelled", "title": "Cancelled", "kind": "cancellation"},
    ],
    "transitions": [
        _transition(
            "to_fraud_check", "submission", "fraud_check", "claim.is_high_risk == true", 20
        ),
        _transition("to_senior_review", "submission", "senior_review", "claim.amount > 10000", 10),
        _transition("to_review", "submission", "review"),
        _transition("settle", "review", "settled"),
        _transition("settle_senior", "senior_review", "settled"),
        _transition("settle_cleared", "fraud_check", "settled"),
    ],
    "custom": {
        "statuses": {
            "submission": [
                _status("draft", "Draft", "default"),
                _status("submitted", "Submitted", "completion"),
            ],
            "review": [
                _status("under_review", "Under review", "default"),
                _status("waiting", "Waiting for documents"),
                _status("reviewed", "Reviewed", "completion"),
            ],
            "senior_review": [
                _status("under_review", "Under review", "default"),
                _status("reviewed", "Reviewed", "completion"),
            ],
            "fraud_check": [
                _status("investigating", "Investigating", "default"),
                _status("cleared", "Cleared", "completion"),
            ],
            "settled": [
                _status("awaiting_payment", "Awaiting payment", "default"),
                _status("paid", "Paid", "completion"),
            ],
            "paused": [_status("on_hold", "On hold", "default")],
            "cancelled": [_status("cancelled", "Cancelled", "default")],
        }
    },
}


def claim_processing() -> dict[str, Any]:
    """A fresh copy of the claim-processing definition's data."""
    return copy.deepcopy(CLAIM_PROCESSING)
