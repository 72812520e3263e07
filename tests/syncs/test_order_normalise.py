"""Every Walmart order sample normalises without loss; later versions update the same row."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from audit.models import AuditEvent
from syncs.models import MarketplaceOrder, OrderCharge
from syncs.orders.normalise import store
from syncs.orders.parse import OrderShapeError, parse_order

# Copies of Walmart's samples and spec examples (shared/walmart/), kept with the contract tests.
EXAMPLES = Path(settings.BASE_DIR) / "tests" / "contract" / "walmart" / "examples"


def sample_orders():
    """(file name, order JSON) for every JSON order in Walmart's samples and spec examples."""
    found = []
    for folder in (EXAMPLES,):
        for path in sorted(folder.glob("*.json")):
            if "order" not in path.name or "_req" in path.name or "request" in path.name or "webhook" in path.name:
                continue
            body = json.loads(path.read_text())
            orders = (body.get("list", {}).get("elements", {}).get("order")
                      or body.get("elements", {}).get("order") or ([body["order"]] if "order" in body else []))
            found += [(f"{path.name}#{i}", order) for i, order in enumerate(orders if isinstance(orders, list) else [orders])]
    return found


SAMPLES = sample_orders()


def raw_total(order):
    """Independently of the parser: every chargeAmount and taxAmount in the raw JSON, added up."""
    total = Decimal("0")
    def walk(node):
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("chargeAmount", "taxAmount") and isinstance(value, dict):
                    total += Decimal(str(value.get("amount", 0)))
                elif key != "refund":  # refunds are not part of the order's amount
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(order.get("orderLines"))
    return total


def test_there_are_samples():
    assert len(SAMPLES) >= 6, [name for name, _ in SAMPLES]


@pytest.mark.parametrize("name,order", SAMPLES, ids=[name for name, _ in SAMPLES])
def test_every_sample_normalises_and_amounts_add_up(integration, name, order):
    stored, created = store(integration, {"order": order})
    assert created
    assert stored.order_total == raw_total(order)
    assert stored.order_total == stored.product_total + stored.shipping_total + stored.other_charges_total + stored.tax_total
    charges = OrderCharge.objects.filter(line__order=stored)
    assert sum(c.amount + c.tax_amount for c in charges) == stored.order_total
    raw_lines = order["orderLines"]["orderLine"]
    assert stored.lines.count() == len(raw_lines)
    for raw in raw_lines:
        line = stored.lines.get(line_number=str(raw["lineNumber"]))
        assert line.sku == raw["item"]["sku"]
        assert line.quantity == Decimal(str(raw["orderLineQuantity"]["amount"]))
    assert stored.raw == order
    if order.get("shipNode", {}).get("type") == "WFSFulfilled":
        assert stored.status == MarketplaceOrder.Status.READ_ONLY


def test_buyer_contact_is_masked(integration):
    name, order = next((n, o) for n, o in SAMPLES if o.get("shippingInfo", {}).get("phone"))
    stored, _ = store(integration, {"order": order})
    phone = order["shippingInfo"]["phone"]
    assert stored.buyer_phone_masked.endswith(phone[-4:]) and phone not in stored.buyer_phone_masked
    assert order["customerEmailId"] not in stored.buyer_email_masked


def test_a_later_version_updates_the_same_order_and_is_audited(integration):
    _, order = SAMPLES[0]
    first, created = store(integration, {"order": order})
    later = copy.deepcopy(order)
    for line in later["orderLines"]["orderLine"]:
        status = line["orderLineStatuses"]["orderLineStatus"][0]
        status["status"], status["cancellationReason"] = "Cancelled", "CUSTOMER_REQUESTED_SELLER_TO_CANCEL"
    again, created_again = store(integration, later)
    assert created and not created_again and again.pk == first.pk
    assert MarketplaceOrder.objects.count() == 1
    assert again.lines.filter(status="Cancelled").count() == again.lines.count()
    event = AuditEvent.objects.get(action="order.updated")
    assert "-> Cancelled" in event.message and event.object_id == order["purchaseOrderId"]


def test_normalising_costs_a_fixed_number_of_queries(integration, django_assert_max_num_queries):
    _, order = max(SAMPLES, key=lambda s: len(s[1]["orderLines"]["orderLine"]))
    big = copy.deepcopy(order)
    template = big["orderLines"]["orderLine"][0]
    big["orderLines"]["orderLine"] = [dict(copy.deepcopy(template), lineNumber=str(n)) for n in range(1, 41)]
    with django_assert_max_num_queries(12):
        store(integration, big)
    with django_assert_max_num_queries(14):
        store(integration, big)


@pytest.mark.parametrize("bad,reason", [
    ({}, "purchaseOrderId is missing"),
    ({"purchaseOrderId": "1", "orderLines": {"orderLine": []}}, "has no lines"),
    ({"purchaseOrderId": "1", "orderLines": {"orderLine": [{"lineNumber": "1"}]}}, "has no SKU"),
    ({"purchaseOrderId": "1", "orderDate": "last tuesday",
      "orderLines": {"orderLine": [{"lineNumber": "1", "item": {"sku": "A"}}]}}, "neither epoch"),
])
def test_unreadable_orders_say_why(bad, reason):
    with pytest.raises(OrderShapeError, match=reason):
        parse_order(bad)
