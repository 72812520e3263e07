"""Walmart Marketplace adapter: our side of the marketplace calls (orders, feeds... come with their flows)."""

from connectors.contract import BaseAdapter, PingResult
from connectors.walmart.client import WalmartClient

# The scopes the connector's flows need (Walmart's names in GET /v3/token/detail).
NEEDED_SCOPES = ("orders", "returns", "inventory", "item", "price", "feeds")


class Adapter(BaseAdapter):
    capabilities = frozenset()

    def __init__(self, connection):
        super().__init__(connection)
        self.client = WalmartClient(connection)

    def ping(self):
        detail = self.client.token_detail()
        scopes = {k.lower(): v for k, v in (detail.get("scopes") or {}).items()}
        missing = [s for s in NEEDED_SCOPES if scopes.get(s, "no_access") in ("no_access", "")]
        if missing:
            return PingResult(
                ok=False, details={"scopes": scopes},
                summary=f"token works, but these permissions are missing: {', '.join(missing)} "
                        "(grant them to the API key in Seller Center)",
            )
        return PingResult(ok=True, summary="token obtained; permissions for orders, returns, inventory, items, prices and feeds",
                          details={"scopes": scopes})
