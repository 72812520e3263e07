"""What we tell Walmart about an order: the acknowledgement and the cancellation of rejected lines.

Each is sent at most once per order: a lease on the order (walmart_claimed_until, conditional
UPDATE committed before the call) stops two workers sending it together, and the state written
after Walmart answered stops any later run sending it again. A call that went unanswered is
checked against the order as Walmart has it before it is sent again. WFS orders are never
acknowledged or cancelled by us (Walmart fulfils them).
"""

from datetime import timedelta

from django.db.models import Q

from audit import log as audit_log
from connectors import clock
from connectors.errors import AmbiguousOutcome, ConnectorError, PermanentError
from connectors.walmart.client import WalmartClient
from syncs.models import MarketplaceOrder
from syncs.orders.build import open_quantity
from syncs.orders.normalise import store
from syncs.orders.validate import release

S = MarketplaceOrder.Status
LEASE_SECONDS = 120
ACK_AFTER = {
    "after_post": [S.POSTED],
    "after_validation": [S.READY, S.POSTING, S.RETRY_WAIT, S.POSTED],
    "never": [],
}


def _take(order_id, **where):
    now = clock.now()
    return MarketplaceOrder.objects.filter(pk=order_id, **where).filter(
        Q(walmart_claimed_until__isnull=True) | Q(walmart_claimed_until__lt=now)
    ).update(walmart_claimed_until=now + timedelta(seconds=LEASE_SECONDS))


def _acknowledged_by_sibling(order):
    """Another integration on the same Walmart account already acknowledged this PO (one ack per PO)."""
    return MarketplaceOrder.objects.filter(
        integration__walmart_id=order.integration.walmart_id, purchase_order_id=order.purchase_order_id,
        acknowledged_at__isnull=False).exclude(pk=order.pk).exists()


def acknowledge_due(integration, *, client=None):
    states = ACK_AFTER.get(integration.ack_policy, [])
    counts = {"acknowledged": 0, "failed": 0}
    if not states:
        return counts
    rows = MarketplaceOrder.objects.filter(integration=integration, status__in=states, acknowledged_at__isnull=True)
    client = client or WalmartClient(integration.walmart)
    for order in rows.exclude(ship_node_type="WFSFulfilled").select_related("integration"):
        if not _take(order.pk, acknowledged_at__isnull=True):
            continue
        try:
            if not _acknowledged_by_sibling(order):
                client.acknowledge(order.purchase_order_id)
        except ConnectorError as exc:
            # Walmart's acknowledge is idempotent: an unanswered call may simply be sent again later.
            MarketplaceOrder.objects.filter(pk=order.pk).update(walmart_claimed_until=None, last_error=str(exc)[:5000])
            audit_log.record("order.acknowledge.failed", obj=order, object_id=order.purchase_order_id, ok=False,
                             message=str(exc)[:2000], data={"integration": integration.slug})
            counts["failed"] += 1
            continue
        values = {"acknowledged_at": clock.now(), "walmart_claimed_until": None}
        MarketplaceOrder.objects.filter(pk=order.pk).update(**values)
        MarketplaceOrder.objects.filter(pk=order.pk, status=S.POSTED).update(status=S.ACKNOWLEDGED)
        audit_log.record("order.acknowledged", obj=order, object_id=order.purchase_order_id,
                         data={"integration": integration.slug})
        counts["acknowledged"] += 1
    return counts


def _lines_to_cancel(order):
    return {line.line_number: open_quantity(line) for line in order.lines.all() if open_quantity(line) > 0}


def cancel_rejected(integration, *, client=None):
    """Send the cancellation of every rejected order's open lines to Walmart, once."""
    counts = {"cancelled": 0, "failed": 0}
    rows = MarketplaceOrder.objects.filter(integration=integration, status=S.REJECTED,
                                           cancel_state__in=["pending", "unsure"])
    client = client or WalmartClient(integration.walmart)
    for order in rows.exclude(ship_node_type="WFSFulfilled").select_related("integration"):
        if not _take(order.pk, status=S.REJECTED, cancel_state=order.cancel_state):
            continue
        try:
            if order.cancel_state == "unsure":
                # The last call went unanswered: ask Walmart what it has before sending anything again.
                current = client.get_order(order.purchase_order_id)
                if current is not None:
                    order, _ = store(integration, current)
            lines = _lines_to_cancel(order)
            if lines:
                client.cancel(order.purchase_order_id, lines, order.cancel_reason)
        except (AmbiguousOutcome, ConnectorError) as exc:
            state = "failed" if isinstance(exc, PermanentError) else "unsure" if isinstance(exc, AmbiguousOutcome) \
                else order.cancel_state
            MarketplaceOrder.objects.filter(pk=order.pk).update(walmart_claimed_until=None, cancel_state=state,
                                                                last_error=str(exc)[:5000])
            audit_log.record("order.cancel.failed", obj=order, object_id=order.purchase_order_id, ok=False,
                             message=str(exc)[:2000], data={"integration": integration.slug, "state": state})
            counts["failed"] += 1
            continue
        MarketplaceOrder.objects.filter(pk=order.pk).update(cancel_state="done", walmart_claimed_until=None)
        release(order, "rejected")
        audit_log.record("order.cancelled_on_walmart", obj=order, object_id=order.purchase_order_id,
                         message=f"{len(lines)} line(s), reason {order.cancel_reason}",
                         data={"integration": integration.slug, "lines": sorted(lines), "reason": order.cancel_reason})
        counts["cancelled"] += 1
    return counts
