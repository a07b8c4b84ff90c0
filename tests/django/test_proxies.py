"""State proxies: objects and querysets come back as the proxy class of their state."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from tests.django.checksapp.models import AdminParcel, ClosedParcel, Parcel, SentParcel
from tests.django.checksapp.workflows import ParcelFlow
from tests.django.testapp.workflows import PlainFlow

import statecore_django
from statecore_django.proxies import StateProxyMixin, state_proxies

pytestmark = pytest.mark.django_db


def test_new_object_is_the_proxy_of_its_state() -> None:
    """Creating an object gives the proxy of its state, or the model for states without one."""
    assert type(Parcel()) is Parcel
    assert type(Parcel(state="sent")) is SentParcel
    assert type(Parcel.objects.create(state="lost")) is ClosedParcel


def test_queryset_of_the_model_mixes_the_proxies() -> None:
    """``Model.objects.all()`` gives each row as the proxy of its state."""
    for state in ("packed", "sent", "delivered", "lost"):
        Parcel.objects.create(state=state, label=state)
    classes = {p.label: type(p) for p in Parcel.objects.all()}
    assert classes == {
        "packed": Parcel,
        "sent": SentParcel,
        "delivered": ClosedParcel,
        "lost": ClosedParcel,
    }
    assert SentParcel.objects.get().where() == "on its way"


def test_queryset_of_a_proxy_holds_only_its_states() -> None:
    """A proxy's manager filters by its ``proxy_state``; the model's filters nothing."""
    for state in ("packed", "sent", "delivered", "lost"):
        Parcel.objects.create(state=state, label=state)
    assert [p.label for p in SentParcel.objects.all()] == ["sent"]
    assert sorted(p.label for p in ClosedParcel.objects.all()) == ["delivered", "lost"]
    assert Parcel.objects.count() == 4


def test_transition_switches_the_object_to_the_new_state_proxy() -> None:
    """After a transition the object is the proxy of its new state, and so is a reload."""
    parcel = Parcel.objects.create()
    parcel.send()
    assert type(parcel) is SentParcel
    parcel.deliver()
    assert type(parcel) is ClosedParcel
    assert parcel.where() == "journey over"
    assert type(Parcel.objects.get(pk=parcel.pk)) is ClosedParcel


def test_failed_transition_with_on_error_ends_in_that_state_proxy() -> None:
    """A failing implementation with on_error leaves the object as the on_error state's proxy."""
    parcel = Parcel.objects.create(state="sent")
    with pytest.raises(RuntimeError):
        parcel.deliver(fail=True)
    assert parcel.state == "lost"
    assert type(parcel) is ClosedParcel


def test_rolled_back_transition_goes_back_to_the_source_proxy() -> None:
    """A transition rolled back by a failing receiver leaves the source state's proxy."""
    parcel = Parcel.objects.create(state="sent")

    def refuse(**kwargs: object) -> None:
        msg = "refused"
        raise RuntimeError(msg)

    statecore_django.post_transition.connect(refuse, sender=Parcel)
    try:
        with pytest.raises(RuntimeError, match="refused"):
            parcel.give_back()
    finally:
        statecore_django.post_transition.disconnect(refuse, sender=Parcel)
    assert parcel.state == "sent"
    assert type(parcel) is SentParcel


def test_refresh_from_db_switches_to_the_stored_state_proxy() -> None:
    """Reloading an object whose row moved on makes it the proxy of the stored state."""
    parcel = Parcel.objects.create(state="sent")
    Parcel.objects.filter(pk=parcel.pk).update(state="returned")
    parcel.refresh_from_db()
    assert type(parcel) is Parcel


def test_proxy_without_proxy_state_is_left_alone() -> None:
    """A proxy with no ``proxy_state`` keeps its class whatever the state."""
    Parcel.objects.create(state="sent")
    parcel = AdminParcel.objects.get()
    assert type(parcel) is AdminParcel
    assert AdminParcel.objects.count() == 1


def test_deferred_state_is_loaded_so_the_class_follows_the_state() -> None:
    """``only()`` and ``defer()`` still load the state: one query, the state's proxy class."""
    Parcel.objects.create(state="sent")
    with CaptureQueriesContext(connection) as queries:
        only = Parcel.objects.only("label").get()
        deferred = Parcel.objects.defer("state").get()
    assert len(queries) == 2
    assert type(only) is SentParcel
    assert type(deferred) is SentParcel
    assert "state" in only.__dict__


def test_receiver_of_the_declaring_model_hears_objects_of_every_proxy_class() -> None:
    """Signals are sent with the model declaring the state field, whatever the object's class."""
    parcel = Parcel.objects.create(state="sent")
    assert type(parcel) is SentParcel
    heard: list[tuple[type, str]] = []

    def receiver(sender: type, instance: Parcel, **kwargs: object) -> None:
        heard.append((sender, type(instance).__name__))

    statecore_django.pre_transition.connect(receiver, sender=Parcel)
    statecore_django.post_transition.connect(receiver, sender=Parcel)
    try:
        parcel.give_back()
    finally:
        statecore_django.pre_transition.disconnect(receiver, sender=Parcel)
        statecore_django.post_transition.disconnect(receiver, sender=Parcel)
    assert heard == [(Parcel, "SentParcel"), (Parcel, "Parcel")]


def test_state_proxies_lists_the_registered_proxies() -> None:
    """``state_proxies(model)`` maps each state with a proxy to its class."""
    assert state_proxies(Parcel) == {
        "sent": SentParcel,
        "delivered": ClosedParcel,
        "lost": ClosedParcel,
    }


def test_proxy_of_an_unknown_state_is_refused() -> None:
    """Declaring a proxy for a state the workflow lacks raises, naming the states."""
    with pytest.raises(ImproperlyConfigured, match="'shipped', not states of ParcelFlow"):

        class ShippedParcel(Parcel):
            proxy_state = "shipped"

            class Meta:
                proxy = True
                app_label = "checksapp"


def test_two_proxies_for_one_state_are_refused() -> None:
    """Two proxies of one state raise, naming both."""
    with pytest.raises(ImproperlyConfigured, match=r"has two proxies, checksapp\.SentParcel and"):

        class OtherSentParcel(Parcel):
            proxy_state = "sent"

            class Meta:
                proxy = True
                app_label = "checksapp"


@isolate_apps("tests.django.checksapp")
def test_model_with_two_state_fields_must_name_the_proxy_field() -> None:
    """A model with several state fields must set state_proxy_field before proxies work."""

    class TwoFields(StateProxyMixin, models.Model):
        state = statecore_django.StateField(ParcelFlow)
        other = statecore_django.StateField(PlainFlow)

        class Meta:
            app_label = "checksapp"

    with pytest.raises(ImproperlyConfigured, match="set state_proxy_field"):

        class SentTwoFields(TwoFields):
            proxy_state = "sent"

            class Meta:
                proxy = True
                app_label = "checksapp"
