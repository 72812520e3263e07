"""The demo seller's listings on Walmart: every catalog item plus the Walmart-only SKUs, with a
price and a quantity per ship node taken from the shared catalog (sandbox/catalog.py).

seed_account(account) is idempotent: it creates what is missing and leaves what exists alone, so
re-running the demo does not undo prices or quantities that feeds have changed since.
"""

import base64
import hashlib

from django.db import transaction

from sandbox import catalog
from sandbox.walmart_listings import profile
from sandbox.walmart_listings.models import Listing, StockLevel


def wpid(sku):
    """Walmart's 12-character item id, derived from the SKU so it is stable across runs."""
    return base64.b32encode(hashlib.sha1(sku.encode()).digest()).decode()[:12]


def upc(gtin):
    """A UPC-A exists only for a GTIN-14 with two leading zeros; Walmart sends "" otherwise."""
    return gtin[2:] if len(gtin) == 14 and gtin.startswith("00") else ""


@transaction.atomic
def seed_account(account):
    """Create the account's listings and stock levels. Returns the number of listings created."""
    existing = set(Listing.objects.filter(account=account).values_list("sku", flat=True))
    sources = [i for i in catalog.items() + catalog.unmapped_items() if i.sku not in existing]
    Listing.objects.bulk_create([
        Listing(account=account, sku=item.sku, wpid=wpid(item.sku), gtin=item.gtin, upc=upc(item.gtin),
                product_name=item.name, product_type=item.category, price=item.price)
        for item in sources
    ])
    listings = {listing.sku: listing for listing in Listing.objects.filter(account=account, sku__in=[i.sku for i in sources])}
    nodes = profile.stocked_nodes(account)
    StockLevel.objects.bulk_create([
        StockLevel(listing=listings[item.sku], ship_node=node.ship_node, quantity=item.stock.get(node.warehouse, 0))
        for item in sources for node in nodes
    ])
    return len(sources)
