"""The example shop's API (examples/shop/orders/api.py) runs transitions as its staff users."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOP = ROOT / "examples" / "shop"

SCRIPT = textwrap.dedent(
    """
    import json
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("shop_demo", verbosity=0, stdout=open("/dev/null", "w"))
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient
    from orders.models import Order, OrderLog

    def client(name):
        api = APIClient()
        api.force_authenticate(User.objects.get(username=name))
        return api

    order = Order.objects.get(number="1001")
    url = f"/api/orders/{order.pk}/transitions/"
    answers = {
        "short": client("cashier").post(url + "pay/", {"amount": "1.00"}, format="json"),
        "warehouse": client("warehouse").post(url + "pay/", {"amount": "120.00"}, format="json"),
        "pay": client("cashier").post(
            url + "pay/", {"amount": "120.00", "reference": "slip 7"}, format="json"
        ),
        "patch": client("manager").patch(
            f"/api/orders/{order.pk}/", {"shipping": "shipped"}, format="json"
        ),
        "listing": client("warehouse").get(url),
    }
    log = OrderLog.for_object(order).get()
    print(json.dumps({
        **{name: [r.status_code, r.json()] for name, r in answers.items()},
        "log": [log.transition, log.user.username, log.ip],
        "state": [Order.objects.get(pk=order.pk).payment.name, order.shipping.name],
    }))
    """
)


@pytest.mark.slow
def test_shop_api_runs_transitions_as_the_staff_user(tmp_path: Path) -> None:
    """In the shop: a short payment is 409, the warehouse 403, the cashier 200, logged."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "SHOP_DATABASE": str(tmp_path / "shop.sqlite3"),
        "SHOP_DEBUG": "0",
    }
    env.pop("STATECORE_TEST_DB_NAME", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=SHOP, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["short"][0] == 409
    assert answers["short"][1]["code"] == "aborted"
    assert "does not cover the total" in answers["short"][1]["detail"]
    assert answers["warehouse"][0] == 403
    assert answers["pay"][0] == 200
    assert answers["pay"][1]["payment"] == "paid"
    assert answers["pay"][1]["payment_reference"] == "slip 7"
    assert answers["patch"][0] == 400
    assert answers["log"] == ["pay", "cashier", "127.0.0.1"]
    assert answers["state"] == ["paid", "waiting"]
    listing = {entry["name"]: entry["available"] for entry in answers["listing"][1]}
    assert listing == {"pack": True, "refund": False}
