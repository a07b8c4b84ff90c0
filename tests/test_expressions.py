"""Expression conditions: CEL compiled at definition time, evaluated per call, shown by why-not."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

import statecore
from statecore import (
    Expression,
    ExpressionError,
    Transition,
    Workflow,
    WorkflowDefinitionError,
    WorkflowEnabled,
    current_context,
    expression_context,
)


class PaymentFlow(Workflow):
    states = ("pending", "approved", "manual")
    transitions = (
        Transition("approve", "pending", "approved", conditions=["obj.amount <= 100"]),
        Transition("escalate", "pending", "manual", conditions=["payment.flagged == true"]),
    )
    initial_state = "pending"


class Payment(WorkflowEnabled):
    state = PaymentFlow()

    def __init__(self, amount: Any) -> None:
        self.amount = amount


def test_string_condition_that_is_not_a_name_is_an_expression() -> None:
    """A class-defined transition's non-identifier string condition compiles to an Expression."""
    (condition,) = PaymentFlow.transitions.approve.conditions
    assert isinstance(condition, Expression)
    assert condition.text == "obj.amount <= 100"


def test_expression_reads_the_object_attributes() -> None:
    """``obj`` is the object: the condition holds or not by its attributes."""
    assert Payment(80).approve.is_available()  # type: ignore[attr-defined]
    assert not Payment(180).approve.is_available()  # type: ignore[attr-defined]
    assert Payment(Decimal("99.5")).approve.is_available()  # type: ignore[attr-defined]


def test_why_not_shows_the_expression_text() -> None:
    """explain() names an unmet expression by its text."""
    availability = Payment(500).approve.explain()  # type: ignore[attr-defined]
    (reason,) = availability.reasons
    assert reason.kind == "condition"
    assert reason.name == "obj.amount <= 100"
    assert reason.message == "condition 'obj.amount <= 100' is not met"


def test_refused_call_names_the_expression() -> None:
    """Calling the transition while its expression is false raises ForbiddenTransition naming it."""
    payment = Payment(500)
    with pytest.raises(statecore.ForbiddenTransition, match=r"obj.amount <= 100"):
        payment.approve()  # type: ignore[attr-defined]
    assert payment.state == "pending"


def test_context_data_is_seen_inside_expression_context() -> None:
    """A direct call sees the context data given by an expression_context block."""
    payment = Payment(5)
    with expression_context({"payment": {"flagged": True}}) as data:
        assert current_context() is data
        payment.escalate()  # type: ignore[attr-defined]
    assert payment.state == "manual"
    assert dict(current_context()) == {}


def test_expression_contexts_nest_and_restore() -> None:
    """The innermost block wins; leaving it restores the outer data."""
    flagged = Payment(5)
    with expression_context({"payment": {"flagged": False}}):
        with expression_context({"payment": {"flagged": True}}):
            assert flagged.escalate.is_available()  # type: ignore[attr-defined]
        assert not flagged.escalate.is_available()  # type: ignore[attr-defined]


def test_missing_variable_is_an_error_not_a_no() -> None:
    """An expression over data that is not given raises ExpressionError naming it."""
    with pytest.raises(ExpressionError, match="undeclared reference to 'payment'") as caught:
        Payment(5).escalate.is_available()  # type: ignore[attr-defined]
    assert caught.value.expression == "payment.flagged == true"


def test_expression_that_gives_no_bool_is_never_a_yes() -> None:
    """An expression giving a number raises ExpressionError instead of being taken as true."""
    expression = Expression("obj.amount + 1")
    with pytest.raises(ExpressionError, match="not true or false"):
        expression(Payment(5))


def test_evaluate_takes_explicit_context_and_values_convert() -> None:
    """evaluate() with a context converts lists, maps, objects, dates and enums."""

    @dataclass
    class Customer:
        tier: str
        tags: list[str]

    expression = Expression("'vip' in customer.tags && customer.tier == 'gold' && size(items) == 2")
    context = {"customer": Customer("gold", ["vip"]), "items": (1, 2)}
    assert expression.evaluate(object(), context) is True
    assert expression.evaluate(object(), dict(context, items=[1])) is False


def test_private_attributes_are_not_visible() -> None:
    """An expression cannot read attributes starting with an underscore."""
    expression = Expression("has(obj._secret)")
    holder = Payment(1)
    holder._secret = 1  # type: ignore[attr-defined]
    assert expression(holder) is False


@pytest.mark.parametrize("bad", [{"obj": 1}, {1: 2}, ["a"]])
def test_context_data_is_checked(bad: Any) -> None:
    """Context data must be a mapping of names, and may not redefine ``obj``."""
    with pytest.raises(TypeError), expression_context(bad):
        pass  # pragma: no cover


def test_syntax_error_is_a_definition_error() -> None:
    """A class whose expression does not compile is refused when it is created."""
    with pytest.raises(WorkflowDefinitionError) as caught:

        class Broken(Workflow):
            states = ("a", "b")
            transitions = (Transition("go", "a", "b", conditions=["obj.x >"]),)
            initial_state = "a"

    (problem,) = caught.value.problems
    assert problem.startswith("transition 'go' condition 0: expression 'obj.x >' is not valid CEL")


def test_empty_expression_is_refused() -> None:
    """Expression('') raises ExpressionError saying an expression is a non-empty string."""
    with pytest.raises(ExpressionError, match="non-empty string"):
        Expression("  ")


def test_method_name_condition_is_still_a_method() -> None:
    """A string condition that is an identifier still names a method of the host."""

    class Flow(Workflow):
        states = ("a", "b")
        transitions = (Transition("go", "a", "b", conditions=["ready"]),)
        initial_state = "a"

    class Host(WorkflowEnabled):
        state = Flow()
        ready_now = False

        def ready(self) -> bool:
            return self.ready_now

    assert not Host().go.is_available()  # type: ignore[attr-defined]


def test_context_follows_asyncio_tasks() -> None:
    """An awaitable transition evaluates its expression with the context in effect."""

    async def run() -> bool:
        with expression_context({"payment": {"flagged": True}}):
            return await Payment(5).escalate.ais_available()  # type: ignore[attr-defined]

    assert asyncio.run(run()) is True


def test_missing_extra_gives_the_pip_hint() -> None:
    """Without cel-python, statecore imports and an expression raises ImportError with the hint."""
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "celpy":
                    raise ImportError(name + " is blocked")
                return None

        sys.meta_path.insert(0, Block())
        import statecore
        try:
            class Flow(statecore.Workflow):
                states = ("a", "b")
                transitions = (statecore.Transition("go", "a", "b", conditions=["x > 1"]),)
                initial_state = "a"
        except ImportError as exc:
            print(exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'statecore[cel]'" in result.stdout


def test_threads_see_their_own_context() -> None:
    """Each thread evaluates the shared compiled expression with the context it set."""
    from concurrent.futures import ThreadPoolExecutor

    def verdicts(flagged: bool) -> set[bool]:
        payment = Payment(5)
        with expression_context({"payment": {"flagged": flagged}}):
            return {payment.escalate.is_available() for _ in range(50)}  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(verdicts, [True, False] * 8))
    assert results == [{True}, {False}] * 8


def test_variables_never_outlive_their_evaluation() -> None:
    """A variable given to one evaluation is unknown to the next one that does not give it."""
    expression = Expression("payment.flagged == true")
    assert expression.evaluate(object(), {"payment": {"flagged": True}}) is True
    with pytest.raises(ExpressionError, match="undeclared reference to 'payment'"):
        expression.evaluate(object(), {})
