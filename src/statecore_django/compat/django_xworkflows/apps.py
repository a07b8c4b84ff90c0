"""The ``django_xworkflows`` application of the compatibility namespace."""

from __future__ import annotations

from django.apps import AppConfig


class DjangoXWorkflowsConfig(AppConfig):
    """Application config under django_xworkflows' label, ``django_xworkflows``.

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_xworkflows"
    label = "django_xworkflows"
    verbose_name = "django_xworkflows (statecore)"
