"""Store a Walmart return for an integration: create it once, update it in place afterwards.

Later versions (delivered at the return centre, refunded, cancelled) update the row and its lines
and are audited (`return.updated`); they never create a second return (UNIQUE integration + RMA).
Walmart's data columns are saved by name, and status moves are conditional UPDATEs, so a version
arriving while the posting machine holds the row never overwrites the machine's bookkeeping.

The return is linked to the original MarketplaceOrder (and each line to its order line) when we
hold every PO it refers to; until then it is `waiting_for_order`, and `link_waiting` links it when
the orders arrive. A fixed number of queries per return, whatever its line count.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from audit import log as audit_log
from syncs.models import MarketplaceOrder, MarketplaceReturn, OrderLine, ReturnCharge, ReturnLine
from syncs.returns.parse import parse_return

S = MarketplaceReturn.Status
LINE_FIELDS = ["purchase_order_id", "purchase_order_line_number", "sales_order_line_number", "seller_order_id", "sku",
               "product_name", "condition", "quantity", "unit_of_measure", "refunded_quantity", "return_reason",
               "cancellation_reason", "status", "status_time", "delivery_status", "refund_status", "refund_channel",
               "currency", "unit_price", "product_amount", "product_tax", "shipping_amount", "restocking_fee",
               "tax_amount", "line_total", "tracking", "tracking_events", "last_event"]
CHARGE_FIELDS = ["charge_category", "charge_name", "currency", "amount_per_unit", "tax_per_unit", "amount", "tax_amount",
                 "tax_name", "is_discount", "is_billable"]
# Nothing was sent to the ERP in these states: Walmart cancelling every line simply ends the return.
CANCELLABLE = [S.PENDING, S.WAITING_FOR_ORDER, S.READY, S.NEEDS_REVIEW, S.RETRY_WAIT]
CANCELLED_EVENTS = {"RETURN_CANCELLED"}


def store(integration, data, return_order_id=None):
    """Create or update the MarketplaceReturn for `data` (any Walmart return shape). Returns (ret, created)."""
    parsed = parse_return(data, return_order_id)
    changes = []
    with transaction.atomic():
        ret = MarketplaceReturn.objects.filter(integration=integration, return_order_id=parsed.return_order_id).first()
        created = ret is None
        if not created and ret.complete and not parsed.complete:
            return ret, False  # a late notification says less than the REST copy we hold: keep ours
        if created:
            ret = MarketplaceReturn(integration=integration, return_order_id=parsed.return_order_id,
                                    status=S.WAITING_FOR_ORDER)
        elif ret.walmart_status != parsed.values["walmart_status"]:
            changes.append(f"{ret.walmart_status or '-'} -> {parsed.values['walmart_status'] or '-'}")
        for name, value in parsed.values.items():
            setattr(ret, name, value)
        ret.complete, ret.raw = parsed.complete, parsed.raw
        if created:
            ret.save()
        else:
            ret.save(update_fields=[*parsed.values, "complete", "raw", "updated_at"])
        lines = _store_lines(ret, parsed.lines, created, changes)
        changes += _link([ret], {ret.pk: lines}, integration).get(ret.pk, [])
        if lines and all(line.last_event in CANCELLED_EVENTS for line in lines):  # first seen cancelled, too
            if MarketplaceReturn.objects.filter(pk=ret.pk, status__in=CANCELLABLE).update(status=S.CANCELLED):
                changes.append("every line cancelled on Walmart")
        ret.refresh_from_db(fields=["status", "order", "is_wfs"])
    if changes and not created:
        audit_log.record("return.updated", obj=ret, object_type="return", object_id=ret.return_order_id,
                         message="; ".join(changes), data={"integration": integration.slug})
    return ret, created


def _store_lines(ret, lines, created, changes):
    existing = {} if created else {line.line_number: line for line in ret.lines.all()}
    new, changed = [], []
    for parsed in lines:
        values = {name: getattr(parsed, name) for name in LINE_FIELDS}
        line = existing.get(parsed.line_number)
        if line is None:
            new.append(ReturnLine(marketplace_return=ret, line_number=parsed.line_number, **values))
            if not created:
                changes.append(f"line {parsed.line_number} added")
            continue
        if (line.status, line.refund_status) != (parsed.status, parsed.refund_status):
            changes.append(f"line {parsed.line_number}: {line.status or '-'}/{line.refund_status or '-'} -> "
                           f"{parsed.status or '-'}/{parsed.refund_status or '-'}")
        for name, value in values.items():
            setattr(line, name, value)
        changed.append(line)
    ReturnLine.objects.bulk_create(new)
    if changed:
        ReturnLine.objects.bulk_update(changed, LINE_FIELDS)
    by_number = {line.line_number: line for line in [*new, *changed]}
    if not created:
        ReturnCharge.objects.filter(line__marketplace_return=ret).delete()
    ReturnCharge.objects.bulk_create([
        ReturnCharge(line=by_number[parsed.line_number], **{name: getattr(c, name) for name in CHARGE_FIELDS})
        for parsed in lines for c in parsed.charges
    ])
    return [by_number[parsed.line_number] for parsed in lines]


def _orders_for(integration, returns):
    """{purchase_order_id: order} and {(po, line number): order line} for what these returns refer to."""
    pos = {po for ret in returns for po in ret.purchase_order_ids}
    customers = {ret.customer_order_id for ret in returns if not ret.purchase_order_ids and ret.customer_order_id}
    if not pos and not customers:
        return {}, {}, {}
    orders = list(MarketplaceOrder.objects.filter(integration=integration).filter(
        Q(purchase_order_id__in=pos) | Q(customer_order_id__in=customers)))
    by_po = {o.purchase_order_id: o for o in orders}
    by_customer = {}
    for o in orders:
        by_customer.setdefault(o.customer_order_id, []).append(o)
    order_lines = {(line.order.purchase_order_id, line.line_number): line
                   for line in OrderLine.objects.filter(order__in=orders).select_related("order")}
    return by_po, by_customer, order_lines


def _original(ret, by_po, by_customer):
    """The original order when we hold every PO the return names (or, naming none, its one customer order)."""
    if ret.purchase_order_ids:
        return by_po.get(ret.purchase_order_id) if all(po in by_po for po in ret.purchase_order_ids) else None
    matches = by_customer.get(ret.customer_order_id, [])
    return matches[0] if len(matches) == 1 else None


def _link(returns, lines_of, integration):
    """Point returns still without an order (and their lines) at the orders we hold. Returns {pk: [change]}."""
    by_po, by_customer, order_lines = _orders_for(integration, returns)
    changes, moved_lines = {}, []
    for ret in returns:
        for line in lines_of[ret.pk]:
            target = order_lines.get((line.purchase_order_id or ret.purchase_order_id, line.purchase_order_line_number))
            if target is not None and line.order_line_id != target.pk:
                line.order_line = target
                moved_lines.append(line)
        order = _original(ret, by_po, by_customer)
        if order is None or ret.order_id == order.pk and ret.status != S.WAITING_FOR_ORDER:
            continue
        status = S.READ_ONLY if order.is_wfs else S.PENDING  # Walmart handles WFS returns; we only report them
        # Conditional: only a return that still waits (or was just created) moves; a posted one keeps its state.
        won = MarketplaceReturn.objects.filter(pk=ret.pk, status=S.WAITING_FOR_ORDER).update(
            order=order, status=status, is_wfs=order.is_wfs)
        if not won and (ret.order_id is not None or not MarketplaceReturn.objects.filter(
                pk=ret.pk, order__isnull=True).update(order=order, is_wfs=order.is_wfs)):
            continue  # linked already, or moved on (cancelled, posted...) meanwhile: leave it
        ret.order, ret.is_wfs = order, order.is_wfs
        changes[ret.pk] = [f"linked to PO {order.purchase_order_id}" + (f" ({status})" if won else "")]
    if moved_lines:
        ReturnLine.objects.bulk_update(moved_lines, ["order_line"])
    return changes


def link_waiting(integration, *, batch=500):
    """Link the integration's returns that wait for their order to the orders that have arrived since;
    they move to `pending` (or `read_only` for a WFS order). Returns how many were linked.

    Only returns whose first PO (or, naming none, whose customer order) we now hold are read, in
    batches by id, so returns whose orders never come cannot crowd out the ones that can be linked.
    """
    held = MarketplaceOrder.objects.filter(integration=integration)
    candidates = MarketplaceReturn.objects.filter(integration=integration, status=S.WAITING_FOR_ORDER).filter(
        Exists(held.filter(purchase_order_id=OuterRef("purchase_order_id")))
        | Q(purchase_order_id="") & Exists(held.filter(customer_order_id=OuterRef("customer_order_id"))))
    total, after = 0, 0
    while True:
        waiting = list(candidates.filter(pk__gt=after).order_by("id")[:batch])
        if not waiting:
            return total
        after = waiting[-1].pk
        lines_of = {ret.pk: [] for ret in waiting}
        for line in ReturnLine.objects.filter(marketplace_return__in=waiting):
            lines_of[line.marketplace_return_id].append(line)
        with transaction.atomic():
            linked = _link(waiting, lines_of, integration)
        for ret in waiting:
            if ret.pk in linked:
                audit_log.record("return.updated", obj=ret, object_type="return", object_id=ret.return_order_id,
                                 message="; ".join(linked[ret.pk]), data={"integration": integration.slug})
        total += len(linked)
