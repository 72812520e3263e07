"""Shipments and ERP-side cancellations confirmed on Walmart (shipments_out), exactly once.

One row per Walmart account + PO + line + kind + key (the tracking number of a package, or the
ERP's cancellation record): an ERP that reports the same package twice, or two integrations of one
account that see it, make one row. Rows go through the posting machine (syncs.posting): claimed by
conditional UPDATE before the call, looked up on Walmart (GET the order) before any retry.
"""

from django.db import models

from syncs.models.integration import Integration
from syncs.models.orders import MarketplaceOrder
from syncs.models.postable import PostableRow


class ShipmentConfirmation(PostableRow):
    class Kind(models.TextChoices):
        SHIP = "ship", "Shipped"
        CANCEL = "cancel", "Cancelled in the ERP"

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="shipment_confirmations")
    walmart = models.ForeignKey("connectors.Connection", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(MarketplaceOrder, on_delete=models.CASCADE, related_name="shipments")
    purchase_order_id = models.CharField(max_length=50)
    line_number = models.CharField(max_length=10)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.SHIP)
    key = models.CharField(max_length=100, help_text="Tracking number, or the ERP's cancellation record")
    quantity = models.PositiveIntegerField(help_text="Walmart units")
    seller_order_id = models.CharField(max_length=30, blank=True, help_text="The ERP order number (sellerOrderId)")
    erp_carrier = models.CharField(max_length=50, blank=True)
    carrier = models.CharField(max_length=100, blank=True, help_text="Walmart's carrier name, or the other carrier")
    method_code = models.CharField(max_length=20, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    shipment_id = models.CharField(max_length=50, blank=True, help_text="The ERP's delivery or shipment")
    cancel_reason = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["walmart", "purchase_order_id", "line_number", "kind", "key"],
                                               name="uniq_shipment_confirmation")]
        indexes = [models.Index(fields=["integration", "status"], name="shipment_status_idx")]

    def __str__(self):
        return f"PO {self.purchase_order_id}/{self.line_number} {self.kind} {self.key}"

    @property
    def reference(self):
        return f"{self.purchase_order_id}/{self.line_number}/{self.kind}/{self.key}"
