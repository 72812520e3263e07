"""Infor M3 through the ION API Gateway: typed config, secrets and auth (reference/erp-apis.md B, C).

Credentials come from an `.ionapi` file (connectors.ionapi): its non-secret keys are
`config["ionapi"]`, its `cs` and `sask` the encrypted secrets. API calls go to
`{iu}/{ti}/M3/m3api-rest/v2/execute/...` with a Bearer token from the password grant.
"""

from pydantic import Field

from connectors.config import BaseConfig
from connectors.ionapi import IonApi, ion_api_spec


class M3Config(BaseConfig):
    ionapi: IonApi
    cono: int = Field(ge=0, le=999, description="Company (CONO)")
    divi: str = Field(default="", max_length=3, description="Division (DIVI); blank = the user's default")
    # Defaults for the flows (orders_in, returns_in, inventory_out...).
    order_type: str = Field(default="", max_length=3, description="ORTP; blank = the customer's default")
    facility: str = Field(default="", max_length=3, description="FACI; blank = the order type's default")
    warehouse: str = Field(default="", max_length=3, description="WHLO used when a ship node has no mapping")
    customer: str = Field(default="", max_length=10, description="CUNO that marketplace orders post to")
    customer_template: str = Field(default="", max_length=10, description="CUTM for CRS610MI/Add")
    # True: before an order, check posting.customer with CRS610MI/GetBasicData and create it with
    # CRS610MI/Add (template customer_template) when missing; known customers are cached. False: the
    # mapped customer must exist (M3 refuses the order with its own message otherwise).
    create_customers: bool = False
    # Order head charges (AddBatchHeadChg CRID, set up in OIS030) that carry Walmart's money beside the
    # lines: shipping, the tax Walmart collected, fees. Blank tax_charge = tax is not sent (M3 computes
    # its own from the customer's tax setup); a shipping or fee amount without a charge id is refused.
    shipping_charge: str = Field(default="FRT", max_length=10, description="CRID for Walmart shipping")
    tax_charge: str = Field(default="MPTAX", max_length=10, description="CRID for the tax Walmart collected")
    fee_charge: str = Field(default="", max_length=10, description="CRID for other Walmart charges (FEE...)")
    # Decimals of SAPR sent; every line's quantity x SAPR must still round to Walmart's line amount.
    price_decimals: int = Field(default=4, ge=0, le=6)
    # Send the Walmart ship-to as the order's delivery address (AddBatchAddress, ADRT below).
    delivery_address: bool = True
    delivery_address_type: str = Field(default="1", max_length=1, description="ADRT of the delivery address")
    currency: str = Field(default="USD", max_length=3)
    # Send AddBatchHead, the AddBatchLines and Confirm in ONE bulk request, leaving ORNO blank after the
    # head. UNCONFIRMED that every M3 carries the batch ORNO so; False = head first, then lines + Confirm.
    single_call_orders: bool = True
    # Alias category (MMS025 ALWT) under which the items' GTIN/EAN is kept, for items_by_gtin.
    # UNCONFIRMED: erp-apis.md C.3 names the EAN as an item alias (POPN with ALWT/ALWQ) but not its
    # category number; 2 is the usual EAN category. Set what the tenant's MMS025 uses.
    gtin_alias_category: int = Field(default=2, ge=1, le=99, description="ALWT of the items' EAN/GTIN aliases")
    # inventory_out: MMS200MI/GetItmWhsBal reads per bulk request of stock_snapshot (one HTTP call each).
    stock_reads_per_bulk: int = Field(default=1000, ge=1, le=10000, description="GetItmWhsBal reads per bulk call")
    # prices_out: the OIS017 base price list read by price_snapshot (OIS017MI/LstBasePrice PRRF, CUCD =
    # `currency`, FVDT = price_list_from as yyyyMMdd). Blank price_list: prices_out is not set up.
    price_list: str = Field(default="", max_length=10, description="PRRF of the base price list for prices_out")
    price_list_from: str = Field(default="", pattern=r"^(\d{8})?$", description="FVDT (yyyyMMdd) of that price list")
    # The order line field that carries the Walmart line number (AddBatchLine input, read back from
    # LstLine) so shipments name Walmart's line. UNCONFIRMED: the metadata calls CUPO "Customers order
    # number"; in OOLINE it is the customer's line number. Blank: not sent, and shipments read the line
    # number as the PONR M3 gave (right only when every Walmart line of the order was posted, in order).
    line_number_field: str = Field(default="CUPO", max_length=6,
                                   description="Order line field for the Walmart line number")

    # shipments_out (shipments.py, SETUP.md): field names the metadata does not confirm.
    time_zone: str = Field(default="UTC", description="Time zone of M3's dates and times (DSDT/DSHM)")
    shipped_delivery_status: str = Field(default="60", max_length=2,
                                         description="Lowest delivery status (PGRS) that counts as shipped")
    delivery_stamp_field: str = Field(default="LMTS", max_length=6, description="Change stamp (ms) of a delivery")
    tracking_field: str = Field(default="ETRN", max_length=6, description="Tracking number of a package/delivery")
    carrier_field: str = Field(default="FWNO", max_length=6, description="Carrier code of a shipment")
    package_line_pdso: str = Field(default="1", max_length=10, description="PDSO sent to MWS410MI/LstPackageLine")
    package_quantity_field: str = Field(default="DLQT", max_length=6, description="Quantity of a package line")
    delivery_quantity_field: str = Field(default="TRQT", max_length=6,
                                         description="Quantity of a delivery line (MWS410MI/LstItem)")
    delivered_quantity_field: str = Field(default="DLQT", max_length=6, description="Order line delivered quantity")
    remaining_quantity_field: str = Field(default="RNQT", max_length=6, description="Order line remaining quantity")
    line_stamp_field: str = Field(default="LMTS", max_length=6, description="Change stamp (ms) of an order line")
    # OIS100MI/SearchLine query for order lines changed since a date ({date} = yyyyMMdd); blank: closed
    # lines are only seen on orders that shipped something in the same read.
    changed_lines_query: str = Field(default="LMDT:[{date} TO 99991231]", max_length=200)

    # items_out (items.py, SETUP.md): MMS200MI/LstItmByChgDate output fields, UNCONFIRMED names.
    item_stamp_field: str = Field(default="LMTS", max_length=6, description="Change stamp (ms) of an item")
    item_description_field: str = Field(default="FUDS", max_length=6, description="Item description (ITDS is the name)")
    weight_field: str = Field(default="GRWE", max_length=6, description="Gross weight")
    weight_unit: str = Field(default="LB", pattern=r"^(LB|KG|OZ|G)$")
    length_field: str = Field(default="ILEN", max_length=6)
    width_field: str = Field(default="IWID", max_length=6)
    height_field: str = Field(default="IHEI", max_length=6)
    dimension_unit: str = Field(default="IN", pattern=r"^(IN|CM)$")
    # Item fields holding image URLs (https only; the first is the main image). M3's item master has
    # none as standard: name the user-defined fields the tenant keeps them in; empty = no images.
    image_url_fields: list[str] = Field(default_factory=list, max_length=10)

    # Records asked for per list call (M3's maxrecs); list reads page by key until a short page.
    page_size: int = Field(default=500, ge=1, le=10000)
    token_refresh_margin: float = Field(default=300, ge=0, le=3600)

    def api_base(self):
        return self.ionapi.api_base()


SPEC = ion_api_spec("infor_m3", M3Config)
