"""Transitions of Django models: saving, opting out, restoring on failure, templates, SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from tests.django.testapp.models import (
    Carrier,
    OptimisticOrder,
    Order,
    Parcel,
    PessimisticOrder,
    Shipment,
    UnloggedOrder,
)

import statecore
from statecore_django import post_transition, pre_transition
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db

NOT_COUNTED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def statements(context: CaptureQueriesContext) -> list[str]:
    """The captured SQL without the transaction-control statements."""
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].upper().startswith(NOT_COUNTED)
    ]


def warm_content_types(*models: type) -> None:
    """Load the content types once so that counting queries measures transitions only."""
    from django.contrib.contenttypes.models import ContentType

    for model in models:
        ContentType.objects.get_for_model(model)


def test_transition_saves_the_state_and_changed_fields() -> None:
    """After pay(amount=5) the row holds the new state and the amount."""
    order = Order.objects.create(state="placed")
    order.pay(amount=5)
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.amount) == ("paid", 5)


def test_transition_updates_only_changed_fields() -> None:
    """A field changed by someone else and not by the transition is not overwritten."""
    order = Order.objects.create(state="placed", note="mine")
    Order.objects.filter(pk=order.pk).update(note="theirs")
    with CaptureQueriesContext(connection) as context:
        order.pay(amount=3)
    update = next(sql for sql in statements(context) if sql.startswith("UPDATE"))
    assert "note" not in update
    assert Order.objects.get(pk=order.pk).note == "theirs"


def test_save_false_changes_the_state_in_memory_only() -> None:
    """save=False: the state changes in memory, the row does not; the log is still written."""
    order = Order.objects.create()
    order.place(save=False)
    assert order.state == "placed"
    assert Order.objects.get(pk=order.pk).state == "draft"
    assert TransitionLog.for_object(order).count() == 1


def test_log_false_writes_no_log_row() -> None:
    """log=False: saved, no log row."""
    order = Order.objects.create()
    order.place(log=False)
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert not TransitionLog.for_object(order).exists()


def test_reserved_keywords_do_not_reach_the_implementation() -> None:
    """save= and log= are taken by the wrapper; the implementation sees its own kwargs only."""
    order = Order.objects.create(state="placed")
    order.pay(amount=2, log=False)
    assert Order.objects.get(pk=order.pk).amount == 2


def test_unsaved_object_is_saved_with_save() -> None:
    """A transition on an object without a primary key inserts it with save()."""
    order = Order(amount=1)
    order.place()
    assert order.pk is not None
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert TransitionLog.for_object(order).count() == 1


def test_failing_implementation_restores_the_object_and_the_row() -> None:
    """An exception rolls back the transaction and restores state and fields in memory."""
    order = Order.objects.create(state="placed", data={"tries": [1]})
    with pytest.raises(RuntimeError, match="payment failed"):
        order.pay(amount=9, fail=True)
    assert order.state == "placed"
    assert order.amount == 0
    assert order.data == {"tries": [1]}
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.amount) == ("placed", 0)
    assert not TransitionLog.for_object(order).exists()


def test_failing_after_hook_rolls_the_transition_back() -> None:
    """An after hook that fails undoes the saved state and log (one transaction)."""
    order = Order.objects.create()
    seen: list[str] = []

    def receiver(sender: type, instance: Order, **kwargs: object) -> None:
        seen.append(Order.objects.get(pk=instance.pk).state.name)
        raise ValueError("receiver failed")

    from statecore_django import post_transition

    post_transition.connect(receiver, sender=Order)
    try:
        with pytest.raises(ValueError, match="receiver failed"):
            order.place()
    finally:
        post_transition.disconnect(receiver, sender=Order)
    assert seen == ["placed"]
    assert order.state == "draft"
    assert Order.objects.get(pk=order.pk).state == "draft"
    assert not TransitionLog.for_object(order).exists()


def test_on_error_state_is_entered_after_the_rollback() -> None:
    """charge(fail=True): the implementation's changes roll back, the state becomes failed."""
    order = Order.objects.create(state="placed")
    with pytest.raises(RuntimeError, match="card declined"):
        order.charge(fail=True)
    assert order.state == "failed"
    assert order.note == ""
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.note) == ("failed", "")
    log = TransitionLog.for_object(order).get()
    assert (log.transition, log.from_state, log.to_state) == ("charge", "placed", "failed")


def test_unavailable_transition_changes_nothing() -> None:
    """ship() from draft raises InvalidTransitionError and writes nothing."""
    order = Order.objects.create()
    with (
        CaptureQueriesContext(connection) as context,
        pytest.raises(statecore.InvalidTransitionError, match="not available from state 'draft'"),
    ):
        order.ship()
    assert statements(context) == []
    assert order.state == "draft"


def test_templates_neither_call_nor_alter_transitions() -> None:
    """{{ order.place }} renders without running the transition (template-safe wrapper)."""
    order = Order.objects.create()
    assert order.place.alters_data is True
    assert order.place.do_not_call_in_templates is True
    Template("{{ order.place }}{{ order.state }}").render(Context({"order": order}))
    assert order.state == "draft"
    assert Order.objects.get(pk=order.pk).state == "draft"


@pytest.mark.parametrize(
    ("model", "expected"),
    [(Order, 2), (OptimisticOrder, 2), (PessimisticOrder, 3)],
    ids=["none", "optimistic", "pessimistic"],
)
def test_logged_transition_sql_statement_count(model: type, expected: int) -> None:
    """One logged transition: UPDATE + INSERT (2); with select_for_update, SELECT too (3)."""
    warm_content_types(model)
    order = model.objects.create(state="placed")
    with CaptureQueriesContext(connection) as context:
        order.pay()
    sql = statements(context)
    assert len(sql) == expected, sql
    assert sql[-2].startswith("UPDATE") and sql[-1].startswith("INSERT")


def test_unlogged_transition_is_one_update() -> None:
    """Without a log model a transition is a single UPDATE."""
    order = UnloggedOrder.objects.create()
    with CaptureQueriesContext(connection) as context:
        order.place()
    assert [sql.split()[0] for sql in statements(context)] == ["UPDATE"]


def test_auto_now_fields_are_updated() -> None:
    """An auto_now field is written by the transition's UPDATE."""
    order = Order.objects.create()
    before = Order.objects.get(pk=order.pk).updated
    order.place()
    assert Order.objects.get(pk=order.pk).updated > before


def test_available_transitions_helper_lists_runnable_transitions() -> None:
    """get_available_state_transitions() names what can run from the current state."""
    order = Order.objects.create(state="placed")
    names = [t.name for t in order.get_available_state_transitions()]
    assert names == ["pay", "cancel", "charge", "approve"]


def _fail_after_changing_carrier(carrier: Carrier) -> Any:
    """A post_transition receiver that points the shipment at ``carrier``, then fails."""

    def receiver(sender: type, instance: Shipment, **kwargs: object) -> None:
        instance.carrier = carrier
        raise RuntimeError("receiver failed")

    return receiver


def test_rolled_back_transition_restores_the_cached_foreign_key() -> None:
    """After a rollback the foreign key reads back the related object it had before."""
    first = Carrier.objects.create(name="first")
    second = Carrier.objects.create(name="second")
    shipment = Shipment.objects.create(carrier=first)
    assert shipment.carrier == first
    receiver = _fail_after_changing_carrier(second)
    post_transition.connect(receiver, sender=Shipment)
    try:
        with pytest.raises(RuntimeError, match="receiver failed"):
            shipment.place()
    finally:
        post_transition.disconnect(receiver, sender=Shipment)
    assert shipment.carrier_id == first.pk
    assert shipment.carrier.name == "first"


def test_rolled_back_transition_keeps_prefetched_objects() -> None:
    """A failed transition leaves prefetch caches and to_attr lists as they were loaded."""
    shipment = Shipment.objects.create(data={"tags": ["fragile"]})
    Parcel.objects.create(shipment=shipment)
    shipment = Shipment.objects.prefetch_related(
        "parcels", Prefetch("parcels", to_attr="parcel_list")
    ).get(pk=shipment.pk)
    parcel = shipment.parcel_list[0]
    cache = shipment._prefetched_objects_cache
    receiver = _fail_after_changing_carrier(Carrier.objects.create(name="other"))
    post_transition.connect(receiver, sender=Shipment)
    try:
        with pytest.raises(RuntimeError, match="receiver failed"):
            shipment.place()
    finally:
        post_transition.disconnect(receiver, sender=Shipment)
    assert shipment._prefetched_objects_cache is cache
    assert shipment.parcel_list[0] is parcel
    with CaptureQueriesContext(connection) as context:
        assert list(shipment.parcels.all()) == [parcel]
    assert len(context.captured_queries) == 0


def test_rolled_back_transition_restores_json_field_contents() -> None:
    """A JSON value changed in place by a failing transition is restored (deep copy)."""
    shipment = Shipment.objects.create(data={"tags": ["fragile"]})

    def receiver(sender: type, instance: Shipment, **kwargs: object) -> None:
        instance.data["tags"].append("lost")
        raise RuntimeError("receiver failed")

    post_transition.connect(receiver, sender=Shipment)
    try:
        with pytest.raises(RuntimeError, match="receiver failed"):
            shipment.place()
    finally:
        post_transition.disconnect(receiver, sender=Shipment)
    assert shipment.data == {"tags": ["fragile"]}


def test_kept_transition_called_again_from_inside_itself_keeps_the_outer_options() -> None:
    """A kept wrapper re-entered from its own receiver: the outer call keeps save=False."""
    order = Order.objects.create()
    place = order.place
    calls: list[str] = []

    def reenter(sender: type, instance: Order, **kwargs: object) -> None:
        calls.append("pre")
        if len(calls) == 2:
            raise RuntimeError("inner call refused")
        if len(calls) == 1:
            with pytest.raises(RuntimeError, match="inner call refused"):
                place()

    pre_transition.connect(reenter, sender=Order)
    try:
        place(save=False)
    finally:
        pre_transition.disconnect(reenter, sender=Order)
    assert calls == ["pre", "pre"]
    assert order.state == "placed"
    assert Order.objects.get(pk=order.pk).state == "draft"
