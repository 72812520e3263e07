"""What the connector last told Walmart about stock and prices, per line (DESIGN §5).

One row per integration + SKU (+ ship node for stock). `desired` is what the ERP says now (set by
one set-based UPDATE per run), `sent` what Walmart accepted, `in_flight` what a feed (`feed`) is
carrying. A line goes out when desired differs from sent and nothing is in flight; a DATA error
holds the refused value (`held_value`) until the ERP value changes, the mapping is fixed or staff
retry. Feeds carry absolute values, so resending a line is always safe.
"""

from django.conf import settings
from django.db import models

from syncs.models.feeds import Feed
from syncs.models.integration import Integration


class OutboundFlow(models.Model):
    """Per integration and outbound flow: the run lease (an hourly run must not overlap the next)
    and when everything was last sent in full."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    flow = models.CharField(max_length=20)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    full_requested = models.BooleanField(default=False, help_text="'Resend everything' was asked for")
    mark = models.TextField(blank=True, help_text="How far the ERP was read (shipments, items): the adapter's own text")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["integration", "flow"], name="uniq_outbound_flow")]


class ErrorKind(models.TextChoices):
    NONE = "", "-"
    DATA = "data", "Walmart refused the value (DATA_ERROR)"
    SYSTEM = "system", "Walmart failed to process it (SYSTEM/TIMEOUT)"
    ERP = "erp", "The ERP value was unusable"
    REVIEW = "review", "Waiting for staff"


class OutboundLine(models.Model):
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=100)
    erp_item = models.CharField(max_length=50, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    run = models.CharField(max_length=40, blank=True, help_text="The run that put the line in flight")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=10, choices=ErrorKind.choices, blank=True)
    error_at = models.DateTimeField(null=True, blank=True)
    system_retries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class InventoryState(OutboundLine):
    ship_node = models.CharField(max_length=50)
    warehouse = models.CharField(max_length=50, blank=True)
    erp_available = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True,
                                        help_text="What the ERP reported at the last run")
    reserved = models.DecimalField(max_digits=16, decimal_places=4, default=0,
                                   help_text="Accepted orders not yet in the ERP (ERP units)")
    buffer = models.IntegerField(default=0)
    desired = models.IntegerField(null=True, blank=True, help_text="Quantity to offer now")
    sent = models.IntegerField(null=True, blank=True, help_text="Quantity Walmart accepted last")
    in_flight = models.IntegerField(null=True, blank=True)
    held_value = models.IntegerField(null=True, blank=True, help_text="Refused by Walmart; not resent unchanged")
    push_zero = models.BooleanField(default=False, help_text="An order took the last unit: send 0 now")

    class Meta:
        verbose_name = "inventory state"
        ordering = ["integration", "sku", "ship_node"]
        constraints = [models.UniqueConstraint(fields=["integration", "sku", "ship_node"], name="uniq_inventory_state")]
        indexes = [models.Index(fields=["integration", "run"], name="inventory_state_run_idx"),
                   models.Index(fields=["integration", "erp_item", "warehouse"], name="inventory_state_item_idx")]

    def __str__(self):
        return f"{self.sku} @ {self.ship_node}"


class PriceState(OutboundLine):
    currency = models.CharField(max_length=3, blank=True)
    erp_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text="Per Walmart unit")
    desired = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text="Per Walmart unit")
    sent = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    in_flight = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    held_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    approved_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                         help_text="A price staff approved beyond the guardrail")

    class Meta:
        verbose_name = "price state"
        ordering = ["integration", "sku"]
        constraints = [models.UniqueConstraint(fields=["integration", "sku"], name="uniq_price_state")]
        indexes = [models.Index(fields=["integration", "run"], name="price_state_run_idx")]

    def __str__(self):
        return self.sku


class PriceApproval(models.Model):
    """A price change the guardrail stopped: staff approve it (it goes out with the next feed) or
    reject it (held until the ERP price changes again). Audited either way."""

    class Reason(models.TextChoices):
        CHANGE = "change", "Change above the limit"
        NOT_POSITIVE = "not_positive", "Price is zero or negative"
        BELOW_COST = "below_cost", "Price below the ERP cost"
        CURRENCY = "currency", "Other currency than the Walmart account's"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded (the ERP price changed again)"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=100)
    old_price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    change_percent = models.DecimalField(max_digits=10, decimal_places=1, null=True, blank=True)
    reason = models.CharField(max_length=15, choices=Reason.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_price", "Can approve or reject price changes beyond the guardrail")]
        constraints = [models.UniqueConstraint(fields=["integration", "sku"], condition=models.Q(state="pending"),
                                               name="uniq_pending_price_approval")]

    def __str__(self):
        return f"{self.sku}: {self.old_price} → {self.new_price}"


class ItemState(OutboundLine):
    """An item's listing content for items_out: `desired` is the content hash of what the ERP (and
    the SKU mapping's overrides) say now, `sent` the hash Walmart accepted; `record` is the MP_ITEM
    record that hash stands for. An item that fails validation keeps its problems and is not sent."""

    desired = models.CharField(max_length=64, null=True, blank=True)
    sent = models.CharField(max_length=64, null=True, blank=True)
    in_flight = models.CharField(max_length=64, null=True, blank=True)
    held_value = models.CharField(max_length=64, null=True, blank=True)
    record = models.JSONField(default=dict, blank=True)
    problems = models.TextField(blank=True, help_text="Why the item is not sent (checked before sending)")

    class Meta:
        verbose_name = "item state"
        ordering = ["integration", "sku"]
        constraints = [models.UniqueConstraint(fields=["integration", "sku"], name="uniq_item_state")]
        indexes = [models.Index(fields=["integration", "run"], name="item_state_run_idx")]

    def __str__(self):
        return self.sku
