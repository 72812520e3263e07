"""This app's share of `sandbox stats` for Walmart (DESIGN §9): feeds received, their lines, applied changes."""

from django.db.models import Count, Q, Sum

from sandbox.walmart_listings.models import Change, Feed

# Feed families as Walmart throttles and the connector sends them (legacy and current feed types).
FAMILIES = {
    "inventory_feeds": ("inventory", "MP_INVENTORY"),
    "price_feeds": ("price", "PRICE_AND_PROMOTION"),
    "item_feeds": ("MP_ITEM",),
}


def documents():
    feeds = Feed.objects.aggregate(
        feeds=Count("id"),
        # One line per SKU x ship node in inventory feeds, one per record otherwise (Feed.lines).
        feed_items=Sum("lines", default=0),
        **{name: Count("id", filter=Q(feed_type__in=types)) for name, types in FAMILIES.items()},
    )
    changes = Change.objects.aggregate(
        price_updates=Count("id", filter=Q(kind=Change.Kind.PRICE)),
        inventory_updates=Count("id", filter=Q(kind=Change.Kind.INVENTORY)),
    )
    return {**feeds, **changes}


def duplicate_references():
    """Feeds and price/quantity updates carry no reference of ours (Walmart has no field for one),
    so there is nothing that could be duplicated: 0 by construction."""
    return 0
