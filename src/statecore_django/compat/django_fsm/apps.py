"""Application config of the django-fsm layer (label ``django_fsm``, as django-fsm's)."""

from __future__ import annotations

from django.apps import AppConfig


class DjangoFsmConfig(AppConfig):
    """The ``django_fsm`` app: templates of the admin mixin and ``graph_transitions``.

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_fsm"
    label = "django_fsm"
    verbose_name = "Django FSM (statecore)"
    default = True

    def ready(self) -> None:
        """Register the system check of the state fields' workflows."""
        from django.core import checks

        from .checks import check_workflows

        checks.register(check_workflows)
