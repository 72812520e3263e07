"""Walmart's per-SKU feed errors, written back onto the SKU mappings by the feeds flow (DESIGN §5).

Staff filter SKU mappings by "has a feed error" in the admin and see Walmart's message next to
the SKU. A SKU that went through a later feed without error is cleared.
"""

from django.utils import timezone

from mappings.models import SkuMap


def record_feed_results(integration, errors, succeeded=()):
    """errors: {walmart_sku: Walmart's message}; succeeded: SKUs the feed accepted. Two UPDATE-style passes."""
    now = timezone.now()
    rows = list(SkuMap.objects.filter(integration=integration, walmart_sku__in=list(errors)))
    for row in rows:
        row.feed_error, row.feed_error_at = str(errors[row.walmart_sku])[:5000], now
    SkuMap.objects.bulk_update(rows, ["feed_error", "feed_error_at"], batch_size=500)
    cleared = SkuMap.objects.filter(integration=integration, walmart_sku__in=list(succeeded)).exclude(feed_error="")
    cleared.update(feed_error="", feed_error_at=now)
    return len(rows)
