"""Walmart's auto-cancel: a seller-fulfilled line not shipped by its estimated ship date plus 4
calendar days is cancelled by Walmart, and PO_LINE_AUTOCANCELLED / ORDER_UPDATES go out
(walmart-api.md §2.5; an older page said 8 days, so the days are an account setting
`autocancel_days`). The reason Walmart writes on such lines is not documented: account setting
`autocancel_reason`, default below (UNCONFIRMED wording).

`cancel_overdue()` is meant to run periodically, next to webhooks.deliver_due().
"""

import copy
from datetime import timedelta

from django.db import transaction

from sandbox import clock
from sandbox.walmart import events, lines, records
from sandbox.walmart.models import Order

DEFAULT_DAYS = 4
DEFAULT_REASON = "AUTO_CANCELLED_SHIP_BY_DATE_MISSED"


def _overdue(order, now):
    days = float(order.account.settings.get("autocancel_days", DEFAULT_DAYS))
    return order.estimated_ship_date is not None and order.estimated_ship_date + timedelta(days=days) <= now


def cancel_overdue(now=None):
    """Cancel the open quantities of every overdue seller-fulfilled order; returns the number of orders."""
    now = now or clock.now()
    # Ship date passed: a cheap pre-filter; _overdue applies each account's days.
    candidates = (Order.objects.select_related("account")
                  .filter(status__in=lines.OPEN, estimated_ship_date__lte=now)
                  .exclude(ship_node_type="WFSFulfilled"))
    cancelled_orders = 0
    for candidate in candidates:
        if not _overdue(candidate, now):
            continue
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("account").get(pk=candidate.pk)
            data = copy.deepcopy(order.data)
            reason = order.account.settings.get("autocancel_reason", DEFAULT_REASON)
            cancelled = []
            for line in lines.order_lines(data):
                quantity = lines.open_quantity(line)
                if quantity:
                    lines.take_open(line, quantity)
                    lines.parts(line).append({"status": "Cancelled", "cancellationReason": reason, "statusQuantity": {
                        "unitOfMeasurement": (line.get("orderLineQuantity") or {}).get("unitOfMeasurement", "EACH"),
                        "amount": str(quantity)}})
                    line["statusDate"] = records.to_ms(now)
                    cancelled.append((line, quantity, reason))
            if cancelled:
                records.update_order(order, data, now=now)
                events.lines_cancelled(order.account, data, cancelled)
                cancelled_orders += 1
    return cancelled_orders
