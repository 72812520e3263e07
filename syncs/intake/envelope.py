"""Walmart's notification envelope -> inbox entries with their dedup keys.

Envelope: {"source": {"eventType", "eventTime", "eventId"}, "payload": {...}}. Order events come
as the per-type events (PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL) or as ORDER_UPDATES
with payload.subEventType (which Walmart is moving to); returns as RETURN_* events.

Dedup keys (UNIQUE per Walmart account): an order's creation is "order:<po>:created" whatever
told us (webhook, its retries, ORDER_UPDATES or a poll), so they collapse into one row; a return's
creation is "return:<id>:created"; any other event is keyed by its eventId.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone

ORDER_EVENTS = {"PO_CREATED", "PO_LINE_AUTOCANCELLED", "INTENT_TO_CANCEL", "ORDER_UPDATES"}
ORDER_SUB_EVENTS = {"PO_CREATED", "PO_LINE_AUTOCANCELLED", "INTENT_TO_CANCEL", "FRAUD_CANCEL"}
RETURN_EVENTS = {"RETURN_CREATED", "RETURN_DELIVERED", "RETURN_INVOICED"}
KNOWN_EVENTS = ORDER_EVENTS | RETURN_EVENTS

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


class Rejected(Exception):
    """A delivery we refuse; `status` is the HTTP status, `reason` a short public reason."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    dedup_key: str
    kind: str  # order | return
    event_type: str
    sub_event_type: str
    event_id: str
    event_time: datetime | None
    purchase_order_id: str = ""
    return_order_id: str = ""


def _text(value, what, *, required=True, limit=100):
    if value is None or value == "":
        if required:
            raise Rejected(422, f"missing {what}")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Rejected(422, f"{what} must be a string")
    value = str(value).strip()
    if len(value) > limit:
        raise Rejected(422, f"{what} is too long")
    return value


def _identifier(value, what):
    value = _text(value, what)
    if not _ID.match(value):
        raise Rejected(422, f"{what} has unexpected characters")
    return value


def parse_time(value):
    """ISO 8601 (Walmart's eventTime) or epoch milliseconds -> aware datetime; None if absent."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise Rejected(422, "source.eventTime is not a time")
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise Rejected(422, "source.eventTime is not a time") from None
    if not isinstance(value, str):
        raise Rejected(422, "source.eventTime is not a time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(422, "source.eventTime is not an ISO 8601 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _order_id(payload):
    order = payload.get("order") if isinstance(payload.get("order"), dict) else {}
    return _identifier(payload.get("purchaseOrderId") or order.get("purchaseOrderId"), "payload.purchaseOrderId")


def _return_ids(payload):
    returns = payload.get("returnOrders")
    if returns is None and payload.get("returnOrderId"):
        returns = [payload]
    if not isinstance(returns, list) or not returns:
        raise Rejected(422, "missing payload.returnOrders[].returnOrderId")
    ids = []
    for item in returns[:500]:
        if not isinstance(item, dict):
            raise Rejected(422, "payload.returnOrders must hold objects")
        ids.append((_identifier(item.get("returnOrderId"), "returnOrderId"),
                    _identifier(item["purchaseOrderId"], "purchaseOrderId") if item.get("purchaseOrderId") else ""))
    return ids


def entries(envelope):
    """Validate a parsed envelope and return the inbox entries it makes (one, or one per return)."""
    if not isinstance(envelope, dict):
        raise Rejected(400, "body must be a JSON object")
    source, payload = envelope.get("source"), envelope.get("payload")
    if not isinstance(source, dict):
        raise Rejected(422, "missing source object")
    if not isinstance(payload, dict):
        raise Rejected(422, "missing payload object")
    event_type = _text(source.get("eventType"), "source.eventType", limit=50)
    if event_type not in KNOWN_EVENTS:
        raise Rejected(422, f"unknown event type {event_type[:50]!r}")
    event_id = _identifier(source.get("eventId"), "source.eventId")
    event_time = parse_time(source.get("eventTime"))

    if event_type in ORDER_EVENTS:
        sub = ""
        if event_type == "ORDER_UPDATES":
            sub = _text(payload.get("subEventType"), "payload.subEventType", limit=50)
            if sub not in ORDER_SUB_EVENTS:
                raise Rejected(422, f"unknown ORDER_UPDATES subEventType {sub[:50]!r}")
        po = _order_id(payload)
        created = (sub or event_type) == "PO_CREATED"
        key = f"order:{po}:created" if created else f"event:{event_id}"
        return [Entry(key, "order", event_type, sub, event_id, event_time, purchase_order_id=po)]

    result = []
    for return_id, po in _return_ids(payload):
        key = f"return:{return_id}:created" if event_type == "RETURN_CREATED" else f"event:{event_id}:{return_id}"
        result.append(Entry(key, "return", event_type, "", event_id, event_time, purchase_order_id=po,
                            return_order_id=return_id))
    return result
