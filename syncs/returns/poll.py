"""Polling reconciliation for returns: GET /v3/returns by last-modified windows feeds the returns inbox
with the webhook's dedup key (`return:<id>:created`), so a RETURN_CREATED Walmart failed to deliver
is caught and one it did deliver is absorbed. Per Walmart account, like the orders poll: windows
overlap the last mark, a first run looks back the integrations' backfill, the mark moves only after
a whole window was read. Later changes of a return arrive by its events (they carry no version mark
a poll could compare).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.walmart.paging import iter_pages
from syncs.locking import lease
from syncs.models import InboxEvent, PollState
from syncs.orders.poll import window_start

PAGE_LIMIT = 200


def _record(account, returns, counts):
    ids = [str(r["returnOrderId"]) for r in returns if r.get("returnOrderId")]
    keys = {f"return:{rid}:created": rid for rid in ids}
    known = set(InboxEvent.objects.filter(account=account, dedup_key__in=keys).values_list("dedup_key", flat=True))
    for ret in returns:
        rid = str(ret.get("returnOrderId") or "")
        key = f"return:{rid}:created"
        if not rid or key in known:
            counts["seen"] += bool(rid)
            continue
        try:
            with transaction.atomic():
                InboxEvent.objects.create(account=account, dedup_key=key, kind="return", event_type="POLL",
                                          return_order_id=rid, source=InboxEvent.Source.POLL, payload=ret)
            counts["new"] += 1
        except IntegrityError:  # a webhook delivery of the same return committed a moment ago
            counts["seen"] += 1


def poll_returns(account, *, now=None):
    """Poll one Walmart account's returns; returns counts {"new", "seen", "pages"}. Raises typed errors."""
    state, _ = PollState.objects.get_or_create(account=account)
    counts = {"new": 0, "seen": 0, "pages": 0}
    with lease(PollState, state.pk, seconds=900, until_field="returns_lease_until", owner_field="returns_lease_owner"):
        state.refresh_from_db()
        end = now or timezone.now()
        start = window_start(account, state.returns_high_water, end)
        filters = {"returnLastModifiedStartDate": start, "returnLastModifiedEndDate": end, "limit": PAGE_LIMIT}
        try:
            for page in iter_pages(account, "/v3/returns", filters, bucket="returns.list", what="poll returns"):
                _record(account, page.get("returnOrders") or [], counts)
                counts["pages"] += 1
        except Exception:
            PollState.objects.filter(pk=state.pk).update(returns_last_run_at=timezone.now(), returns_last_ok=False)
            raise
        PollState.objects.filter(pk=state.pk).update(returns_high_water=end, returns_last_run_at=timezone.now(),
                                                     returns_last_ok=True)
    return counts
