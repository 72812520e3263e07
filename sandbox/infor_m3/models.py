"""State of the Infor M3 emulator, per tenant (an .ionapi tenant is one M3 environment).

Items, warehouses and stock come from sandbox.catalog (the same in every emulator); what the
connector creates lives here: customers beyond the seeded one, batch and confirmed customer orders,
customer returns, price overrides and deliveries. Stock allocated by confirmed order lines is
subtracted from the catalog's on-hand balance, so ATP and balances move as orders arrive.
"""

from django.db import models


class Counter(models.Model):
    """Number series (M3's CRS165): batch order, order, return, customer, delivery numbers."""

    tenant = models.CharField(max_length=64)
    name = models.CharField(max_length=20)
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_m3_counter")]


class Customer(models.Model):
    tenant = models.CharField(max_length=64)
    cono = models.IntegerField()
    cuno = models.CharField(max_length=10)
    cunm = models.CharField(max_length=36)
    cua1 = models.CharField(max_length=36, blank=True)
    cua2 = models.CharField(max_length=36, blank=True)
    cua3 = models.CharField(max_length=36, blank=True)
    cua4 = models.CharField(max_length=36, blank=True)
    pono = models.CharField(max_length=10, blank=True)
    town = models.CharField(max_length=20, blank=True)
    cscd = models.CharField(max_length=3, blank=True)
    phno = models.CharField(max_length=16, blank=True)
    mail = models.CharField(max_length=100, blank=True)
    cutm = models.CharField(max_length=10, blank=True)
    stat = models.CharField(max_length=2, default="20")
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "cono", "cuno"], name="uniq_m3_customer")]
        ordering = ["cuno"]


class Order(models.Model):
    """A batch order (OXHEAD) until Confirm; then a customer order (OOHEAD) with its final ORNO."""

    tenant = models.CharField(max_length=64)
    cono = models.IntegerField()
    divi = models.CharField(max_length=3, blank=True)
    batch_no = models.CharField(max_length=10)
    orno = models.CharField(max_length=10, blank=True, db_index=True)
    cuno = models.CharField(max_length=10)
    ortp = models.CharField(max_length=3)
    faci = models.CharField(max_length=3)
    whlo = models.CharField(max_length=3)
    cuor = models.CharField(max_length=20, blank=True, db_index=True)
    yref = models.CharField(max_length=30, blank=True)
    ordt = models.CharField(max_length=8)
    rldt = models.CharField(max_length=8, blank=True)
    cucd = models.CharField(max_length=3, default="USD")
    confirmed = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True, help_text="Batch errors (LstErrMsgOrder)")
    # AddBatchAddress records by address type (ADRT), e.g. {"1": {"CUNM": ..., "CUA1": ...}}.
    addresses = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "cono", "batch_no"], name="uniq_m3_batch_order")]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    ponr = models.IntegerField()
    itno = models.CharField(max_length=15)
    orqt = models.DecimalField(max_digits=15, decimal_places=6)
    whlo = models.CharField(max_length=3)
    sapr = models.DecimalField(max_digits=15, decimal_places=6)
    cuor = models.CharField(max_length=20, blank=True)
    # The customer's own line number (AddBatchLine CUPO): the connector sends the Walmart line number.
    cupo = models.CharField(max_length=20, blank=True)
    dwdt = models.CharField(max_length=8, blank=True)
    orst = models.CharField(max_length=2, default="05")
    dlqt = models.DecimalField(max_digits=15, decimal_places=6, default=0, help_text="Delivered quantity")
    # What will never ship (closed short, cancelled): RNQT = ORQT - DLQT - this while the line is open.
    cnqt = models.DecimalField(max_digits=15, decimal_places=6, default=0, help_text="Quantity closed without delivery")
    changed_at = models.DateTimeField(null=True, blank=True, help_text="LMDT/LMTS of the line")

    class Meta:
        ordering = ["ponr"]

    @property
    def open_quantity(self):
        return max(self.orqt - self.dlqt - self.cnqt, 0)


class OrderCharge(models.Model):
    """An order head charge (OOHECH, AddBatchHeadChg): freight, marketplace tax... by charge id (CRID)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="charges")
    crid = models.CharField(max_length=10)
    cram = models.DecimalField(max_digits=15, decimal_places=2)
    cucd = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["id"]


class CustomerReturn(models.Model):
    tenant = models.CharField(max_length=64)
    cono = models.IntegerField()
    whlo = models.CharField(max_length=3)
    repn = models.BigIntegerField()
    cuno = models.CharField(max_length=10, blank=True)
    rorn = models.CharField(max_length=10, blank=True)
    rscd = models.CharField(max_length=3, blank=True)
    yref = models.CharField(max_length=30, blank=True, db_index=True)
    ortp = models.CharField(max_length=3, blank=True)
    faci = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "cono", "whlo", "repn"], name="uniq_m3_return")]


class ReturnLine(models.Model):
    customer_return = models.ForeignKey(CustomerReturn, on_delete=models.CASCADE, related_name="lines")
    reli = models.IntegerField()
    itno = models.CharField(max_length=15, blank=True)
    req0 = models.DecimalField(max_digits=15, decimal_places=6)
    sapr = models.DecimalField(max_digits=15, decimal_places=6, null=True)
    rorl = models.IntegerField(null=True)
    rscd = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["reli"]


class BasePrice(models.Model):
    """OIS017MI base prices added or changed through the API (the seeded list comes from the catalog)."""

    tenant = models.CharField(max_length=64)
    prrf = models.CharField(max_length=10)
    cucd = models.CharField(max_length=3)
    fvdt = models.CharField(max_length=8)
    itno = models.CharField(max_length=15)
    sapr = models.DecimalField(max_digits=15, decimal_places=6)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "prrf", "cucd", "fvdt", "itno"], name="uniq_m3_price")]


class Delivery(models.Model):
    """A delivery (MHDISH, DLIX) of a confirmed order, connected to a shipment (DCONSI, CONN)."""

    tenant = models.CharField(max_length=64)
    cono = models.IntegerField()
    dlix = models.BigIntegerField()
    conn = models.BigIntegerField()
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deliveries")
    whlo = models.CharField(max_length=3)
    pgrs = models.CharField(max_length=2, default="60", help_text="Delivery progress status (60 = ready for invoicing)")
    modl = models.CharField(max_length=3, blank=True, help_text="Delivery method (carrier service)")
    carrier = models.CharField(max_length=10, blank=True, help_text="Forwarding agent (FWNO)")
    tracking = models.CharField(max_length=40, blank=True, help_text="Package tracking number (ETRN)")
    shipped_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "cono", "dlix"], name="uniq_m3_delivery")]


class Package(models.Model):
    """A package (MPTRNS, PANR) of a delivery, with the carrier's tracking number."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="packages")
    panr = models.CharField(max_length=20, help_text="Package number")
    tracking = models.CharField(max_length=40, blank=True, help_text="Package tracking number (ETRN)")

    class Meta:
        ordering = ["id"]


class PackageLine(models.Model):
    """What one package holds of one order line."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="packed")
    quantity = models.DecimalField(max_digits=15, decimal_places=6)

    class Meta:
        ordering = ["id"]


class ItemChange(models.Model):
    """An item's master data changed in M3 (MMS001): description and image URLs, with its change
    stamp (LMDT/LMTS). Shared by every tenant, like the catalog it overrides."""

    itno = models.CharField(max_length=15, unique=True)
    description = models.CharField(max_length=60)
    images = models.JSONField(default=list)
    revision = models.IntegerField(default=1)
    changed_at = models.DateTimeField()


class ItemAlias(models.Model):
    """An item alias (MITPOP) added through MMS025MI/AddAlias, beside the catalog's own EAN aliases
    (category 2, one per item, sandbox.infor_m3.data.catalog_aliases)."""

    tenant = models.CharField(max_length=64)
    cono = models.IntegerField()
    alwt = models.IntegerField(help_text="Alias category (2 = EAN)")
    alwq = models.CharField(max_length=4, blank=True, help_text="Alias qualifier")
    itno = models.CharField(max_length=15)
    popn = models.CharField(max_length=30, help_text="Alias number")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "cono", "alwt", "alwq", "itno", "popn"],
                                               name="uniq_m3_item_alias")]
        indexes = [models.Index(fields=["tenant", "cono", "popn"])]


class ItemStock(models.Model):
    """An item's on-hand balance (STQT) in a warehouse where it differs from the catalog: set by hand
    (`manage.py sandbox set-stock`) or in bulk (benchmarks, which also bring items of their own).
    Shared by every tenant, like the catalog. Text, as M3 answers it: a value that is not a number
    is kept as such, so clients can be tested against one."""

    itno = models.CharField(max_length=15)
    whlo = models.CharField(max_length=3)
    quantity = models.CharField(max_length=20)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["itno", "whlo"], name="uniq_m3_item_stock")]
        indexes = [models.Index(fields=["whlo", "itno"])]
