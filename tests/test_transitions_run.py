"""Running transitions: arguments, results, failures, logging and runtime-chosen targets."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import statecore
from statecore import (
    AbortTransition,
    InvalidTargetError,
    InvalidTransitionError,
    Transition,
    Workflow,
    WorkflowEnabled,
    transition,
)
from workflows import Order, OrderFlow, ReviewFlow


class Shop(WorkflowEnabled):
    """An order host whose implementations record their calls."""

    state = OrderFlow()

    def __init__(self) -> None:
        self.calls: list[Any] = []

    @transition()
    def pay(self, amount: int, *, currency: str = "EUR") -> str:
        self.calls.append(("pay", amount, currency))
        return f"{amount} {currency}"

    @transition()
    def ship(self) -> None:
        msg = "the carrier is closed"
        raise RuntimeError(msg)


def _placed_shop() -> Shop:
    shop = Shop()
    shop.place()
    return shop


def test_arguments_reach_the_implementation() -> None:
    """Positional and keyword arguments of the call are passed to the implementation."""
    shop = _placed_shop()
    shop.pay(10, currency="USD")
    assert shop.calls == [("pay", 10, "USD")]


def test_call_returns_the_implementation_result() -> None:
    """The call returns what the implementation returned."""
    assert _placed_shop().pay(5) == "5 EUR"


def test_transition_moves_to_the_target() -> None:
    """After the call, the object is in the transition's target state."""
    shop = _placed_shop()
    shop.pay(5)
    assert shop.state == "paid"


def test_unavailable_transition_raises_and_leaves_the_state() -> None:
    """A transition not available from the current state raises InvalidTransitionError."""
    shop = Shop()
    with pytest.raises(InvalidTransitionError):
        shop.pay(5)
    assert shop.state == "draft"
    assert shop.calls == []


def test_exception_in_implementation_leaves_the_state_unchanged() -> None:
    """When the implementation raises, the error propagates and the state does not change."""
    shop = _placed_shop()
    shop.pay(1)
    with pytest.raises(RuntimeError, match="the carrier is closed"):
        shop.ship()
    assert shop.state == "paid"


def test_abort_transition_from_implementation_leaves_the_state_unchanged() -> None:
    """An implementation raising AbortTransition cancels the transition; the state stays."""

    class Careful(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> None:
            raise AbortTransition("not today")

    careful = Careful()
    with pytest.raises(AbortTransition, match="not today"):
        careful.place()
    assert careful.state == "draft"


class Reviewed(WorkflowEnabled):
    """A review whose ``crash`` fails into its on_error state."""

    state = ReviewFlow()

    @transition()
    def decide(self, verdict: object) -> object:
        return verdict

    @transition()
    def crash(self) -> None:
        msg = "boom"
        raise ValueError(msg)


def test_on_error_enters_the_error_state_and_reraises() -> None:
    """When the implementation raises, on_error's state is entered and the error re-raised,
    with a note saying so."""
    review = Reviewed()
    with pytest.raises(ValueError, match="boom") as info:
        review.crash()
    assert review.state == "failed"
    if sys.version_info >= (3, 11):
        assert info.value.__notes__ == [
            "statecore: Reviewed entered state 'failed' (on_error of transition 'crash')."
        ]


def test_on_error_state_is_logged() -> None:
    """Entering the on_error state goes through log_transition, like any state change."""
    logged: list[tuple[str, str]] = []

    class Flow(ReviewFlow):
        def log_transition(
            self, transition: Transition, from_state: Any, instance: Any, *a: Any, **kw: Any
        ) -> None:
            logged.append((transition.name, from_state.name))

    class Host(WorkflowEnabled):
        state = Flow()

        @transition()
        def crash(self) -> None:
            raise KeyError("x")

    host = Host()
    with pytest.raises(KeyError):
        host.crash()
    assert host.state == "failed"
    assert logged == [("crash", "pending")]


def test_on_error_does_not_apply_when_the_state_already_moved() -> None:
    """If the implementation moved the object before failing, on_error does not override it."""

    class Host(WorkflowEnabled):
        state = ReviewFlow()

        @transition()
        def crash(self) -> None:
            self.decide("rejected")
            msg = "after moving"
            raise ValueError(msg)

        @transition()
        def decide(self, verdict: str) -> str:
            return verdict

    host = Host()
    with pytest.raises(ValueError, match="after moving"):
        host.crash()
    assert host.state == "rejected"


def test_failing_log_restores_the_state() -> None:
    """If log_transition raises, the state is restored to the source and the error propagates."""

    class Flow(OrderFlow):
        def log_transition(
            self, transition: Transition, from_state: Any, instance: Any, *a: Any, **kw: Any
        ) -> None:
            msg = "log store is down"
            raise OSError(msg)

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    with pytest.raises(OSError, match="log store is down"):
        host.place()
    assert host.state == "draft"


def test_log_transition_receives_the_call() -> None:
    """log_transition gets the transition, the source State, the object and the arguments."""
    logged: list[Any] = []

    class Flow(OrderFlow):
        def log_transition(
            self, transition: Transition, from_state: Any, instance: Any, *a: Any, **kw: Any
        ) -> None:
            logged.append((transition.name, from_state, instance.state.name, a, kw))

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    host.place(1, reason="asked")
    assert logged == [("place", OrderFlow.states.draft, "placed", (1,), {"reason": "asked"})]


def test_failing_enter_hook_leaves_the_new_state_and_says_so() -> None:
    """An enter/after hook failure propagates; the state stays new and the error carries a note."""

    class Host(WorkflowEnabled):
        state = OrderFlow()

        @statecore.after_transition("place")
        def notify(self, result: object) -> None:
            msg = "mail server down"
            raise ConnectionError(msg)

    host = Host()
    with pytest.raises(ConnectionError) as info:
        host.place()
    assert host.state == "placed"
    if sys.version_info >= (3, 11):
        assert info.value.__notes__ == [
            "statecore: transition 'place' of Host was applied (state is now 'placed'); "
            "an enter/after hook then failed."
        ]


def test_multi_target_chosen_by_return_value() -> None:
    """A multi-target transition goes to the target its implementation returns."""
    review = Reviewed()
    assert review.decide("rejected") == "rejected"
    assert review.state == "rejected"


def test_multi_target_accepts_a_state_object() -> None:
    """The implementation may return a State (or wrapper) instead of a name."""
    review = Reviewed()
    review.decide(ReviewFlow.states.accepted)
    assert review.state == "accepted"


def test_multi_target_chosen_by_choose_target() -> None:
    """``choose_target`` is called with the object and the arguments and picks the target."""

    def by_score(instance: object, score: int) -> str:
        return "accepted" if score >= 5 else "rejected"

    class Flow(Workflow):
        states = ("pending", "accepted", "rejected")
        transitions = (
            Transition("grade", "pending", ("accepted", "rejected"), choose_target=by_score),
        )
        initial_state = "pending"

    class Exam(WorkflowEnabled):
        state = Flow()

    exam = Exam()
    exam.grade(7)
    assert exam.state == "accepted"
    other = Exam()
    other.grade(2)
    assert other.state == "rejected"


def test_undeclared_target_raises_invalid_target_and_leaves_the_state() -> None:
    """Returning a state that is not a declared target raises InvalidTargetError."""
    review = Reviewed()
    with pytest.raises(InvalidTargetError) as info:
        review.decide("failed")
    assert info.value.target == "failed"
    assert info.value.targets == ("accepted", "rejected")
    assert review.state == "pending"


def test_unknown_target_value_raises_invalid_target() -> None:
    """Returning something that is not a state at all raises InvalidTargetError too."""
    review = Reviewed()
    with pytest.raises(InvalidTargetError, match="the implementation returned None"):
        review.decide(None)
    assert review.state == "pending"


def test_noop_multi_target_without_chooser_raises_invalid_target() -> None:
    """A multi-target transition with no implementation and no chooser cannot pick a target."""

    class Host(WorkflowEnabled):
        state = ReviewFlow()

    with pytest.raises(InvalidTargetError):
        Host().decide()


def test_choose_target_outside_the_targets_is_named() -> None:
    """A chooser's bad choice says that choose_target returned it."""

    class Flow(Workflow):
        states = ("a", "b", "c")
        transitions = (Transition("go", "a", ("b", "c"), choose_target=lambda obj: "a"),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()

    with pytest.raises(InvalidTargetError, match="choose_target returned 'a'"):
        Host().go()


def test_transition_from_any_state() -> None:
    """A ``"*"`` transition runs from every state, the target included."""

    class Flow(OrderFlow):
        transitions = (("reset", "*", "draft"),)

    class Host(WorkflowEnabled):
        state = Flow()

    host = Host()
    host.reset()
    assert host.state == "draft"
    host.state = "shipped"
    host.reset()
    assert host.state == "draft"


def test_self_loop_transition_keeps_the_state_and_runs_hooks() -> None:
    """A transition whose target is its source runs its hooks and stays in the state."""
    calls: list[str] = []

    class Flow(OrderFlow):
        transitions = (("touch", "draft", "draft"),)

    class Host(WorkflowEnabled):
        state = Flow()

        @statecore.on_enter_state("draft")
        def entered(self, result: object) -> None:
            calls.append("entered")

    Host().touch()
    assert calls == ["entered"]


def test_hookless_noop_transition_still_validates_the_source() -> None:
    """A plain no-op transition (nothing to run) refuses to run from a wrong state."""
    order = Order()
    order.place()
    with pytest.raises(InvalidTransitionError):
        order.place()
    assert order.state == "placed"


def test_refusing_guard_runs_once_and_is_the_first_reason() -> None:
    """A guard that refuses is not run again to explain the refusal: it is the first reason."""

    class GateFlow(statecore.Workflow):
        states = ("draft", "placed")
        transitions = (statecore.Transition("place", "draft", "placed", conditions="flaky"),)
        initial_state = "draft"

    class Gate(statecore.WorkflowEnabled):
        state = GateFlow()
        calls = 0

        def flaky(self) -> bool:
            type(self).calls += 1
            return type(self).calls > 1  # refuses once, would pass if asked again

    gate = Gate()
    with pytest.raises(statecore.ForbiddenTransition) as caught:
        gate.place()
    assert Gate.calls == 1
    assert [reason.name for reason in caught.value.reasons] == ["flaky"]
    assert str(caught.value).endswith("condition 'flaky' is not met")


def test_call_arguments_may_be_named_like_log_transition_parameters() -> None:
    """Keyword arguments named transition, from_state or instance reach a custom log."""
    seen = []

    class LoggedFlow(OrderFlow):
        def log_transition(self, transition, from_state, instance, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append((transition.name, from_state.name, kwargs))

    class Ticket(statecore.WorkflowEnabled):
        state = LoggedFlow()

    Ticket().place(transition="urgent", instance=3)
    assert seen == [("place", "draft", {"transition": "urgent", "instance": 3})]


def test_stub_implementation_runs_like_a_generated_no_op() -> None:
    """A decorated stub (body ``...``), the typed way to declare a transition, does nothing.

    It moves the state, returns None, runs the hooks and still refuses a wrong source
    state, exactly as the no-op statecore generates for a transition without one.
    """
    calls: list[str] = []

    class Typed(WorkflowEnabled):
        state = OrderFlow()

        @transition()
        def place(self) -> None: ...

        @statecore.after_transition("place")
        def placed(self, result: None) -> None:
            calls.append(f"after: {result}")

    order = Typed()
    assert order.place() is None
    assert order.state == "placed"
    assert calls == ["after: None"]
    with pytest.raises(InvalidTransitionError):
        order.place()
    assert order.state == "placed"
