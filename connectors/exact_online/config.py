"""Exact Online: typed config, secrets and auth (reference/erp-apis.md §E).

Exact is reached per country site (start.exactonline.nl, .be, .de, .co.uk, .com ...); the REST API
lives at {site}/api and every business call is scoped to a division (an administration).
Authorization is the interactive OAuth2 authorization-code flow ("Connect to Exact Online" on the
connection's admin page), followed by single-use rotating refresh tokens (connectors.exact_online.auth).
"""

from typing import Literal

from pydantic import Field

from connectors.config import BaseConfig, SecretField, SystemSpec
from connectors.exact_online.auth import ExactAuth

DEFAULT_SITE = "https://start.exactonline.nl"


class ExactOnlineConfig(BaseConfig):
    # The country site the company lives on; tokens are only valid on that site.
    base_url: str = DEFAULT_SITE
    # From the app registration in Exact's App Center.
    client_id: str
    # The administration to post into; filled from current/Me after connecting when left empty.
    division: int | None = None
    # Must equal the redirect URI registered for the app. Empty = SITE_URL + /connect/callback/.
    redirect_uri: str = ""
    # Sales journal code for sales invoices and credit notes (Journal is mandatory on invoices).
    sales_journal: str = "70"
    # Default Exact warehouse code for sales orders and stock reads.
    default_warehouse: str = ""
    # Which documents orders_in creates: a sales order, a sales invoice (type 8020), or both.
    documents: Literal["sales_order", "sales_invoice", "both"] = "both"
    # Item codes of the non-stock items Walmart's shipping charge and the sales tax Walmart collected
    # (marketplace facilitator) are posted with; needed only for orders that carry such amounts.
    # Charges other than PRODUCT, SHIPPING and tax (gift wrap...) go on the shipping item too.
    shipping_item: str = ""
    tax_item: str = ""
    # VAT code sent on every line. Walmart already computed and collected the tax (it is its own line),
    # so this should be a 0 % code; empty = Exact's default per item, which may add tax on top.
    vat_code: str = ""
    # inventory_out / prices_out: up to this many items are read by item code (25 codes a read); for
    # more, the warehouse's ItemWarehouses rows (or the division's items) are read unfiltered, page by page.
    snapshot_filter_limit: int = Field(default=250, ge=1)
    # prices_out: the currency of Items.StandardSalesPrice, which is the division's own currency
    # (Exact's Items carry no sales currency of their own).
    price_currency: str = Field(default="USD", min_length=3, max_length=3)
    # inventory_in: the StockCounts field that carries our reference, and Exact's function that
    # processes a draft count (both UNCONFIRMED against a live division: SETUP.md §3).
    stock_count_reference_field: str = "Description"
    process_stock_count_path: str = "inventory/ProcessStockCount"
    # shipments_out: the GoodsDeliveries property that names the carrier for the carrier mapping
    # (ShippingMethodCode, "Code of shipping method", picqer GoodsDelivery docblock).
    carrier_field: str = Field(default="ShippingMethodCode", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # Refresh this many seconds before the 600-s token expires. Exact refuses refreshes earlier than
    # 9.5 minutes into a token, so 30 s is the most we may take.
    token_refresh_margin: float = Field(default=30, ge=5, le=30)
    # An idle connection's refresh token dies after ~30 days unused; keep-alive refreshes after this many days.
    keep_alive_days: int = Field(default=7, ge=1, le=25)

    def api_base(self):
        return self.base_url.rstrip("/") + "/api"


SPEC = SystemSpec(
    system="exact_online",
    config_model=ExactOnlineConfig,
    secrets=(
        SecretField("client_secret", "Client secret", "From the app registration in Exact Online's App Center."),
        SecretField(
            "webhook_secret", "Webhook secret",
            "The app's webhook secret (App Center); not the client secret. Needed only for webhooks.", required=False,
        ),
    ),
    # Reference: https://start.exactonline.nl/docs/HlpRestAPIResources.aspx (OAuth2: /api/oauth2/auth, /api/oauth2/token)
    auth=ExactAuth(),
    # Exact's limits are per app and division; 60/min and 5,000/day are the lowest seen (erp-apis.md §E.6).
    # The X-RateLimit-* headers correct these at run time.
    rate_limits={"default": (60, 60), "token": (30, 60), "daily": (5000, 86400)},
    # The authorization code is a credential while it is valid: never in an audit excerpt.
    redact_keys=("code",),
    connect_view="connectors:connect",
)
