"""The Django side of the demo: what ``python -m statecore demo --django`` runs.

It configures Django on its own embedded SQLite database (a file in the temporary
directory, recreated on each run), puts an order workflow on a model with a
`statecore_django.StateField`, and runs transitions: each one is saved and logged in
one transaction, and the demo prints the SQL it issued. It then prints the transition
log table and writes the workflow's diagram, current state highlighted.

It must run in a process where Django is not configured yet (it calls
``settings.configure()``); inside a Django project, use ``examples/shop`` instead.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import statecore
from statecore import Transition
from statecore.demo import say
from statecore.graph import format_for, render

from .workflow import Workflow

__all__ = ["OrderFlow", "default_database_path", "main"]

#: The demo model's app label (no migrations: its table is created directly).
APP_LABEL = "statecore_demo"
#: Printed when Django is already configured in this process.
ALREADY_CONFIGURED = (
    "Django settings are already configured in this process; run "
    "'python -m statecore demo --django' on its own, or see examples/shop"
)


class OrderFlow(Workflow):
    """An order on a Django model: placed, paid and shipped (by staff allowed to ship)."""

    states = (
        ("draft", "Draft"),
        ("placed", "Placed"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
    )
    transitions = (
        Transition("place", "draft", "placed"),
        Transition("pay", "placed", "paid"),
        Transition("ship", "paid", "shipped", permission=f"{APP_LABEL}.ship_order"),
        Transition("cancel", ("draft", "placed", "paid"), "cancelled"),
    )
    initial_state = "draft"
    final_states = ("shipped", "cancelled")
    log_model = "statecore_log.TransitionLog"


def default_database_path() -> Path:
    """Return where the demo keeps its SQLite database: ``<tmp>/statecore-demo/django.sqlite3``."""
    return Path(tempfile.gettempdir()) / "statecore-demo" / "django.sqlite3"


def default_diagram_path() -> Path:
    """Return where the demo writes its diagram unless told."""
    return Path(tempfile.gettempdir()) / "statecore-demo" / "django-order-flow.svg"


def configure(database: Path) -> None:
    """Configure Django for the demo (SQLite at ``database``) and create the tables.

    Raises:
        RuntimeError: Django is already configured in this process.
    """
    import django
    from django.conf import settings
    from django.core.management import call_command

    if settings.configured:
        raise RuntimeError(ALREADY_CONFIGURED)
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        SECRET_KEY="statecore-demo",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "statecore_django",
            "statecore_django.log",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _order_model() -> Any:
    """Define the demo's Order model (after Django is set up) and create its table."""
    from django.db import connection, models

    from .fields import StateField

    class Order(models.Model):
        state = StateField(OrderFlow)
        paid_amount: models.DecimalField[Decimal | str, Decimal] = models.DecimalField(
            max_digits=10, decimal_places=2, default=0
        )

        class Meta:
            app_label = APP_LABEL
            permissions = (("ship_order", "Can ship orders"),)

        def __str__(self) -> str:
            # The primary key is the order number, so that the demo's lines and
            # statecore's messages (which say "Order #<pk>") name an order alike.
            return f"Order #{self.pk}"

        @statecore.transition()
        def pay(self, amount: str, **kwargs: Any) -> None:
            self.paid_amount = amount

    with connection.schema_editor() as editor:
        editor.create_model(Order)
    return Order


def _run(order: Any, name: str, user: Any = None, **kwargs: Any) -> None:
    """Run one transition, printing the call, the SQL it issued and the outcome."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    who = f" as {user.username}" if user is not None else ""
    arguments = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    print(f"\norder.{name}({arguments}){who}")
    source = order.state.name
    transition = getattr(order, name)
    if user is not None:
        transition = transition.as_user(user)
    with CaptureQueriesContext(connection) as queries:
        try:
            transition(**kwargs)
        except statecore.AbortTransition as exc:
            say("refused", f"{type(exc).__name__}: {exc}")
            say("state", f"still {order.state.name}")
            return
    say("transition", f"{name}: {source} -> {order.state.name}")
    statements = [q["sql"] for q in queries.captured_queries]
    say("SQL", f"{len(statements)} statements")
    for sql in statements:
        say("", sql if len(sql) <= 140 else sql[:137] + "...")


def _print_log(order: Any) -> None:
    from .log.models import TransitionLog

    rows = TransitionLog.for_object(order).select_related("user").order_by("timestamp", "id")
    header = ("id", "transition", "from_state", "to_state", "user", "timestamp")
    table = [header] + [
        (
            str(row.pk),
            row.transition,
            row.from_state,
            row.to_state,
            row.user.username if row.user else "-",
            row.timestamp.strftime("%H:%M:%S.%f")[:-3],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print()
    for position, line in enumerate(table):
        print(
            "    "
            + "  ".join(
                cell.ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
        if position == 0:
            print("    " + "  ".join("-" * width for width in widths))


def _heading(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def main(diagram_path: str | Path | None = None, database: str | Path | None = None) -> int:
    """Run the Django demo: transitions saved and logged in SQLite, the log, the diagram.

    Args:
        diagram_path: where to write the diagram (``.svg``, ``.png``, ``.pdf``, ``.dot``
            or ``.mmd``); a file in the temporary directory when None.
        database: the SQLite file to (re)create; `default_database_path` when None.

    Returns:
        The exit code, 0.

    Raises:
        RuntimeError: Django is already configured in this process.
        ValueError: the diagram path's suffix names no known format.

    .. versionadded:: 0.1
    """
    path = Path(diagram_path) if diagram_path is not None else default_diagram_path()
    format_for(path)
    database_path = Path(database) if database is not None else default_database_path()
    configure(database_path)

    from django.contrib.auth.models import Permission, User
    from django.contrib.contenttypes.models import ContentType

    print("statecore demo --django: an order workflow on a Django model")
    say("database", f"SQLite at {database_path}")
    order_model = _order_model()
    ada = User.objects.create_user("ada", is_staff=True)
    ship_order = Permission.objects.create(
        codename="ship_order",
        name="Can ship orders",
        content_type=ContentType.objects.get_for_model(order_model),
    )
    ada.user_permissions.add(ship_order)
    bob = User.objects.create_user("bob", is_staff=True)

    _heading("Transitions: each one is saved and logged in one transaction")
    order = order_model.objects.create(pk=1042)
    print(f"\ncreated {order} in state {order.state.name}")
    _run(order, "place", user=ada)
    _run(order, "pay", user=ada, amount="120.00")
    _run(order, "ship", user=bob)
    _run(order, "ship", user=ada)
    _run(order, "cancel", user=ada)
    order.refresh_from_db()
    print(f"\nreloaded from the database: {order} is {order.state.title}, paid {order.paid_amount}")

    _heading(f"The transition log of {order} (statecore_log.TransitionLog)")
    _print_log(order)

    _heading("The diagram")
    try:
        written = render(OrderFlow, path, current=order.state.name)
    except (ImportError, RuntimeError) as exc:
        say("no image", str(exc))
        written = render(OrderFlow, path.with_suffix(".mmd"), current=order.state.name)
        say("instead", "wrote the Mermaid text, which GitHub and mermaid.live draw")
    say("written to", str(written))
    return 0
