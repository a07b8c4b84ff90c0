"""The practical floor: hand-written plain Python, a method that checks the state and sets it.

For W7, hand-written Django: ``saved(locking)`` gives the guarantees of a library's
transition (one atomic block, the conditional UPDATE or the lock, the log row, the
object restored on failure); ``naive()`` is the plain ``save()`` then ``create()`` loop.
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
    Calls,
)

from libs import Factory, Lister, PingPong, Saved, django_setup

NAME = "baseline"
DISTRIBUTION = None
MODULE = "plain_workflow"
DJANGO = False
DJANGO_APPS: tuple[str, ...] = ()
LOCKING_MODES = ("optimistic", "pessimistic", "none")
RESTORES = True


def setup() -> None:
    pass


class InvalidTransition(Exception):
    pass


class Plain:
    def __init__(self) -> None:
        self.state = "a"

    def go(self) -> None:
        if self.state != "a":
            raise InvalidTransition(self.state)
        self.state = "b"

    def back(self) -> None:
        if self.state != "b":
            raise InvalidTransition(self.state)
        self.state = "a"


def _guarded(calls: Calls) -> Any:
    class Guarded:
        def __init__(self) -> None:
            self.state = "a"

        def ok(self) -> bool:
            calls.guard += 1
            return True

        def done(self) -> None:
            calls.hook += 1

        def go(self) -> None:
            if self.state != "a" or not self.ok():
                raise InvalidTransition(self.state)
            self.state = "b"
            self.done()

        def back(self) -> None:
            if self.state != "b" or not self.ok():
                raise InvalidTransition(self.state)
            self.state = "a"
            self.done()

    return Guarded()


def ping_pong(calls: Calls | None) -> PingPong:
    obj = Plain() if calls is None else _guarded(calls)

    def round_() -> None:
        obj.go()
        obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)


def lister(calls: Calls) -> Lister:
    def guard(index: int) -> Any:
        result = index in LISTING_OPEN_GUARDS

        def check(obj: Any) -> bool:
            calls.guard += 1
            return result

        return check

    table: dict[str, list[tuple[str, Any]]] = {}
    for name, source, _target, index in LISTING_TRANSITIONS:
        table.setdefault(source, []).append((name, guard(index) if index is not None else None))

    class Listed:
        def __init__(self) -> None:
            self.state = LISTING_STATE

        def available(self) -> list[str]:
            return [name for name, check in table[self.state] if check is None or check(self)]

    obj = Listed()
    return Lister(obj, obj.available, set, lambda: obj.state)


def factory() -> Factory:
    return Factory(Plain, Plain.go, lambda obj: obj.state)


def define(index: int) -> Any:
    table: dict[str, dict[str, str]] = {state: {} for state in BIG_STATES}
    for name, source, target in BIG_TRANSITIONS:
        table[source][name] = target
    return table, BIG_INITIAL


def count(defined: Any) -> tuple[int, int]:
    table, _initial = defined
    return len(table), sum(len(moves) for moves in table.values())


class StaleObject(Exception):
    pass


_log_model: Any = None


def _log() -> Any:
    """A log model with the columns and indexes of statecore_django's ready TransitionLog."""
    global _log_model
    if _log_model is None:
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType
        from django.db import models
        from django.utils import timezone

        meta = type(
            "Meta",
            (),
            {
                "app_label": django_setup.APP_LABEL,
                "indexes": [models.Index(fields=("content_type", "object_id"), name="plain_obj")],
            },
        )
        _log_model = django_setup.model(
            "PlainLog",
            {
                "Meta": meta,
                "transition": models.CharField(max_length=255, db_index=True),
                "from_state": models.CharField(max_length=255, db_index=True),
                "to_state": models.CharField(max_length=255, db_index=True),
                "timestamp": models.DateTimeField(default=timezone.now, db_index=True),
                "content_type": models.ForeignKey(
                    ContentType, on_delete=models.CASCADE, related_name="+"
                ),
                "object_id": models.CharField(max_length=255, db_index=True),
                "user": models.ForeignKey(
                    settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
                ),
                "reason": models.TextField(blank=True, default=""),
            },
        )
    return _log_model


def saved(locking: str) -> Saved:
    """Hand-written Django with the guarantees of a library's transition in ``locking`` mode.

    One ``transaction.atomic()`` block (a savepoint inside the caller's transaction) holds
    the row's write and the log row: ``UPDATE ... WHERE pk = ... AND state = <source>``
    (``optimistic``), ``SELECT ... FOR UPDATE`` of the state, compared with the source,
    then ``UPDATE ... WHERE pk = ...`` (``pessimistic``), or ``UPDATE ... WHERE pk = ...``
    (``none``); no row updated refuses the transition. Any failure rolls the block back
    and puts the source state back on the object.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    log = _log()

    def move(self: Any, name: str, source: str, target: str) -> None:
        if self.state != source:
            raise InvalidTransition(self.state)
        model = type(self)
        try:
            with transaction.atomic():
                if locking == "optimistic":
                    updated = model.objects.filter(pk=self.pk, state=source).update(state=target)
                else:
                    rows = model.objects.filter(pk=self.pk)
                    if locking == "pessimistic":
                        locked = list(rows.select_for_update().values_list("state", flat=True))
                        if locked != [source]:
                            raise StaleObject(self.pk, locked)
                    updated = rows.update(state=target)
                if not updated:
                    raise StaleObject(self.pk)
                self.state = target
                log.objects.create(
                    content_type=ContentType.objects.get_for_model(self),
                    object_id=str(self.pk),
                    transition=name,
                    from_state=source,
                    to_state=target,
                )
        except BaseException:
            self.state = source
            raise

    return _door(f"PlainDoor_{locking}", move)


def naive() -> Saved:
    """The plain loop most code starts with: ``save()``, then ``create()`` the log row.

    The state is checked in memory only; ``save()`` writes the row whatever state it
    holds, and outside a transaction the two statements commit apart: a failed log row
    leaves the transition saved without it.
    """
    from django.contrib.contenttypes.models import ContentType

    log = _log()

    def move(self: Any, name: str, source: str, target: str) -> None:
        if self.state != source:
            raise InvalidTransition(self.state)
        self.state = target
        self.save()
        log.objects.create(
            content_type=ContentType.objects.get_for_model(self),
            object_id=str(self.pk),
            transition=name,
            from_state=source,
            to_state=target,
        )

    return _door("NaiveDoor", move)


def _door(name: str, move: Any) -> Saved:
    """A model with a plain ``state`` column whose ``go`` and ``back`` call ``move``."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import models

    log = _log()

    def go(self: Any) -> None:
        move(self, "go", "a", "b")

    def back(self: Any) -> None:
        move(self, "back", "b", "a")

    model = django_setup.model(
        name, {"state": models.CharField(max_length=32, default="a"), "go": go, "back": back}
    )

    def rows(obj: Any) -> list[tuple[str, str, str]]:
        found = log.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        return list(found.order_by("id").values_list("transition", "from_state", "to_state"))

    return Saved(
        (log, model),
        model.objects.create,
        model.go,
        model.back,
        lambda obj: obj.state,
        rows,
    )


def awaited(calls: Calls) -> PingPong:
    class AwaitedPlain:
        """Hand-written: the state check, an awaited guard, the change, an awaited hook."""

        def __init__(self) -> None:
            self.state = "a"

        async def ok(self) -> bool:
            calls.guard += 1
            return True

        async def done(self) -> None:
            calls.hook += 1

        async def go(self) -> None:
            if self.state != "a" or not await self.ok():
                raise ValueError("go is not available")
            self.state = "b"
            await self.done()

        async def back(self) -> None:
            if self.state != "b" or not await self.ok():
                raise ValueError("back is not available")
            self.state = "a"
            await self.done()

    obj = AwaitedPlain()

    async def round_() -> None:
        await obj.go()
        await obj.back()

    return PingPong(obj, round_, obj.go, lambda: obj.state)
