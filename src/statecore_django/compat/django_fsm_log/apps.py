"""Application config of the django-fsm-log layer (label ``django_fsm_log``)."""

from __future__ import annotations

from django.apps import AppConfig


class DjangoFsmLogConfig(AppConfig):
    """Connects the storage backend to the transition signals when Django starts.

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_fsm_log"
    label = "django_fsm_log"
    verbose_name = "Django FSM Log"
    default_auto_field = "django.db.models.AutoField"
    default = True

    def ready(self) -> None:
        """Set the backend up and connect its receivers."""
        from ..django_fsm.signals import post_transition, pre_transition
        from .backends import backend

        storage = backend()
        storage.setup_model(self.get_model("StateLog"))
        uid = "statecore_django.django_fsm_log"
        pre_transition.connect(storage.pre_transition_callback, dispatch_uid=uid)
        post_transition.connect(storage.post_transition_callback, dispatch_uid=uid)
