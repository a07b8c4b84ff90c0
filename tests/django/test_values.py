"""State wrappers of Django workflows behave as Django expects values to."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from tests.django.testapp.models import Order, Task
from tests.django.testapp.workflows import Priority, PriorityFlow

import statecore
from statecore_django.workflow import StateWrapper

pytestmark = pytest.mark.django_db


def test_state_wrapper_encodes_as_its_name_with_django_json_encoder() -> None:
    """``JsonResponse`` (DjangoJSONEncoder) writes a state as its name."""
    order = Order.objects.create(state="placed")
    task = Task.objects.create(priority=Priority.URGENT)
    response = JsonResponse({"state": order.state, "priority": task.priority})
    assert json.loads(response.content) == {"state": "placed", "priority": "urgent"}
    assert json.dumps([order.state], cls=DjangoJSONEncoder) == '["placed"]'
    assert isinstance(order.state, StateWrapper) and isinstance(order.state, statecore.StateWrapper)


def test_state_wrappers_query_by_their_stored_value() -> None:
    """A wrapper in a filter or an assignment stands for the stored name, or integer value."""
    order = Order.objects.create(state="placed")
    Order.objects.create(state="draft")
    assert list(Order.objects.filter(state=order.state)) == [order]
    task = Task.objects.create(priority=Priority.URGENT)
    Task.objects.create(priority=Priority.LOW)
    assert list(Task.objects.filter(priority=task.priority)) == [task]
    assert Task.objects.filter(priority=PriorityFlow.wrap("urgent")).count() == 1


def test_integer_choices_wrapper_hashes_like_its_member() -> None:
    """A wrapper equal to an IntegerChoices member is found in a set of members."""
    task = Task.objects.create(priority=Priority.URGENT)
    assert task.priority == Priority.URGENT
    assert task.priority in {Priority.URGENT}
