"""The compiled-definition cache across OS processes: a new version reaches a running process."""

from __future__ import annotations

import pytest
from tests.django import flow_workers, processes
from tests.django.definitions_data import claim_processing
from tests.django.flowapp.models import Claim

from statecore_django.definitions import services
from statecore_django.definitions.exchange import import_definition

pytestmark = [pytest.mark.django_db(transaction=True), processes.needs_server]


def test_a_version_published_by_another_process_is_used_by_the_next_start() -> None:
    """A process that compiled version 1 starts the next instance with version 2.

    Its instance started on version 1 keeps version 1's conditions.
    """
    import_definition(claim_processing())
    first, second, old = (Claim.objects.create(amount=0) for _ in range(3))
    services.start("claim_processing", old)
    barrier = processes.CONTEXT.Barrier(2)
    worker = processes.Worker(
        flow_workers.start_before_and_after_a_change, barrier, first.pk, second.pk, old.pk
    )
    barrier.wait(timeout=120)
    data = claim_processing()
    data["transitions"][2]["conditions"] = ["claim.amount > 0"]  # to_review needs an amount
    import_definition(data)
    barrier.wait(timeout=60)
    assert worker.result() == {"first": 1, "second": 2, "old_step": "review"}
