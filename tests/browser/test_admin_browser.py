"""The example shop's admin in a real browser: buttons per user, transitions, forms, actions."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def open_order(page: Any, shop_url: str, number: str) -> str:
    """Open the change page of order ``number``; return its URL."""
    page.goto(f"{shop_url}/admin/orders/order/?q={number}")
    page.click(f"#result_list a:text-is('{number}')")
    page.wait_for_selector(".statecore-panel")
    return str(page.url).split("?")[0]


def panel(page: Any, field: str) -> Any:
    return page.locator(f"#statecore-{field}")


def buttons(page: Any, field: str) -> list[str]:
    return [
        name.strip()
        for name in panel(page, field).locator("button[data-transition]").all_inner_texts()
    ]


def refused(page: Any, field: str, transition: str) -> str:
    return str(panel(page, field).locator(f"li[data-transition='{transition}']").inner_text())


def messages(page: Any) -> str:
    return str(page.locator(".messagelist").inner_text())


def test_cashier_sees_payment_buttons_and_why_shipping_is_closed(
    login: Any, shop_url: str, screenshot: Any
) -> None:
    """A cashier sees the payment transitions as buttons, and why packing is not possible."""
    page = login("cashier")
    open_order(page, shop_url, "1001")
    assert panel(page, "payment").locator(".statecore-state").inner_text() == "Awaiting payment"
    assert buttons(page, "payment") == ["Take payment…", "Card declined", "Cancel order"]
    assert buttons(page, "shipping") == []
    reason = refused(page, "shipping", "pack")
    assert "condition 'is_paid' is not met" in reason
    assert "permission 'orders.ship_order' is required" in reason
    assert panel(page, "payment").locator(".statecore-svg svg").count() == 1
    screenshot(page, "change-page")


def test_warehouse_sees_shipping_buttons_but_not_refund(login: Any, shop_url: str) -> None:
    """A warehouse user may pack a paid order but not refund it; the refusal says why."""
    page = login("warehouse")
    open_order(page, shop_url, "1003")
    assert buttons(page, "shipping") == ["Pack"]
    assert buttons(page, "payment") == []
    assert "permission 'orders.refund_payment' is required" in refused(page, "payment", "refund")


def test_clicking_a_transition_moves_the_state_reports_it_and_logs_it(
    login: Any, shop_url: str, screenshot: Any
) -> None:
    """Pack: the new state is shown, with a success message and a log row naming the user."""
    page = login("warehouse")
    open_order(page, shop_url, "1003")
    panel(page, "shipping").locator("button[data-transition='pack']").click()
    page.wait_for_selector(".messagelist")
    assert "Order 1003: Pack done; shipping is now “Packed”." in messages(page)
    assert panel(page, "shipping").locator(".statecore-state").inner_text() == "Packed"
    assert buttons(page, "shipping") == ["Hand to carrier…"]
    log = page.locator(".inline-group").filter(has_text="order log")
    row = log.locator("tbody tr").filter(has_text="pack").first
    text = row.inner_text()
    assert "waiting" in text and "packed" in text
    assert "warehouse" in text and "127.0.0.1" in text
    screenshot(page, "after-pack")


def test_transition_form_passes_cleaned_data_to_the_transition(
    login: Any, shop_url: str, screenshot: Any
) -> None:
    """Take payment asks for the amount; too little is refused, enough moves the order."""
    page = login("cashier")
    change_url = open_order(page, shop_url, "1004")
    panel(page, "payment").locator("button[data-transition='pay']").click()
    page.wait_for_selector("#statecore-transition-form")
    screenshot(page, "payment-form")
    page.fill("#id_amount", "10.00")
    page.click("#statecore-transition-form input[name=_run]")
    page.wait_for_selector(".messagelist")
    assert "10.00 does not cover the total of 45.00" in messages(page)
    assert panel(page, "payment").locator(".statecore-state").inner_text() == "Awaiting payment"

    panel(page, "payment").locator("button[data-transition='pay']").click()
    page.fill("#id_amount", "45.00")
    page.fill("#id_reference", "SLIP-77")
    page.click("#statecore-transition-form input[name=_run]")
    page.wait_for_selector(".messagelist")
    assert page.url.split("?")[0] == change_url
    assert "payment is now “Paid”" in messages(page)
    assert page.locator(".field-payment_reference .readonly").inner_text() == "SLIP-77"
    assert page.locator(".field-amount_paid .readonly").inner_text() == "45.00"


def test_forbidden_transition_posted_directly_is_refused(login: Any, shop_url: str) -> None:
    """A cashier who POSTs "ship" by hand gets a refusal naming the permission; nothing moves."""
    page = login("cashier")
    change_url = open_order(page, shop_url, "1005")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    url = re.sub(r"change/$", "transition/shipping/ship/", change_url)
    response = page.request.post(
        url, form={"csrfmiddlewaretoken": token, "_statecore_confirm": "1", "tracking_number": "X1"}
    )
    assert response.status == 200  # redirected back to the change page, which says why
    assert response.url.split("?")[0] == change_url
    body = html.unescape(response.text())
    assert "Hand to carrier was refused" in body
    assert "permission 'orders.ship_order' is required" in body
    page.goto(change_url)
    assert panel(page, "shipping").locator(".statecore-state").inner_text() == "Packed"


def test_post_without_csrf_token_is_rejected(login: Any, shop_url: str) -> None:
    """A transition POST without the CSRF token is rejected with 403."""
    page = login("warehouse")
    change_url = open_order(page, shop_url, "1006")
    url = re.sub(r"change/$", "transition/shipping/deliver/", change_url)
    response = page.request.post(url, form={})
    assert response.status == 403
    page.goto(change_url)
    assert panel(page, "shipping").locator(".statecore-state").inner_text() == "Shipped"


def test_bulk_action_reports_each_success_and_refusal(
    login: Any, shop_url: str, screenshot: Any
) -> None:
    """Pack on a paid and an unpaid order: one is packed, the other refused with its reason."""
    page = login("warehouse")
    page.goto(f"{shop_url}/admin/orders/order/")
    for number in ("1002", "1007"):
        row = page.locator("#result_list tbody tr").filter(has_text=number)
        row.locator("input.action-select").check()
    page.select_option("select[name=action]", "transition__shipping__pack")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    text = messages(page)
    screenshot(page, "bulk-action")
    assert "Pack: done for 1 order (Order 1002)." in text
    assert "Order 1007: Pack was refused: condition 'is_paid' is not met" in text
    rows = page.locator("#result_list tbody tr")
    assert "Packed" in rows.filter(has_text="1002").inner_text()
    assert "Waiting" in rows.filter(has_text="1007").inner_text()
