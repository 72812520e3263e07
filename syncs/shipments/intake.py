"""From what the ERP shipped or cancelled to ShipmentConfirmation rows, in batch: the packages of a
read are joined to our posted orders by reference in a handful of queries (orders, their lines, SKU
and carrier mappings, what the account already confirmed), whatever the number of orders.

A package becomes a row to send, or a row in review with the reason: carrier not mapped, line
cancelled on Walmart, more than the line's open quantity. Documents we did not post are ignored;
WFS orders are never shipped by us.
"""

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Sum

from connectors import clock
from mappings.models import SkuMap
from mappings.resolve import Resolver
from syncs import bulk_sql
from syncs.models import MarketplaceOrder, OrderLine, ShipmentConfirmation

S = ShipmentConfirmation.Status
K = ShipmentConfirmation.Kind
POSTED_STATES = (MarketplaceOrder.Status.POSTED, MarketplaceOrder.Status.ACKNOWLEDGED)
# Every column a new row sets (one INSERT for a whole read, whatever its size).
FIELDS = ("integration_id", "walmart_id", "order_id", "purchase_order_id", "line_number", "kind", "key", "quantity",
          "seller_order_id", "erp_carrier", "carrier", "method_code", "tracking_number", "tracking_url", "shipped_at",
          "shipment_id", "cancel_reason", "created_at", "status", "review_reason", "review_message", "attempts",
          "last_error", "erp_document_number", "erp_document_kind", "claim_owner")


def _po(reference):
    """Our reference is the purchaseOrderId, with a `-suffix` where one order made several documents."""
    return reference.rsplit("-", 1)[0] if reference.rsplit("-", 1)[-1].isalpha() else reference


def _walmart_units(quantity, factor):
    return int((Decimal(quantity) / (factor or 1)).to_integral_value(ROUND_FLOOR))


def _tracking_url(template, number):
    return template.replace("{trackingNumber}", number).replace("{tracking}", number) if template else ""


def take(integration, page):
    """Rows for a ShipmentPage; returns counts. Rows already there (same package seen again) are kept."""
    records = [(p, K.SHIP) for p in page.packages] + [(c, K.CANCEL) for c in page.cancellations]
    if not records:
        return {}
    pos = {_po(r.reference) for r, _ in records}
    orders = {o.purchase_order_id: o for o in MarketplaceOrder.objects.filter(
        integration=integration, purchase_order_id__in=pos, status__in=POSTED_STATES)}
    lines = {(l.order_id, l.line_number): l for l in OrderLine.objects.filter(order__in=orders.values())}
    factors = dict(SkuMap.objects.filter(integration=integration, walmart_sku__in={l.sku for l in lines.values()})
                   .values_list("walmart_sku", "factor"))
    taken = defaultdict(int)  # (po, line) -> Walmart units already confirmed or cancelled on this account
    for row in ShipmentConfirmation.objects.filter(walmart=integration.walmart, purchase_order_id__in=list(orders)).exclude(
            status=S.NEEDS_REVIEW).values("purchase_order_id", "line_number").annotate(n=Sum("quantity")):
        taken[(row["purchase_order_id"], row["line_number"])] = row["n"]
    existing, cancelled = set(), defaultdict(int)
    for po, line_number, kind, key, quantity, status in ShipmentConfirmation.objects.filter(
            walmart=integration.walmart, purchase_order_id__in=list(orders)).values_list(
            "purchase_order_id", "line_number", "kind", "key", "quantity", "status"):
        existing.add((po, line_number, kind, key))
        if kind == K.CANCEL and status != S.NEEDS_REVIEW:
            cancelled[(po, line_number)] += quantity
    resolver, new, counts = Resolver(integration), [], defaultdict(int)
    for record, kind in records:
        order = orders.get(_po(record.reference))
        if order is None or order.is_wfs:
            counts["not_ours"] += 1
            continue
        line = lines.get((order.pk, record.line_number))
        units = _walmart_units(record.quantity, factors.get(line.sku) if line else 1)
        if kind == K.CANCEL:
            # The ERP reports what a line has cancelled in all (and may report it again when the line
            # changes later): only the units not cancelled on Walmart yet go, keyed by that total.
            units -= cancelled[(order.purchase_order_id, record.line_number)]
            if units <= 0:
                counts["seen"] += 1
                continue
        key = record.tracking_number if kind == K.SHIP else (
            f"cancel-{record.erp_order}-{units + cancelled[(order.purchase_order_id, record.line_number)]}")
        if (order.purchase_order_id, record.line_number, kind, key) in existing:
            counts["seen"] += 1
            continue
        row = ShipmentConfirmation(
            integration=integration, walmart=integration.walmart, order=order, purchase_order_id=order.purchase_order_id,
            line_number=record.line_number, kind=kind, key=key[:100], seller_order_id=str(record.erp_order)[:30],
            quantity=units, created_at=clock.now())
        if kind == K.SHIP:
            row.erp_carrier, row.tracking_number = record.carrier, record.tracking_number
            row.shipped_at, row.shipment_id = record.shipped_at, str(record.shipment_id)[:50]
            target, reason = resolver.resolve_carrier(record.carrier)
            if target is not None:
                row.carrier = target.walmart_carrier or target.other_carrier
                row.tracking_url = record.tracking_url or _tracking_url(target.tracking_url, record.tracking_number)
                row.method_code = target.method_code or record.method or order.ship_method or "Standard"
        else:
            row.cancel_reason = integration.out_of_stock_cancel_reason or "SELLER_CANCEL_OUT_OF_STOCK"
            reason = None
        problem = _problem(row, line, reason, taken)
        if problem:
            row.status, row.review_reason, row.review_message = S.NEEDS_REVIEW, problem[0], problem[1]
        else:
            taken[(row.purchase_order_id, row.line_number)] += row.quantity
            if kind == K.CANCEL:
                cancelled[(row.purchase_order_id, row.line_number)] += row.quantity
        existing.add((row.purchase_order_id, row.line_number, kind, key))
        new.append(row)
        counts["needs_review" if problem else "new"] += 1
    bulk_sql.insert(ShipmentConfirmation, FIELDS, [tuple(getattr(row, f) for f in FIELDS) for row in new],
                    ignore_conflicts=True)
    return dict(counts)


def _problem(row, line, carrier_reason, taken):
    if line is None:
        return "unknown_line", f"PO {row.purchase_order_id} has no line {row.line_number} on Walmart."
    if carrier_reason is not None:
        return carrier_reason.code, carrier_reason.message
    if row.quantity < 1:
        return "invalid_quantity", f"The ERP quantity is less than one Walmart unit of {line.sku}."
    open_quantity = int(line.quantity - line.cancelled_quantity) - taken[(row.purchase_order_id, row.line_number)]
    if row.kind == K.SHIP and line.cancelled_quantity >= line.quantity:
        return "line_cancelled", f"Line {row.line_number} is cancelled on Walmart; it cannot be shipped."
    if row.quantity > open_quantity:
        what = "shipped" if row.kind == K.SHIP else "cancelled"
        return "over_quantity", (f"{row.quantity} {what} on line {row.line_number}, but only {max(open_quantity, 0)} "
                                 f"of {int(line.quantity)} are still open on Walmart.")
    return None


def recheck(rows):
    """Staff fixed a mapping (or Walmart's line changed): rows in review are checked again and, when
    nothing stands in the way now, sent with the next run. Returns how many are ready."""
    ready = 0
    for row in rows.filter(status=S.NEEDS_REVIEW).select_related("integration", "order"):
        line = row.order.lines.filter(line_number=row.line_number).first()
        taken = defaultdict(int)
        done = ShipmentConfirmation.objects.filter(walmart=row.walmart, purchase_order_id=row.purchase_order_id,
                                                   line_number=row.line_number).exclude(status=S.NEEDS_REVIEW)
        taken[(row.purchase_order_id, row.line_number)] = done.aggregate(n=Sum("quantity"))["n"] or 0
        reason = None
        if row.kind == K.SHIP:
            target, reason = Resolver(row.integration).resolve_carrier(row.erp_carrier)
            if target is not None:
                row.carrier = target.walmart_carrier or target.other_carrier
                row.tracking_url = row.tracking_url or _tracking_url(target.tracking_url, row.tracking_number)
                row.method_code = row.method_code or target.method_code or "Standard"
        problem = _problem(row, line, reason, taken)
        if problem:
            row.review_reason, row.review_message = problem
            row.save(update_fields=["review_reason", "review_message", "carrier", "tracking_url", "method_code"])
            continue
        row.status, row.review_reason, row.review_message, row.attempts = S.READY, "", "", 0
        row.save(update_fields=["status", "review_reason", "review_message", "attempts", "carrier", "tracking_url",
                                "method_code"])
        ready += 1
    return ready
