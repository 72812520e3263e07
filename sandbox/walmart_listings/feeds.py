"""Bulk feeds on the sandbox clock: RECEIVED, then INPROGRESS, then PROCESSED (or ERROR when the
file was unreadable), after the account's delays.

Nothing runs in the background. Every read of the account's feeds, items or inventory first calls
apply_due(), which applies each feed whose time has come. The claim on a feed is a conditional
UPDATE (applied_at IS NULL) in the same transaction as its changes, so concurrent readers apply it
exactly once. What a record does is appliers.py's business.
"""

import uuid
from collections import namedtuple
from datetime import timedelta

from django.db import transaction

from sandbox import clock
from sandbox.walmart_listings import appliers, formats, profile
from syncs import bulk_sql
from sandbox.walmart_listings.models import Change, Feed, FeedItem, Listing, StockLevel

# The suffix Walmart's feed ids carry per feed family (seen in real ids, e.g. "...@AUoBAQA").
ID_SUFFIX = {"inventory": "AUoBAQA", "MP_INVENTORY": "AUoBAQA", "price": "AVMBAQA",
             "PRICE_AND_PROMOTION": "AVMBAQA", "MP_ITEM": "AU8BAQA"}
INVENTORY_TYPES = ("inventory", "MP_INVENTORY")
Record = namedtuple("Record", "pk sku record")  # a FeedItem as the appliers read it


@transaction.atomic
def submit(account, feed_type, body, *, file_name="", ship_node=""):
    """Store a feed file and its records (validated now, applied when due). Returns the Feed."""
    now = clock.now()
    received, processing = profile.feed_delays(account)
    try:
        parsed, file_errors = formats.records(feed_type, body, ship_node or None), []
    except formats.FeedFileError as exc:
        parsed, file_errors = [], exc.errors
    feed = Feed.objects.create(
        account=account, feed_id=f"{uuid.uuid4().hex.upper()}@{ID_SUFFIX[feed_type]}", feed_type=feed_type,
        ship_node=ship_node, file_name=file_name[:200], size=len(body), lines=_lines(feed_type, parsed),
        received_at=now, inprogress_at=now + timedelta(seconds=received),
        done_at=now + timedelta(seconds=received + processing), file_errors=file_errors,
    )
    bulk_sql.insert(FeedItem, ("feed", "index", "sku", "record", "status", "errors"),
                    [(feed.pk, i, sku, record, "INPROGRESS", []) for i, (sku, record) in enumerate(parsed)])
    return feed


def _lines(feed_type, parsed):
    if feed_type in INVENTORY_TYPES:
        return sum(len(record["nodes"]) for _, record in parsed)
    return len(parsed)


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
    items = [Record(*row) for row in feed.items.order_by("index").values_list("pk", "sku", "record")]
    refused = appliers.BY_FEED_TYPE[feed.feed_type](feed, items, now)
    # Most records succeed: one UPDATE marks them all, then the refused ones are written in bulk.
    feed.items.update(status="SUCCESS")
    bulk_sql.update(FeedItem, ["status", "errors"], [(pk, "DATA_ERROR", errors) for pk, errors in refused.items()])


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
