"""How many feeds of a type a Walmart account may send per window, and how large a file may be.

Read from GET /v3/settings/partnerprofile ("the seller specific throttling configuration based on
the tier of seller", walmart-api.md §5.4) at most once a day and kept in FeedLimit; the shared
token bucket of the connection (connectors.ratelimit, bucket `feeds.<family>`) is sized from it, and
Walmart's X-Current-Token-Count / X-Next-Replenishment-Time / Retry-After keep correcting it.
When the profile names no limit for a type, FALLBACKS apply: the [3P] US counts and Walmart's
published CA file sizes (walmart-api.md §6; UNCONFIRMED for the US, so the profile always wins).
"""

import logging
from datetime import timedelta

from connectors import clock, ratelimit
from connectors.errors import ConnectorError
from connectors.walmart.listings import FEED_BUCKETS, WalmartListings
from syncs.models import FeedLimit

logger = logging.getLogger(__name__)

MB = 2**20
FALLBACKS = {"MP_INVENTORY": (50, 3600, 5 * MB), "PRICE_AND_PROMOTION": (10, 3600, 10 * MB),
             "MP_ITEM": (10, 3600, 25 * MB)}
REFRESH = timedelta(hours=24)


def refresh(walmart):
    """Read the partner profile into FeedLimit rows; returns them by feed type. Keeps the old rows
    (or the fallbacks) when Walmart cannot answer now."""
    now = clock.now()
    try:
        throttles = WalmartListings(walmart).partner_profile().feed_throttles
    except ConnectorError as exc:
        logger.warning("%s: partner profile unreadable (%s); feed limits unchanged", walmart.name, exc)
        throttles = None
    rows = {}
    for feed_type, (count, window, size) in FALLBACKS.items():
        found = throttles.get(feed_type) if throttles is not None else None
        if throttles is None:
            existing = FeedLimit.objects.filter(walmart=walmart, feed_type=feed_type).first()
            if existing is not None:
                rows[feed_type] = existing
                continue
        # A profile that could not be read is asked again within the hour, not the day.
        read_at = now if throttles is not None else now - REFRESH + timedelta(hours=1)
        values = {"count": count, "window_seconds": window, "file_size": size, "from_profile": False, "read_at": read_at}
        if found is not None and found.count and found.window_seconds:
            values.update(count=found.count, window_seconds=found.window_seconds,
                          file_size=found.file_size_bytes or size, from_profile=True)
        rows[feed_type], _ = FeedLimit.objects.update_or_create(walmart=walmart, feed_type=feed_type, defaults=values)
        ratelimit.configure(walmart, FEED_BUCKETS[feed_type], rows[feed_type].count, rows[feed_type].window_seconds)
    return rows


def limit(walmart, feed_type):
    """The account's FeedLimit for a feed type, read from Walmart when older than a day."""
    row = FeedLimit.objects.filter(walmart=walmart, feed_type=feed_type).first()
    if row is None or row.read_at < clock.now() - REFRESH:
        row = refresh(walmart)[feed_type]
    return row
