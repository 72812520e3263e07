"""Validate pending orders (DESIGN §4.4): mappings resolve, address complete, PeopleSoft PO match,
ERP stock minus the reservation ledger covers every line. Passing orders become `ready` and hold
their reservations; the others go to review with a reason code (or, per the integration's policy,
out-of-stock orders are rejected and their lines cancelled on Walmart).

Stock is read from the ERP once per warehouse for the whole batch, outside any lock; the decision
and the reservations are written under a lock on the ERP connection row (SQLite: the IMMEDIATE
transaction is the lock), so two workers validating orders for the last unit serialise there and
only one of them passes.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from audit import log as audit_log
from connectors import clock, registry
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.models import Connection
from mappings import erp
from mappings.resolve import Resolver
from mappings.unmapped import record_misses
from syncs.models import MarketplaceOrder, StockReservation
from syncs.orders.build import CANCELLED_ON_WALMART, build
from syncs.stock import guard

logger = logging.getLogger(__name__)
S = MarketplaceOrder.Status
OUT_OF_STOCK = "out_of_stock"


def pending(integration):
    return (MarketplaceOrder.objects.filter(integration=integration, status=S.PENDING, on_hold=False)
            .select_related("integration").prefetch_related("lines__charges").order_by("order_date", "id"))


def open_reservations(erp_connection, keys, exclude_order=None):
    """{(item, warehouse): reserved quantity} of unreleased reservations on this ERP."""
    items = {item for item, _ in keys}
    rows = StockReservation.objects.filter(erp=erp_connection, released_at__isnull=True, erp_item__in=items)
    if exclude_order is not None:
        rows = rows.exclude(order=exclude_order)
    totals = rows.values("erp_item", "warehouse").annotate(total=Sum("quantity"))
    return {(r["erp_item"], r["warehouse"]): r["total"] for r in totals}


def release(order, reason):
    StockReservation.objects.filter(order=order, released_at__isnull=True).update(
        released_at=clock.now(), release_reason=reason)


def _review(order, code, message, user=None):
    updated = MarketplaceOrder.objects.filter(pk=order.pk, status=S.PENDING).update(
        status=S.NEEDS_REVIEW, review_reason=code, review_message=message[:5000], validated_at=clock.now())
    if updated:
        audit_log.record("order.review.flagged", obj=order, object_id=order.purchase_order_id, user=user, ok=False,
                         message=message[:2000], data={"integration": order.integration.slug, "reason": code})
    return updated


def _stock(adapter, needs):
    """ERP stock for {(item, warehouse)}: one read per warehouse. None when the ERP cannot be read now."""
    by_warehouse = defaultdict(set)
    for item, warehouse in needs:
        by_warehouse[warehouse].add(item)
    stock = {}
    for warehouse, items in by_warehouse.items():
        for level in adapter.stock_levels(sorted(items), warehouse):
            stock[(level.item, level.warehouse)] = Decimal(level.available)
    return stock


def _po_reason(adapter, built):
    for line in built.posting.lines:
        match = adapter.match_purchase_order(line.erp_item, line.vendor_id, line.quantity)
        if not match.matched:
            return match.reason, f"Line {line.line_number} ({line.sku}): {match.message}"
    return None


def validate(integration, *, adapter=None, orders=None, user=None):
    """Validate the integration's pending orders (or `orders`). Returns counts by outcome."""
    orders = list(orders if orders is not None else pending(integration)[:500])
    counts = defaultdict(int)
    if not orders:
        return dict(counts)
    system = integration.erp_system
    resolver = Resolver(integration)
    # One read of the batch's SKU and ship node mappings, not one per order.
    resolver.prime({line.sku for order in orders for line in order.lines.all()}, {order.ship_node_id for order in orders})
    candidates = []
    for order in orders:
        built = build(order, resolver)
        if built.reasons:
            first = built.reasons[0]
            if first.code == CANCELLED_ON_WALMART:
                MarketplaceOrder.objects.filter(pk=order.pk, status=S.PENDING).update(status=S.CANCELLED)
                counts["cancelled"] += 1
            else:
                counts["needs_review"] += _review(order, first.code, " ".join(r.message for r in built.reasons), user)
            continue
        candidates.append((order, built))
    record_misses(integration, resolver.misses)
    checked = []
    needs_stock = integration.check_stock and system in erp.STOCK_SYSTEMS
    try:
        if candidates and (needs_stock or system in erp.SUPPLIER_SYSTEMS):
            # Only now: an integration that checks neither stock nor POs validates without the ERP.
            adapter = adapter or registry.adapter(integration.erp)
        for order, built in candidates:
            if system in erp.SUPPLIER_SYSTEMS:
                problem = _po_reason(adapter, built)
                if problem:
                    counts["needs_review"] += _review(order, problem[0], problem[1], user)
                    continue
            checked.append((order, built))
        needs_stock = needs_stock and hasattr(adapter, "stock_levels")
        # WFS orders (posted as revenue only) ship from Walmart's stock, not the seller's.
        keys = {(l.erp_item, l.warehouse) for o, b in checked if not o.is_wfs for l in b.posting.lines}
        stock = _stock(adapter, keys) if needs_stock and keys else None
    except (RecoverableError, AmbiguousOutcome) as exc:
        # The ERP cannot be read now: nothing decided, the orders stay pending for the next run.
        logger.warning("%s: validation waits, the ERP could not be read: %s", integration.slug, exc)
        counts["waiting"] += len(candidates)
        return dict(counts)
    except PermanentError as exc:
        for order, _ in candidates:
            counts["needs_review"] += _review(order, "erp_rejected", f"The ERP refused the validation read: {exc}", user)
        return dict(counts)
    _decide(integration, checked, stock, counts, user)
    return dict(counts)


def _decide(integration, checked, stock, counts, user):
    taken = {}  # (sku, ship node) -> ERP units left there after this batch's reservations
    with transaction.atomic():
        # The lock that serialises validators of this ERP (PostgreSQL; SQLite's IMMEDIATE transaction already does).
        list(Connection.objects.select_for_update().filter(pk=integration.erp_id).values_list("pk"))
        keys = {(l.erp_item, l.warehouse) for _, b in checked for l in b.posting.lines}
        reserved = open_reservations(integration.erp, keys) if stock is not None else {}
        for order, built in checked:
            holds_stock = stock is not None and not order.is_wfs
            short = _shortages(built, stock, reserved) if holds_stock else []
            if short:
                _out_of_stock(integration, order, short, counts, user)
                continue
            if not MarketplaceOrder.objects.filter(pk=order.pk, status=S.PENDING, on_hold=False).update(
                    status=S.READY, review_reason="", review_message="", validated_at=clock.now()):
                continue  # another worker validated it, or it was put on hold meanwhile
            release(order, "revalidated")
            if not holds_stock:
                counts["ready"] += 1
                continue
            StockReservation.objects.bulk_create([
                StockReservation(erp=integration.erp, order=order, line_number=l.line_number, erp_item=l.erp_item,
                                 warehouse=l.warehouse, quantity=l.quantity) for l in built.posting.lines
            ])
            for line in built.posting.lines:
                key = (line.erp_item, line.warehouse)
                reserved[key] = reserved.get(key, Decimal("0")) + line.quantity
                taken[(line.sku, order.ship_node_id)] = stock.get(key, Decimal("0")) - reserved[key]
            counts["ready"] += 1
    if taken:
        # The oversell guard: a line whose offer just reached 0 goes to Walmart as 0 now (syncs.stock.guard).
        flagged = guard.note_taken(integration, taken)
        if flagged:
            counts["zero_flagged"] += flagged


def _shortages(built, stock, reserved):
    wanted = defaultdict(Decimal)
    for line in built.posting.lines:
        wanted[(line.erp_item, line.warehouse)] += line.quantity
    short = []
    for (item, warehouse), quantity in wanted.items():
        available = stock.get((item, warehouse), Decimal("0")) - reserved.get((item, warehouse), Decimal("0"))
        if available < quantity:
            short.append(f"{item} at {warehouse}: {format_quantity(quantity)} needed, {format_quantity(max(available, 0))} available")
    return short


def format_quantity(value):
    return format(Decimal(value).normalize(), "f")


def _out_of_stock(integration, order, short, counts, user):
    message = "Not enough stock: " + "; ".join(short) + "."
    if integration.out_of_stock_policy == integration.OutOfStock.REJECT:
        if MarketplaceOrder.objects.filter(pk=order.pk, status=S.PENDING).update(
                status=S.REJECTED, review_reason=OUT_OF_STOCK, review_message=message, cancel_state="pending",
                cancel_reason=integration.out_of_stock_cancel_reason, validated_at=clock.now()):
            audit_log.record("order.rejected", obj=order, object_id=order.purchase_order_id, ok=False, message=message,
                             data={"integration": integration.slug, "reason": OUT_OF_STOCK, "policy": "reject"})
            counts["rejected"] += 1
        return
    counts["needs_review"] += _review(order, OUT_OF_STOCK, message, user)
