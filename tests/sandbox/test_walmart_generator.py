"""Generated demo orders and returns are realistic and consistent; the emulator's stats count them."""

from datetime import datetime, timezone
from decimal import Decimal

from connectors.walmart.shipping import ShipmentLine
from sandbox import catalog
from sandbox.walmart import generator, stats
from sandbox.walmart.models import Order
from tests.contract.sellers import seller


def _dec(value):
    return Decimal(str(value))


def test_orders_are_realistic(db):
    from sandbox import credentials

    account = credentials.create_account("walmart", "gen", "secret")
    orders = generator.generate_orders(account, 200, seed=91)
    assert len({o["purchaseOrderId"] for o in orders}) == 200
    skus = {i.sku for i in catalog.items()}
    node_types = {o["shipNode"]["type"] for o in orders}
    assert {"SellerFulfilled", "WFSFulfilled"} <= node_types
    seen_unmapped = False
    for order in orders:
        lines = order["orderLines"]["orderLine"]
        assert 1 <= len(lines) <= 4
        assert order["customerEmailId"].endswith("@relay.walmart.com")
        assert order["shippingInfo"]["postalAddress"]["country"] == "USA"
        assert order["shippingInfo"]["phone"][3:8] == "55501"  # fictitious numbers only
        assert order["orderDate"] <= order["shippingInfo"]["estimatedShipDate"] < order["shippingInfo"][
            "estimatedDeliveryDate"]
        total = Decimal(0)
        for line in lines:
            sku = line["item"]["sku"]
            assert sku in skus or sku in catalog.UNMAPPED_SKUS
            seen_unmapped |= sku in catalog.UNMAPPED_SKUS
            quantity = int(line["orderLineQuantity"]["amount"])
            product = line["charges"]["charge"][0]
            assert product["chargeType"] == "PRODUCT"
            item = catalog.item_by_sku(sku) or next(i for i in catalog.unmapped_items() if i.sku == sku)
            assert _dec(product["chargeAmount"]["amount"]) == item.price * quantity
            for charge in line["charges"]["charge"]:
                amount, tax = _dec(charge["chargeAmount"]["amount"]), _dec(charge["tax"]["taxAmount"]["amount"])
                assert amount > 0 and 0 <= tax < amount * Decimal("0.1")
                total += amount + tax
        assert _dec(order["orderSummary"]["totalAmount"]["currencyAmount"]) == total
    assert seen_unmapped


TIMES = {"orderDate", "statusDate", "pickUpDateTime", "estimatedShipDate", "estimatedDeliveryDate"}


def _timeless(value):
    """The orders without their instants (they follow the clock, not the seed)."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_a_seed_makes_a_run_reproducible(db):
    from sandbox import credentials

    first = credentials.create_account("walmart", "gen-1", "secret")
    second = credentials.create_account("walmart", "gen-2", "secret")
    a = generator.generate_orders(first, 5, seed=7)
    b = generator.generate_orders(second, 5, seed=7)
    assert _timeless(a) == _timeless(b)


def test_returns_only_for_shipped_seller_orders_and_stats(sandbox):
    client, account = seller(sandbox)
    orders = [o for o in generator.generate_orders(account, 30, seed=92) if o["shipNode"]["type"] == "SellerFulfilled"]
    assert generator.generate_returns(account, 5) == []  # nothing shipped yet
    shipped = orders[:3]
    for order in shipped:
        client.acknowledge(order["purchaseOrderId"])
        client.ship(order["purchaseOrderId"], [
            ShipmentLine(line_number=ln["lineNumber"], quantity=int(ln["orderLineQuantity"]["amount"]),
                         seller_order_id="SO-3", carrier="UPS", tracking_number="1Z1",
                         ship_time=datetime.now(timezone.utc)) for ln in order["orderLines"]["orderLine"]])
    line = orders[3]["orderLines"]["orderLine"][0]
    client.cancel(orders[3]["purchaseOrderId"], {line["lineNumber"]: 1}, "SELLER_CANCEL_PRICING_ERROR")
    made = generator.generate_returns(account, 10, seed=4)
    assert {r["returnOrderLines"][0]["purchaseOrderId"] for r in made} == {o["purchaseOrderId"] for o in shipped}
    for item in made:
        lines_total = sum(_dec(c["value"]["currencyAmount"]) for ln in item["returnOrderLines"]
                          for c in ln["chargeTotals"] if c["name"] == "lineTotal")
        assert _dec(item["totalRefundAmount"]["currencyAmount"]) == lines_total
    assert generator.generate_returns(account, 10) == []  # one return per order

    assert stats.documents() == {"orders": 30, "returns": 3, "acknowledgements": 3, "shipments": 3,
                                 "cancellations": 1, "refunds": 0}
    assert stats.duplicate_references() == 0
    assert Order.objects.filter(account=account, line_statuses__contains="|Shipped|").count() == 3
