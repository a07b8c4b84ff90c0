"""The helpers of `statecore.testing`: setting states, availability assertions, strategies."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from statecore import (
    InvalidStateError,
    InvalidTransitionError,
    ProtectedStateError,
    TransitionPermissionDenied,
    UnknownTransitionError,
    Workflow,
    WorkflowEnabled,
)
from statecore.testing import (
    assert_available,
    assert_not_available,
    assert_transition,
    available_names,
    set_state,
    walks,
    workflows,
)
from workflows import Order, OrderFlow, RecordingUser, ReviewFlow, Room, Ticket

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- set_state -------------------------------------------------------------------------------


def test_set_state_runs_no_transition_or_hook() -> None:
    """set_state moves the object without calling implementations or hooks."""
    ticket = Ticket()
    set_state(ticket, "closed")
    assert ticket.state == "closed"
    assert ticket.history == []
    assert ticket.assignee is None


def test_set_state_overrides_a_protected_state() -> None:
    """A protected state refuses assignment, but set_state still sets it."""
    ticket = Ticket()
    ticket.assign("ann")
    with pytest.raises(ProtectedStateError):
        ticket.state = "open"
    set_state(ticket, "open")
    assert ticket.state == "open"


def test_set_state_rejects_an_unknown_state() -> None:
    """A value that is not a state raises InvalidStateError and leaves the state alone."""
    order = Order()
    set_state(order, "paid")
    with pytest.raises(InvalidStateError, match="'shiped' is not a state of OrderFlow") as caught:
        set_state(order, "shiped")
    assert "did you mean 'shipped'" in str(caught.value)
    assert order.state == "paid"


def test_set_state_accepts_state_objects() -> None:
    """A `State` is accepted as well as a name."""
    order = Order()
    set_state(order, OrderFlow.states.shipped)
    assert order.state == "shipped"


def test_set_state_needs_a_field_when_there_are_several_workflows() -> None:
    """With two workflows, set_state without field= says which fields exist."""
    room = Room()
    with pytest.raises(ValueError, match=r"several workflows \(door, light\); say which"):
        set_state(room, "open")
    set_state(room, "open", field="door")
    assert (room.door, room.light) == ("open", "off")


def test_set_state_rejects_an_unknown_field() -> None:
    """An unknown field is refused with the list of fields and a suggestion."""
    with pytest.raises(ValueError, match=r"'dor' is not a workflow .*did you mean 'door'"):
        set_state(Room(), "open", field="dor")


def test_set_state_refuses_an_object_without_workflow() -> None:
    """An object whose class carries no workflow gets a TypeError saying what is needed."""
    with pytest.raises(TypeError, match="carries no workflow"):
        set_state(object(), "open")


# -- available_names -------------------------------------------------------------------------


def test_available_names_lists_transitions_in_definition_order() -> None:
    """available_names gives what can run now, in the order the workflow defines them."""
    order = Order()
    assert available_names(order) == ["place", "cancel"]
    set_state(order, "shipped")
    assert available_names(order) == []


def test_available_names_checks_conditions_and_permissions() -> None:
    """Unmet conditions hide a transition; with user=, so does a missing permission."""
    ticket = Ticket()
    set_state(ticket, "assigned")
    assert available_names(ticket) == []
    ticket.resolved = True
    assert available_names(ticket) == ["close"]
    assert available_names(ticket, user=RecordingUser("bob")) == []
    assert available_names(ticket, user=RecordingUser("ann", "tickets.close")) == ["close"]


def test_available_names_per_field() -> None:
    """With several workflows, field= restricts the list to one of them."""
    room = Room()
    assert available_names(room) == ["open_door", "switch"]
    assert available_names(room, field="light") == ["switch"]


# -- assert_available / assert_not_available -------------------------------------------------


def test_assert_available_passes_when_every_name_is_available() -> None:
    """No error when all the named transitions can run; exact=True checks the whole set."""
    order = Order()
    assert_available(order, "place")
    assert_available(order, "cancel", "place", exact=True)


def test_assert_available_failure_lists_expected_actual_and_reasons() -> None:
    """The message names the state, what was expected, what is available and why not."""
    ticket = Ticket(pk=7)
    set_state(ticket, "assigned")
    with pytest.raises(AssertionError) as caught:
        assert_available(ticket, "close", "reopen", user=RecordingUser("bob"))
    message = str(caught.value)
    assert message.splitlines()[:3] == [
        "expected available on Ticket #7: close, reopen",
        "state: 'assigned'",
        "actually available: none",
    ]
    assert "close: condition 'is_resolved' is not met" in message
    assert "permission 'tickets.close' is required" in message
    assert "reopen: not available from state 'assigned'; it starts from closed" in message


def test_assert_available_exact_reports_the_extra_transitions() -> None:
    """With exact=True, a transition available but not named fails the assertion."""
    with pytest.raises(AssertionError, match=r"not expected \(exact=True\): cancel"):
        assert_available(Order(), "place", exact=True)


def test_assert_available_exact_with_no_names_asserts_nothing_is_available() -> None:
    """exact=True and no names passes only in a state with no way out."""
    order = Order()
    with pytest.raises(AssertionError, match="actually available: place, cancel"):
        assert_available(order, exact=True)
    set_state(order, "cancelled")
    assert_available(order, exact=True)


def test_assert_available_needs_a_name() -> None:
    """Calling it with no name and no exact=True is a mistake, reported as TypeError."""
    with pytest.raises(TypeError, match="at least one transition name"):
        assert_available(Order())


def test_assert_available_rejects_an_unknown_transition() -> None:
    """A name that is not a transition raises UnknownTransitionError with a suggestion."""
    with pytest.raises(UnknownTransitionError, match=r"no transition 'shipp' \(did you mean"):
        assert_available(Order(), "shipp")


def test_assert_available_rejects_a_name_that_is_not_a_string() -> None:
    """Passing a transition object instead of its name is a TypeError that shows the value."""
    with pytest.raises(TypeError, match="transition names must be strings"):
        assert_available(Order(), OrderFlow.transitions.place)  # type: ignore[arg-type]


def test_assert_available_with_field_rejects_another_workflows_transition() -> None:
    """field= restricts the names: a transition of another field is unknown there."""
    room = Room()
    assert_available(room, "switch", field="light")
    with pytest.raises(UnknownTransitionError, match="no transition 'open_door' in field 'light'"):
        assert_available(room, "open_door", field="light")


def test_assert_not_available_passes_when_no_name_is_available() -> None:
    """No error when none of the named transitions can run."""
    assert_not_available(Order(), "pay", "ship")


def test_assert_not_available_failure_names_the_available_ones() -> None:
    """The message says which of the named transitions are available after all."""
    order = Order(pk=3)
    set_state(order, "placed")
    with pytest.raises(AssertionError) as caught:
        assert_not_available(order, "ship", "pay")
    assert str(caught.value).splitlines() == [
        "expected not available on Order #3: ship, pay",
        "state: 'placed'",
        "actually available: pay, cancel",
        "  available, not expected: pay",
    ]


def test_assert_not_available_checks_the_permission_with_a_user() -> None:
    """A transition the user may not run counts as not available for that user."""
    ticket = Ticket()
    set_state(ticket, "assigned")
    ticket.resolved = True
    assert_not_available(ticket, "close", user=RecordingUser("bob"))
    with pytest.raises(AssertionError, match="available, not expected: close"):
        assert_not_available(ticket, "close", user=RecordingUser("ann", "tickets.close"))


def test_assert_not_available_needs_a_name() -> None:
    """Calling it with no name is a mistake, reported as TypeError."""
    with pytest.raises(TypeError, match="at least one transition name"):
        assert_not_available(Order())


def test_multi_workflow_messages_name_each_field() -> None:
    """On a class with several workflows, the message gives the state of each field."""
    with pytest.raises(AssertionError, match=r"state: door='closed', light='off'"):
        assert_available(Room(), "close", "reset")


# -- assert_transition -----------------------------------------------------------------------


def test_assert_transition_runs_it_and_returns_the_result() -> None:
    """The transition runs with its arguments, hooks included, and its result is returned."""
    ticket = Ticket()
    assert assert_transition(ticket, "assign", "ann", to="assigned") == "nobody"
    assert ticket.assignee == "ann"
    assert ticket.history == ["assign"]


def test_assert_transition_fails_when_the_state_differs() -> None:
    """Ending in another state raises AssertionError naming both states."""
    order = Order(pk=5)
    set_state(order, "placed")
    with pytest.raises(AssertionError) as caught:
        assert_transition(order, "pay", to="shipped")
    assert str(caught.value) == (
        "transition 'pay' of Order #5 went from 'placed' to 'paid'; expected 'shipped'"
    )


def test_assert_transition_checks_the_target_before_running() -> None:
    """A `to` that is not a state raises InvalidStateError and runs nothing."""
    order = Order()
    with pytest.raises(InvalidStateError, match="'plaaced' is not a state"):
        assert_transition(order, "place", to="plaaced")
    assert order.state == "draft"


def test_assert_transition_rejects_an_unknown_transition() -> None:
    """A misspelt transition name raises UnknownTransitionError before anything runs."""
    with pytest.raises(UnknownTransitionError, match="did you mean 'place'"):
        assert_transition(Order(), "plaec", to="placed")


def test_assert_transition_lets_transition_errors_through() -> None:
    """A transition that cannot run raises its own exception, unchanged."""
    with pytest.raises(InvalidTransitionError, match="'ship' is not available"):
        assert_transition(Order(), "ship", to="shipped")


def test_assert_transition_as_user_checks_the_permission() -> None:
    """With user=, the transition runs as that user and the permission is enforced."""
    ticket = Ticket()
    set_state(ticket, "assigned")
    ticket.resolved = True
    with pytest.raises(TransitionPermissionDenied):
        assert_transition(ticket, "close", to="closed", user=RecordingUser("bob"))
    assert ticket.state == "assigned"
    assert_transition(ticket, "close", to="closed", user=RecordingUser("ann", "tickets.close"))


def test_assert_transition_finds_transitions_of_any_field() -> None:
    """On a class with several workflows, the transition's own field is checked."""
    room = Room()
    assert_transition(room, "switch", to="on")
    assert (room.door, room.light) == ("closed", "on")


# -- walks -------------------------------------------------------------------------------------


@FAST
@given(walk=walks(OrderFlow))
def test_walks_are_legal_from_the_initial_state(walk: list[str]) -> None:
    """Every walk runs from a fresh object without an error."""
    order = Order()
    for name in walk:
        getattr(order, name)()


@FAST
@given(walk=walks(Order, max_steps=3))
def test_walks_respect_max_steps(walk: list[str]) -> None:
    """No walk is longer than max_steps, and a host class is accepted in place of a workflow."""
    assert len(walk) <= 3
    assert set(walk) <= set(OrderFlow.transitions.names())


def test_walks_with_illegal_steps_include_unavailable_names() -> None:
    """include_illegal produces walks with a name not available at that point."""

    def has_illegal(walk: list[str]) -> bool:
        order = Order()
        for name in walk:
            if not getattr(order, name).is_available():
                return True
            getattr(order, name)()
        return False

    assert has_illegal(find(walks(OrderFlow, include_illegal=True), has_illegal))


def test_walks_without_illegal_steps_never_include_them() -> None:
    """Without include_illegal no walk ever has an unavailable step."""

    @FAST
    @given(walk=walks(OrderFlow))
    def check(walk: list[str]) -> None:
        order = Order()
        for name in walk:
            assert getattr(order, name).is_available()
            getattr(order, name)()

    check()


@FAST
@given(walk=walks(ReviewFlow))
def test_walks_end_after_a_multi_target_transition(walk: list[str]) -> None:
    """A transition with several targets can only be the last step of a walk."""
    assert "decide" not in walk[:-1]


@FAST
@given(walk=walks(OrderFlow, start="paid"))
def test_walks_start_from_the_given_state(walk: list[str]) -> None:
    """start= makes walks begin in that state."""
    if walk:
        assert walk[0] in ("ship", "cancel")


@FAST
@given(walk=walks(Room, field="light", max_steps=4))
def test_walks_of_one_field_of_a_host(walk: list[str]) -> None:
    """field= picks the workflow of a host with several."""
    assert walk == ["switch", "reset", "switch", "reset"][: len(walk)]


def test_walks_need_a_field_for_several_workflows() -> None:
    """A host with several workflows and no field= is refused with the field names."""
    with pytest.raises(ValueError, match="several workflows"):
        walks(Room)


@FAST
@given(walk=walks(OrderFlow(), max_steps=2))
def test_walks_accept_a_workflow_instance(walk: list[str]) -> None:
    """A workflow object (as put on a host class) works like its class."""
    assert len(walk) <= 2
    if walk:
        assert walk[0] in ("place", "cancel")


def test_walks_refuse_a_negative_length() -> None:
    """max_steps below zero is refused at once."""
    with pytest.raises(ValueError, match="max_steps must be 0 or more; got -1"):
        walks(OrderFlow, max_steps=-1)


def test_walks_refuse_what_is_not_a_workflow() -> None:
    """Something that is neither a workflow nor a host class raises TypeError."""
    with pytest.raises(TypeError, match="expected a Workflow class"):
        walks("OrderFlow")
    with pytest.raises(TypeError, match="abstract workflow"):
        walks(Workflow)


# -- workflows -------------------------------------------------------------------------------


@FAST
@given(flow=workflows(min_states=2, max_states=4, max_transitions=5))
def test_workflows_are_valid_workflow_classes(flow: type[Workflow]) -> None:
    """Drawn workflows compiled without error, within the requested bounds, and bind."""
    assert issubclass(flow, Workflow)
    assert 2 <= len(flow.states) <= 4
    assert len(flow.transitions) <= 5
    assert flow.initial_state in flow.states
    host = type("Host", (WorkflowEnabled,), {"state": flow()})
    assert host().state == flow.initial_state.name


@FAST
@given(data=st.data(), flow=workflows())
def test_walks_over_drawn_workflows_run(data: st.DataObject, flow: type[Workflow]) -> None:
    """The two strategies compose: a walk over a drawn workflow runs without error."""
    host = type("Host", (WorkflowEnabled,), {"state": flow()})
    obj = host()
    for name in data.draw(walks(flow)):
        getattr(obj, name)()


def test_workflows_can_have_several_targets() -> None:
    """multi_target=True draws transitions with several targets."""
    flow = find(
        workflows(multi_target=True), lambda f: any(t.target is None for t in f.transitions)
    )
    assert any(len(t.targets) > 1 for t in flow.transitions)


def test_workflows_use_wildcards_only_when_asked() -> None:
    """Only a wildcard gives an empty source ("+" into the only state); wildcards=False never."""
    flow = find(workflows(max_states=1), lambda f: any(not t.source for t in f.transitions))
    assert flow.states.names() == ("s0",)

    @FAST
    @given(flow=workflows(wildcards=False, max_states=1))
    def check(flow: type[Workflow]) -> None:
        assert all(t.source == ("s0",) for t in flow.transitions)

    check()


def test_workflows_bounds_are_checked() -> None:
    """Impossible bounds are refused at once."""
    with pytest.raises(ValueError, match="min_states"):
        workflows(min_states=0)


# -- optional dependencies -------------------------------------------------------------------


def test_module_imports_without_hypothesis_or_pytest() -> None:
    """statecore.testing imports and works with hypothesis and pytest blocked."""
    script = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("hypothesis", "pytest", "_pytest"):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import statecore
        from statecore.testing import available_names, set_state, walks

        class Flow(statecore.Workflow):
            states = ("a", "b")
            transitions = (("go", "a", "b"),)
            initial_state = "a"

        class Host(statecore.WorkflowEnabled):
            state = Flow()

        host = Host()
        set_state(host, "b")
        assert available_names(host) == []
        try:
            walks(Flow)
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "pip install hypothesis" in done.stdout


def test_strategies_explain_a_missing_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without hypothesis, the strategies raise ImportError with the install command."""
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match=r"workflows\(\) .* pip install hypothesis"):
        workflows()
