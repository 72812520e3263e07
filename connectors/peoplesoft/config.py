"""Oracle PeopleSoft (FSCM 9.2): typed config, secrets and auth (reference/erp-apis.md §D).

PeopleSoft is self-hosted: the host, the Integration Broker node, which service operations are
active, the PS Queries and their prompt names are all private to each customer (§D.4). So every one
of them is configuration, with defaults matching the queries the customer builds by SETUP.md (next
to this file), which the sandbox emulates.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from connectors.auth import AuthStrategy, BasicAuth, ClientCredentialsGrant
from connectors.config import BaseConfig, SecretField, SystemSpec
from connectors.errors import ConfigError

REST_PATH = "/PSIGW/RESTListeningConnector"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PoQuery(_Part):
    """The open PO lines query (PO_HDR A / PO_LINE + schedule B), sorted by PO_ID.

    Its criteria: business unit, item and vendor LIKE their prompts ('%' = any), PO_DT >= the date
    prompt, PO_ID > the window prompt (QAS pages only by maxrows, so we page by PO_ID windows).
    """

    name: str = "ML_OPEN_PO_LINES"
    business_unit_prompt: str = "BUSINESS_UNIT"
    item_prompt: str = "INV_ITEM_ID"
    vendor_prompt: str = "VENDOR_ID"
    date_from_prompt: str = "FROM_DATE"
    after_prompt: str = "AFTER_PO_ID"


class InventoryQuery(_Part):
    """The stock balances query over BU_ITEMS_INV, sorted by INV_ITEM_ID.

    Criteria: BUSINESS_UNIT = its prompt, INV_ITEM_ID LIKE its prompt, INV_ITEM_ID > the window prompt.
    """

    name: str = "ML_INV_BALANCES"
    business_unit_prompt: str = "BUSINESS_UNIT"
    item_prompt: str = "INV_ITEM_ID"
    after_prompt: str = "AFTER_ITEM_ID"


class ReceiptQuery(_Part):
    """The receipts query (RECV_HDR A / RECV_LN_SHIP B) with BILL_OF_LADING LIKE its prompt: the
    connector sends "<reference>%" so that one call finds a receipt and every part of a split order."""

    name: str = "ML_PO_RECEIPTS"
    reference_prompt: str = "REFERENCE"


class LookupQuery(_Part):
    """An optional master-data query for mapping verification: `code_column` LIKE its one prompt
    ('%' = all), with a `label_column` shown to staff. An empty name = not set up (codes of that
    kind stay unverified)."""

    name: str = ""
    prompt: str = ""
    code_column: str = ""
    label_column: str = ""


class PeopleSoftConfig(BaseConfig):
    base_url: str = Field(description="The customer's own gateway, e.g. https://erp.example.com:8443")
    node: str = Field(description="Target node in the REST URL (often the default local node, e.g. PSFT_EP)")
    auth_type: Literal["basic", "oauth2"] = Field(
        default="basic",
        description="basic = OPRID and password (any PeopleTools with REST, 8.53+); "
                    "oauth2 = client credentials from the customer's authorization server (PeopleTools 8.59 or later)",
    )
    username: str = Field(default="", description="OPRID for basic; its permission list must grant the service operations")
    client_id: str = Field(default="", description="OAuth2 client id (oauth2 only)")
    token_url: str = Field(default="", description="Token endpoint of the authorization server: IDCS, Azure, Okta... (oauth2 only)")
    scope: str = Field(default="", description="OAuth2 scope, if the authorization server requires one")
    client_auth: Literal["basic", "form"] = Field(
        default="basic", description="How the client id and secret go to the token endpoint (IDCS: basic; Azure: form)"
    )
    token_refresh_margin: float = Field(default=60, ge=0, le=1800)
    query_owner: str = Field(default="PUBLIC", description="Owner type segment of the QAS URL; our queries are public")
    page_size: int = Field(default=500, ge=2, le=10000, description="maxrows per QAS call")
    # inventory_out reads a whole business unit: bigger pages, fewer calls (QAS pages only by maxrows).
    snapshot_page_size: int = Field(default=5000, ge=2, le=50000, description="maxrows per call of stock_snapshot")
    po_query: PoQuery = PoQuery()
    inventory_query: InventoryQuery = InventoryQuery()
    receipt_query: ReceiptQuery = ReceiptQuery()
    # Mapping verification (lookup kinds supplier, item, warehouse): VENDOR, MASTER_ITEM_TBL, BUS_UNIT_TBL_IN.
    supplier_query: LookupQuery = LookupQuery(name="ML_VENDORS", prompt="VENDOR_ID", code_column="VENDOR_ID",
                                              label_column="NAME1")
    item_query: LookupQuery = LookupQuery(name="ML_ITEMS", prompt="INV_ITEM_ID", code_column="INV_ITEM_ID",
                                          label_column="DESCR")
    warehouse_query: LookupQuery = LookupQuery(name="ML_INV_UNITS", prompt="BUSINESS_UNIT", code_column="BUSINESS_UNIT",
                                               label_column="DESCR")
    receipt_operation: str = Field(
        default="PURCHASE_ORDER_RECEIPT.v1", description="REST service operation (name.version) that loads PO receipts"
    )
    business_unit: str = Field(
        default="",
        description="Purchasing business unit to match POs in when the supplier mapping names none; empty = any")
    po_lookback_days: int = Field(
        default=365, ge=0, le=3650,
        description="Only POs dated at most this many days before the order can receive it "
                    "(FROM_DATE prompt); 0 = any date",
    )
    # Receipt header values our receipts carry (eSettlements "Formatting Incoming Receipt Files").
    transaction_source: str = Field(default="MLC", max_length=10, description="EIP_TRANS_SRC of our receipts")
    carrier_id: str = Field(default="WALMART", description="CARRIER_ID on receipts when the order names none")

    @model_validator(mode="after")
    def _required_per_auth_type(self):
        if self.auth_type == "basic" and not self.username:
            raise ValueError("username (the OPRID) is required when auth_type is basic")
        if self.auth_type == "oauth2":
            missing = [name for name in ("client_id", "token_url") if not getattr(self, name)]
            if missing:
                raise ValueError(f"{' and '.join(missing)} required when auth_type is oauth2 (PeopleTools 8.59+)")
        return self

    def api_base(self):
        return f"{self.base_url.rstrip('/')}{REST_PATH}/{self.node}"


class PeopleSoftAuth(AuthStrategy):
    """One strategy object for the SPEC that dispatches on the connection's auth_type.

    Basic never retries after a 401: the same password would fail again, and each failure counts
    towards PeopleSoft's lockout of the OPRID. OAuth2 gets the shared token cache and its one
    refresh-and-retry.
    """

    def __init__(self):
        self.basic = BasicAuth("username", "password")
        self.oauth2 = {
            send: ClientCredentialsGrant(token_url=lambda cfg: cfg.token_url, send=send, scope_field="scope")
            for send in ("basic", "form")
        }

    def _strategy(self, connection):
        cfg = connection.typed_config
        if cfg.auth_type == "basic":
            if not connection.secret("password"):
                raise ConfigError(f"{connection.name}: the password of OPRID {cfg.username} is missing (auth_type basic)")
            return self.basic
        if not connection.secret("client_secret"):
            raise ConfigError(f"{connection.name}: the OAuth2 client secret is missing (auth_type oauth2)")
        return self.oauth2[cfg.client_auth]

    def authorize(self, connection, headers):
        return self._strategy(connection).authorize(connection, headers)

    def is_auth_failure(self, response):
        # Only a refused bearer token is worth one refresh; the request says which kind it carried.
        sent = response.request.headers.get("Authorization", "") if response.request is not None else ""
        return response.status_code == 401 and sent.startswith("Bearer ")

    def invalidate(self, connection, token):
        self._strategy(connection).invalidate(connection, token)


SPEC = SystemSpec(
    system="peoplesoft",
    config_model=PeopleSoftConfig,
    secrets=(
        SecretField("password", "Password", "Password of the OPRID (auth_type basic).", required=False),
        SecretField("client_secret", "Client secret", "OAuth2 client secret (auth_type oauth2, PeopleTools 8.59+).",
                    required=False),
    ),
    # Reference: erp-apis.md §D.2 (REST: HTTP Basic with OPRID:password; OAuth2 client credentials on PT 8.59+).
    auth=PeopleSoftAuth(),
    # Self-hosted, no published limits (§D.4): a polite default that protects the customer's app server;
    # a 429 with Retry-After from a gateway in front of it still corrects us.
    rate_limits={"default": (300, 60), "qas": (300, 60), "receipts": (120, 60), "token": (30, 60)},
)
