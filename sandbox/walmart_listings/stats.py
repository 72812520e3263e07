"""This app's share of `sandbox stats` for Walmart (DESIGN §9): feeds received, applied changes."""

from sandbox.walmart_listings.models import Change, Feed


def documents():
    return {
        "feeds": Feed.objects.count(),
        "price_updates": Change.objects.filter(kind=Change.Kind.PRICE).count(),
        "inventory_updates": Change.objects.filter(kind=Change.Kind.INVENTORY).count(),
    }


def duplicate_references():
    """Feeds and price/quantity updates carry no reference of ours (Walmart has no field for one),
    so there is nothing that could be duplicated: 0 by construction."""
    return 0
