"""django-xworkflows: xworkflows on an (unsaved) Django model with a `StateField`.

Transitions save the instance unless called with ``save=False``, which the in-memory
workloads pass; no log model is configured, so nothing is logged.

For W7, transitions save the instance and log to ``xworkflow_log.TransitionLog``, in
``transaction.atomic()`` (the workflow's ``TransactionalImplementationWrapper``).
"""

from __future__ import annotations

from typing import Any

from flows import (
    BIG_INITIAL,
    BIG_STATES,
    BIG_TRANSITIONS,
    LISTING_OPEN_GUARDS,
    LISTING_STATE,
    LISTING_STATES,
    LISTING_TRANSITIONS,
    PING_PONG_INITIAL,
    PING_PONG_STATES,
    PING_PONG_TRANSITIONS,
    Calls,
)

from libs import Factory, Lister, PingPong, Saved, django_setup

NAME = "django-xworkflows"
DISTRIBUTION = "django-xworkflows"
MODULE = "django_xworkflows.models"
DJANGO = True
DJANGO_APPS = ("django_xworkflows", "django_xworkflows.xworkflow_log")
# save() writes every field whatever the row holds (the last writer wins).
LOCKING_MODES = ("none",)
RESTORES = False  # the object keeps the target state after a rollback

_made = 0


def setup() -> None:
    django_setup.configure()


def _unique(name: str) -> str:
    global _made
    _made += 1
    return f"{name}{_made}"


def _flow(
    name: str,
    states: tuple[str, ...],
    transitions: Any,
    initial: str,
    extra: dict[str, Any] | None = None,
) -> Any:
    from django_xworkflows import models as dxw

    return type(
        name,
        (dxw.Workflow,),
        {
            "states": tuple((state, state.upper()) for state in states),
            "transitions": tuple(transitions),
            "initial_state": initial,
            **(extra or {}),
        },
    )


def _model(name: str, flow: Any, extra: dict[str, Any] | None = None) -> Any:
    from django_xworkflows import models as dxw

    return django_setup.model(
        _unique(name), {"state": dxw.StateField(flow), **(extra or {})}, (dxw.WorkflowEnabled,)
    )


_door: Any = None


def _door_model() -> Any:
    global _door
    if _door is None:
        flow = _flow("PingPongFlow", PING_PONG_STATES, PING_PONG_TRANSITIONS, PING_PONG_INITIAL)
        _door = _model("Door", flow)
    return _door


def ping_pong(calls: Calls | None) -> PingPong:
    import xworkflows

    if calls is None:
        obj = _door_model()()
    else:

        def ok(self: Any) -> bool:
            calls.guard += 1
            return True

        def done(self: Any, result: Any, *args: Any, **kwargs: Any) -> None:
            calls.hook += 1

        flow = _flow("GuardedFlow", PING_PONG_STATES, PING_PONG_TRANSITIONS, PING_PONG_INITIAL)
        obj = _model(
            "GuardedDoor",
            flow,
            {
                "ok": xworkflows.transition_check("go", "back")(ok),
                "done": xworkflows.after_transition("go", "back")(done),
            },
        )()

    def round_() -> None:
        obj.go(save=False)
        obj.back(save=False)

    return PingPong(obj, round_, lambda: obj.go(save=False), lambda: obj.state.name)


def lister(calls: Calls) -> Lister:
    import xworkflows

    extra: dict[str, Any] = {}
    for name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(self: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        extra[f"g{index}"] = xworkflows.transition_check(name)(guard)
    transitions = [(name, source, target) for name, source, target, _ in LISTING_TRANSITIONS]
    obj = _model(
        "Listed", _flow("ListingFlow", LISTING_STATES, transitions, LISTING_STATE), extra
    )()

    def list_() -> list[Any]:
        return [
            transition
            for transition in obj.state.transitions()
            if getattr(obj, transition.name).is_available()
        ]

    return Lister(obj, list_, lambda found: {t.name for t in found}, lambda: obj.state.name)


def factory() -> Factory:
    return Factory(_door_model(), lambda obj: obj.go(save=False), lambda obj: obj.state.name)


def define(index: int) -> Any:
    return _model("Big", _flow(f"BigFlow{index}", BIG_STATES, BIG_TRANSITIONS, BIG_INITIAL))


def count(defined: Any) -> tuple[int, int]:
    flow = defined._workflows["state"].workflow
    return len(list(flow.states)), len(list(flow.transitions))


def saved(locking: str) -> Saved:
    from django.contrib.contenttypes.models import ContentType
    from django_xworkflows import models as dxw
    from django_xworkflows.xworkflow_log.models import TransitionLog

    flow = _flow(
        "SavedFlow",
        PING_PONG_STATES,
        PING_PONG_TRANSITIONS,
        PING_PONG_INITIAL,
        {
            "implementation_class": dxw.TransactionalImplementationWrapper,
            "log_model": "xworkflow_log.TransitionLog",
        },
    )
    model = _model("SavedDoor", flow)

    def log(obj: Any) -> list[tuple[str, str, str]]:
        rows = TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), content_id=obj.pk
        ).order_by("id")
        return list(rows.values_list("transition", "from_state", "to_state"))

    return Saved(
        (model,),
        model.objects.create,
        lambda obj: obj.go(),
        lambda obj: obj.back(),
        lambda obj: obj.state.name,
        log,
    )
