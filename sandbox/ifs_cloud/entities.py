"""The entity sets the emulator serves: OData property names as IFS spells them, mapped to our rows.

Property names and enum constants follow the public IFS clients in reference/erp-apis.md §A.4
(Insite's IfsAurena models, the shipment terminal code); enum type names follow
`IfsApp.<Projection>.<Type>`. Fields a client may send but the emulator only echoes live in `extra`.
"""

from sandbox.ifs_cloud.odata import EntitySet, Prop

ORDER_STATE = "IfsApp.CustomerOrderHandling.CustomerOrderState"
ORDER_LINE_STATE = "IfsApp.CustomerOrderHandling.CustomerOrderLineState"
SHIPMENT_STATE = "IfsApp.ShipmentHandling.ShipmentState"
ORDER_STATES = ("Planned", "Released", "Reserved", "Picked", "PartiallyDelivered", "Delivered", "Invoiced",
                "Cancelled", "Blocked")
SHIPMENT_STATES = ("Preliminary", "Completed", "Shipped", "Closed", "Cancelled")


def _p(name, attr="", kind="string", **kw):
    return Prop(name, attr, kind, **kw)


def _enum(name, attr, enum_type, values=(), **kw):
    return Prop(name, attr, "enum", enum_type=enum_type, values=values, **kw)


def _extra(name, kind="string", values=(), **kw):
    """A field accepted on create and echoed back; enum constants of a body are plain strings in JSON."""
    return Prop(name, "", "enum" if values else kind, enum_type="", values=values, writable=True, **kw)


COMPANY_SITE = EntitySet("CompanySiteSet", [
    _p("Company", "company"), _p("Contract", "contract"), _p("Description", "description"), _p("Country", "country"),
], keys=("Contract",))

INVENTORY_PART_IN_STOCK = EntitySet("InventoryPartInStockSet", [
    _p("Contract", "contract"), _p("PartNo", "part_no"), _p("ConfigurationId", "configuration_id"),
    _p("LocationNo", "location_no"), _p("LotBatchNo", "lot_batch_no"), _p("SerialNo", "serial_no"),
    _p("Warehouse", "warehouse"), _p("QtyOnhand", "qty_onhand", "decimal"), _p("QtyReserved", "qty_reserved", "decimal"),
    _p("QtyInTransit", "qty_in_transit", "decimal"), _p("AvailableQty", "available_qty", "decimal"),
], keys=("Contract", "PartNo", "ConfigurationId", "LocationNo", "LotBatchNo", "SerialNo"))

SALES_PART = EntitySet("SalesPartSet", [
    _p("Contract", "contract"), _p("CatalogNo", "catalog_no"), _p("CatalogDesc", "catalog_desc"),
    _p("PartNo", "part_no"), _p("SalesUnitMeas", "sales_unit_meas"), _p("PriceUnitMeas", "sales_unit_meas"),
    _p("ListPrice", "list_price", "decimal"),
    # UNCONFIRMED property name: GTIN on sales parts is not in erp-apis.md §A.4 (IFS also has a
    # PartGtin entity); the connector's field name is a setting (IfsCloudConfig.gtin_field).
    _p("GtinNo", "gtin_no"),
    # items_out master data; names UNCONFIRMED (IfsCloudConfig.item_fields says which the connector reads).
    _p("NoteText", "note_text"), _p("NetWeight", "net_weight", "decimal"), _p("Length", "length", "decimal"),
    _p("Width", "width", "decimal"), _p("Height", "height", "decimal"), _p("ImageUrls", "image_urls"),
    _p("Rowversion", "rowversion", "datetime"),
], keys=("Contract", "CatalogNo"))

CUSTOMER_INFO = EntitySet("CustomerInfoSet", [
    _p("CustomerId", "customer_id"), _p("Name", "name"), _p("Country", "country"),
    _p("CurrencyCode", "currency_code"),
], keys=("CustomerId",))

PRICE_QUERY = EntitySet("PriceQuerySet", [
    _p("PriceQueryId", "pk", "int"),
    _p("CatalogNo", "catalog_no", writable=True, max_length=25),
    _p("Contract", "contract", writable=True, max_length=5),
    _p("CustomerNo", "customer_no", writable=True, max_length=20),
    _p("CurrencyCode", "currency_code", writable=True, max_length=3),
    _p("SalesQty", "sales_qty", "decimal", writable=True), _p("PriceQty", "price_qty", "decimal", writable=True),
    _p("UsePriceInclTax", "use_price_incl_tax", "bool", writable=True),
    _p("BasePrice", "base_price", "decimal"), _p("Discount", "discount", "decimal"),
    _p("NetPrice", "net_price", "decimal"),
], keys=("PriceQueryId",))

# Header fields: Insite's SubmitOrder set (erp-samples/ifs/customer_order_create_request.json) plus references.
CUSTOMER_ORDER = EntitySet("CustomerOrderSet", [
    _p("OrderNo", "order_no"), _p("Company", "company", writable=True, max_length=20),
    _p("Contract", "contract", writable=True, max_length=5),
    _p("CustomerNo", "customer_no", writable=True, max_length=20),
    _p("CustomerPoNo", "customer_po_no", writable=True, updatable=True, max_length=50),
    _p("CurrencyCode", "currency_code", writable=True, max_length=3),
    _p("OrderId", "order_id", writable=True, max_length=3),
    _p("AuthorizeCode", "authorize_code", writable=True, updatable=True, max_length=20),
    _p("BillAddrNo", "bill_addr_no", writable=True, updatable=True, max_length=50),
    _p("ShipAddrNo", "ship_addr_no", writable=True, updatable=True, max_length=50),
    _p("ShipViaCode", "ship_via_code", writable=True, updatable=True, max_length=3),
    _p("DeliveryTerms", "delivery_terms", writable=True, updatable=True, max_length=5),
    _p("PayTermId", "pay_term_id", writable=True, updatable=True, max_length=20),
    _p("WantedDeliveryDate", "wanted_delivery_date", "datetime", writable=True, updatable=True),
    _p("DateEntered", "date_entered", "datetime"),
    _enum("Objstate", "objstate", ORDER_STATE, ORDER_STATES),
    _extra("IsNewCustomer", "bool"), _extra("ExternalRef", max_length=50, updatable=True),
    _extra("CustRef", max_length=30, updatable=True), _extra("LabelNote", max_length=50, updatable=True),
    _extra("NoteText", max_length=2000, updatable=True), _extra("LanguageCode", max_length=2),
], keys=("OrderNo",))

CUSTOMER_ORDER_LINE = EntitySet("CustomerOrderLineSet", [
    _p("OrderNo", "order__order_no", writable=True), _p("LineNo", "line_no"), _p("RelNo", "rel_no"),
    _p("LineItemNo", "line_item_no", "int"), _p("Contract", "contract", writable=True, max_length=5),
    _p("CatalogNo", "catalog_no", writable=True, max_length=25), _p("CatalogDesc", "catalog_desc"),
    _p("PartNo", "part_no", writable=True, max_length=25),
    _p("SalesUnitMeas", "sales_unit_meas", writable=True, max_length=10),
    _p("BuyQtyDue", "buy_qty_due", "decimal", writable=True), _p("DesiredQty", "desired_qty", "decimal", writable=True),
    _p("QtyAssigned", "qty_assigned", "decimal", writable=True), _p("QtyShipped", "qty_shipped", "decimal"),
    _p("QtyInvoiced", "qty_invoiced", "decimal"),
    _p("SaleUnitPrice", "sale_unit_price", "decimal", writable=True),
    _p("BaseSaleUnitPrice", "base_sale_unit_price", "decimal", writable=True),
    _p("UnitPriceInclTax", "unit_price_incl_tax", "decimal", writable=True),
    _p("WantedDeliveryDate", "wanted_delivery_date", "datetime", writable=True),
    _p("PlannedDeliveryDate", "planned_delivery_date", "datetime", writable=True),
    _enum("Objstate", "objstate", ORDER_LINE_STATE, ORDER_STATES),
    _p("Rowversion", "rowversion", "datetime"),  # UNCONFIRMED name (IfsCloudConfig.line_changed_field)
    # The rest of Insite's SubmitOrderLines field set, echoed (erp-samples/ifs/customer_order_line_create_request.json).
    _extra("Identity1"), _extra("DeliverToCustomerNo"), _extra("ShipAddrNo"), _extra("TargetDate", "datetime"),
    _extra("PriceUnitMeas"), _extra("BaseUnitPriceInclTax", "decimal"), _extra("SupplyCode"),
    _extra("ConvFactor", "decimal"), _extra("CurrencyRate", "decimal"), _extra("Discount", "decimal"),
    _extra("OrderDiscount", "decimal"), _extra("PriceConvFactor", "decimal"), _extra("QtyShort", "decimal"),
    _extra("RevisedQtyDue", "decimal"), _extra("CloseTolerance", "decimal"), _extra("PartPrice", "decimal"),
    _extra("CatalogType", values=("InventoryPart", "NonInventoryPart", "PackageGroup")),
    _extra("ConsignmentStock", values=("ConsignmentStock", "NoConsignmentStock")),
    _extra("ChargedItem", values=("ChargedItem", "ItemNotCharged")),
    _extra("CreateSmObjectOption", values=("CreateSMObject", "DoNotCreateSMObject")),
    _extra("DefaultAddrFlag", values=("Yes", "No")), _extra("AddrFlag", values=("Yes", "No")),
    _extra("StagedBilling", values=("StagedBilling", "NotStagedBilling")), _extra("TaxLiability"),
    _extra("SmConnection", values=("Connected", "NotConnected")),
    _extra("PriceSource", values=("SalesPart", "PriceList", "Agreement", "Campaign", "Manual")),
    _extra("PriceFreeze", values=("Free", "Frozen")), _extra("ConfigurationId"),
    _extra("ReleasePlanning", values=("Released", "NotReleased")), _extra("Source"), _extra("FetchTaxFromDefaults"),
    # The buyer's own line number (IFS "Customer PO Line No", used by EDI): the connector's Walmart line number,
    # by which a half-done post finds the lines it already added.
    _extra("CustomerPoLineNo", max_length=4),
], keys=("OrderNo", "LineNo", "RelNo", "LineItemNo"))

CUSTOMER_ORDER_CHARGE = EntitySet("CustomerOrderChargeSet", [
    _p("OrderNo", "order__order_no", writable=True), _p("SequenceNo", "sequence_no", "int"),
    _p("Contract", "contract", writable=True, max_length=5), _p("Company", "company"),
    _p("ChargeType", "charge_type", writable=True, max_length=25),
    _p("ChargeAmount", "charge_amount", "decimal", writable=True),
    _p("ChargeAmountInclTax", "charge_amount_incl_tax", "decimal", writable=True),
    _p("ChargedQty", "charged_qty", "decimal", writable=True),
    _p("SalesUnitMeas", "sales_unit_meas", writable=True, max_length=10),
    _extra("ChargeCost", "decimal"), _extra("PrintChargeType", values=("Yes", "No")), _extra("CurrencyCode"),
    _extra("NoteText", max_length=2000),
], keys=("OrderNo", "SequenceNo"))

SHIPMENT = EntitySet("ShipmentSet", [
    _p("ShipmentId", "shipment_id", "int"), _p("Contract", "contract"), _p("ReceiverId", "receiver_id"),
    _p("ShipViaCode", "ship_via_code"), _enum("Objstate", "objstate", SHIPMENT_STATE, SHIPMENT_STATES),
    _p("PlannedShipDate", "planned_ship_date", "datetime"), _p("ActualShipDate", "actual_ship_date", "datetime"),
    _p("AirwayBillNo", "airway_bill_no"),  # UNCONFIRMED name (IfsCloudConfig.tracking_field)
], keys=("ShipmentId",))

SHIPMENT_LINE = EntitySet("ShipmentLineSet", [
    _p("ShipmentId", "shipment__shipment_id", "int"), _p("ShipmentLineNo", "shipment_line_no", "int"),
    _enum("SourceRefType", "source_ref_type", "IfsApp.ShipmentHandling.LogisticsSourceRefType", ("CustomerOrder",)),
    _p("SourceRef1", "source_ref1"), _p("SourceRef2", "source_ref2"), _p("SourceRef3", "source_ref3"),
    _p("SourceRef4", "source_ref4"), _p("InventoryPartNo", "inventory_part_no"),
    _p("SourcePartNo", "inventory_part_no"), _p("InventoryQty", "inventory_qty", "decimal"),
    _p("QtyPicked", "qty_picked", "decimal"), _p("QtyShipped", "qty_shipped", "decimal"),
], keys=("ShipmentId", "ShipmentLineNo"))
