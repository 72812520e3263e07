"""What the real Walmart client makes of rate limits, token expiry and each sandbox fault on orders calls."""

import time

import pytest

from connectors.errors import AmbiguousOutcome, RecoverableError
from connectors.models import RateLimitBucket
from sandbox import clock
from sandbox.models import Call, Fault
from sandbox.walmart import generator
from sandbox.walmart.models import Order
from tests.contract.sellers import seller


def orders_calls(**filters):
    return Call.objects.filter(system="walmart", path__startswith="/sandbox/walmart/v3/orders", **filters).count()


def fault(mode, **values):
    return Fault.objects.create(system="walmart", mode=mode, starts_at=clock.now(), path_contains="/v3/orders",
                                **values)


@pytest.fixture
def shop(sandbox):
    client, account = seller(sandbox)
    orders = generator.generate_orders(account, 8, seed=41)
    order = next(o for o in orders if o["shipNode"]["type"] == "SellerFulfilled")
    client.get_order(order["purchaseOrderId"])  # token obtained before any fault
    return client, account, order["purchaseOrderId"]


def test_the_limiter_holds_calls_back_when_walmart_says_no_tokens_are_left(sandbox):
    client, account = seller(sandbox, rate_limits={"orders.list": [2, 60]})
    generator.generate_orders(account, 3, seed=1)
    po = Order.objects.filter(account=account).first().purchase_order_id
    client.get_order(po)
    client.get_order(po)  # X-Current-Token-Count: 0, replenished in 30 s
    sent = orders_calls()
    with pytest.raises(RecoverableError) as caught:
        client.get_order(po)
    assert caught.value.status is None and 25 < caught.value.retry_after <= 31
    assert orders_calls() == sent  # held back by the shared limiter, never sent


def test_a_429_is_observed_by_the_real_client(sandbox):
    keys = {"client_id": "seller-1", "client_secret": "seller-1-secret-value", "rate_limits": {"orders.list": [2, 60]}}
    client, account = seller(sandbox, **keys)
    generator.generate_orders(account, 3, seed=1)
    po = Order.objects.filter(account=account).first().purchase_order_id
    client.get_order(po)
    client.get_order(po)
    # A second connection to the same seller (another integration) has not seen those headers.
    other, _ = seller(sandbox, "wm-other", **keys)
    with pytest.raises(RecoverableError) as caught:
        other.get_order(po)
    assert caught.value.status == 429 and 0 < caught.value.retry_after <= 31
    response = Call.objects.filter(system="walmart", status=429).get()
    assert response.path.endswith(po)
    bucket = RateLimitBucket.objects.get(connection=other.connection, key="orders.list")
    assert bucket.tokens == 0 and bucket.throttled == 1 and bucket.blocked_until is not None
    sent = orders_calls()
    with pytest.raises(RecoverableError):
        other.get_order(po)
    assert orders_calls() == sent


def test_headers_keep_the_limiter_in_step(sandbox):
    client, account = seller(sandbox, rate_limits={"orders.list": [50, 60]})
    generator.generate_orders(account, 1, seed=1)
    po = Order.objects.get(account=account).purchase_order_id
    client.get_order(po)
    bucket = RateLimitBucket.objects.get(connection=client.connection, key="orders.list")
    assert bucket.tokens == 49  # X-Current-Token-Count replaced our own estimate of 5000


def test_an_expired_token_on_an_orders_call_is_refreshed_once(shop):
    client, account, po = shop
    clock.advance(901)  # Walmart's clock says the token expired; ours does not know yet
    assert client.get_order(po)["purchaseOrderId"] == po
    assert orders_calls(status=401) == 1
    assert Call.objects.filter(system="walmart", path="/sandbox/walmart/v3/token").count() == 2


def test_latency_is_only_slower(shop):
    client, account, po = shop
    fault("latency", seconds=0.4)
    started = time.monotonic()
    assert client.get_order(po)["purchaseOrderId"] == po
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("mode,status", [("error", 500), ("outage", 503)])
def test_server_errors_and_outages_are_recoverable(shop, mode, status):
    client, account, po = shop
    fault(mode)
    with pytest.raises(RecoverableError) as caught:
        list(client.iter_orders())
    assert caught.value.status == status


def test_throttle_storm_is_recoverable_with_a_wait(shop):
    client, account, po = shop
    fault("throttle", seconds=45)
    with pytest.raises(RecoverableError) as caught:
        client.get_order(po)
    assert caught.value.status == 429
    assert 40 <= caught.value.retry_after <= 46


def test_timeout_on_a_read_is_recoverable(shop):
    client, account, po = shop
    client.connection.config = {**client.connection.config, "read_timeout": 1}
    client.connection.save()
    fault("timeout", seconds=2)
    with pytest.raises(RecoverableError):
        client.get_order(po)


def test_timeout_on_acknowledge_is_ambiguous(shop):
    client, account, po = shop
    client.connection.config = {**client.connection.config, "read_timeout": 1}
    client.connection.save()
    fault("timeout", seconds=2, method="POST")
    with pytest.raises(AmbiguousOutcome):
        client.acknowledge(po)


def test_drop_after_commit_on_acknowledge_is_ambiguous_and_took_effect(shop):
    client, account, po = shop
    fault("drop_after_commit", method="POST")
    with pytest.raises(AmbiguousOutcome):
        client.acknowledge(po)
    stored = Order.objects.get(account=account, purchase_order_id=po)
    statuses = {p["status"] for line in stored.data["orderLines"]["orderLine"]
                for p in line["orderLineStatuses"]["orderLineStatus"]}
    assert statuses == {"Acknowledged"}
    # Reconciling by reading the order back shows the acknowledgement happened.
    Fault.objects.all().delete()
    assert stored.status == "Acknowledged" == client.get_order(po)["orderLines"]["orderLine"][0][
        "orderLineStatuses"]["orderLineStatus"][0]["status"]
