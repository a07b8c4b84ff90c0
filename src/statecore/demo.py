"""A walk through an order workflow: what ``python -m statecore demo`` runs.

The module is also an example to read: `OrderFlow` declares the workflow, `Order` puts it
on a plain class with guards, an ``on_error`` state and hooks that say what they do, and
`main` drives two orders through it, printing every step. It uses only the public API.

Try the command line on it too::

    python -m statecore check statecore.demo:OrderFlow
    python -m statecore graph statecore.demo:Order -o order.svg
"""

from __future__ import annotations

import tempfile
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import statecore
from statecore import Transition
from statecore.graph import format_for, render

__all__ = ["CardDeclined", "Order", "OrderFlow", "main"]

#: Width of the demo's text; longer lines wrap under their label.
WIDTH = 100
#: Width of the label column ("before_transition", "refused", ...).
LABEL = 20
#: Card numbers the demo's payment provider declines.
DECLINED_CARDS = frozenset({"4000 0000 0000 0002"})


class OrderFlow(statecore.Workflow):
    """An order, from the cart to the customer's door (or back)."""

    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("payment_failed", "Payment failed"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("delivered", "Delivered"),
        ("cancelled", "Cancelled"),
        ("refunded", "Refunded"),
    )
    transitions = (
        Transition("place", "draft", "placed", conditions="has_items"),
        Transition(
            "pay",
            ("placed", "payment_failed"),
            "paid",
            conditions="payment_covers_total",
            on_error="payment_failed",
        ),
        Transition("ship", "paid", "shipped"),
        Transition("deliver", "shipped", "delivered"),
        Transition("cancel", ("draft", "placed", "payment_failed", "paid"), "cancelled"),
        Transition("refund", "delivered", "refunded"),
    )
    initial_state = "draft"
    final_states = ("delivered", "cancelled", "refunded")


class CardDeclined(Exception):
    """The payment provider declined the card."""


def say(label: str, text: str) -> None:
    """Print one line of the walk-through: a label column, then the text, wrapped.

    Args:
        label: what speaks (a hook kind, ``implementation``, ``refused``, ...).
        text: what it says.
    """
    indent = " " * (4 + LABEL)
    print(
        textwrap.fill(
            text,
            width=WIDTH,
            initial_indent=f"    {label:<{LABEL}}",
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    )


class Order(statecore.WorkflowEnabled):
    """A customer's order: items with prices, and the amount the customer's card authorised.

    Args:
        id: the order number.
        customer: the customer's e-mail address.
        items: the price of each item.
    """

    state = OrderFlow()

    def __init__(self, id: int, customer: str, items: dict[str, Decimal]) -> None:
        self.id = id
        self.customer = customer
        self.items = items
        self.authorised = Decimal("0.00")
        self.tracking: str | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the item prices."""
        return sum(self.items.values(), Decimal("0.00"))

    # -- guards ---------------------------------------------------------------------

    def has_items(self) -> bool:
        """Guard of ``place``: an empty cart cannot be ordered."""
        return bool(self.items)

    def payment_covers_total(self) -> bool:
        """Guard of ``pay``: the authorised amount must cover the total."""
        return self.authorised >= self.total

    # -- implementations ------------------------------------------------------------

    @statecore.transition()
    def pay(self, card: str) -> None:
        """Capture the authorised amount; a declined card sends the order to payment_failed."""
        say("implementation", f"capturing {self.total} from card {card}")
        if card in DECLINED_CARDS:
            msg = f"card {card} was declined by the bank"
            raise CardDeclined(msg)

    @statecore.transition()
    def ship(self, carrier: str) -> str:
        """Hand the parcel to a carrier; return the tracking number."""
        self.tracking = f"{carrier}-{self.id}-0001"
        say("implementation", f"booking {carrier}: tracking number {self.tracking}")
        return self.tracking

    # -- hooks ----------------------------------------------------------------------

    @statecore.before_transition("place")
    def reserve_stock(self, *args: Any, **kwargs: Any) -> None:
        """Reserve the items before the order is placed."""
        say("before_transition", f"reserving stock: {', '.join(self.items)}")

    @statecore.on_enter_state("placed")
    def confirm(self, result: Any, *args: Any, **kwargs: Any) -> None:
        """Confirm the order to the customer."""
        say("on_enter_state", f"e-mailing the confirmation to {self.customer}")

    @statecore.after_transition("pay")
    def send_receipt(self, result: Any, *args: Any, **kwargs: Any) -> None:
        """Send the receipt once the payment went through."""
        say("after_transition", f"e-mailing a receipt for {self.total} to {self.customer}")

    @statecore.on_enter_state("delivered")
    def ask_for_review(self, result: Any, *args: Any, **kwargs: Any) -> None:
        """Ask the customer for a review."""
        say("on_enter_state", f"asking {self.customer} for a review")

    @statecore.on_leave_state("paid", "delivered")
    def note_money_back(self, *args: Any, event: statecore.TransitionEvent, **kwargs: Any) -> None:
        """Money goes back when a paid or delivered order is cancelled or refunded."""
        if event.transition.name in ("cancel", "refund"):
            say("on_leave_state", f"returning {self.total} to the customer's card")

    @statecore.on_enter_state("cancelled")
    def release_stock(self, result: Any, *args: Any, **kwargs: Any) -> None:
        """Put the reserved items back on the shelf."""
        say("on_enter_state", f"releasing stock: {', '.join(self.items)}")


# -- the walk-through -----------------------------------------------------------------------


def _heading(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def _call(order: Order, name: str, **kwargs: Any) -> None:
    """Run transition ``name`` on ``order``, printing the call, its hooks and its outcome."""
    arguments = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    print()
    print(f"order.{name}({arguments})")
    source = str(order.state)
    try:
        getattr(order, name)(**kwargs)
    except statecore.AbortTransition as exc:
        say("refused", f"{type(exc).__name__}: {exc}")
        say("state", f"still {order.state}")
        return
    except CardDeclined as exc:
        say("failed", f"{type(exc).__name__}: {exc}")
        say("on_error", f"{name}: {source} -> {order.state}")
        return
    say("transition", f"{name}: {source} -> {order.state}")


def _explain(order: Order, name: str) -> None:
    """Print every reason why transition ``name`` of ``order`` cannot run now."""
    print()
    print(f"order.{name}.explain()")
    availability = getattr(order, name).explain()
    for reason in availability.reasons:
        say("not available", reason.message)


def _describe_workflow() -> None:
    _heading("The workflow: OrderFlow")
    flow: type[statecore.Workflow] = OrderFlow  # the compiled class, as the type checker sees it
    finals = [state.name for state in flow.states if state.final]
    say("initial state", flow.initial_state.name)
    say("final states", ", ".join(finals))
    for transition in flow.transitions:
        route = f"{', '.join(transition.source)} -> {', '.join(transition.targets)}"
        if transition.on_error is not None:
            route += f" (on error: {transition.on_error})"
        say(transition.name, route)


def _first_order() -> None:
    _heading("Order #1042: a declined card, then delivery and a return")
    order = Order(
        1042,
        "ada@example.com",
        {"kettle": Decimal("49.90"), "teapot": Decimal("70.10")},
    )
    print(f"\ntotal {order.total}, state {order.state}")
    _call(order, "place")
    order.authorised = Decimal("100.00")
    print(f"\nthe card authorised {order.authorised} of {order.total}")
    _explain(order, "pay")
    _call(order, "pay", card="4242 4242 4242 4242")
    order.authorised = Decimal("120.00")
    print(f"\nthe card authorised {order.authorised}, but the bank declines it at capture")
    _call(order, "pay", card="4000 0000 0000 0002")
    _call(order, "ship", carrier="DHL")
    _call(order, "pay", card="4242 4242 4242 4242")
    _call(order, "ship", carrier="DHL")
    _call(order, "deliver")
    print("\nthe customer sends it back")
    _call(order, "refund")


def _second_order() -> None:
    _heading("Order #1043: cancelled after payment")
    order = Order(1043, "grace@example.com", {"mug": Decimal("12.50")})
    order.authorised = order.total
    _call(order, "place")
    _call(order, "pay", card="4242 4242 4242 4242")
    _call(order, "cancel")


def default_diagram_path() -> Path:
    """Return where the demo writes its diagram unless told: a file in the temporary directory.

    Returns:
        ``<tmp>/statecore-demo/order-flow.svg``.
    """
    return Path(tempfile.gettempdir()) / "statecore-demo" / "order-flow.svg"


def write_diagram(path: Path) -> Path:
    """Write the diagram of `OrderFlow` to ``path``, printing where it went.

    An image (SVG, PNG, PDF) needs the ``graphviz`` package and the Graphviz ``dot``
    program; without them the Mermaid text is written next to it, as ``.mmd``.

    Args:
        path: the file to write; its suffix gives the format.

    Returns:
        The file written.
    """
    _heading("The diagram")
    try:
        written = render(OrderFlow, path)
    except (ImportError, RuntimeError) as exc:
        say("no image", str(exc))
        written = render(OrderFlow, path.with_suffix(".mmd"), format="mermaid")
        say("instead", "wrote the Mermaid text, which GitHub and mermaid.live draw")
    say("written to", str(written))
    return written


def main(diagram_path: str | Path | None = None) -> int:
    """Walk two orders through `OrderFlow`, printing each step, and write the diagram.

    Args:
        diagram_path: where to write the diagram (``.svg``, ``.png``, ``.pdf``, ``.dot``
            or ``.mmd``); `default_diagram_path` when None.

    Returns:
        The exit code, 0.

    Raises:
        ValueError: the diagram path's suffix names no known format.

    .. versionadded:: 0.1
    """
    path = Path(diagram_path) if diagram_path is not None else default_diagram_path()
    format_for(path)  # an unknown suffix fails now, not after the walk-through
    print("statecore demo: an order workflow, step by step")
    _describe_workflow()
    _first_order()
    _second_order()
    write_diagram(path)
    return 0
