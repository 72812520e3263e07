"""Walmart Marketplace API calls. Returns plain data; never touches the ORM (style rule 4)."""

from connectors import http


class WalmartClient:
    def __init__(self, connection):
        self.connection = connection

    def token_detail(self):
        """Scopes granted to our token: tells a missing "Orders" or "Returns" permission apart.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getTokenDetail (GET /v3/token/detail)
        """
        return http.send(self.connection, "GET", "/v3/token/detail", what="token detail").json()
