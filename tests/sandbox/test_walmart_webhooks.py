"""Webhook deliveries from the Walmart emulator reach a real receiver with the subscription's auth,
and are retried (3 attempts in all) on the sandbox clock."""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest
from django.db import connection as db

from audit.models import AuditEvent
from connectors.errors import PermanentError
from connectors.walmart.shipping import ShipmentLine
from connectors.walmart.webhooks import EventSubscription, WebhookAuth
from sandbox.walmart import generator, loader, webhooks
from sandbox.walmart.models import Delivery, Subscription
from tests.contract.receiver import Receiver
from tests.contract.sellers import seller


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def subscribe(client, url, auth=None, event_type="PO_CREATED", resource="ORDER", **extra):
    return client.create_subscriptions([EventSubscription(event_type=event_type, resource_name=resource,
                                                          event_url=url, auth=auth, **extra)])[0]["subscriptionId"]


def documents(receiver):
    return [json.loads(r["body"]) for r in receiver.events()]


def test_basic_auth_delivery_with_custom_headers(sandbox, receiver):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hooks/orders", WebhookAuth(method="BASIC_AUTH", user_name="walmart",
                                                                   password="pa55-word"), headers={"X-Shop": "demo"})
    orders = generator.generate_orders(account, 2, seed=61)
    got = receiver.events()
    assert len(got) == 2
    for request in got:
        assert request["path"] == "/hooks/orders"
        assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"walmart:pa55-word").decode()
        assert request["headers"]["X-Shop"] == "demo"
        assert request["headers"]["Content-Type"] == "application/json"
    docs = documents(receiver)
    assert {d["payload"]["purchaseOrderId"] for d in docs} == {o["purchaseOrderId"] for o in orders}
    for doc in docs:
        assert doc["source"]["eventType"] == "PO_CREATED"
        assert doc["source"]["eventTime"].endswith("Z") and len(doc["source"]["eventId"]) == 36
        assert doc["payload"]["orderLines"][0]["status"] == "CREATED"
    assert set(Delivery.objects.values_list("status", "attempts", "last_status_code")) == {("delivered", 1, 200)}


@pytest.mark.parametrize("encoding", ["base64", "hex"])
def test_hmac_signature_of_the_raw_body(sandbox, receiver, encoding):
    client, account = seller(sandbox)
    secret = "hmac-shared-secret-42"
    subscribe(client, receiver.url + "/hook", WebhookAuth(method="HMAC", header_name="X-Walmart-Signature",
                                                          client_secret=secret))
    if encoding == "hex":  # the sandbox's setting for Walmart's undocumented encoding
        Subscription.objects.update(hmac_encoding="hex")
    generator.generate_orders(account, 1, seed=62)
    [request] = receiver.events()
    digest = hmac.new(secret.encode(), request["body"], hashlib.sha256).digest()
    expected = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    assert request["headers"]["X-Walmart-Signature"] == expected


def test_hmac_known_answer():
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    body = b"what do ya want for nothing?"
    assert webhooks.signature("Jefe", body, "hex") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    assert webhooks.signature("Jefe", body) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="


def test_oauth_gets_a_token_from_the_auth_url_and_reuses_it(sandbox, receiver):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hook", WebhookAuth(method="OAUTH", client_id="wm-client", client_secret="oauth-s",
                                                          auth_url=receiver.url + "/token"))
    generator.generate_orders(account, 3, seed=63)
    token_requests = [r for r in receiver.requests if r["path"] == "/token"]
    assert len(token_requests) == 1
    grant = token_requests[0]
    assert grant["body"] == b"grant_type=client_credentials"
    assert grant["headers"]["Authorization"] == "Basic " + base64.b64encode(b"wm-client:oauth-s").decode()
    assert grant["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    events = receiver.events()
    assert len(events) == 3
    assert all(r["headers"]["Authorization"] == "Bearer " + receiver.token for r in events)


def test_oauth_refusal_is_a_failed_attempt(sandbox, receiver):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hook", WebhookAuth(method="OAUTH", client_id="c", client_secret="s",
                                                          auth_url=receiver.url + "/token"))
    receiver.token_status = 401
    generator.generate_orders(account, 1, seed=64)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 401
    assert receiver.events() == []


def test_three_attempts_in_all_on_the_sandbox_clock(sandbox, receiver, advance):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hook")
    receiver.status = 503
    generator.generate_orders(account, 1, seed=65)
    assert len(receiver.events()) == 1
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}  # not due yet
    advance(59)
    assert webhooks.deliver_due()["retrying"] == 0
    advance(1)
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 1, "failed": 0}
    advance(299)
    assert webhooks.deliver_due()["failed"] == 0
    advance(1)
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 0, "failed": 1}
    advance(3600)
    assert webhooks.deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}
    assert len(receiver.events()) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 503)
    # Every attempt carried the same event.
    assert len({json.loads(r["body"])["source"]["eventId"] for r in receiver.events()}) == 1


def test_a_retry_that_succeeds_and_configurable_intervals(sandbox, receiver, advance):
    client, account = seller(sandbox, webhook_retry_intervals=[10, 20])
    subscribe(client, receiver.url + "/hook")
    receiver.status = 500
    generator.generate_orders(account, 1, seed=66)
    receiver.status = 204
    advance(10)
    assert webhooks.deliver_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    assert Delivery.objects.get().attempts == 2


def test_an_attempt_cut_short_is_made_again_after_its_lease(sandbox, receiver, advance):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hook")
    generator.generate_orders(account, 1, seed=69, deliver=False)
    delivery = Delivery.objects.select_related("subscription__account").get()
    assert webhooks._claim(delivery, delivery.next_attempt_at)  # a worker took it, then died
    assert webhooks.deliver_due()["delivered"] == 0
    advance(3 * webhooks.DEFAULT_TIMEOUT + 30)
    assert webhooks.deliver_due()["delivered"] == 1
    assert len(receiver.events()) == 1 and Delivery.objects.get().attempts == 2


def test_an_unreachable_receiver_is_retried(sandbox, advance):
    client, account = seller(sandbox)
    subscribe(client, "http://127.0.0.1:9/hook")
    generator.generate_orders(account, 1, seed=67)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status_code is None and "Connection" in delivery.last_error


def test_order_updates_cancellations_returns_and_inactive_subscriptions(sandbox, receiver):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/updates", event_type="ORDER_UPDATES")
    subscribe(client, receiver.url + "/cancelled", event_type="PO_LINE_AUTOCANCELLED")
    subscribe(client, receiver.url + "/returns", event_type="RETURN_CREATED", resource="ReturnsAndRefunds")
    quiet = subscribe(client, receiver.url + "/quiet", event_type="PO_CREATED")
    client.update_subscription(quiet, status="INACTIVE")
    orders = [o for o in generator.generate_orders(account, 10, seed=68) if o["shipNode"]["type"] == "SellerFulfilled"]
    updates = [d for d in documents(receiver) if d["source"]["eventType"] == "ORDER_UPDATES"]
    assert len(updates) == 10 and all(d["payload"]["subEventType"] == "PO_CREATED" for d in updates)
    assert not [r for r in receiver.events() if r["path"] == "/quiet"]

    order = orders[0]
    line = order["orderLines"]["orderLine"][0]
    client.cancel(order["purchaseOrderId"], {line["lineNumber"]: 1}, "SELLER_CANCEL_OUT_OF_STOCK")
    webhooks.deliver_due()
    cancelled = [json.loads(r["body"]) for r in receiver.events() if r["path"] == "/cancelled"]
    assert len(cancelled) == 1
    assert cancelled[0]["payload"]["orderLines"][0]["cancellationReason"] == "SELLER_CANCEL_OUT_OF_STOCK"
    assert [d["payload"]["subEventType"] for d in documents(receiver)
            if d["source"]["eventType"] == "ORDER_UPDATES"].count("PO_LINE_AUTOCANCELLED") == 1

    shipped = orders[1]
    client.ship(shipped["purchaseOrderId"], [
        ShipmentLine(line_number=ln["lineNumber"], quantity=int(ln["orderLineQuantity"]["amount"]),
                     seller_order_id="S-1", carrier="UPS", tracking_number="1Z", ship_time=datetime.now(timezone.utc))
        for ln in shipped["orderLines"]["orderLine"]])
    made = generator.generate_returns(account, 1, seed=1)
    returns = [json.loads(r["body"]) for r in receiver.events() if r["path"] == "/returns"]
    assert len(returns) == 1
    assert returns[0]["payload"]["returnOrders"][0]["returnOrderId"] == made[0]["returnOrderId"]
    assert returns[0]["payload"]["returnOrders"][0]["purchaseOrderId"] == shipped["purchaseOrderId"]


def test_loading_a_capture_delivers_right_away(sandbox, receiver):
    client, account = seller(sandbox)
    subscribe(client, receiver.url + "/hook")
    order = generator.build_order(__import__("random").Random(1), set(), datetime.now(timezone.utc))
    loader.load_orders({"order": order}, account)
    assert [d["payload"]["purchaseOrderId"] for d in documents(receiver)] == [order["purchaseOrderId"]]


def test_test_endpoint_validates_the_receiver(sandbox, receiver):
    client, account = seller(sandbox)
    event = EventSubscription(event_type="PO_CREATED", resource_name="ORDER", event_url=receiver.url + "/hook",
                              auth=WebhookAuth(method="BASIC_AUTH", user_name="u", password="p"))
    assert client.test_webhook(event) == "Eventurl successfully validated"
    assert receiver.events()[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    sample = json.loads(receiver.events()[0]["body"])
    assert sample["source"]["eventType"] == "PO_CREATED" and sample["payload"]["purchaseOrderId"]
    updates = EventSubscription(event_type="ORDER_UPDATES", resource_name="ORDER", event_url=receiver.url + "/u")
    client.test_webhook(updates)
    assert json.loads(receiver.events()[-1]["body"])["payload"]["subEventType"] == "PO_CREATED"
    receiver.status = 401
    with pytest.raises(PermanentError) as caught:
        client.test_webhook(event)
    assert "401" in str(caught.value)


def test_subscription_rules_and_secrets_at_rest(sandbox, receiver):
    client, account = seller(sandbox)
    secret = "never-in-plaintext-9f8e7d"
    sid = subscribe(client, receiver.url + "/hook", WebhookAuth(method="HMAC", client_secret=secret))
    with pytest.raises(PermanentError) as caught:
        subscribe(client, receiver.url + "/other")
    assert "already exists" in str(caught.value)
    with pytest.raises(PermanentError):
        subscribe(client, receiver.url + "/x", event_type="NO_SUCH_EVENT")
    with pytest.raises(PermanentError):
        subscribe(client, receiver.url + "/x", event_type="RETURN_CREATED", resource="ORDER")
    audit_before = AuditEvent.objects.count()
    listed = client.list_subscriptions()
    excerpts = AuditEvent.objects.order_by("id")[audit_before:]
    assert excerpts and all(secret not in (e.request_excerpt + e.response_excerpt) for e in excerpts)
    assert [s["subscriptionId"] for s in listed] == [sid]
    assert listed[0]["authDetails"]["clientSecret"] == secret  # echoed as Walmart's example does
    with db.cursor() as cursor:
        cursor.execute(f"SELECT client_secret FROM {Subscription._meta.db_table}")
        raw = cursor.fetchone()[0]
    raw = bytes(raw).decode("latin-1") if isinstance(raw, (bytes, memoryview)) else str(raw)
    assert secret not in raw
    updated = client.update_subscription(sid, event_url=receiver.url + "/moved")
    assert updated["eventUrl"] == receiver.url + "/moved"
    assert client.delete_subscription(sid)["message"] == "Successfully deleted subscription"
    assert client.list_subscriptions() == []
    types = {(e["resourceName"], e["eventType"]) for e in client.event_types()}
    assert {("ORDER", "PO_CREATED"), ("ORDER", "ORDER_UPDATES"), ("ReturnsAndRefunds", "RETURN_CREATED")} <= types
