"""What cannot run is refused when the class is defined; values that must behave, do.

Each refusal used to be accepted and misbehave later: a transition named ``__bool__`` ran
on ``if obj:``, ``conditions=[5]`` failed on the first call, ``state = OrderFlow`` bound
nothing. Each value test pins a behaviour that was wrong.
"""

from __future__ import annotations

import decimal
import enum
import json
from typing import Any, ClassVar

import pytest

import statecore
from statecore import InvalidStateError, Transition, WorkflowDefinitionError, WorkflowEnabled
from statecore.testing import set_state
from workflows import Level, OrderFlow, RecordingUser


def problems(body: dict[str, Any], base: type = statecore.Workflow) -> tuple[str, ...]:
    with pytest.raises(WorkflowDefinitionError) as caught:
        type("Flow", (base,), body)
    return caught.value.problems


@pytest.mark.parametrize("name", ["__bool__", "__init__", "__len__", "__getattr__", "_workflows"])
def test_special_and_reserved_transition_names_are_refused(name: str) -> None:
    """A transition named like a special method or statecore's own attribute is refused."""
    found = problems(
        {"states": ("a", "b"), "transitions": ((name, "a", "b"),), "initial_state": "a"}
    )
    assert found == (
        f"transition name {name!r} is reserved: transitions become methods of the host "
        f"class, and Python or statecore uses this name itself (a special method would run "
        f"the transition on its own, e.g. '__bool__' on 'if obj:'); rename the transition",
    )


def test_private_transition_names_that_python_does_not_use_are_accepted() -> None:
    """A single leading underscore is an ordinary name."""

    class Flow(statecore.Workflow):
        states = ("a", "b")
        transitions = (("_internal", "a", "b"),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    host._internal()
    assert host.state == "b"


def test_names_python_normalises_are_refused_with_the_normal_form() -> None:
    """``ﬁnish`` (a ligature) is read as ``finish`` by Python: the definition names it so."""
    found = problems(
        {"states": ("a", "ﬁnal"), "transitions": (("ﬁnish", "a", "a"),), "initial_state": "a"}
    )
    assert "state name 'ﬁnal' is not in the form Python reads it in (NFKC)" in found[0]
    assert found[0].endswith("name it 'final'")
    assert found[1].endswith("name it 'finish'")


def test_non_ascii_identifiers_in_normal_form_are_accepted() -> None:
    """Names that are already NFKC-normal, ASCII or not, stay valid."""

    class Flow(statecore.Workflow):
        states = ("entwurf", "geprüft")
        transitions = (("prüfen", "entwurf", "geprüft"),)
        initial_state = "entwurf"

    assert Flow.transitions.names() == ("prüfen",)


def test_options_that_are_not_callable_are_refused() -> None:
    """``conditions=[5]``, ``conditions=5``, ``choose_target=5``, ``permission=3``: all reported."""
    found = problems(
        {
            "states": ("a", "b", "c"),
            "transitions": (
                Transition("go", "a", "b", conditions=[5, "method_name"]),
                Transition("jump", "a", ("b", "c"), choose_target=5),
                Transition("guard", "a", "b", conditions=5, permission=3),
            ),
            "initial_state": "a",
        }
    )
    assert [problem.split(",")[0] for problem in found] == [
        "transition 'go' has condition 5",
        "transition 'jump' has choose_target=5",
        "transition 'guard' has condition 5",
        "transition 'guard' has permission=3; give a permission name or a function (instance",
    ]


def test_binding_the_workflow_class_instead_of_an_instance_is_refused() -> None:
    """``state = OrderFlow`` binds nothing: refused, saying to write ``OrderFlow()``."""
    with pytest.raises(WorkflowDefinitionError) as caught:

        class Host(WorkflowEnabled):
            state = OrderFlow

    assert caught.value.problems == (
        "test_binding_the_workflow_class_instead_of_an_instance_is_refused.<locals>.Host.state "
        "is the workflow class OrderFlow, which binds nothing; write state = OrderFlow() to "
        "bind an instance",
    )


def test_a_workflow_class_nested_in_the_host_is_not_a_binding_mistake() -> None:
    """A workflow defined in the host's body, then bound, is fine."""

    class Host(WorkflowEnabled):
        class Flow(OrderFlow):
            pass

        state = Flow()

    assert Host().state == "draft"


def test_binding_an_abstract_workflow_is_refused() -> None:
    """``state = Workflow()``: no states, so a definition error instead of an AttributeError."""
    with pytest.raises(WorkflowDefinitionError, match="defines no states"):

        class Host(WorkflowEnabled):
            state = statecore.Workflow()


# -- values ---------------------------------------------------------------------------------


class Gauge(WorkflowEnabled):
    class Flow(statecore.Workflow):
        states = Level
        transitions = ((("raise_level", Level.LOW, Level.HIGH)),)
        initial_state = Level.LOW

    state = Flow()


def test_integer_enum_wrapper_hashes_like_the_member_it_equals() -> None:
    """``wrapper == Level.HIGH`` and so ``wrapper in {Level.HIGH}``."""
    gauge = Gauge()
    gauge.raise_level()
    assert gauge.state == Level.HIGH
    assert hash(gauge.state) == hash(Level.HIGH)
    assert gauge.state in {Level.HIGH}
    assert {Level.HIGH: "alert"}[gauge.state] == "alert"


def test_enum_members_name_states_in_definitions_and_hooks() -> None:
    """Members of the states' enum work as sources, targets, on_error, final states and hooks."""

    class Status(enum.IntEnum):
        NEW = 1
        PUBLISHED = 2
        BROKEN = 3

    class Flow(statecore.Workflow):
        states = Status
        transitions = (
            Transition("publish", Status.NEW, Status.PUBLISHED, on_error=Status.BROKEN),
            ("retract", (Status.PUBLISHED,), Status.NEW),
        )
        initial_state = Status.NEW
        final_states = (Status.BROKEN,)

    class Post(WorkflowEnabled):
        state = Flow()
        entered: ClassVar[list[str]] = []

        @statecore.on_enter_state(Status.PUBLISHED)
        def announce(self, result: Any) -> None:
            self.entered.append("published")

    assert Flow.transitions.publish.source == ("new",)
    assert Flow.transitions.publish.on_error == "broken"
    assert Flow.states.broken.final
    post = Post()
    post.publish()
    assert post.state == Status.PUBLISHED and Post.entered == ["published"]


def test_members_of_another_enum_are_refused_in_definitions() -> None:
    """A foreign member, even str-valued with a state's name, is no state of the workflow."""

    class Foreign(str, enum.Enum):
        DRAFT = "draft"

    found = problems({"transitions": (("restart", Foreign.DRAFT, "draft"),)}, base=OrderFlow)
    assert found == (
        "transition 'restart' starts from <Foreign.DRAFT: 'draft'>, a member of "
        "test_members_of_another_enum_are_refused_in_definitions.<locals>.Foreign, which the "
        "states did not come from; name the state instead",
    )


@pytest.mark.parametrize("value", [2.0, decimal.Decimal(2), True], ids=["float", "Decimal", "bool"])
def test_values_of_another_type_are_not_integer_states(value: object) -> None:
    """2.0 and Decimal(2) equal 2 but are not the state valued 2."""
    with pytest.raises(InvalidStateError):
        Gauge.Flow.state_name(value)
    assert Gauge.Flow.state_name(2) == "high"


def test_foreign_str_enum_member_is_refused_on_assignment() -> None:
    """Assigning a member of another enum is refused even when its value is a state name."""

    class Foreign(str, enum.Enum):
        PAID = "paid"

    with pytest.raises(InvalidStateError):
        OrderFlow.state_name(Foreign.PAID)


def test_implementation_learns_the_acting_user() -> None:
    """An implementation declaring a keyword-only ``event`` gets the ``as_user()`` user."""

    class Order(WorkflowEnabled):
        state = OrderFlow()

        @statecore.transition()
        def place(self, *, event: statecore.TransitionEvent | None = None) -> str:
            assert event is not None
            return f"placed by {event.user}"

    order = Order()
    assert order.place.as_user(RecordingUser("ann"))() == "placed by ann"
    set_state(order, "draft")
    assert order.place() == "placed by None"


def test_state_wrapper_encodes_to_json_with_the_standard_library_as_documented() -> None:
    """``json.dumps(..., default=str)`` writes a state as its name."""
    gauge = Gauge()
    assert json.dumps({"state": gauge.state}, default=str) == '{"state": "low"}'
