"""The ``orders`` application."""

from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Shop"
    default_auto_field = "django.db.models.BigAutoField"
