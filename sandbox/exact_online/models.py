"""State of the Exact Online emulator. Reference data (items, warehouses, GL accounts, cost centers,
the Walmart customer account) comes from sandbox.catalog and is not stored; what the connector writes is."""

from django.db import models

from sandbox.models import Account


class Document(models.Model):
    """A sales order or sales invoice/credit note, stored as the entity Exact returns (lines included)."""

    class Kind(models.TextChoices):
        SALES_ORDER = "sales_order"
        SALES_INVOICE = "sales_invoice"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_documents")
    division = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.UUIDField(unique=True)
    number = models.PositiveIntegerField()
    type = models.PositiveIntegerField(null=True, blank=True, help_text="Invoices: 8020 invoice, 8021 credit note")
    your_ref = models.CharField(max_length=100, blank=True, db_index=True)
    data = models.JSONField(help_text="The entity as Exact returns it, with its lines")
    created_at = models.DateTimeField()
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "division", "kind", "number"], name="uniq_exact_doc_number")]

    def __str__(self):
        return f"{self.kind} {self.number}"


class GoodsDelivery(models.Model):
    """A goods delivery of a sales order (salesorder/GoodsDeliveries), stored as the entity Exact returns,
    its GoodsDeliveryLines included. Made by sandbox.exact_online.fulfil (the warehouse's "deliver")."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_goods_deliveries")
    division = models.PositiveIntegerField()
    key = models.UUIDField(unique=True)
    number = models.PositiveIntegerField()
    data = models.JSONField(help_text="The entity as Exact returns it, with its lines")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "division", "number"], name="uniq_exact_delivery_number")]


class StockCount(models.Model):
    """A stock count (inventory_in). Created as a draft (Status 12); processing it (ProcessStockCount)
    sets each line's QuantityNew as the item's stock in the warehouse and makes it Status 21."""

    class Status(models.IntegerChoices):
        DRAFT = 12, "Draft"
        PROCESSED = 21, "Processed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_stock_counts")
    division = models.PositiveIntegerField()
    key = models.UUIDField(unique=True)
    number = models.PositiveIntegerField()
    warehouse = models.CharField(max_length=20)
    description = models.CharField(max_length=100, blank=True, db_index=True,
                                   help_text="Free text; the connector puts its reference here")
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField()
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)


class ItemStock(models.Model):
    """Stock of an item in a warehouse where it differs from the catalog: after a processed stock count
    (that app's account), or set for the whole sandbox division by sandbox.exact_online.levels
    (account empty). The row with the highest `timestamp` wins; `timestamp` is the sync API's row
    version, higher than every catalog row's."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_item_stock", null=True,
                                blank=True)
    item_code = models.CharField(max_length=30)
    warehouse = models.CharField(max_length=20)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    timestamp = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "item_code", "warehouse"], name="uniq_exact_item_stock"),
            models.UniqueConstraint(fields=["item_code", "warehouse"], condition=models.Q(account__isnull=True),
                                    name="uniq_exact_division_item_stock"),
        ]


class ItemPrice(models.Model):
    """An item's standard sales price (and cost) where it differs from the catalog, set by
    sandbox.exact_online.levels; logistics/Items serves it. Item master data is the division's, so it is
    not per app. An item code the catalog lacks becomes an item of the division. Prices are in the
    division's currency (Exact's Items carry no sales currency of their own)."""

    item_code = models.CharField(max_length=30, unique=True)
    price = models.DecimalField(max_digits=14, decimal_places=4)
    cost = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    modified_at = models.DateTimeField()


class WebhookSubscription(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_webhook_subscriptions")
    division = models.PositiveIntegerField()
    key = models.UUIDField(unique=True)
    topic = models.CharField(max_length=50)
    callback_url = models.URLField(max_length=500)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "division", "topic"], name="uniq_exact_webhook_topic")]


class WebhookDelivery(models.Model):
    """One webhook POST to make, retried with backoff until it gets a 2xx."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    body = models.TextField(help_text="Exactly the bytes sent: the HashCode covers the raw Content text")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    given_up = models.BooleanField(default=False)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)


class RateWindow(models.Model):
    """Exact's per-app, per-division limits: a minutely and a daily window (sandbox clock)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="exact_rate_windows")
    division = models.PositiveIntegerField()
    minute_start = models.DateTimeField()
    minute_count = models.PositiveIntegerField(default=0)
    day_start = models.DateTimeField()
    day_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "division"], name="uniq_exact_rate_window")]
