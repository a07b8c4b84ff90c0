"""The xworkflows-style test app (integer primary keys, as projects of that time have)."""

from __future__ import annotations

from django.apps import AppConfig


class XWAppConfig(AppConfig):
    name = "tests.django.xwapp"
    label = "xwapp"
    default_auto_field = "django.db.models.AutoField"
