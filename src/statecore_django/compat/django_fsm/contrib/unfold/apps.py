"""Application config of ``statecore_django.compat.django_fsm.contrib.unfold``."""

from __future__ import annotations

from django.apps import AppConfig


class UnfoldFsmConfig(AppConfig):
    """The ``unfold_fsm`` app (django-fsm-2's label for its django-unfold integration).

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_fsm.contrib.unfold"
    label = "unfold_fsm"
    default = True
