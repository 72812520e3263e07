"""Applying a feed's records: each applier takes the feed and its records ((pk, sku, record) named
tuples of its FeedItems, in file order) and returns {FeedItem pk: [ingestionError]} for the
records refused; every other record succeeded.

Inventory and price feeds are applied set-based: one query for the listings, one for the stock
levels, then one prepared statement per table (bulk_sql.py). The connector sends whole-catalog
feeds of many thousands of lines, and per-record queries made one such feed take ten seconds. A
SKU named twice in one file is applied in file order: the later record wins, the ledger shows both.
"""

from decimal import Decimal

from sandbox.walmart_listings import profile
from syncs import bulk_sql
from sandbox.walmart_listings.models import Change, Listing, StockLevel
from sandbox.walmart_listings.seed import upc, wpid

# Columns of a Change ledger row, in the order the appliers build them.
LEDGER = ("account", "kind", "sku", "ship_node", "old_value", "new_value", "feed", "source", "at")


def item_error(code, description):
    return {"type": "DATA_ERROR", "code": code, "description": description}


SKU_NOT_FOUND = ("ERR_EXT_DATA_0101", "SKU not found")
BAD_PRICE = ("ERR_EXT_DATA_0105", "Price must be a positive amount")


def _skus(feed):
    # A subquery, so a file of any size stays under SQLite's limit on bound parameters.
    return feed.items.values("sku")


def _node_errors(account, node_id, quantity):
    known = profile.ship_node(account, node_id)
    if known is None:
        return [item_error("ERR_EXT_DATA_0102", f"Ship node {node_id} not found for this seller")]
    if known.node_type == "WFSFulfilled":
        return [item_error("ERR_EXT_DATA_0103", f"Ship node {node_id} is Walmart-fulfilled; WFS stock is managed by Walmart")]
    if quantity < 0:
        return [item_error("ERR_EXT_DATA_0104", "Quantity must not be negative")]
    return []


def inventory(feed, items, now):
    """Rows, not model instances, are loaded: building 10,000 StockLevel objects cost more than the SQL."""
    account = feed.account
    default_node = profile.default_ship_node(account)
    listings = dict(Listing.objects.filter(account=account, sku__in=_skus(feed)).values_list("sku", "pk"))
    # (listing pk, node) -> [stock level pk or None when new, quantity]
    stock = {(listing_pk, node): [pk, quantity] for pk, listing_pk, node, quantity in StockLevel.objects.filter(
        listing__account=account, listing__sku__in=_skus(feed)).values_list("pk", "listing_id", "ship_node", "quantity")}
    touched, ledger, refused = {}, [], {}
    for item in items:
        listing_pk = listings.get(item.sku)
        if listing_pk is None:
            refused[item.pk] = [item_error(*SKU_NOT_FOUND)]
            continue
        nodes = [(node["ship_node"] or default_node, node["quantity"]) for node in item.record["nodes"]]
        errors = [e for node_id, quantity in nodes for e in _node_errors(account, node_id, quantity)]
        if errors:  # a record is applied whole or not at all
            refused[item.pk] = errors
            continue
        for node_id, quantity in nodes:
            key = (listing_pk, node_id)
            level = stock.setdefault(key, [None, 0])
            ledger.append((account.pk, Change.Kind.INVENTORY, item.sku, node_id, level[1], quantity, feed.pk,
                           feed.feed_type, now))
            level[1] = quantity
            touched[key] = level
    bulk_sql.insert(StockLevel, ("listing", "ship_node", "quantity", "reserved"),
                    [(listing_pk, node, level[1], 0) for (listing_pk, node), level in touched.items() if level[0] is None])
    bulk_sql.update(StockLevel, ["quantity"], [(level[0], level[1]) for level in touched.values() if level[0] is not None])
    bulk_sql.insert(Change, LEDGER, ledger)
    return refused


def _positive(price):
    return price not in (None, "invalid") and Decimal(price) > 0


def price(feed, items, now):
    listings = {sku: [pk, price] for sku, pk, price in Listing.objects.filter(
        account=feed.account, sku__in=_skus(feed)).values_list("sku", "pk", "price")}
    touched, ledger, refused = {}, [], {}
    for item in items:
        listing = listings.get(item.sku)
        amount = item.record.get("price")
        if listing is None:
            refused[item.pk] = [item_error(*SKU_NOT_FOUND)]
        elif amount is None and feed.feed_type == "PRICE_AND_PROMOTION":
            continue  # a promotion-only record: the emulator keeps no promotions, the base price stays
        elif not _positive(amount):
            refused[item.pk] = [item_error(*BAD_PRICE)]
        else:
            ledger.append((feed.account_id, Change.Kind.PRICE, item.sku, "", listing[1], Decimal(amount), feed.pk,
                           feed.feed_type, now))
            listing[1] = Decimal(amount)
            touched[item.sku] = listing
    bulk_sql.update(Listing, ["price"], list(touched.values()))
    bulk_sql.insert(Change, LEDGER, ledger)
    return refused


def items(feed, feed_items, now):
    """MP_ITEM: create or update listings one record at a time (a record may create the listing a
    later record of the same file updates; item feeds are small and not on a hot path)."""
    from sandbox.walmart_listings.feeds import set_price  # feeds imports this module

    listings = {listing.sku: listing for listing in Listing.objects.filter(account=feed.account, sku__in=_skus(feed))}
    refused = {}
    for item in feed_items:
        record = item.record
        listing = listings.get(item.sku)
        if not item.sku:
            refused[item.pk] = [item_error("ERR_EXT_DATA_0106", "Orderable.sku is required")]
        elif not _positive(record["price"]):
            refused[item.pk] = [item_error("ERR_EXT_DATA_0105", "Orderable.price must be a positive amount")]
        elif listing is None:
            listings[item.sku] = listing = Listing.objects.create(
                account=feed.account, sku=item.sku, wpid=wpid(item.sku), gtin=record["gtin"], upc=upc(record["gtin"]),
                product_name=record["product_name"] or item.sku, product_type=record["product_type"],
                price=Decimal(record["price"]))
            StockLevel.objects.bulk_create([StockLevel(listing=listing, ship_node=n.ship_node)
                                            for n in profile.stocked_nodes(feed.account)])
        else:
            listing.product_name = record["product_name"] or listing.product_name
            listing.product_type = record["product_type"] or listing.product_type
            Listing.objects.filter(pk=listing.pk).update(product_name=listing.product_name,
                                                         product_type=listing.product_type)
            set_price(feed.account, listing, Decimal(record["price"]), source=feed.feed_type, feed=feed, now=now)
    return refused


BY_FEED_TYPE = {"inventory": inventory, "MP_INVENTORY": inventory, "price": price, "PRICE_AND_PROMOTION": price,
                "MP_ITEM": items}
