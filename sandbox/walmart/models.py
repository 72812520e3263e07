"""State of the Walmart emulator: rate buckets, orders, returns, actions on them, webhook
subscriptions, events and their deliveries.

Orders and returns keep Walmart's JSON exactly as loaded or generated (`data`), so a captured
payload reads back identically through the API; the indexed columns beside it exist only for the
list filters and are derived from that JSON whenever it changes.
"""

import uuid

from django.db import models
from fernet_fields import EncryptedTextField

from sandbox.models import Account


class RateBucket(models.Model):
    """Walmart's per-seller, per-endpoint token bucket (answers 429 when empty)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_rate_buckets")
    key = models.CharField(max_length=100)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="uniq_walmart_rate_bucket")]


class Order(models.Model):
    """One purchase order (PO) of a seller account, as GET /v3/orders/{purchaseOrderId} returns it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_orders")
    purchase_order_id = models.CharField(max_length=64)
    customer_order_id = models.CharField(max_length=64, db_index=True)
    order_date = models.DateTimeField(db_index=True)
    last_modified = models.DateTimeField(db_index=True)
    estimated_ship_date = models.DateTimeField(null=True, blank=True)
    ship_node_type = models.CharField(max_length=32, db_index=True)
    # The least advanced line status (Created < Acknowledged < Shipped < Delivered < Cancelled).
    status = models.CharField(max_length=32, db_index=True)
    # "|Created|Shipped|" and "|SKU-1|SKU-2|": Walmart filters by line status and SKU.
    line_statuses = models.CharField(max_length=200)
    skus = models.TextField()
    # "|TWO_DAY|": the lines' fulfillment.shippingProgramType (filter shippingProgramType).
    programs = models.CharField(max_length=100, blank=True)
    data = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "purchase_order_id"], name="uniq_walmart_po")]
        indexes = [models.Index(fields=["account", "order_date", "id"])]
        ordering = ["order_date", "id"]

    def __str__(self):
        return self.purchase_order_id


class ReturnOrder(models.Model):
    """One return order (RMA), as an element of GET /v3/returns `returnOrders`."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_returns")
    return_order_id = models.CharField(max_length=64)
    customer_order_id = models.CharField(max_length=64, db_index=True)
    return_order_date = models.DateTimeField(db_index=True)
    last_modified = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=32, blank=True, db_index=True)
    return_type = models.CharField(max_length=32, blank=True)
    data = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "return_order_id"], name="uniq_walmart_return")]
        ordering = ["return_order_date", "id"]

    def __str__(self):
        return self.return_order_id


class Action(models.Model):
    """A state change the seller made through the API (counted by `sandbox stats`)."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge"
        SHIP = "ship"
        CANCEL = "cancel"
        REFUND = "refund"
        RETURN_REFUND = "return_refund"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    reference = models.CharField(max_length=64, help_text="purchaseOrderId or returnOrderId")
    at = models.DateTimeField()
    request = models.JSONField(default=dict, blank=True)


def new_subscription_id():
    """Walmart's subscription ids are time-based UUIDs (243ba4d0-b322-11ea-...)."""
    return str(uuid.uuid1())


class Subscription(models.Model):
    """A webhook subscription (POST /v3/webhooks/subscriptions). Secrets are encrypted at rest:
    the sandbox must keep them usable to sign deliveries, but the database file holds no plaintext."""

    class AuthMethod(models.TextChoices):
        NONE = ""
        BASIC_AUTH = "BASIC_AUTH"
        HMAC = "HMAC"
        OAUTH = "OAUTH"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_subscriptions")
    subscription_id = models.CharField(max_length=64, unique=True, default=new_subscription_id)
    event_type = models.CharField(max_length=64)
    event_version = models.CharField(max_length=16, default="V1")
    resource_name = models.CharField(max_length=64)
    event_url = models.URLField(max_length=500)
    status = models.CharField(max_length=16, default="ACTIVE")
    headers = models.JSONField(default=dict, blank=True)
    auth_method = models.CharField(max_length=16, choices=AuthMethod.choices, blank=True)
    auth_header_name = models.CharField(max_length=100, blank=True)
    user_name = models.CharField(max_length=200, blank=True)
    client_id = models.CharField(max_length=200, blank=True)
    auth_url = models.URLField(max_length=500, blank=True)
    password = EncryptedTextField(blank=True)
    client_secret = EncryptedTextField(blank=True)
    # Walmart does not document how the HMAC is encoded (walmart-api.md §7.3): a sandbox setting.
    hmac_encoding = models.CharField(max_length=8, choices=[("base64", "base64"), ("hex", "hex")], default="base64")
    # OAUTH: the token the seller's authUrl issued, reused until it expires (as Walmart caches it).
    oauth_token = EncryptedTextField(blank=True)
    oauth_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"{self.event_type} -> {self.event_url}"


class Event(models.Model):
    """Something Walmart notifies about (a PO created, a line auto-cancelled, a return created)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_events")
    event_id = models.UUIDField(unique=True, default=uuid.uuid4)
    event_type = models.CharField(max_length=64, db_index=True)
    # ORDER_UPDATES carries the specific event as payload.subEventType.
    sub_event_type = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        ordering = ["id"]


class Delivery(models.Model):
    """One event sent to one subscription, with Walmart's retries (3 attempts in all)."""

    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for its (next) attempt
        DELIVERED = "delivered"
        FAILED = "failed"  # attempts exhausted

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="uniq_walmart_delivery")]
        verbose_name_plural = "deliveries"
