"""What a transition writes, and that nothing is lost or misreported (docs/django.md).

Another process is stood for by the ``concurrent`` connection (autocommit, same
database): what it writes is committed at once. The races that need real processes are
in tests/reliability.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from tests.django.testapp.models import (
    Invoice,
    Order,
    PessimisticInvoice,
    ProtectedInvoice,
    SpecialOrder,
    UnlockedInvoice,
)

import statecore
import statecore_django
from statecore_django.log.models import TransitionLog

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "concurrent", "other"])

INVOICES = [Invoice, PessimisticInvoice, UnlockedInvoice]


def concurrently(model: type[Any], pk: Any, **values: Any) -> None:
    """Commit ``values`` to the row as another process would (a second connection)."""
    model._base_manager.using("concurrent").filter(pk=pk).update(**values)


def stored(model: type[Any], pk: Any) -> Any:
    return model._base_manager.using("concurrent").get(pk=pk)


def log_rows(obj: Any) -> list[tuple[str, str, str]]:
    rows = TransitionLog.for_object(obj).order_by("timestamp", "id")
    return [(row.transition, row.from_state, row.to_state) for row in rows]


@contextmanager
def before_statement(matches: Callable[[str], bool], action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` once, just before the first statement of ``connection`` that matches."""
    done = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not done and matches(sql):
            done.append(sql)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert done, "the statement to interleave with never ran"


def updated_columns(sql: str) -> set[str]:
    """The columns an UPDATE statement sets."""
    assignments = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    return set(re.findall(r"[\"`](\w+)[\"`] = ", assignments))


# -- 1. entering on_error obeys the locking mode ------------------------------------------------


@pytest.mark.parametrize("model", [Invoice, PessimisticInvoice])
def test_on_error_never_overwrites_a_state_committed_after_the_rollback(model: type[Any]) -> None:
    """After the rollback, entering on_error is refused when another process moved the row."""
    invoice = model.objects.create()
    failed = []

    def table_statement_after_failure(sql: str) -> bool:
        return bool(failed) and model._meta.db_table in sql and not sql.startswith("INSERT")

    with (
        before_statement(
            table_statement_after_failure, lambda: concurrently(model, invoice.pk, state="paid")
        ),
        pytest.raises(RuntimeError, match="issuing failed") as info,
    ):
        invoice.issue(fail=True, other=_Flag(failed))
    assert stored(model, invoice.pk).state == "paid"
    assert invoice.state == "draft"
    assert log_rows(invoice) == []
    if hasattr(info.value, "add_note"):
        notes = "\n".join(info.value.__notes__)
        assert "entering state 'void' (on_error) failed too" in notes
        assert "stays in state 'draft'" in notes


class _Flag:
    """Passed as ``other``: its ``issue()`` records that the implementation is about to fail."""

    def __init__(self, flag: list[bool]) -> None:
        self.flag = flag

    def issue(self) -> None:
        self.flag.append(True)


# -- 2. a deferred column loaded during the transition is not written --------------------------


@pytest.mark.parametrize("model", INVOICES)
def test_deferred_column_loaded_by_the_transition_is_not_written(model: type[Any]) -> None:
    """A column left out by only() and read by the implementation stays out of the UPDATE."""
    pk = model.objects.create(memo="v0").pk
    invoice = model.objects.only("state", "total").get(pk=pk)
    with CaptureQueriesContext(connection) as queries:
        invoice.issue(5, read_memo=True)
    assert invoice.seen_memo == "v0"
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert updates
    assert all("memo" not in updated_columns(sql) for sql in updates)
    assert stored(model, pk).memo == "v0"


@pytest.mark.parametrize("model", INVOICES)
def test_deferred_column_assigned_by_the_transition_is_written(model: type[Any]) -> None:
    """A column left out by only() and assigned by the implementation is saved."""
    pk = model.objects.create(memo="v0", total=2).pk
    invoice = model.objects.only("state").get(pk=pk)
    invoice.issue(1, memo="assigned")
    row = stored(model, pk)
    assert (row.state, row.memo, row.total) == ("issued", "assigned", 3)


@pytest.mark.parametrize("model", INVOICES)
def test_change_made_before_the_call_is_left_to_save(model: type[Any]) -> None:
    """A transition writes its own changes; an edit made before the call waits for save()."""
    pk = model.objects.create(memo="v0").pk
    invoice = model.objects.only("state").get(pk=pk)
    invoice.memo = "edited"
    invoice.issue(1)
    assert stored(model, pk).memo == "v0"
    invoice.save()
    row = stored(model, pk)
    assert (row.memo, row.state) == ("edited", "issued")


# -- 3. and 11. an unsaved object never merges into a row; a deleted one is never re-inserted --


def test_new_object_with_the_primary_key_of_an_existing_row_is_refused() -> None:
    """Order(pk=<existing>).cancel() raises and leaves the existing row as it was."""
    existing = Order.objects.create(state="paid", amount=40, note="keep me")
    with pytest.raises(statecore.ConcurrentTransition, match="already exists") as info:
        Order(pk=existing.pk).cancel()
    assert info.value.transition == "cancel"
    row = stored(Order, existing.pk)
    assert (row.state, row.amount, row.note) == ("paid", 40, "keep me")
    assert log_rows(existing) == []


def test_transition_on_a_deleted_object_is_refused_and_inserts_nothing() -> None:
    """After obj.delete(), a transition raises ConcurrentTransition and writes no row."""
    order = Order.objects.create(state="placed")
    pk = order.pk
    order.delete()
    with pytest.raises(statecore.ConcurrentTransition, match="was deleted"):
        order.cancel()
    assert not Order.objects.filter(pk=pk).exists()
    assert Order.objects.count() == 0
    assert TransitionLog.objects.count() == 0
    assert order.state == "placed"


# -- 4. a plain save() never undoes a committed transition -----------------------------------


@pytest.mark.parametrize("model", [Invoice, ProtectedInvoice])
def test_plain_save_of_a_stale_object_keeps_the_committed_state(model: type[Any]) -> None:
    """Another process's transition stands when a stale copy saves another column."""
    invoice = model.objects.create()
    stale = model.objects.get(pk=invoice.pk)
    invoice.issue(3)
    stale.memo = "edited elsewhere"
    stale.save()
    row = stored(model, invoice.pk)
    assert (row.state, row.memo, row.total) == ("issued", "edited elsewhere", 0)
    assert log_rows(invoice) == [("issue", "draft", "issued")]
    # The transition cannot run twice from the stale copy either.
    with pytest.raises(statecore.ConcurrentTransition):
        stale.issue(3)
    assert log_rows(invoice) == [("issue", "draft", "issued")]


def test_plain_save_of_an_assigned_state_is_refused_when_the_row_moved() -> None:
    """An assigned state is written only if the row still holds the state that was loaded."""
    invoice = Invoice.objects.create()
    stale = Invoice.objects.get(pk=invoice.pk)
    invoice.issue()
    stale.state = "void"
    stale.memo = "lost?"
    with pytest.raises(statecore.ConcurrentTransition, match="was 'draft' when loaded") as info:
        stale.save()
    assert (info.value.expected, info.value.actual, info.value.transition) == (
        "draft",
        "issued",
        None,
    )
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.memo) == ("issued", "")


def test_plain_save_of_an_assigned_state_from_the_loaded_one_is_written() -> None:
    """Assigning a state and saving works when nobody moved the row meanwhile."""
    invoice = Invoice.objects.create()
    invoice.state = "void"
    invoice.save()
    assert stored(Invoice, invoice.pk).state == "void"
    loaded = Invoice.objects.get(pk=invoice.pk)
    loaded.state = "draft"
    loaded.save()
    assert stored(Invoice, invoice.pk).state == "draft"


def test_plain_save_of_an_object_not_loaded_cannot_change_a_rows_state() -> None:
    """Invoice(pk=<existing>, state=...).save() may not move the existing row's state."""
    invoice = Invoice.objects.create()
    invoice.issue()
    with pytest.raises(statecore.ConcurrentTransition, match="not loaded from the database"):
        Invoice(pk=invoice.pk, state="paid", memo="x").save()
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.memo) == ("issued", "")


def test_fixtures_and_raw_saves_write_the_state_as_given() -> None:
    """save_base(raw=True) (loaddata) writes what it is given."""
    invoice = Invoice.objects.create()
    Invoice(pk=invoice.pk, state="paid").save_base(raw=True)
    assert stored(Invoice, invoice.pk).state == "paid"


# -- 5. and 6. every change of the transition's code is stored --------------------------------


@pytest.mark.parametrize("model", INVOICES)
def test_file_assigned_by_a_transition_is_stored(model: type[Any]) -> None:
    """A FileField assigned by the implementation goes through pre_save: file and name stored."""
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        invoice = model.objects.create()
        invoice.issue(document=ContentFile(b"%PDF-1.7", name="invoice.pdf"))
        name = stored(model, invoice.pk).document.name
        assert name.startswith("invoices/invoice")
        with invoice.document.open("rb") as handle:
            assert handle.read() == b"%PDF-1.7"


@pytest.mark.parametrize("model", INVOICES)
def test_fields_set_by_enter_and_after_hooks_are_saved(model: type[Any]) -> None:
    """on_enter_state and after_transition hooks' changes reach the row, in the transaction."""
    invoice = model.objects.create()
    with CaptureQueriesContext(connection) as queries:
        invoice.issue(2)
    assert stored(model, invoice.pk).entered == "issued-hook"
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2  # the transition's UPDATE, then the enter hook's change
    assert updated_columns(updates[1]) == {"entered"}
    invoice.pay()
    assert stored(model, invoice.pk).closed_by == "after-hook"


@pytest.mark.parametrize("model", INVOICES)
def test_save_called_by_the_implementation_is_not_taken_for_a_concurrent_change(
    model: type[Any],
) -> None:
    """The object's own save() inside the transition is the transition's write, not a conflict."""
    invoice = model.objects.create(total=1)
    invoice.issue(2, save_inside=True)
    row = stored(model, invoice.pk)
    assert (row.state, row.total, row.entered) == ("issued", 3, "issued-hook")
    assert log_rows(invoice) == [("issue", "draft", "issued")]


@pytest.mark.parametrize("model", INVOICES)
def test_save_called_by_an_after_hook_is_not_taken_for_a_concurrent_change(
    model: type[Any],
) -> None:
    """An after hook that changes the object and calls save() commits with the transition."""
    invoice = model.objects.create()
    invoice.issue()
    invoice.pay(save_after=True)
    row = stored(model, invoice.pk)
    assert (row.state, row.closed_by, row.memo) == ("paid", "after-hook", "saved by the hook")
    assert log_rows(invoice)[-1] == ("pay", "issued", "paid")


def test_save_inside_a_failed_transition_is_rolled_back_with_it() -> None:
    """What the implementation saved before failing is undone; only on_error's state stays."""
    invoice = Invoice.objects.create(total=1)
    with pytest.raises(RuntimeError, match="issuing failed"):
        invoice.issue(5, save_inside=True, fail=True)
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.total) == ("void", 1)
    assert (invoice.state, invoice.total) == ("void", 1)


def test_optimistic_guard_still_refuses_a_change_committed_before_the_inner_save() -> None:
    """A column another process changed is still refused when the hook's save() did not write it."""
    invoice = Invoice.objects.create(total=100)
    invoice.issue()
    concurrently(Invoice, invoice.pk, state="void")
    with pytest.raises(statecore.ConcurrentTransition):
        invoice.pay(save_after=True)
    assert stored(Invoice, invoice.pk).state == "void"


def test_after_hook_failure_rolls_back_the_hooks_changes_too() -> None:
    """A failing after hook undoes the transition and everything the hooks wrote."""
    invoice = Invoice.objects.create()
    invoice.issue()
    with pytest.raises(RuntimeError, match="after hook failed") as info:
        invoice.pay(fail_after=True)
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.closed_by) == ("issued", "")
    assert (invoice.state, invoice.closed_by) == ("issued", "")
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "was applied" not in notes


def test_unchanged_hooks_cost_no_statement() -> None:
    """A logged transition whose hooks change nothing is one UPDATE and one INSERT."""
    invoice = Invoice.objects.create()
    invoice.issue()
    with CaptureQueriesContext(connection) as queries:
        invoice.reopen()
    sql = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]
    assert [s.split()[0] for s in sql] == ["UPDATE", "INSERT"]


# -- 7. and the optimistic guard: no committed change of a written column is lost -------------


def test_pessimistic_transition_reads_the_committed_row_before_its_code_runs() -> None:
    """Read-modify-write under the lock starts from the committed value, not a stale copy."""
    invoice = PessimisticInvoice.objects.create(total=100)
    concurrently(PessimisticInvoice, invoice.pk, total=150)
    invoice.issue(10)
    assert invoice.total == 160
    assert stored(PessimisticInvoice, invoice.pk).total == 160


def test_pessimistic_reload_keeps_what_the_program_changed_before_the_call() -> None:
    """An unsaved edit made before the call is not replaced by the row's value."""
    invoice = PessimisticInvoice.objects.create(memo="old", total=1)
    concurrently(PessimisticInvoice, invoice.pk, memo="theirs", total=7)
    invoice.memo = "mine"
    invoice.issue(1)
    assert (invoice.memo, invoice.total) == ("mine", 8)
    row = stored(PessimisticInvoice, invoice.pk)
    assert (row.memo, row.total) == ("theirs", 8)


def test_optimistic_transition_refuses_to_overwrite_a_column_changed_meanwhile() -> None:
    """A column the transition writes that another process changed makes it refuse."""
    invoice = Invoice.objects.create(total=100)
    concurrently(Invoice, invoice.pk, total=150)
    with pytest.raises(statecore.ConcurrentTransition, match="'total'"):
        invoice.issue(10)
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.total) == ("draft", 150)
    assert (invoice.state, invoice.total) == ("draft", 100)
    assert log_rows(invoice) == []


def test_optimistic_transition_leaves_columns_it_did_not_change() -> None:
    """Another process's change of a column the transition does not write survives it."""
    invoice = Invoice.objects.create(memo="v0")
    concurrently(Invoice, invoice.pk, memo="v1")
    invoice.issue(1)
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.memo, row.total) == ("issued", "v1", 1)


# -- 8. the log row is written where the object lives -------------------------------------


def test_object_loaded_from_another_database_is_logged_there_in_its_transaction() -> None:
    """.using("other"): the row and its log row are written on "other", never on default."""
    invoice = Invoice.objects.using("other").create()
    loaded = Invoice.objects.using("other").get(pk=invoice.pk)
    loaded.issue(4)
    assert Invoice.objects.using("other").get(pk=invoice.pk).state == "issued"
    assert TransitionLog.objects.using("other").count() == 1
    assert TransitionLog.objects.using("default").count() == 0
    with pytest.raises(RuntimeError):
        loaded.pay(fail_after=True)
    assert TransitionLog.objects.using("other").count() == 1
    assert TransitionLog.objects.using("default").count() == 0
    row = TransitionLog.objects.using("other").get()
    assert row.content_type == ContentType.objects.db_manager("other").get_for_model(Invoice)


# -- 9. and 10. what happened after COMMIT, or inside the caller's transaction ---------------


def test_failing_on_commit_hook_reports_the_committed_transition_as_committed() -> None:
    """An on_commit hook raising after COMMIT: the transition stands, in memory and in notes."""
    order = Order.objects.create(state="paid")
    failures: list[Any] = []
    statecore_django.transition_failed.connect(
        lambda **kwargs: failures.append(kwargs), sender=Order, weak=False, dispatch_uid="t9"
    )
    original = Order.notified
    Order.notified = None  # type: ignore[assignment]  # the on_commit hook's append fails
    try:
        with pytest.raises(AttributeError) as info:
            order.ship()
    finally:
        Order.notified = original
        statecore_django.transition_failed.disconnect(dispatch_uid="t9", sender=Order)
    assert order.state == "shipped"
    assert stored(Order, order.pk).state == "shipped"
    assert log_rows(order) == [("ship", "paid", "shipped")]
    assert failures == []
    notes = "\n".join(getattr(info.value, "__notes__", []))
    if hasattr(info.value, "add_note"):
        assert "was committed" in notes
        assert "rolled back" not in notes


def test_on_error_inside_an_enclosing_transaction_claims_nothing_it_cannot_know() -> None:
    """In the caller's atomic(), the note says on_error is stored only if that one commits."""
    invoice = Invoice.objects.create()
    with pytest.raises(RuntimeError) as info, transaction.atomic():
        invoice.issue(fail=True)
    assert invoice.state == "void"
    assert stored(Invoice, invoice.pk).state == "draft"  # the caller's rollback undid it
    notes = "\n".join(getattr(info.value, "__notes__", []))
    if hasattr(info.value, "add_note"):
        assert "stored only if that transaction commits" in notes
        assert "savepoint was rolled back" in notes
    with transaction.atomic():
        try:
            invoice.refresh_from_db()
            invoice.issue(fail=True)
        except RuntimeError:
            pass  # the caller handles it and commits: the on_error state is stored
    assert stored(Invoice, invoice.pk).state == "void"
    assert log_rows(invoice) == [("issue", "draft", "void")]


# -- 12. and 15. transitions run by hooks are undone with the transition that ran them -------


def test_objects_transitioned_by_a_failed_transitions_hooks_are_restored_in_memory() -> None:
    """A's implementation ran B's transition, then A failed: B is back in memory and in the row."""
    a = Invoice.objects.create()
    b = Invoice.objects.create()
    with pytest.raises(RuntimeError, match="issuing failed") as info:
        a.issue(fail=True, other=b)
    assert stored(Invoice, b.pk).state == "draft"
    assert (b.state, b.entered) == ("draft", "")
    assert a.state == "void"
    assert log_rows(b) == []
    if hasattr(info.value, "add_note"):
        assert "undone in memory too" in "\n".join(info.value.__notes__)


def test_transition_started_by_a_hook_is_rolled_back_with_the_outer_one() -> None:
    """On a model, a nested transition shares the outer transaction (docs/hooks.md)."""
    order = Order.objects.create(state="placed")

    def nested(sender: Any, instance: Order, **kwargs: Any) -> None:
        if kwargs["transition"].name == "pay":
            instance.cancel()

    statecore_django.pre_transition.connect(nested, sender=Order, dispatch_uid="t15")
    try:
        with pytest.raises(statecore.ConcurrentTransition, match="left state 'placed'"):
            order.pay(amount=5)
    finally:
        statecore_django.pre_transition.disconnect(dispatch_uid="t15", sender=Order)
    assert order.state == "placed"
    assert stored(Order, order.pk).state == "placed"
    assert log_rows(order) == []


# -- 13. one log chain per row -----------------------------------------------------------------


def test_multi_table_child_and_parent_share_one_log_chain() -> None:
    """Transitions run through the parent class and the child class form one chain."""
    child = SpecialOrder.objects.create(state="placed")
    parent = Order.objects.get(pk=child.pk)
    parent.pay(amount=3)
    child.refresh_from_db()
    child.ship()
    expected = [("pay", "placed", "paid"), ("ship", "paid", "shipped")]
    assert log_rows(child) == expected
    assert log_rows(parent) == expected
    assert {row.content_type for row in TransitionLog.objects.all()} == {
        ContentType.objects.get_for_model(Order)
    }


@pytest.mark.parametrize("start", [{}, {"tries": [1, 2]}, None])
def test_optimistic_guard_of_a_json_column_holds_for_every_starting_value(start: Any) -> None:
    """Guarding a JSON column works from an empty, a nested and a NULL value alike."""
    invoice = Invoice.objects.create(labels=start)
    invoice.issue(labels={"carrier": "x"})
    assert stored(Invoice, invoice.pk).labels == {"carrier": "x"}
    concurrently(Invoice, invoice.pk, labels={"theirs": True})
    with pytest.raises(statecore.ConcurrentTransition, match="'labels'"):
        invoice.pay(labels={"late": 1})
    row = stored(Invoice, invoice.pk)
    assert (row.state, row.labels) == ("issued", {"theirs": True})
    other = Invoice.objects.create(labels=start)
    other.issue(labels={"fresh": [1]})
    assert stored(Invoice, other.pk).labels == {"fresh": [1]}
