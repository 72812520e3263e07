"""`sync INTEGRATION orders_in --dry-run`: what the next run would post, and nothing written anywhere.

It reads — Walmart's orders not yet received (the poll window, without storing them), the
integration's pending, ready and due orders, the ERP's stock and, where the adapter needs them to
build a payload, its master data — and prints per order the mapping decisions, what validation
would decide, and the exact ERP payload (the adapter's preview_order, which never writes). No inbox
row, order, reservation, run record or audit event is written, no document created, no Walmart
acknowledgement sent. Reads may still refresh an expired access token and feed the shared rate
limiter: that is state about the connection, which the real run would need too.
"""

from django.db.models import Q
from django.utils import timezone

from connectors import http, registry
from connectors.errors import ConnectorError
from connectors.walmart.paging import iter_pages
from mappings import erp
from mappings.resolve import Resolver
from syncs.models import MarketplaceOrder, PollState
from syncs.orders.build import build
from syncs.orders.parse import OrderShapeError, parse_order
from syncs.orders.poll import window_start
from syncs.orders.preview import decisions
from syncs.orders.validate import format_quantity, open_reservations

S = MarketplaceOrder.Status
NODE_TYPES = ("SellerFulfilled", "3PLFulfilled", "WFSFulfilled")


def _new_on_walmart(integration):
    """(unsaved order, parsed lines) for Walmart orders in the poll window that we do not hold yet."""
    state = PollState.objects.filter(account=integration.walmart).first()
    end = timezone.now()
    start = window_start(integration.walmart, state.high_water if state else None, end)  # as the poll would
    known = set(MarketplaceOrder.objects.filter(integration=integration).values_list("purchase_order_id", flat=True))
    for node_type in NODE_TYPES:
        filters = {"lastModifiedStartDate": start, "lastModifiedEndDate": end, "limit": 200, "shipNodeType": node_type}
        for page in iter_pages(integration.walmart, "/v3/orders", filters, bucket="orders.list", what="dry run: orders"):
            for raw in ((page.get("list") or {}).get("elements") or {}).get("order") or []:
                parsed = parse_order(raw)
                if parsed.purchase_order_id in known:
                    continue
                known.add(parsed.purchase_order_id)
                order = MarketplaceOrder(integration=integration, purchase_order_id=parsed.purchase_order_id,
                                         **parsed.values)
                yield order, parsed.lines


def _ours(integration):
    due = Q(status=S.READY) | Q(status=S.RETRY_WAIT, next_attempt_at__lte=timezone.now()) | \
        Q(status=S.PENDING, on_hold=False)
    for order in MarketplaceOrder.objects.filter(due, integration=integration).prefetch_related("lines__charges"):
        yield order, list(order.lines.all())


def _stock_problems(integration, adapter, posting, cache):
    if not (integration.check_stock and integration.erp_system in erp.STOCK_SYSTEMS and hasattr(adapter, "stock_levels")):
        return []
    keys = {(line.erp_item, line.warehouse) for line in posting.lines}
    missing = {key for key in keys if key not in cache}
    for warehouse in {w for _, w in missing}:
        for level in adapter.stock_levels(sorted(i for i, w in missing if w == warehouse), warehouse):
            cache[(level.item, level.warehouse)] = level.available
    reserved = open_reservations(integration.erp, keys)
    short = []
    for (item, warehouse), quantity in _wanted(posting).items():
        available = cache.get((item, warehouse), 0) - reserved.get((item, warehouse), 0)
        if available < quantity:
            short.append(f"{item} at {warehouse}: {format_quantity(quantity)} needed, "
                         f"{format_quantity(max(available, 0))} available")
    return short


def _wanted(posting):
    wanted = {}
    for line in posting.lines:
        key = (line.erp_item, line.warehouse)
        wanted[key] = wanted.get(key, 0) + line.quantity
    return wanted


def plan(integration, *, walmart=True):
    """Yield one dict per order the next run would work: decisions, verdict, payload."""
    token = http.unaudited.set(True)
    try:
        resolver, adapter, stock = Resolver(integration), registry.adapter(integration.erp), {}
        sources = [_ours(integration)] + ([_new_on_walmart(integration)] if walmart else [])
        for source in sources:
            for order, lines in source:
                yield _one(integration, resolver, adapter, stock, order, lines)
    finally:
        http.unaudited.reset(token)


def _one(integration, resolver, adapter, stock, order, lines):
    entry = {"purchase_order_id": order.purchase_order_id, "status": order.status if order.pk else "new on Walmart"}
    if order.is_wfs and not integration.posts_wfs_orders:
        return {**entry, "verdict": "read_only (WFS: reported, not posted by this integration)"}
    try:
        built = build(order, resolver, lines)
    except OrderShapeError as exc:
        return {**entry, "verdict": f"cannot read: {exc}"}
    entry["decisions"] = decisions(built, integration.erp_system)
    if built.posting is None:
        return {**entry, "verdict": "needs_review: " + "; ".join(f"{r.code}: {r.message}" for r in built.reasons)}
    try:
        short = _stock_problems(integration, adapter, built.posting, stock) if order.status == S.PENDING or not order.pk else []
        entry["payload"] = adapter.preview_order(built.posting)
    except ConnectorError as exc:
        return {**entry, "verdict": f"cannot tell now, the ERP did not answer: {exc}"}
    entry["verdict"] = f"needs_review: out_of_stock: {'; '.join(short)}" if short else f"would post as {built.posting.reference}"
    return entry
