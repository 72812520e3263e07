"""Walmart Marketplace: typed config, secrets and auth (reference/walmart-api.md §1)."""

from pydantic import Field

from connectors.auth import ClientCredentialsGrant
from connectors.config import BaseConfig, SecretField, SystemSpec

PRODUCTION_URL = "https://marketplace.walmartapis.com"


class WalmartConfig(BaseConfig):
    base_url: str = PRODUCTION_URL
    client_id: str
    # WM_SVC.NAME on every call; Walmart's docs use "Walmart Marketplace".
    service_name: str = "Walmart Marketplace"
    # WM_CONSUMER.CHANNEL.TYPE, only for solution providers that received one at onboarding.
    channel_type: str = ""
    # The "Global Marketplace APIs" headers (WM_MARKET, WM_GLOBAL_VERSION): UNCONFIRMED for US, so opt-in.
    market: str = ""
    global_version: str = ""
    # Refresh this many seconds before the 15-minute token expires.
    token_refresh_margin: float = Field(default=120, ge=0, le=600)

    def api_base(self):
        return self.base_url.rstrip("/")


def default_headers(config, correlation_id):
    """Headers Walmart requires on every call (the newest spec: no Basic auth on business calls)."""
    headers = {"WM_SVC.NAME": config.service_name, "WM_QOS.CORRELATION_ID": correlation_id}
    if config.channel_type:
        headers["WM_CONSUMER.CHANNEL.TYPE"] = config.channel_type
    if config.market:
        headers["WM_MARKET"] = config.market
    if config.global_version:
        headers["WM_GLOBAL_VERSION"] = config.global_version
    return headers


def is_auth_failure(response):
    """401, or the 400 INVALID_TOKEN that Walmart sends for an expired token (python-walmart #19)."""
    if response.status_code == 401:
        return True
    return response.status_code == 400 and "INVALID_TOKEN" in (response.text or "")


class WalmartTokenAuth(ClientCredentialsGrant):
    header = "WM_SEC.ACCESS_TOKEN"  # not Authorization: Bearer (that gives UNAUTHORIZED.GMP_GATEWAY_API)
    scheme = ""


SPEC = SystemSpec(
    system="walmart",
    config_model=WalmartConfig,
    secrets=(SecretField("client_secret", "Client secret", "From Walmart Seller Center > Settings > API Key Management."),),
    # Reference: https://developer.walmart.com/us-marketplace/docs/get-an-access-token (POST /v3/token)
    auth=WalmartTokenAuth(
        token_url=lambda cfg: cfg.api_base() + "/v3/token",
        send="basic",
        extra_headers=lambda cfg: {"WM_SVC.NAME": cfg.service_name, "WM_QOS.CORRELATION_ID": _new_id()},
        auth_failure=is_auth_failure,
        refresh_margin=120,
    ),
    # [3P] per-endpoint limits (walmart-api.md §6); the vendor's headers correct them at run time.
    rate_limits={
        "default": (100, 60),
        "token": (30, 60),
        "orders.list": (5000, 60),
        "orders.acknowledge": (60, 60),
        "orders.ship": (60, 60),
        "orders.cancel": (60, 60),
        "returns.list": (50, 60),
        "returns.refund": (60, 60),
        "inventory": (200, 60),
        "feeds.inventory": (50, 3600),
        "feeds.price": (10, 3600),
        "feeds.item": (10, 3600),
        "feeds.status": (5000, 60),
        "items": (900, 60),
        "price": (100, 3600),
        "settings": (100, 60),
        "webhooks": (100, 60),
    },
    default_headers=default_headers,
)


def _new_id():
    import uuid

    return str(uuid.uuid4())
