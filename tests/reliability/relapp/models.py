"""Models of the battery: the same item under each locking mode, and the audit log.

Every transition of an item passes the fault points of `faults` in order: check,
before, leave, implementation, (UPDATE), log (before the log INSERT), enter, after, and
commit (an ``on_commit`` hook, after the transaction commits).
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
