"""Integrations: a Walmart account joined to an ERP, with flows and webhook settings."""

import json

from django.core.exceptions import ValidationError
from django.db import models
from fernet_fields import EncryptedTextField

from connectors.registry import ERP_SYSTEMS

# ERPs whose order document is a revenue document (a GL journal, a sales invoice), not a fulfilment one.
REVENUE_DOCUMENT_SYSTEMS = {"infor_cloudsuite", "exact_online"}

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
    # Polling reconciliation (catches missed webhooks): windows overlap by this much; a first run looks back this far.
    poll_overlap_minutes = models.PositiveIntegerField(default=10)
    poll_backfill_days = models.PositiveIntegerField(default=3)

    # --- Orders: validation, posting and acknowledgement policy ---
    class AckPolicy(models.TextChoices):
        AFTER_POST = "after_post", "After the ERP accepted the order"
        AFTER_VALIDATION = "after_validation", "Once the order passed validation"
        NEVER = "never", "Never (acknowledged elsewhere)"

    class OutOfStock(models.TextChoices):
        REVIEW = "review", "Hold for review"
        REJECT = "reject", "Reject: cancel the lines on Walmart"

    check_stock = models.BooleanField(default=True, help_text="Check ERP stock minus reservations before posting")
    out_of_stock_policy = models.CharField(max_length=10, choices=OutOfStock.choices, default=OutOfStock.REVIEW)
    out_of_stock_cancel_reason = models.CharField(max_length=60, default="SELLER_CANCEL_OUT_OF_STOCK")
    ack_policy = models.CharField(max_length=20, choices=AckPolicy.choices, default=AckPolicy.AFTER_POST)
    ack_margin_minutes = models.PositiveIntegerField(
        default=30, help_text="Flag orders not acknowledged this long before Walmart's 4-hour expectation")
    autocancel_margin_hours = models.PositiveIntegerField(
        default=24, help_text="Flag lines this close to auto-cancel (estimated ship date + 4 days)")
    class WfsPosting(models.TextChoices):
        AUTO = "auto", "Per ERP: revenue documents yes (CloudSuite GL, Exact invoices), fulfilment documents no"
        YES = "yes", "Post WFS orders to the ERP (never acknowledged or cancelled by us)"
        NO = "no", "Only report WFS orders (read-only)"

    # DESIGN §1: Walmart ships WFS orders from its own stock; their revenue still belongs in the books.
    wfs_posting = models.CharField(max_length=4, choices=WfsPosting.choices, default=WfsPosting.AUTO)
    post_max_attempts = models.PositiveIntegerField(default=8, help_text="Then the order goes to review")
    post_backoff_cap_seconds = models.PositiveIntegerField(default=3600)

    # --- Stock and prices out (DESIGN §5), stock in (Exact) ---
    safety_buffer = models.PositiveIntegerField(
        default=0, help_text="Units held back from Walmart per SKU and ship node (a SKU's or node's own buffer wins)")
    full_resend_hours = models.PositiveIntegerField(
        default=24, help_text="Send every stock and price line again at least this often, changed or not")
    feed_timeout_minutes = models.PositiveIntegerField(
        default=120, help_text="A feed Walmart keeps in progress longer than this is given up and its lines resent")
    price_change_limit_percent = models.DecimalField(
        max_digits=6, decimal_places=1, default=20,
        help_text="A price change larger than this waits for approval (as does a price of 0 or below the ERP cost)")
    price_currency = models.CharField(max_length=3, default="USD", help_text="The Walmart account's currency")

    class InventoryInQuantity(models.TextChoices):
        AVAILABLE = "availToSellQty", "Available to sell (availToSellQty)"
        INPUT = "inputQty", "On hand as entered (inputQty)"

    inventory_in_quantity = models.CharField(max_length=20, choices=InventoryInQuantity.choices,
                                             default=InventoryInQuantity.AVAILABLE)
    items_sku_pattern = models.CharField(
        max_length=100, default="{item}",
        help_text="items_out: the Walmart SKU proposed for an ERP item not listed yet ({item} = the ERP item code)")
    inventory_in_draft_only = models.BooleanField(
        default=False, help_text="Leave the ERP stock counts as drafts for staff to process")

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

    @property
    def posts_wfs_orders(self):
        if self.wfs_posting == self.WfsPosting.AUTO:
            return self.erp_system in REVENUE_DOCUMENT_SYSTEMS
        return self.wfs_posting == self.WfsPosting.YES

    def clean(self):
        if self.walmart_id and self.walmart.system != "walmart":
            raise ValidationError({"walmart": "Choose a Walmart Marketplace connection."})
        if self.erp_id and self.erp.system not in ERP_SYSTEMS:
            raise ValidationError({"erp": "Choose an ERP connection."})
        unknown = sorted(set(self.enabled_flows or []) - {name for name, _ in FLOWS})
        if unknown:
            raise ValidationError({"enabled_flows": f"Unknown flow(s): {', '.join(unknown)}"})
