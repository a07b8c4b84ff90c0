"""Workflow definitions: the forms states and transitions take, inheritance, and errors."""

from __future__ import annotations

import enum
from typing import Literal

import pytest

import statecore
from statecore import State, Transition, Workflow, WorkflowDefinitionError
from workflows import Colour, Level, OrderFlow


def test_states_from_name_title_pairs() -> None:
    """``(name, title)`` pairs give states with those names and titles, in order."""
    assert OrderFlow.states.names() == ("draft", "placed", "paid", "shipped", "cancelled")
    assert OrderFlow.states.paid.title == "Paid"
    assert OrderFlow.states["draft"] == State("draft", "Draft")


def test_states_from_bare_names_get_capitalised_titles() -> None:
    """A bare name gives a state whose title is the name, capitalised, underscores as spaces."""

    class Flow(Workflow):
        states = ("to_do", "done")
        transitions = (("finish", "to_do", "done"),)
        initial_state = "to_do"

    assert [s.title for s in Flow.states] == ["To do", "Done"]


def test_states_from_state_objects_keep_their_options() -> None:
    """`State` objects are used as given, with their value and final flag."""

    class Flow(Workflow):
        states = (State("new", "Brand new", value=10), State("gone", final=True, value=20))
        transitions = (("drop", "new", "gone"),)
        initial_state = State("new")

    assert Flow.states.new.title == "Brand new"
    assert Flow.states.new.value == 10
    assert Flow.states.gone.final is True
    assert Flow.initial_state.name == "new"


def test_states_from_str_enum_are_named_by_value() -> None:
    """A str-valued enum gives one state per member, named by its value, with no stored value."""

    class Flow(Workflow):
        states = Colour
        transitions = (("go", "red", "green"),)
        initial_state = Colour.RED

    assert Flow.states.names() == ("red", "green")
    assert Flow.states.red.value is None
    assert Flow.states.red.title == "Red"
    assert Flow.states.green.member is Colour.GREEN
    assert Flow.initial_state.name == "red"


def test_states_from_int_enum_are_named_by_member_and_keep_value() -> None:
    """An int-valued enum names states by lower-cased member name and keeps the integer value."""

    class Flow(Workflow):
        states = Level
        transitions = (("raise_level", "low", "high"),)
        initial_state = "low"

    assert Flow.states.names() == ("low", "high")
    assert [s.value for s in Flow.states] == [1, 2]
    assert Flow.state_name(2) == "high"


def test_states_from_enum_members_listed_one_by_one() -> None:
    """Enum members may also be listed in a tuple, each becoming a state."""

    class Flow(Workflow):
        states = (Colour.RED, Colour.GREEN)
        transitions = (("go", Colour.RED.value, "green"),)
        initial_state = "red"

    assert Flow.states.names() == ("red", "green")


def test_enum_member_with_label_uses_it_as_title() -> None:
    """A member with a ``label`` (as Django choices have) gives its label as the title."""

    class Labelled(enum.Enum):
        OPEN = "open"
        SHUT = "shut"

        @property
        def label(self) -> str:
            return f"The {self.value} state"

    state = State.from_member(Labelled.OPEN)
    assert state.title == "The open state"


def test_transition_object_keeps_every_option() -> None:
    """A `Transition` keeps every option: guards, permission, on_error, chooser, custom, texts."""

    def ready(obj: object) -> bool:
        return True

    def pick(obj: object) -> str:
        return "b"

    class Flow(Workflow):
        states = ("a", "b", "c", "broken")
        transitions = (
            Transition(
                "go",
                "a",
                ("b", "c"),
                conditions=[ready, "is_ready"],
                permission="app.go",
                on_error=State("broken"),
                choose_target=pick,
                custom={"icon": "arrow"},
                label="Go on",
                description="Move along.",
            ),
        )
        initial_state = "a"

    go = Flow.transitions.go
    assert go.conditions == (ready, "is_ready")
    assert go.permission == "app.go"
    assert go.on_error == "broken"
    assert go.choose_target is pick
    assert go.custom == {"icon": "arrow"}
    assert go.label == "Go on"
    assert go.description == "Move along."
    assert go.targets == ("b", "c")
    assert go.target is None


def test_transition_defaults() -> None:
    """A plain transition has no guards or permission and a label derived from its name."""
    transition = Transition("mark_paid", State("placed"), "paid", conditions=None)
    assert transition.conditions == ()
    assert transition.permission is None
    assert transition.label == "Mark paid"
    assert transition.source == ("placed",)
    assert transition.target == "paid"
    assert repr(transition) == "Transition('mark_paid', ['placed'], 'paid')"


def test_single_condition_is_wrapped_in_a_tuple() -> None:
    """A lone condition, callable or method name, becomes a one-element tuple."""
    assert Transition("t", "a", "b", conditions="ok").conditions == ("ok",)
    assert Transition("t", "a", "b", conditions=callable).conditions == (callable,)


def test_any_source_includes_every_state() -> None:
    """Source ``"*"`` expands to every state, the target included."""

    class Flow(Workflow):
        states = ("a", "b", "c")
        transitions = (("reset", statecore.ANY, "a"),)
        initial_state = "a"

    assert Flow.transitions.reset.source == ("a", "b", "c")


def test_any_but_target_source_excludes_the_target() -> None:
    """Source ``"+"`` expands to every state but the transition's targets."""

    class Flow(Workflow):
        states = ("a", "b", "c")
        transitions = (("reset", statecore.ANY_BUT_TARGET, "a"),)
        initial_state = "a"

    assert Flow.transitions.reset.source == ("b", "c")


def test_several_targets_are_kept_in_order() -> None:
    """A transition may declare several targets; ``target`` is then None."""

    class Flow(Workflow):
        states = ("a", "b", "c")
        transitions = (("split", "a", ["c", "b"]),)
        initial_state = "a"

    assert Flow.transitions.split.targets == ("c", "b")
    assert Flow.transitions.split.target is None
    assert repr(Flow.transitions.split) == "Transition('split', ['a'], ['c', 'b'])"


def test_transition_list_api() -> None:
    """Transitions read by attribute, by key, by membership and per source state."""
    transitions = OrderFlow.transitions
    assert transitions.pay is transitions["pay"]
    assert "pay" in transitions
    assert transitions.pay in transitions
    assert Transition("pay", "draft", "paid") not in transitions
    assert 3 not in transitions
    assert len(transitions) == 4
    assert [t.name for t in transitions] == ["place", "pay", "ship", "cancel"]
    assert [t.name for t in transitions.available_from("paid")] == ["ship", "cancel"]
    assert [t.name for t in transitions.available_from(OrderFlow.states.draft)] == [
        "place",
        "cancel",
    ]
    assert transitions.available_from("shipped") == ()
    assert repr(transitions) == "TransitionList(['place', 'pay', 'ship', 'cancel'])"


def test_plain_tuple_transitions_are_built_once_on_first_use() -> None:
    """A ``(name, source, target)`` tuple becomes its Transition when first asked for, once."""

    class Flow(Workflow):
        states = ("a", "b", "c")
        transitions = (("go", "a", "b"), Transition("on", "b", "c", description="d"))
        initial_state = "a"

    kept = Flow.transitions._transitions
    assert kept["go"] == ("go", "a", "b")  # checked, not built yet
    assert isinstance(kept["on"], Transition)
    go = Flow.transitions.go
    assert go == Transition("go", "a", "b")
    assert go.label == "Go"
    assert Flow.transitions["go"] is go
    assert kept["go"] is go
    assert go in Flow.transitions
    assert [t.name for t in Flow.transitions.available_from("b")] == ["on"]


def test_subclass_keeps_its_parents_unbuilt_transitions() -> None:
    """A subclass shares the parent's checked tuples; each side builds its own on use."""

    class Parent(Workflow):
        states = ("a", "b")
        transitions = (("go", "a", "b"), ("back", "b", "a"))
        initial_state = "a"

    class Child(Parent):
        states = ("c",)
        transitions = (("jump", "b", "c"),)

    assert Child.transitions.names() == ("go", "back", "jump")
    assert [t.name for t in Child.transitions] == ["go", "back", "jump"]
    assert Child.transitions.go == Parent.transitions.go
    assert [t.name for t in Child.transitions.available_from("b")] == ["back", "jump"]


def test_plain_tuples_with_problems_are_reported_like_transitions() -> None:
    """A tuple that fails the quick check goes through the full one, which names the problem."""
    with pytest.raises(WorkflowDefinitionError) as info:

        class Flow(Workflow):
            states = ("a", "b")
            transitions = (
                ("go", "a", "b"),
                ("go", "b", "a"),
                ("class", "a", "b"),
                ("run", "a", "x"),
                ("walk", ["a"], "b"),
            )
            initial_state = "a"

    assert info.value.problems == (
        "transition 'go' is defined twice",
        "transition name 'class' is not a Python identifier; use letters, digits and "
        "underscores, not starting with a digit",
        "transition 'run' targets unknown state 'x'",
    )


def test_state_list_api() -> None:
    """States read by attribute, by key, by membership, in order."""
    states = OrderFlow.states
    assert states.paid is states["paid"]
    assert "paid" in states
    assert states.paid in states
    assert State("paid", "Other title") not in states
    assert 1 not in states
    assert len(states) == 5
    assert repr(states) == "StateList(['draft', 'placed', 'paid', 'shipped', 'cancelled'])"


def test_unknown_names_in_lists_raise_with_the_known_names() -> None:
    """Asking a state or transition list for an unknown name lists the known ones."""
    with pytest.raises(AttributeError, match="No state named 'payed'; states: draft, placed"):
        _ = OrderFlow.states.payed
    with pytest.raises(KeyError, match="No state named 'payed'"):
        _ = OrderFlow.states["payed"]
    with pytest.raises(AttributeError, match="No transition named 'pya'; transitions: place"):
        _ = OrderFlow.transitions.pya
    with pytest.raises(KeyError, match="No transition named 'pya'"):
        _ = OrderFlow.transitions["pya"]


def test_subclass_adds_states_and_transitions() -> None:
    """A subclass adds its states and transitions after its parent's."""

    class Refundable(OrderFlow):
        states = (("refunded", "Refunded"),)
        transitions = (("refund", "paid", "refunded"),)

    assert Refundable.states.names()[-1] == "refunded"
    assert Refundable.transitions.names() == ("place", "pay", "ship", "cancel", "refund")
    assert "refunded" not in OrderFlow.states


def test_subclass_overrides_by_name_and_inherits_initial_state() -> None:
    """Same-named states and transitions replace the parent's; initial_state is inherited."""

    class Strict(OrderFlow):
        states = (("paid", "Paid in full"),)
        transitions = (("cancel", "draft", "cancelled"),)

    assert Strict.states.paid.title == "Paid in full"
    assert Strict.transitions.cancel.source == ("draft",)
    assert Strict.initial_state.name == "draft"
    assert OrderFlow.transitions.cancel.source == ("draft", "placed", "paid")


def test_subclass_may_change_initial_state() -> None:
    """A subclass may set its own initial state."""

    class StartPlaced(OrderFlow):
        initial_state = "placed"

    assert StartPlaced.initial_state.name == "placed"


def test_final_states_mark_states_final() -> None:
    """Names in ``final_states`` (names or State objects) flag those states as final."""

    class Flow(OrderFlow):
        final_states = ("shipped", State("cancelled"))

    assert [s.name for s in Flow.states if s.final] == ["shipped", "cancelled"]

    class One(OrderFlow):
        final_states = "shipped"

    assert [s.name for s in One.states if s.final] == ["shipped"]


def test_abstract_workflow_base_is_not_compiled() -> None:
    """A Workflow subclass with no states, transitions or initial state is an abstract base."""

    class Base(Workflow):
        pass

    assert Base.states is None

    class Concrete(Base):
        states = ("a", "b")
        transitions = (("go", "a", "b"),)
        initial_state = "a"

    assert Concrete.states.names() == ("a", "b")


def test_workflow_draws_itself() -> None:
    """``to_mermaid()`` and ``to_dot()`` return diagram sources naming the transitions."""
    mermaid = OrderFlow.to_mermaid(current="paid")
    assert mermaid.startswith("stateDiagram-v2")
    assert "ship" in mermaid
    dot = OrderFlow.to_dot()
    assert "digraph" in dot
    assert "cancel" in dot


def test_workflow_repr_names_the_class() -> None:
    """A workflow object's repr names its class."""
    assert repr(OrderFlow()) == "<Workflow: OrderFlow>"


# -- definition errors ------------------------------------------------------------------


def _problems(**body: object) -> tuple[str, ...]:
    with pytest.raises(WorkflowDefinitionError) as info:
        type("Broken", (Workflow,), body)
    assert info.value.owner.__name__ == "Broken"  # type: ignore[union-attr]
    return info.value.problems


def test_every_definition_error_is_reported_at_once() -> None:
    """One WorkflowDefinitionError lists every problem, each with a suggestion where possible."""
    problems = _problems(
        states=("draft", "placed", "placed", "paid", "1st", "class", "pay"),
        transitions=(
            ("place", "draft", "placd"),
            ("place", "draft", "placed"),
            ("pay", "plced", "paid"),
            ("9go", "draft", "paid"),
            ("lambda", "draft", "paid"),
            Transition("fail", "draft", "paid", on_error="faild"),
        ),
        initial_state="drft",
    )
    assert problems == (
        "state 'placed' is defined twice",
        "state name '1st' is not a Python identifier; "
        "use letters, digits and underscores, not starting with a digit",
        "state name 'class' is not a Python identifier; "
        "use letters, digits and underscores, not starting with a digit",
        "transition 'place' is defined twice",
        "transition name '9go' is not a Python identifier; "
        "use letters, digits and underscores, not starting with a digit",
        "transition name 'lambda' is not a Python identifier; "
        "use letters, digits and underscores, not starting with a digit",
        "transition 'place' targets unknown state 'placd' (did you mean 'placed'?)",
        "transition 'pay' starts from unknown state 'plced' (did you mean 'placed'?)",
        "transition 'fail' has on_error='faild', which is not a state (did you mean 'paid'?)",
        "initial_state 'drft' is not a state (did you mean 'draft'?); "
        "states: draft, placed, paid, pay",
        "'pay' is both a state and a transition; rename one of them",
    )


def test_definition_error_message_lists_problems() -> None:
    """The message names the class, counts the problems and lists each on its own line."""
    with pytest.raises(WorkflowDefinitionError) as info:

        class Flow(Workflow):
            states = ("a",)
            transitions = (("go", "a", "b"),)

    message = str(info.value)
    assert message.startswith("test_definition_error_message_lists_problems.<locals>.Flow is not")
    assert "(2 problems):\n" in message
    assert "  - transition 'go' targets unknown state 'b'" in message
    assert "  - initial_state is not set; name the state new objects start in" in message


def test_empty_workflow_is_an_error() -> None:
    """A workflow with no states says so, and that initial_state is missing."""
    assert _problems(states=(), transitions=()) == (
        "the workflow has no states; set states = ((name, title), ...)",
        "initial_state is not set; name the state new objects start in",
    )


def test_missing_initial_state_is_an_error() -> None:
    """A workflow without initial_state asks for one."""
    assert _problems(states=("a",), transitions=()) == (
        "initial_state is not set; name the state new objects start in",
    )


def test_malformed_states_and_transitions_are_errors() -> None:
    """States and transitions of the wrong shape are named as such, all at once."""
    problems = _problems(
        states=("a", ("b", "B", "extra"), 5),
        transitions=(
            ("go", "a"),
            ("run", (), ()),
            ("jump", "a", ("a", "a")),
            ("walk", None, "a"),
            ("hop", 5, "a"),
        ),
        initial_state="a",
    )
    assert problems == (
        "state ('b', 'B', 'extra') is neither a name, a (name, title) pair nor a State",
        "state 5 is neither a name, a (name, title) pair nor a State",
        "transition ('go', 'a') is neither a Transition nor a (name, source, target) tuple",
        "transition 'run' has no target state",
        "transition 'run' has no source state",
        "transition 'jump' names a target twice",
        "transition 'walk' has no source state",
        "transition 'hop' starts from unknown state 5",
    )


def test_states_and_transitions_of_the_wrong_type_are_errors() -> None:
    """A string where a sequence is expected is reported, not iterated letter by letter."""
    problems = _problems(states="abc", transitions="go", initial_state="a", final_states=3)
    assert problems[0].startswith("states must be a sequence of (name, title) pairs")
    assert "final_states must be a sequence of state names; got 3" in problems
    assert any(p.startswith("transitions must be a sequence") for p in problems)


def test_unknown_final_state_is_an_error() -> None:
    """final_states naming an unknown state is reported with a suggestion."""
    assert _problems(
        states=("a", "done"),
        transitions=(("go", "a", "done"),),
        initial_state="a",
        final_states=("dne",),
    ) == ("final_states names unknown state 'dne' (did you mean 'done'?)",)


def test_unknown_source_without_close_match_has_no_suggestion() -> None:
    """When no name is close, the problem carries no "did you mean"."""
    assert _problems(
        states=("alpha", "beta"), transitions=(("go", "zzz", "beta"),), initial_state="alpha"
    ) == ("transition 'go' starts from unknown state 'zzz'",)


def test_definition_error_for_a_named_owner() -> None:
    """The error also accepts a label in place of a class, and counts one problem singly."""
    error = WorkflowDefinitionError("Order.state", ["bad"])
    assert str(error) == "Order.state is not a valid definition (1 problem):\n  - bad"
    assert error.owner == "Order.state"


def test_state_names_listed_as_a_type_parameter_are_checked() -> None:
    """``Workflow[Literal[...]]`` must list exactly the states: extra and missing names."""
    with pytest.raises(WorkflowDefinitionError) as info:

        class Flow(Workflow[Literal["draft", "piad", 3]]):
            states = ("draft", "paid", "void")
            transitions = (("pay", "draft", "paid"),)
            initial_state = "draft"

    assert info.value.problems == (
        "the type parameter Literal[...] names 'piad', which is not a state "
        "(did you mean 'paid'?); states: draft, paid, void",
        "the type parameter Literal[...] names 3, which is not a state; states: draft, paid, void",
        "the type parameter Literal[...] leaves out states 'paid', 'void'; list every state "
        "name there (a subclass that adds states lists them all again)",
    )


def test_state_names_listed_as_a_type_parameter_bind_subclasses() -> None:
    """A subclass keeps its parent's list unless it lists its own; adding states needs one."""

    class Flow(Workflow[Literal["draft", "paid"]]):
        states = ("draft", "paid")
        transitions = (("pay", "draft", "paid"),)
        initial_state = "draft"

    class Same(Flow):
        transitions = (("undo", "paid", "draft"),)

    class Wider(Flow, Workflow[Literal["draft", "paid", "void"]]):
        states = ("void",)

    assert Same.states.names() == ("draft", "paid")
    assert Wider.states.names() == ("draft", "paid", "void")
    with pytest.raises(WorkflowDefinitionError, match="leaves out state 'void'; list every"):

        class Narrow(Flow):
            states = ("void",)


def test_a_type_parameter_that_lists_no_names_is_not_checked() -> None:
    """``Workflow[str]`` (or no parameter) leaves the names to the states."""

    class Flow(Workflow[str]):
        states = ("draft", "paid")
        transitions = (("pay", "draft", "paid"),)
        initial_state = "draft"

    assert Flow.get_state("paid").name == "paid"
