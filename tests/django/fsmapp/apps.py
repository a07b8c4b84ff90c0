"""The django-fsm compatibility layer's test app."""

from __future__ import annotations

from django.apps import AppConfig


class FsmAppConfig(AppConfig):
    name = "tests.django.fsmapp"
    label = "fsmapp"
    default_auto_field = "django.db.models.BigAutoField"
