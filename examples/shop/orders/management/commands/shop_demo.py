"""``manage.py shop_demo``: demo staff users and orders in every state, for the admin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction

from orders.models import Order

#: The password of every demo user.
PASSWORD = "statecore"
#: Staff roles: group name -> permission codenames of the orders app.
ROLES = {
    "Cashiers": ("view_order", "change_order", "take_payment", "view_orderlog"),
    "Warehouse": ("view_order", "change_order", "ship_order", "view_orderlog"),
    "Managers": (
        "view_order",
        "change_order",
        "take_payment",
        "refund_payment",
        "ship_order",
        "view_orderlog",
    ),
}
#: Demo users: name -> (group, superuser?).
USERS = {
    "admin": (None, True),
    "cashier": ("Cashiers", False),
    "warehouse": ("Warehouse", False),
    "manager": ("Managers", False),
}
#: Demo orders: number, customer, total, payment state, shipping state.
ORDERS = (
    ("1001", "ada@example.com", "120.00", "pending", "waiting"),
    ("1002", "grace@example.com", "12.50", "paid", "waiting"),
    ("1003", "alan@example.com", "89.90", "paid", "waiting"),
    ("1004", "edsger@example.com", "45.00", "pending", "waiting"),
    ("1005", "barbara@example.com", "230.00", "paid", "packed"),
    ("1006", "donald@example.com", "19.99", "paid", "shipped"),
    ("1007", "margaret@example.com", "64.00", "failed", "waiting"),
)


class Command(BaseCommand):
    help = "Create the demo staff users (password 'statecore') and demo orders."

    #: Printed once per user created or reset.
    USER_LINE = "user {name!r} ({role}), password {password!r}"
    #: Printed at the end.
    DONE = "{orders} demo orders; log in at http://127.0.0.1:8000/admin/"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        groups = {}
        for name, codenames in ROLES.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.set(
                Permission.objects.filter(content_type__app_label="orders", codename__in=codenames)
            )
            groups[name] = group
        for name, (group, superuser) in USERS.items():
            user, _ = User.objects.get_or_create(username=name)
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([groups[group]] if group else [])
            role = "superuser" if superuser else group
            self.stdout.write(self.USER_LINE.format(name=name, role=role, password=PASSWORD))
        for number, customer, total, payment, shipping in ORDERS:
            if Order.objects.filter(number=number).exists():
                continue
            amount = Decimal(total) if payment == "paid" else Decimal("0.00")
            Order.objects.create(
                number=number,
                customer=customer,
                total=Decimal(total),
                payment=payment,
                shipping=shipping,
                amount_paid=amount,
            )
        self.stdout.write(self.DONE.format(orders=Order.objects.count()))
