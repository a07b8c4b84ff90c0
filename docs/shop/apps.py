"""The ``shop`` app of the Django pages of docs/ (django.md, admin.md, logs.md)."""

from __future__ import annotations

from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The app the guide's models belong to (``app_label = "shop"``)."""

    name = "shop"
    label = "shop"
    default_auto_field = "django.db.models.BigAutoField"
