"""Create or update an integration's Walmart webhook subscriptions, then ask Walmart for a test delivery.

Event types and their resource names are read from GET /v3/webhooks/eventTypes at run time (the
documented names disagree: RETURNS vs ReturnsAndRefunds). ORDER_UPDATES is preferred when the
account offers it (Walmart is retiring the per-type order events); else the per-type ones.
"""

from django.conf import settings
from django.urls import reverse

from audit import log as audit_log
from connectors.walmart.client import WalmartClient
from connectors.walmart.webhooks import EventSubscription, WebhookAuth
from syncs.models import Integration

ORDER_EVENTS_NEW = ("ORDER_UPDATES",)
ORDER_EVENTS_OLD = ("PO_CREATED", "PO_LINE_AUTOCANCELLED", "INTENT_TO_CANCEL")
RETURN_EVENTS = ("RETURN_CREATED",)


def event_url(integration):
    return settings.SITE_URL + reverse("walmart-webhook", args=[integration.slug])


def auth_of(integration):
    """(authDetails, extra headers) for the subscription, from the integration's webhook settings."""
    method, header, secret = integration.webhook_auth, integration.webhook_header, integration.webhook_secret()
    if method == Integration.WebhookAuth.HMAC:
        return WebhookAuth(method="HMAC", header_name=header, client_secret=secret), {}
    if method == Integration.WebhookAuth.BASIC_AUTH:
        return WebhookAuth(method="BASIC_AUTH", header_name=header, user_name=integration.webhook_username,
                           password=secret), {}
    if method == Integration.WebhookAuth.OAUTH:
        token_url = settings.SITE_URL + reverse("walmart-webhook-token", args=[integration.slug])
        return WebhookAuth(method="OAUTH", header_name=header, client_id=integration.webhook_username,
                           client_secret=secret, auth_url=token_url), {}
    return None, {header: secret}


def wanted_events(available):
    offered = {e.get("eventType"): e for e in available}
    orders = ORDER_EVENTS_NEW if all(name in offered for name in ORDER_EVENTS_NEW) else ORDER_EVENTS_OLD
    return [offered[name] for name in (*orders, *RETURN_EVENTS) if name in offered]


def subscribe(integration, user=None, *, test=True):
    """Subscribe (or update) every wanted event, then (if `test`) ask Walmart for a test delivery.

    Returns a list of one-line results. Raises typed connector errors.
    """
    if not integration.webhook_secret():
        raise ValueError(f"{integration.slug}: set the webhook secret first")
    client = WalmartClient(integration.walmart)
    auth, headers = auth_of(integration)
    url = event_url(integration)
    events = wanted_events(client.event_types())
    existing = {s.get("eventType"): s for s in client.list_subscriptions()}
    lines, created = [], []
    for event in events:
        subscription = EventSubscription(event_type=event["eventType"], resource_name=event["resourceName"],
                                         event_version=event.get("eventVersion") or "V1", event_url=url, auth=auth,
                                         headers={"content-type": "application/json", **headers})
        current = existing.get(event["eventType"])
        if current and current.get("subscriptionId"):
            client.update_subscription(current["subscriptionId"], event_url=url, status="ACTIVE", auth=auth,
                                       headers=subscription.headers)
            lines.append(f"{event['eventType']}: updated")
        else:
            created.append(subscription)
            lines.append(f"{event['eventType']}: created")
    if created:
        client.create_subscriptions(created)
    if events and test:
        first = events[0]
        message = client.test_webhook(EventSubscription(
            event_type=first["eventType"], resource_name=first["resourceName"], event_url=url, auth=auth,
            event_version=first.get("eventVersion") or "V1", headers={"content-type": "application/json", **headers}))
        lines.append(f"test delivery: {message}")
    audit_log.record("webhook.subscribe.succeeded", user=user, connection=integration.walmart,
                     object_type="integration", object_id=integration.slug, message="; ".join(lines))
    return lines
