"""Walmart orders as the connector keeps them: one row per integration and purchase order, with
lines and their charges (Decimal money, per charge type and tax)."""

from django.db import models

from syncs.models.integration import Integration


class MarketplaceOrder(models.Model):
    class Status(models.TextChoices):
        # The words `status --json` reports (DESIGN §9).
        PENDING = "pending"
        READY = "ready"
        POSTING = "posting"
        RETRY_WAIT = "retry_wait"
        POSTED = "posted"
        ACKNOWLEDGED = "acknowledged"
        NEEDS_REVIEW = "needs_review"
        REJECTED = "rejected"
        CANCELLED = "cancelled"
        READ_ONLY = "read_only"

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="orders")
    purchase_order_id = models.CharField(max_length=50)
    customer_order_id = models.CharField(max_length=50, blank=True)
    order_type = models.CharField(max_length=30, blank=True)
    order_date = models.DateTimeField(null=True, blank=True)
    ship_node_type = models.CharField(max_length=20, blank=True, db_index=True)
    ship_node_id = models.CharField(max_length=50, blank=True)
    ship_node_name = models.CharField(max_length=100, blank=True)
    ship_method = models.CharField(max_length=30, blank=True)
    estimated_ship_date = models.DateTimeField(null=True, blank=True)
    estimated_delivery_date = models.DateTimeField(null=True, blank=True)
    # Buyer contact, masked: the ERP needs the address, never the buyer's relay e-mail or phone.
    buyer_email_masked = models.CharField(max_length=100, blank=True)
    buyer_phone_masked = models.CharField(max_length=30, blank=True)
    ship_to_name = models.CharField(max_length=200, blank=True)
    ship_to_address1 = models.CharField(max_length=200, blank=True)
    ship_to_address2 = models.CharField(max_length=200, blank=True)
    ship_to_city = models.CharField(max_length=100, blank=True)
    ship_to_state = models.CharField(max_length=50, blank=True)
    ship_to_postal_code = models.CharField(max_length=20, blank=True)
    ship_to_country = models.CharField(max_length=50, blank=True)
    ship_to_address_type = models.CharField(max_length=30, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    product_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    shipping_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    other_charges_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    order_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING, db_index=True)
    # Review (DESIGN §4.4-5): why the order waits for staff, in the words the queue filters by.
    review_reason = models.CharField(max_length=30, blank=True, db_index=True)
    review_message = models.TextField(blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    # INTENT_TO_CANCEL: the buyer asked Walmart to cancel; a not-yet-posted order waits for staff.
    on_hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    # Posting bookkeeping (syncs.posting): the claim is a lease renewed while the call runs, so a
    # killed worker's claim expires and the order is reconciled (find_document) before any retry.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_owner = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    erp_document_number = models.CharField(max_length=100, blank=True)
    erp_document_kind = models.CharField(max_length=30, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # Walmart side: acknowledgement, cancellation of rejected lines (each sent exactly once).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    walmart_claimed_until = models.DateTimeField(null=True, blank=True, help_text="Lease of an ack/cancel call")
    cancel_reason = models.CharField(max_length=60, blank=True)
    cancel_state = models.CharField(max_length=10, blank=True, help_text="'', pending, sending, done, failed")
    # Watchdogs: when the order was flagged as near Walmart's deadlines (so it is flagged once).
    ack_overdue_at = models.DateTimeField(null=True, blank=True)
    autocancel_risk_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(help_text="The order as Walmart last sent it")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-order_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["integration", "purchase_order_id"], name="uniq_order_per_integration")]
        indexes = [
            models.Index(fields=["integration", "status"], name="order_status_idx"),
            models.Index(fields=["status", "review_reason"], name="order_review_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="order_due_idx"),
        ]
        permissions = [("post_anyway", "Can post a flagged order without re-validation, stating a reason"),
                       ("review_order", "Can approve, reject and re-validate orders in review")]

    def __str__(self):
        return f"PO {self.purchase_order_id}"

    @property
    def is_wfs(self):
        return self.ship_node_type == "WFSFulfilled"

    @property
    def reference(self):
        """Our deterministic reference in the ERP (connectors.contract.reference_for)."""
        return self.purchase_order_id

    @property
    def ack_deadline(self):
        """Walmart expects an acknowledgement within 4 hours of the order (walmart-api.md)."""
        from datetime import timedelta
        return self.order_date + timedelta(hours=4) if self.order_date else None


class OrderLine(models.Model):
    order = models.ForeignKey(MarketplaceOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.CharField(max_length=10)
    sku = models.CharField(max_length=100, db_index=True)
    product_name = models.CharField(max_length=300, blank=True)
    condition = models.CharField(max_length=50, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_of_measure = models.CharField(max_length=20, blank=True)
    # Walmart's line status when it is one status for the whole line, else "Mixed" (see `statuses`).
    status = models.CharField(max_length=20, blank=True)
    statuses = models.JSONField(default=list, blank=True, help_text="[{status, quantity, cancellationReason}]")
    status_date = models.DateTimeField(null=True, blank=True)
    cancelled_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    shipped_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    fulfillment_option = models.CharField(max_length=20, blank=True)
    ship_method = models.CharField(max_length=30, blank=True)
    shipping_program_type = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "line_number"], name="uniq_line_per_order")]

    def __str__(self):
        return f"{self.order.purchase_order_id}/{self.line_number} {self.sku}"


class OrderCharge(models.Model):
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="charges")
    charge_type = models.CharField(max_length=20, help_text="PRODUCT, SHIPPING, FEE...")
    charge_name = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    tax_name = models.CharField(max_length=50, blank=True)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["line", "id"]
