"""Polling reconciliation (DESIGN §4 step 2): read GET /v3/orders by lastModified windows and feed
the same inbox with the same dedup keys, so a missed webhook is caught and a duplicate absorbed.

Per Walmart account (the inbox's owner): windows overlap the last high-water mark by the largest
overlap of the account's integrations (default 10 minutes); a first run looks back their largest
backfill (default 3 days). A window that Walmart says holds more than 10,000 orders is split in
two. The high-water mark moves only after a whole window was read, so an interrupted poll resumes
where it stood, losing nothing; what it re-reads, the dedup keys absorb.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.walmart.paging import iter_pages
from syncs.locking import lease
from syncs.models import InboxEvent, Integration, MarketplaceOrder, PollState
from syncs.orders.parse import when

logger = logging.getLogger(__name__)

# GET /v3/orders returns SellerFulfilled orders unless asked for another node type: poll each.
SHIP_NODE_TYPES = ("SellerFulfilled", "WFSFulfilled", "3PLFulfilled")
MAX_WINDOW_ORDERS = 10_000
PAGE_LIMIT = 200
MIN_WINDOW = timedelta(seconds=1)


def version_of(order):
    """The order's change mark: the latest line statusDate (Walmart orders carry no lastModified)."""
    lines = ((order.get("orderLines") or {}).get("orderLine") if isinstance(order.get("orderLines"), dict)
             else order.get("orderLines")) or []
    dates = [when(line.get("statusDate")) for line in lines if isinstance(line, dict) and line.get("statusDate")]
    return int(max(dates).timestamp() * 1000) if dates else 0


def _record_page(account, orders, counts):
    """Insert inbox rows for a page: creations by PO, later versions when the stored order is older."""
    pos = [str(o["purchaseOrderId"]) for o in orders if o.get("purchaseOrderId")]
    known = set(InboxEvent.objects.filter(account=account, dedup_key__in=[f"order:{po}:created" for po in pos])
                .values_list("purchase_order_id", flat=True))
    stored = {}
    for po, raw in MarketplaceOrder.objects.filter(integration__walmart=account, purchase_order_id__in=pos).values_list(
            "purchase_order_id", "raw"):
        version = version_of(raw)
        stored[po] = min(stored.get(po, version), version)
    for order in orders:
        po = str(order.get("purchaseOrderId") or "")
        if not po:
            continue
        if po not in known:
            key = f"order:{po}:created"
        elif po in stored and version_of(order) > stored[po]:
            key = f"order:{po}:v{version_of(order)}"
        else:
            counts["seen"] += 1
            continue
        try:
            with transaction.atomic():
                InboxEvent.objects.create(
                    account=account, dedup_key=key, kind="order", event_type="POLL", purchase_order_id=po,
                    source=InboxEvent.Source.POLL, payload=order,
                )
            counts["new"] += 1
        except IntegrityError:
            counts["seen"] += 1


def _poll_window(client_connection, start, end, node_type, counts):
    filters = {"lastModifiedStartDate": start, "lastModifiedEndDate": end, "limit": PAGE_LIMIT, "shipNodeType": node_type}
    pages = iter_pages(client_connection, "/v3/orders", filters, bucket="orders.list", what="poll orders")
    for number, page in enumerate(pages):
        meta = (page.get("list") or {}).get("meta") or {}
        if number == 0 and int(meta.get("totalCount") or 0) > MAX_WINDOW_ORDERS and end - start > MIN_WINDOW:
            middle = start + (end - start) / 2
            logger.info("poll %s: %s orders in window, splitting", client_connection.name, meta["totalCount"])
            _poll_window(client_connection, start, middle, node_type, counts)
            _poll_window(client_connection, middle, end, node_type, counts)
            return
        orders = ((page.get("list") or {}).get("elements") or {}).get("order") or []
        _record_page(client_connection, orders, counts)
        counts["pages"] += 1


def window_start(account, high_water, end):
    """Where a poll of `account` starts: the last mark minus the largest overlap of its integrations
    (default 10 minutes), or, the first time, their largest backfill (default 3 days) before `end`."""
    integrations = list(Integration.objects.filter(walmart=account, active=True))
    if high_water:
        return high_water - timedelta(minutes=max([i.poll_overlap_minutes for i in integrations] or [10]))
    return end - timedelta(days=max([i.poll_backfill_days for i in integrations] or [3]))


def poll_account(account, *, now=None):
    """Poll one Walmart account; returns counts {"new", "seen", "pages"}. Raises typed connector errors."""
    state, _ = PollState.objects.get_or_create(account=account)
    counts = {"new": 0, "seen": 0, "pages": 0}
    with lease(PollState, state.pk, seconds=900):
        state.refresh_from_db()
        end = now or timezone.now()
        start = window_start(account, state.high_water, end)
        try:
            for node_type in SHIP_NODE_TYPES:
                _poll_window(account, start, end, node_type, counts)
        except Exception as exc:
            PollState.objects.filter(pk=state.pk).update(last_run_at=timezone.now(), last_ok=False, last_error=str(exc)[:2000])
            raise
        PollState.objects.filter(pk=state.pk).update(high_water=end, last_run_at=timezone.now(), last_ok=True, last_error="")
    return counts

