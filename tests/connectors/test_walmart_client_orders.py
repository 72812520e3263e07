"""The Walmart orders client against the emulator over real HTTP: paging, filters, 404-as-empty,
acknowledge, ship, cancel, refund and Walmart's refusals."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connectors.errors import PermanentError
from connectors.walmart.shipping import RefundCharge, RefundLine, ShipmentLine
from sandbox import clock
from sandbox.models import Call
from sandbox.walmart import generator, lines
from sandbox.walmart.models import Order
from tests.contract import openapi
from tests.contract.sellers import seller


def list_calls():
    return list(Call.objects.filter(system="walmart", path__startswith="/sandbox/walmart/v3/orders", method="GET")
                .order_by("id").values_list("path", flat=True))


def test_paging_450_orders_in_three_pages_to_the_last_page(sandbox):
    client, account = seller(sandbox)
    generator.generate_orders(account, 450, seed=7)
    Order.objects.filter(account=account).update(ship_node_type="SellerFulfilled")
    expected = set(Order.objects.filter(account=account).values_list("purchase_order_id", flat=True))
    with openapi.recording() as calls:
        got = [o["purchaseOrderId"] for o in client.iter_orders(limit=200)]
    assert len(got) == len(set(got)) == 450 and set(got) == expected
    calls = [r for r in calls if "/v3/orders" in r.request.url]
    pages = [r.json()["list"] for r in calls]
    assert [len(p["elements"]["order"]) for p in pages] == [200, 200, 50]
    assert [p["meta"]["totalCount"] for p in pages] == [450] * 3
    assert "nextCursor" not in pages[-1]["meta"]
    # Pages after the first are the list path plus the previous cursor, verbatim.
    for previous, response in zip(pages, calls[1:]):
        assert response.request.path_url == "/sandbox/walmart/v3/orders" + previous["meta"]["nextCursor"]
    assert len(list_calls()) == 3


def test_a_repeated_cursor_stops_the_iteration(sandbox, caplog):
    client, account = seller(sandbox, quirk_ignore_cursor=True)
    generator.generate_orders(account, 30, seed=8)
    Order.objects.filter(account=account).update(ship_node_type="SellerFulfilled")
    got = [o["purchaseOrderId"] for o in client.iter_orders(limit=10)]
    # Page 1, then page 1 again with the same cursor: the second copy is yielded once, then we stop.
    assert len(got) == 20 and len(set(got)) == 10
    assert len(list_calls()) == 2
    assert "repeated the cursor" in caplog.text


def test_no_orders_is_an_empty_iteration_not_an_error(sandbox):
    client, account = seller(sandbox)
    assert list(client.iter_orders()) == []
    assert Call.objects.filter(system="walmart", status=404).count() == 1


def test_filters(sandbox):
    client, account = seller(sandbox)
    orders = generator.generate_orders(account, 40, seed=11)
    wfs = [o for o in orders if o["shipNode"]["type"] == "WFSFulfilled"]
    got = list(client.iter_orders(shipNodeType="WFSFulfilled"))
    assert {o["purchaseOrderId"] for o in got} == {o["purchaseOrderId"] for o in wfs}
    target = next(o for o in orders if o["shipNode"]["type"] == "SellerFulfilled")
    sku = target["orderLines"]["orderLine"][0]["item"]["sku"]
    by_sku = list(client.iter_orders(sku=sku))
    assert target["purchaseOrderId"] in {o["purchaseOrderId"] for o in by_sku}
    assert all(sku in {ln["item"]["sku"] for ln in o["orderLines"]["orderLine"]} for o in by_sku)
    assert [o["purchaseOrderId"] for o in client.iter_orders(customerOrderId=target["customerOrderId"])] == [
        target["purchaseOrderId"]]
    client.acknowledge(target["purchaseOrderId"])
    acknowledged = list(client.iter_orders(status="Acknowledged"))
    assert [o["purchaseOrderId"] for o in acknowledged] == [target["purchaseOrderId"]]


def test_last_modified_window_sees_changed_orders_only(sandbox, advance):
    client, account = seller(sandbox)
    orders = [o for o in generator.generate_orders(account, 12, seed=5) if o["shipNode"]["type"] == "SellerFulfilled"]
    advance(600)
    since = clock.now()
    client.acknowledge(orders[0]["purchaseOrderId"])
    changed = list(client.iter_orders(lastModifiedStartDate=since - timedelta(seconds=1)))
    assert [o["purchaseOrderId"] for o in changed] == [orders[0]["purchaseOrderId"]]


def test_get_order_and_unknown_order(sandbox):
    client, account = seller(sandbox)
    order = generator.generate_orders(account, 1, seed=2)[0]
    assert client.get_order(order["purchaseOrderId"]) == order
    assert client.get_order("999999999") is None


def test_bad_limit_is_refused_with_the_field_named(sandbox):
    client, account = seller(sandbox)
    with pytest.raises(PermanentError) as caught:
        list(client.iter_orders(limit=500))
    assert caught.value.status == 400 and "limit" in str(caught.value)


def _seller_order(client, account, seed=21):
    orders = generator.generate_orders(account, 30, seed=seed)
    return next(o for o in orders if o["shipNode"]["type"] == "SellerFulfilled"
                and len(o["orderLines"]["orderLine"]) >= 2)


def _shipment(line, quantity, **overrides):
    values = dict(line_number=line["lineNumber"], quantity=quantity, seller_order_id="SO-1001", carrier="UPS",
                  tracking_number="1Z999AA10123456784", ship_time=datetime.now(timezone.utc))
    values.update(overrides)
    return ShipmentLine(**values)


def test_acknowledge_is_idempotent(sandbox):
    client, account = seller(sandbox)
    order = _seller_order(client, account)
    first = client.acknowledge(order["purchaseOrderId"])
    second = client.acknowledge(order["purchaseOrderId"])
    statuses = {p["status"] for ln in second["orderLines"]["orderLine"] for p in ln["orderLineStatuses"]["orderLineStatus"]}
    assert statuses == {"Acknowledged"} and first == second


def test_ship_cancel_refund_lifecycle(sandbox):
    client, account = seller(sandbox)
    order = _seller_order(client, account)
    po = order["purchaseOrderId"]
    first, second = order["orderLines"]["orderLine"][:2]
    client.acknowledge(po)
    shipped = client.ship(po, [_shipment(first, int(first["orderLineQuantity"]["amount"]))])
    line = next(ln for ln in shipped["orderLines"]["orderLine"] if ln["lineNumber"] == first["lineNumber"])
    assert [p["status"] for p in line["orderLineStatuses"]["orderLineStatus"]] == ["Shipped"]
    assert line["orderLineStatuses"]["orderLineStatus"][0]["trackingInfo"]["carrierName"] == {"carrier": "UPS"}
    assert line["sellerOrderId"] == "SO-1001"

    cancelled = client.cancel(po, {second["lineNumber"]: int(second["orderLineQuantity"]["amount"])},
                              "SELLER_CANCEL_OUT_OF_STOCK")
    line2 = next(ln for ln in cancelled["orderLines"]["orderLine"] if ln["lineNumber"] == second["lineNumber"])
    assert line2["orderLineStatuses"]["orderLineStatus"][-1]["status"] == "Cancelled"
    assert line2["orderLineStatuses"]["orderLineStatus"][-1]["cancellationReason"] == "SELLER_CANCEL_OUT_OF_STOCK"

    # Refunds: only shipped lines, amounts sent negative.
    with pytest.raises(PermanentError) as caught:
        client.refund(po, [RefundLine(line_number=second["lineNumber"],
                                      charges=[RefundCharge(charge_type="PRODUCT", amount=Decimal("1.00"))])])
    assert "not shipped" in str(caught.value)
    refunded = client.refund(po, [RefundLine(line_number=first["lineNumber"], comments="damaged box", charges=[
        RefundCharge(charge_type="PRODUCT", amount=Decimal("2.50"), tax=Decimal("0.20"), reason="DamagedItem")])])
    line = next(ln for ln in refunded["orderLines"]["orderLine"] if ln["lineNumber"] == first["lineNumber"])
    charge = line["refund"]["refundCharges"]["refundCharge"][0]["charge"]
    assert charge["chargeAmount"]["amount"] == -2.5 and charge["tax"]["taxAmount"]["amount"] == -0.2

    stored = Order.objects.get(account=account, purchase_order_id=po)
    assert stored.data == refunded and stored.last_modified >= stored.order_date


def test_ship_refusals_name_the_field(sandbox):
    client, account = seller(sandbox)
    order = _seller_order(client, account, seed=23)
    po, line = order["purchaseOrderId"], order["orderLines"]["orderLine"][0]
    ordered = int(line["orderLineQuantity"]["amount"])
    with openapi.recording() as calls, pytest.raises(PermanentError) as caught:
        client.ship(po, [_shipment(line, ordered + 1)])
    assert caught.value.status == 400 and "cannot ship" in str(caught.value)
    error = calls[-1].json()["errors"]["error"][0]
    assert error["field"] == "orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].statusQuantity.amount"
    with pytest.raises(PermanentError) as caught:
        client.ship(po, [_shipment({"lineNumber": "99"}, 1)])
    assert "does not exist" in str(caught.value)
    # A carrier outside Walmart's list goes as otherCarrier with its tracking URL, and is accepted.
    other = client.ship(po, [_shipment(line, 1, carrier="Bob's Trucks", tracking_url="https://bob.example/t/1")])
    sent = next(ln for ln in other["orderLines"]["orderLine"] if ln["lineNumber"] == line["lineNumber"])
    shipped = [p for p in sent["orderLineStatuses"]["orderLineStatus"] if p["status"] == "Shipped"][0]
    assert shipped["trackingInfo"]["carrierName"] == {"otherCarrier": "Bob's Trucks"}
    assert lines.status_quantity(sent, "Shipped") == 1
    # The rest ships; beyond the ordered quantity nothing more can.
    if ordered > 1:
        client.ship(po, [_shipment(line, ordered - 1)])
    with pytest.raises(PermanentError) as caught:
        client.ship(po, [_shipment(line, 1)])
    assert "only 0 ordered and not yet shipped" in str(caught.value)


def test_wfs_orders_are_read_only(sandbox):
    client, account = seller(sandbox)
    orders = generator.generate_orders(account, 40, seed=31)
    wfs = next(o for o in orders if o["shipNode"]["type"] == "WFSFulfilled")
    with pytest.raises(PermanentError) as caught:
        client.acknowledge(wfs["purchaseOrderId"])
    assert "WFS" in str(caught.value)
