"""Walmart emulator state for items, inventory, prices and feeds.

A seller's catalog (Listing), its quantities per ship node (StockLevel), the bulk feeds it
submitted (Feed, with one FeedItem per record of the file) and a ledger of every price and
quantity change (Change) with what caused it, so tests and `sandbox stats` can tell that a feed
was applied exactly once.
"""

from decimal import Decimal

from django.db import models

from sandbox.models import Account


class Listing(models.Model):
    """One item of a seller, as GET /v3/items returns it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_listings")
    sku = models.CharField(max_length=100)
    wpid = models.CharField(max_length=20)
    gtin = models.CharField(max_length=14, blank=True)
    upc = models.CharField(max_length=12, blank=True)
    product_name = models.CharField(max_length=200)
    product_type = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")
    published_status = models.CharField(max_length=32, default="PUBLISHED")
    lifecycle_status = models.CharField(max_length=32, default="ACTIVE")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "sku"], name="uniq_walmart_listing_sku")]
        ordering = ["id"]

    def __str__(self):
        return self.sku


class StockLevel(models.Model):
    """The quantity a seller offers for one SKU at one ship node (Walmart's inputQty)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="stock")
    ship_node = models.CharField(max_length=40)
    quantity = models.IntegerField(default=0)
    # Units held by open orders; availToSellQty = quantity - reserved.
    reserved = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "ship_node"], name="uniq_walmart_stock_node")]
        ordering = ["listing_id", "ship_node"]


class Feed(models.Model):
    """A bulk feed file. Its status follows from the sandbox clock (see feeds.status_at)."""

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED"
        INPROGRESS = "INPROGRESS"
        PROCESSED = "PROCESSED"
        ERROR = "ERROR"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_feeds")
    feed_id = models.CharField(max_length=64, unique=True)
    feed_type = models.CharField(max_length=40)
    ship_node = models.CharField(max_length=40, blank=True, help_text="The shipNode query parameter (inventory 1.4)")
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    # Lines of the file as Walmart counts them for throughput: one per SKU x ship node in inventory
    # feeds, one per record otherwise (sandbox stats `feed_items`). 0 for a file refused whole.
    lines = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(db_index=True)
    inprogress_at = models.DateTimeField()
    done_at = models.DateTimeField()
    # Set, in the same transaction as the changes, when the feed's records were applied: at most once.
    applied_at = models.DateTimeField(null=True, blank=True)
    # Why the whole file was refused (unreadable JSON, schema violation): the feed ends in ERROR.
    file_errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.feed_id


class FeedItem(models.Model):
    """One record of a feed file and, once the feed is applied, its outcome."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    index = models.PositiveIntegerField()
    sku = models.CharField(max_length=100)
    record = models.JSONField(help_text="What the record asks for, normalised (see formats.py)")
    status = models.CharField(max_length=20, default="INPROGRESS")
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "index"], name="uniq_walmart_feed_item")]
        ordering = ["feed_id", "index"]


class Change(models.Model):
    """Ledger of applied price and quantity changes (stats and tests read it)."""

    class Kind(models.TextChoices):
        PRICE = "price"
        INVENTORY = "inventory"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_listing_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sku = models.CharField(max_length=100)
    ship_node = models.CharField(max_length=40, blank=True)
    old_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    new_value = models.DecimalField(max_digits=14, decimal_places=2)
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, null=True, blank=True, related_name="changes")
    source = models.CharField(max_length=40, help_text="The API call or feed type that made the change")
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
