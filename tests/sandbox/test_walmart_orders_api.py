"""Details of the orders emulator that the client's happy paths do not show: Walmart's default
window, frozen cursors, refusals with field names, tracking updates, released orders."""

import random
from datetime import datetime, timedelta, timezone

import pytest

from connectors import http
from connectors.errors import PermanentError
from connectors.walmart.shipping import ShipmentLine
from sandbox import clock
from sandbox.walmart import generator, loader
from sandbox.walmart.models import Order
from tests.contract import openapi
from tests.contract.sellers import seller


def refused(client, method, path, body):
    """The Walmart error of a refused call (sent by the real HTTP module)."""
    with openapi.recording() as calls, pytest.raises(PermanentError):
        http.send(client.connection, method, path, json=body)
    return calls[-1].status_code, calls[-1].json()["errors"]["error"][0]


def shipment(line, **changes):
    status = {"status": "Shipped", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": "1"},
              "trackingInfo": {"shipDateTime": 1700000000000, "carrierName": {"carrier": "UPS"},
                               "methodCode": "Standard", "trackingNumber": "1Z1"}}
    status["trackingInfo"].update(changes.pop("tracking", {}))
    entry = {"lineNumber": line["lineNumber"], "sellerOrderId": "SO-1",
             "orderLineStatuses": {"orderLineStatus": [status]}, **changes}
    return {"orderShipment": {"orderLines": {"orderLine": [entry]}}}


@pytest.fixture
def shop(sandbox):
    client, account = seller(sandbox)
    orders = generator.generate_orders(account, 20, seed=51)
    order = next(o for o in orders if o["shipNode"]["type"] == "SellerFulfilled")
    return client, account, order


def test_without_dates_walmart_lists_the_last_seven_days(shop):
    client, account, order = shop
    old = {**order, "purchaseOrderId": "1000000000001", "orderDate": 1577836800000}  # 2020-01-01
    loader.load_orders(old, account)
    listed = {o["purchaseOrderId"] for o in client.iter_orders()}
    assert order["purchaseOrderId"] in listed and "1000000000001" not in listed
    since_2019 = {o["purchaseOrderId"] for o in client.iter_orders(createdStartDate="2019-12-31")}
    assert "1000000000001" in since_2019


def test_a_cursor_keeps_its_window_while_new_orders_arrive(shop):
    client, account, order = shop
    total = Order.objects.filter(account=account, ship_node_type="SellerFulfilled").count()
    first = http.send(client.connection, "GET", "/v3/orders", params={"limit": "2"}).json()["list"]
    assert first["meta"]["totalCount"] == total
    cursor = first["meta"]["nextCursor"]
    assert cursor.startswith("?") and "createdEndDate=" in cursor and "limit=2" in cursor
    later = generator.build_order(random.Random(9), set(), clock.now() + timedelta(days=1))
    later["shipNode"] = {"type": "SellerFulfilled", "name": "Dallas DC", "id": "721407"}
    loader.load_orders(later, account)
    second = http.send(client.connection, "GET", "/v3/orders" + cursor).json()["list"]
    assert second["meta"]["totalCount"] == total
    assert {o["purchaseOrderId"] for o in first["elements"]["order"]}.isdisjoint(
        o["purchaseOrderId"] for o in second["elements"]["order"])


def test_program_and_order_type_filters(shop):
    client, account, order = shop
    two_day = list(client.iter_orders(shippingProgramType="TWO_DAY", shipNodeType="WFSFulfilled"))
    assert two_day and all(any((ln.get("fulfillment") or {}).get("shippingProgramType") == "TWO_DAY"
                               for ln in o["orderLines"]["orderLine"]) for o in two_day)
    assert list(client.iter_orders(orderType="REPLACEMENT")) == []
    assert len(list(client.iter_orders(orderType="REGULAR"))) == len(list(client.iter_orders()))


def test_released_lists_only_created_orders(shop):
    client, account, order = shop
    client.acknowledge(order["purchaseOrderId"])
    released = http.send(client.connection, "GET", "/v3/orders/released", params={"limit": "200"}).json()
    ids = {o["purchaseOrderId"] for o in released["list"]["elements"]["order"]}
    assert order["purchaseOrderId"] not in ids and ids


def test_ship_refusals_name_the_field(shop):
    client, account, order = shop
    path = f"/v3/orders/{order['purchaseOrderId']}/shipping"
    line = order["orderLines"]["orderLine"][0]
    body = shipment(line)
    del body["orderShipment"]["orderLines"]["orderLine"][0]["sellerOrderId"]
    status, error = refused(client, "POST", path, body)
    assert (status, error["field"]) == (400, "orderLines.orderLine[0].sellerOrderId")
    assert error["code"].startswith("MISSING_REQUEST_PARAM")
    status, error = refused(client, "POST", path, shipment(line, tracking={"carrierName": {"carrier": "Pony Express"}}))
    assert error["field"].endswith("trackingInfo.carrierName.carrier")
    status, error = refused(client, "POST", path, shipment(line, tracking={"carrierName": {"otherCarrier": "Pony"}}))
    assert error["field"].endswith("trackingInfo.trackingURL")
    status, error = refused(client, "POST", path, shipment(line, tracking={"methodCode": "Teleport"}))
    assert error["field"].endswith("trackingInfo.methodCode")
    status, error = refused(client, "POST", path, shipment(line, sellerOrderId="X" * 31))
    assert error["field"] == "orderLines.orderLine[0].sellerOrderId"
    assert Order.objects.get(account=account, purchase_order_id=order["purchaseOrderId"]).data == order


def test_partial_update_changes_tracking_only(shop):
    client, account, order = shop
    path = f"/v3/orders/{order['purchaseOrderId']}/shipping"
    line = order["orderLines"]["orderLine"][0]
    status, error = refused(client, "POST", path, {**shipment(line), "orderShipment": {
        **shipment(line)["orderShipment"], "processMode": "PARTIAL_UPDATE"}})
    assert "not shipped" in error["description"]
    http.send(client.connection, "POST", path, json=shipment(line))
    update = shipment(line, tracking={"trackingNumber": "1Z-NEW"})
    update["orderShipment"]["processMode"] = "PARTIAL_UPDATE"
    after = http.send(client.connection, "POST", path, json=update).json()["order"]
    shipped = [p for ln in after["orderLines"]["orderLine"] if ln["lineNumber"] == line["lineNumber"]
               for p in ln["orderLineStatuses"]["orderLineStatus"] if p["status"] == "Shipped"]
    assert [p["statusQuantity"]["amount"] for p in shipped] == ["1"]
    assert shipped[0]["trackingInfo"]["trackingNumber"] == "1Z-NEW"


def test_cancel_and_refund_refusals(shop):
    client, account, order = shop
    po = order["purchaseOrderId"]
    line = order["orderLines"]["orderLine"][0]
    too_many = {"orderCancellation": {"orderLines": {"orderLine": [{"lineNumber": line["lineNumber"],
        "orderLineStatuses": {"orderLineStatus": [{"status": "Cancelled", "cancellationReason": "SELLER_CANCEL_OUT_OF_STOCK",
                                                   "statusQuantity": {"unitOfMeasurement": "EACH", "amount": "99"}}]}}]}}}
    status, error = refused(client, "POST", f"/v3/orders/{po}/cancel", too_many)
    assert error["field"].endswith("statusQuantity.amount")
    bad_reason = {"orderCancellation": {"orderLines": {"orderLine": [{"lineNumber": line["lineNumber"],
        "orderLineStatuses": {"orderLineStatus": [{"status": "Cancelled", "cancellationReason": "BORED",
                                                   "statusQuantity": {"unitOfMeasurement": "EACH", "amount": "1"}}]}}]}}}
    status, error = refused(client, "POST", f"/v3/orders/{po}/cancel", bad_reason)
    assert error["field"].endswith("cancellationReason")
    http.send(client.connection, "POST", f"/v3/orders/{po}/shipping", json=shipment(line))
    positive = {"orderRefund": {"purchaseOrderId": po, "orderLines": {"orderLine": [{"lineNumber": line["lineNumber"],
        "refunds": {"refund": [{"refundCharges": {"refundCharge": [{"refundReason": "Others", "charge": {
            "chargeType": "PRODUCT", "chargeName": "Item Price",
            "chargeAmount": {"currency": "USD", "amount": 1.0}}}]}}]}}]}}}
    status, error = refused(client, "POST", f"/v3/orders/{po}/refund", positive)
    assert "negative" in error["description"] and error["field"].endswith("chargeAmount.amount")
    huge = positive
    huge["orderRefund"]["orderLines"]["orderLine"][0]["refunds"]["refund"][0]["refundCharges"]["refundCharge"][0][
        "charge"]["chargeAmount"]["amount"] = -100000
    status, error = refused(client, "POST", f"/v3/orders/{po}/refund", huge)
    assert "exceed" in error["description"]


def test_lists_refuse_bad_parameters_and_methods(shop):
    client, account, order = shop
    for params, field in (({"shipNodeType": "Drone"}, "shipNodeType"), ({"status": "Lost"}, "status"),
                          ({"createdStartDate": "last week"}, "createdStartDate"), ({"limit": "0"}, "limit")):
        with openapi.recording() as calls, pytest.raises(PermanentError):
            http.send(client.connection, "GET", "/v3/orders", params=params)
        assert calls[-1].json()["errors"]["error"][0]["field"] == field
    with openapi.recording() as calls, pytest.raises(PermanentError):
        http.send(client.connection, "GET", f"/v3/orders/{order['purchaseOrderId']}/acknowledge")
    assert calls[-1].status_code == 405
    ack = datetime.now(timezone.utc)
    client.acknowledge(order["purchaseOrderId"])
    stored = Order.objects.get(account=account, purchase_order_id=order["purchaseOrderId"])
    assert stored.last_modified >= ack - timedelta(seconds=5) and stored.status == "Acknowledged"


def test_overdue_lines_are_auto_cancelled_with_events(shop, advance):
    from sandbox.walmart import autocancel
    from sandbox.walmart.models import Event

    client, account, order = shop
    po = order["purchaseOrderId"]
    line = order["orderLines"]["orderLine"][0]
    client.ship(po, [ShipmentLine(line_number=line["lineNumber"], quantity=int(line["orderLineQuantity"]["amount"]),
                                  seller_order_id="S-1", carrier="UPS", tracking_number="1Z",
                                  ship_time=datetime.now(timezone.utc))])
    assert autocancel.cancel_overdue() == 0
    advance(3 * 86400)  # estimated ship date (at most 2 days out) + 1 day: not yet 4 days late
    assert autocancel.cancel_overdue() == 0
    advance(4 * 86400)
    open_orders = Order.objects.filter(account=account, status__in=["Created", "Acknowledged"]).exclude(
        ship_node_type="WFSFulfilled").count()
    assert open_orders and autocancel.cancel_overdue() == open_orders
    after = client.get_order(po)
    first = next(ln for ln in after["orderLines"]["orderLine"] if ln["lineNumber"] == line["lineNumber"])
    assert [p["status"] for p in first["orderLineStatuses"]["orderLineStatus"]] == ["Shipped"]
    for other in after["orderLines"]["orderLine"]:
        if other["lineNumber"] != line["lineNumber"]:
            assert other["orderLineStatuses"]["orderLineStatus"][-1]["cancellationReason"] == autocancel.DEFAULT_REASON
    assert Event.objects.filter(event_type="PO_LINE_AUTOCANCELLED").exists()
    assert not Order.objects.filter(account=account, status__in=["Created", "Acknowledged"]).exclude(
        ship_node_type="WFSFulfilled").exists()
    # Walmart fulfils WFS orders itself: they are never auto-cancelled for the seller.
    assert set(Order.objects.filter(account=account, ship_node_type="WFSFulfilled").values_list("status", flat=True)) \
        <= {"Created"}
