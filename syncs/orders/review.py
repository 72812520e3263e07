"""Staff decisions on orders (DESIGN §4.5), one function each, used by the admin and the commands.

Every decision is audited with the user. Approve re-validates (the mapping or the stock may have
been fixed); post anyway skips validation but still needs mappings that resolve, and needs the
`syncs.post_anyway` permission and a stated reason; reject cancels the open lines on Walmart
(sent once, by walmart_side.cancel_rejected); replay puts a failed or waiting posting back on the
posting machine's path, which looks the document up in the ERP before posting again.
"""

from audit import log as audit_log
from syncs.models import MarketplaceOrder
from syncs.orders.validate import release

S = MarketplaceOrder.Status
REVIEWABLE = [S.NEEDS_REVIEW, S.PENDING]
NOT_POSTED = [S.PENDING, S.READY, S.RETRY_WAIT, S.NEEDS_REVIEW]
# Walmart's cancellation reasons a seller may send (orders.json, cancellationReason).
CANCEL_REASONS = ["SELLER_CANCEL_OUT_OF_STOCK", "SELLER_CANCEL_PRICING_ERROR", "SELLER_CANCEL_FRAUD_STOP_SHIPMENT",
                  "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE", "CUSTOMER_REQUESTED_SELLER_TO_CANCEL"]


# What each review reason code means, in staff's words (the codes are DESIGN §4 and the resolver's).
REVIEW_REASONS = {
    "unmapped_sku": "Walmart SKU not mapped",
    "unmapped_node": "Ship node not mapped",
    "unmapped_gl": "No GL rule",
    "unmapped_customer": "No customer mapping",
    "no_supplier": "No supplier mapped",
    "invalid_mapping": "Mapping refused by the ERP or incomplete",
    "invalid_address": "Ship-to address incomplete",
    "out_of_stock": "Out of stock in the ERP",
    "no_po_match": "No open purchase order",
    "ambiguous_po_match": "Several open purchase orders",
    "amount_mismatch": "Walmart's totals do not add up",
    "intent_to_cancel": "Buyer asked to cancel",
    "erp_rejected": "Refused by the ERP",
    "erp_config": "ERP connection set-up",
    "ambiguous_outcome": "ERP outcome unknown",
    "attempts_exceeded": "ERP kept failing",
}


class DecisionError(Exception):
    pass


def _audit(action, order, user, message="", **data):
    audit_log.record(action, obj=order, object_id=order.purchase_order_id, user=user, message=message[:2000],
                     data={"integration": order.integration.slug, **data})


def revalidate(order, user=None):
    """Back to `pending` (the next validation decides again); releases the order's reservations."""
    if not MarketplaceOrder.objects.filter(pk=order.pk, status__in=REVIEWABLE).update(
            status=S.PENDING, on_hold=False, hold_reason="", review_reason="", review_message=""):
        raise DecisionError(f"PO {order.purchase_order_id} is {order.get_status_display()}, not in review")
    release(order, "revalidated")
    _audit("order.review.revalidate", order, user, f"was {order.review_reason or order.status}")


def post_anyway(order, user, reason):
    if not (user and user.has_perm("syncs.post_anyway")):
        raise DecisionError("Posting without validation needs the 'Can post a flagged order' permission.")
    if not (reason or "").strip():
        raise DecisionError("Say why the order should be posted without validation.")
    if not MarketplaceOrder.objects.filter(pk=order.pk, status__in=REVIEWABLE).update(
            status=S.READY, on_hold=False, hold_reason="", review_message=f"Posted anyway: {reason}"[:5000]):
        raise DecisionError(f"PO {order.purchase_order_id} is {order.get_status_display()}, not in review")
    _audit("order.review.post_anyway", order, user, reason, was=order.review_reason)


def reject(order, user, cancel_reason):
    if cancel_reason not in CANCEL_REASONS:
        raise DecisionError(f"Choose a Walmart cancellation reason: {', '.join(CANCEL_REASONS)}")
    if order.is_wfs:
        raise DecisionError("WFS orders are Walmart's to cancel.")
    if not MarketplaceOrder.objects.filter(pk=order.pk, status__in=REVIEWABLE).update(
            status=S.REJECTED, on_hold=False, cancel_state="pending", cancel_reason=cancel_reason):
        raise DecisionError(f"PO {order.purchase_order_id} is {order.get_status_display()}, not in review")
    release(order, "rejected")
    _audit("order.review.rejected", order, user, cancel_reason, was=order.review_reason)


def replay(order, user=None):
    """A failed or waiting posting goes back to `ready`; attempts are kept, so the ERP is asked first."""
    if not MarketplaceOrder.objects.filter(pk=order.pk, status__in=[S.NEEDS_REVIEW, S.RETRY_WAIT],
                                           attempts__gt=0).update(status=S.READY, next_attempt_at=None):
        raise DecisionError(f"PO {order.purchase_order_id} has no failed posting to replay "
                            f"({order.get_status_display()})")
    _audit("order.replay", order, user, f"was {order.review_reason or order.status}")


def hold(integration, purchase_order_id, why):
    """INTENT_TO_CANCEL: a not-yet-posted order waits for staff (shown in the review queue)."""
    rows = MarketplaceOrder.objects.filter(integration=integration, purchase_order_id=purchase_order_id,
                                           status__in=NOT_POSTED)
    for order in rows:
        if MarketplaceOrder.objects.filter(pk=order.pk, status__in=NOT_POSTED).update(
                on_hold=True, hold_reason=why[:200], status=S.NEEDS_REVIEW, review_reason="intent_to_cancel",
                review_message=why[:5000]):
            release(order, "held")
            _audit("order.held", order, None, why)
