"""Store a Walmart order for an integration: create it once, update it in place afterwards.

Later versions of the same order (a line cancelled by the buyer, an auto-cancel, a shipment) update
the row and are audited; they never create a second order (UNIQUE integration + purchaseOrderId).
A fixed number of queries per order, whatever its line count.
"""

from django.db import transaction

from audit import log as audit_log
from syncs.models import MarketplaceOrder, OrderCharge, OrderLine
from syncs.orders.parse import parse_order
from syncs.orders.validate import release

LINE_FIELDS = ["sku", "product_name", "condition", "quantity", "unit_of_measure", "status", "statuses", "status_date",
               "cancelled_quantity", "shipped_quantity", "fulfillment_option", "ship_method", "shipping_program_type"]
# States in which Walmart's cancellation of every line simply ends the order (nothing sent to the ERP yet).
CANCELLABLE = {MarketplaceOrder.Status.PENDING, MarketplaceOrder.Status.READY, MarketplaceOrder.Status.NEEDS_REVIEW,
               MarketplaceOrder.Status.RETRY_WAIT}


def store(integration, data):
    """Create or update the MarketplaceOrder for `data` (any Walmart order shape). Returns (order, created)."""
    parsed = parse_order(data)
    raw = data.get("order", data)
    with transaction.atomic():
        order = MarketplaceOrder.objects.filter(integration=integration, purchase_order_id=parsed.purchase_order_id).first()
        created = order is None
        if created:
            order = MarketplaceOrder(integration=integration, purchase_order_id=parsed.purchase_order_id)
            if parsed.values["ship_node_type"] == "WFSFulfilled" and not integration.posts_wfs_orders:
                order.status = MarketplaceOrder.Status.READ_ONLY  # Walmart fulfils it; we only report it
        for name, value in parsed.values.items():
            setattr(order, name, value)
        order.raw = raw
        order.save()
        changes = _store_lines(order, parsed.lines, created)
        if not created and parsed.lines and all(l.cancelled_quantity >= l.quantity for l in parsed.lines) \
                and order.status in CANCELLABLE:
            order.status = MarketplaceOrder.Status.CANCELLED
            order.save(update_fields=["status", "updated_at"])
            release(order, "cancelled")
            changes.append("every line cancelled on Walmart")
    if changes:
        audit_log.record("order.updated", obj=order, object_type="order", object_id=order.purchase_order_id,
                         message="; ".join(changes), data={"integration": integration.slug})
    return order, created


def _store_lines(order, lines, created):
    existing = {} if created else {line.line_number: line for line in order.lines.all()}
    new, changed, changes = [], [], []
    for parsed in lines:
        values = {name: getattr(parsed, name) for name in LINE_FIELDS}
        line = existing.get(parsed.line_number)
        if line is None:
            new.append(OrderLine(order=order, line_number=parsed.line_number, **values))
            if not created:
                changes.append(f"line {parsed.line_number} added")
            continue
        if line.status != parsed.status:
            changes.append(f"line {parsed.line_number}: {line.status or '-'} -> {parsed.status}")
        for name, value in values.items():
            setattr(line, name, value)
        changed.append(line)
    OrderLine.objects.bulk_create(new)
    if changed:
        OrderLine.objects.bulk_update(changed, LINE_FIELDS)
    by_number = {line.line_number: line for line in [*new, *changed]}
    if not created:
        OrderCharge.objects.filter(line__order=order).delete()
    OrderCharge.objects.bulk_create([
        OrderCharge(line=by_number[parsed.line_number], charge_type=c.charge_type, charge_name=c.charge_name,
                    amount=c.amount, currency=c.currency, tax_name=c.tax_name, tax_amount=c.tax_amount)
        for parsed in lines for c in parsed.charges
    ])
    return changes
