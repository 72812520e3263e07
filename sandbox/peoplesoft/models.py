"""State of the PeopleSoft emulator: one FSCM database (open PO schedules, BU_ITEMS_INV balances,
PO receipts). Operators and OAuth2 clients are sandbox Accounts; the data is shared by all of them,
as one PeopleSoft database is by all its OPRIDs."""

from django.db import models

QTY = {"max_digits": 15, "decimal_places": 4}


class PoSchedule(models.Model):
    """PO_HDR + PO_LINE + PO_LINE_SHIP, flattened to what the open-PO query shows."""

    business_unit = models.CharField(max_length=5)
    po_id = models.CharField(max_length=10)
    line_nbr = models.PositiveIntegerField()
    sched_nbr = models.PositiveIntegerField(default=1)
    inv_item_id = models.CharField(max_length=18, db_index=True)
    vendor_id = models.CharField(max_length=10, db_index=True)
    po_dt = models.DateField()
    # Translate values as QAS returns them for PO_STATUS (the sample shows "Dispatched").
    po_status = models.CharField(max_length=20, default="Dispatched")
    qty_po = models.DecimalField(**QTY)
    qty_received = models.DecimalField(default=0, **QTY)
    unit_of_measure = models.CharField(max_length=3, default="EA")
    shipto_setid = models.CharField(max_length=5, default="SHARE")
    shipto_id = models.CharField(max_length=10)
    business_unit_in = models.CharField(max_length=5, help_text="Inventory business unit receiving the schedule")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business_unit", "po_id", "line_nbr", "sched_nbr"],
                                               name="uniq_ps_po_schedule")]
        ordering = ["po_id", "business_unit", "line_nbr", "sched_nbr"]

    def __str__(self):
        return f"{self.business_unit}/{self.po_id}/{self.line_nbr}/{self.sched_nbr}"


class ItemBalance(models.Model):
    """BU_ITEMS_INV: quantities of an item in an inventory business unit."""

    business_unit = models.CharField(max_length=5)
    inv_item_id = models.CharField(max_length=18)
    qty_onhand = models.DecimalField(default=0, **QTY)
    qty_reserved = models.DecimalField(default=0, **QTY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business_unit", "inv_item_id"], name="uniq_ps_item_balance")]
        ordering = ["business_unit", "inv_item_id"]

    @property
    def qty_available(self):
        return max(self.qty_onhand - self.qty_reserved, 0)


class Receipt(models.Model):
    """RECV_HDR. No uniqueness on the reference: PeopleSoft would not stop a double receipt, which is
    exactly what stats.duplicate_references() must catch."""

    business_unit = models.CharField(max_length=5)
    receiver_id = models.CharField(max_length=10, blank=True)
    vendor_id = models.CharField(max_length=10)
    receipt_dt = models.DateField()
    bill_of_lading = models.CharField(max_length=30, db_index=True)
    eip_trans_src = models.CharField(max_length=10)
    eip_trans_src_ref = models.CharField(max_length=30)
    carrier_id = models.CharField(max_length=10)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["business_unit", "receiver_id"]

    def __str__(self):
        return f"{self.business_unit}/{self.receiver_id}"


class ReceiptLine(models.Model):
    """RECV_LN_SHIP."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    recv_ln_nbr = models.PositiveIntegerField()
    schedule = models.ForeignKey(PoSchedule, on_delete=models.PROTECT, related_name="receipt_lines")
    qty = models.DecimalField(**QTY)
    unit_of_measure = models.CharField(max_length=3)

    class Meta:
        ordering = ["receipt", "recv_ln_nbr"]
