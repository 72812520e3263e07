"""inventory_in (Exact Online): Walmart's quantities written into the ERP as stock counts, posted
through the posting machine (syncs.posting) like orders, so a count is written exactly once."""

from django.db import models

from syncs.models.integration import Integration
from syncs.models.postable import PostableRow


class StockCount(PostableRow):
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="stock_counts")
    reference = models.CharField(max_length=60, unique=True, help_text="Ours, carried by the ERP's stock count")
    warehouse = models.CharField(max_length=50)
    ship_node = models.CharField(max_length=50)
    lines = models.JSONField(help_text="[{item, sku, quantity, erp_before}]")
    process = models.BooleanField(default=True, help_text="False: left as a draft for staff to process in the ERP")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.reference


class StockWritten(models.Model):
    """The quantity inventory_in last wrote for an item at a warehouse: an item is written again only
    when Walmart's quantity differs from both the ERP's and this."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    erp_item = models.CharField(max_length=50)
    warehouse = models.CharField(max_length=50)
    quantity = models.DecimalField(max_digits=16, decimal_places=4)
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["integration", "erp_item", "warehouse"], name="uniq_stock_written")]
