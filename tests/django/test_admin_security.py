"""The admin mixin never lets a form choose where resume goes or skip saving and logging."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import path, reverse
from tests.django.restapp.models import Claim
from tests.django.testapp.models import Order

from statecore_django.admin_mixins import WorkflowAdminMixin
from statecore_django.log.models import TransitionLog


class QuietPayForm(forms.Form):
    """A transition form with a field named like the call's reserved ``log=``."""

    amount = forms.IntegerField(min_value=1)
    log = forms.BooleanField(required=False)


class OrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    transition_forms = {"pay": QuietPayForm}  # noqa: RUF012


class ClaimAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    pass


site = admin.AdminSite(name="security_admin")
site.register(Order, OrderAdmin)
site.register(Claim, ClaimAdmin)
urlpatterns = [path("admin/", site.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def boss() -> Client:
    user = User.objects.create_user("boss", password="pw", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_held_from_column_of_a_protected_state_is_read_only_in_the_change_form() -> None:
    """state_held_from is read-only with its protected state: resume cannot be steered."""
    request: Any = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    readonly = site._registry[Claim].get_readonly_fields(request, Claim())
    assert {"state", "state_held_from"} <= set(readonly)


def test_transition_form_field_named_log_is_refused_and_nothing_is_written(boss: Client) -> None:
    """A form field named 'log' would skip the log row: a configuration error instead."""
    order = Order.objects.create(state="placed")
    url = reverse("security_admin:testapp_order_transition", args=(order.pk, "state", "pay"))
    with pytest.raises(ImproperlyConfigured, match="'log'"):
        boss.post(url, {"_statecore_confirm": "1", "amount": "5"})
    order.refresh_from_db()
    assert order.state == "placed"
    assert not TransitionLog.for_object(order).exists()
