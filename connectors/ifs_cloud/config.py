"""IFS Cloud: typed config, secrets and auth (reference/erp-apis.md §A.1, §A.2).

The base URL is stored whole, never derived from a tenant name: hosts are customer-specific and the
Keycloak realm is not necessarily the host label (one tenant: host `beneteau-group-ast`, realm
`beneast1`). So either the realm or the full token URL is configured explicitly.
"""

from typing import Literal

from pydantic import Field, field_validator, model_validator

from connectors.auth import ClientCredentialsGrant
from connectors.config import BaseConfig, SecretField, SystemSpec

PROJECTIONS_PATH = "/main/ifsapplications/projection/v1"


class IfsCloudConfig(BaseConfig):
    base_url: str = Field(description="e.g. https://acme.ifs.cloud (projections live under /main/ifsapplications/...)")
    realm: str = Field(default="", description="Keycloak realm (IFS 'namespace'); or give token_url instead")
    token_url: str = Field(default="", description="Full token endpoint; wins over realm when set")
    client_id: str
    scope: str = Field(default="", description="e.g. 'openid microprofile-jwt' if the IAM client requires it")
    company: str = Field(description="IFS company the orders belong to")
    site: str = Field(description="IFS site (Contract) the orders are taken at")
    # Customer order header values used when posting Walmart orders (connectors/ifs_cloud/orders.py).
    order_type: str = Field(default="NO", description="Customer order type (OrderId)")
    coordinator: str = Field(default="", description="Order coordinator (AuthorizeCode); IFS requires one")
    shipping_charge_type: str = Field(default="FREIGHT", description="Sales charge type for Walmart shipping")
    release_orders: bool = Field(default=False, description="Release posted orders (IFS then reserves stock)")
    bill_addr_no: str = Field(default="", description="Customer's bill-to address id (BillAddrNo); empty = IFS default")
    ship_addr_no: str = Field(default="", description="Customer's ship-to address id (ShipAddrNo); empty = IFS default")
    delivery_terms: str = Field(default="", description="DeliveryTerms; empty = the customer's default")
    pay_term_id: str = Field(default="", description="PayTermId; empty = the customer's default")
    # Walmart ship method (Standard, Express, ...) -> IFS ShipViaCode; an unmapped method sends none.
    ship_via_codes: dict[str, str] = Field(default_factory=dict)
    # WantedDeliveryDate = Walmart order date + this many days (the posting carries no promised date).
    wanted_delivery_days: int = Field(default=0, ge=0, le=60)
    # Sales part property holding the item's GTIN, read by items_by_gtin (mapping suggestions).
    # UNCONFIRMED: erp-apis.md §A.4 lists SalesPartSet without a GTIN property; "GtinNo" is IFS's usual
    # column name (IFS also keeps GTINs per part in a PartGtin entity). Check the tenant's
    # SalesPartHandling.svc/$metadata and set the name it has; blank = the read is not offered.
    gtin_field: str = Field(default="GtinNo", max_length=60, pattern=r"^([A-Za-z_][A-Za-z0-9_]*)?$",
                            description="SalesPartSet property with the GTIN (blank: no GTIN read)")
    # inventory_out / prices_out: above `snapshot_site_read_above` items, stock_snapshot and price_snapshot
    # read the site's whole InventoryPartInStockSet / SalesPartSet, `snapshot_page_size` rows per call
    # ($top/$skip, or IFS's own @odata.nextLink); up to it, PartNo filters of 40 values per call.
    snapshot_page_size: int = Field(default=5000, ge=100, le=50000, description="Rows per call of a whole-site read")
    snapshot_site_read_above: int = Field(default=200, ge=0, le=100000,
                                          description="More items than this: read the whole site, paged")
    # Currency of the sales parts' ListPrice. UNCONFIRMED: SalesPartSet carries no currency property in
    # erp-apis.md §A.4; IFS keeps list prices in the site's company currency. Set that currency here.
    price_currency: str = Field(default="USD", min_length=3, max_length=3, description="Currency of ListPrice")
    # shipments_out (connectors/ifs_cloud/shipments.py). Shipments in these states count as shipped;
    # ShipViaCode is the carrier code the carrier mapping translates (any ShipmentSet property may be named).
    shipment_states: list[str] = Field(default_factory=lambda: ["Shipped", "Closed"], min_length=1)
    carrier_field: str = Field(default="ShipViaCode", max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # UNCONFIRMED (erp-apis.md §A.4: "Tracking-number fields: UNCONFIRMED"): the ShipmentSet property with
    # the carrier's tracking number. Check ShipmentHandling.svc/$metadata and set the tenant's name.
    tracking_field: str = Field(default="AirwayBillNo", max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # UNCONFIRMED: the CustomerOrderLineSet property that moves whenever a line changes (IFS keeps a
    # ROWVERSION date per row); cancelled and closed-short lines are found by it.
    line_changed_field: str = Field(default="Rowversion", max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # items_out (connectors/ifs_cloud/items.py): the SalesPartSet property that moves when a part changes
    # (UNCONFIRMED, as line_changed_field), and which properties hold what ItemData lists. Every name is
    # UNCONFIRMED for IFS Cloud (erp-apis.md §A.4 names only CatalogNo, CatalogDesc, ListPrice...);
    # a blank name leaves that datum out. images: https URLs separated by spaces.
    item_changed_field: str = Field(default="Rowversion", max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    item_fields: dict[str, str] = Field(default_factory=lambda: {
        "description": "NoteText", "brand": "", "weight": "NetWeight", "length": "Length", "width": "Width",
        "height": "Height", "images": "ImageUrls"})
    weight_unit: Literal["LB", "KG", "OZ", "G"] = "LB"
    dimension_unit: Literal["IN", "CM"] = "IN"
    # IFS 24R2 access tokens live 180 s: refresh 30 s ahead, so a slow call never carries an expired one.
    token_refresh_margin: float = Field(default=30, ge=0, le=170)

    @field_validator("item_fields")
    @classmethod
    def _item_fields(cls, value):
        known = {"description", "brand", "weight", "length", "width", "height", "images"}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"item_fields knows {', '.join(sorted(known))}, not {', '.join(unknown)}")
        bad = [name for name in value.values() if name and not name.replace("_", "a").isalnum()]
        if bad:
            raise ValueError(f"not a property name: {bad[0]!r}")
        return value

    @model_validator(mode="after")
    def _realm_or_token_url(self):
        if not self.realm and not self.token_url:
            raise ValueError("set either realm (the IFS IAM namespace) or token_url")
        return self

    def api_base(self):
        return self.base_url.rstrip("/") + PROJECTIONS_PATH

    def resolved_token_url(self):
        if self.token_url:
            return self.token_url
        return f"{self.base_url.rstrip('/')}/auth/realms/{self.realm}/protocol/openid-connect/token"


SPEC = SystemSpec(
    system="ifs_cloud",
    config_model=IfsCloudConfig,
    secrets=(SecretField(
        "client_secret", "Client secret",
        "From Solution Manager > Users and Permissions > Identity and Access Manager > IAM Client "
        "(Service Accounts enabled, linked to a service user).",
    ),),
    # Reference: docs.ifs.com techdocs 24r2 .../035_iam_clients/030_using_access_tokens (Keycloak token endpoint;
    # client credentials in the form body; expires_in honoured, 180 s in 24R2).
    auth=ClientCredentialsGrant(
        token_url=lambda cfg: cfg.resolved_token_url(),
        send="form",
        scope_field="scope",
        refresh_margin=30,
    ),
    # IFS publishes no rate limits (erp-apis.md §A.7); a polite default, corrected by Retry-After on 429.
    rate_limits={"default": (600, 60), "token": (30, 60)},
)
