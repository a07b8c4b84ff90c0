"""Forms and the admin: a protected state is read-only; form data never shadows the actor."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import path, reverse
from tests.django.testapp.models import Order, ProtectedOrder

from statecore_django.admin_mixins import WorkflowAdminMixin
from statecore_django.log.models import TransitionLog


class ProtectedOrderForm(forms.ModelForm):
    class Meta:
        model = ProtectedOrder
        fields = ("state", "note")


class ShadowingForm(forms.Form):
    """A transition form whose field is named like what the adapter records itself."""

    user = forms.ModelChoiceField(User.objects.all())


class ShadowedOrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    transition_forms = {"cancel": ShadowingForm}  # noqa: RUF012


site = admin.AdminSite(name="forms_admin")
site.register(Order, ShadowedOrderAdmin)
site.register(ProtectedOrder, admin.ModelAdmin)  # Django's default admin, no statecore mixin
urlpatterns = [path("admin/", site.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def admin_client(name: str) -> tuple[Client, User]:
    user = User.objects.create_superuser(name, password="pw")
    client = Client()
    client.force_login(user)
    return client, user


def test_model_form_of_a_protected_state_saves_other_fields() -> None:
    """A ModelForm listing a protected state validates and saves; the state is not editable."""
    order = ProtectedOrder.objects.create()
    order.place()
    form = ProtectedOrderForm({"state": "cancelled", "note": "hello"}, instance=order)
    assert form.fields["state"].disabled
    assert form.is_valid(), form.errors
    form.save()
    order.refresh_from_db()
    assert (order.state, order.note) == ("placed", "hello")


def test_model_form_adds_a_protected_state_object_in_its_initial_state() -> None:
    """An add form of a model with a protected state creates it in the initial state."""
    form = ProtectedOrderForm({"state": "shipped", "note": "new"})
    assert form.is_valid(), form.errors
    order = form.save()
    assert (order.state, ProtectedOrder.objects.get(pk=order.pk).state) == ("draft", "draft")


def test_default_model_admin_adds_and_changes_a_protected_state_model() -> None:
    """Django's own ModelAdmin (no mixin) works: add and change pages, no server error."""
    client, _user = admin_client("root")
    add = reverse("forms_admin:testapp_protectedorder_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"state": "shipped", "note": "added"})
    assert response.status_code == 302
    order = ProtectedOrder.objects.get()
    assert (order.state, order.note) == ("draft", "added")
    order.place()
    change = reverse("forms_admin:testapp_protectedorder_change", args=[order.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert page.context["adminform"].form.fields["state"].disabled
    response = client.post(change, {"state": "cancelled", "note": "changed"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.note) == ("placed", "changed")


def test_transition_form_field_named_user_never_replaces_the_acting_admin() -> None:
    """The log row names the admin who clicked, whatever a form field called "user" says."""
    client, boss = admin_client("boss")
    other = User.objects.create_user("someone-else")
    order = Order.objects.create(state="placed")
    url = reverse("forms_admin:testapp_order_transition", args=[order.pk, "state", "cancel"])
    response = client.post(url, {"user": other.pk, "_statecore_confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    order.refresh_from_db()
    assert order.state == "cancelled"
    row = TransitionLog.for_object(order).get()
    assert row.user == boss


def test_call_argument_named_user_never_replaces_the_as_user_actor(rf: RequestFactory) -> None:
    """order.cancel.as_user(a)(user=b) logs a: the acting user is the adapter's to record."""
    actor = User.objects.create_user("actor")
    other = User.objects.create_user("other")
    order = Order.objects.create(state="placed")
    order.cancel.as_user(actor)(user=other)
    assert TransitionLog.for_object(order).get().user == actor
    unattributed: Any = Order.objects.create(state="placed")
    unattributed.cancel(user=other)
    assert TransitionLog.for_object(unattributed).get().user == other
