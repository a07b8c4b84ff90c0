"""State fields: reading, assignment, protection, conversions, variants and bindings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_init
from tests.django.testapp.models import (
    Article,
    Document,
    Order,
    ProtectedArticle,
    ProtectedOrder,
    ProxyOrder,
    PublicationState,
    SpecialOrder,
    Switch,
    Task,
    Ticket,
)
from tests.django.testapp.workflows import OrderFlow, Priority, PriorityFlow

import statecore
from statecore_django import StateField

pytestmark = pytest.mark.django_db


def test_field_derives_choices_max_length_and_default_from_workflow() -> None:
    """Choices are the states with titles, default the initial state, max_length >= 32."""
    field = Order._meta.get_field("state")
    assert field.choices[:2] == [("draft", "Draft"), ("placed", "Placed")]
    assert field.get_default() == "draft"
    assert field.max_length == 32


def test_max_length_grows_with_the_longest_state_name() -> None:
    """A workflow with a state name longer than 32 gets a max_length that fits it."""

    class LongFlow(statecore.Workflow):
        states = ("a", "x" * 40)
        transitions = ()
        initial_state = "a"

    assert StateField(LongFlow).max_length == 40


def test_reading_gives_the_state_wrapper() -> None:
    """A new object reads its initial state as a StateWrapper with flags."""
    order = Order()
    assert isinstance(order.state, statecore.StateWrapper)
    assert order.state == "draft"
    assert order.state.is_draft
    assert order.state.title == "Draft"


def test_assignment_validates_the_state() -> None:
    """Assigning a known state works; an unknown one raises InvalidStateError."""
    order = Order()
    order.state = OrderFlow.states.paid
    assert order.state == "paid"
    with pytest.raises(statecore.InvalidStateError, match="'bogus' is not a state"):
        order.state = "bogus"


def test_state_roundtrips_through_the_database() -> None:
    """create(state=...) with a wrapper stores the name and reads it back."""
    order = Order.objects.create(state=OrderFlow.wrap("placed"))
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert Order.objects.filter(state=OrderFlow.states.placed).count() == 1
    assert Order.objects.filter(state__in=["placed", "paid"]).count() == 1


def test_deferred_state_loads_from_the_database_on_read() -> None:
    """A state deferred by .only() is loaded when read, not taken as the initial state."""
    order = Order.objects.create(state="paid")
    loaded = Order.objects.only("amount").get(pk=order.pk)
    assert "state" in loaded.get_deferred_fields()
    assert loaded.state == "paid"


def test_unknown_stored_state_loads_as_unknown_wrapper() -> None:
    """A row whose state the workflow lacks loads; reading says known=False."""
    order = Order.objects.create()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Order._meta.db_table} SET state = %s WHERE id = %s", ["legacy", order.pk]
        )
    loaded = Order.objects.get(pk=order.pk)
    assert loaded.state == "legacy"
    assert loaded.state.known is False
    with pytest.raises(statecore.InvalidTransitionError, match="legacy"):
        loaded.place()


def test_protected_field_refuses_assignment_after_the_first_set() -> None:
    """protected=True: create(state=...) works, later assignment raises ProtectedStateError."""
    order = ProtectedOrder.objects.create(state="placed")
    with pytest.raises(statecore.ProtectedStateError, match="protected"):
        order.state = "paid"
    assert order.state == "placed"


def test_protected_field_keeps_django_loading_paths_working() -> None:
    """refresh_from_db, deferred loading, bulk_create and loaddata work on a protected field."""
    order = ProtectedOrder.objects.create()
    ProtectedOrder.objects.filter(pk=order.pk).update(state="paid")
    order.refresh_from_db()
    assert order.state == "paid"
    assert ProtectedOrder.objects.only("note").get(pk=order.pk).state == "paid"
    created = ProtectedOrder.objects.bulk_create([ProtectedOrder(state="placed")])
    assert created[0].state == "placed"
    dumped = serializers.serialize("json", [order])
    ProtectedOrder.objects.filter(pk=order.pk).delete()
    for restored in serializers.deserialize("json", dumped):
        restored.save()
    assert ProtectedOrder.objects.get(pk=order.pk).state == "paid"


def test_transitions_move_a_protected_field() -> None:
    """A transition changes a protected state and saves it."""
    order = ProtectedOrder.objects.create()
    order.place()
    assert ProtectedOrder.objects.get(pk=order.pk).state == "placed"


def test_serializers_write_the_state_name() -> None:
    """dumpdata-style serialization stores the name, not a wrapper repr."""
    order = Order.objects.create(state="paid")
    assert '"state": "paid"' in serializers.serialize("json", [order])


def test_integer_state_field_stores_the_state_value() -> None:
    """IntegerStateField stores integers, reads wrappers, accepts IntegerChoices members."""
    task = Task.objects.create(priority=Priority.LOW)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT priority FROM {Task._meta.db_table} WHERE id = %s", [task.pk])
        assert cursor.fetchone()[0] == 1
    task = Task.objects.get(pk=task.pk)
    assert task.priority == "low"
    assert task.priority == Priority.LOW
    task.escalate()
    assert Task.objects.filter(priority=Priority.URGENT).count() == 1
    assert Task._meta.get_field("priority").get_default() == PriorityFlow.states.normal.value


def test_integer_state_field_loads_an_unknown_value() -> None:
    """A stored integer that is no state loads as an unknown wrapper."""
    task = Task.objects.create()
    Task.objects.filter(pk=task.pk).update(priority=77)
    loaded = Task.objects.get(pk=task.pk)
    assert loaded.priority.known is False
    assert loaded.priority.name == "77"


def test_integer_state_field_needs_integer_values() -> None:
    """A workflow without integer state values is refused with a TypeError."""
    from statecore_django import IntegerStateField

    with pytest.raises(TypeError, match="integer state values"):
        IntegerStateField(OrderFlow)


def test_foreign_key_state_field_points_at_state_rows() -> None:
    """The FK variant stores the state name as key of a row; transitions move it."""
    for name in ("draft", "review", "published"):
        PublicationState.objects.create(name=name)
    article = Article.objects.create()
    assert article.state == "draft"
    article.submit()
    article = Article.objects.get(pk=article.pk)
    assert article.state == "review"
    assert article.state_id == "review"
    article.state = PublicationState.objects.get(name="published")
    assert article.state == "published"


def test_model_with_workflow_enabled_mixin_gets_transitions_and_hooks() -> None:
    """xworkflows style: WorkflowEnabled + StateField binds transitions and hooks."""
    Ticket.seen.clear()
    ticket = Ticket.objects.create()
    assert ticket.place() == "placed!"
    assert Ticket.seen == ["placed!"]
    assert Ticket.objects.get(pk=ticket.pk).state == "placed"


def test_abstract_multi_table_and_proxy_models_bind() -> None:
    """Abstract children, multi-table children and proxies all run saved transitions."""
    document = Document.objects.create()
    document.place()
    assert Document.objects.get(pk=document.pk).title == "placed"
    special = SpecialOrder.objects.create(state="paid")
    special.ship()
    special = SpecialOrder.objects.get(pk=special.pk)
    assert (special.state, special.priority) == ("shipped", 9)
    proxy = ProxyOrder.objects.create()
    proxy.place()
    assert Order.objects.get(pk=proxy.pk).state == "placed"


def test_plain_core_workflow_on_a_field_is_saved() -> None:
    """A plain statecore.Workflow on a StateField still gets saved transitions."""
    switch = Switch.objects.create()
    switch.switch_on()
    assert Switch.objects.get(pk=switch.pk).state == "on"


def test_field_accepts_a_dotted_path() -> None:
    """StateField('pkg.mod.Flow') resolves the workflow class."""
    field = StateField("tests.django.testapp.workflows.OrderFlow")
    assert field.workflow_class is OrderFlow


def test_get_display_gives_the_state_title() -> None:
    """get_state_display() returns the title."""
    assert Order(state="paid").get_state_display() == "Paid"


def test_makemigrations_finds_no_changes() -> None:
    """The migrations in the repository match the models (deconstruct is stable)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_foreign_key_state_column_assignment_is_validated() -> None:
    """Assigning ``<name>_id`` of a ForeignKeyStateField refuses a name that is no state."""
    article = Article(state="draft")
    with pytest.raises(statecore.InvalidStateError):
        article.state_id = "bogus"
    assert article.state == "draft"


def test_protected_foreign_key_state_column_refuses_assignment() -> None:
    """Assigning ``<name>_id`` of a protected ForeignKeyStateField is refused like the field."""
    _state_rows()
    article = ProtectedArticle.objects.create()
    with pytest.raises(statecore.ProtectedStateError, match="protected"):
        article.state_id = "published"
    assert article.state == "draft"


def test_protected_foreign_key_state_reloads_from_the_database() -> None:
    """refresh_from_db and deferred loading may set a protected foreign-key state."""
    _state_rows()
    article = ProtectedArticle.objects.create()
    ProtectedArticle.objects.filter(pk=article.pk).update(state="review")
    article.refresh_from_db()
    assert article.state == "review"
    deferred = ProtectedArticle.objects.defer("state").get(pk=article.pk)
    assert deferred.state == "review"


def test_protected_field_refuses_assignment_from_any_other_code() -> None:
    """Outside refresh_from_db of that very object, a set protected state stays refused."""
    order = ProtectedOrder.objects.create()
    other = ProtectedOrder.objects.create()

    def meddle(sender: type, instance: Any, **kwargs: Any) -> None:
        if instance.pk == other.pk:
            order.state = "paid"

    post_init.connect(meddle, sender=ProtectedOrder)
    try:
        with pytest.raises(statecore.ProtectedStateError):
            other.refresh_from_db()
    finally:
        post_init.disconnect(meddle, sender=ProtectedOrder)
    assert order.state == "draft"


def _state_rows() -> None:
    """Create the rows of PublicationFlow's states."""
    for name in ("draft", "review", "published"):
        PublicationState.objects.get_or_create(name=name)


def test_foreign_key_state_field_loads_an_unknown_state() -> None:
    """A row pointing at a state the workflow lacks loads as an unknown state wrapper."""
    _state_rows()
    PublicationState.objects.create(name="retired")
    article = Article.objects.create()
    Article.objects.filter(pk=article.pk).update(state="retired")
    loaded = Article.objects.get(pk=article.pk)
    assert (loaded.state.name, loaded.state.known) == ("retired", False)


def test_state_field_converts_a_value_once_to_prepare_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """get_prep_value of a StateField runs to_python once per value."""
    field = Order._meta.get_field("state")
    calls: list[object] = []
    to_python = StateField.to_python

    def counting(self: StateField, value: object) -> Any:
        calls.append(value)
        return to_python(self, value)

    monkeypatch.setattr(StateField, "to_python", counting)
    assert field.get_prep_value(OrderFlow.states["paid"]) == "paid"
    assert len(calls) == 1
