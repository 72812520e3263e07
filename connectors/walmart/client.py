"""Walmart Marketplace API calls. Returns plain data; never touches the ORM (style rule 4).

The calls live in one module per API family (orders, returns, webhooks) and are mixed in here, so
a flow needs one object: WalmartClient(connection).
"""

from connectors import http
from connectors.walmart.orders import OrdersCalls
from connectors.walmart.returns import ReturnsCalls
from connectors.walmart.webhooks import WebhooksCalls


class WalmartClient(OrdersCalls, ReturnsCalls, WebhooksCalls):
    def __init__(self, connection):
        self.connection = connection

    def token_detail(self):
        """Scopes granted to our token: tells a missing "Orders" or "Returns" permission apart.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getTokenDetail (GET /v3/token/detail)
        """
        return http.send(self.connection, "GET", "/v3/token/detail", what="token detail").json()
