"""Walmart Notifications (webhooks) API calls (walmart-api.md §7.1).

Walmart's examples wrap lists in `events` while its schema says `eventTypes` / `event`: read all.
"""

from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, model_validator

from connectors import http

AUTH_FIELDS = {"BASIC_AUTH": ("user_name", "password"), "HMAC": ("client_secret",),
               "OAUTH": ("client_id", "client_secret", "auth_url")}


def _listed(body, *keys):
    for key in keys:
        if isinstance(body.get(key), list):
            return body[key]
    return []


class WebhookAuth(BaseModel):
    """authDetails of a subscription: how Walmart authenticates its deliveries to us."""

    model_config = ConfigDict(frozen=True)

    method: str  # BASIC_AUTH, HMAC or OAUTH
    header_name: str = "Authorization"
    user_name: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""
    auth_url: str = ""

    @model_validator(mode="after")
    def _check(self):
        if self.method not in AUTH_FIELDS:
            raise ValueError("method must be BASIC_AUTH, HMAC or OAUTH")
        missing = [f for f in AUTH_FIELDS[self.method] if not getattr(self, f)]
        if missing:
            raise ValueError(f"{self.method} needs {', '.join(missing)}")
        return self

    def as_walmart(self):
        values = {"authMethod": self.method, "authHeaderName": self.header_name, "userName": self.user_name,
                  "password": self.password, "clientId": self.client_id, "clientSecret": self.client_secret,
                  "authUrl": self.auth_url}
        return {k: v for k, v in values.items() if v}


class EventSubscription(BaseModel):
    """One event to subscribe to (resourceName comes from GET /v3/webhooks/eventTypes)."""

    model_config = ConfigDict(frozen=True)

    event_type: str
    resource_name: str
    event_url: str
    event_version: str = "V1"
    status: str = "ACTIVE"
    auth: WebhookAuth | None = None
    headers: dict[str, str] = {}

    def as_walmart(self):
        body = {"eventType": self.event_type, "eventVersion": self.event_version, "resourceName": self.resource_name,
                "eventUrl": self.event_url, "status": self.status}
        if self.auth is not None:
            body["authDetails"] = self.auth.as_walmart()
        if self.headers:
            body["headers"] = dict(self.headers)
        return body


class WebhooksCalls:
    """Mixed into WalmartClient; `self.connection` is the Walmart Connection."""

    def event_types(self):
        """[{resourceName, eventType, eventVersion, description}] the seller may subscribe to.

        # Reference: https://developer.walmart.com/us-marketplace/reference/geteventtypes (GET /v3/webhooks/eventTypes)
        """
        body = http.send(self.connection, "GET", "/v3/webhooks/eventTypes", bucket="webhooks",
                         what="list webhook event types").json()
        return _listed(body, "events", "eventTypes")

    def list_subscriptions(self, **filters):
        """The seller's subscriptions (filters: subscriptionId, eventType, resourceName, status).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getallsubscriptions (GET /v3/webhooks/subscriptions)
        """
        body = http.send(self.connection, "GET", "/v3/webhooks/subscriptions", params=filters or None,
                         bucket="webhooks", what="list webhook subscriptions").json()
        return _listed(body, "events", "event")

    def create_subscriptions(self, events):
        """Subscribe to several events at once (EventSubscription objects); returns what Walmart created.

        # Reference: https://developer.walmart.com/us-marketplace/reference/createsubscription (POST /v3/webhooks/subscriptions)
        """
        body = http.send(self.connection, "POST", "/v3/webhooks/subscriptions",
                         json={"events": [e.as_walmart() for e in events]}, bucket="webhooks",
                         what="create webhook subscriptions").json()
        return _listed(body, "events", "event")

    def update_subscription(self, subscription_id, *, event_url=None, status=None, auth=None, headers=None):
        """Change a subscription's URL, status (ACTIVE/INACTIVE), auth or headers; returns it.

        # Reference: https://developer.walmart.com/us-marketplace/reference/updatesubscription (PATCH /v3/webhooks/subscriptions/{subscriptionId})
        """
        body = {}
        if event_url is not None:
            body["eventUrl"] = event_url
        if status is not None:
            body["status"] = status
        if auth is not None:
            body["authDetails"] = auth.as_walmart()
        if headers is not None:
            body["headers"] = dict(headers)
        return http.send(self.connection, "PATCH", f"/v3/webhooks/subscriptions/{quote(subscription_id, safe='')}",
                         json=body, bucket="webhooks", what="update webhook subscription").json()

    def delete_subscription(self, subscription_id):
        """# Reference: https://developer.walmart.com/us-marketplace/reference/deletesubscription (DELETE /v3/webhooks/subscriptions/{subscriptionId})"""
        return http.send(self.connection, "DELETE", f"/v3/webhooks/subscriptions/{quote(subscription_id, safe='')}",
                         bucket="webhooks", what="delete webhook subscription").json()

    def test_webhook(self, event):
        """Ask Walmart to send a test event to `event.event_url` with its auth (an EventSubscription);
        returns Walmart's message. A receiver that does not answer 2xx gives a PermanentError.

        # Reference: https://developer.walmart.com/us-marketplace/reference/testnotification (POST /v3/webhooks/test)
        """
        body = event.as_walmart()
        body.pop("status", None)
        return http.send(self.connection, "POST", "/v3/webhooks/test", json=body, bucket="webhooks",
                         what="test webhook delivery").json().get("message", "")
