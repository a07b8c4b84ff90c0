"""`WorkflowAdminMixin` through Django's test client: buttons, POSTs, forms, actions, diagram."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from tests.django.testapp.models import AsyncOrder, Order, ProtectedOrder
from tests.django.testapp.workflows import OrderFlow

import statecore
from statecore_django import admin_mixins
from statecore_django.admin import TransitionLogInline
from statecore_django.admin_mixins import WorkflowAdminMixin, transition_form_class
from statecore_django.log.models import TransitionLog


class PayForm(forms.Form):
    amount = forms.IntegerField(min_value=1)


class OrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    transition_forms = {"pay": PayForm}  # noqa: RUF012


class ProtectedOrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    pass


class AsyncOrderAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    transition_forms = {"pay": PayForm}  # noqa: RUF012


site = admin.AdminSite(name="workflow_admin")
site.register(Order, OrderAdmin)
site.register(ProtectedOrder, ProtectedOrderAdmin)
site.register(AsyncOrder, AsyncOrderAdmin)
urlpatterns = [path("admin/", site.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def url(name: str, *args: Any) -> str:
    return reverse(f"workflow_admin:{name}", args=args)


def change(obj: Any) -> str:
    return url(f"testapp_{obj._meta.model_name}_change", obj.pk)


def transition(obj: Any, name: str, field: str = "state") -> str:
    return url(f"testapp_{obj._meta.model_name}_transition", obj.pk, field, name)


def texts(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def make_user(name: str, *codenames: str, superuser: bool = False) -> Client:
    user = User.objects.create_user(name, password="pw", is_staff=True, is_superuser=superuser)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def boss() -> Client:
    return make_user("boss", superuser=True)


@pytest.fixture
def clerk() -> Client:
    """Staff who may change orders but lacks testapp.approve_order."""
    return make_user("clerk", "view_order", "change_order", "view_protectedorder")


@pytest.fixture
def placed() -> Order:
    return Order.objects.create(state="placed")


def panel(response: Any, field: str = "state") -> Any:
    return next(p for p in response.context["statecore_panels"] if p.field == field)


def test_change_page_has_a_button_per_transition_available_to_the_user(
    boss: Client, placed: Order
) -> None:
    """A superuser sees every transition leaving 'placed' as a POST button with CSRF."""
    response = boss.get(change(placed))
    shown = panel(response)
    assert shown.state == "placed"
    assert [b.name for b in shown.buttons] == ["pay", "cancel", "charge", "approve"]
    assert shown.refused == ()
    page = response.content.decode()
    assert f'action="{transition(placed, "approve")}"' in page
    assert page.count("csrfmiddlewaretoken") >= 5


def test_user_without_the_permission_sees_the_reason_instead_of_a_button(
    clerk: Client, placed: Order
) -> None:
    """A transition the user may not run is listed with the missing permission, not a button."""
    response = clerk.get(change(placed))
    shown = panel(response)
    assert "approve" not in [b.name for b in shown.buttons]
    (approve,) = shown.refused
    assert approve.name == "approve"
    assert "permission 'testapp.approve_order' is required" in approve.reason
    assert "testapp.approve_order" in response.content.decode()


def test_click_runs_the_transition_once_with_one_update_and_one_log_row(
    boss: Client, placed: Order
) -> None:
    """One click: one UPDATE of the order, one INSERT of the log row, a success message."""
    with CaptureQueriesContext(connection) as queries:
        response = boss.post(transition(placed, "cancel"))
    assert response.status_code == 302
    assert response["Location"] == change(placed)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if s.startswith("UPDATE") and "testapp_order" in s]) == 1
    assert len([s for s in sql if s.startswith("INSERT") and "statecore_log" in s]) == 1
    assert not [s for s in sql if "django_admin_log" in s]
    placed.refresh_from_db()
    assert placed.state == "cancelled"
    row = TransitionLog.for_object(placed).get()
    assert (row.transition, row.from_state, row.to_state) == ("cancel", "placed", "cancelled")
    assert row.user.username == "boss"
    page = boss.get(change(placed))
    assert texts(page) == [f"{placed}: Cancel done; state is now “Cancelled”."]


def test_forbidden_transition_posted_directly_is_refused_with_the_reason(
    clerk: Client, placed: Order
) -> None:
    """POSTing a transition the user lacks the permission for changes nothing and says why."""
    response = clerk.post(transition(placed, "approve"), follow=True)
    assert response.status_code == 200
    (message,) = texts(response)
    assert "Approve was refused" in message
    assert "permission 'testapp.approve_order' is required" in message
    placed.refresh_from_db()
    assert placed.state == "placed"
    assert not TransitionLog.for_object(placed).exists()


def test_unavailable_transition_is_refused_not_a_server_error(boss: Client, placed: Order) -> None:
    """A transition that does not start from the current state gets an error message."""
    response = boss.post(transition(placed, "ship"), follow=True)
    assert response.status_code == 200
    (message,) = texts(response)
    assert "Ship was refused" in message
    assert "not available from state 'placed'" in message


def test_get_of_a_transition_without_input_is_not_allowed(boss: Client, placed: Order) -> None:
    """Only a POST runs a transition; a GET answers 405 and changes nothing."""
    response = boss.get(transition(placed, "cancel"))
    assert response.status_code == 405
    placed.refresh_from_db()
    assert placed.state == "placed"


def test_user_who_may_not_change_the_object_gets_403(placed: Order) -> None:
    """Without the change permission the transition view is forbidden."""
    viewer = make_user("viewer", "view_order")
    response = viewer.post(transition(placed, "cancel"))
    assert response.status_code == 403
    placed.refresh_from_db()
    assert placed.state == "placed"


@pytest.mark.parametrize(("field", "name"), [("state", "fly"), ("nothing", "cancel")])
def test_unknown_transition_or_field_is_404(
    boss: Client, placed: Order, field: str, name: str
) -> None:
    """A URL naming no transition of the object answers 404."""
    response = boss.post(transition(placed, name, field))
    assert response.status_code == 404


def test_transition_needing_input_shows_a_form_then_passes_cleaned_data(
    boss: Client, placed: Order
) -> None:
    """pay asks for an amount; an invalid one shows errors, a valid one reaches pay(amount=)."""
    first = boss.post(transition(placed, "pay"))
    assert first.status_code == 200
    assert "statecore_django/admin/transition_form.html" in [t.name for t in first.templates]
    invalid = boss.post(transition(placed, "pay"), {"_statecore_confirm": "1", "amount": "0"})
    assert invalid.status_code == 200
    assert invalid.context["form"].errors["amount"]
    placed.refresh_from_db()
    assert placed.state == "placed"
    done = boss.post(transition(placed, "pay"), {"_statecore_confirm": "1", "amount": "42"})
    assert done.status_code == 302
    placed.refresh_from_db()
    assert (placed.state, placed.amount) == ("paid", 42)
    assert TransitionLog.for_object(placed).count() == 1


def test_form_is_taken_from_the_transition_custom_metadata() -> None:
    """custom={"form"}, a mapping of form fields, or model field names each give a form."""
    by_form = statecore.Transition("a", "x", "y", custom={"form": PayForm})
    by_mapping = statecore.Transition(
        "b", "x", "y", custom={"fields": {"reason": forms.CharField()}}
    )
    by_names = statecore.Transition("c", "x", "y", custom={"fields": ("note", "amount")})
    plain = statecore.Transition("d", "x", "y")
    assert transition_form_class(by_form) is PayForm
    assert list(transition_form_class(by_mapping).base_fields) == ["reason"]
    named = transition_form_class(by_names, Order)
    assert list(named.base_fields) == ["note", "amount"]
    assert isinstance(named.base_fields["amount"], forms.IntegerField)
    assert transition_form_class(plain) is None


def test_form_naming_an_unknown_model_field_says_which() -> None:
    """A custom field list naming a field the model lacks raises TypeError naming it."""
    broken = statecore.Transition("c", "x", "y", custom={"fields": ("nope",)})
    with pytest.raises(TypeError, match="nope"):
        transition_form_class(broken, Order)


def test_protected_state_field_is_read_only_in_the_change_form(boss: Client) -> None:
    """A protected state field is shown, not edited, in the change form."""
    order = ProtectedOrder.objects.create()
    response = boss.get(change(order))
    assert "state" not in response.context["adminform"].form.fields
    assert "state" in response.context["adminform"].readonly_fields
    data = {"note": "hello", "state": "shipped"}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    saved = boss.post(change(order), data)
    assert saved.status_code == 302
    order.refresh_from_db()
    assert (order.note, order.state) == ("hello", "draft")


def test_changelist_shows_and_filters_states_by_title(boss: Client, placed: Order) -> None:
    """The default list display and filter show the state's title."""
    Order.objects.create(state="paid")
    response = boss.get(url("testapp_order_changelist"))
    page = response.content.decode()
    assert '<td class="field-state">Placed</td>' in page
    assert "?state__exact=paid" in page
    filtered = boss.get(url("testapp_order_changelist"), {"state__exact": "paid"})
    assert filtered.context["cl"].result_count == 1


def test_bulk_action_reports_each_success_and_refusal(boss: Client, placed: Order) -> None:
    """The ship action moves the paid order and reports why the placed one was refused."""
    paid = Order.objects.create(state="paid")
    response = boss.post(
        url("testapp_order_changelist"),
        {"action": "transition__state__ship", "_selected_action": [placed.pk, paid.pk]},
        follow=True,
    )
    messages = texts(response)
    assert messages[0] == f"Ship: done for 1 order ({paid})."
    assert messages[1].startswith(f"{placed}: Ship was refused:")
    assert "not available from state 'placed'" in messages[1]
    paid.refresh_from_db()
    placed.refresh_from_db()
    assert (paid.state, placed.state) == ("shipped", "placed")


def test_actions_leave_out_transitions_the_user_may_not_run(
    boss: Client, clerk: Client, placed: Order
) -> None:
    """A transition whose permission the user lacks gets no bulk action for that user."""
    assert (
        "transition__state__approve" in boss.get(url("testapp_order_changelist")).content.decode()
    )
    page = clerk.get(url("testapp_order_changelist")).content.decode()
    assert "transition__state__approve" not in page
    assert "transition__state__cancel" in page


def test_bulk_action_of_a_transition_needing_input_refuses_to_run(
    boss: Client, placed: Order
) -> None:
    """pay needs an amount: the action runs nothing and says to use the change page."""
    response = boss.post(
        url("testapp_order_changelist"),
        {"action": "transition__state__pay", "_selected_action": [placed.pk]},
        follow=True,
    )
    assert texts(response) == ["Pay needs input; run it from each object's change page."]
    placed.refresh_from_db()
    assert placed.state == "placed"


def test_diagram_is_svg_with_the_current_state_highlighted(boss: Client, placed: Order) -> None:
    """With Graphviz the panel holds an inline SVG; the current state is filled."""
    shown = panel(boss.get(change(placed)))
    assert shown.svg is not None
    assert shown.svg.startswith("<svg")
    assert "Placed" in shown.svg


def test_diagram_falls_back_to_mermaid_without_graphviz(
    boss: Client, placed: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the graphviz extra the page shows the Mermaid text, current state marked."""
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz raises ImportError
    admin_mixins.diagram_svg.cache_clear()
    try:
        response = boss.get(change(placed))
    finally:
        admin_mixins.diagram_svg.cache_clear()
    shown = panel(response)
    assert shown.svg is None
    assert shown.mermaid == OrderFlow.to_mermaid(current="placed")
    assert '<pre class="mermaid statecore-mermaid">' in response.content.decode()


def test_log_inline_is_added_for_the_generic_log(boss: Client, placed: Order) -> None:
    """The change page gets the read-only transition log inline of the workflow's log model."""
    response = boss.get(change(placed))
    inlines = [f.opts for f in response.context["inline_admin_formsets"]]
    assert any(isinstance(i, TransitionLogInline) for i in inlines)
    assert all(not i.has_add_permission(response.wsgi_request, placed) for i in inlines)


def test_bound_transition_of_an_unknown_name_raises_lookup_error_with_a_suggestion() -> None:
    """bound_transition reports an unknown name as get_transition does, as a LookupError."""
    order = Order.objects.create()
    with pytest.raises(LookupError, match="did you mean 'place'"):
        admin_mixins.bound_transition(order, "state", "plcae")
    assert admin_mixins.bound_transition(order, "state", "place").name == "place"


@pytest.mark.django_db(transaction=True)
def test_admin_runs_and_explains_transitions_with_async_guards_and_hooks(boss: Client) -> None:
    """Buttons await async guards; a click awaits the async hooks, in one transaction."""
    AsyncOrder.steps.clear()
    empty = AsyncOrder.objects.create(state="placed", stock=0)
    shown = panel(boss.get(change(empty)))
    assert [b.name for b in shown.buttons] == ["cancel"]
    assert "in_stock" in shown.refused[0].reason
    order = AsyncOrder.objects.create(state="placed")
    assert [b.name for b in panel(boss.get(change(order))).buttons] == ["pay", "cancel"]
    AsyncOrder.steps.clear()
    response = boss.post(transition(order, "pay"), {"_statecore_confirm": "1", "amount": "42"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.amount, order.stock) == ("paid", 42, 0)
    assert AsyncOrder.steps == [
        "condition",
        "condition",
        "before",
        "implementation",
        "enter",
        "after",
    ]
    assert TransitionLog.for_object(order).get().user.username == "boss"
