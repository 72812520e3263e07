"""The inbox: one row per thing Walmart told us, whatever the retries, URLs or event styles."""

import json

from audit.models import AuditEvent
from connectors.models import Connection
from syncs.intake.verify import hmac_signatures
from syncs.models import InboxEvent, Integration
from tests.syncs.conftest import KAT_SECRET, deliver


def send(client, envelope, slug="acme"):
    body = json.dumps(envelope).encode()
    return deliver(client, body, slug=slug, **{"X-Walmart-Signature": hmac_signatures(KAT_SECRET, body)[0]})


def po_created(po, event_id, style="per_type"):
    if style == "per_type":
        return {"source": {"eventType": "PO_CREATED", "eventTime": "2026-11-29T10:00:00Z", "eventId": event_id},
                "payload": {"partnerId": "1", "purchaseOrderId": po}}
    return {"source": {"eventType": "ORDER_UPDATES", "eventTime": "2026-11-29T10:00:00Z", "eventId": event_id},
            "payload": {"subEventType": "PO_CREATED", "order": {"purchaseOrderId": po}}}


def test_retries_and_both_event_styles_collapse_into_one_row(integration, client):
    assert send(client, po_created("111", "e1")).json() == {"status": "accepted", "stored": 1}
    assert send(client, po_created("111", "e1")).json()["status"] == "duplicate"
    assert send(client, po_created("111", "e2", style="order_updates")).json()["status"] == "duplicate"
    row = InboxEvent.objects.get()
    assert (row.dedup_key, row.kind, row.source) == ("order:111:created", "order", "webhook")
    assert row.event_time.isoformat() == "2026-11-29T10:00:00+00:00"


def test_other_order_events_are_kept_each(integration, client):
    send(client, po_created("111", "e1"))
    cancel = {"source": {"eventType": "ORDER_UPDATES", "eventTime": "2026-11-29T11:00:00Z", "eventId": "e3"},
              "payload": {"subEventType": "INTENT_TO_CANCEL", "order": {"purchaseOrderId": "111"}}}
    assert send(client, cancel).status_code == 200
    assert send(client, cancel).json()["status"] == "duplicate"
    assert InboxEvent.objects.filter(purchase_order_id="111").count() == 2
    assert InboxEvent.objects.get(event_id="e3").sub_event_type == "INTENT_TO_CANCEL"


def test_one_return_event_with_several_returns_makes_a_row_each(integration, client):
    event = {"source": {"eventType": "RETURN_CREATED", "eventTime": "2026-11-29T10:00:00Z", "eventId": "r1"},
             "payload": {"returnOrders": [{"returnOrderId": "RMA1", "purchaseOrderId": "111"},
                                          {"returnOrderId": "RMA2", "purchaseOrderId": "112"}]}}
    assert send(client, event).json() == {"status": "accepted", "stored": 2}
    assert sorted(InboxEvent.objects.values_list("dedup_key", flat=True)) == ["return:RMA1:created", "return:RMA2:created"]


def test_the_inbox_belongs_to_the_walmart_account(integration, client):
    """Two integrations on one Walmart account (two ERPs): a delivery to either URL lands once."""
    other_erp = Connection.objects.create(name="erp2", system="infor_m3", config={})
    second = Integration(slug="acme-m3", name="Acme M3", walmart=integration.walmart, erp=other_erp,
                         webhook_auth="hmac", webhook_header="X-Walmart-Signature")
    second.set_webhook_secret(KAT_SECRET)
    second.save()
    send(client, po_created("111", "e1"), slug="acme")
    assert send(client, po_created("111", "e1"), slug="acme-m3").json()["status"] == "duplicate"
    assert InboxEvent.objects.count() == 1


def test_an_inactive_integration_is_unknown(integration, client):
    integration.active = False
    integration.save()
    assert send(client, po_created("111", "e1")).status_code == 404
    assert AuditEvent.objects.filter(action="webhook.rejected", object_id="acme").count() == 1


def test_deliveries_per_source_are_capped(integration, client, settings):
    settings.WEBHOOK_RATE_PER_MINUTE = 3
    statuses = [send(client, po_created(str(100 + i), f"e{i}")).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
