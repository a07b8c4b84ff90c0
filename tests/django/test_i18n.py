"""The adapter speaks the admin's language: French and German catalogues ship with it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from tests.django.testapp.models import Order

from statecore_django.admin_mixins import DONE
from statecore_django.log.models import TransitionLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.django.test_admin_mixin")]


def boss() -> Client:
    User.objects.create_superuser("boss", password="pw")
    client = Client()
    client.login(username="boss", password="pw")
    return client


@override_settings(LANGUAGE_CODE="de")
def test_change_page_and_messages_are_german_with_language_code_de() -> None:
    """The panel, the log inline and the success message are translated, no English left."""
    client = boss()
    order = Order.objects.create(state="placed")
    change = reverse("workflow_admin:testapp_order_change", args=[order.pk])
    page = client.get(change).content.decode()
    assert "Workflow-Diagramm" in page
    assert "Übergangsprotokoll" in page
    assert "transition log" not in page
    url = reverse("workflow_admin:testapp_order_transition", args=[order.pk, "state", "cancel"])
    done = client.post(url, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert messages == [f"{order}: Cancel ausgeführt; state ist jetzt „Cancelled“."]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "journal des transitions"), ("de", "Übergangsprotokoll"), ("en", "transition log")],
)
def test_log_model_names_are_translated(language: str, expected: str) -> None:
    """Model and field names of the log follow the active language."""
    with translation.override(language):
        assert str(TransitionLog._meta.app_config.verbose_name) == expected
        assert (
            str(TransitionLog._meta.get_field("from_state").verbose_name)
            in {
                "fr": {"état de départ"},
                "de": {"von Zustand"},
                "en": {"from state"},
            }[language]
        )


def test_message_constants_are_lazy_and_follow_the_language() -> None:
    """Tests can assert the class constants; they render in the active language."""
    with translation.override("fr"):
        text = DONE.format(object="Order 1", label="Pay", field="state", state="Paid")
    assert text == "Order 1 : Pay effectuée ; state est maintenant « Paid »."
