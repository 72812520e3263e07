"""Walmart's per-item outcome of a feed, written back onto the lines that feed carried.

SUCCESS: the value in flight is what Walmart now has (`sent`). DATA_ERROR: Walmart refused the value;
it is held (not resent unchanged) until the ERP value changes, the SKU mapping is fixed or staff
retry, and the SKU mapping shows Walmart's message. SYSTEM_ERROR / TIMEOUT_ERROR: Walmart failed,
the line is released to go again at once, at most MAX_SYSTEM_RETRIES times. A result for a SKU the
feed did not carry (one we do not map) is logged, never fatal.
"""

import logging

from django.db.models import F

from audit import log as audit_log
from connectors import clock
from mappings.feed_errors import record_feed_results
from syncs.models import Feed, InventoryState, ItemState, PriceState
from syncs.models.outbound import ErrorKind

logger = logging.getLogger(__name__)
S = Feed.State

LINE_MODELS = {"inventory_out": InventoryState, "prices_out": PriceState, "items_out": ItemState}
MAX_SYSTEM_RETRIES = 3


def lines(feed):
    return LINE_MODELS[feed.flow].objects.filter(feed=feed)


def _message(item):
    return "; ".join(f"{e.code}: {e.description}" if e.code else e.description for e in item.errors) or item.status


def release(feed, message, *, system):
    """Give the feed's lines back (refused or timed-out feed): nothing of it reached Walmart for sure.
    system: Walmart's trouble, the lines go again (bounded); else the refused values are held."""
    now = clock.now()
    rows = lines(feed)
    if system:
        rows.filter(system_retries__gte=MAX_SYSTEM_RETRIES - 1).update(held_value=F("in_flight"), error=(
            f"{message} (gave up after {MAX_SYSTEM_RETRIES} attempts; 'Retry' in the admin sends it again)")[:5000])
        rows.filter(system_retries__lt=MAX_SYSTEM_RETRIES - 1).update(error=message[:5000])
    else:
        rows.update(held_value=F("in_flight"), error=message[:5000])
    rows.update(in_flight=None, feed=None, run="", error_kind=ErrorKind.SYSTEM if system else ErrorKind.DATA,
                error_at=now, system_retries=F("system_retries") + (1 if system else 0))


def apply(feed, status, values):
    """Record a finished feed: its counts, and each item's outcome on its lines. Returns the outcome."""
    now = clock.now()
    state = S.PROCESSED if status.status == "PROCESSED" else S.ERROR
    if state == S.ERROR:
        file_errors = "; ".join(f"{e.code}: {e.description}" for e in status.errors) or "no reason given"
        Feed.objects.filter(pk=feed.pk).update(state=state, done_at=now, errors=[
            {"sku": "", "type": e.type, "code": e.code, "description": e.description} for e in status.errors], **values)
        # A refused file is our fault or Walmart's, not the lines': send them again (bounded).
        release(feed, f"Walmart refused feed {feed.walmart_feed_id}: {file_errors}", system=True)
        audit_log.record("feed.error", obj=feed, object_id=feed.reference, ok=False, message=file_errors[:2000],
                         data={"integration": feed.integration.slug})
        return "error"
    carried = set(lines(feed).values_list("sku", flat=True).distinct())
    data, system, unknown = {}, {}, []
    for item in status.items:
        if item.status in ("SUCCESS", "INPROGRESS"):
            continue
        if item.sku not in carried:
            unknown.append(item.sku)
        elif item.status == "DATA_ERROR":
            data[item.sku] = _message(item)
        else:
            system[item.sku] = _message(item)
    if unknown:
        logger.info("feed %s: results for SKUs it did not carry (not ours): %s", feed.walmart_feed_id, unknown[:20])
    for sku, message in data.items():
        lines(feed).filter(sku=sku).update(held_value=F("in_flight"), in_flight=None, feed=None, run="", error=message[:5000],
                                           error_kind=ErrorKind.DATA, error_at=now)
    for sku, message in system.items():
        rows = lines(feed).filter(sku=sku)
        rows.filter(system_retries__gte=MAX_SYSTEM_RETRIES - 1).update(held_value=F("in_flight"))
        rows.update(in_flight=None, feed=None, run="", error=message[:5000], error_kind=ErrorKind.SYSTEM, error_at=now,
                    system_retries=F("system_retries") + 1)
    succeeded = list(lines(feed).values_list("sku", flat=True).distinct())
    lines(feed).update(sent=F("in_flight"), sent_at=now, in_flight=None, feed=None, run="", error="",
                       error_kind=ErrorKind.NONE, error_at=None, held_value=None, system_retries=0)
    errors = [{"sku": sku, "type": "DATA_ERROR", "description": m} for sku, m in data.items()]
    errors += [{"sku": sku, "type": "SYSTEM_ERROR", "description": m} for sku, m in system.items()]
    Feed.objects.filter(pk=feed.pk).update(state=state, done_at=now, errors=errors[:1000], **values)
    record_feed_results(feed.integration, data, succeeded=succeeded)
    audit_log.record("feed.processed", obj=feed, object_id=feed.reference, ok=not errors,
                     message=f"{len(succeeded)} SKUs accepted, {len(data)} refused, {len(system)} to retry",
                     data={"integration": feed.integration.slug, "walmart_feed_id": feed.walmart_feed_id})
    return "processed"
