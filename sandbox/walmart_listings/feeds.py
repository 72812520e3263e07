"""Bulk feeds on the sandbox clock: RECEIVED, then INPROGRESS, then PROCESSED (or ERROR when the
file was unreadable), after the account's delays.

Nothing runs in the background. Every read of the account's feeds, items or inventory first calls
apply_due(), which applies each feed whose time has come. The claim on a feed is a conditional
UPDATE (applied_at IS NULL) in the same transaction as its changes, so concurrent readers apply it
exactly once.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from sandbox import clock
from sandbox.walmart_listings import formats, profile
from sandbox.walmart_listings.models import Change, Feed, FeedItem, Listing, StockLevel
from sandbox.walmart_listings.seed import upc, wpid

# The suffix Walmart's feed ids carry per feed family (seen in real ids, e.g. "...@AUoBAQA").
ID_SUFFIX = {"inventory": "AUoBAQA", "MP_INVENTORY": "AUoBAQA", "price": "AVMBAQA",
             "PRICE_AND_PROMOTION": "AVMBAQA", "MP_ITEM": "AU8BAQA"}


def item_error(code, description):
    return {"type": "DATA_ERROR", "code": code, "description": description}


SKU_NOT_FOUND = ("ERR_EXT_DATA_0101", "SKU not found")


@transaction.atomic
def submit(account, feed_type, body, *, file_name="", ship_node=""):
    """Store a feed file and its records (validated now, applied when due). Returns the Feed."""
    now = clock.now()
    received, processing = profile.feed_delays(account)
    feed = Feed.objects.create(
        account=account, feed_id=f"{uuid.uuid4().hex.upper()}@{ID_SUFFIX[feed_type]}", feed_type=feed_type,
        ship_node=ship_node, file_name=file_name[:200], size=len(body), received_at=now,
        inprogress_at=now + timedelta(seconds=received), done_at=now + timedelta(seconds=received + processing),
    )
    try:
        parsed = formats.records(feed_type, body, ship_node or None)
    except formats.FeedFileError as exc:
        Feed.objects.filter(pk=feed.pk).update(file_errors=exc.errors)
        feed.file_errors = exc.errors
        return feed
    FeedItem.objects.bulk_create([FeedItem(feed=feed, index=i, sku=sku, record=record) for i, (sku, record) in enumerate(parsed)])
    return feed


def status_at(feed, now):
    """The feed's status at `now`; final only once applied (apply_due runs before every read)."""
    if feed.applied_at is not None:
        return Feed.Status.ERROR if feed.file_errors else Feed.Status.PROCESSED
    return Feed.Status.RECEIVED if now < feed.inprogress_at else Feed.Status.INPROGRESS


def apply_due(account):
    """Apply every feed of the account whose processing time has passed, oldest first."""
    now = clock.now()
    for feed in Feed.objects.filter(account=account, applied_at__isnull=True, done_at__lte=now).order_by("done_at", "id"):
        _apply(feed, now)


@transaction.atomic
def _apply(feed, now):
    if Feed.objects.filter(pk=feed.pk, applied_at__isnull=True).update(applied_at=now) != 1:
        return  # another request applied it
    if feed.file_errors:
        return
    listings = {listing.sku: listing for listing in Listing.objects.filter(
        account=feed.account, sku__in=feed.items.values_list("sku", flat=True))}
    for item in feed.items.all():
        listing = listings.get(item.sku)
        if feed.feed_type == "MP_ITEM":
            errors = _apply_item(feed, item, listing, now)
            listings[item.sku] = Listing.objects.filter(account=feed.account, sku=item.sku).first()
        elif listing is None:
            errors = [item_error(*SKU_NOT_FOUND)]
        elif feed.feed_type in ("inventory", "MP_INVENTORY"):
            errors = _apply_inventory(feed, item, listing, now)
        else:
            errors = _apply_price(feed, item, listing, now)
        FeedItem.objects.filter(pk=item.pk).update(status="DATA_ERROR" if errors else "SUCCESS", errors=errors)


def _apply_inventory(feed, item, listing, now):
    account = feed.account
    errors = []
    for node in item.record["nodes"]:
        node_id = node["ship_node"] or profile.default_ship_node(account)
        known = profile.ship_node(account, node_id)
        if known is None:
            errors.append(item_error("ERR_EXT_DATA_0102", f"Ship node {node_id} not found for this seller"))
        elif known.node_type == "WFSFulfilled":
            errors.append(item_error("ERR_EXT_DATA_0103", f"Ship node {node_id} is Walmart-fulfilled; WFS stock is managed by Walmart"))
        elif node["quantity"] < 0:
            errors.append(item_error("ERR_EXT_DATA_0104", "Quantity must not be negative"))
    if errors:  # a record is applied whole or not at all
        return errors
    for node in item.record["nodes"]:
        set_quantity(account, listing, node["ship_node"] or profile.default_ship_node(account), node["quantity"],
                     source=feed.feed_type, feed=feed, now=now)
    return []


def _apply_price(feed, item, listing, now):
    price = item.record.get("price")
    if price is None and feed.feed_type == "PRICE_AND_PROMOTION":
        return []  # a promotion-only record: the emulator keeps no promotions, the base price stays
    if price in (None, "invalid") or Decimal(price) <= 0:
        return [item_error("ERR_EXT_DATA_0105", "Price must be a positive amount")]
    set_price(feed.account, listing, Decimal(price), source=feed.feed_type, feed=feed, now=now)
    return []


def _apply_item(feed, item, listing, now):
    record = item.record
    if not item.sku:
        return [item_error("ERR_EXT_DATA_0106", "Orderable.sku is required")]
    if record["price"] in (None, "invalid") or Decimal(record["price"]) <= 0:
        return [item_error("ERR_EXT_DATA_0105", "Orderable.price must be a positive amount")]
    if listing is None:
        listing = Listing.objects.create(
            account=feed.account, sku=item.sku, wpid=wpid(item.sku), gtin=record["gtin"], upc=upc(record["gtin"]),
            product_name=record["product_name"] or item.sku, product_type=record["product_type"], price=Decimal(record["price"]),
        )
        StockLevel.objects.bulk_create([StockLevel(listing=listing, ship_node=n.ship_node)
                                        for n in profile.stocked_nodes(feed.account)])
        return []
    Listing.objects.filter(pk=listing.pk).update(product_name=record["product_name"] or listing.product_name,
                                                 product_type=record["product_type"] or listing.product_type)
    set_price(feed.account, listing, Decimal(record["price"]), source=feed.feed_type, feed=feed, now=now)
    return []


def set_quantity(account, listing, node_id, quantity, *, source, feed=None, now=None):
    stock, _ = StockLevel.objects.get_or_create(listing=listing, ship_node=node_id)
    Change.objects.create(account=account, kind=Change.Kind.INVENTORY, sku=listing.sku, ship_node=node_id,
                          old_value=stock.quantity, new_value=quantity, feed=feed, source=source, at=now or clock.now())
    StockLevel.objects.filter(pk=stock.pk).update(quantity=quantity)


def set_price(account, listing, price, *, source, feed=None, now=None):
    Change.objects.create(account=account, kind=Change.Kind.PRICE, sku=listing.sku, old_value=listing.price,
                          new_value=price, feed=feed, source=source, at=now or clock.now())
    Listing.objects.filter(pk=listing.pk).update(price=price)
    listing.price = price
