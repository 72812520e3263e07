"""Contract: every request our Walmart client sends for orders, returns and webhooks, and every
answer the emulator gives it, validates against Walmart's OpenAPI documents (openapi-core)."""

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.validation.request.exceptions import MissingRequiredParameter
from openapi_core.validation.response.exceptions import InvalidData

from connectors import http
from connectors.walmart.shipping import RefundCharge, RefundLine, ShipmentLine
from connectors.walmart.webhooks import EventSubscription, WebhookAuth
from sandbox import clock
from sandbox.walmart import generator
from tests.contract import openapi
from tests.contract.receiver import Receiver
from tests.contract.sellers import seller


def business_calls(calls):
    """The recorded calls to Walmart's business API (token calls are auth.json's, checked elsewhere)."""
    return [r for r in calls if "/v3/token" not in r.request.url]


def assert_all_valid(calls):
    assert calls, "nothing was recorded"
    for response in business_calls(calls):
        assert response.status_code == 200, response.text
        openapi.validate(response)


def test_orders_calls_match_the_orders_document(sandbox):
    client, account = seller(sandbox)
    orders = generator.generate_orders(account, 60, seed=101)
    order = next(o for o in orders if o["shipNode"]["type"] == "SellerFulfilled"
                 and len(o["orderLines"]["orderLine"]) >= 2)
    po = order["purchaseOrderId"]
    first, second = order["orderLines"]["orderLine"][:2]
    with openapi.recording() as calls:
        listed = list(client.iter_orders(limit=10, createdStartDate=clock.now() - timedelta(days=1)))
        list(client.iter_orders(shipNodeType="WFSFulfilled", status="Created"))
        client.get_order(po)
        client.acknowledge(po)
        client.ship(po, [ShipmentLine(line_number=first["lineNumber"], quantity=1, seller_order_id="SO-7",
                                      carrier="FedEx", tracking_number="7946", ship_time=datetime.now(timezone.utc),
                                      tracking_url="https://www.fedex.com/track/7946")])
        client.cancel(po, {second["lineNumber"]: 1}, "SELLER_CANCEL_OUT_OF_STOCK")
        client.refund(po, [RefundLine(line_number=first["lineNumber"], comments="late", charges=[
            RefundCharge(charge_type="PRODUCT", amount=Decimal("1.25"), tax=Decimal("0.10"),
                         reason="CustomerReceivedItemLate")])])
    assert len(listed) > 10  # several pages were followed
    assert_all_valid(calls)


def test_returns_calls_match_the_returns_document(sandbox):
    client, account = seller(sandbox)
    orders = [o for o in generator.generate_orders(account, 30, seed=102) if o["shipNode"]["type"] == "SellerFulfilled"]
    for order in orders[:12]:
        client.ship(order["purchaseOrderId"], [
            ShipmentLine(line_number=ln["lineNumber"], quantity=int(ln["orderLineQuantity"]["amount"]),
                         seller_order_id="SO-9", carrier="USPS", tracking_number="9400",
                         ship_time=datetime.now(timezone.utc)) for ln in order["orderLines"]["orderLine"]])
    made = generator.generate_returns(account, 12, seed=3)
    with openapi.recording() as calls:
        returns = list(client.iter_returns(limit=5))
        target = made[0]
        client.refund_return(target["returnOrderId"], target["customerOrderId"],
                             [target["returnOrderLines"][0]["returnOrderLineNumber"]])
    assert {r["returnOrderId"] for r in returns} == {r["returnOrderId"] for r in made}
    assert_all_valid(calls)


def test_webhook_calls_match_the_notifications_document(sandbox):
    client, account = seller(sandbox)
    with Receiver() as receiver, openapi.recording() as calls:
        client.event_types()
        auth = WebhookAuth(method="HMAC", header_name="X-Walmart-Signature", client_secret="s3cret-for-hmac")
        created = client.create_subscriptions([
            EventSubscription(event_type="PO_CREATED", resource_name="ORDER", event_url=receiver.url + "/hook",
                              auth=auth, headers={"X-Seller": "demo"})])
        subscription_id = created[0]["subscriptionId"]
        client.list_subscriptions()
        client.list_subscriptions(eventType="PO_CREATED")
        client.update_subscription(subscription_id, status="INACTIVE")
        client.test_webhook(EventSubscription(event_type="PO_CREATED", resource_name="ORDER",
                                              event_url=receiver.url + "/hook", auth=auth))
        client.delete_subscription(subscription_id)
    assert_all_valid(calls)


def test_the_validator_catches_a_broken_request_and_a_broken_answer(sandbox):
    """The contract check is not a rubber stamp: it fails on what breaks the documents."""
    client, account = seller(sandbox)
    order = generator.generate_orders(account, 1, seed=6)[0]
    with openapi.recording() as calls:
        client.get_order(order["purchaseOrderId"])
    response = business_calls(calls)[-1]
    openapi.validate(response)
    # A request without a header the document requires.
    response.request.headers.pop("WM_SVC.NAME")
    with pytest.raises(MissingRequiredParameter):
        openapi.validate(response, check_response=False)
    # A path the named document does not have.
    with openapi.recording() as calls:
        http.send(client.connection, "GET", "/v3/token/detail")
    with pytest.raises(PathNotFound):
        openapi.validate(calls[-1], "orders")
    # An answer whose order date is not epoch milliseconds.
    with openapi.recording() as calls:
        client.get_order(order["purchaseOrderId"])
    response = business_calls(calls)[-1]
    broken = response.json()
    broken["order"]["orderDate"] = "yesterday"
    response._content = json.dumps(broken).encode()
    with pytest.raises(InvalidData):
        openapi.validate(response)
