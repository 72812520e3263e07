"""The reservation ledger: stock that accepted-but-not-yet-posted order lines hold at an ERP warehouse.

Validation passes a line only if the ERP's available stock minus the open reservations of every
integration posting into the same ERP covers it, and writes its reservation in the same locked
transaction (syncs.orders.validate), so two orders racing for the last unit cannot both pass.
A reservation is released when its order is posted (the ERP's own stock now carries it), rejected
or cancelled.
"""

from django.db import models


class StockReservation(models.Model):
    erp = models.ForeignKey("connectors.Connection", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey("syncs.MarketplaceOrder", on_delete=models.CASCADE, related_name="reservations")
    line_number = models.CharField(max_length=10)
    erp_item = models.CharField(max_length=100)
    warehouse = models.CharField(max_length=100)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=20, blank=True)  # posted, rejected, cancelled, revalidated

    class Meta:
        indexes = [models.Index(fields=["erp", "erp_item", "warehouse", "released_at"], name="reservation_open_idx")]

    def __str__(self):
        return f"{self.erp_item}@{self.warehouse} × {self.quantity} for {self.order_id}"
