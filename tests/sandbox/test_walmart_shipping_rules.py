"""POST /v3/orders/{purchaseOrderId}/shipping in the Walmart emulator, over real HTTP: how line
statuses split and keep each package's tracking, what Walmart refuses, PARTIAL_UPDATE, and how
`sandbox stats` counts packages and a tracking number confirmed twice. Every accepted call is
validated against orders.json (requests and responses), refused ones on the request side."""

import copy
import random

import pytest

from connectors import http
from connectors.errors import PermanentError
from sandbox import clock
from sandbox.walmart import generator, loader, stats
from sandbox.walmart.models import Order
from tests.contract import openapi
from tests.contract.sellers import seller

SHIP_MS = 1700000000000


def three_and_two(account):
    """A seller-fulfilled PO with line 1 of 3 units and line 2 of 2 units, both Created."""
    order = generator.build_order(random.Random(7), set(), clock.now())
    order["shipNode"] = {"type": "SellerFulfilled", "name": "Dallas DC", "id": "721407"}
    first = order["orderLines"]["orderLine"][0]
    second = copy.deepcopy(first)
    for line, number, units in ((first, "1", 3), (second, "2", 2)):
        line["lineNumber"] = number
        line["orderLineQuantity"]["amount"] = str(units)
        line["orderLineStatuses"] = {"orderLineStatus": [
            {"status": "Created", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(units)}}]}
    order["orderLines"]["orderLine"] = [first, second]
    loader.load_orders(order, account, deliver=False)
    return order["purchaseOrderId"]


def package(units, tracking_number, **tracking):
    info = {"shipDateTime": SHIP_MS, "carrierName": {"carrier": "UPS"}, "methodCode": "Standard",
            "trackingNumber": tracking_number, **tracking}
    return {"status": "Shipped", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(units)},
            "trackingInfo": info}


def shipment(*lines, process_mode=None, seller_order_id="SO-1"):
    """lines: (lineNumber, [package, ...])."""
    body = {"orderShipment": {"orderLines": {"orderLine": [
        {"lineNumber": number, "sellerOrderId": seller_order_id, "orderLineStatuses": {"orderLineStatus": packages}}
        for number, packages in lines]}}}
    if process_mode:
        body["orderShipment"]["processMode"] = process_mode
    return body


@pytest.fixture
def shop(sandbox):
    client, account = seller(sandbox)
    return client, account, three_and_two(account)


def post(client, path, body=None):
    with openapi.recording() as calls:
        response = http.send(client.connection, "POST", path, json=body)
    openapi.validate(calls[-1])
    return response.json()["order"]


def ship(client, po, body):
    return post(client, f"/v3/orders/{po}/shipping", body)


def refused(client, path, body, *, valid_request=True):
    with openapi.recording() as calls, pytest.raises(PermanentError):
        http.send(client.connection, "POST", path, json=body)
    if valid_request:
        openapi.validate(calls[-1], check_response=False)
    assert calls[-1].status_code == 400
    return calls[-1].json()["errors"]["error"][0]


def get(client, po):
    with openapi.recording() as calls:
        order = http.send(client.connection, "GET", f"/v3/orders/{po}").json()["order"]
    openapi.validate(calls[-1])
    return order


def statuses(order, number):
    """[(status, amount, trackingNumber or None)] of one line."""
    line = next(ln for ln in order["orderLines"]["orderLine"] if ln["lineNumber"] == number)
    return [(p["status"], p["statusQuantity"]["amount"], (p.get("trackingInfo") or {}).get("trackingNumber"))
            for p in line["orderLineStatuses"]["orderLineStatus"]]


def test_full_shipment_keeps_each_packages_tracking(shop):
    client, account, po = shop
    post(client, f"/v3/orders/{po}/acknowledge")
    ship(client, po, shipment(
        ("1", [package(3, "T1")]),
        ("2", [package(2, "PONY-9", carrierName={"otherCarrier": "Pony Express"}, methodCode="Express",
                       trackingURL="https://pony.example/track/PONY-9")])))
    order = get(client, po)
    assert statuses(order, "1") == [("Shipped", "3", "T1")]
    assert statuses(order, "2") == [("Shipped", "2", "PONY-9")]
    line2 = order["orderLines"]["orderLine"][1]
    assert line2["orderLineStatuses"]["orderLineStatus"][0]["trackingInfo"] == {
        "shipDateTime": SHIP_MS, "carrierName": {"otherCarrier": "Pony Express"}, "methodCode": "Express",
        "trackingNumber": "PONY-9", "trackingURL": "https://pony.example/track/PONY-9"}
    assert line2["sellerOrderId"] == "SO-1"
    assert Order.objects.get(purchase_order_id=po).status == "Shipped"
    assert stats.documents()["shipments"] == 2 and stats.duplicate_references() == 0


def test_partial_then_rest(shop):
    client, account, po = shop
    post(client, f"/v3/orders/{po}/acknowledge")
    after = ship(client, po, shipment(("1", [package(1, "T1")])))
    assert sorted(statuses(after, "1")) == [("Acknowledged", "2", None), ("Shipped", "1", "T1")]
    assert Order.objects.get(purchase_order_id=po).line_statuses == "|Acknowledged|Shipped|"
    ship(client, po, shipment(("1", [package(2, "T2")])))
    assert sorted(statuses(get(client, po), "1")) == [("Shipped", "1", "T1"), ("Shipped", "2", "T2")]
    assert stats.documents()["shipments"] == 2


def test_shipping_an_unacknowledged_line_acknowledges_the_rest(shop):
    client, account, po = shop
    after = ship(client, po, shipment(("1", [package(1, "T1")])))
    assert sorted(statuses(after, "1")) == [("Acknowledged", "2", None), ("Shipped", "1", "T1")]
    assert statuses(after, "2") == [("Created", "2", None)]  # other lines stay as they were


def test_two_packages_for_one_line(shop):
    client, account, po = shop
    ship(client, po, shipment(("1", [package(1, "T1"), package(2, "T2", carrierName={"carrier": "FedEx"})])))
    order = get(client, po)
    assert statuses(order, "1") == [("Shipped", "1", "T1"), ("Shipped", "2", "T2")]
    assert order["orderLines"]["orderLine"][0]["orderLineStatuses"]["orderLineStatus"][1]["trackingInfo"][
        "carrierName"] == {"carrier": "FedEx"}
    assert stats.documents()["shipments"] == 2 and stats.duplicate_references() == 0


def test_more_than_the_open_quantity_is_refused(shop):
    client, account, po = shop
    path = f"/v3/orders/{po}/shipping"
    error = refused(client, path, shipment(("1", [package(4, "T1")])))
    assert error["code"] == "INVALID_REQUEST_CONTENT.GMP_ORDER_API"
    assert error["field"] == "orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].statusQuantity.amount"
    ship(client, po, shipment(("1", [package(2, "T1")])))
    error = refused(client, path, shipment(("1", [package(2, "T2")])))
    assert "only 1" in error["description"]
    # Two packages that together exceed the line are refused whole: nothing of the call is kept.
    refused(client, path, shipment(("2", [package(1, "T3"), package(2, "T4")])))
    order = get(client, po)
    assert sorted(statuses(order, "1")) == [("Acknowledged", "1", None), ("Shipped", "2", "T1")]
    assert statuses(order, "2") == [("Created", "2", None)]


def cancellation(number, units):
    return {"orderCancellation": {"orderLines": {"orderLine": [{"lineNumber": number, "orderLineStatuses": {
        "orderLineStatus": [{"status": "Cancelled", "cancellationReason": "SELLER_CANCEL_OUT_OF_STOCK",
                             "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(units)}}]}}]}}}


def test_a_cancelled_line_cannot_be_shipped(shop):
    client, account, po = shop
    post(client, f"/v3/orders/{po}/cancel", cancellation("2", 2))
    error = refused(client, f"/v3/orders/{po}/shipping", shipment(("2", [package(1, "T1")])))
    assert error["field"] == "orderLines.orderLine[0].lineNumber" and "cancelled" in error["description"]
    post(client, f"/v3/orders/{po}/cancel", cancellation("1", 1))  # partly cancelled: 2 units left
    refused(client, f"/v3/orders/{po}/shipping", shipment(("1", [package(3, "T1")])))
    after = ship(client, po, shipment(("1", [package(2, "T1")])))
    assert sorted(statuses(after, "1")) == [("Cancelled", "1", None), ("Shipped", "2", "T1")]


def test_shipped_units_cannot_be_cancelled(shop):
    client, account, po = shop
    ship(client, po, shipment(("2", [package(2, "T1")])))
    error = refused(client, f"/v3/orders/{po}/cancel", cancellation("2", 1))
    assert error["field"].endswith("statusQuantity.amount") and "2 already shipped" in error["description"]
    ship(client, po, shipment(("1", [package(1, "T2")])))
    refused(client, f"/v3/orders/{po}/cancel", cancellation("1", 3))
    after = post(client, f"/v3/orders/{po}/cancel", cancellation("1", 2))
    assert sorted(statuses(after, "1")) == [("Cancelled", "2", None), ("Shipped", "1", "T2")]


def test_missing_seller_order_id_and_other_carrier_without_url_are_refused(shop):
    client, account, po = shop
    path = f"/v3/orders/{po}/shipping"
    error = refused(client, path, shipment(("1", [package(1, "T1")]), seller_order_id=""), valid_request=False)
    assert (error["code"], error["field"]) == ("MISSING_REQUEST_PARAM.GMP_ORDER_API", "orderLines.orderLine[0].sellerOrderId")
    no_url = shipment(("1", [package(1, "T1", carrierName={"otherCarrier": "Pony Express"})]))
    error = refused(client, path, no_url)
    assert error["field"] == "orderLines.orderLine[0].orderLineStatuses.orderLineStatus[0].trackingInfo.trackingURL"
    assert statuses(get(client, po), "1") == [("Created", "3", None)]


def test_partial_update_changes_tracking_without_shipping_more(shop):
    client, account, po = shop
    path = f"/v3/orders/{po}/shipping"
    ship(client, po, shipment(("1", [package(1, "T1"), package(1, "T2")])))
    # The package named by its number gets a corrected carrier and URL.
    ship(client, po, shipment(("1", [package(1, "T2", carrierName={"carrier": "FedEx"},
                                             trackingURL="https://fedex.example/T2")]), process_mode="PARTIAL_UPDATE"))
    order = get(client, po)
    assert sorted(statuses(order, "1")) == [("Acknowledged", "1", None), ("Shipped", "1", "T1"), ("Shipped", "1", "T2")]
    parts = order["orderLines"]["orderLine"][0]["orderLineStatuses"]["orderLineStatus"]
    t2 = next(p for p in parts if (p.get("trackingInfo") or {}).get("trackingNumber") == "T2")
    assert t2["trackingInfo"]["carrierName"] == {"carrier": "FedEx"} and t2["trackingInfo"]["trackingURL"].endswith("/T2")
    # A new number for one of two packages of the same size: Walmart cannot tell which one.
    error = refused(client, path, shipment(("1", [package(1, "T9")]), process_mode="PARTIAL_UPDATE"))
    assert error["field"].endswith("trackingInfo.trackingNumber")
    # A line with one package takes a corrected number; a line not shipped is refused.
    ship(client, po, shipment(("2", [package(2, "T3")])))
    after = ship(client, po, shipment(("2", [package(2, "T3-FIXED")]), process_mode="PARTIAL_UPDATE"))
    assert statuses(after, "2") == [("Shipped", "2", "T3-FIXED")]
    assert stats.documents()["shipments"] == 3 and stats.duplicate_references() == 0


def test_partial_update_of_an_unshipped_line_is_refused(shop):
    client, account, po = shop
    error = refused(client, f"/v3/orders/{po}/shipping", shipment(("1", [package(1, "T1")]), process_mode="PARTIAL_UPDATE"))
    assert "not shipped" in error["description"]
    assert statuses(get(client, po), "1") == [("Created", "3", None)]


def test_a_tracking_number_confirmed_twice_is_a_duplicate(shop):
    client, account, po = shop
    ship(client, po, shipment(("1", [package(1, "T1")])))
    assert stats.duplicate_references() == 0
    # A connector that lost the first answer and sent the same package again: Walmart takes it.
    after = ship(client, po, shipment(("1", [package(1, "T1")])))
    assert statuses(after, "1") == [("Acknowledged", "1", None), ("Shipped", "1", "T1"), ("Shipped", "1", "T1")]
    assert stats.duplicate_references() == 1
    assert stats.documents()["shipments"] == 1  # one package number, confirmed twice
