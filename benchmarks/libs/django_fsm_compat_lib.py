"""statecore's django-fsm compatibility layer, running django-fsm-2's workloads unchanged.

The workloads are ``django_fsm_lib``'s, with ``django_fsm`` and ``django_fsm_log`` read as
``statecore_django.compat.django_fsm`` and ``...django_fsm_log`` (the import change a
django-fsm project makes). For W7 the field opts in to ``atomic=True``: each transition
is its own transaction that saves the state and writes the ``StateLog`` row, in the
locking modes the opt-in offers; the caller no longer saves.
"""

from __future__ import annotations

from typing import Any

from flows import PING_PONG_INITIAL, PING_PONG_TRANSITIONS

from libs import Saved, django_fsm_lib, django_setup
from libs.django_fsm_lib import count, define, factory, lister, ping_pong, setup

NAME = "statecore django_fsm compat"
DISTRIBUTION = "statecore"
MODULE = "statecore_django.compat.django_fsm"
DJANGO = True
DJANGO_APPS = ("statecore_django.compat.django_fsm", "statecore_django.compat.django_fsm_log")
LOCKING_MODES = ("none", "optimistic", "pessimistic")
RESTORES = True  # the atomic opt-in rolls the row, the log and the object back

django_fsm_lib.PACKAGES.update(
    fsm="statecore_django.compat.django_fsm", log="statecore_django.compat.django_fsm_log"
)

__all__ = ["count", "define", "factory", "lister", "ping_pong", "saved", "setup"]


def saved(locking: str) -> Saved:
    from statecore_django.compat.django_fsm import FSMField
    from statecore_django.compat.django_fsm_log.models import StateLog

    field = FSMField(default=PING_PONG_INITIAL, atomic=True, locking=locking)
    methods = django_fsm_lib._transition_methods(field, PING_PONG_TRANSITIONS)
    model = django_setup.model(django_fsm_lib._unique("AtomicDoor"), {"state": field, **methods})

    def log(obj: Any) -> list[tuple[str, str, str]]:
        rows = StateLog.objects.for_(obj).order_by("id")
        return list(rows.values_list("transition", "source_state", "state"))

    return Saved(
        (model,),
        model.objects.create,
        lambda obj: obj.go(),
        lambda obj: obj.back(),
        lambda obj: obj.state,
        log,
    )
