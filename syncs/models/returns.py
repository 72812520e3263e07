"""Walmart returns as the connector keeps them: one row per integration and return order (RMA), with
lines and their refund charges (Decimal money), linked to the original MarketplaceOrder when we hold it.

A return Walmart tells us about before we hold its order waits in `waiting_for_order`; it is linked
and moves to `pending` when the order arrives (syncs.returns.normalise.link_waiting).
"""

from django.db import models

from syncs.models.integration import Integration
from syncs.models.orders import MarketplaceOrder, OrderLine


class MarketplaceReturn(models.Model):
    class Status(models.TextChoices):
        # The words `status --json` reports (DESIGN §9); returns add waiting_for_order.
        PENDING = "pending"
        READY = "ready"
        POSTING = "posting"
        RETRY_WAIT = "retry_wait"
        POSTED = "posted"
        NEEDS_REVIEW = "needs_review"
        REJECTED = "rejected"
        CANCELLED = "cancelled"
        READ_ONLY = "read_only"
        WAITING_FOR_ORDER = "waiting_for_order"

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="returns")
    return_order_id = models.CharField(max_length=50, help_text="Walmart's returnOrderId (the RMA number)")
    customer_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    # The PO of the first line (the one `order` points at) and every PO the lines refer to:
    # a customer order split into several POs may be returned in one RMA.
    purchase_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    purchase_order_ids = models.JSONField(default=list, blank=True)
    order = models.ForeignKey(MarketplaceOrder, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="returns", help_text="The original order, once we hold it")
    return_type = models.CharField(max_length=20, blank=True, help_text="REFUND or REPLACEMENT")
    replacement_customer_order_id = models.CharField(max_length=50, blank=True)
    return_order_date = models.DateTimeField(null=True, blank=True)
    return_by_date = models.DateTimeField(null=True, blank=True)
    refund_mode = models.CharField(max_length=30, blank=True)
    refund_channel = models.CharField(max_length=40, blank=True, help_text="The lines' refundChannel, or Mixed")
    return_channel = models.CharField(max_length=30, blank=True, help_text="ONLINE, IN_STORE, CUSTOMER_CARE")
    walmart_status = models.CharField(max_length=20, blank=True, help_text="The lines' status, or Mixed")
    refund_status = models.CharField(max_length=30, blank=True, help_text="The lines' currentRefundStatus, or Mixed")
    currency = models.CharField(max_length=3, blank=True)
    # Walmart's totalRefundAmount; the lines' line_total add up to it on every sample Walmart publishes.
    total_refund_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # False while all we know is a notification's summary (no amounts): validation waits for the REST copy.
    complete = models.BooleanField(default=True)
    is_wfs = models.BooleanField(default=False, help_text="Return of a Walmart-fulfilled order: report only")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    review_reason = models.CharField(max_length=30, blank=True, db_index=True)
    review_message = models.TextField(blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    # Posting bookkeeping (syncs.posting): the same lease/claim columns as orders, so a Job posts returns.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_owner = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    erp_document_number = models.CharField(max_length=100, blank=True)
    erp_document_kind = models.CharField(max_length=30, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(help_text="The return as Walmart last sent it")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-return_order_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["integration", "return_order_id"],
                                               name="uniq_return_per_integration")]
        indexes = [
            models.Index(fields=["integration", "status"], name="return_status_idx"),
            models.Index(fields=["status", "review_reason"], name="return_review_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="return_due_idx"),
        ]

    def __str__(self):
        return f"RMA {self.return_order_id}"

    @property
    def reference(self):
        """Our deterministic reference in the ERP: the RMA, which Walmart never reuses (DESIGN §3)."""
        return self.return_order_id


class ReturnLine(models.Model):
    marketplace_return = models.ForeignKey(MarketplaceReturn, on_delete=models.CASCADE, related_name="lines",
                                           verbose_name="return")
    line_number = models.CharField(max_length=10, help_text="returnOrderLineNumber")
    purchase_order_id = models.CharField(max_length=50, blank=True)
    purchase_order_line_number = models.CharField(max_length=10, blank=True)
    sales_order_line_number = models.CharField(max_length=10, blank=True)
    seller_order_id = models.CharField(max_length=50, blank=True)
    # The original order line, once the order is held (posting credits the same accounts).
    order_line = models.ForeignKey(OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(max_length=100, db_index=True)
    product_name = models.CharField(max_length=300, blank=True)
    condition = models.CharField(max_length=50, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_of_measure = models.CharField(max_length=20, blank=True)
    refunded_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    return_reason = models.CharField(max_length=50, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, blank=True, help_text="INITIATED, DELIVERED, COMPLETED")
    status_time = models.DateTimeField(null=True, blank=True)
    delivery_status = models.CharField(max_length=30, blank=True)
    refund_status = models.CharField(max_length=30, blank=True)
    refund_channel = models.CharField(max_length=40, blank=True)
    # Refund amounts of the line by type (Walmart's chargeTotals, else computed from the charges).
    currency = models.CharField(max_length=3, blank=True)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    product_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    product_tax = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    restocking_fee = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    line_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tracking = models.JSONField(default=list, blank=True, help_text="[{carrier, service, tracking_number, label_url}]")
    tracking_events = models.JSONField(default=list, blank=True, help_text="[{sequence, event, description, time}]")
    last_event = models.CharField(max_length=40, blank=True, help_text="The latest tracking eventTag")

    class Meta:
        ordering = ["marketplace_return", "id"]
        constraints = [models.UniqueConstraint(fields=["marketplace_return", "line_number"], name="uniq_line_per_return")]

    def __str__(self):
        return f"{self.marketplace_return.return_order_id}/{self.line_number} {self.sku}"


class ReturnCharge(models.Model):
    """One charge of a return line as Walmart states it: per unit, plus the line's extended amount."""

    line = models.ForeignKey(ReturnLine, on_delete=models.CASCADE, related_name="charges")
    charge_category = models.CharField(max_length=20, help_text="PRODUCT, FEE, SHIPPING...")
    charge_name = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount_per_unit = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tax_per_unit = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Extended: per unit x quantity + Walmart's excess amount; negative for a discount.
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    tax_name = models.CharField(max_length=50, blank=True)
    is_discount = models.BooleanField(default=False)
    is_billable = models.BooleanField(default=True, help_text="Walmart counts it in the refund")

    class Meta:
        ordering = ["line", "id"]
