"""Models of the test app: one per binding style, storage variant and log kind."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models

import statecore
import statecore_django
from statecore_django.models import GenericLastTransitionLog, GenericTransitionLog

from .workflows import (
    AsyncOrderFlow,
    AuditedFlow,
    InvoiceFlow,
    LastLoggedFlow,
    OptimisticOrderFlow,
    OrderFlow,
    PessimisticInvoiceFlow,
    PessimisticOrderFlow,
    PlainFlow,
    PriorityFlow,
    PublicationFlow,
    ShipmentFlow,
    UnlockedInvoiceFlow,
    UnloggedOrderFlow,
)


class Order(models.Model):
    """An order with a state field alone (no mixin) and some implementations."""

    state = statecore_django.StateField(OrderFlow)
    amount = models.IntegerField(default=0)
    note = models.CharField(max_length=100, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    notified: ClassVar[list[tuple[int, str]]] = []

    class Meta:
        permissions = (("approve_order", "Can approve orders"),)

    @statecore_django.on_commit("ship", "cancel")
    def notify(self, result: Any, *args: Any, **kwargs: Any) -> None:
        Order.notified.append((self.pk, self.state.name))

    @statecore.after_transition("cancel", priority=-1)
    def explode_after(self, result: Any, *args: Any, explode: bool = False, **kwargs: Any) -> None:
        if explode:
            msg = "after hook failed"
            raise RuntimeError(msg)

    @statecore.transition()
    def pay(self, amount: int = 0, fail: bool = False, **kwargs: Any) -> None:
        self.amount = amount
        if fail:
            self.data.setdefault("tries", []).append(amount)
            msg = "payment failed"
            raise RuntimeError(msg)

    @statecore.transition()
    def charge(self, fail: bool = False, error: BaseException | None = None, **kwargs: Any) -> None:
        self.note = "charging"
        if error is not None:
            raise error
        if fail:
            msg = "card declined"
            raise RuntimeError(msg)


class OptimisticOrder(models.Model):
    state = statecore_django.StateField(OptimisticOrderFlow)
    amount = models.IntegerField(default=0)

    @statecore.transition()
    def pay(self, amount: int = 0) -> None:
        self.amount = amount


class PessimisticOrder(models.Model):
    state = statecore_django.StateField(PessimisticOrderFlow)
    amount = models.IntegerField(default=0)
    power = PlainFlow()  # a plain workflow beside the field: its state is not a column


class UnloggedOrder(models.Model):
    state = statecore_django.StateField(UnloggedOrderFlow)


class ProtectedOrder(models.Model):
    state = statecore_django.StateField(OrderFlow, protected=True)
    note = models.CharField(max_length=100, blank=True, default="")


class Ticket(statecore.WorkflowEnabled, models.Model):
    """xworkflows style: the WorkflowEnabled mixin, a hook and a transition."""

    state = statecore_django.StateField(OrderFlow)
    seen: ClassVar[list[str]] = []

    @statecore.transition()
    def place(self) -> str:
        return "placed!"

    @statecore.after_transition("place")
    def remember(self, result: str, *args: Any, **kwargs: Any) -> None:
        Ticket.seen.append(result)


class AbstractDocument(models.Model):
    state = statecore_django.StateField(OrderFlow)
    title = models.CharField(max_length=50, default="")

    class Meta:
        abstract = True

    @statecore.transition()
    def place(self) -> None:
        self.title = "placed"


class Document(AbstractDocument):
    """Concrete child of an abstract model with a state field."""


class SpecialOrder(Order):
    """Multi-table child of Order."""

    priority = models.IntegerField(default=0)

    @statecore.transition()
    def ship(self) -> None:
        self.priority = 9


class ProxyOrder(Order):
    """Proxy of Order."""

    class Meta:
        proxy = True


class Task(models.Model):
    priority = statecore_django.IntegerStateField(PriorityFlow)


class PublicationState(models.Model):
    """The table whose rows are the states of PublicationFlow."""

    name = models.CharField(max_length=20, primary_key=True)


class Article(models.Model):
    state = statecore_django.ForeignKeyStateField(PublicationFlow, to=PublicationState)


class ProtectedArticle(models.Model):
    state = statecore_django.ForeignKeyStateField(
        PublicationFlow, to=PublicationState, protected=True
    )


class Carrier(models.Model):
    name = models.CharField(max_length=20)


class Shipment(models.Model):
    """An order-like object with a foreign key and related rows, for the object's memory."""

    state = statecore_django.StateField(ShipmentFlow)
    carrier = models.ForeignKey(Carrier, null=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)


class Parcel(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="parcels")


class Switch(models.Model):
    """A plain statecore.Workflow on a state field."""

    state = statecore_django.StateField(PlainFlow)


class UUIDItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    state = statecore_django.StateField(OrderFlow)


class SlugItem(models.Model):
    slug = models.CharField(max_length=30, primary_key=True)
    state = statecore_django.StateField(OrderFlow)


class Application(models.Model):
    state = statecore_django.StateField(AuditedFlow)


class Issue(models.Model):
    state = statecore_django.StateField(LastLoggedFlow)


class AuditLog(GenericTransitionLog):
    """A custom log with extra attributes taken from transition kwargs."""

    EXTRA_LOG_ATTRIBUTES = (
        ("user", "user", None),
        ("client", "client", ""),
        ("ip", "ip", None),
    )

    user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.CharField(max_length=50, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)


class LastLog(GenericLastTransitionLog):
    """One row per object: its last transition."""


class AbstractInvoice(models.Model):
    """What a transition writes: columns changed by the implementation and by every hook."""

    state = statecore_django.StateField(InvoiceFlow)
    total = models.IntegerField(default=0)
    memo = models.CharField(max_length=100, blank=True, default="")
    entered = models.CharField(max_length=50, blank=True, default="")
    closed_by = models.CharField(max_length=50, blank=True, default="")
    document = models.FileField(upload_to="invoices/", blank=True)
    labels = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True

    @statecore.transition()
    def issue(
        self,
        amount: int = 0,
        *,
        document: Any = None,
        fail: bool = False,
        read_memo: bool = False,
        memo: str | None = None,
        labels: Any = None,
        other: Any = None,
        save_inside: bool = False,
        **kwargs: Any,
    ) -> None:
        self.total += amount  # read-modify-write
        if save_inside:
            self.save()
        if read_memo:
            self.seen_memo = self.memo
        if memo is not None:
            self.memo = memo
        if labels is not None:
            self.labels = labels
        if document is not None:
            self.document = document
        if other is not None:
            other.issue()
        if fail:
            msg = "issuing failed"
            raise RuntimeError(msg)

    @statecore.transition()
    def pay(self, labels: Any = None, **kwargs: Any) -> None:
        if labels is not None:
            self.labels = labels

    @statecore.on_enter_state("issued")
    def stamp(self, *args: Any, **kwargs: Any) -> None:
        self.entered = "issued-hook"

    @statecore.after_transition("pay")
    def close(
        self,
        result: Any,
        *args: Any,
        fail_after: bool = False,
        save_after: bool = False,
        **kwargs: Any,
    ) -> None:
        self.closed_by = "after-hook"
        if save_after:
            self.memo = "saved by the hook"
            self.save()
        if fail_after:
            msg = "after hook failed"
            raise RuntimeError(msg)


class Invoice(AbstractInvoice):
    """Optimistic locking (the default)."""


class PessimisticInvoice(AbstractInvoice):
    state = statecore_django.StateField(PessimisticInvoiceFlow)


class UnlockedInvoice(AbstractInvoice):
    state = statecore_django.StateField(UnlockedInvoiceFlow)


class ProtectedInvoice(AbstractInvoice):
    state = statecore_django.StateField(InvoiceFlow, protected=True)


class AsyncOrder(models.Model):
    """Async guards, hooks and implementation; ``fail`` names the step that raises.

    The async hooks write through Django's async ORM API, so a test can tell whether
    those writes belong to the transition's transaction.
    """

    state = statecore_django.StateField(AsyncOrderFlow)
    amount = models.IntegerField(default=0)
    stock = models.IntegerField(default=1)
    note = models.CharField(max_length=100, blank=True, default="")
    fail = models.CharField(max_length=20, blank=True, default="")

    steps: ClassVar[list[str]] = []
    committed: ClassVar[list[tuple[int, str]]] = []

    def _step(self, name: str) -> None:
        AsyncOrder.steps.append(name)
        if self.fail == name:
            msg = f"{name} failed"
            raise RuntimeError(msg)

    async def in_stock(self) -> bool:
        AsyncOrder.steps.append("condition")
        return await AsyncOrder.objects.filter(pk=self.pk, stock__gt=0).aexists()

    @statecore.before_transition("pay")
    async def reserve(self, amount: int) -> None:
        self._step("before")
        await AsyncOrder.objects.filter(pk=self.pk).aupdate(stock=models.F("stock") - 1)

    @statecore.transition()
    async def pay(self, amount: int) -> str:
        self._step("implementation")
        self.amount = amount
        return f"receipt {amount}"

    @statecore.on_enter_state("paid")
    def entered(self, result: str, amount: int) -> None:
        self._step("enter")
        self.note = f"paid {AsyncOrder.objects.filter(pk=self.pk).count()}"

    @statecore.after_transition("pay")
    async def notify(self, result: str, amount: int) -> None:
        self._step("after")

    @statecore_django.on_commit("pay")
    async def confirm(self, result: str, amount: int) -> None:
        AsyncOrder.committed.append((self.pk, result))

    @statecore.after_transition("cancel")
    async def cancel_the_next(self, result: Any) -> None:
        """With ``note="next"``, cancel the order whose pk is ``amount`` too (awaited)."""
        if self.note == "next":
            other = await AsyncOrder.objects.aget(pk=self.amount)
            await other.cancel.acall()
        self._step("cascade")
