"""Events Walmart notifies about, and one pending delivery per ACTIVE subscription that wants it.

Envelope (walmart-api.md §7.2, samples/webhook_notification_PO_CREATED_RECONSTRUCTED.json):
{"source": {"eventType", "eventTime", "eventId"}, "payload": {...}}. Payloads are thin, like
Walmart's: the receiver re-fetches the order or return by REST. Order events go out twice: as their
own type (PO_CREATED, PO_LINE_AUTOCANCELLED) and as ORDER_UPDATES with `payload.subEventType`,
so a seller subscribed to either gets them.
"""

from sandbox import clock
from sandbox.walmart import lines
from sandbox.walmart.models import Delivery, Event, Subscription
from sandbox.walmart.records import from_ms, iso

ORDER_UPDATES = "ORDER_UPDATES"


def partner_id(account):
    """The seller's Walmart partner id (account setting `partner_id`, else derived from the account)."""
    return str(account.settings.get("partner_id") or 10000000000 + account.pk)


def envelope(event):
    return {"source": {"eventType": event.event_type, "eventTime": iso(event.at), "eventId": str(event.event_id)},
            "payload": event.payload}


def _date(value):
    try:
        return iso(from_ms(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return str(value)


def _thin_order(account, data, *, status="CREATED", only=None, reason=None):
    shipping = data.get("shippingInfo") or {}
    node_type = (data.get("shipNode") or {}).get("type") or "SellerFulfilled"
    order_lines = []
    for line in lines.order_lines(data):
        if only is not None and str(line.get("lineNumber")) not in only:
            continue
        fulfillment = line.get("fulfillment") or {}
        quantity = (line.get("orderLineQuantity") or {})
        entry = {
            "lineNumber": str(line.get("lineNumber")),
            "sku": (line.get("item") or {}).get("sku"),
            "productName": (line.get("item") or {}).get("productName"),
            "quantity": {"unitOfMeasure": quantity.get("unitOfMeasurement", "EACH"),
                         "measurementValue": str((only or {}).get(str(line.get("lineNumber")), quantity.get("amount", "1")))},
            "status": status,
            "statusDate": _date(line.get("statusDate")),
            "shippingProgramType": fulfillment.get("shippingProgramType"),
            "shippingMethod": fulfillment.get("shipMethod") or shipping.get("methodCode"),
            "shipNodeType": node_type,
        }
        if reason:
            entry["cancellationReason"] = reason
        order_lines.append({k: v for k, v in entry.items() if v is not None})
    payload = {
        "partnerId": partner_id(account),
        "purchaseOrderId": data.get("purchaseOrderId"),
        "customerOrderId": data.get("customerOrderId"),
        "orderDate": _date(data.get("orderDate")),
        "estimatedDeliveryDate": _date(shipping.get("estimatedDeliveryDate")),
        "estimatedShipDate": _date(shipping.get("estimatedShipDate")),
        "orderLines": order_lines,
    }
    return {k: v for k, v in payload.items() if v is not None}


def emit(account, pending):
    """Store events (unsaved Event objects) and a pending delivery for each ACTIVE subscription to
    their type; a few queries whatever the number of events (the generator makes hundreds)."""
    if not pending:
        return []
    now = clock.now()
    for event in pending:
        event.account, event.at = account, now
    Event.objects.bulk_create(pending, batch_size=500)
    wanted = {e.event_type for e in pending}
    subscriptions = {}
    for subscription in Subscription.objects.filter(account=account, event_type__in=wanted, status="ACTIVE"):
        subscriptions.setdefault(subscription.event_type, []).append(subscription)
    Delivery.objects.bulk_create([
        Delivery(event=event, subscription=s, next_attempt_at=now)
        for event in pending for s in subscriptions.get(event.event_type, ())
    ], batch_size=500)
    return pending


def _order_events(event_type, payload):
    return [Event(event_type=event_type, payload=payload),
            Event(event_type=ORDER_UPDATES, sub_event_type=event_type, payload={"subEventType": event_type, **payload})]


def order_events(account, data):
    """The unsaved events of a new order (give them to emit())."""
    return _order_events("PO_CREATED", _thin_order(account, data))


def order_created(account, data):
    emit(account, order_events(account, data))


def lines_cancelled(account, data, cancelled):
    """cancelled: [(line, quantity, reason)] as lines.cancel returns them."""
    by_reason = {}
    for line, quantity, reason in cancelled:
        by_reason.setdefault(reason, {})[str(line.get("lineNumber"))] = quantity
    pending = []
    for reason, only in by_reason.items():
        pending += _order_events("PO_LINE_AUTOCANCELLED",
                                 _thin_order(account, data, status="CANCELLED", only=only, reason=reason))
    emit(account, pending)


def return_events(account, data):
    return_lines = data.get("returnOrderLines") or []
    payload = {
        "partnerId": partner_id(account),
        "partnerName": account.name or account.key,
        "returnOrders": [{
            "returnOrderId": data.get("returnOrderId"),
            "customerOrderId": data.get("customerOrderId"),
            "purchaseOrderId": line.get("purchaseOrderId"),
            "returnOrderLineNumber": line.get("returnOrderLineNumber"),
            "productName": (line.get("item") or {}).get("productName"),
            "sku": (line.get("item") or {}).get("sku"),
            "returnReason": line.get("returnReason"),
            "returnOrderDate": data.get("returnOrderDate"),
        } for line in return_lines] or [{"returnOrderId": data.get("returnOrderId"),
                                        "customerOrderId": data.get("customerOrderId")}],
    }
    return [Event(event_type="RETURN_CREATED", payload=payload)]


def return_created(account, data):
    emit(account, return_events(account, data))


# POST /v3/webhooks/test sends an event shaped like a real one of the type (Walmart does not
# publish its test payloads); the ids are samples that no order or return carries.
SAMPLE_ORDER = {"purchaseOrderId": "1234567890123", "customerOrderId": "9876543210987", "orderLines": [
    {"lineNumber": "1", "sku": "TEST-SKU", "productName": "Test notification item",
     "quantity": {"unitOfMeasure": "EACH", "measurementValue": "1"}, "status": "CREATED"}]}
ORDER_EVENTS = {"PO_CREATED", "PO_LINE_AUTOCANCELLED", "INTENT_TO_CANCEL", "DRIVER_STATUS"}


def sample_payload(account, event_type):
    payload = {"partnerId": partner_id(account), "message": "Test notification from Walmart"}
    if event_type in ORDER_EVENTS or event_type == ORDER_UPDATES:
        payload.update(SAMPLE_ORDER)
        if event_type == ORDER_UPDATES:  # its payloads always name the specific event
            payload["subEventType"] = "PO_CREATED"
    elif event_type.startswith("RETURN_"):
        payload.update({"partnerName": account.name or account.key, "returnOrders": [
            {"returnOrderId": "123456789012345678", "customerOrderId": "9876543210987",
             "purchaseOrderId": "1234567890123", "productName": "Test notification item"}]})
    return payload
