"""Watchdogs on Walmart's deadlines: an order not acknowledged near Walmart's 4-hour expectation,
and lines near auto-cancel (estimated ship date + 4 days, walmart-api.md). Each order is flagged
once per deadline: an audit event and a warning in the log (the alert), and the admin lists it."""

import logging
from datetime import timedelta

from audit import log as audit_log
from connectors import clock
from syncs.models import MarketplaceOrder

logger = logging.getLogger("alerts")
S = MarketplaceOrder.Status
ACK_HOURS = 4
AUTOCANCEL_DAYS = 4
DONE = [S.REJECTED, S.CANCELLED, S.READ_ONLY]


def check(integration):
    now = clock.now()
    counts = {"ack_overdue": 0, "autocancel_risk": 0}
    if integration.ack_policy != "never":
        limit = now - timedelta(hours=ACK_HOURS) + timedelta(minutes=integration.ack_margin_minutes)
        late = MarketplaceOrder.objects.filter(integration=integration, acknowledged_at__isnull=True,
                                               ack_overdue_at__isnull=True, order_date__lte=limit).exclude(status__in=DONE)
        for order in late:
            if MarketplaceOrder.objects.filter(pk=order.pk, ack_overdue_at__isnull=True).update(ack_overdue_at=now):
                _alert("order.watchdog.ack_deadline", order,
                       f"not acknowledged {_age(now - order.order_date)} after it was placed; Walmart expects it "
                       f"within {ACK_HOURS} hours ({order.get_status_display()})")
                counts["ack_overdue"] += 1
    limit = now - timedelta(days=AUTOCANCEL_DAYS) + timedelta(hours=integration.autocancel_margin_hours)
    risky = MarketplaceOrder.objects.filter(integration=integration, autocancel_risk_at__isnull=True,
                                            estimated_ship_date__lte=limit).exclude(status__in=DONE)
    for order in risky.prefetch_related("lines"):
        unshipped = [l.line_number for l in order.lines.all() if l.shipped_quantity + l.cancelled_quantity < l.quantity]
        if unshipped and MarketplaceOrder.objects.filter(pk=order.pk, autocancel_risk_at__isnull=True).update(
                autocancel_risk_at=now):
            cancel_at = order.estimated_ship_date + timedelta(days=AUTOCANCEL_DAYS)
            _alert("order.watchdog.autocancel", order,
                   f"line(s) {', '.join(unshipped)} not shipped; Walmart auto-cancels them at {cancel_at:%Y-%m-%d %H:%M} UTC")
            counts["autocancel_risk"] += 1
    return counts


def _age(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}"


def _alert(action, order, message):
    logger.warning("%s PO %s: %s", order.integration.slug, order.purchase_order_id, message)
    audit_log.record(action, obj=order, object_id=order.purchase_order_id, ok=False, message=message,
                     data={"integration": order.integration.slug})
