"""The app of the flow-class and database-defined workflow tests."""

from __future__ import annotations

from django.apps import AppConfig


class FlowAppConfig(AppConfig):
    name = "tests.django.flowapp"
    label = "flowapp"
    default_auto_field = "django.db.models.BigAutoField"
