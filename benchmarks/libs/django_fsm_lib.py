"""django-fsm-2: an `FSMField` on an (unsaved) Django model, `@transition` methods.

The after-transition hook is django-fsm's ``post_transition`` signal, its way of running
code after a transition.

For W7, django-fsm-log logs each transition (its ``post_transition`` receiver inserts a
``StateLog`` row), and the caller saves the state field, both in ``transaction.atomic()``.
"""

from __future__ import annotations

from typing import Any

from flows import (
    BIG_INITIAL,
    BIG_STATES,
    BIG_TRANSITIONS,
    LISTING_OPEN_GUARDS,
    LISTING_STATE,
    LISTING_TRANSITIONS,
    PING_PONG_INITIAL,
    PING_PONG_TRANSITIONS,
    Calls,
)

from libs import Factory, Lister, PingPong, Saved, django_setup

NAME = "django-fsm-2"
DISTRIBUTION = "django-fsm-2"
MODULE = "django_fsm"
DJANGO = True
DJANGO_APPS = ("django_fsm_log",)
# save() writes the state whatever the row holds (the last writer wins).
LOCKING_MODES = ("none",)
RESTORES = False  # the object keeps the target state after a rollback

_made = 0
# The packages the workloads import: django-fsm-2's, or statecore's compatibility layer's
# (``django_fsm_compat_lib`` points these at it in its own worker process).
PACKAGES = {"fsm": "django_fsm", "log": "django_fsm_log"}
# Extra FSMField options for W7 (the compatibility layer's atomic opt-in).
SAVED_FIELD_OPTIONS: dict[str, Any] = {}


def _fsm(submodule: str = "") -> Any:
    import importlib

    return importlib.import_module(PACKAGES["fsm"] + submodule)


def setup() -> None:
    django_setup.configure()


def _log_model() -> Any:
    import importlib

    return importlib.import_module(PACKAGES["log"] + ".models").StateLog


def _unique(name: str) -> str:
    global _made
    _made += 1
    return f"{name}{_made}"


def _noop(self: Any) -> None:
    pass


def _transition_methods(
    field: Any, transitions: Any, conditions: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    transition = _fsm().transition

    methods = {}
    for name, source, target in transitions:

        def method(self: Any) -> None:
            pass

        method.__name__ = method.__qualname__ = name
        methods[name] = transition(
            field=field, source=source, target=target, conditions=(conditions or {}).get(name, [])
        )(method)
    return methods


def _ping_pong_model(guard: Any = None) -> Any:
    FSMField = _fsm().FSMField

    field = FSMField(default=PING_PONG_INITIAL)
    conditions = {name: [guard] for name, _, _ in PING_PONG_TRANSITIONS} if guard else None
    return django_setup.model(
        _unique("Door"),
        {"state": field, **_transition_methods(field, PING_PONG_TRANSITIONS, conditions)},
    )


_door: Any = None


def _door_model() -> Any:
    global _door
    if _door is None:
        _door = _ping_pong_model()
    return _door


def ping_pong(calls: Calls | None) -> PingPong:
    if calls is None:
        obj = _door_model()()
    else:
        post_transition = _fsm(".signals").post_transition

        def ok(instance: Any) -> bool:
            calls.guard += 1
            return True

        def done(sender: Any, **kwargs: Any) -> None:
            calls.hook += 1

        model = _ping_pong_model(ok)
        post_transition.connect(done, sender=model, weak=False)
        obj = model()

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)


def lister(calls: Calls) -> Lister:
    FSMField = _fsm().FSMField

    conditions: dict[str, list[Any]] = {}
    for name, _source, _target, index in LISTING_TRANSITIONS:
        if index is None:
            continue

        def guard(instance: Any, result: bool = index in LISTING_OPEN_GUARDS) -> bool:
            calls.guard += 1
            return result

        conditions[name] = [guard]
    field = FSMField(default=LISTING_STATE)
    transitions = [(name, source, target) for name, source, target, _ in LISTING_TRANSITIONS]
    model = django_setup.model(
        _unique("Listed"), {"state": field, **_transition_methods(field, transitions, conditions)}
    )
    obj = model()

    def list_() -> list[Any]:
        return list(obj.get_available_state_transitions())

    return Lister(obj, list_, lambda found: {t.name for t in found}, lambda: obj.state)


def factory() -> Factory:
    model = _door_model()
    return Factory(model, lambda obj: obj.go(), lambda obj: obj.state)


def define(index: int) -> Any:
    FSMField = _fsm().FSMField

    field = FSMField(default=BIG_INITIAL, choices=[(state, state) for state in BIG_STATES])
    return django_setup.model(
        _unique("Big"), {"state": field, **_transition_methods(field, BIG_TRANSITIONS)}
    )


def count(defined: Any) -> tuple[int, int]:
    field = defined._meta.get_field("state")
    transitions = list(field.get_all_transitions(defined))
    return len(field.choices), len(transitions)


def saved(locking: str) -> Saved:
    from django.db import transaction

    FSMField = _fsm().FSMField
    StateLog = _log_model()

    field = FSMField(default=PING_PONG_INITIAL)
    model = django_setup.model(
        _unique("SavedDoor"), {"state": field, **_transition_methods(field, PING_PONG_TRANSITIONS)}
    )

    def go(obj: Any) -> None:
        with transaction.atomic():
            obj.go()
            obj.save(update_fields=["state"])

    def back(obj: Any) -> None:
        with transaction.atomic():
            obj.back()
            obj.save(update_fields=["state"])

    def log(obj: Any) -> list[tuple[str, str, str]]:
        rows = StateLog.objects.for_(obj).order_by("id")
        return list(rows.values_list("transition", "source_state", "state"))

    return Saved((model,), model.objects.create, go, back, lambda obj: obj.state, log)
