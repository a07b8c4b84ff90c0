"""The read-only transition log admin and inline, through Django's test client."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from tests.django.checksapp.models import Parcel

from statecore_django.admin import TransitionLogAdmin, TransitionLogInline
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    """A client logged in as a superuser."""
    user = User.objects.create_superuser("boss", "boss@example.com", "secret")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def parcel() -> Parcel:
    """A parcel sent then delivered: two log rows."""
    parcel = Parcel.objects.create(label="books")
    parcel.send()
    parcel.deliver()
    return parcel


def test_ready_log_is_registered_with_the_read_only_admin() -> None:
    """The ready TransitionLog is registered on the default site with TransitionLogAdmin."""
    assert isinstance(admin.site._registry[TransitionLog], TransitionLogAdmin)


def test_log_changelist_renders_rows_without_add_or_delete(staff: Client, parcel: Parcel) -> None:
    """The changelist shows the rows, no add link and no delete action, even to a superuser."""
    url = reverse("admin:statecore_log_transitionlog_changelist")
    response = staff.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "deliver" in page
    assert "send" in page
    assert reverse("admin:statecore_log_transitionlog_add") not in page
    assert "delete_selected" not in page


def test_log_detail_is_read_only(staff: Client, parcel: Parcel) -> None:
    """A row's page shows its values without a form field or a save button; POST is refused."""
    row = TransitionLog.for_object(parcel).get(transition="deliver")
    url = reverse("admin:statecore_log_transitionlog_change", args=[row.pk])
    response = staff.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "delivered" in page
    assert 'name="to_state"' not in page
    assert 'name="_save"' not in page
    assert staff.post(url, {"to_state": "lost"}).status_code == 403
    row.refresh_from_db()
    assert row.to_state == "delivered"


def test_log_add_page_is_forbidden(staff: Client) -> None:
    """The add page answers 403: rows come from transitions only."""
    response = staff.get(reverse("admin:statecore_log_transitionlog_add"))
    assert response.status_code == 403


def test_inline_shows_the_object_log_rows_read_only(staff: Client, parcel: Parcel) -> None:
    """The object's change page lists its own log rows, with no add, edit or delete."""
    other = Parcel.objects.create(label="other")
    other.send()
    response = staff.get(reverse("admin:checksapp_parcel_change", args=[parcel.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is TransitionLog
    )
    shown = [form.original.transition for form in formset]
    assert shown == ["deliver", "send"]
    assert formset.has_add_permission is False
    assert formset.has_change_permission is False
    assert formset.formset.max_num == 0
    assert 'name="to_state"' not in page
    assert "-DELETE" not in page
    assert "transition log" in page.lower()


def test_inline_model_defaults_to_the_configured_log_model() -> None:
    """Without ``model`` the inline uses STATECORE_LOG_MODEL (the ready TransitionLog here)."""
    assert TransitionLogInline.model is TransitionLog
    inline = TransitionLogInline(Parcel, admin.site)
    assert inline.has_add_permission(None) is False
    assert inline.has_change_permission(None) is False
    assert inline.has_delete_permission(None) is False
