"""Sync state: integrations (and, with later issues, the inbox, orders, returns, runs), the worker heartbeat."""

import json

from django.core.exceptions import ValidationError
from django.db import models
from fernet_fields import EncryptedTextField

from connectors.registry import ERP_SYSTEMS

FLOWS = [
    ("orders_in", "Walmart orders → ERP"),
    ("returns_in", "Walmart returns → ERP"),
    ("inventory_out", "ERP stock → Walmart"),
    ("inventory_in", "Walmart stock → ERP"),
    ("prices_out", "ERP prices → Walmart"),
    ("items_out", "Product data → Walmart"),
    ("shipments_out", "ERP shipments → Walmart"),
    ("customers", "Customer reference data"),
]


class Integration(models.Model):
    """One Walmart seller account joined to one ERP connection, with the flows the seller wants.

    Several integrations may share one Walmart account or one ERP (DESIGN §4: the inbox belongs to
    the Walmart account and every integration on it takes the order from there).
    """

    slug = models.SlugField(unique=True, help_text="Used in URLs and commands, e.g. sync SLUG orders_in")
    name = models.CharField(max_length=100)
    walmart = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="walmart_integrations",
        limit_choices_to={"system": "walmart"},
    )
    erp = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="erp_integrations",
        limit_choices_to={"system__in": ERP_SYSTEMS},
    )
    enabled_flows = models.JSONField(default=list, blank=True, help_text="Flow names, e.g. [\"orders_in\"]")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # --- How Walmart authenticates its webhook deliveries to us (the subscription's authDetails) ---
    class WebhookAuth(models.TextChoices):
        HMAC = "hmac", "HMAC-SHA256 of the body with the client secret"
        BASIC_AUTH = "basic_auth", "Basic auth (user name and password)"
        OAUTH = "oauth", "OAuth: Walmart gets a bearer token from our token endpoint"
        HEADER = "header", "A static secret header"

    class HmacEncoding(models.TextChoices):
        # Walmart documents "HMACSHA256 of complete response" but not the encoding (UNCONFIRMED):
        # accept both until a test delivery shows which one the account uses.
        AUTO = "auto", "Accept base64 or hex"
        BASE64 = "base64", "base64"
        HEX = "hex", "hex"

    webhook_auth = models.CharField(max_length=16, choices=WebhookAuth.choices, default=WebhookAuth.HMAC)
    webhook_header = models.CharField(
        max_length=100, default="Authorization",
        help_text="authHeaderName of the subscription: the header that carries the credential",
    )
    webhook_hmac_encoding = models.CharField(max_length=8, choices=HmacEncoding.choices, default=HmacEncoding.AUTO)
    webhook_username = models.CharField(max_length=200, blank=True, help_text="Basic auth user / OAuth client id")
    # Encrypted JSON: {"secret": ...} = HMAC client secret, Basic password, OAuth client secret or header value.
    webhook_secrets_json = EncryptedTextField(default="{}", editable=False)

    def webhook_secret(self):
        return json.loads(self.webhook_secrets_json or "{}").get("secret", "")

    def set_webhook_secret(self, value):
        self.webhook_secrets_json = json.dumps({"secret": value})

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.name or self.slug

    @property
    def erp_system(self):
        return self.erp.system

    def clean(self):
        if self.walmart_id and self.walmart.system != "walmart":
            raise ValidationError({"walmart": "Choose a Walmart Marketplace connection."})
        if self.erp_id and self.erp.system not in ERP_SYSTEMS:
            raise ValidationError({"erp": "Choose an ERP connection."})
        unknown = sorted(set(self.enabled_flows or []) - {name for name, _ in FLOWS})
        if unknown:
            raise ValidationError({"enabled_flows": f"Unknown flow(s): {', '.join(unknown)}"})


class InboxEvent(models.Model):
    """One thing Walmart told us, once: a webhook delivery or a polled order/return.

    The inbox belongs to the Walmart account (the `account` connection), not to an integration:
    a delivery to any integration's URL on that account lands here once, and every integration on
    the account takes it from here. `dedup_key` is UNIQUE per account (DESIGN §4): the order's
    creation is keyed by purchaseOrderId so a webhook, its retries and a poll collapse into one row.
    """

    class Source(models.TextChoices):
        WEBHOOK = "webhook"
        POLL = "poll"

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSED = "processed"
        IGNORED = "ignored"
        FAILED = "failed"

    account = models.ForeignKey("connectors.Connection", on_delete=models.PROTECT, related_name="inbox_events")
    dedup_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # order | return
    event_type = models.CharField(max_length=50)
    sub_event_type = models.CharField(max_length=50, blank=True)
    event_id = models.CharField(max_length=100, blank=True)
    event_time = models.DateTimeField(null=True, blank=True)
    purchase_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    return_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    received_via = models.ForeignKey(Integration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["account", "dedup_key"], name="uniq_inbox_dedup")]
        indexes = [models.Index(fields=["account", "status", "id"], name="inbox_pending_idx")]

    def __str__(self):
        return f"{self.event_type} {self.purchase_order_id or self.return_order_id}"


class WebhookToken(models.Model):
    """Bearer tokens our own token endpoint issued to Walmart (OAUTH webhook auth). Hashes only."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="webhook_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()


class WorkerHeartbeat(models.Model):
    """One row per qcluster name, touched every minute by the `heartbeat` schedule."""

    cluster = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(null=True)

    def __str__(self):
        return f"{self.cluster} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
