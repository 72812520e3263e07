"""State of the IFS Cloud emulator. Every row belongs to a realm (one IFS instance, as its Keycloak
namespace names it): the IAM clients of one realm see the same company data, another realm sees none.

`version` is the emulator's objversion: the `@odata.etag` is derived from (row id, version) and
every update bumps it, so a client holding an old etag gets 412.
"""

from django.db import models

from sandbox import clock

QTY = {"max_digits": 14, "decimal_places": 4, "default": 0}
MONEY = {"max_digits": 14, "decimal_places": 4}


class Series(models.Model):
    """Number series per realm (customer orders C1000001..., shipments 1...)."""

    realm = models.CharField(max_length=64)
    name = models.CharField(max_length=32)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "name"], name="uniq_ifs_series")]


class Site(models.Model):
    realm = models.CharField(max_length=64)
    company = models.CharField(max_length=20)
    contract = models.CharField(max_length=5)
    description = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="US")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "contract"], name="uniq_ifs_site")]

    def __str__(self):
        return f"{self.contract} ({self.company})"


class InventoryPartInStock(models.Model):
    """One stock record: part at site/location (lot, serial, configuration are '*' when not tracked)."""

    realm = models.CharField(max_length=64)
    contract = models.CharField(max_length=5)
    part_no = models.CharField(max_length=25)
    location_no = models.CharField(max_length=35)
    warehouse = models.CharField(max_length=15, blank=True)
    lot_batch_no = models.CharField(max_length=20, default="*")
    serial_no = models.CharField(max_length=50, default="*")
    configuration_id = models.CharField(max_length=50, default="*")
    qty_onhand = models.DecimalField(**QTY)
    qty_reserved = models.DecimalField(**QTY)
    qty_in_transit = models.DecimalField(**QTY)
    # Kept as a column (on hand minus reserved) so $filter and $orderby on AvailableQty run in SQL.
    available_qty = models.DecimalField(**QTY)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["realm", "contract", "part_no", "location_no", "lot_batch_no", "serial_no", "configuration_id"],
            name="uniq_ifs_stock_record")]
        indexes = [models.Index(fields=["realm", "part_no", "contract"])]

    def save(self, *args, **kwargs):
        self.available_qty = self.qty_onhand - self.qty_reserved
        super().save(*args, **kwargs)


class SalesPart(models.Model):
    realm = models.CharField(max_length=64)
    contract = models.CharField(max_length=5)
    catalog_no = models.CharField(max_length=25)
    catalog_desc = models.CharField(max_length=200)
    part_no = models.CharField(max_length=25)
    sales_unit_meas = models.CharField(max_length=10, default="PCS")
    list_price = models.DecimalField(**MONEY)
    # GTIN of the sales part as a user keys it in (EAN-13 for the catalog's items); served as GtinNo,
    # a name that is UNCONFIRMED for IFS Cloud (see connectors/ifs_cloud/config.py gtin_field).
    gtin_no = models.CharField(max_length=14, blank=True, db_index=True)
    # Master data items_out lists on Walmart. Property names are UNCONFIRMED for IFS Cloud (the connector
    # reads them through IfsCloudConfig.item_fields); images are https URLs separated by spaces.
    note_text = models.CharField(max_length=2000, blank=True)
    net_weight = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    length = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    width = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    height = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    image_urls = models.CharField(max_length=2000, blank=True)
    # When the row last changed (IFS keeps a ROWVERSION date per row); items(since) reads by it.
    rowversion = models.DateTimeField(default=clock.now, db_index=True)
    version = models.PositiveIntegerField(default=1)

    def save(self, *args, **kwargs):
        self.rowversion = clock.now()
        super().save(*args, **kwargs)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "contract", "catalog_no"], name="uniq_ifs_sales_part")]


class ChargeType(models.Model):
    """Sales charge types per site (FREIGHT...): a charge line must name one that exists."""

    realm = models.CharField(max_length=64)
    contract = models.CharField(max_length=5)
    charge_type = models.CharField(max_length=25)
    description = models.CharField(max_length=100, blank=True)
    sales_unit_meas = models.CharField(max_length=10, default="PCS")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "contract", "charge_type"], name="uniq_ifs_charge_type")]


class Customer(models.Model):
    realm = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="US")
    currency_code = models.CharField(max_length=3, default="USD")
    # Percent off the list price in price queries (the emulator's stand-in for customer price lists).
    discount = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "customer_id"], name="uniq_ifs_customer")]


class PriceQuery(models.Model):
    """A calculated price, kept per IAM client until CleanPriceQuery (as IFS keeps them per user)."""

    realm = models.CharField(max_length=64)
    client_id = models.CharField(max_length=200)
    catalog_no = models.CharField(max_length=25)
    contract = models.CharField(max_length=5)
    customer_no = models.CharField(max_length=20)
    currency_code = models.CharField(max_length=3)
    sales_qty = models.DecimalField(**QTY)
    price_qty = models.DecimalField(**QTY)
    use_price_incl_tax = models.BooleanField(default=False)
    base_price = models.DecimalField(**MONEY)
    discount = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    net_price = models.DecimalField(**MONEY)
    version = models.PositiveIntegerField(default=1)


class CustomerOrder(models.Model):
    realm = models.CharField(max_length=64)
    order_no = models.CharField(max_length=12)
    company = models.CharField(max_length=20)
    contract = models.CharField(max_length=5)
    customer_no = models.CharField(max_length=20)
    customer_po_no = models.CharField(max_length=50, blank=True, db_index=True)
    currency_code = models.CharField(max_length=3)
    order_id = models.CharField(max_length=3)  # order type
    authorize_code = models.CharField(max_length=20)  # coordinator
    bill_addr_no = models.CharField(max_length=50, blank=True)
    ship_addr_no = models.CharField(max_length=50, blank=True)
    ship_via_code = models.CharField(max_length=3, blank=True)
    delivery_terms = models.CharField(max_length=5, blank=True)
    pay_term_id = models.CharField(max_length=20, blank=True)
    wanted_delivery_date = models.DateTimeField()
    objstate = models.CharField(max_length=20, default="Planned")
    date_entered = models.DateTimeField()
    extra = models.JSONField(default=dict, blank=True)  # accepted fields the emulator only echoes
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "order_no"], name="uniq_ifs_order_no")]

    def __str__(self):
        return f"{self.order_no} ({self.customer_po_no})"


class CustomerOrderLine(models.Model):
    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.CharField(max_length=4)
    rel_no = models.CharField(max_length=4, default="1")
    line_item_no = models.IntegerField(default=0)
    contract = models.CharField(max_length=5)
    catalog_no = models.CharField(max_length=25)
    catalog_desc = models.CharField(max_length=200, blank=True)
    part_no = models.CharField(max_length=25)
    sales_unit_meas = models.CharField(max_length=10, default="PCS")
    buy_qty_due = models.DecimalField(**QTY)
    desired_qty = models.DecimalField(**QTY)
    qty_assigned = models.DecimalField(**QTY)
    qty_shipped = models.DecimalField(**QTY)
    qty_invoiced = models.DecimalField(**QTY)
    sale_unit_price = models.DecimalField(**MONEY)
    base_sale_unit_price = models.DecimalField(**MONEY, null=True)
    unit_price_incl_tax = models.DecimalField(**MONEY, null=True)
    wanted_delivery_date = models.DateTimeField(null=True)
    planned_delivery_date = models.DateTimeField(null=True)
    objstate = models.CharField(max_length=20, default="Planned")
    extra = models.JSONField(default=dict, blank=True)
    # When the line last changed (IFS's ROWVERSION): the connector finds cancelled lines by it.
    rowversion = models.DateTimeField(default=clock.now, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "line_no", "rel_no", "line_item_no"], name="uniq_ifs_line")]

    def save(self, *args, **kwargs):
        self.rowversion = clock.now()
        super().save(*args, **kwargs)


class CustomerOrderCharge(models.Model):
    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="charges")
    sequence_no = models.PositiveIntegerField()
    contract = models.CharField(max_length=5)
    company = models.CharField(max_length=20)
    charge_type = models.CharField(max_length=25)
    charge_amount = models.DecimalField(**MONEY)
    charge_amount_incl_tax = models.DecimalField(**MONEY, null=True)
    charged_qty = models.DecimalField(**QTY)
    sales_unit_meas = models.CharField(max_length=10, default="PCS")
    extra = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "sequence_no"], name="uniq_ifs_charge")]


class Shipment(models.Model):
    realm = models.CharField(max_length=64)
    shipment_id = models.PositiveIntegerField()
    contract = models.CharField(max_length=5)
    receiver_id = models.CharField(max_length=20)
    ship_via_code = models.CharField(max_length=3, blank=True)
    objstate = models.CharField(max_length=20, default="Preliminary")
    planned_ship_date = models.DateTimeField(null=True)
    actual_ship_date = models.DateTimeField(null=True, db_index=True)
    # The carrier's tracking number of the shipment's package (one package per shipment in the emulator).
    # Served as AirwayBillNo, a name UNCONFIRMED for IFS Cloud (IfsCloudConfig.tracking_field).
    airway_bill_no = models.CharField(max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "shipment_id"], name="uniq_ifs_shipment")]

    def __str__(self):
        return f"Shipment {self.shipment_id}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    shipment_line_no = models.PositiveIntegerField()
    source_ref_type = models.CharField(max_length=20, default="CustomerOrder")
    source_ref1 = models.CharField(max_length=50)  # order no
    source_ref2 = models.CharField(max_length=50)  # line no
    source_ref3 = models.CharField(max_length=50)  # rel no
    source_ref4 = models.CharField(max_length=50, default="0")  # line item no
    inventory_part_no = models.CharField(max_length=25)
    inventory_qty = models.DecimalField(**QTY)
    qty_picked = models.DecimalField(**QTY)
    qty_shipped = models.DecimalField(**QTY)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shipment", "shipment_line_no"], name="uniq_ifs_shipment_line")]
