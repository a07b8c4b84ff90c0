"""Models of the battery: the same item under each locking mode, and the audit log.

Every transition of an item passes the fault points of `faults` in order: check,
before, leave, implementation, (UPDATE), log (before the log INSERT), enter, after, and
commit (an ``on_commit`` hook, after the transaction commits).

The mixed-work case has its own models (`MIXED`, one per locking mode): two state fields
on one row, a note and one counter column per worker process.
"""

from __future__ import annotations

from typing import Any

from django.db import models

import statecore
import statecore_django
from statecore_django.models import GenericTransitionLog

from . import faults


class ItemFlow(statecore_django.Workflow):
    """An order-like life cycle with a cycle back to draft, so random walks never end."""

    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        ("place", "draft", "placed"),
        ("pay", "placed", "paid"),
        ("ship", "paid", "shipped"),
        ("cancel", ("draft", "placed", "paid"), "cancelled"),
        ("reopen", ("shipped", "cancelled"), "draft"),
    )
    initial_state = "draft"
    log_model = "relapp.AuditLog"


class NoLockFlow(ItemFlow):
    """`ItemFlow` with ``locking = "none"``."""

    locking = "none"


class OptimisticFlow(ItemFlow):
    """`ItemFlow` with ``locking = "optimistic"``."""

    locking = "optimistic"


class PessimisticFlow(ItemFlow):
    """`ItemFlow` with ``locking = "pessimistic"``."""

    locking = "pessimistic"


#: Every transition name of `ItemFlow`.
TRANSITIONS = ("place", "pay", "ship", "cancel", "reopen")


class ItemBase(models.Model):
    """An item whose transitions pass every fault point.

    ``amount`` must stay >= 0 (a CHECK constraint), so a transition that sets it negative
    fails in the database, at the UPDATE.
    """

    amount = models.IntegerField(default=0)
    note = models.CharField(max_length=50, blank=True, default="")

    class Meta:
        abstract = True
        constraints = (
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="%(app_label)s_%(class)s_amount"
            ),
        )

    def _run(self, name: str) -> str:
        faults.reach("implementation", self)
        self.note = name
        return name

    @statecore.transition()
    def place(self) -> str:
        return self._run("place")

    @statecore.transition()
    def pay(self) -> str:
        return self._run("pay")

    @statecore.transition()
    def ship(self) -> str:
        return self._run("ship")

    @statecore.transition()
    def cancel(self) -> str:
        return self._run("cancel")

    @statecore.transition()
    def reopen(self) -> str:
        return self._run("reopen")

    @statecore.transition_check()
    def _check(self) -> bool:
        faults.reach("check", self)
        return True

    @statecore.before_transition()
    def _before(self, *args: Any, **kwargs: Any) -> None:
        faults.reach("before", self)

    @statecore.on_leave_state()
    def _leave(self, *args: Any, **kwargs: Any) -> None:
        faults.reach("leave", self)

    @statecore.on_enter_state()
    def _enter(self, result: Any, *args: Any, **kwargs: Any) -> None:
        faults.reach("enter", self)

    @statecore.after_transition()
    def _after(self, result: Any, *args: Any, **kwargs: Any) -> None:
        faults.reach("after", self)

    @statecore_django.on_commit()
    def _committed(self, result: Any, *args: Any, **kwargs: Any) -> None:
        faults.reach("commit", self)


class NoLockItem(ItemBase):
    """An item with ``locking = "none"``."""

    state = statecore_django.StateField(NoLockFlow)


class OptimisticItem(ItemBase):
    """An item with ``locking = "optimistic"``."""

    state = statecore_django.StateField(OptimisticFlow)


class PessimisticItem(ItemBase):
    """An item with ``locking = "pessimistic"``."""

    state = statecore_django.StateField(PessimisticFlow)


#: The item model of each locking mode.
ITEMS: dict[str, type[ItemBase]] = {
    "none": NoLockItem,
    "optimistic": OptimisticItem,
    "pessimistic": PessimisticItem,
}


class AuditLog(GenericTransitionLog):
    """The transition log of the battery, with the ``log`` fault point before its INSERT."""

    @classmethod
    def log_transition(cls, *args: Any, **kwargs: Any) -> Any:
        """Reach the ``log`` fault point, then write the row."""
        modified = kwargs.get("modified_object")
        faults.reach("log", modified)
        return super().log_transition(*args, **kwargs)


# -- the mixed-work case: two workflows on one row, eight counters -----------------------------


class StageFlow(statecore_django.Workflow):
    """The first workflow of a mixed item: its stage, with an ``on_error`` state."""

    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("paid", "Paid"),
        ("held", "Held"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        ("place", "draft", "placed"),
        statecore.Transition("pay", "placed", "paid", on_error="held"),
        ("release", "held", "placed"),
        ("ship", "paid", "shipped"),
        ("cancel", ("draft", "placed", "paid", "held"), "cancelled"),
        ("reopen", ("shipped", "cancelled"), "draft"),
    )
    initial_state = "draft"
    log_model = "relapp.AuditLog"


class ReviewFlow(statecore_django.Workflow):
    """The second workflow of a mixed item (a protected field): its review."""

    states = (("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected"))
    transitions = (
        statecore.Transition("approve", "pending", "approved", on_error="rejected"),
        ("reject", "pending", "rejected"),
        ("reconsider", ("approved", "rejected"), "pending"),
    )
    initial_state = "pending"
    log_model = "relapp.AuditLog"


class NoLockStageFlow(StageFlow):
    """`StageFlow` with ``locking = "none"``."""

    locking = "none"


class OptimisticStageFlow(StageFlow):
    """`StageFlow` with ``locking = "optimistic"``."""

    locking = "optimistic"


class PessimisticStageFlow(StageFlow):
    """`StageFlow` with ``locking = "pessimistic"``."""

    locking = "pessimistic"


class NoLockReviewFlow(ReviewFlow):
    """`ReviewFlow` with ``locking = "none"``."""

    locking = "none"


class OptimisticReviewFlow(ReviewFlow):
    """`ReviewFlow` with ``locking = "optimistic"``."""

    locking = "optimistic"


class PessimisticReviewFlow(ReviewFlow):
    """`ReviewFlow` with ``locking = "pessimistic"``."""

    locking = "pessimistic"


#: One counter column per worker process of the mixed-work case.
COUNTERS = tuple(f"counter_{index}" for index in range(8))


class Explosion(Exception):
    """What a mixed item's implementation raises when called with ``explode=True``."""


class MixedItemBase(models.Model):
    """A row with two state fields (``stage``, ``review``), a note and eight counters.

    Worker process ``i`` only ever increments ``counter_i``: in the implementation of
    every transition it runs (``worker=i``, a read-modify-write) and in plain saves. The
    keyword arguments of a transition call steer it:

    - ``note="..."``: the implementation also sets ``note``;
    - ``explode=True``: the implementation raises `Explosion` after it changed its
      counter (``pay`` and ``approve`` then enter their ``on_error`` state);
    - ``peek=True``: a before hook reads ``note``, both states and every counter (on an
      object loaded with ``.only()`` this loads the deferred columns while the
      transition runs);
    - ``fail="enter"`` or ``fail="after"``: that hook raises `faults.InjectedFault`,
      after the implementation changed the row.
    """

    note = models.CharField(max_length=50, blank=True, default="")
    counter_0 = models.IntegerField(default=0)
    counter_1 = models.IntegerField(default=0)
    counter_2 = models.IntegerField(default=0)
    counter_3 = models.IntegerField(default=0)
    counter_4 = models.IntegerField(default=0)
    counter_5 = models.IntegerField(default=0)
    counter_6 = models.IntegerField(default=0)
    counter_7 = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def _work(self, worker: int, note: str | None = None, explode: bool = False) -> None:
        counter = COUNTERS[worker]
        setattr(self, counter, getattr(self, counter) + 1)
        if note is not None:
            self.note = note
        if explode:
            msg = f"{type(self).__name__} #{self.pk}: the implementation failed on purpose"
            raise Explosion(msg)

    @statecore.transition()
    def place(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def pay(
        self, worker: int, *, note: str | None = None, explode: bool = False, **options: Any
    ) -> None:
        self._work(worker, note, explode)

    @statecore.transition()
    def release(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def ship(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def cancel(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def reopen(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def approve(
        self, worker: int, *, note: str | None = None, explode: bool = False, **options: Any
    ) -> None:
        self._work(worker, note, explode)

    @statecore.transition()
    def reject(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.transition()
    def reconsider(self, worker: int, *, note: str | None = None, **options: Any) -> None:
        self._work(worker, note)

    @statecore.before_transition()
    def _peek(self, *args: Any, peek: bool = False, **kwargs: Any) -> None:
        if peek:
            for name in ("note", "stage", "review", *COUNTERS):
                getattr(self, name)  # loads the column if it was deferred

    @statecore.on_enter_state()
    def _fail_on_enter(self, result: Any, *args: Any, fail: str = "", **kwargs: Any) -> None:
        if fail == "enter":
            raise faults.InjectedFault("an on_enter_state hook failed on purpose")

    @statecore.after_transition()
    def _fail_after(self, result: Any, *args: Any, fail: str = "", **kwargs: Any) -> None:
        if fail == "after":
            raise faults.InjectedFault("an after_transition hook failed on purpose")


class MixedNoLock(MixedItemBase):
    """A mixed item whose two workflows use ``locking = "none"``."""

    stage = statecore_django.StateField(NoLockStageFlow)
    review = statecore_django.StateField(NoLockReviewFlow, protected=True)


class MixedOptimistic(MixedItemBase):
    """A mixed item whose two workflows use ``locking = "optimistic"``."""

    stage = statecore_django.StateField(OptimisticStageFlow)
    review = statecore_django.StateField(OptimisticReviewFlow, protected=True)


class MixedPessimistic(MixedItemBase):
    """A mixed item whose two workflows use ``locking = "pessimistic"``."""

    stage = statecore_django.StateField(PessimisticStageFlow)
    review = statecore_django.StateField(PessimisticReviewFlow, protected=True)


#: The mixed item model of each locking mode.
MIXED: dict[str, type[MixedItemBase]] = {
    "none": MixedNoLock,
    "optimistic": MixedOptimistic,
    "pessimistic": MixedPessimistic,
}

#: Every model whose rows and log rows the audit checks (and each test starts without).
AUDITED: tuple[type[models.Model], ...] = (*ITEMS.values(), *MIXED.values())
