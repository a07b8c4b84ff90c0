"""Models written for django-fsm, with only their imports changed to statecore's layer."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from statecore_django.compat import django_fsm as fsm
from statecore_django.compat.django_fsm_log.decorators import fsm_log_by, fsm_log_description


def is_ready(article: Article) -> bool:
    """A condition: the article has a title."""
    return bool(article.title)


async def ready_later(article: Any) -> bool:
    """An async condition, which django-fsm would take for true."""
    return True


async def allowed_later(article: Any, user: Any) -> bool:
    """An async permission, which must never grant."""
    return True


class Article(models.Model):
    """The default semantics: transitions set the state and do not save."""

    title = models.CharField(max_length=100, blank=True)
    state = fsm.FSMField(
        default="draft",
        choices=[
            ("draft", "Draft"),
            ("published", "Published"),
            ("archived", "Archived"),
            ("failed", "Failed"),
            ("reviewed", "Reviewed"),
            ("rejected", "Rejected"),
        ],
    )

    @fsm_log_by
    @fsm_log_description
    @fsm.transition(field=state, source="draft", target="published", conditions=[is_ready])
    def publish(self, by: Any = None, description: str | None = None) -> None:
        """Publish a draft that has a title."""

    @fsm_log_by
    @fsm.transition(
        field=state,
        source="draft",
        target="archived",
        custom={"form": "tests.django.fsmapp.admin.ShelveForm", "label": "Shelve"},
    )
    def shelve(self, reason: str = "", by: Any = None) -> None:
        """Shelve a draft, with a reason typed in the admin's form."""
        self.title = f"{self.title} (shelved: {reason})"

    @fsm.transition(field=state, source="*", target="archived", custom={"label": "Archive"})
    def archive(self) -> None:
        """Archive from anywhere."""

    @fsm.transition(field=state, source="+", target="draft")
    def redraft(self) -> None:
        """Back to draft from any other state."""

    @fsm.transition(
        field=state, source="published", target=fsm.RETURN_VALUE("reviewed", "rejected")
    )
    def review(self, verdict: str) -> str:
        """Enter the state the reviewer returns."""
        return verdict

    @fsm.transition(field=state, source="draft", target="published", on_error="failed")
    def publish_or_fail(self) -> None:
        """Always raises: the article enters 'failed'."""
        msg = "the printer is on fire"
        raise RuntimeError(msg)

    @fsm.transition(field=state, source="draft", target="published", conditions=[ready_later])
    def publish_async_guard(self) -> None:
        """Guarded by a coroutine function."""

    @fsm.transition(
        field=state, source="draft", target="archived", permission="fsmapp.change_article"
    )
    def retire(self) -> None:
        """Needs a permission."""

    @fsm.transition(field=state, source="draft", target="archived", permission=allowed_later)
    def retire_async(self) -> None:
        """Permission by a coroutine function."""


class Ticket(models.Model):
    """Two state fields, one of them an integer."""

    STATUS_OPEN, STATUS_CLOSED = 1, 2
    status = fsm.FSMIntegerField(
        default=STATUS_OPEN, choices=[(STATUS_OPEN, "Open"), (STATUS_CLOSED, "Closed")]
    )
    review = fsm.FSMField(default="pending", protected=True)

    @fsm.transition(field=status, source=STATUS_OPEN, target=STATUS_CLOSED)
    def close(self) -> None:
        """Close the ticket."""

    @fsm.transition(field="review", source="pending", target="approved")
    def approve(self) -> None:
        """Approve it (the field named by a string)."""


class Mission(fsm.FSMModelMixin, models.Model):
    """State proxies and a protected field that refresh_from_db() reloads."""

    state = fsm.FSMField(
        default="planned",
        protected=True,
        state_choices=[
            ("planned", "Planned", "PlannedMission"),
            ("flying", "Flying", "fsmapp.FlyingMission"),
        ],
    )

    @fsm.transition(field=state, source="planned", target="flying")
    def launch(self) -> None:
        """Lift off."""


class PlannedMission(Mission):
    class Meta:
        proxy = True


class FlyingMission(Mission):
    class Meta:
        proxy = True


class Account(fsm.ConcurrentTransitionMixin, models.Model):
    """django-fsm's optimistic save() check."""

    state = fsm.FSMField(default="new")

    @fsm.transition(field=state, source="new", target="active")
    def activate(self) -> None:
        """Activate."""

    @fsm.transition(field=state, source="new", target="closed")
    def close(self) -> None:
        """Close."""


class Payment(models.Model):
    """The atomic opt-in: each transition saves and logs in one transaction."""

    paid_log: ClassVar[list[tuple[int, str]]] = []

    amount = models.IntegerField(default=0)
    note = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict)
    state = fsm.FSMField(default="new", atomic=True)

    @fsm_log_by
    @fsm.transition(
        field=state,
        source="new",
        target="paid",
        on_commit=lambda payment: Payment.paid_log.append((payment.pk, payment.state)),
    )
    def pay(self, amount: int = 0, by: Any = None) -> None:
        """Record the amount while paying."""
        self.amount = amount

    @fsm.transition(field=state, source="new", target="paid", on_error="failed")
    def pay_or_fail(self) -> None:
        """Changes a column, then raises: the column is not saved, the state is 'failed'."""
        self.note = "half done"
        msg = "card declined"
        raise ValueError(msg)

    @fsm.transition(field=state, source="paid", target="refunded")
    def refund(self) -> None:
        """Refund."""

    @fsm.transition(field=state, source="paid", target="settled")
    def settle(self, reference: str) -> None:
        """Record the bank's reference by changing the JSON value in place."""
        self.details["reference"] = reference

    @fsm.transition(field=state, source="paid", target="settled")
    def settle_badly(self, reference: str) -> None:
        """Change the JSON value in place, then fail."""
        self.details["reference"] = reference
        msg = "bank unreachable"
        raise ValueError(msg)


class LockedPayment(models.Model):
    """The atomic opt-in with SELECT ... FOR UPDATE."""

    state = fsm.FSMField(default="new", atomic=True, locking="pessimistic")

    @fsm.transition(field=state, source="new", target="paid")
    def pay(self) -> None:
        """Pay."""


class LoggedPayment(models.Model):
    """The atomic opt-in that also writes statecore's transition log."""

    state = fsm.FSMField(default="new", atomic=True, log_model="statecore_log.TransitionLog")

    @fsm.transition(field=state, source="new", target="paid")
    def pay(self) -> None:
        """Pay."""
