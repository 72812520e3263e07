"""Returns from the Walmart emulator, through our webhook endpoint and the inbox, into MarketplaceReturns:
each stored once per integration whatever the duplicate deliveries, read again by REST, linked to
their orders once those arrive, and Walmart trouble leaves rows waiting, not lost."""

import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from connectors.models import Connection
from sandbox import clock, credentials
from sandbox.models import Fault
from sandbox.walmart import events, lines, loader, records
from sandbox.walmart.generator import generate_orders, generate_returns
from sandbox.walmart.models import Event, Order
from sandbox.walmart.seed import provision_connection
from syncs.intake.verify import hmac_signatures
from syncs.models import InboxEvent, Integration, MarketplaceOrder, MarketplaceReturn
from syncs.orders.inbox import process_account as process_orders
from syncs.orders.poll import poll_account
from syncs.returns.inbox import process_account
from syncs.returns.normalise import link_waiting
from tests.syncs.conftest import KAT_SECRET, deliver

S = MarketplaceReturn.Status
EXAMPLES = Path(settings.BASE_DIR) / "tests" / "contract" / "walmart" / "examples"


@pytest.fixture
def walmart(sandbox):
    return provision_connection("wm", sandbox)


def account_of(conn):
    return credentials.find_account("walmart", conn.typed_config.client_id)


def integration_for(walmart, slug="acme", system="exact_online"):
    erp = Connection.objects.create(name=f"erp-{slug}", system=system, config={})
    integ = Integration(slug=slug, name=slug, walmart=walmart, erp=erp, enabled_flows=["orders_in", "returns_in"],
                        webhook_auth="hmac", webhook_header="X-Walmart-Signature")
    integ.set_webhook_secret(KAT_SECRET)
    integ.save()
    return integ


def ship_some(account, count):
    """Ship the first `count` seller-fulfilled orders in the emulator, as the demo seed does."""
    now_ms = records.to_ms(clock.now())
    for order in Order.objects.filter(account=account, ship_node_type="SellerFulfilled").order_by("id")[:count]:
        data = order.data
        lines.ship(data, {"orderShipment": {"orderLines": {"orderLine": [
            {"lineNumber": line["lineNumber"], "sellerOrderId": "S-1", "orderLineStatuses": {"orderLineStatus": [{
                "status": "Shipped",
                "statusQuantity": {"unitOfMeasurement": "EACH", "amount": line["orderLineQuantity"]["amount"]},
                "trackingInfo": {"shipDateTime": now_ms, "carrierName": {"carrier": "UPS"}, "methodCode": "Standard",
                                 "trackingNumber": "1Z999AA10000000001"}}]}}
            for line in lines.order_lines(data)]}}}, now_ms)
        records.update_order(order, data)


def send(client, envelope, slug="acme"):
    body = json.dumps(envelope).encode()
    return deliver(client, body, slug=slug, **{"X-Walmart-Signature": hmac_signatures(KAT_SECRET, body)[0]})


def deliver_return_events(client, account, slug="acme"):
    """POST every RETURN_CREATED event the emulator raised to our endpoint, the way Walmart would."""
    return [send(client, events.envelope(event), slug) for event in Event.objects.filter(
        account=account, event_type="RETURN_CREATED").order_by("id")]


@pytest.fixture
def returned(walmart):
    """Six orders shipped and returned in the emulator; the Walmart side of every test below."""
    account = account_of(walmart)
    generate_orders(account, 20, seed=11, deliver=False)
    ship_some(account, 6)
    made = generate_returns(account, 6, seed=12, deliver=False)
    assert len(made) == 6
    return made


def test_returns_are_stored_once_whatever_the_duplicates(walmart, returned, client):
    integ = integration_for(walmart)
    first = deliver_return_events(client, account_of(walmart))
    assert [r.json()["status"] for r in first] == ["accepted"] * 6
    # Walmart retries, and a second integration's URL on the same account gets the same events.
    integration_for(walmart, "acme-2", "infor_m3")
    assert all(r.json()["status"] == "duplicate" for r in deliver_return_events(client, account_of(walmart)))
    assert all(r.json()["status"] == "duplicate" for r in deliver_return_events(client, account_of(walmart), "acme-2"))
    assert InboxEvent.objects.filter(kind="return").count() == 6

    assert process_account(walmart) == {"processed": 6, "failed": 0, "retry": 0}
    assert process_account(walmart) == {"processed": 0, "failed": 0, "retry": 0}
    for integration in Integration.objects.all():
        assert MarketplaceReturn.objects.filter(integration=integration).count() == 6
    for made in returned:
        stored = MarketplaceReturn.objects.get(integration=integ, return_order_id=made["returnOrderId"])
        total = Decimal(str(made["totalRefundAmount"]["currencyAmount"]))
        assert stored.complete and stored.total_refund_amount == total  # read again by REST, not the thin event
        assert sum(line.line_total for line in stored.lines.all()) == total
        assert stored.lines.count() == len(made["returnOrderLines"])
        assert stored.raw == made


def test_returns_wait_for_their_orders_then_are_linked(walmart, returned, client):
    integ = integration_for(walmart)
    deliver_return_events(client, account_of(walmart))
    process_account(walmart)
    assert set(MarketplaceReturn.objects.values_list("status", flat=True)) == {S.WAITING_FOR_ORDER}
    # The orders arrive by the orders flow (a poll here), then the waiting returns are linked.
    poll_account(walmart)
    process_orders(walmart)
    assert link_waiting(integ) == 6
    for stored in MarketplaceReturn.objects.filter(integration=integ):
        assert stored.status == S.PENDING
        assert stored.order == MarketplaceOrder.objects.get(integration=integ, purchase_order_id=stored.purchase_order_id)
        assert all(line.order_line is not None and line.order_line.sku == line.sku for line in stored.lines.all())


def test_a_return_walmart_does_not_know_fails_with_the_reason(walmart, returned):
    integration_for(walmart)
    made = returned[0]
    InboxEvent.objects.create(account=walmart, dedup_key="return:404404:created", kind="return",
                              event_type="RETURN_CREATED", return_order_id="404404", source="webhook", payload={})
    InboxEvent.objects.create(account=walmart, dedup_key=f"return:{made['returnOrderId']}:created", kind="return",
                              event_type="RETURN_CREATED", return_order_id=made["returnOrderId"], source="webhook",
                              payload={})
    assert process_account(walmart) == {"processed": 1, "failed": 1, "retry": 0}
    assert InboxEvent.objects.get(return_order_id="404404").error == "Walmart does not know return order 404404"
    assert MarketplaceReturn.objects.get().return_order_id == made["returnOrderId"]


def test_a_walmart_outage_leaves_return_events_waiting_not_lost(walmart, returned, client):
    integration_for(walmart)
    deliver_return_events(client, account_of(walmart))
    Fault.objects.create(system="walmart", mode="outage", starts_at=clock.now(), path_contains="/v3/returns")
    assert process_account(walmart) == {"processed": 0, "failed": 0, "retry": 6}
    assert set(InboxEvent.objects.values_list("status", "attempts")) == {("pending", 1)}
    Fault.objects.all().delete()
    assert process_account(walmart)["processed"] == 0  # backing off: not due yet
    assert process_account(walmart, retry_now=True)["processed"] == 6
    assert MarketplaceReturn.objects.count() == 6


def test_a_captured_returns_file_replays_through_the_inbox(walmart, client):
    integration_for(walmart)
    body = json.loads((EXAMPLES / "returns__GET_v3_returns__resp200.json").read_text())
    assert loader.load_returns(body, account_of(walmart), deliver=False) == (1, 0)
    deliver_return_events(client, account_of(walmart))
    # A polled copy of the same return carries the whole return; it is absorbed as a later version.
    ret = body["returnOrders"][0]
    InboxEvent.objects.create(account=walmart, dedup_key=f"return:{ret['returnOrderId']}:poll:{uuid.uuid4().hex}",
                              kind="return", event_type="POLL", return_order_id=ret["returnOrderId"], source="poll",
                              payload=ret)
    assert process_account(walmart) == {"processed": 2, "failed": 0, "retry": 0}
    stored = MarketplaceReturn.objects.get()
    assert stored.return_order_id == ret["returnOrderId"] and stored.total_refund_amount == Decimal("127.45")
    assert stored.raw == ret
