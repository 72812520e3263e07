"""Storing orders and returns: Walmart's JSON as given, plus the indexed columns derived from it.

Also Walmart's date formats: epoch milliseconds in order payloads, ISO 8601 in returns and
webhooks, and "2020-03-16" or "2020-03-16T10:30:15Z" in query parameters.
"""

from datetime import datetime, timezone as dt_timezone

from django.db import transaction

from sandbox import clock
from sandbox.walmart import lines
from sandbox.walmart.models import Order, ReturnOrder


def to_ms(moment):
    return int(moment.timestamp() * 1000)


def from_ms(value):
    return datetime.fromtimestamp(int(value) / 1000, tz=dt_timezone.utc)


def iso(moment):
    return moment.astimezone(dt_timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(value):
    """A Walmart date or timestamp (ISO 8601, a bare date, or epoch ms) -> aware datetime; ValueError if not."""
    if value is None or value == "":
        raise ValueError("empty date")
    if isinstance(value, (int, float)) or str(value).isdigit():
        return from_ms(value)
    text = str(value).strip().replace(" ", "+")  # a "+" in a query string arrives as a space
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)


def _order_columns(data, now):
    order_date = data.get("orderDate")
    try:
        order_date = parse_instant(order_date) if order_date not in (None, "") else now
    except ValueError:
        order_date = now
    node_type = (data.get("shipNode") or {}).get("type") or "SellerFulfilled"
    try:
        ship_date = parse_instant((data.get("shippingInfo") or {}).get("estimatedShipDate"))
    except ValueError:
        ship_date = None
    skus = sorted({str((line.get("item") or {}).get("sku", "")) for line in lines.order_lines(data)} - {""})
    programs = sorted({str((line.get("fulfillment") or {}).get("shippingProgramType") or "")
                       for line in lines.order_lines(data)} - {""})
    return {
        "customer_order_id": str(data.get("customerOrderId") or ""),
        "order_date": order_date,
        "estimated_ship_date": ship_date,
        "ship_node_type": node_type,
        "status": lines.summary_status(data),
        "line_statuses": "|" + "|".join(lines.line_statuses(data)) + "|",
        "skus": "|" + "|".join(skus) + "|",
        "programs": "|" + "|".join(programs) + "|",
    }


def _save(model, key_field, key, columns, account, data, now):
    """Create or replace the account's record with this key; returns (record, created)."""
    with transaction.atomic():
        record, created = model.objects.select_for_update().get_or_create(
            account=account, **{key_field: key},
            defaults={"data": data, "last_modified": now, **columns(data, now)},
        )
        if not created:
            _replace(record, data, columns, now)
    return record, created


def _replace(record, data, columns, now):
    for name, value in columns(data, now).items():
        setattr(record, name, value)
    record.data = data
    record.last_modified = now
    record.save()
    return record


def save_order(account, data, *, now=None):
    """Create or replace the account's order with this purchaseOrderId; returns (Order, created)."""
    po = str(data.get("purchaseOrderId") or "")
    if not po:
        raise ValueError("an order needs a purchaseOrderId")
    return _save(Order, "purchase_order_id", po, _order_columns, account, data, now or clock.now())


def create_orders(account, datas, *, now=None):
    """Insert orders known to be new (the generator checks its ids); one query per 500 orders."""
    now = now or clock.now()
    return Order.objects.bulk_create([
        Order(account=account, purchase_order_id=str(d["purchaseOrderId"]), data=d, last_modified=now,
              **_order_columns(d, now)) for d in datas
    ], batch_size=500)


def update_order(order, data, *, now=None):
    """Store a changed order (after acknowledge, ship, cancel, refund); lastModified moves."""
    return _replace(order, data, _order_columns, now or clock.now())


def _return_columns(data, now):
    try:
        created = parse_instant(data.get("returnOrderDate"))
    except ValueError:
        created = now
    statuses = sorted({str(line.get("status") or "") for line in data.get("returnOrderLines") or []} - {""})
    return {
        "customer_order_id": str(data.get("customerOrderId") or ""),
        "return_order_date": created,
        # "|INITIATED|COMPLETED|": Walmart's status filter matches a return by any of its lines.
        "status": "|" + "|".join(statuses or ["INITIATED"]) + "|",
        "return_type": str(data.get("returnType") or "REFUND"),
    }


def save_return(account, data, *, now=None):
    """Create or replace the account's return with this returnOrderId; returns (ReturnOrder, created)."""
    rma = str(data.get("returnOrderId") or "")
    if not rma:
        raise ValueError("a return needs a returnOrderId")
    return _save(ReturnOrder, "return_order_id", rma, _return_columns, account, data, now or clock.now())
