"""The Walmart returns client against the emulator: paging with a verbatim cursor, filters, refunds."""

from datetime import datetime, timedelta, timezone

import pytest

from connectors.errors import PermanentError
from connectors.walmart.shipping import ShipmentLine
from sandbox import clock
from sandbox.walmart import generator
from sandbox.walmart.models import ReturnOrder
from tests.contract import openapi
from tests.contract.sellers import seller


def ship_all(client, orders):
    for order in orders:
        client.ship(order["purchaseOrderId"], [
            ShipmentLine(line_number=ln["lineNumber"], quantity=int(ln["orderLineQuantity"]["amount"]),
                         seller_order_id="SO-1", carrier="USPS", tracking_number="9400111",
                         ship_time=datetime.now(timezone.utc)) for ln in order["orderLines"]["orderLine"]])


@pytest.fixture
def returns(sandbox):
    client, account = seller(sandbox)
    orders = [o for o in generator.generate_orders(account, 40, seed=81) if o["shipNode"]["type"] == "SellerFulfilled"]
    ship_all(client, orders[:12])
    return client, account, generator.generate_returns(account, 12, seed=2)


def test_paging_follows_the_cursor_verbatim(returns):
    client, account, made = returns
    with openapi.recording() as calls:
        got = list(client.iter_returns(limit=5))
    assert sorted(r["returnOrderId"] for r in got) == sorted(r["returnOrderId"] for r in made)
    pages = [r for r in calls if "/v3/returns" in r.request.url]
    assert [len(p.json()["returnOrders"]) for p in pages] == [5, 5, 2]
    for previous, response in zip(pages, pages[1:]):
        assert response.request.path_url == "/sandbox/walmart/v3/returns" + previous.json()["meta"]["nextCursor"]
    assert pages[-1].json()["meta"]["nextCursor"] == ""


def test_filters(returns, advance):
    client, account, made = returns
    target = made[0]
    assert [r["returnOrderId"] for r in client.iter_returns(customerOrderId=target["customerOrderId"])] == [
        target["returnOrderId"]]
    assert len(list(client.iter_returns(status="INITIATED"))) == 12
    assert list(client.iter_returns(status="COMPLETED")) == []
    assert list(client.iter_returns(returnCreationStartDate=clock.now() + timedelta(hours=1))) == []
    advance(120)
    since = clock.now()
    client.refund_return(target["returnOrderId"], target["customerOrderId"], [1])
    changed = list(client.iter_returns(returnLastModifiedStartDate=since))
    assert [r["returnOrderId"] for r in changed] == [target["returnOrderId"]]
    assert changed[0]["returnOrderLines"][0]["currentRefundStatus"] == "REFUNDED"


def test_refund_rules(returns):
    client, account, made = returns
    target = made[0]
    answer = client.refund_return(target["returnOrderId"], target["customerOrderId"], [1])
    assert answer == {"returnOrderId": target["returnOrderId"], "customerOrderId": target["customerOrderId"],
                      "refundLines": [{"returnOrderLineNumber": 1}]}
    with pytest.raises(PermanentError) as caught:
        client.refund_return(target["returnOrderId"], target["customerOrderId"], [1])
    assert "already refunded" in str(caught.value)
    with pytest.raises(PermanentError) as caught:
        client.refund_return(made[1]["returnOrderId"], "0000000000000", [1])
    assert "customerOrderId" in str(caught.value)
    with pytest.raises(PermanentError) as caught:
        client.refund_return("404404404", target["customerOrderId"], [1])
    assert caught.value.status == 404
    stored = ReturnOrder.objects.get(return_order_id=target["returnOrderId"])
    assert "|COMPLETED|" in stored.status


def test_no_returns_is_empty(sandbox):
    client, account = seller(sandbox)
    assert list(client.iter_returns()) == []
