"""Loading captured Walmart payloads into the emulator (`manage.py sandbox load-orders FILE`).

Accepted: a GET /v3/orders body ({"list": {"elements": {"order": [...]}}}), a single-order body
({"order": {...}}, also what acknowledge/ship/cancel/refund answer), a bare order, or a JSON list of
any of these; and for returns a GET /v3/returns body ({"returnOrders": [...]}), a bare return or a
list. Orders and returns are stored exactly as given, so they read back identically through the
API. Each new one raises its webhook event; the first delivery attempt follows as soon as the
load commits.
"""

from django.db import transaction

from sandbox.walmart import events, records, webhooks


def _orders_in(data):
    if isinstance(data, list):
        for item in data:
            yield from _orders_in(item)
        return
    if not isinstance(data, dict):
        raise ValueError("not a Walmart orders payload: expected a JSON object or list")
    if "list" in data:
        elements = (data["list"] or {}).get("elements") or {}
        yield from elements.get("order") or []
    elif "elements" in data:
        yield from (data["elements"] or {}).get("order") or []
    elif "order" in data and isinstance(data["order"], dict):
        yield data["order"]
    elif "purchaseOrderId" in data and "orderLines" in data:
        yield data
    else:
        raise ValueError("not a Walmart orders payload: expected list.elements.order[], an order wrapper "
                         "or a bare order (with purchaseOrderId and orderLines)")


def _returns_in(data):
    if isinstance(data, list):
        for item in data:
            yield from _returns_in(item)
        return
    if not isinstance(data, dict):
        raise ValueError("not a Walmart returns payload: expected a JSON object or list")
    if "returnOrders" in data:
        yield from data["returnOrders"] or []
    elif "returnOrderId" in data and "returnOrderLines" in data:
        yield data
    else:
        raise ValueError("not a Walmart returns payload: expected returnOrders[] or a bare return order")


def _load(items, save, make_events, account, deliver):
    created = updated = 0
    pending = []
    with transaction.atomic():
        for item in items:
            _, is_new = save(account, item)
            if is_new:
                created += 1
                pending += make_events(account, item)
            else:
                updated += 1
        events.emit(account, pending)
    if deliver:
        # After commit: a receiver that re-fetches the order by REST must find it.
        transaction.on_commit(webhooks.deliver_due)
    return created, updated


def load_orders(data, account, *, deliver=True):
    """Store every order of `data` for the seller `account`; returns (created, updated)."""
    return _load(_orders_in(data), records.save_order, events.order_events, account, deliver)


def load_returns(data, account, *, deliver=True):
    """Store every return of `data` for the seller `account`; returns (created, updated)."""
    return _load(_returns_in(data), records.save_return, events.return_events, account, deliver)
